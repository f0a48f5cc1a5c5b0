#pragma once
// Deep Gaussian-process regression by doubly stochastic variational inference
// (Salimbeni & Deisenroth 2017; SCIENCE.md §5). L = 1 is the sparse variational GP (SVGP).
//
//   x (N×D) ─layer 1─▶ f₁ (N×W) ─ … ─layer L─▶ f_L (N×P) ─Gaussian lik─▶ y (N×P)
// Inner layers: W = innerWidth outputs (0 = D), ARD SE kernel + white 1e-6, linear mean function
// fixed to a PCA projection when narrowing (identity when equal, zero-padded identity when
// widening); the last layer has zero mean. Inducing inputs Z (M = min(inducing, N)) by k-means,
// pushed through the mean functions for inner layers; whitened q(v) = N(m, SSᵀ), inner S = 1e-5·I,
// last-layer S = I; lengthscales at the median pairwise distance of each layer's input;
// likelihood variance (one per output) initLikelihoodVariance on standardised targets.
// Each layer's outputs share Z and the kernel (as the reference implementation); outputs of the
// last layer share every inner layer, which is where the correlation in the P×P predictive
// covariance comes from. Targets are standardised inside the model; predictions and covariances
// are in original units. Inputs are used as given (standardise them first).
// Training: Adam on the minibatch ELBO (one MC sample per point by default), gradients by hand
// (dgp_model.h), checked against finite differences in tests/gp. Deterministic for a seed.
// Prediction: S samples through the inner layers; the predictive is the mixture of S Gaussians
// N(μ_s, diag(v_s) + diag(σn²)), summarised by mean = avg μ_s and
// cov = avg diag(v_s + σn²) + cov_s(μ_s).

#include "core/common/cancel.h"
#include "core/common/eigen_types.h"
#include "core/common/result.h"
#include "core/gp/dgp_model.h"
#include "core/io/archive.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace mp::gp {

struct DeepGpConfig {
  int layers = 2;              // L >= 1 (1 = SVGP)
  int inducing = 100;          // M (capped at N)
  int innerWidth = 5;          // width of inner layers (0 = input dim)
  int iterations = 5000;       // Adam steps
  int batchSize = 256;         // 0 = full batch
  double learningRate = 0.01;
  int trainSamples = 1;
  int predictSamples = 100;
  double initLikelihoodVariance = 0.05;
  bool ard = true;             // false = one lengthscale per kernel
  std::uint64_t seed = 0;
  // Extensions beyond the paper's recipe (overfitting guards and engineering):
  bool trainInducing = true;         // false = Z stays at its initialisation
  double minLikelihoodVariance = 1e-6;  // floor on the noise variance (standardised units)
  double validationFraction = 0.0;   // > 0: hold out this share of rows for early stopping
  int validationInterval = 250;      // Adam steps between validation checks
  int validationPatience = 4;        // checks without improvement before stopping
  int threads = 0;                   // 0 = all cores, 1 = serial
  Status validate() const;
};

struct FitCallbacks {
  std::function<void(int iteration, double elbo)> progress;  // called every ~50 iterations
  const StopFlag* stop = nullptr;                            // raised → fit returns an error
};

struct GpPrediction {
  Mat mean;                       // N x P, original target units
  std::vector<Mat> covariance;    // N entries of P x P: predictive covariance of y (incl. noise)
};

class DeepGp {
 public:
  static Result<DeepGp> fit(ConstMatRef x, ConstMatRef y, const DeepGpConfig& config,
                            const FitCallbacks& callbacks = {}, const Vec* weights = nullptr);
  /// Continues Adam from the current state on (x, y) (fresh moment estimates); the target
  /// standardisation of the original fit is kept.
  Status refine(ConstMatRef x, ConstMatRef y, int iterations, const FitCallbacks& callbacks = {},
                const Vec* weights = nullptr);
  GpPrediction predict(ConstMatRef x, int samples = 0 /*0 = config*/, std::uint64_t seed = 1) const;
  /// Log density of each row of y under the predictive mixture (original units), N entries.
  /// For P > 1 the density is of the whole row (outputs independent given a sample).
  Vec logPredictiveDensity(ConstMatRef x, ConstMatRef y, int samples = 0, std::uint64_t seed = 1) const;

  const DeepGpConfig& config() const { return config_; }
  int inputDim() const;
  int outputDim() const;
  /// Likelihood noise variance per output, original units.
  Vec noiseVariance() const;
  /// Last ELBO estimate (standardised units) and the number of Adam steps taken.
  double lastElbo() const { return lastElbo_; }
  int stepsTaken() const { return steps_; }
  const detail::DgpParams& params() const { return params_; }

  void save(io::ArchiveWriter& out, const std::string& prefix) const;
  static Result<DeepGp> load(const io::ArchiveReader& in, const std::string& prefix);

 private:
  DeepGp() = default;
  Status train(ConstMatRef x, ConstMatRef ys, int iterations, const FitCallbacks& callbacks,
               const Vec* weights, std::uint64_t seed);

  DeepGpConfig config_;
  detail::DgpParams params_;
  Vec yMean_;
  Vec yScale_;
  double lastElbo_ = 0.0;
  int steps_ = 0;
};

}  // namespace mp::gp
