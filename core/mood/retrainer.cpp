#include "core/mood/retrainer.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <cmath>
#include <numeric>
#include <random>

namespace mp::mood {

Status RetrainConfig::validate() const {
  if (!(ratingWeight > 0.0) || !std::isfinite(ratingWeight) || ratingWeight > 1e6) {
    return fail("retrain: rating weight must be in (0, 1e6]");
  }
  if (iterations < 0 || iterations > 1000000) return fail("retrain: iterations must be in 0..1000000");
  if (cvIterations < 0 || cvIterations > 1000000) return fail("retrain: CV iterations must be in 0..1000000");
  if (folds < 2 || folds > 1000) return fail("retrain: folds must be in 2..1000");
  if (leaveOneOutBelow < 0) return fail("retrain: leaveOneOutBelow must be >= 0");
  return {};
}

namespace {

struct StackedData {
  Mat x;  // base rows, then rated rows
  Mat y;
  Vec weight;
};

StackedData stack(const MoodModel& m, const std::vector<RatedInput>& ratings, const std::vector<std::size_t>& use,
                  double ratingWeight) {
  const Eigen::Index nb = m.baseInputs().rows();
  const Eigen::Index n = nb + static_cast<Eigen::Index>(use.size());
  StackedData d;
  d.x.resize(n, m.baseInputs().cols());
  d.y.resize(n, 2);
  d.weight = Vec::Ones(n);
  d.x.topRows(nb) = m.baseInputs();
  d.y.topRows(nb) = m.baseTargets();
  for (std::size_t k = 0; k < use.size(); ++k) {
    const RatedInput& r = ratings[use[k]];
    const Eigen::Index row = nb + static_cast<Eigen::Index>(k);
    d.x.row(row) = r.input.transpose();
    d.y(row, 0) = r.valence;
    d.y(row, 1) = r.arousal;
    d.weight(row) = ratingWeight;
  }
  return d;
}

/// One refit of the regressor of `current` on `d` (see the header for the maths).
Result<MoodModel> refit(const MoodModel& current, const StackedData& d, int iterations, const StopFlag* stop) {
  if (stopRequested(stop)) return fail("retraining cancelled");
  if (const gp::DeepGp* g = current.deepGp()) {
    gp::DeepGp copy = *g;
    gp::FitCallbacks cb;
    cb.stop = stop;
    if (Status s = copy.refine(d.x, d.y, iterations, cb, &d.weight); !s) {
      if (stopRequested(stop)) return fail("retraining cancelled");
      return fail("retrain: " + s.error().message);
    }
    return current.withDeepGp(std::move(copy));
  }
  const auto& gps = current.exactGps();
  if (gps.size() != 2) return fail("retrain: the model has no regressor");
  const Vec noiseScale = d.weight.cwiseInverse();
  std::vector<gp::ExactGp> fitted;
  for (int j = 0; j < 2; ++j) {
    auto g = gp::ExactGp::withParams(d.x, d.y.col(j), gps[static_cast<std::size_t>(j)].config(),
                                     gps[static_cast<std::size_t>(j)].params(), noiseScale);
    if (!g) return fail("retrain: " + g.error().message);
    fitted.push_back(std::move(*g));
  }
  if (stopRequested(stop)) return fail("retraining cancelled");
  return current.withExactGps(std::move(fitted));
}

Mat inputsOf(const std::vector<RatedInput>& ratings, const std::vector<std::size_t>& use, Eigen::Index dims) {
  Mat x(static_cast<Eigen::Index>(use.size()), dims);
  for (std::size_t k = 0; k < use.size(); ++k) x.row(static_cast<Eigen::Index>(k)) = ratings[use[k]].input.transpose();
  return x;
}

double distance(const library::MoodEstimate& e, const RatedInput& r) {
  return std::hypot(e.valence - r.valence, e.arousal - r.arousal);
}

}  // namespace

double meanRatingDistance(const MoodModel& model, const std::vector<RatedInput>& ratings) {
  if (ratings.empty()) return 0.0;
  std::vector<std::size_t> all(ratings.size());
  std::iota(all.begin(), all.end(), std::size_t{0});
  const auto pred = model.predictInputs(inputsOf(ratings, all, model.encoder().inputDim()));
  double sum = 0.0;
  for (std::size_t i = 0; i < ratings.size(); ++i) sum += distance(pred[i], ratings[i]);
  return sum / static_cast<double>(ratings.size());
}

Result<RetrainResult> retrain(const MoodModel& current, const std::vector<RatedInput>& ratings,
                              const RetrainConfig& config, ThreadPool* pool, const StopFlag* stop,
                              const ProgressFn& progress) {
  const auto start = std::chrono::steady_clock::now();
  if (Status s = config.validate(); !s) return s.error();
  if (!current.hasBaseData()) {
    return fail("retrain: the model file carries no base training set (written by an older version); "
                "retrain needs a model trained by this version");
  }
  if (ratings.empty()) return fail("retrain: no ratings to learn from");
  const Eigen::Index dims = current.encoder().inputDim();
  for (const RatedInput& r : ratings) {
    if (r.input.size() != dims) {
      return fail("retrain: rating of " + r.label + " has an input of " + std::to_string(r.input.size()) +
                  " values, the model expects " + std::to_string(dims));
    }
    if (!r.input.allFinite() || !std::isfinite(r.valence) || !std::isfinite(r.arousal)) {
      return fail("retrain: rating of " + r.label + " is not finite");
    }
  }
  const std::size_t n = ratings.size();
  RetrainFigures fig;
  fig.ratings = static_cast<int>(n);
  fig.baseSongs = static_cast<int>(current.baseInputs().rows());
  fig.distanceBefore = meanRatingDistance(current, ratings);

  // Folds: leave-one-out for few ratings, else k-fold over a seeded shuffle.
  std::vector<std::vector<std::size_t>> heldOut;
  if (config.crossValidate && n >= 2) {
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    if (static_cast<int>(n) < config.leaveOneOutBelow) {
      fig.cvScheme = "leave-one-out";
      for (std::size_t i : order) heldOut.push_back({i});
    } else {
      fig.cvScheme = "k-fold";
      std::mt19937_64 rng(config.seed + 101);
      std::shuffle(order.begin(), order.end(), rng);
      const std::size_t k = std::min<std::size_t>(static_cast<std::size_t>(config.folds), n);
      heldOut.resize(k);
      for (std::size_t i = 0; i < n; ++i) heldOut[i % k].push_back(order[i]);
    }
    fig.cvFolds = static_cast<int>(heldOut.size());
  }
  const std::size_t totalSteps = heldOut.size() + 1;
  std::atomic<std::size_t> done{0};
  auto report = [&] {
    const std::size_t d = ++done;
    if (progress) progress(Progress{d, totalSteps});
  };

  std::vector<double> foldDistance(heldOut.size(), 0.0);
  std::vector<std::string> foldError(heldOut.size());
  // Progress callbacks come from the pool's threads; serialise them.
  std::mutex progressMutex;
  parallelFor(pool, heldOut.size(), [&](std::size_t f) {
    std::vector<bool> out(n, false);
    for (std::size_t i : heldOut[f]) out[i] = true;
    std::vector<std::size_t> train;
    for (std::size_t i = 0; i < n; ++i) {
      if (!out[i]) train.push_back(i);
    }
    auto m = refit(current, stack(current, ratings, train, config.ratingWeight), config.cvIterations, stop);
    if (!m) {
      foldError[f] = m.error().message;
      return;
    }
    const auto pred = m->predictInputs(inputsOf(ratings, heldOut[f], dims));
    double sum = 0.0;
    for (std::size_t k = 0; k < heldOut[f].size(); ++k) sum += distance(pred[k], ratings[heldOut[f][k]]);
    foldDistance[f] = sum;
    std::lock_guard lock(progressMutex);
    report();
  });
  if (stopRequested(stop)) return fail("retraining cancelled");
  for (const std::string& e : foldError) {
    if (!e.empty()) return fail(e);
  }
  if (!heldOut.empty()) {
    fig.cvDistance = std::accumulate(foldDistance.begin(), foldDistance.end(), 0.0) / static_cast<double>(n);
  }

  std::vector<std::size_t> all(n);
  std::iota(all.begin(), all.end(), std::size_t{0});
  auto model = refit(current, stack(current, ratings, all, config.ratingWeight), config.iterations, stop);
  if (!model) return model.error();
  report();
  fig.distanceAfter = meanRatingDistance(*model, ratings);
  fig.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return RetrainResult{std::move(*model), fig};
}

nlohmann::json figuresJson(const RetrainFigures& f) {
  return {{"ratings", f.ratings},
          {"base_songs", f.baseSongs},
          {"cv_scheme", f.cvScheme},
          {"cv_folds", f.cvFolds},
          {"distance_before", f.distanceBefore},
          {"distance_after", f.distanceAfter},
          {"cv_distance", f.cvScheme == "none" ? nlohmann::json(nullptr) : nlohmann::json(f.cvDistance)},
          {"seconds", f.seconds}};
}

}  // namespace mp::mood
