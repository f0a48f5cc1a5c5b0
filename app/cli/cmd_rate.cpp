// `moodplane-cli rate PATH --valence V --arousal A [--db FILE] [--json]`: stores the listener's own
// placement of a song (CLI.md). The rating is committed at once and survives moves, rescans
// and re-analysis (it is keyed by the song's content hash and path), then backed up to <db>.bak.

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "core/library/library_store.h"

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

namespace mp::cli {
namespace {

struct RateOptions {
  std::string path;
  std::string db;
  double valence = 0.5;
  double arousal = 0.5;
  bool json = false;
  LibraryRecovery recovery;
};

int runRate(const RateOptions& opts) {
  const std::string dbPath = absolutePath(opts.db.empty() ? defaultDatabasePath() : opts.db);
  std::error_code ec;
  if (!std::filesystem::exists(dbPath, ec)) {
    std::cerr << "moodplane-cli rate: no library database at " << dbPath << " (run `moodplane-cli index DIR` first)\n";
    return kExitFailed;
  }
  auto store = openLibrary(dbPath, "rate", opts.recovery);
  if (!store) {
    std::cerr << "moodplane-cli rate: " << store.error().message << '\n';
    return kExitFailed;
  }
  const std::string path = absolutePath(opts.path);
  auto song = (*store)->songByPath(path);
  if (!song) {
    std::cerr << "moodplane-cli rate: " << song.error().message << '\n';
    return kExitFailed;
  }
  if (!song->has_value()) {
    std::cerr << "moodplane-cli rate: " << path << " is not in the library " << dbPath << '\n';
    return kExitFailed;
  }
  if (Status s = (*store)->setRating(path, opts.valence, opts.arousal); !s) {
    std::cerr << "moodplane-cli rate: " << s.error().message << '\n';
    return kExitFailed;
  }
  refreshLibraryBackup(dbPath, "rate");
  if (opts.json) {
    printJson({{"path", path}, {"valence", opts.valence}, {"arousal", opts.arousal}});
  } else {
    std::printf("rated %s: valence %.3f, arousal %.3f\n", path.c_str(), opts.valence, opts.arousal);
  }
  return kExitOk;
}

}  // namespace

void addRateCommand(CLI::App& root, CommandRunner& runner) {
  auto opts = std::make_shared<RateOptions>();
  CLI::App* cmd = root.add_subcommand("rate", "Store your own valence/arousal for a song in the library");
  cmd->add_option("path", opts->path, "The song's file")->required();
  cmd->add_option("--valence", opts->valence, "Valence in [0, 1] (0 negative, 1 positive)")
      ->required()
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--arousal", opts->arousal, "Arousal in [0, 1] (0 calm, 1 energetic)")
      ->required()
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--db", opts->db, "Library database (default: the GUI's library)");
  cmd->add_flag("--json", opts->json, "Print one JSON document to stdout");
  addLibraryRecoveryFlags(cmd, opts->recovery);
  cmd->callback([opts, &runner] { runner.run = [opts] { return runRate(*opts); }; });
}

}  // namespace mp::cli
