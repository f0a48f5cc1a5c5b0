#include "core/features/segmenter.h"

#include <algorithm>
#include <cmath>

namespace mp::features {

std::vector<Segment> segmentByOnsets(const std::vector<double>& onsetsSeconds, double durationSeconds,
                                     double minSeconds, double maxSeconds) {
  std::vector<Segment> out;
  if (!(durationSeconds > 0.0)) return out;
  std::vector<double> bounds{0.0};
  std::vector<double> sorted = onsetsSeconds;
  std::sort(sorted.begin(), sorted.end());
  for (double t : sorted)
    if (t > bounds.back() && t < durationSeconds) bounds.push_back(t);
  bounds.push_back(durationSeconds);
  std::vector<Segment> segs;
  for (std::size_t i = 0; i + 1 < bounds.size(); ++i) segs.emplace_back(bounds[i], bounds[i + 1]);

  // Merge: repeatedly take the shortest too-short segment into its shorter neighbour.
  auto len = [](const Segment& s) { return s.second - s.first; };
  while (segs.size() > 1) {
    std::size_t worst = segs.size();
    for (std::size_t i = 0; i < segs.size(); ++i)
      if (len(segs[i]) < minSeconds && (worst == segs.size() || len(segs[i]) < len(segs[worst]))) worst = i;
    if (worst == segs.size()) break;
    std::size_t into;
    if (worst == 0) into = 1;
    else if (worst + 1 == segs.size()) into = worst - 1;
    else into = len(segs[worst - 1]) <= len(segs[worst + 1]) ? worst - 1 : worst + 1;
    const std::size_t lo = std::min(worst, into), hi = std::max(worst, into);
    segs[lo].second = segs[hi].second;
    segs.erase(segs.begin() + static_cast<long>(hi));
  }
  // Split: too-long segments into equal parts no longer than maxSeconds.
  for (const Segment& s : segs) {
    const double l = len(s);
    const int parts = l > maxSeconds ? static_cast<int>(std::ceil(l / maxSeconds - 1e-9)) : 1;
    for (int p = 0; p < parts; ++p) {
      const double t0 = s.first + l * p / parts;
      const double t1 = p + 1 == parts ? s.second : s.first + l * (p + 1) / parts;
      out.emplace_back(t0, t1);
    }
  }
  return out;
}

std::pair<Eigen::Index, Eigen::Index> segmentFrameRange(const Segment& segment, double frameRate,
                                                        Eigen::Index frames) {
  if (frames <= 0) return {0, 0};
  // Frame j is centred at j / frameRate: first j with j/fr >= t0, first j with j/fr >= t1.
  auto firstAtOrAfter = [&](double t) {
    const double j = std::ceil(t * frameRate - 1e-9);
    return static_cast<Eigen::Index>(std::clamp(j, 0.0, static_cast<double>(frames)));
  };
  Eigen::Index a = firstAtOrAfter(segment.first);
  Eigen::Index b = firstAtOrAfter(segment.second);
  if (b <= a) {
    const double mid = 0.5 * (segment.first + segment.second) * frameRate;
    a = static_cast<Eigen::Index>(std::clamp(std::round(mid), 0.0, static_cast<double>(frames - 1)));
    b = a + 1;
  }
  return {a, b};
}

Mat segmentStatistics(const FrameMatrix& llds, double frameRate, const std::vector<Segment>& segments) {
  const Eigen::Index d = llds.cols();
  Mat out(static_cast<Eigen::Index>(segments.size()), 2 * d);
  out.setZero();
  if (llds.rows() == 0) return out;
  for (std::size_t s = 0; s < segments.size(); ++s) {
    const auto [a, b] = segmentFrameRange(segments[s], frameRate, llds.rows());
    const Mat block = llds.middleRows(a, b - a).cast<double>();
    const RowVec mean = block.colwise().mean();
    const RowVec var = (block.rowwise() - mean).array().square().colwise().mean();
    const auto row = static_cast<Eigen::Index>(s);
    out.row(row).head(d) = mean;
    out.row(row).tail(d) = var.cwiseSqrt();
  }
  return out;
}

std::vector<std::string> segmentVectorNames(const std::vector<std::string>& lldNames) {
  std::vector<std::string> names;
  names.reserve(2 * lldNames.size());
  for (const auto& n : lldNames) names.push_back("mean:" + n);
  for (const auto& n : lldNames) names.push_back("std:" + n);
  return names;
}

}  // namespace mp::features
