// `moodplane-cli train --audio DIR --labels CSV [--label-format 4q-va|pmemo|deam] --out MODEL
//  [--layers L] [--encoding lafv|global] [--cv-folds N] [--json]`: fits the UBM, the encoder and
// the regressor on every labelled song and writes one model file with its provenance card
// (also written next to it as MODEL.card.json when --card is given).

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "core/mood/dataset.h"
#include "core/mood/evaluation.h"
#include "core/mood/model_options.h"

#include <chrono>
#include <ctime>
#include <fstream>
#include <iostream>

namespace mp::cli {

void addModelOptions(CLI::App& cmd, mood::ModelOptions& m);  // cmd_eval.cpp

namespace {

struct TrainOptions {
  std::string audio, labels, labelFormat = "4q-va", out, cacheDir, cardOut;
  int cvFolds = 0, jobs = 2;
  bool json = false;
  mood::ModelOptions model;
};

std::string utcNow() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

nlohmann::json ms(const mood::MeanStd& m) { return {{"mean", m.mean}, {"std", m.std}}; }

int runTrain(const TrainOptions& o) {
  auto log = [](const std::string& m) { std::cerr << "train: " << m << '\n'; };
  auto fmt = mood::parseLabelFormat(o.labelFormat);
  if (!fmt) {
    std::cerr << "moodplane-cli train: " << fmt.error().message << '\n';
    return kExitUsage;
  }
  auto config = o.model.toConfig();
  if (!config) {
    std::cerr << "moodplane-cli train: " << config.error().message << '\n';
    return kExitUsage;
  }
  const auto t0 = std::chrono::steady_clock::now();
  ThreadPool pool(static_cast<std::size_t>(std::max(1, o.jobs)));
  mood::FeatureCache cache(o.cacheDir.empty() ? mood::defaultFeatureCacheDir() : o.cacheDir);
  auto data = mood::loadLabelledFeatures(o.labels, *fmt, o.audio, config->frontEnd, cache, &pool, log);
  if (!data) {
    std::cerr << "moodplane-cli train: " << data.error().message << '\n';
    return kExitFailed;
  }
  for (const auto& [what, why] : data->failed) log("skipped " + what + ": " + why);
  const auto& mo = o.model;
  std::string commandLine = "moodplane-cli train --audio " + absolutePath(o.audio) + " --labels " +
                            absolutePath(o.labels) + " --label-format " + o.labelFormat + " --out " +
                            absolutePath(o.out) + " --regressor " + mo.regressor + " --layers " +
                            std::to_string(mo.layers) + " --encoding " + mo.encoding + " --components " +
                            std::to_string(mo.components) + " --compact " + (mo.compact ? "true" : "false") +
                            " --pca " + std::to_string(mo.pca) + " --segment-norm " + mo.segmentNorm +
                            " --iterations " + std::to_string(mo.iterations) + " --inducing " +
                            std::to_string(mo.inducing) + " --batch-size " + std::to_string(mo.batchSize) + " --ard " + (mo.ard ? "true" : "false") +
                            " --validation " + std::to_string(mo.validationFraction) + " --song-stats " +
                            mo.songStats + " --calibration-folds " + std::to_string(mo.calibrationFolds) + " --seed " +
                            std::to_string(mo.seed) + " --cv-folds " + std::to_string(o.cvFolds);
  const std::string modelName = o.model.regressor == "exact-gp" ? "exact-gp"
                                : o.model.layers == 1          ? "svgp"
                                                               : "dgp" + std::to_string(o.model.layers);
  nlohmann::json card = {
      {"format", "moodplane-model-card/1"},
      {"created_utc", utcNow()},
      {"moodplane_version", MOODPLANE_VERSION},
      {"command", commandLine},
      {"data",
       {{"labels", absolutePath(o.labels)},
        {"label_format", o.labelFormat},
        {"audio", absolutePath(o.audio)},
        {"songs", data->songs.size()},
        {"skipped", data->failed.size()}}},
      {"model",
       {{"regressor", modelName},
        {"encoding", o.model.encoding},
        {"compact", o.model.compact},
        {"intra_normalize", o.model.intraNormalize},
        {"pca", o.model.pca},
        {"segment_norm", o.model.segmentNorm},
        {"ubm_k_max", o.model.components},
        {"iterations", o.model.iterations},
        {"inducing", o.model.inducing},
        {"inner_width", o.model.innerWidth},
        {"ard", o.model.ard},
        {"song_stats", o.model.songStats},
        {"calibration_folds", o.model.calibrationFolds},
        {"seed", o.model.seed},
        {"frontend", config->frontEnd.fingerprint()}}},
      {"cross_validation", nullptr}};
  if (o.cvFolds >= 2) {
    auto spec = mood::makeSpec(modelName, o.model.encoding, *config);
    if (!spec) {
      std::cerr << "moodplane-cli train: " << spec.error().message << '\n';
      return kExitUsage;
    }
    mood::EvalConfig ec;
    ec.folds = o.cvFolds;
    ec.gammaFolds = o.cvFolds;  // γ on the same folds (no extra training)
    ec.seed = o.model.seed;
    auto r = mood::evaluateModels(data->songs, data->targets, data->quadrants, {*spec}, ec, &pool, nullptr, log);
    if (!r) {
      std::cerr << "moodplane-cli train: cross-validation failed: " << r.error().message << '\n';
      return kExitFailed;
    }
    const auto& e = r->front();
    card["cross_validation"] = {{"folds", o.cvFolds},
                                {"seed", o.model.seed},
                                {"r2_valence", ms(e.r2Valence)},
                                {"r2_arousal", ms(e.r2Arousal)},
                                {"rmse_valence", ms(e.rmseValence)},
                                {"rmse_arousal", ms(e.rmseArousal)},
                                {"nlpd", ms(e.nlpd)},
                                {"coverage_1sd", e.coverage1.mean},
                                {"coverage_2sd", e.coverage2.mean},
                                {"gamma_same_folds", ms(e.gamma)},
                                {"quadrant_f1", ms(e.quadrantF1)}};
  }
  std::vector<const mood::SongSegments*> songs;
  for (const auto& s : data->songs) songs.push_back(&s);
  auto model = mood::MoodModel::train(songs, data->targets, *config, &pool, nullptr, nullptr, log);
  if (!model) {
    std::cerr << "moodplane-cli train: " << model.error().message << '\n';
    return kExitFailed;
  }
  card["ubm_components"] = model->ubmComponents();
  card["input_dims"] = model->encoder().inputDim();
  if (model->calibration().fitted) {
    card["calibration"] = {{"valence_variance_scale", model->calibration().valenceScale},
                           {"arousal_variance_scale", model->calibration().arousalScale},
                           {"correlation", model->calibration().correlation}};
  }
  model->setCard(card.dump());
  const std::string outPath = absolutePath(o.out);
  if (auto st = model->save(outPath); !st) {
    std::cerr << "moodplane-cli train: cannot write " << outPath << ": " << st.error().message << '\n';
    return kExitFailed;
  }
  if (!o.cardOut.empty()) {
    std::ofstream c(o.cardOut);
    c << card.dump(2) << '\n';
    if (!c) {
      std::cerr << "moodplane-cli train: cannot write " << o.cardOut << '\n';
      return kExitFailed;
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  nlohmann::json doc = {{"model", outPath}, {"songs", data->songs.size()}, {"seconds", seconds}, {"card", card}};
  if (o.json) {
    printJson(doc);
  } else {
    std::cout << "wrote " << outPath << " (" << data->songs.size() << " songs, " << seconds << " s)\n";
  }
  return kExitOk;
}

}  // namespace

void addTrainCommand(CLI::App& root, CommandRunner& runner) {
  auto opts = std::make_shared<TrainOptions>();
  CLI::App* cmd = root.add_subcommand("train", "Train a mood model on labelled audio");
  cmd->add_option("--audio", opts->audio, "folder of the labelled audio")->required()->check(CLI::ExistingDirectory);
  cmd->add_option("--labels", opts->labels, "label CSV")->required()->check(CLI::ExistingFile);
  cmd->add_option("--label-format", opts->labelFormat, "4q-va | pmemo | deam");
  cmd->add_option("--out", opts->out, "model file to write")->required();
  cmd->add_option("--encoding", opts->model.encoding, "lafv | global | lld-stats");
  cmd->add_option("--cv-folds", opts->cvFolds, "cross-validate first and store the metrics in the card (0 = skip)")
      ->check(CLI::Range(0, 100));
  cmd->add_option("--card", opts->cardOut, "also write the provenance card to this JSON file");
  cmd->add_option("--cache-dir", opts->cacheDir, "feature cache folder");
  cmd->add_option("--jobs", opts->jobs, "worker threads")->check(CLI::Range(1, 256));
  cmd->add_flag("--json", opts->json, "print JSON");
  addModelOptions(*cmd, opts->model);
  cmd->callback([&runner, opts] { runner.run = [opts] { return runTrain(*opts); }; });
}

}  // namespace mp::cli
