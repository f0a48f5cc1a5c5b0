#pragma once
// Test support: a scratch directory removed at scope exit, and paths to shared test data.

#include <filesystem>
#include <random>
#include <string>

namespace mp::test {

class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("moodplane-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

/// ../shared/data next to the checkout; tests that need it GTEST_SKIP() when it is absent.
inline std::filesystem::path sharedDataDir() { return MOODPLANE_SHARED_DATA_DIR; }

}  // namespace mp::test
