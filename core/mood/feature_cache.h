#pragma once
// On-disk cache of per-file front-end output (segment vectors), so training, evaluation and
// retraining never decode a file twice. Key = 64-bit FNV-1a hash of the file's bytes + a hash of
// FrontEndConfig::fingerprint() (a changed extractor misses the cache). Entries are
// io::Archive files (checksummed); a corrupt entry is ignored and rebuilt.
// Location: $MOODPLANE_FEATURE_CACHE, else $XDG_CACHE_HOME/moodplane/features, else
// ~/.cache/moodplane/features.

#include "core/common/cancel.h"
#include "core/common/eigen_types.h"
#include "core/common/result.h"
#include "core/common/thread_pool.h"
#include "core/features/song_features.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mp::mood {

/// What the mood model needs from the front end for one song.
struct SongSegments {
  Mat segmentVectors;      ///< n_segments × 2·LLD ([mean, std] per segment)
  Vec segmentSeconds;      ///< n_segments: segment durations (frame-count weights)
  double durationSeconds = 0.0;
  std::string codec;
  Vec harmony;             ///< song-level harmony descriptors (empty unless the front end made them)
  Vec spectral;            ///< song-level spectral-profile descriptors (likewise)
};

SongSegments fromFeatures(const features::SongFeatures& f);

/// Song-level mean and std of every LLD (2·LLD dims) from segment statistics, weighting
/// segments by their duration (law of total variance): the paper's LLD-baseline input.
Vec songLevelStats(const SongSegments& s);

/// 64-bit FNV-1a hash of a file's content.
Result<std::uint64_t> hashFile(const std::string& path);

std::string defaultFeatureCacheDir();

class FeatureCache {
 public:
  /// `dir` empty = no caching (always extract).
  explicit FeatureCache(std::string dir);
  const std::string& dir() const { return dir_; }

  /// Cached segments of `path` under `config`, extracting (and storing) on a miss.
  Result<SongSegments> get(const std::string& path, const features::FrontEndConfig& config,
                           const StopFlag* stop = nullptr) const;

  /// Many files in parallel (pool may be null); results in input order.
  std::vector<Result<SongSegments>> getAll(const std::vector<std::string>& paths,
                                           const features::FrontEndConfig& config, ThreadPool* pool,
                                           const ProgressFn& progress = {},
                                           const StopFlag* stop = nullptr) const;

  /// Number of hits / misses so far (for reports and tests).
  std::size_t hits() const { return hits_; }
  std::size_t misses() const { return misses_; }

 private:
  std::string dir_;
  mutable std::atomic<std::size_t> hits_{0};
  mutable std::atomic<std::size_t> misses_{0};
};

}  // namespace mp::mood
