#pragma once
// Regions of the valence-arousal plane and the probability mass a song's predictive Gaussian
// puts inside them (SCIENCE.md §6, region retrieval).

#include "core/library/song_analyzer.h"

#include <utility>
#include <variant>
#include <vector>

namespace mp::library {

struct RectRegion {
  double v0 = 0, a0 = 0, v1 = 1, a1 = 1;  ///< corners; any order
};
struct CircleRegion {
  double v = 0.5, a = 0.5, radius = 0.1;
};
struct PolygonRegion {  ///< a lasso: closed polygon, vertices in order
  std::vector<std::pair<double, double>> vertices;
};
using Region = std::variant<RectRegion, CircleRegion, PolygonRegion>;

/// P[(v, a) in region] under N(mean, cov). A (near-)zero covariance degenerates to a point test.
double probabilityInRegion(const MoodEstimate& estimate, const Region& region);

/// True when the point lies inside the region (for evaluating retrieval against true labels).
bool containsPoint(const Region& region, double valence, double arousal);

}  // namespace mp::library
