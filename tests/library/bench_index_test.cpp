// Scale benchmarks (not part of the regular suite: DISABLED_ unless asked for, see
// scripts/bench-index.sh). Generates N tiny WAV files (0.5 s, 8 kHz mono 16-bit, distinct audio),
// indexes them with an analyser that reads and parses every file (RMS -> "arousal"), rescans the
// unchanged library, and prints songs/s, rescan time, database size and peak memory.
//   MOODPLANE_BENCH_FILES (default 10000), MOODPLANE_BENCH_JOBS (default 2)

#include "core/library/scanner.h"
#include "tests/common/temp_dir.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace mp::library {
namespace {

namespace fs = std::filesystem;

void writeWav(const fs::path& path, int index) {
  constexpr int kRate = 8000;
  constexpr int kFrames = kRate / 2;
  std::vector<std::int16_t> pcm(kFrames);
  const double freq = 100.0 + (index % 3000);
  const double amp = 1000.0 + (index % 20000);
  for (int i = 0; i < kFrames; ++i) {
    pcm[static_cast<std::size_t>(i)] = static_cast<std::int16_t>(amp * std::sin(2 * M_PI * freq * i / kRate));
  }
  auto u32 = [](std::uint32_t v) { return std::string(reinterpret_cast<const char*>(&v), 4); };
  auto u16 = [](std::uint16_t v) { return std::string(reinterpret_cast<const char*>(&v), 2); };
  const std::uint32_t dataBytes = kFrames * 2;
  std::string h = "RIFF" + u32(36 + dataBytes) + "WAVEfmt " + u32(16) + u16(1) + u16(1) + u32(kRate) +
                  u32(kRate * 2) + u16(2) + u16(16) + "data" + u32(dataBytes);
  std::ofstream out(path, std::ios::binary);
  out << h;
  out.write(reinterpret_cast<const char*>(pcm.data()), dataBytes);
}

/// Reads the whole WAV and derives a mood from its RMS: real I/O, negligible maths.
class WavRmsAnalyzer final : public SongAnalyzer {
 public:
  Result<SongAnalysis> analyze(const std::string& path, const StopFlag*) const override {
    std::ifstream in(path, std::ios::binary);
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.size() < 44 || std::memcmp(bytes.data(), "RIFF", 4) != 0) return fail("not a WAV file");
    const std::size_t n = (bytes.size() - 44) / 2;
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
      std::int16_t s;
      std::memcpy(&s, bytes.data() + 44 + 2 * i, 2);
      sum += static_cast<double>(s) * s;
    }
    SongAnalysis a;
    a.tags.title = fs::path(path).stem().string();
    a.durationSeconds = static_cast<double>(n) / 8000.0;
    a.codec = "pcm_s16";
    a.mood.arousal = std::min(1.0, std::sqrt(sum / std::max<std::size_t>(n, 1)) / 16000.0);
    a.mood.covVV = a.mood.covAA = 0.01;
    a.encoding.assign(64, static_cast<float>(a.mood.arousal));  // a small stored encoding
    return a;
  }
  std::string version() const override { return "bench-rms-1"; }
};

long peakRssKb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

TEST(BenchIndex, DISABLED_ScanAndRescanLargeLibrary) {
  const char* nEnv = std::getenv("MOODPLANE_BENCH_FILES");
  const char* jEnv = std::getenv("MOODPLANE_BENCH_JOBS");
  const int n = nEnv != nullptr ? std::atoi(nEnv) : 10000;
  const int jobs = jEnv != nullptr ? std::atoi(jEnv) : 2;
  test::TempDir dir;
  const fs::path music = dir.path() / "music";
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) {
    const fs::path sub = music / ("artist" + std::to_string(i / 200)) / ("album" + std::to_string((i / 20) % 10));
    if (i % 20 == 0) fs::create_directories(sub);
    writeWav(sub / ("track " + std::to_string(i) + ".wav"), i);
  }
  const double genSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const long rssBefore = peakRssKb();

  auto store = LibraryStore::open(dir.file("library.sqlite"));
  ASSERT_TRUE(store);
  WavRmsAnalyzer analyzer;
  ScanOptions options;
  options.jobs = jobs;
  options.batchSize = 64;
  auto first = scanLibrary(**store, {music.string()}, analyzer, options);
  ASSERT_TRUE(first) << first.error().message;
  ASSERT_EQ(first->analysed, static_cast<std::size_t>(n));
  auto second = scanLibrary(**store, {music.string()}, analyzer, options);
  ASSERT_TRUE(second);
  ASSERT_EQ(second->unchanged, static_cast<std::size_t>(n));
  // Open a fresh connection for the "next session" rescan too (cold-ish statement cache).
  store->reset();
  auto store2 = LibraryStore::open(dir.file("library.sqlite"));
  ASSERT_TRUE(store2);
  auto third = scanLibrary(**store2, {music.string()}, analyzer, options);
  ASSERT_TRUE(third);
  store2->reset();

  std::error_code ec;
  const auto dbBytes = fs::file_size(dir.file("library.sqlite"), ec);
  const auto walBytes = fs::exists(dir.file("library.sqlite-wal")) ? fs::file_size(dir.file("library.sqlite-wal"), ec) : 0;
  std::printf("bench-index: files=%d jobs=%d generate=%.2fs\n", n, jobs, genSeconds);
  std::printf("bench-index: first scan %.2f s = %.0f songs/s\n", first->seconds, n / first->seconds);
  std::printf("bench-index: unchanged rescan %.3f s (same connection), %.3f s (new connection)\n",
              second->seconds, third->seconds);
  std::printf("bench-index: database %.2f MB (+ wal %.2f MB) = %.0f bytes/song\n", dbBytes / 1e6, walBytes / 1e6,
              static_cast<double>(dbBytes) / n);
  std::printf("bench-index: peak RSS %.1f MB (%.1f MB before scanning)\n", peakRssKb() / 1024.0, rssBefore / 1024.0);
  EXPECT_LT(third->seconds, 10.0) << "rescanning an unchanged library must take < 10 s";
}

struct ChildRun {
  int exitCode = -1;
  double seconds = 0.0;
  long peakRssKb = 0;  ///< of the child process alone (wait4)
};

/// Runs moodplane-cli with `args` (output discarded) and measures its wall time and peak RSS.
ChildRun runCliMeasured(const std::vector<std::string>& args) {
  std::vector<std::string> store = {MOODPLANE_CLI_PATH};
  store.insert(store.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : store) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::fflush(stdout);  // or the child's freopen() would print our buffered lines again
  const auto t0 = std::chrono::steady_clock::now();
  const pid_t pid = ::fork();
  if (pid == 0) {
    std::freopen("/dev/null", "w", stdout);
    std::freopen("/dev/null", "w", stderr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  int status = 0;
  rusage usage{};
  ::wait4(pid, &status, 0, &usage);
  ChildRun r;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.peakRssKb = usage.ru_maxrss;
  return r;
}

// The library grows in four steps to N files (default 10 000); after each step the real CLI
// indexes it incrementally (`index --tags-only`, or with MOODPLANE_BENCH_MODEL=FILE the mood
// model), then a fresh library of all N files is indexed in one go. Prints songs/s, the CLI's
// peak RSS and the database size per step: memory must stay bounded as the library grows.
TEST(BenchIndex, DISABLED_CliMemoryAsTheLibraryGrows) {
  const char* nEnv = std::getenv("MOODPLANE_BENCH_FILES");
  const char* jEnv = std::getenv("MOODPLANE_BENCH_JOBS");
  const char* modelEnv = std::getenv("MOODPLANE_BENCH_MODEL");
  const int n = nEnv != nullptr ? std::atoi(nEnv) : 10000;
  const std::string jobs = jEnv != nullptr ? jEnv : "2";
  test::TempDir dir;
  const fs::path music = dir.path() / "music";
  const std::string db = dir.file("library.sqlite");
  std::vector<std::string> analysis = {"--tags-only"};
  if (modelEnv != nullptr && *modelEnv != '\0') analysis = {"--model", modelEnv};
  auto indexArgs = [&](const std::string& database) {
    std::vector<std::string> a = {"index", music.string(), "--db", database, "--jobs", jobs};
    a.insert(a.end(), analysis.begin(), analysis.end());
    return a;
  };
  std::printf("bench-index-cli: files=%d jobs=%s analysis=%s\n", n, jobs.c_str(),
              analysis.size() == 1 ? "tags-only" : modelEnv);
  int written = 0;
  long firstPeak = 0, lastPeak = 0;
  for (int step = 1; step <= 4; ++step) {
    const int target = n * step / 4;
    for (; written < target; ++written) {
      const fs::path sub = music / ("artist" + std::to_string(written / 200)) / ("album" + std::to_string((written / 20) % 10));
      if (written % 20 == 0) fs::create_directories(sub);
      writeWav(sub / ("track " + std::to_string(written) + ".wav"), written);
    }
    const ChildRun r = runCliMeasured(indexArgs(db));
    ASSERT_EQ(r.exitCode, 0);
    std::error_code ec;
    const double dbMb = static_cast<double>(fs::file_size(db, ec)) / 1e6;
    std::printf("bench-index-cli: library %5d songs: +%d indexed in %.2f s = %.0f songs/s, peak RSS %.1f MB, "
                "database %.2f MB (%.0f bytes/song)\n",
                target, n / 4, r.seconds, (n / 4) / r.seconds, r.peakRssKb / 1024.0, dbMb, dbMb * 1e6 / target);
    if (step == 1) firstPeak = r.peakRssKb;
    lastPeak = r.peakRssKb;
  }
  const std::string fresh = dir.file("fresh.sqlite");
  const ChildRun all = runCliMeasured(indexArgs(fresh));
  ASSERT_EQ(all.exitCode, 0);
  const ChildRun again = runCliMeasured(indexArgs(fresh));
  std::error_code ec;
  std::printf("bench-index-cli: fresh library of %d songs in %.2f s = %.0f songs/s, peak RSS %.1f MB, database "
              "%.2f MB; unchanged rescan %.2f s, peak RSS %.1f MB\n",
              n, all.seconds, n / all.seconds, all.peakRssKb / 1024.0, fs::file_size(fresh, ec) / 1e6, again.seconds,
              again.peakRssKb / 1024.0);
  std::printf("bench-index-cli: peak RSS grows %.1f MB from %d to %d songs (%.0f bytes per added song)\n",
              (lastPeak - firstPeak) / 1024.0, n / 4, n, (lastPeak - firstPeak) * 1024.0 / (n - n / 4));
}

}  // namespace
}  // namespace mp::library
