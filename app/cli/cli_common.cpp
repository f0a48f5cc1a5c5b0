#include "app/cli/cli_common.h"

#include "core/common/install_paths.h"
#include "core/library/library_backup.h"

#include <cstdlib>
#include <filesystem>
#include <iostream>

namespace fs = std::filesystem;

namespace mp::cli {

void printJson(const nlohmann::json& doc) {
  std::cout << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

std::string absolutePath(const std::string& path) {
  std::error_code ec;
  fs::path abs = fs::absolute(path, ec);
  if (ec) return path;
  return abs.lexically_normal().string();
}

std::string defaultDataDir() {
  const fs::path dir = userDataDir();
  std::error_code ec;
  fs::create_directories(dir, ec);
  return dir.string();
}

std::string defaultDatabasePath() { return (fs::path(defaultDataDir()) / "library.sqlite").string(); }

std::string defaultModelPath() {
  return shippedDefaultModelPath(currentExecutableDir(), MOODPLANE_BUILD_RESOURCE_DIR).string();
}

void addLibraryRecoveryFlags(CLI::App* command, LibraryRecovery& recovery) {
  CLI::Option* restore = command->add_flag(
      "--restore-backup", recovery.restoreBackup,
      "If the library database is damaged: move it aside and restore its backup (<db>.bak)");
  CLI::Option* fresh = command->add_flag(
      "--new-library", recovery.newLibrary,
      "If the library database is damaged: move it aside and start an empty library");
  restore->excludes(fresh);
}

Result<std::unique_ptr<library::LibraryStore>> openLibrary(const std::string& dbPath, const std::string& command,
                                                           const LibraryRecovery& recovery) {
  auto store = library::LibraryStore::open(dbPath);
  if (store) return store;
  const library::DatabaseCheck check = library::checkLibraryDatabase(dbPath);
  if (check.health != library::DatabaseHealth::Damaged) return store.error();

  const std::string backup = library::backupPathFor(dbPath);
  const bool haveBackup = library::checkLibraryDatabase(backup).health == library::DatabaseHealth::Healthy;
  if (!recovery.restoreBackup && !recovery.newLibrary) {
    std::string msg = "the library database " + dbPath + " is damaged (" + check.reason +
                      "); nothing was changed. Run again with\n";
    if (haveBackup) {
      msg += "  --restore-backup  to restore the last backup (" + backup + "), or\n";
    } else {
      msg += "  (there is no usable backup at " + backup + ")\n";
    }
    msg += "  --new-library     to start an empty library;\n"
           "either way the damaged file is kept beside it as " + dbPath + ".corrupt-<time>";
    return fail(msg);
  }
  auto aside = recovery.restoreBackup ? library::restoreLibraryBackup(dbPath) : library::startNewLibrary(dbPath);
  if (!aside) return fail("cannot recover " + dbPath + ": " + aside.error().message);
  std::cerr << "moodplane-cli " << command << ": the damaged library was moved to " << *aside << "; "
            << (recovery.restoreBackup ? "restored the backup " + backup : std::string("started a new library"))
            << '\n';
  return library::LibraryStore::open(dbPath);
}

void refreshLibraryBackup(const std::string& dbPath, const std::string& command) {
  if (Status s = library::backupLibrary(dbPath); !s) {
    std::cerr << "moodplane-cli " << command << ": warning: " << s.error().message << '\n';
  }
}

mood::ModelStore userModelStore() { return mood::ModelStore(mood::ModelStore::defaultFolder(), defaultModelPath()); }

std::string resolveModelPath(const std::string& explicitModel, const std::string& command) {
  if (!explicitModel.empty()) return absolutePath(explicitModel);
  const mood::ResolvedModel r = userModelStore().resolve();
  if (!r.warning.empty()) std::cerr << "moodplane-cli " << command << ": warning: " << r.warning << '\n';
  return r.path;
}

}  // namespace mp::cli
