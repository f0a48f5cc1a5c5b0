#pragma once
// What the library scan asks of the mood model: analyse one file into tags + a prediction.
// The real implementation lives with the mood model (core/mood); tests use fakes.

#include "core/audio/tags.h"
#include "core/common/cancel.h"
#include "core/common/result.h"

#include <string>
#include <vector>

namespace mp::library {

/// A point on the valence-arousal plane with its 2x2 predictive covariance.
struct MoodEstimate {
  double valence = 0.5;  ///< [0, 1], 0.5 neutral
  double arousal = 0.5;  ///< [0, 1]
  double covVV = 0.0;    ///< var(valence)
  double covVA = 0.0;    ///< cov(valence, arousal)
  double covAA = 0.0;    ///< var(arousal)
};

struct SongAnalysis {
  audio::Tags tags;
  double durationSeconds = 0.0;  ///< decoded length
  std::string codec;
  MoodEstimate mood;
  std::string modelVersion;      ///< identifies the model that produced `mood`
  /// The model's input encoding (e.g. the Fisher vector), kept so retraining never decodes again.
  std::vector<float> encoding;
  /// False when the analyser produced no mood (e.g. a tags-only analyser): the song is stored
  /// with status Pending and no prediction.
  bool hasMood = true;
};

class SongAnalyzer {
 public:
  virtual ~SongAnalyzer() = default;
  /// Thread-safe: called concurrently from scan workers.
  virtual Result<SongAnalysis> analyze(const std::string& path, const StopFlag* stop) const = 0;
  /// Changes whenever analyse() would give different results (extractor or model version).
  virtual std::string version() const = 0;
};

}  // namespace mp::library
