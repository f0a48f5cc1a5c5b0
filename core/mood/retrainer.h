#pragma once
// Retraining a mood model on the listener's ratings (issue #7).
//
// The encoder (standardisation, UBM, Fisher/LLD encoding, PCA) stays fixed: ratings arrive as
// model inputs already encoded (stored by the library scan), so nothing is decoded. Only the
// regressor is refitted, on the model's own base training set plus the rated songs, each rating
// weighted w = RetrainConfig::ratingWeight so a handful of them matter:
//   exact GP:  K = k_θ(X, X) + σn² diag(s),  s_i = 1 (base rows), 1/w (rated rows)
//              (a rating counts as w agreeing observations); θ is kept from the current model
//              (the warm start: the marginal-likelihood optimum of the base set), the posterior
//              is recomputed exactly.
//   deep GP:   the current DeepGp continues Adam (DeepGp::refine) on the stacked rows with
//              ELBO row weights w_i = 1 (base) or w (rated): Σ_i w_i E_q[log p(y_i | f_i)] − KL.
// Honest feedback: the listener's ratings are split (leave-one-out below leaveOneOutBelow
// ratings, else `folds`-fold); each fold's model is retrained the same way without the held-out
// ratings, and the mean Euclidean (v, a) distance of the held-out songs' predictions to their
// ratings is reported next to the current model's distance on the same songs.
// Works through MoodModel for every RegressorKind. The current model is never modified.

#include "core/common/cancel.h"
#include "core/common/eigen_types.h"
#include "core/common/result.h"
#include "core/common/thread_pool.h"
#include "core/mood/mood_model.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace mp::mood {

/// One listener rating of a song whose model input is known.
struct RatedInput {
  Vec input;             ///< the song's model input (MoodEncoderState::encode), inputDim entries
  double valence = 0.5;  ///< the listener's placement, [0, 1]
  double arousal = 0.5;
  std::string label;     ///< for reports (e.g. the song's path)
};

struct RetrainConfig {
  double ratingWeight = 20.0;  ///< a rating counts as this many base songs (> 0)
  int iterations = 300;        ///< deep GP: Adam steps of the warm-started refit (exact GP: unused)
  int cvIterations = 150;      ///< deep GP: Adam steps of each cross-validation refit
  int folds = 5;               ///< k of the k-fold cross-validation on the ratings (>= 2)
  int leaveOneOutBelow = 10;   ///< fewer ratings than this: leave-one-out instead of k-fold
  bool crossValidate = true;   ///< false: skip the CV figures (cvScheme "none")
  std::uint64_t seed = 0;      ///< fold assignment
  Status validate() const;
};

struct RetrainFigures {
  int ratings = 0;               ///< ratings used
  int baseSongs = 0;             ///< rows of the base training set
  std::string cvScheme = "none"; ///< "leave-one-out", "k-fold" or "none"
  int cvFolds = 0;
  /// Mean distance ‖(v, a)_rating − (v, a)_predicted‖ of the rated songs:
  double distanceBefore = 0.0;   ///< current model (before retraining)
  double distanceAfter = 0.0;    ///< retrained model, in-sample (it saw these ratings)
  double cvDistance = 0.0;       ///< held-out: each song predicted by a model retrained without it
  double seconds = 0.0;          ///< wall time of retrain()
};

struct RetrainResult {
  MoodModel model;  ///< the new model; its card is the parent's until ModelStore::commit writes one
  RetrainFigures figures;
};

/// Retrains `current` on its base set + `ratings`. Fails (leaving nothing changed) on bad
/// input, a model without a base training set, or when `stop` is raised ("retraining cancelled").
/// `progress` counts fits: the CV folds, then the final refit.
Result<RetrainResult> retrain(const MoodModel& current, const std::vector<RatedInput>& ratings,
                              const RetrainConfig& config, ThreadPool* pool = nullptr,
                              const StopFlag* stop = nullptr, const ProgressFn& progress = {});

/// The figures as the JSON object written to model cards and printed by `retrain --json`.
nlohmann::json figuresJson(const RetrainFigures& f);

/// Mean Euclidean (v, a) distance of `model`'s predictions of the rated inputs to their ratings.
double meanRatingDistance(const MoodModel& model, const std::vector<RatedInput>& ratings);

}  // namespace mp::mood
