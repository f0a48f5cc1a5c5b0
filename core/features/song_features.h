#pragma once
// The audio front end for one song (SCIENCE.md §1-2): decode -> mono 22 050 Hz -> STFT ->
// frame low-level descriptors (LLDs) -> onsets -> segments -> segment vectors [mean, std].

#include "core/audio/audio_decoder.h"
#include "core/common/cancel.h"
#include "core/common/eigen_types.h"
#include "core/common/result.h"
#include "core/features/onset_detector.h"

#include <string>
#include <utility>
#include <vector>

namespace mp::features {

/// Every parameter of the front end, by value; validate() checks ranges in one place.
struct FrontEndConfig {
  int sampleRate = 22050;   ///< analysis rate, Hz
  int frameSize = 1024;     ///< STFT window, samples (power of two, 256..8192)
  int hopSize = 512;        ///< samples (1..frameSize)
  double minSegmentSeconds = 0.1;  ///< shorter segments merge into a neighbour
  double maxSegmentSeconds = 2.0;  ///< longer segments are split
  double maxSongSeconds = 0.0;     ///< analyse at most this much audio; 0 = whole song
  OnsetConfig onset;               ///< SuperFlux settings (onset_detector.h)
  bool harmony = false;            ///< also compute the song's harmony descriptors (harmony.h)
  bool spectral = false;           ///< also compute the spectral-profile descriptors (spectral_profile.h)

  Status validate() const;
  /// A string that changes whenever the extractor's output would change (for caches).
  std::string fingerprint() const;
};

struct SongFeatures {
  audio::AudioInfo info;
  double durationSeconds = 0.0;            ///< decoded length
  std::vector<std::string> lldNames;       ///< one name per frame descriptor
  int frameCount = 0;
  std::vector<double> onsetsSeconds;
  std::vector<std::pair<double, double>> segments;  ///< [t0, t1) seconds
  /// One row per segment: [mean of LLDs, std of LLDs] over the segment's frames (2 * LLD dims).
  Mat segmentVectors;
  /// Names of segmentVectors' columns: "mean:<lld>" then "std:<lld>".
  std::vector<std::string> segmentVectorNames;
  /// HarmonyAnalyzer::kDims song-level descriptors when FrontEndConfig::harmony, else empty.
  Vec harmony;
  /// SpectralProfileAnalyzer::kDims song-level descriptors when FrontEndConfig::spectral, else empty.
  Vec spectral;
};

/// Runs the whole front end on one file, streaming (memory bounded by the number of frames
/// descriptors, not the PCM length). Errors are per-file values: undecodable, too short, stopped.
Result<SongFeatures> analyzeSong(const std::string& path, const FrontEndConfig& config,
                                 const StopFlag* stop = nullptr);

}  // namespace mp::features
