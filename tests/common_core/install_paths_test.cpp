#include "core/common/install_paths.h"
#include "tests/common/temp_dir.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>

namespace mp {
namespace {

namespace fs = std::filesystem;

void touch(const fs::path& file) {
  fs::create_directories(file.parent_path());
  std::ofstream(file) << "model";
}

// Saves MOODPLANE_DEFAULT_MODEL, unsets it (or sets `value`) and restores it at scope exit.
class ScopedModelEnv {
 public:
  explicit ScopedModelEnv(const char* value = nullptr) {
    if (const char* old = std::getenv(kVar)) saved_ = old;
    if (value)
      ::setenv(kVar, value, 1);
    else
      ::unsetenv(kVar);
  }
  ~ScopedModelEnv() {
    if (saved_)
      ::setenv(kVar, saved_->c_str(), 1);
    else
      ::unsetenv(kVar);
  }

 private:
  static constexpr const char* kVar = "MOODPLANE_DEFAULT_MODEL";
  std::optional<std::string> saved_;
};

// A fake install prefix <tmp>/prefix/{bin,share/moodplane} and a fake source tree
// <tmp>/src/resources.
struct Layout {
  test::TempDir tmp;
  fs::path bin = tmp.path() / "prefix" / "bin";
  fs::path installedModel = tmp.path() / "prefix" / "share" / "moodplane" / "default.mpmodel";
  fs::path sourceResources = tmp.path() / "src" / "resources";
  fs::path sourceModel = sourceResources / "models" / "default.mpmodel";
};

TEST(InstallPaths, InstalledCopyNextToTheExecutableWinsOverTheSourceTree) {
  ScopedModelEnv env;
  Layout l;
  fs::create_directories(l.bin);
  touch(l.installedModel);
  touch(l.sourceModel);
  EXPECT_EQ(shippedDefaultModelPath(l.bin, l.sourceResources), l.installedModel);
}

TEST(InstallPaths, DeveloperBuildFallsBackToTheSourceTree) {
  ScopedModelEnv env;
  Layout l;
  fs::create_directories(l.bin);
  touch(l.sourceModel);
  EXPECT_EQ(shippedDefaultModelPath(l.bin, l.sourceResources), l.sourceModel);
}

TEST(InstallPaths, NothingFoundNamesTheInstalledLocation) {
  ScopedModelEnv env;
  Layout l;
  EXPECT_EQ(shippedDefaultModelPath(l.bin, l.sourceResources), l.installedModel);
  EXPECT_EQ(shippedDefaultModelPath({}, l.sourceResources), l.sourceModel);
}

TEST(InstallPaths, EnvironmentOverrideComesFirstEvenWhenMissing) {
  ScopedModelEnv env("/nonexistent/custom.mpmodel");
  Layout l;
  touch(l.installedModel);
  EXPECT_EQ(shippedDefaultModelPath(l.bin, l.sourceResources),
            fs::path("/nonexistent/custom.mpmodel"));
}

TEST(InstallPaths, CurrentExecutableDirIsThisTestsFolder) {
  const fs::path dir = currentExecutableDir();
  ASSERT_FALSE(dir.empty());
  EXPECT_TRUE(fs::exists(dir / "test_common_core"));
}

}  // namespace
}  // namespace mp
