#pragma once
// Cholesky factorisation with escalating jitter (STYLE.md §7): K + j·I for
// j = base, 10·base, ... up to maxJitter; info() is checked at every step and the failure past
// maxJitter is a clear error. Also the reverse-mode derivative of the factorisation
// (Murray 2016, "Differentiation of the Cholesky decomposition").

#include "core/common/eigen_types.h"
#include "core/common/result.h"

#include <string>

namespace mp::gp {

struct CholeskyResult {
  Mat lower;            // L with L Lᵀ = K + jitter·I (upper triangle zero)
  double jitter = 0.0;  // the jitter that succeeded
};

/// Factorises symmetric K + j·I with j escalating from `baseJitter` (×10 each try) to `maxJitter`.
/// `what` names the matrix in the error message.
Result<CholeskyResult> jitteredCholesky(ConstMatRef k, double baseJitter = 1e-6, double maxJitter = 1e-4,
                                        const std::string& what = "kernel matrix");

/// In-place variant for hot loops: factorises `k` (+ jitter) into `lower`; returns the jitter
/// used, or a negative value when even maxJitter fails.
double jitteredCholeskyInto(ConstMatRef k, Mat& lower, double baseJitter = 1e-6, double maxJitter = 1e-4);

/// Reverse mode through L = chol(K): given L and L̄ = ∂f/∂L (lower part used), returns the
/// symmetric K̄ = ∂f/∂K (each off-diagonal pair sharing the gradient equally).
Mat choleskyBackward(ConstMatRef lower, ConstMatRef lowerBar);

}  // namespace mp::gp
