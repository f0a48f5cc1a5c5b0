#pragma once
// The evaluation protocol of SCIENCE.md §6 for mood models (Chapaneri & Jayaswal 2020, §4):
//   regression: R² = 1 − Σ(y − ŷ)²/Σ(y − ȳ)², RMSE, Pearson r, NLPD = mean −log N(y | μ, Σ)
//               (2-D Gaussian with the predicted 2×2 covariance), k-fold CV, mean ± std over folds;
//   calibration: share of true (v, a) inside the predicted 1σ ellipse (Mahalanobis² ≤ 1) and 2σ
//               ellipse (≤ 4); for a 2-D Gaussian P(m² ≤ c) = 1 − exp(−c/2): 39.3 % and 86.5 %.
//               (Session 1 used m² ≤ 2.30 / 6.18, which contain 68.3 % / 95.4 %: its "under-
//               confident 0.68 / 0.95" was in fact calibrated.)
//   retrieval: Goodman–Kruskal γ per query (5-fold CV; rank the fold's other songs by distance
//               from the query's true point to their true / predicted points; ties dropped);
//   quadrant macro-F1: predicted quadrant from the signs of (v − 0.5, a − 0.5).
// The UBM is refitted inside every fold on the training part only (no leakage) and shared by
// the regressors of that fold.

#include "core/common/cancel.h"
#include "core/common/eigen_types.h"
#include "core/common/result.h"
#include "core/common/thread_pool.h"
#include "core/library/song_analyzer.h"
#include "core/mood/mood_model.h"

#include <functional>
#include <string>
#include <vector>

namespace mp::mood {

struct MeanStd {
  double mean = 0.0;
  double std = 0.0;
};
MeanStd meanStd(const std::vector<double>& v);

struct FoldMetrics {
  double r2Valence = 0, r2Arousal = 0, rmseValence = 0, rmseArousal = 0;
  double pearsonValence = 0, pearsonArousal = 0, nlpd = 0, coverage1 = 0, coverage2 = 0, quadrantF1 = 0;
};

/// Metrics of predictions against truth (rows: songs, cols: valence, arousal); quadrants 1..4.
FoldMetrics regressionMetrics(ConstMatRef truth, const std::vector<library::MoodEstimate>& pred,
                              const std::vector<int>& trueQuadrants);
double rSquared(ConstVecRef y, ConstVecRef yhat);
double macroF1(const std::vector<int>& truth, const std::vector<int>& predicted, int classes);
/// Mean over queries of Goodman–Kruskal γ (see header comment).
double goodmanKruskalGamma(ConstMatRef truth, ConstMatRef predicted);

struct EvalSpec {
  std::string model;     ///< exact-gp, svgp, dgp2, dgp3
  std::string encoding;  ///< global, lafv (exact-gp: the LLD-statistics baseline "lld-stats")
  MoodModelConfig config;
};

struct EvalResult {
  std::string model, encoding;
  MeanStd r2Valence, r2Arousal, rmseValence, rmseArousal, pearsonValence, pearsonArousal, nlpd;
  MeanStd coverage1, coverage2, gamma, quadrantF1;
  double seconds = 0.0;
};

struct EvalConfig {
  int folds = 10;
  int gammaFolds = 5;
  std::uint64_t seed = 0;
  Status validate() const;
};

/// Random k-fold assignment of n items (fold id per item), deterministic per seed.
std::vector<int> kFoldAssignment(std::size_t n, int folds, std::uint64_t seed);

/// Runs every spec through k-fold CV (and gammaFolds-fold CV for γ).
Result<std::vector<EvalResult>> evaluateModels(const std::vector<SongSegments>& songs, ConstMatRef targets,
                                               const std::vector<int>& quadrants,
                                               const std::vector<EvalSpec>& specs, const EvalConfig& config,
                                               ThreadPool* pool, const StopFlag* stop = nullptr,
                                               const std::function<void(const std::string&)>& log = {});

/// A spec from CLI names; `base` supplies every other setting.
Result<EvalSpec> makeSpec(const std::string& model, const std::string& encoding, const MoodModelConfig& base);

}  // namespace mp::mood
