#pragma once
// Test doubles for the library scan: a fake SongAnalyzer whose "audio" files are text files
//   MPFAKE <valence> <arousal> <title>\n<any payload>
// so the expected mood of every file is known, plus configurable failures and delays, and a
// per-path call counter to tell re-analysis from skipping.

#include "core/library/song_analyzer.h"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>

namespace mp::test {

inline void writeFakeSong(const std::filesystem::path& path, double valence, double arousal,
                          const std::string& title = "song", const std::string& payload = "pcm") {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << "MPFAKE " << valence << ' ' << arousal << ' ' << title << '\n' << payload;
}

class FakeAnalyzer final : public library::SongAnalyzer {
 public:
  std::string versionString = "fake-1";
  std::string failSubstring;                   ///< paths containing it fail ("" = none)
  std::chrono::milliseconds delay{0};          ///< per file, stop-aware
  double variance = 0.01;                      ///< predicted var(v) = var(a)

  Result<library::SongAnalysis> analyze(const std::string& path, const StopFlag* stop) const override {
    {
      std::lock_guard lock(mutex_);
      ++calls_[path];
    }
    ++totalCalls_;
    const auto until = std::chrono::steady_clock::now() + delay;
    while (std::chrono::steady_clock::now() < until) {
      if (stopRequested(stop)) return fail("cancelled");
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    if (!failSubstring.empty() && path.find(failSubstring) != std::string::npos) {
      return fail("fake failure for " + path);
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail("cannot open " + path);
    std::string magic;
    library::SongAnalysis a;
    in >> magic >> a.mood.valence >> a.mood.arousal >> a.tags.title;
    if (magic != "MPFAKE" || !in) return fail("not audio: unrecognised format");
    a.mood.covVV = variance;
    a.mood.covAA = variance;
    a.tags.artist = "Fake Artist";
    a.durationSeconds = 1.5;
    a.codec = "fake";
    a.modelVersion = versionString;
    a.encoding = {static_cast<float>(a.mood.valence), static_cast<float>(a.mood.arousal)};
    return a;
  }
  std::string version() const override { return versionString; }

  int calls(const std::string& path) const {
    std::lock_guard lock(mutex_);
    auto it = calls_.find(path);
    return it == calls_.end() ? 0 : it->second;
  }
  int totalCalls() const { return totalCalls_.load(); }
  void resetCalls() {
    std::lock_guard lock(mutex_);
    calls_.clear();
    totalCalls_ = 0;
  }

 private:
  mutable std::mutex mutex_;
  mutable std::map<std::string, int> calls_;
  mutable std::atomic<int> totalCalls_{0};
};

}  // namespace mp::test
