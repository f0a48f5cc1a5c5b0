#include "core/gp/exact_gp.h"

#include "core/gp/cholesky.h"

#include <LBFGS.h>

#include <cmath>
#include <limits>
#include <numbers>
#include <random>

namespace mp::gp {

namespace {

using KernelVariant = std::variant<SquaredExponentialKernel, LinearKernel>;

int kernelParamCount(const ExactGpConfig& c, Eigen::Index dims) {
  if (c.kernel == ExactKernel::LinearConstant) return 2;
  return c.ard ? static_cast<int>(dims) + 1 : 2;
}

KernelVariant makeKernel(const ExactGpConfig& c, ConstVecRef kernelTheta) {
  if (c.kernel == ExactKernel::LinearConstant) {
    LinearKernel k;
    k.setParams(kernelTheta);
    return k;
  }
  SquaredExponentialKernel k;
  k.setParams(kernelTheta);
  return k;
}

Mat kernelMatrix(const KernelVariant& k, ConstMatRef a, ConstMatRef b) {
  return std::visit([&](const auto& kk) { return kk.matrix(a, b); }, k);
}

Vec kernelDiagonal(const KernelVariant& k, ConstMatRef a) {
  return std::visit([&](const auto& kk) { return kk.diagonal(a); }, k);
}

Vec initialTheta(const ExactGpConfig& c, ConstMatRef x) {
  const int nk = kernelParamCount(c, x.cols());
  Vec theta(nk + 1);
  if (c.kernel == ExactKernel::LinearConstant) {
    theta[0] = std::log(0.1);
    theta[1] = std::log(1.0 / std::max<Eigen::Index>(1, x.cols()));
  } else {
    // Median distance over all dims spread evenly: per-dim lengthscale ≈ median / √D · √D/…;
    // the median pairwise distance of standardised inputs ≈ √(2D), so use it for every ℓ_d.
    const double ell = medianPairwiseDistance(x);
    theta.head(nk - 1).setConstant(std::log(ell));
    theta[nk - 1] = 0.0;  // σ² = 1 on standardised targets
  }
  theta[nk] = std::log(c.initNoiseVariance);
  return theta;
}

}  // namespace

Status ExactGpConfig::validate() const {
  if (maxIterations < 0) return fail("exact GP: maxIterations must be >= 0");
  if (restarts < 0) return fail("exact GP: restarts must be >= 0");
  if (!(initNoiseVariance > 0.0) || !std::isfinite(initNoiseVariance)) {
    return fail("exact GP: initNoiseVariance must be > 0");
  }
  if (!(minNoiseVariance >= 0.0)) return fail("exact GP: minNoiseVariance must be >= 0");
  return {};
}

Result<double> exactGpNegLogMarginal(ConstMatRef x, ConstVecRef y, const ExactGpConfig& config,
                                     ConstVecRef theta, Vec* gradient) {
  const Eigen::Index n = x.rows();
  const int nk = kernelParamCount(config, x.cols());
  if (theta.size() != nk + 1) return fail("exact GP: wrong number of hyperparameters");
  if (!theta.allFinite()) return fail("exact GP: non-finite hyperparameters");
  const KernelVariant k = makeKernel(config, theta.head(nk));
  const double noise = config.minNoiseVariance + std::exp(theta[nk]);
  Mat kf = kernelMatrix(k, x, x);
  Mat kn = kf;
  kn.diagonal().array() += noise;
  Mat lower;
  if (jitteredCholeskyInto(kn, lower, 0.0, 1e-4) < 0.0) {
    return fail("exact GP: the kernel matrix is not positive definite even with jitter 1e-4");
  }
  const auto L = lower.triangularView<Eigen::Lower>();
  Vec alpha = L.solve(y);
  const double quad = alpha.squaredNorm();
  lower.transpose().triangularView<Eigen::Upper>().solveInPlace(alpha);
  const double nlml = 0.5 * quad + lower.diagonal().array().log().sum() +
                      0.5 * static_cast<double>(n) * std::log(2.0 * std::numbers::pi);
  if (gradient != nullptr) {
    Mat kinv = Mat::Identity(n, n);
    L.solveInPlace(kinv);
    lower.transpose().triangularView<Eigen::Upper>().solveInPlace(kinv);
    // ∂nlml/∂K = −½ (ααᵀ − K⁻¹)
    Mat dK = 0.5 * kinv;
    dK.noalias() -= 0.5 * alpha * alpha.transpose();
    gradient->setZero(theta.size());
    Eigen::Ref<Vec> gk = gradient->head(nk);
    std::visit([&](const auto& kk) { kk.accumulateGradients(x, x, kf, dK, gk, nullptr, nullptr); }, k);
    (*gradient)[nk] = dK.trace() * std::exp(theta[nk]);
  }
  return nlml;
}

Status ExactGp::factorise() {
  const int nk = kernelParamCount(config_, x_.cols());
  const double noise = config_.minNoiseVariance + std::exp(logNoise_);
  Mat kn = kernelMatrix(kernel_, x_, x_);
  if (rowNoiseScale_.size() == x_.rows()) {
    kn.diagonal().array() += noise * rowNoiseScale_.array();
  } else {
    kn.diagonal().array() += noise;
  }
  if (jitteredCholeskyInto(kn, lower_, 0.0, 1e-4) < 0.0) {
    return fail("exact GP: the kernel matrix is not positive definite even with jitter 1e-4");
  }
  (void)nk;
  const auto L = lower_.triangularView<Eigen::Lower>();
  alpha_ = L.solve(yStd_);
  const double quad = alpha_.squaredNorm();
  lower_.transpose().triangularView<Eigen::Upper>().solveInPlace(alpha_);
  logMarginal_ = -0.5 * quad - lower_.diagonal().array().log().sum() -
                 0.5 * static_cast<double>(x_.rows()) * std::log(2.0 * std::numbers::pi);
  return {};
}

Result<ExactGp> ExactGp::withParams(ConstMatRef x, ConstVecRef y, const ExactGpConfig& config,
                                    ConstVecRef theta) {
  if (auto s = config.validate(); !s) return s.error();
  if (x.rows() != y.size()) return fail("exact GP: x and y have different numbers of rows");
  if (x.rows() < 1) return fail("exact GP: no training data");
  if (!x.allFinite() || !y.allFinite()) return fail("exact GP: training data contain NaN or Inf");
  const int nk = kernelParamCount(config, x.cols());
  if (theta.size() != nk + 1) return fail("exact GP: wrong number of hyperparameters");
  ExactGp gp;
  gp.config_ = config;
  gp.x_ = x;
  gp.yMean_ = y.mean();
  const double sd = y.size() > 1 ? std::sqrt((y.array() - gp.yMean_).square().sum() / (y.size() - 1.0)) : 0.0;
  gp.yScale_ = sd > 1e-12 ? sd : 1.0;
  gp.y_ = y;
  gp.yStd_ = (y.array() - gp.yMean_) / gp.yScale_;
  // Targets near the double range overflow the scale (then save() would write NaN): refuse them.
  if (!std::isfinite(gp.yMean_) || !std::isfinite(gp.yScale_) || !gp.yStd_.allFinite()) {
    return fail("exact GP: training targets out of range");
  }
  if (!theta.allFinite()) return fail("exact GP: hyperparameters contain NaN or Inf");
  gp.kernel_ = makeKernel(config, theta.head(nk));
  gp.logNoise_ = theta[nk];
  if (auto s = gp.factorise(); !s) return s.error();
  return gp;
}

Result<ExactGp> ExactGp::withParams(ConstMatRef x, ConstVecRef y, const ExactGpConfig& config,
                                    ConstVecRef theta, ConstVecRef rowNoiseScale) {
  if (rowNoiseScale.size() != x.rows()) return fail("exact GP: one noise scale per training row needed");
  if (!rowNoiseScale.allFinite() || !(rowNoiseScale.array() > 0.0).all()) {
    return fail("exact GP: noise scales must be finite and > 0");
  }
  if (auto s = config.validate(); !s) return s.error();
  if (x.rows() != y.size()) return fail("exact GP: x and y have different numbers of rows");
  if (x.rows() < 1) return fail("exact GP: no training data");
  if (!x.allFinite() || !y.allFinite()) return fail("exact GP: training data contain NaN or Inf");
  if (theta.size() != kernelParamCount(config, x.cols()) + 1) return fail("exact GP: wrong number of hyperparameters");
  ExactGp gp;
  gp.config_ = config;
  gp.x_ = x;
  gp.yMean_ = y.mean();
  const double sd = y.size() > 1 ? std::sqrt((y.array() - gp.yMean_).square().sum() / (y.size() - 1.0)) : 0.0;
  gp.yScale_ = sd > 1e-12 ? sd : 1.0;
  gp.y_ = y;
  gp.yStd_ = (y.array() - gp.yMean_) / gp.yScale_;
  gp.kernel_ = makeKernel(config, theta.head(kernelParamCount(config, x.cols())));
  gp.logNoise_ = theta[theta.size() - 1];
  gp.rowNoiseScale_ = rowNoiseScale;
  if (auto s = gp.factorise(); !s) return s.error();
  return gp;
}

Result<ExactGp> ExactGp::fit(ConstMatRef x, ConstVecRef y, const ExactGpConfig& config) {
  if (auto s = config.validate(); !s) return s.error();
  if (x.rows() != y.size()) return fail("exact GP: x and y have different numbers of rows");
  if (x.rows() < 2) return fail("exact GP: need at least two training rows");
  if (!x.allFinite() || !y.allFinite()) return fail("exact GP: training data contain NaN or Inf");
  const double mean = y.mean();
  const double sd = std::sqrt((y.array() - mean).square().sum() / (y.size() - 1.0));
  const Vec ys = (y.array() - mean) / (sd > 1e-12 ? sd : 1.0);

  const Vec theta0 = initialTheta(config, x);
  std::mt19937_64 rng(config.seed);
  std::normal_distribution<double> n01;
  Vec bestTheta = theta0;
  double bestValue = std::numeric_limits<double>::infinity();
  std::string lastError;
  for (int start = 0; start <= config.restarts; ++start) {
    Vec theta = theta0;
    if (start > 0) {
      for (Eigen::Index i = 0; i < theta.size(); ++i) theta[i] += 0.7 * n01(rng);
    }
    // Track the best finite point the optimiser visits: a line-search exception then still
    // leaves a usable answer.
    Vec runBest = theta;
    double runBestValue = std::numeric_limits<double>::infinity();
    auto objective = [&](const Vec& t, Vec& g) -> double {
      auto v = exactGpNegLogMarginal(x, ys, config, t, &g);
      if (!v || !std::isfinite(*v) || !g.allFinite()) {
        if (!v) lastError = v.error().message;
        g = Vec::Zero(t.size());
        return 1e30;
      }
      // Keep the log-parameters in a sane box: a soft wall, not part of the model.
      if (*v < runBestValue) {
        runBestValue = *v;
        runBest = t;
      }
      return *v;
    };
    if (config.maxIterations > 0) {
      LBFGSpp::LBFGSParam<double> param;
      param.max_iterations = config.maxIterations;
      param.epsilon = 1e-5;
      param.past = 3;
      param.delta = 1e-8;
      param.max_linesearch = 40;
      param.linesearch = LBFGSpp::LBFGS_LINESEARCH_BACKTRACKING_ARMIJO;
      LBFGSpp::LBFGSSolver<double> solver(param);
      double fx = 0.0;
      Vec t = theta;
      try {
        solver.minimize(objective, t, fx);
      } catch (const std::exception& e) {
        // Line search gave up: keep the best point seen (logged in runBest).
        lastError = e.what();
      }
    } else {
      Vec g;
      objective(theta, g);
    }
    if (runBestValue < bestValue) {
      bestValue = runBestValue;
      bestTheta = runBest;
    }
  }
  if (!std::isfinite(bestValue)) {
    return fail("exact GP: marginal-likelihood optimisation failed: " + lastError);
  }
  return withParams(x, y, config, bestTheta);
}

void ExactGp::predictLatent(ConstMatRef x, Vec& mean, Vec& variance) const {
  const Mat ks = kernelMatrix(kernel_, x_, x);  // N×N*
  mean = ks.transpose() * alpha_;
  const Mat v = lower_.triangularView<Eigen::Lower>().solve(ks);
  variance = (kernelDiagonal(kernel_, x) - v.colwise().squaredNorm().transpose()).cwiseMax(0.0);
  mean = mean.array() * yScale_ + yMean_;
  variance *= yScale_ * yScale_;
}

void ExactGp::predict(ConstMatRef x, Vec& mean, Vec& variance) const {
  predictLatent(x, mean, variance);
  variance.array() += noiseVariance() * yScale_ * yScale_;
}

double ExactGp::noiseVariance() const { return config_.minNoiseVariance + std::exp(logNoise_); }

Vec ExactGp::params() const {
  const Vec kp = std::visit([](const auto& kk) { return kk.params(); }, kernel_);
  Vec t(kp.size() + 1);
  t << kp, logNoise_;
  return t;
}

void ExactGp::save(io::ArchiveWriter& out, const std::string& prefix) const {
  out.putInt(prefix + "kernel", static_cast<std::int64_t>(config_.kernel));
  out.putInt(prefix + "ard", config_.ard ? 1 : 0);
  out.putDouble(prefix + "min_noise", config_.minNoiseVariance);
  out.putVector(prefix + "theta", params());
  out.putMatrix(prefix + "x", x_);
  out.putVector(prefix + "y", y_);
  if (rowNoiseScale_.size() > 0) out.putVector(prefix + "row_noise_scale", rowNoiseScale_);
}

Result<ExactGp> ExactGp::load(const io::ArchiveReader& in, const std::string& prefix) {
  auto kernel = in.getInt(prefix + "kernel");
  auto ard = in.getInt(prefix + "ard");
  auto minNoise = in.getDouble(prefix + "min_noise");
  auto theta = in.getVector(prefix + "theta");
  auto x = in.getMatrix(prefix + "x");
  auto y = in.getVector(prefix + "y");
  for (const Status& s : {Status(kernel ? Status{} : kernel.error()), Status(ard ? Status{} : ard.error()),
                          Status(minNoise ? Status{} : minNoise.error()), Status(theta ? Status{} : theta.error()),
                          Status(x ? Status{} : x.error()), Status(y ? Status{} : y.error())}) {
    if (!s) return fail("exact GP model: " + s.error().message);
  }
  if (*kernel != 0 && *kernel != 1) return fail("exact GP model: unknown kernel");
  ExactGpConfig c;
  c.kernel = static_cast<ExactKernel>(*kernel);
  c.ard = *ard != 0;
  c.minNoiseVariance = *minNoise;
  if (x->rows() != y->size() || x->rows() < 1) return fail("exact GP model: inconsistent shapes");
  if (theta->size() != kernelParamCount(c, x->cols()) + 1) return fail("exact GP model: wrong parameter count");
  if (in.has(prefix + "row_noise_scale")) {
    auto scale = in.getVector(prefix + "row_noise_scale");
    if (!scale) return fail("exact GP model: " + scale.error().message);
    return withParams(*x, *y, c, *theta, *scale);
  }
  return withParams(*x, *y, c, *theta);
}

Result<ExactGpMulti> ExactGpMulti::fit(ConstMatRef x, ConstMatRef y, const ExactGpConfig& config) {
  ExactGpMulti m;
  for (Eigen::Index j = 0; j < y.cols(); ++j) {
    Vec col = y.col(j);
    auto gp = ExactGp::fit(x, col, config);
    if (!gp) return gp.error();
    m.models_.push_back(std::move(*gp));
  }
  return m;
}

void ExactGpMulti::predict(ConstMatRef x, Mat& mean, Mat& variance) const {
  mean.resize(x.rows(), static_cast<Eigen::Index>(models_.size()));
  variance.resize(x.rows(), static_cast<Eigen::Index>(models_.size()));
  for (std::size_t j = 0; j < models_.size(); ++j) {
    Vec m, v;
    models_[j].predict(x, m, v);
    mean.col(static_cast<Eigen::Index>(j)) = m;
    variance.col(static_cast<Eigen::Index>(j)) = v;
  }
}

}  // namespace mp::gp
