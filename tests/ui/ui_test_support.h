#pragma once
// Support for the offscreen UI tests: one QApplication per test process (offscreen platform),
// event-loop waiting, synthetic libraries and tiny WAV files.

#include "core/library/library_store.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QThread>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace mp::test {

inline QApplication& testApp() {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  static int argc = 1;
  static char name[] = "test_ui";
  static char* argv[] = {name, nullptr};
  // Deliberately never destroyed: tearing QApplication down during static destruction (after
  // gtest, with Qt's own statics going away) crashed at exit.
  static QApplication* app = new QApplication(argc, argv);  // NOLINT: intentional leak
  return *app;
}

/// First member of fixtures that hold widgets: the application exists before they are built.
struct QtAppGuard {
  QtAppGuard() { testApp(); }
};

/// Processes events until `done()` or `timeoutMs`; returns done().
inline bool waitUntil(const std::function<bool()>& done, int timeoutMs = 20000) {
  QElapsedTimer timer;
  timer.start();
  while (!done() && timer.elapsed() < timeoutMs) {
    QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
    QThread::msleep(1);
  }
  return done();
}

inline bool sanitizerBuild() { return std::getenv("MOODPLANE_SANITIZER_BUILD") != nullptr; }

/// `n` songs with ids 1..n; every 10th has no prediction (pending), every 7th has a rating.
inline std::vector<library::SongRecord> syntheticSongs(std::size_t n, unsigned seed = 7) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const char* genres[] = {"Rock", "Jazz", "Ambient", "Pop", "Metal", "Folk", "Electronic",
                          "Classical", "Blues", "Soul"};
  std::vector<library::SongRecord> songs;
  songs.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    library::SongRecord s;
    s.id = static_cast<std::int64_t>(i + 1);
    s.path = "/music/artist" + std::to_string(i % 37) + "/song" + std::to_string(i) + ".flac";
    s.tags.title = "Song " + std::to_string(i);
    s.tags.artist = "Artist " + std::to_string(i % 37);
    s.tags.album = "Album " + std::to_string(i % 11);
    s.tags.genre = genres[i % 10];
    s.durationSeconds = 120 + static_cast<double>(i % 180);
    if (i % 10 == 9) {
      s.status = library::AnalysisStatus::Pending;
    } else {
      s.status = library::AnalysisStatus::Done;
      library::MoodEstimate e;
      e.valence = 0.05 + 0.9 * unit(rng);
      e.arousal = 0.05 + 0.9 * unit(rng);
      const double sv = 0.02 + 0.1 * unit(rng), sa = 0.02 + 0.1 * unit(rng);
      const double rho = -0.6 + 1.2 * unit(rng);
      e.covVV = sv * sv;
      e.covAA = sa * sa;
      e.covVA = rho * sv * sa;
      s.prediction = e;
      s.modelVersion = "test-model-1";
    }
    if (i % 7 == 3) {
      library::MoodEstimate r;
      r.valence = unit(rng);
      r.arousal = unit(rng);
      s.rating = r;
    }
    songs.push_back(std::move(s));
  }
  return songs;
}

/// Writes `songs` (new ids, a content hash derived from the path) into the database at `db`.
inline void fillStore(const std::string& db, const std::vector<library::SongRecord>& songs) {
  auto store = library::LibraryStore::open(db);
  ASSERT_TRUE(store.ok()) << store.error().message;
  ASSERT_TRUE((*store)->beginTransaction().ok());
  for (auto s : songs) {
    s.id = 0;
    s.contentHash = "hash-" + s.path;
    s.size = 1000;
    auto id = (*store)->upsertSong(s);
    ASSERT_TRUE(id.ok()) << id.error().message;
  }
  ASSERT_TRUE((*store)->commit().ok());
}

/// A mono 16-bit PCM WAV of `seconds` of a sine at `hz`.
inline void writeSineWav(const std::string& path, double hz, double seconds, int rate = 22050) {
  const std::uint32_t frames = static_cast<std::uint32_t>(seconds * rate);
  const std::uint32_t dataBytes = frames * 2;
  std::ofstream out(path, std::ios::binary);
  auto u32 = [&](std::uint32_t v) { out.write(reinterpret_cast<const char*>(&v), 4); };
  auto u16 = [&](std::uint16_t v) { out.write(reinterpret_cast<const char*>(&v), 2); };
  out.write("RIFF", 4);
  u32(36 + dataBytes);
  out.write("WAVEfmt ", 8);
  u32(16);
  u16(1);
  u16(1);
  u32(static_cast<std::uint32_t>(rate));
  u32(static_cast<std::uint32_t>(rate) * 2);
  u16(2);
  u16(16);
  out.write("data", 4);
  u32(dataBytes);
  for (std::uint32_t i = 0; i < frames; ++i) {
    const double x = 0.3 * std::sin(2.0 * M_PI * hz * i / rate);
    u16(static_cast<std::uint16_t>(static_cast<std::int16_t>(std::lround(x * 32767))));
  }
}

}  // namespace mp::test
