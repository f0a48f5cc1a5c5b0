#pragma once
// Uniform grid over the plane for hover and click lookup: nearest of N points in O(points in the
// few cells under the cursor) instead of O(N). Pure geometry, no Qt.

#include <cstddef>
#include <optional>
#include <vector>

namespace mp::ui {

class PlaneSpatialIndex {
 public:
  /// `cells` per side over the bounding box of the points (at least [0,1]^2).
  void build(const std::vector<double>& xs, const std::vector<double>& ys, int cells = 64);

  /// Index of the point minimising (dx/rx)^2 + (dy/ry)^2 among those with that value <= 1,
  /// i.e. inside the axis-aligned ellipse of radii (rx, ry) around (x, y). rx, ry > 0.
  std::optional<std::size_t> nearest(double x, double y, double rx, double ry) const;

  std::size_t size() const { return xs_.size(); }

 private:
  int cellX(double x) const;
  int cellY(double y) const;

  std::vector<double> xs_, ys_;
  std::vector<std::size_t> cellStart_;  ///< CSR layout: points of cell c are order_[start[c]..start[c+1])
  std::vector<std::size_t> order_;
  int cells_ = 1;
  double x0_ = 0, y0_ = 0, x1_ = 1, y1_ = 1;
};

}  // namespace mp::ui
