// `moodplane-cli eval --audio DIR --labels CSV [--label-format 4q-va|pmemo|deam] [--folds 10]
//  [--models exact-gp,svgp,dgp2,dgp3] [--encodings global,lafv] [--json]`: the protocol of
// SCIENCE.md §6 (k-fold CV, UBM refitted inside every fold, gamma on 5 folds).

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "core/features/frame_analyzer.h"
#include "core/mood/dataset.h"
#include "core/mood/evaluation.h"
#include "core/mood/model_options.h"

#include <chrono>
#include <fstream>
#include <cstdio>
#include <iostream>
#include <sstream>

namespace mp::cli {
namespace {

struct EvalOptions {
  std::string audio, labels, labelFormat = "4q-va", models = "exact-gp,svgp,dgp2,dgp3", encodings = "global,lafv";
  std::string cacheDir, dumpFeatures;
  int folds = 10, gammaFolds = 5, jobs = 2;
  bool json = false;
  bool encodingsGiven = false;  ///< --encodings on the command line: the exact GP uses them too
  mood::ModelOptions model;
};

std::vector<std::string> splitList(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

// One row per song: id, quadrant, valence, arousal, then the song statistics of `groups`, so
// other learners can be tried on exactly the features the models see (no standardisation).
int dumpFeatures(const std::string& path, const mood::LabelledFeatures& data, unsigned groups) {
  std::ofstream out(path, std::ios::trunc);
  if (!out) {
    std::cerr << "moodplane-cli eval: cannot write " << path << '\n';
    return kExitFailed;
  }
  out << "id,quadrant,valence,arousal";
  for (const auto& name : mood::songStatisticsNames(features::FrameAnalyzer::lldNames(), groups)) out << ',' << name;
  out << '\n';
  out.precision(9);
  for (std::size_t i = 0; i < data.songs.size(); ++i) {
    std::string id = data.ids[i];
    if (id.find_first_of(",\"\r\n") != std::string::npos) {
      std::string quoted = "\"";
      for (char c : id) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
      id = quoted + '"';
    }
    const auto row = static_cast<Eigen::Index>(i);
    out << id << ',' << data.quadrants[i] << ',' << data.targets(row, 0) << ',' << data.targets(row, 1);
    const Vec v = mood::songStatistics(data.songs[i], groups);
    for (Eigen::Index j = 0; j < v.size(); ++j) out << ',' << v(j);
    out << '\n';
  }
  out.flush();
  if (!out) {
    std::cerr << "moodplane-cli eval: cannot write " << path << '\n';
    return kExitFailed;
  }
  std::cerr << "eval: wrote the " << mood::songStatsName(groups) << " statistics of " << data.songs.size()
            << " songs to " << path << '\n';
  return kExitOk;
}

nlohmann::json ms(const mood::MeanStd& m) { return {{"mean", m.mean}, {"std", m.std}}; }

int runEval(const EvalOptions& o) {
  auto log = [](const std::string& m) { std::cerr << "eval: " << m << '\n'; };
  auto fmt = mood::parseLabelFormat(o.labelFormat);
  if (!fmt) {
    std::cerr << "moodplane-cli eval: " << fmt.error().message << '\n';
    return kExitUsage;
  }
  auto base = o.model.toConfig();
  if (!base) {
    std::cerr << "moodplane-cli eval: " << base.error().message << '\n';
    return kExitUsage;
  }
  std::vector<mood::EvalSpec> specs;
  for (const auto& m : splitList(o.models)) {
    // exact-gp is the paper's LLD baseline: song-level LLD statistics, one exact GP per target;
    // with an explicit --encodings it runs on those instead (e.g. the Fisher vectors after PCA).
    const auto encs = m == "exact-gp" && !o.encodingsGiven ? std::vector<std::string>{"lld-stats"}
                                                           : splitList(o.encodings);
    for (const auto& e : encs) {
      auto spec = mood::makeSpec(m, e, *base);
      if (!spec) {
        std::cerr << "moodplane-cli eval: " << spec.error().message << '\n';
        return kExitUsage;
      }
      specs.push_back(std::move(*spec));
    }
  }
  if (specs.empty()) {
    std::cerr << "moodplane-cli eval: no models to evaluate\n";
    return kExitUsage;
  }
  const auto t0 = std::chrono::steady_clock::now();
  ThreadPool pool(static_cast<std::size_t>(std::max(1, o.jobs)));
  mood::FeatureCache cache(o.cacheDir.empty() ? mood::defaultFeatureCacheDir() : o.cacheDir);
  auto data = mood::loadLabelledFeatures(o.labels, *fmt, o.audio, base->frontEnd, cache, &pool, log);
  if (!data) {
    std::cerr << "moodplane-cli eval: " << data.error().message << '\n';
    return kExitFailed;
  }
  for (const auto& [what, why] : data->failed) log("skipped " + what + ": " + why);
  if (!o.dumpFeatures.empty()) return dumpFeatures(o.dumpFeatures, *data, base->songStats);
  mood::EvalConfig ec;
  ec.folds = o.folds;
  ec.gammaFolds = o.gammaFolds;
  ec.seed = o.model.seed;
  auto results = mood::evaluateModels(data->songs, data->targets, data->quadrants, specs, ec, &pool, nullptr, log);
  if (!results) {
    std::cerr << "moodplane-cli eval: " << results.error().message << '\n';
    return kExitFailed;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  nlohmann::json doc = {{"folds", o.folds},
                        {"gamma_folds", o.gammaFolds},
                        {"songs", data->songs.size()},
                        {"skipped", data->failed.size()},
                        {"labels", absolutePath(o.labels)},
                        {"audio", absolutePath(o.audio)},
                        {"seconds", seconds},
                        {"results", nlohmann::json::array()}};
  for (const auto& r : *results) {
    doc["results"].push_back({{"model", r.model},
                              {"encoding", r.encoding},
                              {"r2_valence", ms(r.r2Valence)},
                              {"r2_arousal", ms(r.r2Arousal)},
                              {"rmse_valence", ms(r.rmseValence)},
                              {"rmse_arousal", ms(r.rmseArousal)},
                              {"pearson_valence", ms(r.pearsonValence)},
                              {"pearson_arousal", ms(r.pearsonArousal)},
                              {"nlpd", ms(r.nlpd)},
                              {"coverage_1sd", r.coverage1.mean},
                              {"coverage_2sd", r.coverage2.mean},
                              {"coverage_1sd_folds", ms(r.coverage1)},
                              {"coverage_2sd_folds", ms(r.coverage2)},
                              {"gamma", ms(r.gamma)},
                              {"quadrant_f1", ms(r.quadrantF1)},
                              {"seconds", r.seconds}});
  }
  if (o.json) {
    printJson(doc);
  } else {
    std::printf("%-9s %-9s %-15s %-15s %-15s %-7s %-7s %-15s %-7s\n", "model", "encoding", "R2 valence", "R2 arousal",
                "quadrant F1", "cov1", "cov2", "gamma", "NLPD");
    for (const auto& r : *results) {
      std::printf("%-9s %-9s %.3f ± %.3f   %.3f ± %.3f   %.3f ± %.3f   %.3f   %.3f   %.3f ± %.3f   %.3f\n",
                  r.model.c_str(), r.encoding.c_str(), r.r2Valence.mean, r.r2Valence.std, r.r2Arousal.mean,
                  r.r2Arousal.std, r.quadrantF1.mean, r.quadrantF1.std, r.coverage1.mean, r.coverage2.mean,
                  r.gamma.mean, r.gamma.std, r.nlpd.mean);
    }
  }
  return kExitOk;
}

}  // namespace

/// Model options shared by train and eval (defined here, declared in cmd_train.cpp).
void addModelOptions(CLI::App& cmd, mood::ModelOptions& m) {
  cmd.add_option("--layers", m.layers, "DGP layers (1 = SVGP)")->check(CLI::Range(1, 10));
  cmd.add_option("--regressor", m.regressor, "dgp | exact-gp");
  cmd.add_option("--components", m.components, "UBM K_max")->check(CLI::Range(1, 1024));
  cmd.add_option("--ubm-iterations", m.ubmIterations, "VB-GMM iterations")->check(CLI::Range(1, 100000));
  cmd.add_option("--ubm-fraction", m.ubmFraction, "share of segments the UBM is fitted on")->check(CLI::Range(0.001, 1.0));
  cmd.add_option("--compact", m.compact, "compact (2K) Fisher vector (true/false)");
  cmd.add_option("--intra-normalize", m.intraNormalize, "LAFV intra-normalisation (true/false)");
  cmd.add_option("--pca", m.pca, "PCA dims on the encoding (0 = none)")->check(CLI::Range(0, 4096));
  cmd.add_option("--segment-norm", m.segmentNorm, "training | per-song");
  cmd.add_option("--iterations", m.iterations, "Adam steps")->check(CLI::Range(0, 1000000));
  cmd.add_option("--inducing", m.inducing, "inducing points")->check(CLI::Range(1, 5000));
  cmd.add_option("--batch-size", m.batchSize, "Adam minibatch size (0 = full batch)")->check(CLI::Range(0, 1000000));
  cmd.add_option("--inner-width", m.innerWidth, "inner layer width")->check(CLI::Range(0, 1000));
  cmd.add_option("--ard", m.ard, "one lengthscale per input dimension (true/false)");
  cmd.add_option("--validation", m.validationFraction, "early-stopping hold-out share")->check(CLI::Range(0.0, 0.5));
  cmd.add_option("--learning-rate", m.learningRate, "Adam learning rate")->check(CLI::PositiveNumber);
  cmd.add_option("--song-stats", m.songStats,
                 "lld-stats input groups: baseline (= mean,std), all, or a list of mean,std,between,within,"
                 "p10,p50,p90,change,rhythm,schange,change4,change16,harmony,mel,modulation,contrast");
  cmd.add_option("--calibration-folds", m.calibrationFolds,
                 "inner CV folds fitting the predictive covariance calibration on the training set (0 = off)")
      ->check(CLI::Range(0, 50));
  cmd.add_option("--seed", m.seed, "random seed");
}

void addEvalCommand(CLI::App& root, CommandRunner& runner) {
  auto opts = std::make_shared<EvalOptions>();
  CLI::App* cmd = root.add_subcommand("eval", "Cross-validated evaluation of mood models (SCIENCE.md §6)");
  cmd->add_option("--audio", opts->audio, "folder of the labelled audio")->required()->check(CLI::ExistingDirectory);
  cmd->add_option("--labels", opts->labels, "label CSV")->required()->check(CLI::ExistingFile);
  cmd->add_option("--label-format", opts->labelFormat, "4q-va | pmemo | deam");
  cmd->add_option("--folds", opts->folds, "CV folds")->check(CLI::Range(2, 100));
  cmd->add_option("--gamma-folds", opts->gammaFolds, "CV folds for Goodman-Kruskal gamma (0 = skip)")->check(CLI::Range(0, 100));
  cmd->add_option("--models", opts->models, "comma list: exact-gp, svgp, dgp2, dgp3");
  cmd->add_option("--encodings", opts->encodings,
                  "comma list: global, lafv, lld-stats (exact-gp uses lld-stats unless this is given)");
  cmd->add_option("--cache-dir", opts->cacheDir, "feature cache folder");
  cmd->add_option("--jobs", opts->jobs, "worker threads")->check(CLI::Range(1, 256));
  cmd->add_flag("--json", opts->json, "print JSON");
  cmd->add_option("--dump-features", opts->dumpFeatures,
                  "write the --song-stats features and labels of every song as CSV to this file, then stop "
                  "(no evaluation)");
  addModelOptions(*cmd, opts->model);
  cmd->callback([&runner, opts, cmd] {
    opts->encodingsGiven = cmd->count("--encodings") > 0;
    runner.run = [opts] { return runEval(*opts); };
  });
}

}  // namespace mp::cli
