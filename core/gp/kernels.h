#pragma once
// Covariance functions for the GP engine, with analytic gradients.
//
// Squared exponential, ARD (Rasmussen & Williams 2006, eq. 5.1):
//   k(x, x') = σ² exp(−½ Σ_d (x_d − x'_d)² / ℓ_d²)
//   parameters θ = [log ℓ_1 .. log ℓ_Q, log σ²], Q = D (ARD) or 1 (isotropic, ℓ_d = ℓ).
// Linear + constant (the paper's baseline GP kernel):
//   k(x, x') = c + v · xᵀx',   θ = [log c, log v].
// Shapes: a is Na×D, b is Nb×D (one row per point); K(a, b) is Na×Nb.
// Gradients are of a scalar L through K: given dK = ∂L/∂K (Na×Nb), accumulate ∂L/∂θ and
// optionally ∂L/∂a, ∂L/∂b (the deep GP needs inputs gradients). For K(a, a) pass the same matrix
// as a and b and add both input gradients.

#include "core/common/eigen_types.h"

namespace mp::gp {

class SquaredExponentialKernel {
 public:
  SquaredExponentialKernel() = default;
  /// `lengthscales` of size D (ARD) or 1 (isotropic).
  SquaredExponentialKernel(Vec lengthscales, double variance);

  int numParams() const { return static_cast<int>(logLengthscales_.size()) + 1; }
  Vec params() const;
  void setParams(ConstVecRef theta);
  bool ard() const { return logLengthscales_.size() > 1; }

  double variance() const;
  Vec lengthscales() const;  // size Q
  const Vec& logLengthscales() const { return logLengthscales_; }
  double logVariance() const { return logVariance_; }

  /// K(a, b).
  Mat matrix(ConstMatRef a, ConstMatRef b) const;
  /// K(a, b) written into `out` (resized if needed; no allocation when the shape matches).
  void matrix(ConstMatRef a, ConstMatRef b, Mat& out) const;
  /// diag K(a, a) = σ² for every row.
  Vec diagonal(ConstMatRef a) const { return Vec::Constant(a.rows(), variance()); }

  /// Accumulates ∂L/∂θ into dTheta (size numParams()) and, when non-null, ∂L/∂a and ∂L/∂b,
  /// given kab = K(a, b) and dK = ∂L/∂K(a, b).
  void accumulateGradients(ConstMatRef a, ConstMatRef b, ConstMatRef kab, ConstMatRef dK,
                           VecRef dTheta, Mat* dA, Mat* dB) const;

 private:
  Vec logLengthscales_ = Vec::Zero(1);
  double logVariance_ = 0.0;
};

class LinearKernel {
 public:
  LinearKernel() = default;
  LinearKernel(double constant, double variance);

  int numParams() const { return 2; }
  Vec params() const;
  void setParams(ConstVecRef theta);

  Mat matrix(ConstMatRef a, ConstMatRef b) const;
  Vec diagonal(ConstMatRef a) const;
  void accumulateGradients(ConstMatRef a, ConstMatRef b, ConstMatRef kab, ConstMatRef dK,
                           VecRef dTheta, Mat* dA, Mat* dB) const;

 private:
  double logConstant_ = 0.0;
  double logVariance_ = 0.0;
};

/// Median Euclidean distance between the rows of x (over at most `maxRows` evenly spaced rows);
/// the usual lengthscale initialisation. Returns 1 when x has fewer than two distinct rows.
double medianPairwiseDistance(ConstMatRef x, int maxRows = 400);

}  // namespace mp::gp
