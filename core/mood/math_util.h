#pragma once
// Small numeric helpers shared by the mood model (no state).

#include <cmath>

namespace mp::mood {

/// Digamma ψ(x) for x > 0: recurrence up to x >= 6, then the asymptotic series.
inline double digamma(double x) {
  double result = 0.0;
  while (x < 6.0) {
    result -= 1.0 / x;
    x += 1.0;
  }
  const double f = 1.0 / (x * x);
  result += std::log(x) - 0.5 / x -
            f * (1.0 / 12.0 - f * (1.0 / 120.0 - f * (1.0 / 252.0 - f * (1.0 / 240.0 - f / 132.0))));
  return result;
}

}  // namespace mp::mood
