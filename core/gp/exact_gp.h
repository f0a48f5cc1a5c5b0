#pragma once
// Exact Gaussian-process regression with type-II maximum likelihood (Rasmussen & Williams 2006,
// alg. 2.1 and eq. 5.8–5.9).
//
//   y = f(x) + ε,  f ~ GP(0, k_θ),  ε ~ N(0, σn²);  targets standardised inside the model.
//   K = k_θ(X, X) + σn² I  (N×N),  L = chol(K),  α = K⁻¹ y
//   log p(y | X, θ) = −½ yᵀα − Σ log L_ii − N/2 log 2π
//   ∂/∂θ_j log p = ½ tr((ααᵀ − K⁻¹) ∂K/∂θ_j)
//   predictive at X* (N*×D): mean = K*ᵀ α, var_f = k** − ‖L⁻¹ K*‖², var_y = var_f + σn².
// Hyperparameters are optimised in log space by L-BFGS (LBFGSpp) on the negative log marginal
// likelihood, optionally from several random restarts. Inputs are used as given (standardise
// them before). One output; several outputs = independent models (ExactGpMulti).

#include "core/common/eigen_types.h"
#include "core/common/result.h"
#include "core/gp/kernels.h"
#include "core/io/archive.h"

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace mp::gp {

enum class ExactKernel { SquaredExponential = 0, LinearConstant = 1 };

struct ExactGpConfig {
  ExactKernel kernel = ExactKernel::SquaredExponential;
  bool ard = true;                 // SE only: one lengthscale per input dimension
  int maxIterations = 200;         // L-BFGS iterations per start, >= 0 (0 = keep the initial θ)
  int restarts = 0;                // extra random starts, >= 0
  double initNoiseVariance = 0.1;  // on standardised targets, > 0
  double minNoiseVariance = 1e-6;  // floor added to the noise variance, >= 0
  std::uint64_t seed = 0;
  Status validate() const;
};

class ExactGp {
 public:
  static Result<ExactGp> fit(ConstMatRef x, ConstVecRef y, const ExactGpConfig& config);

  /// Builds a model with the given hyperparameters (no optimisation): θ = [kernel params, log σn²]
  /// for standardised targets. Used by tests and by warm starts.
  static Result<ExactGp> withParams(ConstMatRef x, ConstVecRef y, const ExactGpConfig& config,
                                    ConstVecRef theta);
  /// As above with heteroscedastic noise: row i has noise variance σn² · rowNoiseScale(i)
  /// (K = k_θ(X, X) + σn² diag(s)); s_i = 1/w_i makes row i count as w_i observations.
  /// Predictions at new inputs keep the plain σn². Entries must be finite and > 0.
  static Result<ExactGp> withParams(ConstMatRef x, ConstVecRef y, const ExactGpConfig& config,
                                    ConstVecRef theta, ConstVecRef rowNoiseScale);
  /// Training inputs and targets (original units), and the per-row noise scale (empty = all 1).
  const Mat& trainingInputs() const { return x_; }
  const Vec& trainingTargets() const { return y_; }
  const Vec& rowNoiseScale() const { return rowNoiseScale_; }

  /// Predictive mean and variance of y (including noise) in original units.
  void predict(ConstMatRef x, Vec& mean, Vec& variance) const;
  /// Predictive mean and variance of the latent f (no noise) in original units.
  void predictLatent(ConstMatRef x, Vec& mean, Vec& variance) const;

  /// Log marginal likelihood of the standardised training targets at the current θ.
  double logMarginalLikelihood() const { return logMarginal_; }
  Vec params() const;  // θ as above
  double noiseVariance() const;  // on standardised targets
  const ExactGpConfig& config() const { return config_; }
  int inputDim() const { return static_cast<int>(x_.cols()); }

  void save(io::ArchiveWriter& out, const std::string& prefix) const;
  static Result<ExactGp> load(const io::ArchiveReader& in, const std::string& prefix);

 private:
  using KernelVariant = std::variant<SquaredExponentialKernel, LinearKernel>;
  ExactGp() = default;
  Status factorise();

  ExactGpConfig config_;
  KernelVariant kernel_;
  double logNoise_ = 0.0;
  Mat x_;
  Vec y_;     // the targets as given (saved exactly: save -> load -> save is byte-identical)
  Vec yStd_;  // standardised targets
  Vec rowNoiseScale_;  // empty = homoscedastic
  double yMean_ = 0.0;
  double yScale_ = 1.0;
  Mat lower_;
  Vec alpha_;
  double logMarginal_ = 0.0;
};

/// Negative log marginal likelihood and its gradient w.r.t. θ = [kernel params, log σn²] for
/// targets y as given; exposed for the gradient tests. Returns an error when K cannot be factorised.
Result<double> exactGpNegLogMarginal(ConstMatRef x, ConstVecRef y, const ExactGpConfig& config,
                                     ConstVecRef theta, Vec* gradient);

/// Independent exact GPs, one per target column.
class ExactGpMulti {
 public:
  static Result<ExactGpMulti> fit(ConstMatRef x, ConstMatRef y, const ExactGpConfig& config);
  /// mean and variance are N×P.
  void predict(ConstMatRef x, Mat& mean, Mat& variance) const;
  const std::vector<ExactGp>& models() const { return models_; }

 private:
  std::vector<ExactGp> models_;
};

}  // namespace mp::gp
