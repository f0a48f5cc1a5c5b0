#pragma once
// A SongAnalyzer without a mood model: records tags, the decoded duration and the codec, and no
// mood (SongAnalysis::hasMood = false, so songs are stored as Pending). Used by `index` when no
// model file exists; once a model is available its different version() makes the next scan
// analyse every song.

#include "core/library/song_analyzer.h"

namespace mp::library {

class TagsOnlyAnalyzer final : public SongAnalyzer {
 public:
  /// Decodes the whole file (the decoder's frame count is the authoritative duration, and a file
  /// that cannot be decoded is reported as a failure, like the real analyser would).
  Result<SongAnalysis> analyze(const std::string& path, const StopFlag* stop) const override;
  std::string version() const override { return "tags-only-1"; }
};

}  // namespace mp::library
