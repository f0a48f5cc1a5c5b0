#pragma once
// Diagonal-covariance Gaussian mixtures: the plain model (DiagGmm), vectorised posteriors,
// k-means++ initialisation, maximum-likelihood EM (the reference model) and the
// variational-Bayes GMM of Bishop (2006) §10.2 used as the universal background model (UBM).
//
// Notation (shapes): X is N×D (one row per vector), K components.
//   DiagGmm: weights π (K), means μ (K×D), variances σ² (K×D, per dimension, units of X²).
//   log p(x) = log Σ_k π_k Π_d N(x_d | μ_kd, σ²_kd).
//
// Variational Bayes (Bishop 2006, §10.2, diagonal precision; the UBM of Chapaneri & Jayaswal,
// Sādhanā 45:73, 2020, §3): per component k and dimension d
//   π ~ Dir(α₀), λ_kd ~ Gamma(ν₀/2, rate 1/(2 W₀)),  μ_kd | λ_kd ~ N(m₀_kd, 1/(β₀ λ_kd)).
// Posterior q(π) = Dir(α), q(μ_kd, λ_kd) = N(m_kd, 1/(β_k λ_kd)) Gamma(ν_k/2, 1/(2 W_kd)).
// The diagonal Wishart is the product of 1-D Wisharts (Gammas): E[λ] = ν W,
// E[ln λ] = ψ(ν/2) + ln 2 + ln W. Expected parameters used downstream:
//   π_k = α_k / Σα,  μ_k = m_k,  σ²_kd = 1 / (ν_k W_kd).
// Priors (paper): α₀ = 1e-3, β₀ = 1, m₀_k = k-means centre k, ν₀ = D + 1, W₀ = 10·I.
// W₀ on standardised data (choice, documented in VbGmmConfig): with ν₀ = D + 1 the paper's
// W₀ = 10 puts the prior mean precision at ν₀W₀ = 10(D+1) (σ ≈ 0.027 for D = 140), and it acts
// like ν₀ pseudo-observations per component, shrinking small components' variances towards
// that value. Our default sets W₀ = 1 / (ν₀ · priorVariance) so the prior expected variance is
// priorVariance (0.5: a typical within-cluster variance of unit-variance data); set
// `w0 = 10` to reproduce the paper.

#include "core/common/eigen_types.h"
#include "core/common/result.h"
#include "core/common/thread_pool.h"

#include <cstdint>
#include <vector>

namespace mp::mood {

struct DiagGmm {
  Vec weights;    ///< K, sums to 1
  Mat means;      ///< K×D
  Mat variances;  ///< K×D, > 0

  int components() const { return static_cast<int>(weights.size()); }
  int dims() const { return static_cast<int>(means.cols()); }
  Status validate() const;

  /// Posterior responsibilities γ (N×K, rows sum to 1) for the rows of X; optionally the
  /// per-row log-likelihood log p(x_n) (N). Vectorised: two GEMMs per block + array exp.
  void posteriors(ConstMatRef x, Mat& gamma, Vec* logLik = nullptr) const;
  /// Mean log-likelihood (1/N) Σ_n log p(x_n).
  double meanLogLikelihood(ConstMatRef x) const;
  /// Draws n vectors (and their component labels) from the mixture.
  Mat sample(int n, std::uint64_t seed, std::vector<int>* labels = nullptr) const;
};

/// Generic vectorised log-sum-exp kernel used by both GMMs: for each row x_n and component k
///   s_nk = c_k − ½ Σ_d P_kd x_nd² + Σ_d (P∘M)_kd x_nd,
/// then γ_nk = softmax_k(s_nk) and logNorm_n = logsumexp_k s_nk. P: K×D precisions, PM = P∘M.
void softAssign(ConstMatRef x, const Vec& c, const Mat& p, const Mat& pm, Mat& gamma, Vec* logNorm);

struct KMeansResult {
  Mat centres;              ///< K×D
  std::vector<int> labels;  ///< N
  double inertia = 0.0;     ///< Σ squared distances to the assigned centre
};

/// k-means++ seeding (Arthur & Vassilvitskii 2007) + Lloyd iterations. Deterministic per seed.
/// k is clamped to the number of rows. Empty clusters are re-seeded at the farthest point.
KMeansResult kMeans(ConstMatRef x, int k, int iterations, std::uint64_t seed);

struct EmGmmConfig {
  int components = 8;
  int maxIterations = 200;
  double tolerance = 1e-8;       ///< stop when the mean log-likelihood changes less
  double varianceFloor = 1e-6;   ///< absolute floor on σ²
  std::uint64_t seed = 1;
  Status validate() const;
};

struct EmGmmResult {
  DiagGmm gmm;
  std::vector<double> logLikHistory;  ///< mean log-likelihood after each iteration
};

/// Maximum-likelihood EM (the reference model for tests), initialised by k-means++.
Result<EmGmmResult> fitEmGmm(ConstMatRef x, const EmGmmConfig& config);

struct VbGmmConfig {
  int maxComponents = 64;        ///< K_max to start from
  int maxIterations = 1000;
  double tolerance = 1e-7;       ///< relative ELBO change to stop
  double alpha0 = 1e-3;          ///< Dirichlet concentration (lets unused components die)
  double beta0 = 1.0;
  double nu0 = 0.0;              ///< 0 = D + 1 (paper)
  double w0 = 0.0;               ///< 0 = 1 / (nu0 · priorVariance); the paper uses 10
  double priorVariance = 0.5;    ///< prior expected variance when w0 = 0 (standardised data)
  double pruneBelow = 1.0;       ///< prune components whose effective count N_k is below this
  double subsampleFraction = 1.0;  ///< fit on a random fraction of the rows (paper: 0.25)
  int kmeansIterations = 20;
  std::uint64_t seed = 1;
  Status validate() const;
};

struct VbGmmResult {
  DiagGmm gmm;                     ///< expected parameters
  Vec alpha;                       ///< K
  Vec beta;                        ///< K
  Vec nu;                          ///< K
  Mat m;                           ///< K×D
  Mat w;                           ///< K×D (diagonal of W_k)
  std::vector<double> elboHistory;       ///< ELBO after each iteration (before pruning)
  std::vector<int> componentHistory;     ///< K in force when each ELBO was computed
  int iterations = 0;
  bool converged = false;
};

/// Variational-Bayes GMM (see the header comment). Deterministic per seed. With a pool the
/// E-step runs in parallel blocks.
Result<VbGmmResult> fitVbGmm(ConstMatRef x, const VbGmmConfig& config, ThreadPool* pool = nullptr);

}  // namespace mp::mood
