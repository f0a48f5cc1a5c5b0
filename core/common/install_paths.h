#pragma once
// Where the files shipped with Moodplane live, for an installed package and for a developer build.

#include <filesystem>

namespace mp {

/// Moodplane's per-user data folder (library database, the listener's models):
/// $XDG_DATA_HOME/moodplane, else ~/.local/share/moodplane, else <temp>/moodplane. Not created.
std::filesystem::path userDataDir();

/// Folder of the running executable (from /proc/self/exe); empty if it cannot be read.
std::filesystem::path currentExecutableDir();

/// The shipped default mood model. Searched in order:
///   1. $MOODPLANE_DEFAULT_MODEL when set and non-empty (returned even if missing, so the
///      error names the file the user asked for);
///   2. <executableDir>/../share/moodplane/default.mpmodel, the installed copy whatever the
///      prefix (/usr, /usr/local, a staging directory);
///   3. <sourceResourceDir>/models/default.mpmodel, the source tree of a developer build.
/// When none exists, the installed location of step 2 (or of step 3 without an executable dir).
/// An explicit --model option is the caller's business and comes before all of these.
std::filesystem::path shippedDefaultModelPath(const std::filesystem::path& executableDir,
                                              const std::filesystem::path& sourceResourceDir);

}  // namespace mp
