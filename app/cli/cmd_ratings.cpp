// `moodplane-cli ratings export --out CSV [--db FILE] [--json]` and
// `moodplane-cli ratings import CSV [--db FILE] [--json]`: the listener's ratings as CSV
// (core/library/ratings_csv.h). Import reports every bad line and exits 1 when any line failed
// (the good ones are stored).

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "core/library/library_store.h"
#include "core/library/ratings_csv.h"

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

namespace mp::cli {
namespace {

struct RatingsOptions {
  std::string db;
  std::string csv;
  bool json = false;
  LibraryRecovery recovery;
};

/// The existing library (never creates one), with the damaged-database ways out of openLibrary.
Result<std::unique_ptr<library::LibraryStore>> openExisting(const RatingsOptions& o, const std::string& command,
                                                            std::string& dbPath) {
  dbPath = absolutePath(o.db.empty() ? defaultDatabasePath() : o.db);
  std::error_code ec;
  if (!std::filesystem::exists(dbPath, ec)) {
    return fail("no library database at " + dbPath + " (run `moodplane-cli index DIR` first)");
  }
  return openLibrary(dbPath, command, o.recovery);
}

int runExport(const RatingsOptions& o) {
  std::string dbPath;
  auto db = openExisting(o, "ratings export", dbPath);
  if (!db) {
    std::cerr << "moodplane-cli ratings export: " << db.error().message << '\n';
    return kExitFailed;
  }
  const std::string out = absolutePath(o.csv);
  auto n = library::exportRatingsCsv(**db, out);
  if (!n) {
    std::cerr << "moodplane-cli ratings export: " << n.error().message << '\n';
    return kExitFailed;
  }
  if (o.json) {
    printJson({{"out", out}, {"ratings", *n}, {"db", dbPath}});
  } else {
    std::printf("exported %zu ratings to %s\n", *n, out.c_str());
  }
  return kExitOk;
}

int runImport(const RatingsOptions& o) {
  std::string dbPath;
  auto db = openExisting(o, "ratings import", dbPath);
  if (!db) {
    std::cerr << "moodplane-cli ratings import: " << db.error().message << '\n';
    return kExitFailed;
  }
  const std::string in = absolutePath(o.csv);
  auto r = library::importRatingsCsv(**db, in);
  if (!r) {
    std::cerr << "moodplane-cli ratings import: " << r.error().message << '\n';
    return kExitFailed;
  }
  if (r->imported > 0) refreshLibraryBackup(dbPath, "ratings import");
  nlohmann::json problems = nlohmann::json::array();
  for (const auto& p : r->problems) {
    problems.push_back({{"line", p.line}, {"message", p.message}});
    std::cerr << in << ":" << p.line << ": " << p.message << '\n';
  }
  if (o.json) {
    printJson({{"csv", in},
               {"rows", r->rows},
               {"imported", r->imported},
               {"songs_rated", r->songsRated},
               {"by_path", r->byPath},
               {"by_tags", r->byTags},
               {"problems", problems},
               {"db", dbPath}});
  } else {
    std::printf("imported %zu of %zu rows (%zu by path, %zu by artist+title; %zu songs rated), %zu problems\n",
                r->imported, r->rows, r->byPath, r->byTags, r->songsRated, r->problems.size());
  }
  return r->problems.empty() ? kExitOk : kExitFailed;
}

}  // namespace

void addRatingsCommand(CLI::App& root, CommandRunner& runner) {
  CLI::App* cmd = root.add_subcommand("ratings", "Export or import your ratings as CSV (path,title,artist,valence,arousal)");
  cmd->require_subcommand(1);
  auto exp = std::make_shared<RatingsOptions>();
  CLI::App* e = cmd->add_subcommand("export", "Write every rated song of the library to a CSV file");
  e->add_option("--out", exp->csv, "CSV file to write")->required();
  e->add_option("--db", exp->db, "Library database (default: the GUI's library)");
  e->add_flag("--json", exp->json, "Print one JSON document to stdout");
  addLibraryRecoveryFlags(e, exp->recovery);
  e->callback([exp, &runner] { runner.run = [exp] { return runExport(*exp); }; });
  auto imp = std::make_shared<RatingsOptions>();
  CLI::App* i = cmd->add_subcommand("import", "Rate library songs from a CSV file (matched by path, else artist+title)");
  i->add_option("csv", imp->csv, "CSV file to read")->required();
  i->add_option("--db", imp->db, "Library database (default: the GUI's library)");
  i->add_flag("--json", imp->json, "Print one JSON document to stdout");
  addLibraryRecoveryFlags(i, imp->recovery);
  i->callback([imp, &runner] { runner.run = [imp] { return runImport(*imp); }; });
}

}  // namespace mp::cli
