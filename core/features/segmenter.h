#pragma once
// Onset segmentation and segment statistics (SCIENCE.md §2).
//
// Boundaries = {0, onsets inside (0, duration), duration}. Segments shorter than minSeconds are
// merged into a neighbour (the shorter of the two neighbours; the first/last into their only
// neighbour), then segments longer than maxSeconds are split into ceil(len / max) equal parts
// (requires max ≥ 2·min so splitting never creates a too-short part). A song shorter than
// minSeconds is one segment.
//
// Segment vector (paper): [mean, std] over the LLD rows whose frame time j / frameRate lies in
// [t0, t1) — 2·D columns, std the population standard deviation. A segment that holds no frame
// centre (possible only when the hop exceeds the minimum length) uses the frame nearest its middle.

#include "core/common/eigen_types.h"

#include <string>
#include <utility>
#include <vector>

namespace mp::features {

using Segment = std::pair<double, double>;  ///< [t0, t1) seconds

std::vector<Segment> segmentByOnsets(const std::vector<double>& onsetsSeconds, double durationSeconds,
                                     double minSeconds, double maxSeconds);

/// Rows of `llds` for a segment: [first, last) frame indices (always non-empty when llds has rows).
std::pair<Eigen::Index, Eigen::Index> segmentFrameRange(const Segment& segment, double frameRate,
                                                        Eigen::Index frames);

/// One row per segment: mean of its frames' LLDs, then their standard deviation (double).
Mat segmentStatistics(const FrameMatrix& llds, double frameRate, const std::vector<Segment>& segments);

/// "mean:<name>" for every LLD, then "std:<name>".
std::vector<std::string> segmentVectorNames(const std::vector<std::string>& lldNames);

}  // namespace mp::features
