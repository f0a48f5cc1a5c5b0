// libFuzzer target: the decoding front end. Arbitrary bytes -> a file -> content sniffing ->
// libsndfile / FFmpeg decoding -> resampling -> a short feature extraction (at most 2 s), with the
// harmony and spectral-profile passes of the default model.
// Any outcome but a crash, a sanitizer report, a hang or a leak is fine: bad input must come
// back as an error value.

#include "core/audio/format_sniffer.h"
#include "core/features/harmony.h"
#include "core/features/song_features.h"
#include "core/features/spectral_profile.h"
#include "tests/fuzz/fuzz_support.h"

#include <cstddef>
#include <cstdint>
#include <span>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const mp::fuzz::ScratchFile file("decoder");
  // The in-memory sniffer on the same bytes (it must agree with itself on any prefix).
  (void)mp::audio::sniffBuffer(std::span<const std::uint8_t>(data, size), static_cast<std::int64_t>(size));
  if (!file.write(data, size)) return 0;
  mp::features::FrontEndConfig config;
  config.maxSongSeconds = 2.0;
  config.harmony = true;
  config.spectral = true;
  auto features = mp::features::analyzeSong(file.path(), config);
  if (features) {
    // A success must be self-consistent.
    if (features->segmentVectors.rows() != static_cast<long>(features->segments.size())) __builtin_trap();
    if (!(features->durationSeconds >= 0.0)) __builtin_trap();
    if (features->harmony.size() != mp::features::HarmonyAnalyzer::kDims || !features->harmony.allFinite()) {
      __builtin_trap();
    }
    if (features->spectral.size() != mp::features::SpectralProfileAnalyzer::kDims || !features->spectral.allFinite()) {
      __builtin_trap();
    }
  }
  return 0;
}
