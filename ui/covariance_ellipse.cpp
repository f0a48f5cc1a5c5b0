#include "ui/covariance_ellipse.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace mp::ui {

EllipseAxes ellipseAxes(const library::MoodEstimate& e) {
  const double mean = 0.5 * (e.covVV + e.covAA);
  const double half = 0.5 * (e.covVV - e.covAA);
  const double root = std::sqrt(half * half + e.covVA * e.covVA);
  EllipseAxes axes;
  axes.major = std::sqrt(std::max(0.0, mean + root));
  axes.minor = std::sqrt(std::max(0.0, mean - root));
  axes.angle = 0.5 * std::atan2(2.0 * e.covVA, e.covVV - e.covAA);
  return axes;
}

void appendEllipse(const library::MoodEstimate& e, double nSigma, int segments,
                   std::vector<double>& xs, std::vector<double>& ys) {
  segments = std::max(segments, 3);
  const EllipseAxes axes = ellipseAxes(e);
  const double c = std::cos(axes.angle), s = std::sin(axes.angle);
  const double a = nSigma * axes.major, b = nSigma * axes.minor;
  for (int i = 0; i <= segments; ++i) {
    const double t = 2.0 * std::numbers::pi * (i == segments ? 0 : i) / segments;
    const double u = a * std::cos(t), w = b * std::sin(t);
    xs.push_back(e.valence + c * u - s * w);
    ys.push_back(e.arousal + s * u + c * w);
  }
}

double correlation(const library::MoodEstimate& e) {
  const double d = std::sqrt(std::max(0.0, e.covVV) * std::max(0.0, e.covAA));
  return d > 0.0 ? std::clamp(e.covVA / d, -1.0, 1.0) : 0.0;
}

}  // namespace mp::ui
