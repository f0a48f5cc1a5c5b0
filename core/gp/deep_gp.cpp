#include "core/gp/deep_gp.h"

#include "core/common/thread_pool.h"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <numbers>
#include <numeric>
#include <random>
#include <thread>

namespace mp::gp {

using detail::DgpLayer;
using detail::DgpParams;

Status DeepGpConfig::validate() const {
  if (layers < 1 || layers > 10) return fail("deep GP: layers must be in [1, 10]");
  if (inducing < 1) return fail("deep GP: inducing must be >= 1");
  if (innerWidth < 0) return fail("deep GP: innerWidth must be >= 0");
  if (iterations < 0) return fail("deep GP: iterations must be >= 0");
  if (batchSize < 0) return fail("deep GP: batchSize must be >= 0");
  if (!(learningRate > 0.0) || !std::isfinite(learningRate)) return fail("deep GP: learningRate must be > 0");
  if (trainSamples < 1) return fail("deep GP: trainSamples must be >= 1");
  if (predictSamples < 1) return fail("deep GP: predictSamples must be >= 1");
  if (!(initLikelihoodVariance > 0.0) || !std::isfinite(initLikelihoodVariance)) {
    return fail("deep GP: initLikelihoodVariance must be > 0");
  }
  if (!(minLikelihoodVariance > 0.0)) return fail("deep GP: minLikelihoodVariance must be > 0");
  if (!(validationFraction >= 0.0 && validationFraction <= 0.5)) {
    return fail("deep GP: validationFraction must be in [0, 0.5]");
  }
  if (validationInterval < 1) return fail("deep GP: validationInterval must be >= 1");
  if (validationPatience < 1) return fail("deep GP: validationPatience must be >= 1");
  if (threads < 0) return fail("deep GP: threads must be >= 0");
  return {};
}

namespace {

std::unique_ptr<ThreadPool> makePool(int threads) {
  const unsigned n = threads > 0 ? static_cast<unsigned>(threads) : std::max(1u, std::thread::hardware_concurrency());
  if (n <= 1) return nullptr;
  return std::make_unique<ThreadPool>(n - 1);  // parallelFor's caller is the n-th thread
}

// Din×Dout fixed mean-function weights: PCA projection (narrowing), identity, or padded identity.
Mat meanFunctionWeights(const Mat& x, Eigen::Index dout) {
  const Eigen::Index din = x.cols();
  if (din == dout) return Mat::Identity(din, dout);
  if (din < dout) {
    Mat w = Mat::Zero(din, dout);
    w.leftCols(din).setIdentity();
    return w;
  }
  const Mat centred = x.rowwise() - x.colwise().mean();
  const Mat cov = centred.transpose() * centred / std::max<double>(1.0, static_cast<double>(x.rows()) - 1.0);
  Eigen::SelfAdjointEigenSolver<Mat> eig(cov);
  Mat w(din, dout);
  for (Eigen::Index j = 0; j < dout; ++j) w.col(j) = eig.eigenvectors().col(din - 1 - j);
  // Deterministic sign: largest-magnitude entry positive.
  for (Eigen::Index j = 0; j < dout; ++j) {
    Eigen::Index idx = 0;
    w.col(j).cwiseAbs().maxCoeff(&idx);
    if (w(idx, j) < 0) w.col(j) *= -1.0;
  }
  return w;
}

Status checkData(ConstMatRef x, ConstMatRef y, const Vec* weights) {
  if (x.rows() != y.rows()) return fail("deep GP: x and y have different numbers of rows");
  if (x.rows() < 2) return fail("deep GP: need at least two training rows");
  if (x.cols() < 1 || y.cols() < 1) return fail("deep GP: x and y need at least one column");
  if (!x.allFinite() || !y.allFinite()) return fail("deep GP: training data contain NaN or Inf");
  if (weights != nullptr) {
    if (weights->size() != x.rows()) return fail("deep GP: weights must have one entry per row");
    if (!weights->allFinite() || weights->minCoeff() < 0.0) return fail("deep GP: weights must be finite and >= 0");
  }
  return {};
}

double logSumExp(const Eigen::ArrayXd& a) {
  const double m = a.maxCoeff();
  if (!std::isfinite(m)) return m;
  return m + std::log((a - m).exp().sum());
}

}  // namespace

Result<DeepGp> DeepGp::fit(ConstMatRef x, ConstMatRef y, const DeepGpConfig& config, const FitCallbacks& callbacks,
                           const Vec* weights) {
  if (auto s = config.validate(); !s) return s.error();
  if (auto s = checkData(x, y, weights); !s) return s.error();
  DeepGp gp;
  gp.config_ = config;
  const Eigen::Index n = x.rows();
  const Eigen::Index P = y.cols();
  gp.yMean_ = y.colwise().mean().transpose();
  gp.yScale_.resize(P);
  for (Eigen::Index j = 0; j < P; ++j) {
    const double sd = std::sqrt((y.col(j).array() - gp.yMean_[j]).square().sum() / (n - 1.0));
    gp.yScale_[j] = sd > 1e-12 ? sd : 1.0;
  }
  const Mat ys = (y.rowwise() - gp.yMean_.transpose()).array().rowwise() / gp.yScale_.transpose().array();

  // Initialisation (SCIENCE.md §5, the reference code's recipe).
  const Eigen::Index d0 = x.cols();
  const Eigen::Index width = config.innerWidth > 0 ? config.innerWidth : d0;
  const Eigen::Index m = std::min<Eigen::Index>(config.inducing, n);
  Mat zRun = m >= n ? Mat(x) : detail::kmeans(x, static_cast<int>(m), config.seed);
  Mat xRun = x;
  for (int l = 0; l < config.layers; ++l) {
    const bool last = l == config.layers - 1;
    const Eigen::Index din = xRun.cols();
    const Eigen::Index dout = last ? P : width;
    DgpLayer layer;
    layer.z = zRun;
    const double ell = medianPairwiseDistance(xRun);
    layer.kernel = SquaredExponentialKernel(Vec::Constant(config.ard ? din : 1, ell), 1.0);
    layer.qMu = Mat::Zero(m, dout);
    layer.qSqrt.assign(static_cast<std::size_t>(dout), (last ? 1.0 : 1e-5) * Mat::Identity(m, m));
    layer.trainZ = config.trainInducing;
    if (!last) {
      layer.meanW = meanFunctionWeights(xRun, dout);
      layer.white = 1e-6;
      xRun = xRun * layer.meanW;
      zRun = zRun * layer.meanW;
    }
    gp.params_.layers.push_back(std::move(layer));
  }
  gp.params_.logNoise = Vec::Constant(P, std::log(config.initLikelihoodVariance));
  if (auto s = gp.train(x, ys, config.iterations, callbacks, weights, config.seed); !s) return s.error();
  return gp;
}

Status DeepGp::refine(ConstMatRef x, ConstMatRef y, int iterations, const FitCallbacks& callbacks, const Vec* weights) {
  if (iterations < 0) return fail("deep GP: iterations must be >= 0");
  if (auto s = checkData(x, y, weights); !s) return s;
  if (x.cols() != inputDim() || y.cols() != outputDim()) return fail("deep GP: refine data have the wrong shape");
  const Mat ys = (y.rowwise() - yMean_.transpose()).array().rowwise() / yScale_.transpose().array();
  return train(x, ys, iterations, callbacks, weights, config_.seed + 7919ULL * static_cast<std::uint64_t>(steps_ + 1));
}

Status DeepGp::train(ConstMatRef xAll, ConstMatRef ysAll, int iterations, const FitCallbacks& callbacks,
                     const Vec* weightsAll, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> n01;
  const auto pool = makePool(config_.threads);

  // Optional validation split for early stopping.
  Mat x, ys, xVal, yVal;
  Vec w;
  const bool haveWeights = weightsAll != nullptr;
  {
    const Eigen::Index nAll = xAll.rows();
    std::vector<Eigen::Index> order(static_cast<std::size_t>(nAll));
    std::iota(order.begin(), order.end(), 0);
    Eigen::Index nVal = 0;
    if (config_.validationFraction > 0.0) {
      std::shuffle(order.begin(), order.end(), rng);
      nVal = std::min<Eigen::Index>(nAll - 2, static_cast<Eigen::Index>(std::round(config_.validationFraction * nAll)));
      nVal = std::max<Eigen::Index>(0, nVal);
    }
    const Eigen::Index nTr = nAll - nVal;
    x.resize(nTr, xAll.cols());
    ys.resize(nTr, ysAll.cols());
    if (haveWeights) w.resize(nTr);
    xVal.resize(nVal, xAll.cols());
    yVal.resize(nVal, ysAll.cols());
    for (Eigen::Index i = 0; i < nAll; ++i) {
      const Eigen::Index r = order[static_cast<std::size_t>(i)];
      if (i < nVal) {
        xVal.row(i) = xAll.row(r);
        yVal.row(i) = ysAll.row(r);
      } else {
        x.row(i - nVal) = xAll.row(r);
        ys.row(i - nVal) = ysAll.row(r);
        if (haveWeights) w[i - nVal] = (*weightsAll)[r];
      }
    }
  }
  const Eigen::Index n = x.rows();
  const Eigen::Index b = (config_.batchSize == 0 || config_.batchSize >= n) ? n : config_.batchSize;
  const double dataScale = static_cast<double>(n) / static_cast<double>(b);
  const std::size_t L = params_.layers.size();
  const int samples = L > 1 ? config_.trainSamples : 1;

  Vec theta, grad;
  detail::pack(params_, theta);
  const Eigen::Index np = theta.size();
  // Trained entries of theta as contiguous (offset, length) runs: frozen Z and the inert strict
  // upper triangles of every S (45 % of the entries for M = 100) are left out of Adam.
  std::vector<std::pair<Eigen::Index, Eigen::Index>> active;
  {
    Eigen::Index o = 0;
    auto add = [&](Eigen::Index len) {
      if (len > 0) active.emplace_back(o, len);
      o += len;
    };
    for (const auto& layer : params_.layers) {
      if (layer.trainZ) {
        add(layer.z.size());
      } else {
        o += layer.z.size();
      }
      add(layer.kernel.numParams() + layer.qMu.size());
      for (const auto& sq : layer.qSqrt) {
        const Eigen::Index m = sq.rows();
        for (Eigen::Index j = 0; j < m; ++j) {
          o += j;       // strictly upper part of column j (column-major)
          add(m - j);   // lower part, diagonal included
        }
      }
    }
    add(params_.logNoise.size());
  }
  const Eigen::Index noiseOffset = np - params_.logNoise.size();
  const double logNoiseFloor = std::log(config_.minLikelihoodVariance);
  Vec adamM = Vec::Zero(np), adamV = Vec::Zero(np);
  const double beta1 = 0.9, beta2 = 0.999, adamEps = 1e-8;

  std::vector<Eigen::Index> perm(static_cast<std::size_t>(n));
  std::iota(perm.begin(), perm.end(), 0);
  std::size_t cursor = perm.size();
  Mat xb(b == n ? 0 : b, x.cols()), yb(b == n ? 0 : b, ys.cols());
  Vec wb(b == n ? 0 : b);
  detail::NoiseDraws eps(static_cast<std::size_t>(samples));
  for (auto& e : eps) {
    e.resize(L - 1);
    for (std::size_t l = 0; l + 1 < L; ++l) e[l].resize(b, params_.layers[l].outputDim());
  }

  double bestVal = -std::numeric_limits<double>::infinity();
  Vec bestTheta;
  int sinceBest = 0;
  double runningElbo = 0.0;
  int runningCount = 0;
  detail::DgpWorkspace workspace;  // reused by every step: no large allocation after the first
  const bool fullBatch = b == n;
  for (int it = 0; it < iterations; ++it) {
    if (stopRequested(callbacks.stop)) return fail("deep GP: training cancelled");
    if (!fullBatch) {
      for (Eigen::Index i = 0; i < b; ++i) {
        if (cursor >= perm.size()) {
          std::shuffle(perm.begin(), perm.end(), rng);
          cursor = 0;
        }
        const Eigen::Index r = perm[cursor++];
        xb.row(i) = x.row(r);
        yb.row(i) = ys.row(r);
        if (haveWeights) wb[i] = w[r];
      }
    }
    for (auto& e : eps) {
      for (auto& m : e) {
        for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = n01(rng);
      }
    }
    auto elbo = fullBatch ? detail::dgpElbo(params_, x, ys, haveWeights ? &w : nullptr, dataScale, eps, &grad,
                                            pool.get(), workspace)
                          : detail::dgpElbo(params_, xb, yb, haveWeights ? &wb : nullptr, dataScale, eps, &grad,
                                            pool.get(), workspace);
    if (!elbo) return fail(elbo.error().message + " at iteration " + std::to_string(steps_ + 1));
    if (!std::isfinite(*elbo) || !grad.allFinite()) {
      return fail("deep GP: the ELBO or its gradient became non-finite at iteration " + std::to_string(steps_ + 1));
    }
    lastElbo_ = *elbo;
    runningElbo += *elbo;
    ++runningCount;
    // Adam ascent on the ELBO.
    const double t = it + 1.0;
    const double lrT = config_.learningRate * std::sqrt(1.0 - std::pow(beta2, t)) / (1.0 - std::pow(beta1, t));
    // m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², θ += lr_t m / (√v + ε), over the trained runs
    for (const auto& [o, len] : active) {
      auto g = grad.segment(o, len).array();
      auto am = adamM.segment(o, len).array();
      auto av = adamV.segment(o, len).array();
      am = beta1 * am + (1.0 - beta1) * g;
      av = beta2 * av + (1.0 - beta2) * g.square();
      theta.segment(o, len).array() += lrT * am / (av.sqrt() + adamEps);
    }
    theta.tail(np - noiseOffset) = theta.tail(np - noiseOffset).cwiseMax(logNoiseFloor);
    detail::unpack(theta, params_);
    ++steps_;
    if (callbacks.progress && ((it + 1) % 50 == 0 || it + 1 == iterations)) {
      callbacks.progress(it + 1, runningElbo / runningCount);
      runningElbo = 0.0;
      runningCount = 0;
    }
    if (xVal.rows() > 0 && ((it + 1) % config_.validationInterval == 0 || it + 1 == iterations)) {
      // Mean log predictive density of the held-out rows (standardised units).
      std::vector<Mat> means, vars;
      if (auto s = detail::dgpPredictSamples(params_, xVal, 20, seed + 1, means, vars, pool.get()); !s) return s;
      const Vec noise = params_.logNoise.array().exp().matrix();
      double total = 0.0;
      for (Eigen::Index i = 0; i < xVal.rows(); ++i) {
        Eigen::ArrayXd lp(static_cast<Eigen::Index>(means.size()));
        for (std::size_t s = 0; s < means.size(); ++s) {
          const Eigen::ArrayXd v = vars[s].row(i).transpose().array() + noise.array();
          const Eigen::ArrayXd r = (yVal.row(i) - means[s].row(i)).transpose().array();
          lp[static_cast<Eigen::Index>(s)] = (-0.5 * (2.0 * std::numbers::pi * v).log() - 0.5 * r.square() / v).sum();
        }
        total += logSumExp(lp) - std::log(static_cast<double>(means.size()));
      }
      const double val = total / static_cast<double>(xVal.rows());
      if (val > bestVal) {
        bestVal = val;
        bestTheta = theta;
        sinceBest = 0;
      } else if (++sinceBest >= config_.validationPatience) {
        break;
      }
    }
  }
  if (bestTheta.size() == np) detail::unpack(bestTheta, params_);
  return {};
}

int DeepGp::inputDim() const { return static_cast<int>(params_.layers.front().inputDim()); }
int DeepGp::outputDim() const { return static_cast<int>(params_.logNoise.size()); }

Vec DeepGp::noiseVariance() const {
  return (params_.logNoise.array().exp() * yScale_.array().square()).matrix();
}

GpPrediction DeepGp::predict(ConstMatRef x, int samples, std::uint64_t seed) const {
  const Eigen::Index n = x.rows();
  const Eigen::Index P = outputDim();
  const int s = samples > 0 ? samples : config_.predictSamples;
  GpPrediction out;
  out.mean.resize(n, P);
  out.covariance.assign(static_cast<std::size_t>(n), Mat::Zero(P, P));
  std::vector<Mat> means, vars;
  const auto pool = n * s >= 2000 ? makePool(config_.threads) : nullptr;
  if (x.cols() != inputDim() || !x.allFinite() ||
      !detail::dgpPredictSamples(params_, x, s, seed, means, vars, pool.get())) {
    // Cannot happen for a model that trained or loaded (both factorise every Kzz) unless the
    // input is malformed: fall back to the prior over the standardised targets.
    out.mean = yMean_.transpose().replicate(n, 1);
    for (auto& c : out.covariance) c = yScale_.array().square().matrix().asDiagonal();
    return out;
  }
  const Vec noise = params_.logNoise.array().exp().matrix();
  const double inv = 1.0 / static_cast<double>(means.size());
  Mat mean = Mat::Zero(n, P);
  for (const auto& m : means) mean += m;
  mean *= inv;
  Mat avgVar = Mat::Zero(n, P);
  for (const auto& v : vars) avgVar += v;
  avgVar *= inv;
  for (Eigen::Index i = 0; i < n; ++i) {
    Mat cov = Mat::Zero(P, P);
    for (const auto& m : means) {
      const Vec dlt = (m.row(i) - mean.row(i)).transpose();
      cov.noalias() += dlt * dlt.transpose();
    }
    cov *= inv;
    cov.diagonal() += avgVar.row(i).transpose() + noise;
    out.covariance[static_cast<std::size_t>(i)] = yScale_.asDiagonal() * cov * yScale_.asDiagonal();
  }
  out.mean = (mean.array().rowwise() * yScale_.transpose().array()).rowwise() + yMean_.transpose().array();
  return out;
}

Vec DeepGp::logPredictiveDensity(ConstMatRef x, ConstMatRef y, int samples, std::uint64_t seed) const {
  const Eigen::Index n = x.rows();
  const int s = samples > 0 ? samples : config_.predictSamples;
  Vec out = Vec::Constant(n, -std::numeric_limits<double>::infinity());
  if (y.rows() != n || y.cols() != outputDim()) return out;
  std::vector<Mat> means, vars;
  const auto pool = n * s >= 2000 ? makePool(config_.threads) : nullptr;
  if (x.cols() != inputDim() || !detail::dgpPredictSamples(params_, x, s, seed, means, vars, pool.get())) return out;
  const Mat ys = (y.rowwise() - yMean_.transpose()).array().rowwise() / yScale_.transpose().array();
  const Vec noise = params_.logNoise.array().exp().matrix();
  const double logJacobian = yScale_.array().log().sum();
  for (Eigen::Index i = 0; i < n; ++i) {
    Eigen::ArrayXd lp(static_cast<Eigen::Index>(means.size()));
    for (std::size_t k = 0; k < means.size(); ++k) {
      const Eigen::ArrayXd v = vars[k].row(i).transpose().array() + noise.array();
      const Eigen::ArrayXd r = (ys.row(i) - means[k].row(i)).transpose().array();
      lp[static_cast<Eigen::Index>(k)] = (-0.5 * (2.0 * std::numbers::pi * v).log() - 0.5 * r.square() / v).sum();
    }
    out[i] = logSumExp(lp) - std::log(static_cast<double>(means.size())) - logJacobian;
  }
  return out;
}

void DeepGp::save(io::ArchiveWriter& out, const std::string& prefix) const {
  const DeepGpConfig& c = config_;
  out.putInt(prefix + "config/layers", c.layers);
  out.putInt(prefix + "config/inducing", c.inducing);
  out.putInt(prefix + "config/inner_width", c.innerWidth);
  out.putInt(prefix + "config/iterations", c.iterations);
  out.putInt(prefix + "config/batch_size", c.batchSize);
  out.putDouble(prefix + "config/learning_rate", c.learningRate);
  out.putInt(prefix + "config/train_samples", c.trainSamples);
  out.putInt(prefix + "config/predict_samples", c.predictSamples);
  out.putDouble(prefix + "config/init_likelihood_variance", c.initLikelihoodVariance);
  out.putInt(prefix + "config/ard", c.ard ? 1 : 0);
  out.putInt(prefix + "config/seed", static_cast<std::int64_t>(c.seed));
  out.putInt(prefix + "config/train_inducing", c.trainInducing ? 1 : 0);
  out.putDouble(prefix + "config/min_likelihood_variance", c.minLikelihoodVariance);
  out.putDouble(prefix + "config/validation_fraction", c.validationFraction);
  out.putInt(prefix + "config/validation_interval", c.validationInterval);
  out.putInt(prefix + "config/validation_patience", c.validationPatience);
  out.putInt(prefix + "config/threads", c.threads);
  out.putVector(prefix + "y_mean", yMean_);
  out.putVector(prefix + "y_scale", yScale_);
  out.putVector(prefix + "log_noise", params_.logNoise);
  out.putInt(prefix + "steps", steps_);
  out.putDouble(prefix + "last_elbo", lastElbo_);
  out.putInt(prefix + "num_layers", static_cast<std::int64_t>(params_.layers.size()));
  for (std::size_t l = 0; l < params_.layers.size(); ++l) {
    const DgpLayer& layer = params_.layers[l];
    const std::string p = prefix + "layer" + std::to_string(l) + "/";
    out.putMatrix(p + "z", layer.z);
    out.putVector(p + "kernel_theta", layer.kernel.params());
    out.putMatrix(p + "q_mu", layer.qMu);
    for (std::size_t d = 0; d < layer.qSqrt.size(); ++d) out.putMatrix(p + "q_sqrt" + std::to_string(d), layer.qSqrt[d]);
    out.putMatrix(p + "mean_w", layer.meanW);
    out.putDouble(p + "white", layer.white);
    out.putInt(p + "train_z", layer.trainZ ? 1 : 0);
  }
}

Result<DeepGp> DeepGp::load(const io::ArchiveReader& in, const std::string& prefix) {
  std::string firstError;
  auto geti = [&](const std::string& name) -> std::int64_t {
    auto r = in.getInt(prefix + name);
    if (!r) {
      if (firstError.empty()) firstError = r.error().message;
      return 0;
    }
    return *r;
  };
  auto getd = [&](const std::string& name) -> double {
    auto r = in.getDouble(prefix + name);
    if (!r) {
      if (firstError.empty()) firstError = r.error().message;
      return 0.0;
    }
    return *r;
  };
  auto getm = [&](const std::string& name) -> Mat {
    auto r = in.getMatrix(prefix + name);
    if (!r) {
      if (firstError.empty()) firstError = r.error().message;
      return Mat();
    }
    return *r;
  };
  auto getv = [&](const std::string& name) -> Vec {
    auto r = in.getVector(prefix + name);
    if (!r) {
      if (firstError.empty()) firstError = r.error().message;
      return Vec();
    }
    return *r;
  };
  auto clampInt = [](std::int64_t v) {
    return static_cast<int>(std::clamp<std::int64_t>(v, -1000000000, 1000000000));
  };
  DeepGp gp;
  DeepGpConfig& c = gp.config_;
  c.layers = clampInt(geti("config/layers"));
  c.inducing = clampInt(geti("config/inducing"));
  c.innerWidth = clampInt(geti("config/inner_width"));
  c.iterations = clampInt(geti("config/iterations"));
  c.batchSize = clampInt(geti("config/batch_size"));
  c.learningRate = getd("config/learning_rate");
  c.trainSamples = clampInt(geti("config/train_samples"));
  c.predictSamples = clampInt(geti("config/predict_samples"));
  c.initLikelihoodVariance = getd("config/init_likelihood_variance");
  c.ard = geti("config/ard") != 0;
  c.seed = static_cast<std::uint64_t>(geti("config/seed"));
  c.trainInducing = geti("config/train_inducing") != 0;
  c.minLikelihoodVariance = getd("config/min_likelihood_variance");
  c.validationFraction = getd("config/validation_fraction");
  c.validationInterval = clampInt(geti("config/validation_interval"));
  c.validationPatience = clampInt(geti("config/validation_patience"));
  c.threads = clampInt(geti("config/threads"));
  gp.yMean_ = getv("y_mean");
  gp.yScale_ = getv("y_scale");
  gp.params_.logNoise = getv("log_noise");
  gp.steps_ = clampInt(geti("steps"));
  gp.lastElbo_ = getd("last_elbo");
  const std::int64_t numLayers = geti("num_layers");
  if (!firstError.empty()) return fail("deep GP model: " + firstError);
  if (auto s = c.validate(); !s) return fail("deep GP model: " + s.error().message);
  if (numLayers != c.layers) return fail("deep GP model: layer count mismatch");
  const Eigen::Index P = gp.params_.logNoise.size();
  if (P < 1 || gp.yMean_.size() != P || gp.yScale_.size() != P) return fail("deep GP model: inconsistent output size");
  Eigen::Index din = -1;
  for (int l = 0; l < c.layers; ++l) {
    const std::string p = "layer" + std::to_string(l) + "/";
    DgpLayer layer;
    layer.z = getm(p + "z");
    const Vec kt = getv(p + "kernel_theta");
    layer.qMu = getm(p + "q_mu");
    if (!firstError.empty()) return fail("deep GP model: " + firstError);
    const Eigen::Index m = layer.z.rows();
    if (m < 1 || layer.z.cols() < 1 || (din >= 0 && layer.z.cols() != din)) return fail("deep GP model: bad inducing inputs");
    if (kt.size() != 2 && kt.size() != layer.z.cols() + 1) return fail("deep GP model: bad kernel parameters");
    if (layer.qMu.rows() != m || layer.qMu.cols() < 1 || layer.qMu.cols() > 100000) return fail("deep GP model: bad q_mu");
    layer.kernel.setParams(kt);
    for (Eigen::Index d = 0; d < layer.qMu.cols(); ++d) {
      Mat s = getm(p + "q_sqrt" + std::to_string(d));
      if (!firstError.empty()) return fail("deep GP model: " + firstError);
      if (s.rows() != m || s.cols() != m) return fail("deep GP model: bad q_sqrt");
      layer.qSqrt.push_back(std::move(s));
    }
    layer.meanW = getm(p + "mean_w");
    layer.white = getd(p + "white");
    layer.trainZ = geti(p + "train_z") != 0;
    if (!firstError.empty()) return fail("deep GP model: " + firstError);
    const bool last = l == c.layers - 1;
    if (last ? (layer.meanW.size() != 0 || layer.qMu.cols() != P)
             : (layer.meanW.rows() != layer.z.cols() || layer.meanW.cols() != layer.qMu.cols())) {
      return fail("deep GP model: bad mean function");
    }
    bool finite = layer.z.allFinite() && kt.allFinite() && layer.qMu.allFinite() && layer.meanW.allFinite() &&
                  std::isfinite(layer.white);
    for (const auto& s : layer.qSqrt) finite = finite && s.allFinite();
    if (!finite) return fail("deep GP model: non-finite parameters");
    din = layer.qMu.cols();
    gp.params_.layers.push_back(std::move(layer));
  }
  if (!gp.yMean_.allFinite() || !gp.yScale_.allFinite() || !gp.params_.logNoise.allFinite() ||
      gp.yScale_.minCoeff() <= 0.0) {
    return fail("deep GP model: non-finite output scaling");
  }
  std::vector<Mat> means, vars;
  const Mat probe = Mat::Zero(1, gp.inputDim());
  if (auto s = detail::dgpPredictSamples(gp.params_, probe, 1, 1, means, vars, nullptr); !s) {
    return fail("deep GP model: " + s.error().message);
  }
  return gp;
}

}  // namespace mp::gp
