// `moodplane-cli query --region V0,A0,V1,A1 [--db FILE] [--k N] [--min-prob P] [--json]`:
// songs ranked by the probability that their mood lies in the rectangle (CLI.md). A song with a
// listener rating is placed at its rating; other songs use the model's predictive Gaussian.

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "core/library/library_store.h"
#include "core/library/region_query.h"

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

namespace mp::cli {
namespace {

struct QueryOptions {
  std::string region;
  std::string db;
  std::size_t k = 20;
  double minProbability = 1e-3;
  bool json = false;
  LibraryRecovery recovery;
};

int runQuery(const QueryOptions& opts) {
  auto region = library::parseRectRegion(opts.region);
  if (!region) {
    std::cerr << "moodplane-cli query: " << region.error().message << '\n';
    return kExitUsage;
  }
  const std::string dbPath = absolutePath(opts.db.empty() ? defaultDatabasePath() : opts.db);
  std::error_code ec;
  if (!std::filesystem::exists(dbPath, ec)) {
    std::cerr << "moodplane-cli query: no library database at " << dbPath << " (run `moodplane-cli index DIR` first)\n";
    return kExitFailed;
  }
  auto store = openLibrary(dbPath, "query", opts.recovery);
  if (!store) {
    std::cerr << "moodplane-cli query: " << store.error().message << '\n';
    return kExitFailed;
  }
  auto songs = (*store)->songs();
  if (!songs) {
    std::cerr << "moodplane-cli query: " << songs.error().message << '\n';
    return kExitFailed;
  }
  library::RegionQueryOptions q;
  q.k = opts.k;
  q.minProbability = opts.minProbability;
  const auto ranked = library::rankByRegion(*songs, *region, q);
  nlohmann::json out = nlohmann::json::array();
  if (!opts.json) std::printf("%-5s %-11s %-7s %-7s %-6s %-24s %-24s %s\n", "rank", "probability", "valence", "arousal", "source", "artist", "title", "path");
  int rank = 0;
  for (const auto& r : ranked) {
    const auto& s = *r.song;
    nlohmann::json item = {{"path", s.path},
                           {"title", s.tags.title},
                           {"artist", s.tags.artist},
                           {"valence", r.mood.valence},
                           {"arousal", r.mood.arousal},
                           {"probability", r.probability},
                           {"source", r.fromRating ? "rating" : "prediction"}};
    out.push_back(std::move(item));
    if (!opts.json) {
      std::printf("%-5d %-11.4f %-7.3f %-7.3f %-6s %-24.24s %-24.24s %s\n", ++rank, r.probability, r.mood.valence,
                  r.mood.arousal, r.fromRating ? "rating" : "model", s.tags.artist.c_str(), s.tags.title.c_str(),
                  s.path.c_str());
    }
  }
  if (opts.json) {
    printJson(out);
  } else if (ranked.empty()) {
    std::printf("(no song in that region)\n");
  }
  return kExitOk;
}

}  // namespace

void addQueryCommand(CLI::App& root, CommandRunner& runner) {
  auto opts = std::make_shared<QueryOptions>();
  CLI::App* cmd = root.add_subcommand("query", "List the songs most likely to lie in a valence-arousal rectangle");
  cmd->add_option("--region", opts->region, "Rectangle V0,A0,V1,A1 (valence/arousal in [0, 1])")->required();
  cmd->add_option("--db", opts->db, "Library database (default: the GUI's library)");
  cmd->add_option("--k", opts->k, "At most this many songs (0 = all; default 20)")->check(CLI::Range(0, 1000000));
  cmd->add_option("--min-prob", opts->minProbability, "Leave out songs below this probability (default 0.001)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_flag("--json", opts->json, "Print one JSON document to stdout");
  addLibraryRecoveryFlags(cmd, opts->recovery);
  cmd->callback([opts, &runner] { runner.run = [opts] { return runQuery(*opts); }; });
}

}  // namespace mp::cli
