// The scan controller: a scan of generated WAVs through a fake analyser runs off the GUI thread
// (the event loop keeps ticking: the longest stall is measured and printed), writes the store
// through its own connection, can be cancelled, and reports a broken database as an error.
#include "core/library/library_store.h"
#include "tests/common/temp_dir.h"
#include "tests/ui/ui_test_support.h"
#include "ui/scan_controller.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTimer>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

namespace mp::ui {
namespace {

/// Fake analyser: a mood from the file name, `delayMs` of pretend work (stop flag honoured).
class FakeAnalyzer : public library::SongAnalyzer {
 public:
  explicit FakeAnalyzer(int delayMs) : delayMs_(delayMs) {}
  Result<library::SongAnalysis> analyze(const std::string& path, const StopFlag* stop) const override {
    for (int t = 0; t < delayMs_; t += 5) {
      if (stopRequested(stop)) return fail("cancelled");
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    calls_.fetch_add(1);
    library::SongAnalysis a;
    a.tags.title = std::filesystem::path(path).stem().string();
    a.durationSeconds = 1.0;
    a.codec = "pcm";
    const std::size_t h = std::hash<std::string>{}(a.tags.title);
    a.mood.valence = static_cast<double>(h % 1000) / 1000.0;
    a.mood.arousal = static_cast<double>((h / 1000) % 1000) / 1000.0;
    a.mood.covVV = a.mood.covAA = 0.01;
    a.modelVersion = "fake-1";
    return a;
  }
  std::string version() const override { return "fake-1"; }
  int calls() const { return calls_.load(); }

 private:
  int delayMs_;
  mutable std::atomic<int> calls_{0};
};

void makeLibrary(const test::TempDir& dir, int n) {
  std::filesystem::create_directories(dir.path() / "music" / "sub");
  for (int i = 0; i < n; ++i) {
    const auto sub = (i % 2 ? dir.path() / "music" / "sub" : dir.path() / "music");
    test::writeSineWav((sub / ("tone" + std::to_string(i) + ".wav")).string(), 220.0 + 20 * i, 0.5);
  }
}

TEST(ScanController, ScansOffTheGuiThreadAndFillsTheStore) {
  test::testApp();
  test::TempDir dir;
  const int n = 16;
  makeLibrary(dir, n);
  const QString db = QString::fromStdString(dir.file("library.sqlite"));
  auto analyzer = std::make_shared<FakeAnalyzer>(60);
  ScanController scan(db);
  scan.setAnalyzer(analyzer);
  library::ScanOptions options;
  options.jobs = 2;
  options.batchSize = 4;
  scan.setOptions(options);
  scan.setReloadIntervalMs(100);
  QSignalSpy progress(&scan, &ScanController::progress);
  QSignalSpy changed(&scan, &ScanController::libraryChanged);
  QSignalSpy finished(&scan, &ScanController::finished);

  // Event-loop responsiveness: a 5 ms timer records the longest gap between its ticks.
  QElapsedTimer clock;
  qint64 last = 0, longest = 0;
  int ticksWhileRunning = 0;
  QTimer ticker;
  ticker.setInterval(5);
  QObject::connect(&ticker, &QTimer::timeout, [&] {
    const qint64 now = clock.elapsed();
    longest = std::max(longest, now - last);
    last = now;
    if (scan.running()) ++ticksWhileRunning;
  });
  clock.start();
  ticker.start();
  ASSERT_TRUE(scan.start({QString::fromStdString((dir.path() / "music").string())}));
  EXPECT_TRUE(scan.running());
  ASSERT_TRUE(test::waitUntil([&] { return finished.count() > 0; }, 60000));
  ticker.stop();
  const double seconds = clock.elapsed() / 1000.0;
  std::printf("[ scan ] %d files in %.2f s, longest GUI event-loop stall %lld ms (target < 50 ms), "
              "%d timer ticks while scanning, %lld progress signals\n",
              n, seconds, static_cast<long long>(longest), ticksWhileRunning,
              static_cast<long long>(progress.count()));

  EXPECT_TRUE(finished.last().at(0).toBool()) << finished.last().at(1).toString().toStdString();
  EXPECT_FALSE(scan.running());
  EXPECT_EQ(scan.lastReport().files, static_cast<std::size_t>(n));
  EXPECT_EQ(scan.lastReport().analysed, static_cast<std::size_t>(n));
  EXPECT_TRUE(scan.lastReport().failed.empty());
  EXPECT_GE(changed.count(), 1);  // the GUI is told to re-read the store
  ASSERT_GE(progress.count(), 1);
  const auto lastProgress = progress.last().at(0).value<library::ScanProgress>();
  EXPECT_EQ(lastProgress.done, static_cast<std::size_t>(n));
  EXPECT_EQ(lastProgress.total, static_cast<std::size_t>(n));
  // The GUI thread kept running its event loop throughout the scan (a blocking scan would give
  // ~0 ticks: it takes >= n * 60 ms / 2 workers).
  EXPECT_GE(ticksWhileRunning, 10);

  auto store = library::LibraryStore::open(db.toStdString());
  ASSERT_TRUE(store.ok()) << store.error().message;
  auto songs = (*store)->songs();
  ASSERT_TRUE(songs.ok());
  ASSERT_EQ(songs->size(), static_cast<std::size_t>(n));
  for (const auto& s : *songs) {
    EXPECT_EQ(s.status, library::AnalysisStatus::Done) << s.path;
    EXPECT_TRUE(s.prediction.has_value());
  }

  // A second scan finds nothing new: everything unchanged, no analysis.
  const int calls = analyzer->calls();
  ASSERT_TRUE(scan.start({QString::fromStdString((dir.path() / "music").string())}));
  ASSERT_TRUE(test::waitUntil([&] { return finished.count() > 1; }, 60000));
  EXPECT_EQ(scan.lastReport().unchanged, static_cast<std::size_t>(n));
  EXPECT_EQ(analyzer->calls(), calls);
}

TEST(ScanController, CancelStopsEarlyAndPauseHolds) {
  test::testApp();
  test::TempDir dir;
  const int n = 24;
  makeLibrary(dir, n);
  const QString db = QString::fromStdString(dir.file("library.sqlite"));
  auto analyzer = std::make_shared<FakeAnalyzer>(150);
  ScanController scan(db);
  scan.setAnalyzer(analyzer);
  library::ScanOptions options;
  options.jobs = 1;
  options.batchSize = 2;
  scan.setOptions(options);
  QSignalSpy finished(&scan, &ScanController::finished);
  ASSERT_TRUE(scan.start({QString::fromStdString((dir.path() / "music").string())}));
  EXPECT_FALSE(scan.start({QStringLiteral("/tmp")}));  // one scan at a time
  ASSERT_TRUE(test::waitUntil([&] { return analyzer->calls() >= 1; }, 30000));
  scan.pause();
  EXPECT_TRUE(scan.paused());
  test::waitUntil([] { return false; }, 200);  // let the in-flight song finish
  const int frozen = analyzer->calls();
  test::waitUntil([] { return false; }, 500);
  EXPECT_LE(analyzer->calls(), frozen + 1);  // paused: no new songs start
  scan.resume();
  scan.cancel();
  ASSERT_TRUE(test::waitUntil([&] { return finished.count() > 0; }, 30000));
  EXPECT_TRUE(scan.lastReport().cancelled);
  EXPECT_LT(scan.lastReport().analysed, static_cast<std::size_t>(n));
}

TEST(ScanController, ReportsABrokenDatabaseAndAMissingModel) {
  test::testApp();
  test::TempDir dir;
  makeLibrary(dir, 2);
  const std::string bogus = dir.file("not-a-db.sqlite");
  {
    std::ofstream out(bogus);
    out << "this is not an SQLite database, and must not be overwritten\n";
  }
  ScanController scan(QString::fromStdString(bogus));
  QSignalSpy failed(&scan, &ScanController::failed);
  EXPECT_FALSE(scan.start({QString::fromStdString((dir.path() / "music").string())}));  // no model
  EXPECT_EQ(failed.count(), 1);
  scan.setAnalyzer(std::make_shared<FakeAnalyzer>(0));
  QSignalSpy finished(&scan, &ScanController::finished);
  ASSERT_TRUE(scan.start({QString::fromStdString((dir.path() / "music").string())}));
  ASSERT_TRUE(test::waitUntil([&] { return finished.count() > 0; }, 30000));
  EXPECT_FALSE(finished.last().at(0).toBool());
  EXPECT_FALSE(finished.last().at(1).toString().isEmpty());
  std::ifstream in(bogus);
  std::string first;
  std::getline(in, first);
  EXPECT_EQ(first, "this is not an SQLite database, and must not be overwritten");
}

}  // namespace
}  // namespace mp::ui
