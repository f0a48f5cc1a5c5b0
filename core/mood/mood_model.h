#pragma once
// The whole mood model: segment vectors of a song → (valence, arousal) + 2×2 covariance.
//
// Pipeline (Chapaneri & Jayaswal, Sādhanā 45:73, 2020; SCIENCE.md §2-5):
//   segments S (n×2L, [mean, std] of L LLDs per segment)
//   ─standardise (training-set mean/std per dimension, or per-song z-scoring)─▶ S'
//   ─UBM (VB-GMM, K comps, diagonal) + Fisher encoder (global FV or LAFV, improved, compact?)─▶ z
//   ─optional PCA (P dims, fitted on training encodings)─▶ ─standardise─▶ x (model input)
//   ─regressor: DeepGp with L layers (L = 1: SVGP), or independent exact GPs─▶ N(μ, Σ) on (v, a).
// The LLD baseline input (InputKind::LldStats) replaces the UBM/Fisher step by the song-level
// mean and std of each LLD (2L dims).
// Units: valence and arousal in [0, 1]; Σ is the predictive covariance of y (incl. noise).
// Saved as ONE io::Archive file of kind "moodplane-model" (kModelFormatVersion) holding every
// statistic above, the regressor and a provenance card (JSON string).

#include "core/common/cancel.h"
#include "core/common/eigen_types.h"
#include "core/common/result.h"
#include "core/common/thread_pool.h"
#include "core/features/song_features.h"
#include "core/gp/deep_gp.h"
#include "core/gp/exact_gp.h"
#include "core/library/song_analyzer.h"
#include "core/mood/feature_cache.h"
#include "core/mood/fisher_encoder.h"
#include "core/mood/gmm.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mp::mood {

inline constexpr const char* kModelKind = "moodplane-model";
inline constexpr std::int64_t kModelFormatVersion = 1;

enum class SegmentNorm { Training = 0, PerSong = 1 };
enum class InputKind { Fisher = 0, LldStats = 1 };
enum class RegressorKind { DeepGp = 0, ExactGp = 1 };

struct MoodModelConfig {
  features::FrontEndConfig frontEnd;
  SegmentNorm segmentNorm = SegmentNorm::Training;
  InputKind input = InputKind::Fisher;
  VbGmmConfig ubm;            ///< defaults below: K_max 64, 25 % subsample
  FisherConfig fisher;        ///< LAFV, intra-normalised, improved, compact
  int pcaDims = 0;            ///< 0 = no PCA on the encoding
  RegressorKind regressor = RegressorKind::DeepGp;
  gp::DeepGpConfig dgp;
  gp::ExactGpConfig exact;
  std::uint64_t seed = 0;

  MoodModelConfig();
  Status validate() const;
};

/// Short name of a configuration for reports: "svgp", "dgp2", "exact-gp", ...
std::string regressorName(const MoodModelConfig& c);

/// Statistics fitted before the regressor (everything but the GP): reusable across regressors.
struct MoodEncoderState {
  SegmentNorm segmentNorm = SegmentNorm::Training;
  InputKind input = InputKind::Fisher;
  Standardizer segmentStd;            ///< on segment vectors (Training norm)
  std::optional<FisherEncoder> encoder;
  std::optional<Pca> pca;
  Standardizer inputStd;              ///< on the final encoding

  /// The model input of one song (1 × dims).
  Result<Vec> encode(const SongSegments& song) const;
  int inputDim() const { return static_cast<int>(inputStd.mean.size()); }
};

/// Fits the UBM on the training songs' standardised segments (the paper's 25 % subsample).
Result<DiagGmm> fitUbm(const std::vector<const SongSegments*>& songs, const Standardizer& segmentStd,
                       SegmentNorm norm, const VbGmmConfig& config, ThreadPool* pool);

/// Per-song z-scoring (the author's code) or the training statistics.
Mat normalizeSegments(const SongSegments& song, SegmentNorm norm, const Standardizer& segmentStd);

class MoodModel {
 public:
  /// Trains on songs[i] with targets.row(i) = (valence, arousal). `ubm`, when given, is used
  /// instead of fitting one (it must have been fitted on the same songs with the same
  /// segment normalisation, e.g. shared across regressors inside one CV fold).
  static Result<MoodModel> train(const std::vector<const SongSegments*>& songs, ConstMatRef targets,
                                 const MoodModelConfig& config, ThreadPool* pool = nullptr,
                                 const StopFlag* stop = nullptr, const DiagGmm* ubm = nullptr,
                                 const std::function<void(const std::string&)>& log = {});

  /// Predictions for encoded inputs (rows = songs, from encoder().encode()).
  std::vector<library::MoodEstimate> predictInputs(ConstMatRef inputs) const;
  Result<library::MoodEstimate> predict(const SongSegments& song) const;

  const MoodEncoderState& encoder() const { return enc_; }
  const MoodModelConfig& config() const { return config_; }
  const std::string& card() const { return card_; }
  void setCard(std::string cardJson) { card_ = std::move(cardJson); }
  /// Stats of the fit for reports (noise variances, ELBO, UBM components).
  int ubmComponents() const { return enc_.encoder ? enc_.encoder->gmm().components() : 0; }

  // ---- retraining on the listener's ratings (core/mood/retrainer.h) ----
  /// The base training set: the model inputs (rows = songs, standardised as encode() returns
  /// them) and (valence, arousal) targets the regressor was first fitted on. A retrained model
  /// carries its parent's base set unchanged (ratings are never folded into it). Empty for
  /// deep-GP model files written before the base set was stored.
  const Mat& baseInputs() const { return baseInputs_; }
  const Mat& baseTargets() const { return baseTargets_; }
  bool hasBaseData() const { return baseInputs_.rows() > 0; }
  const gp::DeepGp* deepGp() const { return dgp_ ? &*dgp_ : nullptr; }
  const std::vector<gp::ExactGp>& exactGps() const { return exact_; }
  /// This model (config, encoder, base set, card) with another regressor of the same kind.
  MoodModel withDeepGp(gp::DeepGp gp) const;
  MoodModel withExactGps(std::vector<gp::ExactGp> gps) const;
  /// Hex hash of everything before the regressor: models with equal fingerprints encode every
  /// song identically, so stored encodings stay valid across them.
  std::string encoderFingerprint() const;

  /// Serialises into one archive (kind "moodplane-model"), written atomically.
  Status save(const std::string& path) const;
  std::string bytes() const;
  static Result<MoodModel> load(const std::string& path);
  static Result<MoodModel> fromBytes(std::string bytes);

 private:
  MoodModel() = default;
  void write(io::ArchiveWriter& w) const;
  static Result<MoodModel> read(const io::ArchiveReader& r);

  MoodModelConfig config_;
  MoodEncoderState enc_;
  std::optional<gp::DeepGp> dgp_;
  std::vector<gp::ExactGp> exact_;
  std::string card_ = "{}";
  Mat baseInputs_;   ///< N×D base training inputs (see baseInputs())
  Mat baseTargets_;  ///< N×2
};

/// Hex FNV-1a hash of a file (the modelVersion reported with every analysis).
Result<std::string> fileVersionHash(const std::string& path);

}  // namespace mp::mood
