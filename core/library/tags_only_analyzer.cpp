#include "core/library/tags_only_analyzer.h"

#include "core/audio/audio_decoder.h"

#include <vector>

namespace mp::library {

Result<SongAnalysis> TagsOnlyAnalyzer::analyze(const std::string& path, const StopFlag* stop) const {
  auto decoder = audio::AudioDecoder::open(path);
  if (!decoder) return decoder.error();
  const audio::AudioInfo& info = (*decoder)->info();
  if (info.channels <= 0 || info.sampleRate <= 0) return fail("no audio stream in " + path);
  constexpr std::size_t kBlock = 4096;
  std::vector<float> buffer(kBlock * static_cast<std::size_t>(info.channels));
  std::int64_t frames = 0;
  for (int block = 0;; ++block) {
    if ((block & 63) == 0 && stopRequested(stop)) return fail("cancelled");
    auto got = (*decoder)->read(buffer.data(), kBlock);
    if (!got) return got.error();
    if (*got == 0) break;
    frames += static_cast<std::int64_t>(*got);
  }
  if (frames == 0) return fail("no audio could be decoded from " + path);
  SongAnalysis a;
  if (auto tags = audio::readTags(path)) a.tags = *tags;
  a.durationSeconds = static_cast<double>(frames) / info.sampleRate;
  a.tags.durationSeconds = a.durationSeconds;
  a.codec = info.codec;
  a.modelVersion = version();
  a.hasMood = false;
  return a;
}

}  // namespace mp::library
