#include "core/gp/cholesky.h"

#include <Eigen/Cholesky>

#include <algorithm>
#include <cmath>
#include <sstream>

namespace mp::gp {

double jitteredCholeskyInto(ConstMatRef k, Mat& lower, double baseJitter, double maxJitter) {
  if (!k.allFinite()) return -1.0;
  double j = baseJitter;
  for (;;) {
    lower = k;
    lower.diagonal().array() += j;
    Eigen::LLT<Eigen::Ref<Mat>> llt(lower);  // in place, lower triangle
    if (llt.info() == Eigen::Success && lower.diagonal().minCoeff() > 0.0) {
      lower.triangularView<Eigen::StrictlyUpper>().setZero();
      return j;
    }
    if (j >= maxJitter) return -1.0;
    j = j <= 0.0 ? std::min(1e-6, maxJitter) : std::min(j * 10.0, maxJitter);
  }
}

Result<CholeskyResult> jitteredCholesky(ConstMatRef k, double baseJitter, double maxJitter,
                                        const std::string& what) {
  CholeskyResult r;
  r.jitter = jitteredCholeskyInto(k, r.lower, baseJitter, maxJitter);
  if (r.jitter < 0.0) {
    std::ostringstream msg;
    msg << "Cholesky of the " << what << " (" << k.rows() << "x" << k.cols()
        << ") failed even with jitter " << maxJitter
        << (k.allFinite() ? " (matrix not positive definite)" : " (matrix has NaN/Inf)");
    return fail(msg.str());
  }
  return r;
}

Mat choleskyBackward(ConstMatRef lower, ConstMatRef lowerBar) {
  // Murray (2016) eq. 10: K̄ = Φ-symmetrised L⁻ᵀ Φ(Lᵀ L̄) L⁻¹, Φ = lower triangle with halved diagonal.
  Mat P = lower.transpose() * lowerBar.triangularView<Eigen::Lower>();
  P.triangularView<Eigen::StrictlyUpper>().setZero();
  P.diagonal() *= 0.5;
  // S = L⁻ᵀ P L⁻¹
  lower.transpose().triangularView<Eigen::Upper>().solveInPlace(P);                      // P ← L⁻ᵀ P
  Mat St = P.transpose();                             // (L⁻ᵀ P)ᵀ
  lower.transpose().triangularView<Eigen::Upper>().solveInPlace(St);                     // L⁻ᵀ (L⁻ᵀ P)ᵀ = (L⁻ᵀ P L⁻¹)ᵀ
  // St = Sᵀ; K̄ = ½(S + Sᵀ)
  return 0.5 * (St + St.transpose());
}

}  // namespace mp::gp
