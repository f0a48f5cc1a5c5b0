// `moodplane-cli index DIR… [--db FILE] [--jobs N] [--model MODEL] [--tags-only] [--json]`:
// incremental library scan into the database (CLI.md). Unchanged files are skipped by
// path+size+mtime, moved files keep their analysis and rating, deleted files are dropped.
// The mood model is --model, else the default model; when no model file exists at all the scan
// records tags, duration and codec only (songs stay "pending") and says so on stderr.
// After a complete scan the database is backed up to <db>.bak; a damaged database is reported
// with its ways out (--restore-backup / --new-library, see cli_common.h).

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "core/audio/tags.h"
#include "core/library/library_store.h"
#include "core/library/scanner.h"
#include "core/library/tags_only_analyzer.h"
#include "core/mood/mood_analyzer.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace mp::cli {
namespace {

struct IndexOptions {
  std::vector<std::string> dirs;
  std::string db;
  std::string model;
  int jobs = 0;
  bool tagsOnly = false;
  bool json = false;
  LibraryRecovery recovery;
};

int runIndex(const IndexOptions& opts) {
  std::unique_ptr<library::SongAnalyzer> analyzer;
  std::string modelPath;
  if (opts.tagsOnly) {
    analyzer = std::make_unique<library::TagsOnlyAnalyzer>();
  } else {
    modelPath = resolveModelPath(opts.model, "index");
    std::error_code ec;
    if (opts.model.empty() && !std::filesystem::exists(modelPath, ec)) {
      std::cerr << "moodplane-cli index: no mood model at " << modelPath
                << "; recording tags only (songs stay pending until a model is available)\n";
      analyzer = std::make_unique<library::TagsOnlyAnalyzer>();
      modelPath.clear();
    } else {
      auto loaded = mood::loadMoodAnalyzer(modelPath);
      if (!loaded) {
        std::cerr << "moodplane-cli index: " << loaded.error().message << '\n';
        return kExitFailed;
      }
      analyzer = std::move(*loaded);
    }
  }
  const std::string dbPath = absolutePath(opts.db.empty() ? defaultDatabasePath() : opts.db);
  auto store = openLibrary(dbPath, "index", opts.recovery);
  if (!store) {
    std::cerr << "moodplane-cli index: " << store.error().message << '\n';
    return kExitFailed;
  }
  std::vector<std::string> roots;
  for (const auto& d : opts.dirs) roots.push_back(absolutePath(d));

  library::ScanOptions scan;
  scan.jobs = opts.jobs;
  scan.tagReader = [](const std::string& path) { return audio::readTags(path); };
  auto lastLine = std::chrono::steady_clock::now();
  auto progress = [&](const library::ScanProgress& p) {
    const auto now = std::chrono::steady_clock::now();
    if (now - lastLine < std::chrono::seconds(1) && p.done != p.total) return;
    lastLine = now;
    std::fprintf(stderr, "[%zu/%zu] %.1f songs/s, ETA %.0f s  %s\n", p.done, p.total, p.songsPerSecond,
                 p.etaSeconds, p.currentFile.c_str());
  };
  auto report = library::scanLibrary(**store, roots, *analyzer, scan, nullptr, progress);
  if (!report) {
    const std::string& msg = report.error().message;
    std::cerr << "moodplane-cli index: " << msg << '\n';
    if (msg.find("disk is full") != std::string::npos || msg.find("disk I/O error") != std::string::npos) {
      std::cerr << "moodplane-cli index: cannot write the library database " << dbPath
                << ": is the disk full? Everything saved before this batch is kept; run the scan again "
                   "once there is space.\n";
    }
    return kExitFailed;
  }
  if (!report->cancelled) refreshLibraryBackup(dbPath, "index");
  nlohmann::json failed = nlohmann::json::array();
  for (const auto& [path, reason] : report->failed) failed.push_back({{"path", path}, {"reason", reason}});
  if (opts.json) {
    printJson({{"files", report->files},
               {"analysed", report->analysed},
               {"unchanged", report->unchanged},
               {"moved", report->moved},
               {"removed", report->removed},
               {"failed", failed},
               {"seconds", report->seconds},
               {"cancelled", report->cancelled},
               {"db", dbPath},
               {"model", modelPath.empty() ? nlohmann::json(nullptr) : nlohmann::json(modelPath)},
               {"analyzer_version", analyzer->version()}});
  } else {
    std::printf("%zu files: %zu analysed, %zu unchanged, %zu moved, %zu removed, %zu failed in %.2f s\n",
                report->files, report->analysed, report->unchanged, report->moved, report->removed,
                report->failed.size(), report->seconds);
    for (const auto& [path, reason] : report->failed) std::printf("  failed: %s: %s\n", path.c_str(), reason.c_str());
    std::printf("database: %s\n", dbPath.c_str());
  }
  return report->failed.empty() && !report->cancelled ? kExitOk : kExitFailed;
}

}  // namespace

void addIndexCommand(CLI::App& root, CommandRunner& runner) {
  auto opts = std::make_shared<IndexOptions>();
  CLI::App* cmd = root.add_subcommand("index", "Scan music folders into the library database (incremental)");
  cmd->add_option("dirs", opts->dirs, "Music folders")->required();
  cmd->add_option("--db", opts->db, "Library database (default: the GUI's library)");
  cmd->add_option("--jobs", opts->jobs, "Analysis threads (0 = all cores)")->check(CLI::Range(0, 1024));
  cmd->add_option("--model", opts->model, "Mood model file (default: your current retrained model, else the shipped one)");
  cmd->add_flag("--tags-only", opts->tagsOnly, "Record tags, duration and codec only (no mood model)");
  cmd->add_flag("--json", opts->json, "Print one JSON document to stdout");
  addLibraryRecoveryFlags(cmd, opts->recovery);
  cmd->callback([opts, &runner] { runner.run = [opts] { return runIndex(*opts); }; });
}

}  // namespace mp::cli
