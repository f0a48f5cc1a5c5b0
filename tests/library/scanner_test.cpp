// scanLibrary with a fake analyser: first scan, incremental rescans (touch, modify, move, delete,
// corrupt), failure bookkeeping, version-driven re-analysis, cancel, pause/resume, progress.

#include "core/library/scanner.h"
#include "tests/common/temp_dir.h"
#include "tests/library/fake_analyzer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

namespace mp::library {
namespace {

namespace fs = std::filesystem;
using test::FakeAnalyzer;
using test::TempDir;
using test::writeFakeSong;

struct Fixture {
  TempDir dir;
  fs::path music = dir.path() / "music";
  std::string dbPath = dir.file("lib.sqlite");
  std::unique_ptr<LibraryStore> store;
  FakeAnalyzer analyzer;
  ScanOptions options;

  Fixture() {
    fs::create_directories(music);
    auto s = LibraryStore::open(dbPath);
    EXPECT_TRUE(s) << s.error().message;
    store = std::move(*s);
    options.jobs = 2;
    options.batchSize = 4;
  }
  ScanReport scan(ScanControl* control = nullptr, const ScanProgressFn& progress = {}) {
    auto r = scanLibrary(*store, {music.string()}, analyzer, options, control, progress);
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : ScanReport{};
  }
  std::optional<SongRecord> song(const fs::path& p) {
    auto r = store->songByPath(p.string());
    EXPECT_TRUE(r);
    return r ? *r : std::nullopt;
  }
};

void bumpMtime(const fs::path& p) {
  fs::last_write_time(p, fs::last_write_time(p) + std::chrono::seconds(5));
}

TEST(Scanner, FirstScanAnalysesEverySupportedFile) {
  Fixture f;
  writeFakeSong(f.music / "a.mp3", 0.1, 0.9, "Alpha");
  writeFakeSong(f.music / "sub" / "b.FLAC", 0.6, 0.4, "Beta");
  writeFakeSong(f.music / "sub" / "deeper" / "c.ogg", 0.3, 0.3, "Gamma");
  writeFakeSong(f.music / "notes.txt", 0.5, 0.5);  // wrong extension
  const ScanReport r = f.scan();
  EXPECT_EQ(r.files, 3u);
  EXPECT_EQ(r.analysed, 3u);
  EXPECT_EQ(r.unchanged, 0u);
  EXPECT_TRUE(r.failed.empty());
  EXPECT_FALSE(r.cancelled);
  auto b = f.song(f.music / "sub" / "b.FLAC");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->status, AnalysisStatus::Done);
  ASSERT_TRUE(b->prediction);
  EXPECT_DOUBLE_EQ(b->prediction->valence, 0.6);
  EXPECT_DOUBLE_EQ(b->prediction->arousal, 0.4);
  EXPECT_EQ(b->tags.title, "Beta");
  EXPECT_EQ(b->modelVersion, "fake-1");
  EXPECT_EQ(b->codec, "fake");
  EXPECT_FALSE(b->contentHash.empty());
  EXPECT_EQ(b->size, static_cast<std::int64_t>(fs::file_size(f.music / "sub" / "b.FLAC")));
  EXPECT_EQ(f.store->encoding(b->id)->size(), 2u);
  EXPECT_FALSE(f.song(f.music / "notes.txt"));
}

TEST(Scanner, UnchangedRescanReadsNothing) {
  Fixture f;
  for (int i = 0; i < 10; ++i) writeFakeSong(f.music / ("s" + std::to_string(i) + ".wav"), 0.5, 0.5);
  f.scan();
  f.analyzer.resetCalls();
  const ScanReport r = f.scan();
  EXPECT_EQ(r.files, 10u);
  EXPECT_EQ(r.unchanged, 10u);
  EXPECT_EQ(r.analysed, 0u);
  EXPECT_EQ(f.analyzer.totalCalls(), 0);
}

TEST(Scanner, TouchRehashesButDoesNotReanalyse) {
  Fixture f;
  const fs::path p = f.music / "a.mp3";
  writeFakeSong(p, 0.2, 0.8);
  f.scan();
  const auto before = f.song(p);
  f.analyzer.resetCalls();
  bumpMtime(p);
  const ScanReport r = f.scan();
  EXPECT_EQ(f.analyzer.calls(p.string()), 0);
  EXPECT_EQ(r.unchanged, 1u);
  const auto after = f.song(p);
  EXPECT_EQ(after->id, before->id);
  EXPECT_NE(after->mtimeNs, before->mtimeNs) << "the new mtime is recorded";
  EXPECT_EQ(after->contentHash, before->contentHash);
  // ... so the next scan is a pure stat comparison again.
  f.analyzer.resetCalls();
  EXPECT_EQ(f.scan().unchanged, 1u);
  EXPECT_EQ(f.analyzer.totalCalls(), 0);
}

TEST(Scanner, TagOnlyEditRefreshesTagsThroughTagReader) {
  Fixture f;
  const fs::path p = f.music / "a.mp3";
  writeFakeSong(p, 0.2, 0.8, "Old");
  f.scan();
  f.analyzer.resetCalls();
  f.options.tagReader = [](const std::string&) -> Result<audio::Tags> {
    audio::Tags t;
    t.title = "Retitled";
    return t;
  };
  bumpMtime(p);
  f.scan();
  EXPECT_EQ(f.analyzer.totalCalls(), 0);
  EXPECT_EQ(f.song(p)->tags.title, "Retitled");
  EXPECT_DOUBLE_EQ(f.song(p)->durationSeconds, 1.5) << "the decoded duration is kept";
}

TEST(Scanner, ModifiedContentIsReanalysed) {
  Fixture f;
  const fs::path p = f.music / "a.mp3";
  writeFakeSong(p, 0.2, 0.8);
  f.scan();
  const auto before = f.song(p);
  f.analyzer.resetCalls();
  writeFakeSong(p, 0.7, 0.1, "song", "different pcm");
  bumpMtime(p);
  const ScanReport r = f.scan();
  EXPECT_EQ(r.analysed, 1u);
  EXPECT_EQ(f.analyzer.calls(p.string()), 1);
  const auto after = f.song(p);
  EXPECT_EQ(after->id, before->id);
  EXPECT_NE(after->contentHash, before->contentHash);
  EXPECT_DOUBLE_EQ(after->prediction->valence, 0.7);
}

TEST(Scanner, MovedFileKeepsAnalysisAndRating) {
  Fixture f;
  const fs::path from = f.music / "old" / "a.mp3";
  const fs::path to = f.music / "new place" / "renamed.mp3";
  writeFakeSong(from, 0.2, 0.8);
  writeFakeSong(f.music / "other.mp3", 0.4, 0.4, "x", "other pcm");
  f.scan();
  const auto before = f.song(from);
  ASSERT_TRUE(f.store->setRating(from.string(), 0.95, 0.05));
  f.analyzer.resetCalls();
  fs::create_directories(to.parent_path());
  fs::rename(from, to);
  const ScanReport r = f.scan();
  EXPECT_EQ(r.moved, 1u);
  EXPECT_EQ(r.removed, 0u);
  EXPECT_EQ(f.analyzer.totalCalls(), 0) << "a move is not re-analysed";
  EXPECT_FALSE(f.song(from));
  const auto after = f.song(to);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->id, before->id);
  EXPECT_DOUBLE_EQ(after->prediction->valence, 0.2);
  ASSERT_TRUE(after->rating);
  EXPECT_DOUBLE_EQ(after->rating->valence, 0.95);
}

TEST(Scanner, DeletedFileIsRemovedButItsRatingKept) {
  Fixture f;
  const fs::path p = f.music / "gone.mp3";
  writeFakeSong(p, 0.2, 0.8);
  writeFakeSong(f.music / "stays.mp3", 0.3, 0.3, "s", "stays");
  f.scan();
  ASSERT_TRUE(f.store->setRating(p.string(), 0.5, 0.6));
  fs::remove(p);
  const ScanReport r = f.scan();
  EXPECT_EQ(r.removed, 1u);
  EXPECT_FALSE(f.song(p));
  EXPECT_TRUE(f.song(f.music / "stays.mp3"));
  EXPECT_EQ(*f.store->ratingCount(), 1);
  // It comes back with its rating.
  writeFakeSong(p, 0.2, 0.8);
  f.scan();
  ASSERT_TRUE(f.song(p));
  EXPECT_TRUE(f.song(p)->rating);
}

TEST(Scanner, RemoveMissingOffKeepsRows) {
  Fixture f;
  writeFakeSong(f.music / "gone.mp3", 0.2, 0.8);
  f.scan();
  fs::remove(f.music / "gone.mp3");
  f.options.removeMissing = false;
  EXPECT_EQ(f.scan().removed, 0u);
  EXPECT_TRUE(f.song(f.music / "gone.mp3"));
}

TEST(Scanner, CorruptFileIsRecordedScanContinuesAndItIsNotRetried) {
  Fixture f;
  const fs::path bad = f.music / "b.mp3";
  for (const char* n : {"a.mp3", "b.mp3", "c.mp3"}) writeFakeSong(f.music / n, 0.5, 0.5, n, n);
  f.scan();
  // Corrupt one between scans.
  {
    std::ofstream out(bad, std::ios::binary | std::ios::trunc);
    out << "\x01\x02garbage";
  }
  bumpMtime(bad);
  const ScanReport r = f.scan();
  ASSERT_EQ(r.failed.size(), 1u);
  EXPECT_EQ(r.failed[0].first, bad.string());
  EXPECT_NE(r.failed[0].second.find("not audio"), std::string::npos);
  EXPECT_EQ(r.unchanged, 2u);
  const auto rec = f.song(bad);
  EXPECT_EQ(rec->status, AnalysisStatus::Failed);
  EXPECT_FALSE(rec->prediction);
  EXPECT_NE(rec->failureReason.find("not audio"), std::string::npos);
  // Not retried while size/mtime stay ...
  f.analyzer.resetCalls();
  const ScanReport again = f.scan();
  EXPECT_EQ(f.analyzer.calls(bad.string()), 0);
  EXPECT_TRUE(again.failed.empty());
  EXPECT_EQ(again.unchanged, 3u);
  // ... and retried (and fixed) once the file changes.
  writeFakeSong(bad, 0.9, 0.9, "fixed", "fixed pcm");
  bumpMtime(bad);
  f.scan();
  EXPECT_EQ(f.analyzer.calls(bad.string()), 1);
  EXPECT_EQ(f.song(bad)->status, AnalysisStatus::Done);
}

TEST(Scanner, EmptyAndUnreadableFilesFailCleanly) {
  Fixture f;
  { std::ofstream(f.music / "empty.flac"); }
  writeFakeSong(f.music / "ok.flac", 0.5, 0.5);
  const ScanReport r = f.scan();
  EXPECT_EQ(r.analysed, 1u);
  ASSERT_EQ(r.failed.size(), 1u);
  EXPECT_EQ(f.song(f.music / "empty.flac")->status, AnalysisStatus::Failed);
}

TEST(Scanner, NewAnalyserVersionTriggersReanalysis) {
  Fixture f;
  writeFakeSong(f.music / "a.mp3", 0.5, 0.5);
  f.scan();
  f.analyzer.resetCalls();
  f.analyzer.versionString = "fake-2";
  const ScanReport r = f.scan();
  EXPECT_EQ(r.analysed, 1u);
  EXPECT_EQ(f.analyzer.totalCalls(), 1);
  EXPECT_EQ(f.song(f.music / "a.mp3")->modelVersion, "fake-2");
}

TEST(Scanner, RatingSurvivesReanalysis) {
  Fixture f;
  const fs::path p = f.music / "a.mp3";
  writeFakeSong(p, 0.5, 0.5);
  f.scan();
  ASSERT_TRUE(f.store->setRating(p.string(), 0.1, 0.2));
  f.analyzer.versionString = "fake-2";
  f.scan();
  writeFakeSong(p, 0.6, 0.6, "song", "re-encoded");
  bumpMtime(p);
  f.scan();
  const auto rec = f.song(p);
  EXPECT_DOUBLE_EQ(rec->prediction->valence, 0.6);
  ASSERT_TRUE(rec->rating);
  EXPECT_DOUBLE_EQ(rec->rating->valence, 0.1);
}

TEST(Scanner, SymlinkLoopsAndUnreadableDirectoriesAreSkipped) {
  Fixture f;
  writeFakeSong(f.music / "a" / "x.mp3", 0.5, 0.5);
  std::error_code ec;
  fs::create_directory_symlink(f.music, f.music / "a" / "loop", ec);
  ASSERT_FALSE(ec) << ec.message();
  fs::create_directory_symlink(f.dir.path() / "nowhere", f.music / "dangling", ec);
  const ScanReport r = f.scan();
  EXPECT_EQ(r.files, 1u);
  EXPECT_EQ(r.analysed, 1u);
}

TEST(Scanner, BadArgumentsAreErrors) {
  Fixture f;
  EXPECT_FALSE(scanLibrary(*f.store, {f.dir.file("missing")}, f.analyzer, f.options));
  EXPECT_FALSE(scanLibrary(*f.store, {}, f.analyzer, f.options));
  ScanOptions bad = f.options;
  bad.batchSize = 0;
  EXPECT_FALSE(scanLibrary(*f.store, {f.music.string()}, f.analyzer, bad));
  bad = f.options;
  bad.extensions = {"mp3"};
  EXPECT_FALSE(scanLibrary(*f.store, {f.music.string()}, f.analyzer, bad));
}

TEST(Scanner, ProgressIsMonotoneRateLimitedAndReachesTotal) {
  Fixture f;
  const int n = 40;
  for (int i = 0; i < n; ++i) writeFakeSong(f.music / ("s" + std::to_string(i) + ".mp3"), 0.5, 0.5, "t", std::to_string(i));
  f.analyzer.delay = std::chrono::milliseconds(5);
  std::vector<ScanProgress> seen;
  const auto caller = std::this_thread::get_id();
  bool onCaller = true;
  f.scan(nullptr, [&](const ScanProgress& p) {
    onCaller = onCaller && std::this_thread::get_id() == caller;
    seen.push_back(p);
  });
  EXPECT_TRUE(onCaller) << "progress runs on the calling thread";
  ASSERT_GE(seen.size(), 2u);
  for (std::size_t i = 1; i < seen.size(); ++i) EXPECT_GE(seen[i].done, seen[i - 1].done);
  EXPECT_EQ(seen.back().done, static_cast<std::size_t>(n));
  EXPECT_EQ(seen.back().total, static_cast<std::size_t>(n));
  EXPECT_GT(seen.back().songsPerSecond, 0.0);
  // ≤ 20 Hz plus the forced first/last reports; 40 files would give 40+ unthrottled calls.
  EXPECT_LT(seen.size(), static_cast<std::size_t>(n));
}

TEST(Scanner, CancelMidScanKeepsCommittedBatchesAndNoPartialRows) {
  Fixture f;
  const int n = 60;
  for (int i = 0; i < n; ++i) writeFakeSong(f.music / ("s" + std::to_string(i) + ".mp3"), 0.5, 0.5, "t", std::to_string(i));
  f.analyzer.delay = std::chrono::milliseconds(20);
  f.options.batchSize = 5;
  ScanControl control;
  std::atomic<bool> cancelled{false};
  const ScanReport r = f.scan(&control, [&](const ScanProgress& p) {
    if (p.done >= 10 && !cancelled) {
      cancelled = true;
      control.cancel();
    }
  });
  EXPECT_TRUE(r.cancelled);
  EXPECT_TRUE(r.failed.empty()) << "files interrupted by the cancel are not failures";
  auto songs = f.store->songs();
  ASSERT_TRUE(songs);
  EXPECT_GE(songs->size(), 10u);
  EXPECT_LT(songs->size(), static_cast<std::size_t>(n));
  EXPECT_EQ(songs->size(), r.analysed);
  for (const auto& s : *songs) {
    EXPECT_EQ(s.status, AnalysisStatus::Done) << s.path;
    EXPECT_TRUE(s.prediction) << s.path;
    EXPECT_FALSE(s.contentHash.empty()) << s.path;
  }
  // A later scan completes the rest without redoing the stored ones.
  f.analyzer.resetCalls();
  f.analyzer.delay = std::chrono::milliseconds(0);
  const ScanReport rest = f.scan();
  EXPECT_EQ(rest.unchanged, songs->size());
  EXPECT_EQ(rest.analysed, n - songs->size());
  EXPECT_EQ(f.store->songs()->size(), static_cast<std::size_t>(n));
}

TEST(Scanner, PauseBlocksProgressAndResumeCompletes) {
  Fixture f;
  const int n = 20;
  for (int i = 0; i < n; ++i) writeFakeSong(f.music / ("s" + std::to_string(i) + ".mp3"), 0.5, 0.5, "t", std::to_string(i));
  f.analyzer.delay = std::chrono::milliseconds(5);
  ScanControl control;
  control.pause();
  std::atomic<std::size_t> done{0};
  std::atomic<int> callbacks{0};
  std::thread scanThread([&] {
    auto r = scanLibrary(*f.store, {f.music.string()}, f.analyzer, f.options, &control,
                         [&](const ScanProgress& p) {
                           done = p.done;
                           ++callbacks;
                         });
    EXPECT_TRUE(r);
    EXPECT_EQ(r->analysed, static_cast<std::size_t>(n));
  });
  // While paused, no file gets analysed even though the scan keeps reporting.
  while (callbacks < 5) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_TRUE(control.paused());
  EXPECT_EQ(done.load(), 0u);
  EXPECT_EQ(f.analyzer.totalCalls(), 0);
  control.resume();
  scanThread.join();
  EXPECT_EQ(done.load(), static_cast<std::size_t>(n));
}

TEST(Scanner, CancelWhilePausedEndsTheScan) {
  Fixture f;
  for (int i = 0; i < 5; ++i) writeFakeSong(f.music / ("s" + std::to_string(i) + ".mp3"), 0.5, 0.5, "t", std::to_string(i));
  ScanControl control;
  control.pause();
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    control.cancel();
  });
  const ScanReport r = f.scan(&control);
  canceller.join();
  EXPECT_TRUE(r.cancelled);
  EXPECT_EQ(f.analyzer.totalCalls(), 0);
  EXPECT_TRUE(f.store->songs()->empty());
}

TEST(Scanner, SerialAndParallelScansAgree) {
  Fixture f;
  for (int i = 0; i < 12; ++i) {
    writeFakeSong(f.music / ("s" + std::to_string(i) + ".mp3"), i / 12.0, 1.0 - i / 12.0, "t", std::to_string(i));
  }
  f.analyzer.failSubstring = "s3";
  f.options.jobs = 1;
  f.scan();
  auto serial = *f.store->songs();
  TempDir other;
  auto store2 = LibraryStore::open(other.file("lib2.sqlite"));
  ASSERT_TRUE(store2);
  ScanOptions par = f.options;
  par.jobs = 4;
  ASSERT_TRUE(scanLibrary(**store2, {f.music.string()}, f.analyzer, par));
  auto parallel = *(*store2)->songs();
  ASSERT_EQ(serial.size(), parallel.size());
  std::sort(parallel.begin(), parallel.end(), [](auto& a, auto& b) { return a.path < b.path; });
  std::sort(serial.begin(), serial.end(), [](auto& a, auto& b) { return a.path < b.path; });
  for (std::size_t i = 0; i < serial.size(); ++i) {
    EXPECT_EQ(serial[i].path, parallel[i].path);
    EXPECT_EQ(serial[i].status, parallel[i].status);
    EXPECT_EQ(serial[i].contentHash, parallel[i].contentHash);
    EXPECT_EQ(serial[i].prediction.has_value(), parallel[i].prediction.has_value());
  }
}

}  // namespace
}  // namespace mp::library
