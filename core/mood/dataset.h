#pragma once
// A labelled audio set ready for training/evaluation: labels read, audio mapped, front-end
// features extracted in parallel through the feature cache.

#include "core/common/cancel.h"
#include "core/common/result.h"
#include "core/common/thread_pool.h"
#include "core/mood/feature_cache.h"
#include "core/mood/labels.h"

#include <functional>
#include <string>
#include <vector>

namespace mp::mood {

struct LabelledFeatures {
  std::vector<SongSegments> songs;
  std::vector<std::string> paths;   ///< absolute audio paths, same order
  std::vector<std::string> ids;
  Mat targets;                      ///< songs × 2 (valence, arousal) in [0, 1]
  std::vector<int> quadrants;       ///< 1..4 (from the file's quadrant column or the signs)
  std::vector<std::pair<std::string, std::string>> failed;  ///< (path or id, reason)
};

Result<LabelledFeatures> loadLabelledFeatures(const std::string& labelsCsv, LabelFormat format,
                                              const std::string& audioDir,
                                              const features::FrontEndConfig& frontEnd,
                                              const FeatureCache& cache, ThreadPool* pool,
                                              const std::function<void(const std::string&)>& log = {},
                                              const StopFlag* stop = nullptr);

}  // namespace mp::mood
