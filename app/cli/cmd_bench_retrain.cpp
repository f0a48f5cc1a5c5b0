// `moodplane-cli bench-retrain [--model MODEL] [--ratings 50] [--shift 0.3] [--jobs 2] [--json]`:
// the issue #7 bar. Takes N songs of the model's own base training set (evenly spaced rows, so
// their encodings are exactly what the scan stores), rates each at its current prediction moved
// by `shift` in a seeded random direction (clamped to [0, 1]), retrains with the default
// RetrainConfig (cross-validation included) and prints the wall time and the rated songs' mean
// distance to their ratings before and after.

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "core/mood/retrainer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <numbers>
#include <random>

namespace mp::cli {
namespace {

struct BenchRetrainOptions {
  std::string model;
  int ratings = 50;
  double shift = 0.3;
  int jobs = 2;
  int iterations = mood::RetrainConfig{}.iterations;
  bool json = false;
};

int runBenchRetrain(const BenchRetrainOptions& o) {
  const std::string path = o.model.empty() ? defaultModelPath() : absolutePath(o.model);
  auto model = mood::MoodModel::load(path);
  if (!model) {
    std::cerr << "moodplane-cli bench-retrain: " << model.error().message << '\n';
    return kExitFailed;
  }
  if (!model->hasBaseData()) {
    std::cerr << "moodplane-cli bench-retrain: " << path << " carries no base training set\n";
    return kExitFailed;
  }
  const Eigen::Index nb = model->baseInputs().rows();
  const int n = static_cast<int>(std::min<Eigen::Index>(o.ratings, nb));
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> angle(0.0, 2.0 * std::numbers::pi);
  std::vector<mood::RatedInput> ratings;
  Mat x(n, model->baseInputs().cols());
  for (int i = 0; i < n; ++i) x.row(i) = model->baseInputs().row(static_cast<Eigen::Index>(i) * nb / n);
  const auto pred = model->predictInputs(x);
  for (int i = 0; i < n; ++i) {
    const double t = angle(rng);
    const double v = std::clamp(pred[static_cast<std::size_t>(i)].valence + o.shift * std::cos(t), 0.0, 1.0);
    const double a = std::clamp(pred[static_cast<std::size_t>(i)].arousal + o.shift * std::sin(t), 0.0, 1.0);
    ratings.push_back({x.row(i).transpose(), v, a, "base row " + std::to_string(i * nb / n)});
  }
  mood::RetrainConfig config;
  config.iterations = o.iterations;
  ThreadPool pool(static_cast<std::size_t>(std::max(1, o.jobs)));
  auto r = mood::retrain(*model, ratings, config, o.jobs > 1 ? &pool : nullptr);
  if (!r) {
    std::cerr << "moodplane-cli bench-retrain: " << r.error().message << '\n';
    return kExitFailed;
  }
  const auto& f = r->figures;
  if (o.json) {
    nlohmann::json doc = mood::figuresJson(f);
    doc["model"] = path;
    doc["regressor"] = mood::regressorName(model->config());
    doc["drop"] = f.distanceBefore > 0 ? 1.0 - f.distanceAfter / f.distanceBefore : 0.0;
    printJson(doc);
  } else {
    std::printf("%s (%s): %d ratings on %d base songs retrained in %.2f s (incl. %s CV, %d folds)\n", path.c_str(),
                mood::regressorName(model->config()).c_str(), f.ratings, f.baseSongs, f.seconds, f.cvScheme.c_str(),
                f.cvFolds);
    std::printf("rated songs' mean distance to their ratings: before %.4f, after %.4f (drop %.0f %%); held out %.4f\n",
                f.distanceBefore, f.distanceAfter, 100.0 * (1.0 - f.distanceAfter / f.distanceBefore), f.cvDistance);
  }
  return kExitOk;
}

}  // namespace

void addBenchRetrainCommand(CLI::App& root, CommandRunner& runner) {
  auto opts = std::make_shared<BenchRetrainOptions>();
  CLI::App* cmd = root.add_subcommand("bench-retrain", "Time retraining on N synthetic ratings of the model's base songs");
  cmd->add_option("--model", opts->model, "Model file (default: the shipped default)");
  cmd->add_option("--ratings", opts->ratings, "Number of ratings")->check(CLI::Range(1, 100000));
  cmd->add_option("--shift", opts->shift, "Distance of each rating from the prediction")->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--iterations", opts->iterations, "Deep GP: Adam steps of the refit")->check(CLI::Range(0, 1000000));
  cmd->add_option("--jobs", opts->jobs, "Threads for the cross-validation fits")->check(CLI::Range(1, 256));
  cmd->add_flag("--json", opts->json, "Print one JSON document to stdout");
  cmd->callback([opts, &runner] { runner.run = [opts] { return runBenchRetrain(*opts); }; });
}

}  // namespace mp::cli
