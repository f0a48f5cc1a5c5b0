#include "ui/plane_spatial_index.h"

#include <algorithm>
#include <cmath>

namespace mp::ui {

void PlaneSpatialIndex::build(const std::vector<double>& xs, const std::vector<double>& ys,
                              int cells) {
  xs_ = xs;
  ys_ = ys;
  cells_ = std::max(1, cells);
  x0_ = 0, y0_ = 0, x1_ = 1, y1_ = 1;
  for (std::size_t i = 0; i < xs_.size(); ++i) {
    if (!std::isfinite(xs_[i]) || !std::isfinite(ys_[i])) continue;
    x0_ = std::min(x0_, xs_[i]), x1_ = std::max(x1_, xs_[i]);
    y0_ = std::min(y0_, ys_[i]), y1_ = std::max(y1_, ys_[i]);
  }
  const std::size_t n = static_cast<std::size_t>(cells_) * static_cast<std::size_t>(cells_);
  std::vector<std::size_t> counts(n + 1, 0);
  std::vector<std::size_t> cellOf(xs_.size(), n);
  for (std::size_t i = 0; i < xs_.size(); ++i) {
    if (!std::isfinite(xs_[i]) || !std::isfinite(ys_[i])) continue;
    cellOf[i] = static_cast<std::size_t>(cellY(ys_[i])) * cells_ + cellX(xs_[i]);
    ++counts[cellOf[i] + 1];
  }
  for (std::size_t c = 0; c < n; ++c) counts[c + 1] += counts[c];
  cellStart_ = counts;
  order_.assign(cellStart_[n], 0);
  std::vector<std::size_t> fill(cellStart_.begin(), cellStart_.end() - 1);
  for (std::size_t i = 0; i < xs_.size(); ++i)
    if (cellOf[i] < n) order_[fill[cellOf[i]]++] = i;
}

int PlaneSpatialIndex::cellX(double x) const {
  const int c = static_cast<int>(std::floor((x - x0_) / (x1_ - x0_) * cells_));
  return std::clamp(c, 0, cells_ - 1);
}
int PlaneSpatialIndex::cellY(double y) const {
  const int c = static_cast<int>(std::floor((y - y0_) / (y1_ - y0_) * cells_));
  return std::clamp(c, 0, cells_ - 1);
}

std::optional<std::size_t> PlaneSpatialIndex::nearest(double x, double y, double rx,
                                                      double ry) const {
  if (order_.empty() || !(rx > 0) || !(ry > 0)) return std::nullopt;
  if (x + rx < x0_ || x - rx > x1_ || y + ry < y0_ || y - ry > y1_) return std::nullopt;
  const int cx0 = cellX(x - rx), cx1 = cellX(x + rx);
  const int cy0 = cellY(y - ry), cy1 = cellY(y + ry);
  std::optional<std::size_t> best;
  double bestD = 1.0;
  for (int cy = cy0; cy <= cy1; ++cy) {
    for (int cx = cx0; cx <= cx1; ++cx) {
      const std::size_t c = static_cast<std::size_t>(cy) * cells_ + cx;
      for (std::size_t k = cellStart_[c]; k < cellStart_[c + 1]; ++k) {
        const std::size_t i = order_[k];
        const double dx = (xs_[i] - x) / rx, dy = (ys_[i] - y) / ry;
        const double d = dx * dx + dy * dy;
        if (d <= bestD) {
          bestD = d;
          best = i;
        }
      }
    }
  }
  return best;
}

}  // namespace mp::ui
