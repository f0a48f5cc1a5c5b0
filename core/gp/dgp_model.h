#pragma once
// The deep-GP objective: parameters, the doubly stochastic ELBO and its gradient, written by
// hand in reverse mode (Salimbeni & Deisenroth 2017, "Doubly stochastic variational inference
// for deep Gaussian processes"; SCIENCE.md §5). Internal to core/gp; DeepGp (deep_gp.h) is the
// public face. Exposed so the tests can check every gradient against finite differences.
//
// Notation (per layer ℓ = 1..L, input width Din = D_{ℓ−1}, output width Dout = D_ℓ):
//   Z      M×Din     inducing inputs, shared by the layer's Dout output GPs (as the reference code)
//   k      ARD (or isotropic) squared exponential, variance σ², shared by the layer's outputs
//   v_d    whitened inducing values of output d, u_d = L_Z v_d, q(v_d) = N(m_d, S_d S_dᵀ)
//   qMu    M×Dout    columns m_d;  qSqrt[d]  M×M lower-triangular S_d
//   W      Din×Dout  fixed linear mean function (inner layers; PCA or identity); empty = zero mean
//   white  variance added to inner layers' marginals (1e-6)
// Given a batch F (B×Din) of samples from the previous layer:
//   Kzz = k(Z,Z) + jitter·I = L_Z L_Zᵀ,  A = L_Z⁻¹ k(Z,F)   (M×B)
//   mean[:,d] = Aᵀ m_d + F W[:,d]
//   var[:,d]  = σ² − colsum(A⊙A) + colsum(A⊙(S_d S_dᵀ A)) + white
//   F_next    = mean + √var ⊙ ε,  ε ~ N(0, I)  (B×Dout)
// Last layer (Dout = P outputs), Gaussian likelihood with per-output noise σn²_p:
//   E[log N(y | f, σn²)] = −½ log(2π σn²) − ((y − mean)² + var) / (2 σn²)
// ELBO = (N/|B|) Σ_{i∈B} w_i (1/S) Σ_s Σ_p E[...] − Σ_ℓ Σ_d ½[‖S_d‖²_F + ‖m_d‖² − M − Σ log S_d,ii²]
// Targets are standardised by the caller. Units: everything here is in standardised units.

#include "core/common/eigen_types.h"
#include "core/common/result.h"
#include "core/common/thread_pool.h"
#include "core/gp/kernels.h"

#include <memory>
#include <vector>

namespace mp::gp::detail {

struct DgpLayer {
  Mat z;                      // M×Din
  SquaredExponentialKernel kernel;
  Mat qMu;                    // M×Dout
  std::vector<Mat> qSqrt;     // Dout entries, M×M (lower triangle used)
  Mat meanW;                  // Din×Dout, or empty (zero mean function)
  double white = 0.0;
  bool trainZ = true;

  Eigen::Index inducing() const { return z.rows(); }
  Eigen::Index inputDim() const { return z.cols(); }
  Eigen::Index outputDim() const { return qMu.cols(); }
};

struct DgpParams {
  std::vector<DgpLayer> layers;
  Vec logNoise;  // P: log likelihood variance per output (standardised units)
};

/// Number of entries of the flat parameter vector: per layer Z, kernel θ, qMu, every qSqrt
/// (full M×M, upper entries inert), then logNoise.
Eigen::Index paramCount(const DgpParams& p);
void pack(const DgpParams& p, Vec& theta);
/// Shapes come from `p`; theta must have paramCount(p) entries.
void unpack(ConstVecRef theta, DgpParams& p);

/// Standard-normal draws for one ELBO evaluation: eps[s][ℓ] is B×D_ℓ for the inner layers
/// ℓ = 0..L−2 (the last layer is integrated analytically).
using NoiseDraws = std::vector<std::vector<Mat>>;

/// Scratch memory of dgpElbo kept across calls by a training loop: once shapes are known, an
/// evaluation reuses every large buffer (Kzz factors, per-chunk forward states and gradients).
struct DgpWorkspace {
  DgpWorkspace();
  ~DgpWorkspace();
  DgpWorkspace(DgpWorkspace&&) noexcept;
  DgpWorkspace& operator=(DgpWorkspace&&) noexcept;
  struct Impl;
  std::unique_ptr<Impl> impl;
};

/// Row-weighted, N/|B|-scaled ELBO estimate for the batch (xb: B×D0, yb: B×P standardised,
/// weights: B or null = 1). When grad is non-null it receives ∂ELBO/∂theta (pack layout).
/// Fails when a Kzz cannot be factorised even with jitter 1e-4.
Result<double> dgpElbo(const DgpParams& p, ConstMatRef xb, ConstMatRef yb, const Vec* weights,
                       double dataScale, const NoiseDraws& eps, Vec* grad, ThreadPool* pool);
/// The same, reusing `workspace`. The batch is cut into chunks by its size alone (never by the
/// pool), reduced in a fixed order: results are bit-identical for any number of threads.
Result<double> dgpElbo(const DgpParams& p, ConstMatRef xb, ConstMatRef yb, const Vec* weights,
                       double dataScale, const NoiseDraws& eps, Vec* grad, ThreadPool* pool,
                       DgpWorkspace& workspace);

/// Predictive moments of the last layer per sample: means[s], vars[s] are N×P (latent f,
/// without likelihood noise), by propagating one sample per point through the inner layers.
Status dgpPredictSamples(const DgpParams& p, ConstMatRef x, int samples, std::uint64_t seed,
                         std::vector<Mat>& means, std::vector<Mat>& vars, ThreadPool* pool);

/// KL(q(v) ‖ N(0, I)) summed over every layer and output.
double dgpKl(const DgpParams& p);

/// k-means (k-means++ seeding, Lloyd iterations) of the rows of x into k centres (k ≤ rows).
Mat kmeans(ConstMatRef x, int k, std::uint64_t seed, int iterations = 25);

}  // namespace mp::gp::detail
