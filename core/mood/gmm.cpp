#include "core/mood/gmm.h"

#include "core/mood/math_util.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

namespace mp::mood {
namespace {

constexpr double kLog2Pi = 1.8378770664093454836;
constexpr Eigen::Index kBlockRows = 2048;

/// Mean log-likelihood of the rows of x given log-sum-exp values.
double meanOf(const Vec& v) { return v.size() > 0 ? v.mean() : 0.0; }

}  // namespace

Status DiagGmm::validate() const {
  const auto k = weights.size();
  if (k == 0) return fail("GMM has no components");
  if (means.rows() != k || variances.rows() != k || variances.cols() != means.cols() ||
      means.cols() == 0) {
    return fail("GMM parameter shapes disagree");
  }
  if (!weights.allFinite() || !means.allFinite() || !variances.allFinite()) {
    return fail("GMM parameters are not finite");
  }
  if ((weights.array() < 0.0).any() || std::abs(weights.sum() - 1.0) > 1e-6) {
    return fail("GMM weights are not a probability vector");
  }
  if ((variances.array() <= 0.0).any()) return fail("GMM variances must be positive");
  return {};
}

void softAssign(ConstMatRef x, const Vec& c, const Mat& p, const Mat& pm, Mat& gamma,
                Vec* logNorm) {
  const Eigen::Index n = x.rows();
  const Eigen::Index k = c.size();
  gamma.resize(n, k);
  if (logNorm != nullptr) logNorm->resize(n);
  const Mat halfP = -0.5 * p.transpose();   // D×K
  const Mat pmT = pm.transpose();            // D×K
  Mat s;
  for (Eigen::Index start = 0; start < n; start += kBlockRows) {
    const Eigen::Index len = std::min(kBlockRows, n - start);
    const auto xb = x.middleRows(start, len);
    s.noalias() = xb.cwiseAbs2() * halfP;
    s.noalias() += xb * pmT;
    s.rowwise() += c.transpose();
    const Vec mx = s.rowwise().maxCoeff();
    s.colwise() -= mx;
    s.array() = s.array().exp();  // whole (column-major) block: vectorised exp
    const Vec sum = s.rowwise().sum();
    gamma.middleRows(start, len) = s.array().colwise() / sum.array();
    if (logNorm != nullptr) logNorm->segment(start, len) = mx.array() + sum.array().log();
  }
}

void DiagGmm::posteriors(ConstMatRef x, Mat& gamma, Vec* logLik) const {
  const Mat p = variances.cwiseInverse();
  const Mat pm = p.cwiseProduct(means);
  Vec c(components());
  for (int k = 0; k < components(); ++k) {
    c(k) = std::log(std::max(weights(k), 1e-300)) - 0.5 * variances.row(k).array().log().sum() -
           0.5 * dims() * kLog2Pi - 0.5 * pm.row(k).dot(means.row(k));
  }
  softAssign(x, c, p, pm, gamma, logLik);
}

double DiagGmm::meanLogLikelihood(ConstMatRef x) const {
  Mat gamma;
  Vec ll;
  posteriors(x, gamma, &ll);
  return meanOf(ll);
}

Mat DiagGmm::sample(int n, std::uint64_t seed, std::vector<int>* labels) const {
  std::mt19937_64 rng(seed);
  std::discrete_distribution<int> pick(weights.data(), weights.data() + weights.size());
  std::normal_distribution<double> normal(0.0, 1.0);
  Mat out(n, dims());
  if (labels != nullptr) labels->assign(static_cast<std::size_t>(n), 0);
  for (int i = 0; i < n; ++i) {
    const int k = pick(rng);
    if (labels != nullptr) (*labels)[static_cast<std::size_t>(i)] = k;
    for (int d = 0; d < dims(); ++d) {
      out(i, d) = means(k, d) + std::sqrt(variances(k, d)) * normal(rng);
    }
  }
  return out;
}

// ---------------------------------------------------------------- k-means

namespace {

/// Squared distances N×K between rows of x and centres via one GEMM.
Mat squaredDistances(ConstMatRef x, const Mat& centres) {
  Mat d2 = -2.0 * (x * centres.transpose());
  d2.colwise() += x.rowwise().squaredNorm();
  d2.rowwise() += centres.rowwise().squaredNorm().transpose();
  return d2.cwiseMax(0.0);
}

}  // namespace

KMeansResult kMeans(ConstMatRef x, int k, int iterations, std::uint64_t seed) {
  const Eigen::Index n = x.rows();
  k = static_cast<int>(std::clamp<Eigen::Index>(k, 1, std::max<Eigen::Index>(n, 1)));
  KMeansResult out;
  out.centres.resize(k, x.cols());
  out.labels.assign(static_cast<std::size_t>(n), 0);
  if (n == 0) return out;
  std::mt19937_64 rng(seed);
  auto uniform = [&rng]() { return static_cast<double>(rng() >> 11) * 0x1.0p-53; };
  // k-means++ seeding.
  Eigen::Index first = static_cast<Eigen::Index>(uniform() * static_cast<double>(n));
  first = std::min(first, n - 1);
  out.centres.row(0) = x.row(first);
  Vec closest = (x.rowwise() - x.row(first)).rowwise().squaredNorm();
  for (int c = 1; c < k; ++c) {
    const double total = closest.sum();
    Eigen::Index chosen = n - 1;
    if (total > 0.0) {
      double target = uniform() * total;
      for (Eigen::Index i = 0; i < n; ++i) {
        target -= closest(i);
        if (target <= 0.0) {
          chosen = i;
          break;
        }
      }
    } else {
      chosen = std::min<Eigen::Index>(static_cast<Eigen::Index>(uniform() * static_cast<double>(n)), n - 1);
    }
    out.centres.row(c) = x.row(chosen);
    closest = closest.cwiseMin((x.rowwise() - x.row(chosen)).rowwise().squaredNorm());
  }
  // Lloyd iterations.
  for (int it = 0; it <= iterations; ++it) {
    const Mat d2 = squaredDistances(x, out.centres);
    bool changed = false;
    out.inertia = 0.0;
    Vec best(n);
    for (Eigen::Index i = 0; i < n; ++i) {
      Eigen::Index arg = 0;
      best(i) = d2.row(i).minCoeff(&arg);
      out.inertia += best(i);
      if (out.labels[static_cast<std::size_t>(i)] != static_cast<int>(arg)) changed = true;
      out.labels[static_cast<std::size_t>(i)] = static_cast<int>(arg);
    }
    if (it == iterations || (!changed && it > 0)) break;
    Mat sums = Mat::Zero(k, x.cols());
    Vec counts = Vec::Zero(k);
    for (Eigen::Index i = 0; i < n; ++i) {
      const int l = out.labels[static_cast<std::size_t>(i)];
      sums.row(l) += x.row(i);
      counts(l) += 1.0;
    }
    for (int c = 0; c < k; ++c) {
      if (counts(c) > 0) {
        out.centres.row(c) = sums.row(c) / counts(c);
      } else {  // re-seed an empty cluster at the point farthest from its centre
        Eigen::Index far = 0;
        best.maxCoeff(&far);
        out.centres.row(c) = x.row(far);
        best(far) = 0.0;
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------- EM

Status EmGmmConfig::validate() const {
  if (components < 1 || components > 4096) return fail("EM-GMM: components must be in 1..4096");
  if (maxIterations < 1) return fail("EM-GMM: maxIterations must be >= 1");
  if (!(tolerance >= 0.0)) return fail("EM-GMM: tolerance must be >= 0");
  if (!(varianceFloor > 0.0)) return fail("EM-GMM: varianceFloor must be > 0");
  return {};
}

namespace {

/// Hard one-hot responsibilities from labels.
Mat oneHot(const std::vector<int>& labels, int k) {
  Mat r = Mat::Zero(static_cast<Eigen::Index>(labels.size()), k);
  for (std::size_t i = 0; i < labels.size(); ++i) r(static_cast<Eigen::Index>(i), labels[i]) = 1.0;
  return r;
}

struct SuffStats {
  Vec nk;    // K
  Mat xbar;  // K×D
  Mat s;     // K×D: weighted variance around xbar
};

SuffStats sufficientStats(ConstMatRef x, const Mat& r) {
  SuffStats st;
  st.nk = r.colwise().sum().transpose();
  const Mat sx = r.transpose() * x;
  const Mat sxx = r.transpose() * x.cwiseAbs2();
  const Vec safe = st.nk.cwiseMax(1e-300);
  st.xbar = sx.array().colwise() / safe.array();
  st.s = (sxx.array().colwise() / safe.array() - st.xbar.array().square()).cwiseMax(0.0);
  for (Eigen::Index k = 0; k < st.nk.size(); ++k) {
    if (st.nk(k) < 1e-12) {
      st.xbar.row(k).setZero();
      st.s.row(k).setZero();
    }
  }
  return st;
}

}  // namespace

Result<EmGmmResult> fitEmGmm(ConstMatRef x, const EmGmmConfig& config) {
  if (auto st = config.validate(); !st) return st.error();
  if (x.rows() < config.components) return fail("EM-GMM: fewer rows than components");
  if (!x.allFinite()) return fail("EM-GMM: input contains non-finite values");
  const int k = config.components;
  const KMeansResult km = kMeans(x, k, 20, config.seed);
  Mat r = oneHot(km.labels, k);
  EmGmmResult out;
  DiagGmm& g = out.gmm;
  for (int it = 0; it < config.maxIterations; ++it) {
    const SuffStats st = sufficientStats(x, r);
    g.weights = st.nk / static_cast<double>(x.rows());
    g.weights = (g.weights.array() + 1e-12).matrix();
    g.weights /= g.weights.sum();
    g.means = st.xbar;
    g.variances = st.s.cwiseMax(config.varianceFloor);
    Vec ll;
    g.posteriors(x, r, &ll);
    out.logLikHistory.push_back(meanOf(ll));
    const std::size_t h = out.logLikHistory.size();
    if (h > 1 && std::abs(out.logLikHistory[h - 1] - out.logLikHistory[h - 2]) <
                     config.tolerance * std::max(1.0, std::abs(out.logLikHistory[h - 1]))) {
      break;
    }
  }
  return out;
}

// ---------------------------------------------------------------- VB

Status VbGmmConfig::validate() const {
  if (maxComponents < 1 || maxComponents > 4096) return fail("VB-GMM: maxComponents must be in 1..4096");
  if (maxIterations < 1) return fail("VB-GMM: maxIterations must be >= 1");
  if (!(tolerance >= 0.0)) return fail("VB-GMM: tolerance must be >= 0");
  if (!(alpha0 > 0.0)) return fail("VB-GMM: alpha0 must be > 0");
  if (!(beta0 > 0.0)) return fail("VB-GMM: beta0 must be > 0");
  if (!(nu0 >= 0.0)) return fail("VB-GMM: nu0 must be >= 0 (0 = D + 1)");
  if (!(w0 >= 0.0)) return fail("VB-GMM: w0 must be >= 0 (0 = from priorVariance)");
  if (!(priorVariance > 0.0)) return fail("VB-GMM: priorVariance must be > 0");
  if (!(pruneBelow >= 0.0)) return fail("VB-GMM: pruneBelow must be >= 0");
  if (!(subsampleFraction > 0.0 && subsampleFraction <= 1.0)) {
    return fail("VB-GMM: subsampleFraction must be in (0, 1]");
  }
  if (kmeansIterations < 0) return fail("VB-GMM: kmeansIterations must be >= 0");
  return {};
}

namespace {

struct VbState {
  Vec alpha, beta, nu;
  Mat m, w, m0;
};

/// The E-step constants: ln ρ_nk = c_k − ½ Σ_d Eλ_kd (x_nd − m_kd)².
void vbExpectations(const VbState& s, Vec& c, Mat& p, Mat& pm) {
  const Eigen::Index k = s.alpha.size();
  const Eigen::Index d = s.m.cols();
  const double psiSum = digamma(s.alpha.sum());
  p = s.w.array().colwise() * s.nu.array();  // Eλ = ν W
  pm = p.cwiseProduct(s.m);
  c.resize(k);
  for (Eigen::Index j = 0; j < k; ++j) {
    const double elnpi = digamma(s.alpha(j)) - psiSum;
    const double elnlam = static_cast<double>(d) * (digamma(0.5 * s.nu(j)) + std::log(2.0)) +
                          s.w.row(j).array().log().sum();
    c(j) = elnpi + 0.5 * elnlam - 0.5 * static_cast<double>(d) * kLog2Pi -
           0.5 * static_cast<double>(d) / s.beta(j) - 0.5 * pm.row(j).dot(s.m.row(j));
  }
}

double lnDirichletNorm(const Vec& a) {
  double v = std::lgamma(a.sum());
  for (Eigen::Index i = 0; i < a.size(); ++i) v -= std::lgamma(a(i));
  return v;
}

}  // namespace

Result<VbGmmResult> fitVbGmm(ConstMatRef xAll, const VbGmmConfig& config, ThreadPool* pool) {
  if (auto st = config.validate(); !st) return st.error();
  if (xAll.rows() < 2 || xAll.cols() < 1) return fail("VB-GMM: need at least 2 vectors");
  if (!xAll.allFinite()) return fail("VB-GMM: input contains non-finite values");

  // Random subsample (paper: 25 % of the training songs' segment vectors).
  Mat x;
  if (config.subsampleFraction < 1.0) {
    std::vector<Eigen::Index> idx(static_cast<std::size_t>(xAll.rows()));
    std::iota(idx.begin(), idx.end(), 0);
    std::mt19937_64 rng(config.seed ^ 0x9e3779b97f4a7c15ULL);
    std::shuffle(idx.begin(), idx.end(), rng);
    const auto n = std::max<Eigen::Index>(
        2, static_cast<Eigen::Index>(std::llround(config.subsampleFraction * static_cast<double>(xAll.rows()))));
    idx.resize(static_cast<std::size_t>(n));
    std::sort(idx.begin(), idx.end());
    x.resize(n, xAll.cols());
    for (Eigen::Index i = 0; i < n; ++i) x.row(i) = xAll.row(idx[static_cast<std::size_t>(i)]);
  } else {
    x = xAll;
  }
  const Eigen::Index n = x.rows();
  const Eigen::Index dim = x.cols();
  const double dd = static_cast<double>(dim);
  const double nu0 = config.nu0 > 0.0 ? config.nu0 : dd + 1.0;
  const double w0 = config.w0 > 0.0 ? config.w0 : 1.0 / (nu0 * config.priorVariance);
  const double a0 = 0.5 * nu0;
  const double b0 = 0.5 / w0;
  const double alpha0 = config.alpha0;
  const double beta0 = config.beta0;

  const KMeansResult km = kMeans(x, config.maxComponents, config.kmeansIterations, config.seed);
  int k = static_cast<int>(km.centres.rows());
  VbState s;
  s.m0 = km.centres;
  Mat r = oneHot(km.labels, k);
  double rlnr = 0.0;  // Σ r ln r of the current responsibilities (hard: 0)

  VbGmmResult out;
  for (int it = 0; it < config.maxIterations; ++it) {
    // ---- M-step (Bishop 10.58-10.63, diagonal).
    const SuffStats st = sufficientStats(x, r);
    s.alpha = (alpha0 + st.nk.array()).matrix();
    s.beta = (beta0 + st.nk.array()).matrix();
    s.nu = (nu0 + st.nk.array()).matrix();
    s.m = ((beta0 * s.m0).array() + st.xbar.array().colwise() * st.nk.array()).colwise() /
          s.beta.array();
    const Mat diff0 = st.xbar - s.m0;
    Mat winv = (st.s.array().colwise() * st.nk.array()).matrix();
    winv.array() += 1.0 / w0;
    const Vec shrink = (beta0 * st.nk.array() / (beta0 + st.nk.array())).matrix();
    winv.array() += diff0.array().square().colwise() * shrink.array();
    s.w = winv.cwiseInverse();

    // ---- ELBO (Bishop 10.70-10.77, diagonal) with the responsibilities just used.
    const double psiSum = digamma(s.alpha.sum());
    Vec elnpi(k);
    for (int j = 0; j < k; ++j) elnpi(j) = digamma(s.alpha(j)) - psiSum;
    Mat elnlam(k, dim), elam(k, dim);
    for (int j = 0; j < k; ++j) {
      const double base = digamma(0.5 * s.nu(j)) + std::log(2.0);
      elnlam.row(j) = (base + s.w.row(j).array().log()).matrix();
      elam.row(j) = s.nu(j) * s.w.row(j);
    }
    double t1 = 0.0, t4 = 0.0, t7 = 0.0;
    for (int j = 0; j < k; ++j) {
      const double quad =
          (elam.row(j).array() * (st.s.row(j).array() + (st.xbar.row(j) - s.m.row(j)).array().square())).sum();
      t1 += 0.5 * st.nk(j) * (elnlam.row(j).sum() - dd / s.beta(j) - quad - dd * kLog2Pi);
      const double a = 0.5 * s.nu(j);
      for (Eigen::Index d = 0; d < dim; ++d) {
        const double el = elnlam(j, d), e = elam(j, d);
        const double dm = s.m(j, d) - s.m0(j, d);
        t4 += 0.5 * std::log(beta0 / (2.0 * M_PI)) + 0.5 * el - 0.5 * beta0 * (e * dm * dm + 1.0 / s.beta(j)) +
              a0 * std::log(b0) - std::lgamma(a0) + (a0 - 1.0) * el - b0 * e;
        const double b = 0.5 / s.w(j, d);
        t7 += 0.5 * std::log(s.beta(j) / (2.0 * M_PI)) + 0.5 * el - 0.5 + a * std::log(b) - std::lgamma(a) +
              (a - 1.0) * el - b * e;
      }
    }
    const double t2 = st.nk.dot(elnpi);
    const double t3 = lnDirichletNorm(Vec::Constant(k, alpha0)) + (alpha0 - 1.0) * elnpi.sum();
    const double t6 = ((s.alpha.array() - 1.0) * elnpi.array()).sum() + lnDirichletNorm(s.alpha);
    const double elbo = t1 + t2 + t3 + t4 - rlnr - t6 - t7;
    out.elboHistory.push_back(elbo);
    out.componentHistory.push_back(k);
    out.iterations = it + 1;

    // ---- Prune dead components (N_k below the threshold), keeping at least one.
    std::vector<int> keep;
    for (int j = 0; j < k; ++j) {
      if (st.nk(j) >= config.pruneBelow) keep.push_back(j);
    }
    if (keep.empty()) {
      Eigen::Index best = 0;
      st.nk.maxCoeff(&best);
      keep.push_back(static_cast<int>(best));
    }
    const bool pruned = static_cast<int>(keep.size()) < k;
    const std::size_t h = out.elboHistory.size();
    if (!pruned && h > 1 && out.componentHistory[h - 2] == k &&
        std::abs(out.elboHistory[h - 1] - out.elboHistory[h - 2]) <= config.tolerance * std::abs(elbo)) {
      out.converged = true;
      break;
    }
    if (pruned) {
      auto select = [&keep](const auto& src) {
        std::remove_cvref_t<decltype(src)> dst(static_cast<Eigen::Index>(keep.size()), src.cols());
        for (std::size_t i = 0; i < keep.size(); ++i) dst.row(static_cast<Eigen::Index>(i)) = src.row(keep[i]);
        return dst;
      };
      auto selectVec = [&keep](const Vec& src) {
        Vec dst(static_cast<Eigen::Index>(keep.size()));
        for (std::size_t i = 0; i < keep.size(); ++i) dst(static_cast<Eigen::Index>(i)) = src(keep[i]);
        return dst;
      };
      s.m = select(s.m);
      s.w = select(s.w);
      s.m0 = select(s.m0);
      s.alpha = selectVec(s.alpha);
      s.beta = selectVec(s.beta);
      s.nu = selectVec(s.nu);
      k = static_cast<int>(keep.size());
    }

    // ---- E-step: responsibilities from the current q(π, μ, Λ), in parallel blocks.
    Vec c;
    Mat p, pm;
    vbExpectations(s, c, p, pm);
    r.resize(n, k);
    const Eigen::Index blocks = (n + kBlockRows - 1) / kBlockRows;
    std::vector<double> blockRlnr(static_cast<std::size_t>(blocks), 0.0);
    parallelFor(pool, static_cast<std::size_t>(blocks), [&](std::size_t b) {
      const Eigen::Index start = static_cast<Eigen::Index>(b) * kBlockRows;
      const Eigen::Index len = std::min(kBlockRows, n - start);
      Mat g;
      softAssign(x.middleRows(start, len), c, p, pm, g, nullptr);
      r.middleRows(start, len) = g;
      blockRlnr[b] = (g.array() * g.array().max(1e-300).log()).sum();
    });
    rlnr = std::accumulate(blockRlnr.begin(), blockRlnr.end(), 0.0);
  }

  out.alpha = s.alpha;
  out.beta = s.beta;
  out.nu = s.nu;
  out.m = s.m;
  out.w = s.w;
  out.gmm.weights = s.alpha / s.alpha.sum();
  out.gmm.means = s.m;
  out.gmm.variances = (s.w.array().colwise() * s.nu.array()).cwiseInverse().matrix();
  if (auto st = out.gmm.validate(); !st) return fail("VB-GMM: " + st.error().message);
  return out;
}

}  // namespace mp::mood
