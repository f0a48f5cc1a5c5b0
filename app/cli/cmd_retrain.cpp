// `moodplane-cli retrain [--db FILE] [--weight W] [--iterations N] [--folds K] [--no-cv] [--json]`:
// retrains the current model (yours, else the shipped default) on its base training set plus
// the library's ratings, commits it as your next model and re-predicts the library
// (core/mood/library_retrain.h). `moodplane-cli model list|rollback|reset` manages your models.

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "core/library/library_store.h"
#include "core/mood/library_retrain.h"
#include "core/mood/model_store.h"

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

namespace mp::cli {
namespace {

struct RetrainOptions {
  std::string db;
  mood::RetrainConfig config;
  bool noCv = false;
  int jobs = 2;
  bool json = false;
  LibraryRecovery recovery;
};

int runRetrain(const RetrainOptions& o) {
  mood::RetrainConfig config = o.config;
  config.crossValidate = !o.noCv;
  if (Status s = config.validate(); !s) {
    std::cerr << "moodplane-cli retrain: " << s.error().message << '\n';
    return kExitUsage;
  }
  const std::string dbPath = absolutePath(o.db.empty() ? defaultDatabasePath() : o.db);
  std::error_code ec;
  if (!std::filesystem::exists(dbPath, ec)) {
    std::cerr << "moodplane-cli retrain: no library database at " << dbPath << " (run `moodplane-cli index DIR` first)\n";
    return kExitFailed;
  }
  auto db = openLibrary(dbPath, "retrain", o.recovery);
  if (!db) {
    std::cerr << "moodplane-cli retrain: " << db.error().message << '\n';
    return kExitFailed;
  }
  mood::ModelStore models = userModelStore();
  ThreadPool pool(static_cast<std::size_t>(std::max(1, o.jobs)));
  auto progress = [](const Progress& p) { std::fprintf(stderr, "retrain: fit %zu/%zu done\n", p.done, p.total); };
  auto r = mood::retrainLibrary(**db, models, config, o.jobs > 1 ? &pool : nullptr, nullptr, progress);
  if (!r) {
    std::cerr << "moodplane-cli retrain: " << r.error().message << '\n';
    return kExitFailed;
  }
  refreshLibraryBackup(dbPath, "retrain");
  if (!r->warning.empty()) std::cerr << "moodplane-cli retrain: warning: " << r->warning << '\n';
  nlohmann::json skipped = nlohmann::json::array();
  for (const auto& [path, reason] : r->skipped) {
    skipped.push_back({{"path", path}, {"reason", reason}});
    std::cerr << "moodplane-cli retrain: skipped rating of " << path << ": " << reason << '\n';
  }
  const auto& f = r->figures;
  if (o.json) {
    nlohmann::json doc = mood::figuresJson(f);
    doc["model"] = r->model.path;
    doc["model_number"] = r->model.number;
    doc["parent"] = r->parentPath;
    doc["skipped"] = skipped;
    doc["repredicted"] = r->repredict.repredicted;
    doc["db"] = dbPath;
    printJson(doc);
  } else {
    std::printf("retrained on %d ratings + %d base songs in %.2f s -> %s\n", f.ratings, f.baseSongs, f.seconds,
                r->model.path.c_str());
    std::printf("mean distance of the rated songs to your ratings: before %.3f, after %.3f", f.distanceBefore,
                f.distanceAfter);
    if (f.cvScheme != "none") {
      std::printf("; held out (%s, %d folds) %.3f", f.cvScheme.c_str(), f.cvFolds, f.cvDistance);
    }
    std::printf("\nre-predicted %zu songs (%zu need `index`)\n", r->repredict.repredicted, r->repredict.skipped);
  }
  return kExitOk;
}

nlohmann::json modelJson(const mood::StoredModel& m) {
  nlohmann::json j = {{"number", m.number}, {"path", m.path}, {"current", m.current}};
  if (!m.problem.empty()) {
    j["problem"] = m.problem;
    return j;
  }
  for (const char* key : {"date_utc", "parent", "ratings_used", "regressor"}) {
    if (m.card.contains(key)) j[key] = m.card[key];
  }
  if (m.card.contains("figures")) j["figures"] = m.card["figures"];
  return j;
}

int runModelList(bool json) {
  mood::ModelStore models = userModelStore();
  auto list = models.list();
  if (!list) {
    std::cerr << "moodplane-cli model list: " << list.error().message << '\n';
    return kExitFailed;
  }
  const mood::ResolvedModel resolved = models.resolve();
  if (!resolved.warning.empty()) std::cerr << "moodplane-cli model list: warning: " << resolved.warning << '\n';
  if (json) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& m : *list) arr.push_back(modelJson(m));
    printJson({{"folder", absolutePath(models.folder())},
               {"default", absolutePath(models.defaultModelPath())},
               {"current", absolutePath(resolved.path)},
               {"current_number", resolved.number},
               {"models", arr}});
    return kExitOk;
  }
  std::printf("%s default  %s\n", resolved.userModel ? " " : "*", models.defaultModelPath().c_str());
  for (const auto& m : *list) {
    std::printf("%s %04d     %s", m.current && resolved.userModel ? "*" : " ", m.number, m.path.c_str());
    if (!m.problem.empty()) {
      std::printf("  (unreadable: %s)\n", m.problem.c_str());
      continue;
    }
    std::printf("  %s, parent %s, %s ratings", m.card.value("date_utc", std::string("?")).c_str(),
                m.card.contains("parent") ? m.card["parent"].dump().c_str() : "?",
                m.card.contains("ratings_used") ? m.card["ratings_used"].dump().c_str() : "?");
    if (m.card.contains("figures") && m.card["figures"].contains("cv_distance") &&
        m.card["figures"]["cv_distance"].is_number()) {
      std::printf(", held-out distance %.3f (before %.3f)", m.card["figures"]["cv_distance"].get<double>(),
                  m.card["figures"].value("distance_before", 0.0));
    }
    std::printf("\n");
  }
  return kExitOk;
}

int runModelChange(bool rollback, bool json) {
  mood::ModelStore models = userModelStore();
  const char* name = rollback ? "rollback" : "reset";
  int number = 0;
  if (rollback) {
    auto r = models.rollback();
    if (!r) {
      std::cerr << "moodplane-cli model rollback: " << r.error().message << '\n';
      return kExitFailed;
    }
    number = *r;
  } else if (Status s = models.resetToDefault(); !s) {
    std::cerr << "moodplane-cli model reset: " << s.error().message << '\n';
    return kExitFailed;
  }
  const std::string path = absolutePath(models.pathOf(number));
  if (json) {
    printJson({{"current", path}, {"current_number", number}});
  } else {
    std::printf("%s: current model is now %s\n", name, number == 0 ? "the shipped default" : path.c_str());
    std::printf("run `moodplane-cli index DIR` to re-place the library with it\n");
  }
  return kExitOk;
}

}  // namespace

void addRetrainCommand(CLI::App& root, CommandRunner& runner) {
  auto opts = std::make_shared<RetrainOptions>();
  CLI::App* cmd = root.add_subcommand("retrain", "Retrain the mood model on your ratings and re-place the library");
  cmd->add_option("--db", opts->db, "Library database (default: the GUI's library)");
  cmd->add_option("--weight", opts->config.ratingWeight, "How many base songs one rating counts as")
      ->check(CLI::Range(1e-3, 1e6));
  cmd->add_option("--iterations", opts->config.iterations, "Deep GP: Adam steps of the refit")
      ->check(CLI::Range(0, 1000000));
  cmd->add_option("--folds", opts->config.folds, "k of the k-fold check on your ratings")->check(CLI::Range(2, 1000));
  cmd->add_flag("--no-cv", opts->noCv, "Skip the cross-validated check on your ratings");
  cmd->add_option("--jobs", opts->jobs, "Threads for the cross-validation fits")->check(CLI::Range(1, 256));
  cmd->add_flag("--json", opts->json, "Print one JSON document to stdout");
  addLibraryRecoveryFlags(cmd, opts->recovery);
  cmd->callback([opts, &runner] { runner.run = [opts] { return runRetrain(*opts); }; });
}

void addModelCommand(CLI::App& root, CommandRunner& runner) {
  CLI::App* cmd = root.add_subcommand("model", "Your retrained models: list, roll back, reset to the default");
  cmd->require_subcommand(1);
  auto json = std::make_shared<bool>(false);
  CLI::App* list = cmd->add_subcommand("list", "List your models (* = current)");
  list->add_flag("--json", *json, "Print one JSON document to stdout");
  list->callback([json, &runner] { runner.run = [json] { return runModelList(*json); }; });
  CLI::App* rollback = cmd->add_subcommand("rollback", "Make the previous model current again");
  rollback->add_flag("--json", *json, "Print one JSON document to stdout");
  rollback->callback([json, &runner] { runner.run = [json] { return runModelChange(true, *json); }; });
  CLI::App* reset = cmd->add_subcommand("reset", "Make the shipped default model current (your models are kept)");
  reset->add_flag("--json", *json, "Print one JSON document to stdout");
  reset->callback([json, &runner] { runner.run = [json] { return runModelChange(false, *json); }; });
}

}  // namespace mp::cli
