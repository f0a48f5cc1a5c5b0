#include "core/mood/song_stats.h"

#include "core/features/harmony.h"
#include "core/features/spectral_profile.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>

namespace mp::mood {
namespace {

struct GroupName {
  unsigned bit;
  const char* name;
};
constexpr GroupName kGroups[] = {{kStatMean, "mean"}, {kStatStd, "std"},     {kStatBetween, "between"},
                                 {kStatWithin, "within"}, {kStatP10, "p10"}, {kStatP50, "p50"},
                                 {kStatP90, "p90"},   {kStatChange, "change"}, {kStatRhythm, "rhythm"},
                                 {kStatChangeStd, "schange"}, {kStatChangeLag4, "change4"},
                                 {kStatChangeLag16, "change16"}, {kStatHarmony, "harmony"},
                                 {kStatMel, "mel"}, {kStatModulation, "modulation"},
                                 {kStatContrast, "contrast"}};

}  // namespace

Result<unsigned> parseSongStats(const std::string& list) {
  if (list == "baseline") return kStatBaseline;
  if (list == "all") return kStatAll;
  unsigned bits = 0;
  std::stringstream ss(list);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item.empty()) continue;
    const auto* g = std::find_if(std::begin(kGroups), std::end(kGroups),
                                 [&item](const GroupName& x) { return item == x.name; });
    if (g == std::end(kGroups)) {
      return fail("unknown song statistic '" + item +
                  "' (expected mean, std, between, within, p10, p50, p90, change, rhythm, schange, change4, change16, "
                  "harmony, mel, modulation, contrast, baseline, all)");
    }
    bits |= g->bit;
  }
  if (bits == 0) return fail("no song statistics selected");
  return bits;
}

std::string songStatsName(unsigned groups) {
  std::string out;
  for (const auto& g : kGroups) {
    if ((groups & g.bit) == 0) continue;
    if (!out.empty()) out += ',';
    out += g.name;
  }
  return out;
}

namespace {
using features::SpectralProfileAnalyzer;

/// Where a spectral-profile group sits in SpectralProfileAnalyzer's output: {offset, dims}.
std::pair<Eigen::Index, Eigen::Index> spectralSlice(unsigned bit) {
  switch (bit) {
    case kStatMel: return {0, SpectralProfileAnalyzer::kMelDims};
    case kStatModulation: return {SpectralProfileAnalyzer::kMelDims, SpectralProfileAnalyzer::kModulationDims};
    default:
      return {SpectralProfileAnalyzer::kMelDims + SpectralProfileAnalyzer::kModulationDims,
              SpectralProfileAnalyzer::kContrastDims};
  }
}
}  // namespace

Eigen::Index songStatisticsDim(Eigen::Index segmentDims, unsigned groups) {
  const Eigen::Index l = segmentDims / 2;
  Eigen::Index d = 0;
  for (const auto& g : kGroups) {
    if ((groups & g.bit) == 0) continue;
    if (g.bit == kStatRhythm) {
      d += 3;
    } else if (g.bit == kStatHarmony) {
      d += features::HarmonyAnalyzer::kDims;
    } else if ((g.bit & kStatSpectral) != 0) {
      d += spectralSlice(g.bit).second;
    } else {
      d += l;
    }
  }
  return d;
}

std::vector<std::string> songStatisticsNames(const std::vector<std::string>& lldNames, unsigned groups) {
  std::vector<std::string> out;
  for (const auto& g : kGroups) {
    if ((groups & g.bit) == 0) continue;
    if (g.bit == kStatRhythm) {
      for (const char* r : {"segments_per_second", "log_duration_mean", "log_duration_std"}) {
        out.push_back(std::string("rhythm:") + r);
      }
      continue;
    }
    if (g.bit == kStatHarmony) {
      for (const auto& h : features::HarmonyAnalyzer::names()) out.push_back("harmony:" + h);
      continue;
    }
    if ((g.bit & kStatSpectral) != 0) {
      const auto [offset, dims] = spectralSlice(g.bit);
      const auto& names = SpectralProfileAnalyzer::names();
      for (Eigen::Index i = offset; i < offset + dims; ++i) {
        out.push_back(std::string(g.name) + ':' + names[static_cast<std::size_t>(i)]);
      }
      continue;
    }
    for (const auto& lld : lldNames) out.push_back(std::string(g.name) + ':' + lld);
  }
  return out;
}

double weightedQuantile(ConstVecRef values, ConstVecRef weights, double q) {
  const Eigen::Index n = values.size();
  if (n == 0) return 0.0;
  std::vector<Eigen::Index> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), Eigen::Index{0});
  std::sort(order.begin(), order.end(), [&values](Eigen::Index a, Eigen::Index b) { return values(a) < values(b); });
  const double total = weights.sum();
  double cumulative = 0.0;
  for (Eigen::Index i : order) {
    cumulative += weights(i) / total;
    if (cumulative >= q - 1e-12) return values(i);
  }
  return values(order.back());
}

Vec songStatistics(const SongSegments& song, unsigned groups) {
  const Eigen::Index d2 = song.segmentVectors.cols();
  const Eigen::Index l = d2 / 2;
  const Eigen::Index n = song.segmentVectors.rows();
  Vec out = Vec::Zero(songStatisticsDim(d2, groups));
  if (n == 0) return out;
  Vec w = song.segmentSeconds.size() == n ? Vec(song.segmentSeconds.cwiseMax(1e-6)) : Vec(Vec::Ones(n));
  const double seconds = w.sum();
  w /= seconds;
  const Mat means = song.segmentVectors.leftCols(l);
  const Mat stds = song.segmentVectors.rightCols(l);
  const Vec mu = means.transpose() * w;
  const Vec within2 = stds.cwiseAbs2().transpose() * w;
  const Vec between2 = (means.rowwise() - mu.transpose()).cwiseAbs2().transpose() * w;
  Eigen::Index at = 0;
  auto put = [&out, &at](const Vec& v) {
    out.segment(at, v.size()) = v;
    at += v.size();
  };
  auto quantiles = [&](double q) {
    Vec v(l);
    for (Eigen::Index j = 0; j < l; ++j) v(j) = weightedQuantile(means.col(j), w, q);
    return v;
  };
  if (groups & kStatMean) put(mu);
  if (groups & kStatStd) put((within2 + between2).cwiseSqrt());
  if (groups & kStatBetween) put(between2.cwiseSqrt());
  if (groups & kStatWithin) put(within2.cwiseSqrt());
  if (groups & kStatP10) put(quantiles(0.10));
  if (groups & kStatP50) put(quantiles(0.50));
  if (groups & kStatP90) put(quantiles(0.90));
  if (groups & kStatChange) {
    Vec change = Vec::Zero(l);
    if (n > 1) change = (means.bottomRows(n - 1) - means.topRows(n - 1)).cwiseAbs().colwise().mean().transpose();
    put(change);
  }
  if (groups & kStatRhythm) {
    const Vec logDur = (w * seconds).array().log().matrix();
    const double m = logDur.mean();
    const double sd = n > 1 ? std::sqrt((logDur.array() - m).square().sum() / static_cast<double>(n - 1)) : 0.0;
    Vec r(3);
    const double songSeconds = song.durationSeconds > 0.0 ? song.durationSeconds : seconds;
    r << static_cast<double>(n) / songSeconds, m, sd;
    put(r);
  }
  if (groups & kStatChangeStd) {
    Vec change = Vec::Zero(l);
    if (n > 1) change = (stds.bottomRows(n - 1) - stds.topRows(n - 1)).cwiseAbs().colwise().mean().transpose();
    put(change);
  }
  auto lagChange = [&means, n, l](Eigen::Index lag) {
    Vec change = Vec::Zero(l);
    if (n > lag) change = (means.bottomRows(n - lag) - means.topRows(n - lag)).cwiseAbs().colwise().mean().transpose();
    return change;
  };
  if (groups & kStatChangeLag4) put(lagChange(4));
  if (groups & kStatChangeLag16) put(lagChange(16));
  if (groups & kStatHarmony) {
    put(song.harmony.size() == features::HarmonyAnalyzer::kDims ? song.harmony
                                                                : Vec(Vec::Zero(features::HarmonyAnalyzer::kDims)));
  }
  for (unsigned bit : {kStatMel, kStatModulation, kStatContrast}) {
    if ((groups & bit) == 0) continue;
    const auto [offset, dims] = spectralSlice(bit);
    put(song.spectral.size() == SpectralProfileAnalyzer::kDims ? Vec(song.spectral.segment(offset, dims))
                                                              : Vec(Vec::Zero(dims)));
  }
  return out;
}

}  // namespace mp::mood
