#pragma once
// Shared plumbing for moodplane-cli commands: JSON output, absolute paths, default locations.

#include "core/mood/model_store.h"

#include <nlohmann/json.hpp>

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

/// The listener's model store: ModelStore::defaultFolder() with the shipped default model.
mood::ModelStore userModelStore();

/// The model file a command loads: `explicitModel` when given, else the listener's current model
/// if it loads, else the shipped default (ModelStore::resolve; its warning goes to stderr,
/// prefixed by `command`).
std::string resolveModelPath(const std::string& explicitModel, const std::string& command);

}  // namespace mp::cli
