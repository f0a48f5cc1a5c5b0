#include "core/common/install_paths.h"

#include <cstdlib>
#include <system_error>

namespace fs = std::filesystem;

namespace mp {

fs::path currentExecutableDir() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : exe.parent_path();
}

fs::path shippedDefaultModelPath(const fs::path& executableDir, const fs::path& sourceResourceDir) {
  constexpr const char* kName = "default.mpmodel";
  if (const char* env = std::getenv("MOODPLANE_DEFAULT_MODEL"); env != nullptr && *env != '\0')
    return env;
  const fs::path installed =
      executableDir.empty()
          ? fs::path()
          : (executableDir / ".." / "share" / "moodplane" / kName).lexically_normal();
  const fs::path source =
      sourceResourceDir.empty() ? fs::path() : sourceResourceDir / "models" / kName;
  std::error_code ec;
  if (!installed.empty() && fs::is_regular_file(installed, ec)) return installed;
  if (!source.empty() && fs::is_regular_file(source, ec)) return source;
  return installed.empty() ? source : installed;
}

fs::path userDataDir() {
  fs::path base;
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg != nullptr && *xdg != '\0') {
    base = xdg;
  } else if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    base = fs::path(home) / ".local" / "share";
  } else {
    base = fs::temp_directory_path();
  }
  return base / "moodplane";
}

}  // namespace mp
