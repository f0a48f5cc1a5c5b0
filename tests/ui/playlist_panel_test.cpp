// The playlist panel: region drags on the plane rank the library like probabilityInRegion does;
// limits, M3U/XSPF export, save/rename requests.
#include "core/library/playlist_io.h"
#include "core/library/region.h"
#include "tests/common/temp_dir.h"
#include "tests/ui/ui_test_support.h"
#include "ui/mood_plane_widget.h"
#include "ui/playlist_panel.h"

#include <QSignalSpy>
#include <QTest>

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace mp::ui {
namespace {

std::vector<library::SongRecord> songsWithoutRatings(std::size_t n, unsigned seed) {
  auto songs = test::syntheticSongs(n, seed);
  for (auto& s : songs) s.rating.reset();
  return songs;
}

/// Direct reference: P for every analysed song, p >= minP, sorted by descending p, top k.
std::vector<std::pair<double, qint64>> reference(const std::vector<library::SongRecord>& songs,
                                                 const library::Region& region, double minP,
                                                 std::size_t k) {
  std::vector<std::pair<double, qint64>> out;
  for (const auto& s : songs) {
    if (!s.prediction) continue;
    const double p = library::probabilityInRegion(*s.prediction, region);
    if (p >= minP) out.emplace_back(p, s.id);
  }
  std::stable_sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.first > b.first; });
  if (k > 0 && out.size() > k) out.resize(k);
  return out;
}

struct PanelFixture : ::testing::Test {
  void SetUp() override {
    test::testApp();
    plane.resize(600, 600);
    plane.show();
    QObject::connect(&plane, &MoodPlaneWidget::regionChanged, &panel, &PlaylistPanel::setRegion);
    QCoreApplication::processEvents();
  }
  void settle() { ASSERT_TRUE(test::waitUntil([&] { return !panel.rankingPending(); })); }
  test::QtAppGuard app;
  MoodPlaneWidget plane;
  PlaylistPanel panel;
};

TEST_F(PanelFixture, RectangleDragRanksLikeProbabilityInRegion) {
  const auto songs = songsWithoutRatings(400, 21);
  const auto snap = makeSnapshot(songs);
  plane.setLibrary(snap);
  panel.setLibrary(snap);
  panel.setLimit(40);
  panel.setMinProbability(0.05);
  QSignalSpy regions(&plane, &MoodPlaneWidget::regionChanged);
  const QPoint from = plane.pixelFor(0.55, 0.55).toPoint();
  const QPoint to = plane.pixelFor(0.95, 0.9).toPoint();
  QTest::mousePress(&plane, Qt::LeftButton, Qt::NoModifier, from);
  QTest::mouseMove(&plane, plane.pixelFor(0.7, 0.7).toPoint());
  QTest::mouseMove(&plane, to);
  QTest::mouseRelease(&plane, Qt::LeftButton, Qt::NoModifier, to);
  ASSERT_GE(regions.count(), 2);
  settle();
  const auto region = regions.last().at(0).value<library::Region>();
  const auto expected = reference(songs, region, 0.05, 40);
  const auto& got = panel.entries();
  ASSERT_EQ(got.size(), expected.size());
  ASSERT_FALSE(got.empty());
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_NEAR(got[i].probability, expected[i].first, 1e-9) << "rank " << i;
    const auto* song = snap->find(got[i].songId);
    ASSERT_NE(song, nullptr);
    EXPECT_NEAR(library::probabilityInRegion(*song->prediction, region), got[i].probability, 1e-9);
    if (i > 0) {
      EXPECT_GE(got[i - 1].probability, got[i].probability);
    }
  }
}

TEST_F(PanelFixture, LimitAndThresholdBoundTheList) {
  const auto songs = songsWithoutRatings(300, 4);
  const auto snap = makeSnapshot(songs);
  panel.setLibrary(snap);
  const library::Region region = library::CircleRegion{0.5, 0.5, 0.3};
  panel.setRegion(region);
  panel.setLimit(0);
  panel.setMinProbability(0.5);
  settle();
  const auto all = reference(songs, region, 0.5, 0);
  EXPECT_EQ(panel.entries().size(), all.size());
  for (const auto& e : panel.entries()) EXPECT_GE(e.probability, 0.5);
  panel.setLimit(7);
  settle();
  EXPECT_EQ(panel.entries().size(), std::min<std::size_t>(7, all.size()));
  panel.clearRegion();
  EXPECT_TRUE(panel.entries().empty());
}

TEST_F(PanelFixture, ExportsTheRankedListAsM3uAndXspf) {
  const auto songs = songsWithoutRatings(120, 8);
  const auto snap = makeSnapshot(songs);
  panel.setLibrary(snap);
  panel.setRegion(library::RectRegion{0.0, 0.5, 0.5, 1.0});
  settle();
  ASSERT_FALSE(panel.entries().empty());
  test::TempDir dir;
  const QString m3u = QString::fromStdString(dir.file("region.m3u"));
  ASSERT_TRUE(panel.exportTo(m3u, library::PlaylistFormat::M3u).ok());
  std::ifstream in(m3u.toStdString());
  std::vector<std::string> paths;
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && line[0] != '#') paths.push_back(line);
  ASSERT_EQ(paths.size(), panel.entries().size());
  for (std::size_t i = 0; i < paths.size(); ++i)
    EXPECT_EQ(paths[i], snap->find(panel.entries()[i].songId)->path) << i;

  const QString xspf = QString::fromStdString(dir.file("region.xspf"));
  ASSERT_TRUE(panel.exportTo(xspf, library::PlaylistFormat::Xspf).ok());
  auto back = library::loadPlaylistFile(xspf.toStdString());
  ASSERT_TRUE(back.ok()) << back.error().message;
  ASSERT_EQ(back->size(), panel.entries().size());
  EXPECT_EQ((*back)[0].path, snap->find(panel.entries()[0].songId)->path);

  // Nothing to export, and an unwritable target: errors, not crashes.
  panel.clearRegion();
  EXPECT_FALSE(panel.exportTo(m3u, library::PlaylistFormat::M3u).ok());
  panel.setRegion(library::RectRegion{0.0, 0.5, 0.5, 1.0});
  settle();
  EXPECT_FALSE(panel.exportTo(QStringLiteral("/nonexistent-dir/x.m3u"), library::PlaylistFormat::M3u).ok());
}

TEST_F(PanelFixture, SaveRenameAndReopenGoThroughTheStoreSignals) {
  const auto songs = songsWithoutRatings(80, 2);
  panel.setLibrary(makeSnapshot(songs));
  panel.setRegion(library::CircleRegion{0.5, 0.5, 0.25});
  settle();
  ASSERT_FALSE(panel.entries().empty());
  QSignalSpy saves(&panel, &PlaylistPanel::saveRequested);
  panel.saveAs(QStringLiteral("  Evening  "));
  ASSERT_EQ(saves.count(), 1);
  auto saved = saves.last().at(0).value<library::Playlist>();
  EXPECT_EQ(saved.id, 0);
  EXPECT_EQ(saved.name, "Evening");
  ASSERT_EQ(saved.songIds.size(), panel.entries().size());
  EXPECT_EQ(saved.songIds.front(), panel.entries().front().songId);

  // The store answers with a new snapshot holding the playlist; re-open and rename it.
  saved.id = 42;
  panel.setLibrary(makeSnapshot(songs, {saved}));
  panel.openSavedPlaylist(42);
  EXPECT_EQ(panel.openPlaylistId(), 42);
  ASSERT_EQ(panel.entries().size(), saved.songIds.size());
  EXPECT_LT(panel.entries().front().probability, 0.0);  // a saved list has no region probability
  panel.rename(QStringLiteral("Late evening"));
  ASSERT_EQ(saves.count(), 2);
  const auto renamed = saves.last().at(0).value<library::Playlist>();
  EXPECT_EQ(renamed.id, 42);
  EXPECT_EQ(renamed.name, "Late evening");
  EXPECT_EQ(renamed.songIds, saved.songIds);
  // A new region switches back to the ranking.
  panel.setRegion(library::CircleRegion{0.5, 0.5, 0.25});
  settle();
  EXPECT_EQ(panel.openPlaylistId(), 0);
}

}  // namespace
}  // namespace mp::ui

