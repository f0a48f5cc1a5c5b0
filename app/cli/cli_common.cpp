#include "app/cli/cli_common.h"

#include "core/common/install_paths.h"

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
  fs::path base;
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg != nullptr && *xdg != '\0') {
    base = xdg;
  } else if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    base = fs::path(home) / ".local" / "share";
  } else {
    base = fs::temp_directory_path();
  }
  fs::path dir = base / "moodplane";
  std::error_code ec;
  fs::create_directories(dir, ec);
  return dir.string();
}

std::string defaultDatabasePath() { return (fs::path(defaultDataDir()) / "library.sqlite").string(); }

std::string defaultModelPath() {
  return shippedDefaultModelPath(currentExecutableDir(), MOODPLANE_BUILD_RESOURCE_DIR).string();
}

mood::ModelStore userModelStore() { return mood::ModelStore(mood::ModelStore::defaultFolder(), defaultModelPath()); }

std::string resolveModelPath(const std::string& explicitModel, const std::string& command) {
  if (!explicitModel.empty()) return absolutePath(explicitModel);
  const mood::ResolvedModel r = userModelStore().resolve();
  if (!r.warning.empty()) std::cerr << "moodplane-cli " << command << ": warning: " << r.warning << '\n';
  return r.path;
}

}  // namespace mp::cli
