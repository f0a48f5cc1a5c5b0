#pragma once
// Song-level statistics of the segment vectors: the input of the LLD baseline (SCIENCE.md §7)
// and of its richer variants. A song has n segments; segment t has the frame-LLD means m_t and
// stds s_t (L dims each) and a duration w_t (weights, Σ w = 1 after normalisation). Groups:
//   mean     μ = Σ_t w_t m_t                                  (L)
//   std      √(within² + between²): total frame-level std (law of total variance)   (L)
//   between  √(Σ_t w_t (m_t − μ)²): dispersion of the segment means (segment-level)   (L)
//   within   √(Σ_t w_t s_t²): average frame-level spread inside segments             (L)
//   p10/p50/p90  weighted 10/50/90 % quantiles of the segment means                (L each)
//   change   Σ_t |m_{t+1} − m_t| / (n − 1): mean absolute change between consecutive segments (L)
//   rhythm   [segments per second, mean and std of log segment duration]          (3)
//   schange  Σ_t |s_{t+1} − s_t| / (n − 1): the same for the within-segment stds     (L)
//   change4  Σ_t |m_{t+4} − m_t| / (n − 4): change over four segments (≈ 1–2 s)    (L)
//   change16 the same over sixteen segments (≈ 5–8 s: phrase-level change)          (L)
//   harmony  the song's harmony descriptors (features/harmony.h; needs FrontEndConfig::harmony;
//            zeros when the song has none)                                            (45)
//   mel, modulation, contrast  the song's spectral-profile descriptors
//            (features/spectral_profile.h; need FrontEndConfig::spectral; zeros when the song
//            has none): 40 log-mel bands' mean, std and frame-to-frame change (120); their
//            modulation spectrum, 20 bands × 5 ranges (100); octave-band contrast (28)
// Groups are concatenated in the order above. The paper's LLD baseline = mean + std.

#include "core/common/eigen_types.h"
#include "core/common/result.h"
#include "core/mood/feature_cache.h"

#include <string>
#include <vector>

namespace mp::mood {

enum SongStatGroup : unsigned {
  kStatMean = 1u << 0,
  kStatStd = 1u << 1,
  kStatBetween = 1u << 2,
  kStatWithin = 1u << 3,
  kStatP10 = 1u << 4,
  kStatP50 = 1u << 5,
  kStatP90 = 1u << 6,
  kStatChange = 1u << 7,
  kStatRhythm = 1u << 8,
  kStatChangeStd = 1u << 9,
  kStatChangeLag4 = 1u << 10,
  kStatChangeLag16 = 1u << 11,
  kStatHarmony = 1u << 12,
  kStatMel = 1u << 13,
  kStatModulation = 1u << 14,
  kStatContrast = 1u << 15,
};
inline constexpr unsigned kStatAll = (1u << 16) - 1;
/// The groups computed from FrontEndConfig::spectral's descriptors.
inline constexpr unsigned kStatSpectral = kStatMel | kStatModulation | kStatContrast;
inline constexpr unsigned kStatBaseline = kStatMean | kStatStd;

/// "mean,std,p10" → bit set; "baseline" = mean,std; "all" = every group.
Result<unsigned> parseSongStats(const std::string& list);
/// Inverse of parseSongStats (canonical order).
std::string songStatsName(unsigned groups);

/// Dimension of songStatistics() for segment vectors of `segmentDims` (= 2L) columns.
Eigen::Index songStatisticsDim(Eigen::Index segmentDims, unsigned groups);

/// Column names of songStatistics() for LLDs named `lldNames` (L = lldNames.size()):
/// "<group>:<lld>" (e.g. "change4:mfcc3"), and "rhythm:segments_per_second",
/// "rhythm:log_duration_mean", "rhythm:log_duration_std".
std::vector<std::string> songStatisticsNames(const std::vector<std::string>& lldNames, unsigned groups);

/// The statistics of one song (see the header comment). An empty song gives zeros.
Vec songStatistics(const SongSegments& song, unsigned groups);

/// Weighted quantile (0 ≤ q ≤ 1) of values with positive weights: the smallest value whose
/// cumulative normalised weight reaches q.
double weightedQuantile(ConstVecRef values, ConstVecRef weights, double q);

}  // namespace mp::mood
