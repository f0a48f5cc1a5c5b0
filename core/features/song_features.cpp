#include "core/features/song_features.h"

#include "core/features/frame_analyzer.h"
#include "core/features/harmony.h"
#include "core/features/segmenter.h"
#include "core/features/spectral_profile.h"

#include <cmath>
#include <optional>
#include <sstream>

namespace mp::features {

namespace {
constexpr int kMinFrames = 8;  // ≈ 0.19 s at 22 050 Hz / hop 512
}

Status FrontEndConfig::validate() const {
  if (sampleRate < 8000 || sampleRate > 192000) return fail("sampleRate must be in 8000..192000 Hz");
  if (frameSize < 256 || frameSize > 8192 || (frameSize & (frameSize - 1)) != 0)
    return fail("frameSize must be a power of two in 256..8192");
  if (hopSize < 1 || hopSize > frameSize) return fail("hopSize must be in 1..frameSize");
  if (!(minSegmentSeconds >= 0.0 && minSegmentSeconds <= 10.0)) return fail("minSegmentSeconds must be in 0..10");
  if (!(maxSegmentSeconds > 0.0 && maxSegmentSeconds <= 600.0)) return fail("maxSegmentSeconds must be in (0, 600]");
  if (maxSegmentSeconds < 2.0 * minSegmentSeconds)
    return fail("maxSegmentSeconds must be at least twice minSegmentSeconds");
  if (!(maxSongSeconds >= 0.0) || !std::isfinite(maxSongSeconds)) return fail("maxSongSeconds must be >= 0");
  return onset.validate();
}

std::string FrontEndConfig::fingerprint() const {
  std::ostringstream s;
  s << "frontend1:lld" << FrameAnalyzer::kLldCount << ':' << sampleRate << ',' << frameSize << ','
    << hopSize << ',' << minSegmentSeconds << ',' << maxSegmentSeconds << ',' << maxSongSeconds << ';'
    << onset.fingerprint();
  if (harmony) s << ";harmony1:" << HarmonyAnalyzer::kDims;
  if (spectral) s << ";spectral1:" << SpectralProfileAnalyzer::kDims;
  return s.str();
}

Result<SongFeatures> summarizeFrames(const FrameAnalysis& frames, const FrontEndConfig& config) {
  if (frames.llds.rows() < kMinFrames) {
    std::ostringstream s;
    s.precision(3);
    s << "audio too short for analysis: " << frames.durationSeconds() << " s decoded, need at least "
      << static_cast<double>(kMinFrames - 1) * config.hopSize / config.sampleRate << " s";
    return fail(s.str());
  }
  SongFeatures out;
  out.durationSeconds = frames.durationSeconds();
  out.lldNames = FrameAnalyzer::lldNames();
  out.frameCount = static_cast<int>(frames.llds.rows());
  out.onsetsSeconds = frames.onsetsSeconds;
  out.segments = segmentByOnsets(frames.onsetsSeconds, out.durationSeconds, config.minSegmentSeconds,
                                 config.maxSegmentSeconds);
  out.segmentVectors = segmentStatistics(frames.llds, frames.frameRate, out.segments);
  out.segmentVectorNames = segmentVectorNames(out.lldNames);
  return out;
}

Result<SongFeatures> analyzeSong(const std::string& path, const FrontEndConfig& config, const StopFlag* stop) {
  auto analyzer = FrameAnalyzer::create(config);
  if (!analyzer) return analyzer.error();
  std::optional<HarmonyAnalyzer> harmony;
  if (config.harmony) {
    auto h = HarmonyAnalyzer::create(config.sampleRate);
    if (!h) return h.error();
    harmony.emplace(std::move(*h));
  }
  std::optional<SpectralProfileAnalyzer> spectral;
  if (config.spectral) {
    auto sp = SpectralProfileAnalyzer::create(config.sampleRate);
    if (!sp) return sp.error();
    spectral.emplace(std::move(*sp));
  }
  audio::DecodeOptions options;
  options.targetRate = config.sampleRate;
  options.maxSeconds = config.maxSongSeconds;
  auto stats = audio::decodeMono(
      path, options,
      [&](std::span<const float> block) {
        analyzer->addSamples(block);
        if (harmony) harmony->addSamples(block);
        if (spectral) spectral->addSamples(block);
      },
      stop);
  if (!stats) return stats.error();
  if (stopRequested(stop)) return fail("analysis stopped");
  const FrameAnalysis frames = analyzer->finish();
  auto song = summarizeFrames(frames, config);
  if (!song) return song.error();
  song->info = stats->info;
  if (harmony) song->harmony = harmony->finish();
  if (spectral) song->spectral = spectral->finish();
  return song;
}

}  // namespace mp::features
