#pragma once
// Shared plumbing for moodplane-cli commands: JSON output, absolute paths, default locations.

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

}  // namespace mp::cli
