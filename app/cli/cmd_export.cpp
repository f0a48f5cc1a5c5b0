// `moodplane-cli export --region V0,A0,V1,A1 --format m3u|xspf --out FILE [--db FILE] [--k N]
// [--min-prob P] [--json]`: writes the songs of a region as a playlist, most likely first (CLI.md).

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "core/library/library_store.h"
#include "core/library/playlist_io.h"
#include "core/library/region_query.h"

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

namespace mp::cli {
namespace {

struct ExportOptions {
  std::string region;
  std::string format;
  std::string out;
  std::string db;
  std::size_t k = 0;
  double minProbability = 0.5;
  bool json = false;
  LibraryRecovery recovery;
};

int runExport(const ExportOptions& opts) {
  auto region = library::parseRectRegion(opts.region);
  if (!region) {
    std::cerr << "moodplane-cli export: " << region.error().message << '\n';
    return kExitUsage;
  }
  auto format = library::parsePlaylistFormat(opts.format);
  if (!format) {
    std::cerr << "moodplane-cli export: " << format.error().message << '\n';
    return kExitUsage;
  }
  const std::string dbPath = absolutePath(opts.db.empty() ? defaultDatabasePath() : opts.db);
  std::error_code ec;
  if (!std::filesystem::exists(dbPath, ec)) {
    std::cerr << "moodplane-cli export: no library database at " << dbPath << " (run `moodplane-cli index DIR` first)\n";
    return kExitFailed;
  }
  auto store = openLibrary(dbPath, "export", opts.recovery);
  if (!store) {
    std::cerr << "moodplane-cli export: " << store.error().message << '\n';
    return kExitFailed;
  }
  auto songs = (*store)->songs();
  if (!songs) {
    std::cerr << "moodplane-cli export: " << songs.error().message << '\n';
    return kExitFailed;
  }
  library::RegionQueryOptions q;
  q.k = opts.k;
  q.minProbability = opts.minProbability;
  const auto ranked = library::rankByRegion(*songs, *region, q);
  std::vector<library::PlaylistTrack> tracks;
  for (const auto& r : ranked) {
    const auto& s = *r.song;
    tracks.push_back({s.path, s.tags.artist, s.tags.title, s.tags.album, s.durationSeconds});
  }
  const std::string out = absolutePath(opts.out);
  char title[160];
  std::snprintf(title, sizeof title, "Moodplane: valence %.2f-%.2f, arousal %.2f-%.2f",
                std::min(region->v0, region->v1), std::max(region->v0, region->v1),
                std::min(region->a0, region->a1), std::max(region->a0, region->a1));
  if (Status s = library::savePlaylistFile(out, tracks, *format, title); !s) {
    std::cerr << "moodplane-cli export: " << s.error().message << '\n';
    return kExitFailed;
  }
  if (opts.json) {
    printJson({{"out", out}, {"tracks", tracks.size()}});
  } else {
    std::printf("wrote %zu tracks to %s\n", tracks.size(), out.c_str());
  }
  return kExitOk;
}

}  // namespace

void addExportCommand(CLI::App& root, CommandRunner& runner) {
  auto opts = std::make_shared<ExportOptions>();
  CLI::App* cmd = root.add_subcommand("export", "Write the songs of a valence-arousal rectangle as a playlist");
  cmd->add_option("--region", opts->region, "Rectangle V0,A0,V1,A1 (valence/arousal in [0, 1])")->required();
  cmd->add_option("--format", opts->format, "Playlist format")->required()->check(CLI::IsMember({"m3u", "xspf"}));
  cmd->add_option("--out", opts->out, "Playlist file to write")->required();
  cmd->add_option("--db", opts->db, "Library database (default: the GUI's library)");
  cmd->add_option("--k", opts->k, "At most this many songs (0 = all, the default)")->check(CLI::Range(0, 1000000));
  cmd->add_option("--min-prob", opts->minProbability,
                  "Only songs at least this likely to lie in the region (default 0.5)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_flag("--json", opts->json, "Print one JSON document to stdout");
  addLibraryRecoveryFlags(cmd, opts->recovery);
  cmd->callback([opts, &runner] { runner.run = [opts] { return runExport(*opts); }; });
}

}  // namespace mp::cli
