#pragma once
// Geometry of a song's predictive uncertainty on the valence-arousal plane.
//
// The prediction is N(mu, S) with mu = (v, a) and S = [[s_vv, s_va], [s_va, s_aa]] (variances,
// in squared plane units). Its k-sigma ellipse is { mu + k * L * (cos t, sin t) } with
// L = R(theta) * diag(sqrt(l1), sqrt(l2)), where l1 >= l2 are the eigenvalues of S,
//   l1,2 = (s_vv + s_aa)/2 +- sqrt(((s_vv - s_aa)/2)^2 + s_va^2),
//   theta = atan2(2 s_va, s_vv - s_aa) / 2   (angle of the major axis from the valence axis).
// Semi-axes are standard deviations (plane units), not variances.

#include "core/library/song_analyzer.h"

#include <vector>

namespace mp::ui {

struct EllipseAxes {
  double major = 0.0;  ///< 1-sigma semi-major axis (sqrt of the larger eigenvalue)
  double minor = 0.0;  ///< 1-sigma semi-minor axis
  double angle = 0.0;  ///< radians, major axis from the valence axis, in (-pi/2, pi/2]
};

/// Principal axes of the covariance (negative eigenvalues from rounding are clamped to 0).
EllipseAxes ellipseAxes(const library::MoodEstimate& estimate);

/// Appends the closed k-sigma ellipse polygon (segments + 1 points, last == first) to xs/ys.
void appendEllipse(const library::MoodEstimate& estimate, double nSigma, int segments,
                   std::vector<double>& xs, std::vector<double>& ys);

/// Pearson correlation s_va / sqrt(s_vv s_aa); 0 when either variance is 0.
double correlation(const library::MoodEstimate& estimate);

}  // namespace mp::ui
