#pragma once
// Shared plumbing for moodplane-cli commands: JSON output, absolute paths, default locations.

#include "core/common/result.h"
#include "core/library/library_store.h"
#include "core/mood/model_store.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>

namespace mp::cli {

/// Print one JSON document to stdout (the --json contract: one document per invocation).
void printJson(const nlohmann::json& doc);

/// Absolute, lexically normalised form of `path` (CLI.md: paths in JSON are absolute).
std::string absolutePath(const std::string& path);

/// $XDG_DATA_HOME/moodplane (or ~/.local/share/moodplane), created on demand.
std::string defaultDataDir();

/// The library database the GUI uses: defaultDataDir()/library.sqlite.
std::string defaultDatabasePath();

/// The shipped default model (mp::shippedDefaultModelPath): $MOODPLANE_DEFAULT_MODEL, else the
/// installed copy relative to this executable (../share/moodplane), else the source tree.
std::string defaultModelPath();

/// The ways out of a damaged library database (--restore-backup / --new-library).
struct LibraryRecovery {
  bool restoreBackup = false;
  bool newLibrary = false;
};

/// Adds --restore-backup and --new-library (mutually exclusive) to a command using the library.
void addLibraryRecoveryFlags(CLI::App* command, LibraryRecovery& recovery);

/// Opens the library database for `command`. When the file is damaged: without a recovery flag,
/// an error naming the file, what is wrong and both ways out (nothing is changed); with one, the
/// damaged file is moved aside (never deleted), the backup restored or a new library started,
/// and the result opened. Other failures are returned as LibraryStore::open reports them.
Result<std::unique_ptr<library::LibraryStore>> openLibrary(const std::string& dbPath, const std::string& command,
                                                           const LibraryRecovery& recovery);

/// Refreshes <db>.bak after a successful session; a failure is a warning on stderr, not an error.
void refreshLibraryBackup(const std::string& dbPath, const std::string& command);
/// The listener's model store: ModelStore::defaultFolder() with the shipped default model.
mood::ModelStore userModelStore();

/// The model file a command loads: `explicitModel` when given, else the listener's current model
/// if it loads, else the shipped default (ModelStore::resolve; its warning goes to stderr,
/// prefixed by `command`).
std::string resolveModelPath(const std::string& explicitModel, const std::string& command);

}  // namespace mp::cli
