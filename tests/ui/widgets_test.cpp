// Player bar without an audio device, the library table (sort, filter), the song panel.
#include "tests/ui/ui_test_support.h"
#include "ui/covariance_ellipse.h"
#include "ui/library_table_model.h"
#include "ui/player_bar.h"
#include "ui/song_panel.h"

#include <QAudioDevice>
#include <QMediaDevices>
#include <QSignalSpy>

#include <gtest/gtest.h>

namespace mp::ui {
namespace {

TEST(PlayerBar, WithoutAnAudioDeviceItIsDisabledAndSaysWhy) {
  test::testApp();
  PlayerBar bar(nullptr, /*probeDevices=*/false);
  bar.show();
  EXPECT_FALSE(bar.available());
  EXPECT_FALSE(bar.statusText().isEmpty());
  auto songs = test::syntheticSongs(5);
  bar.setLibrary(makeSnapshot(songs));
  QSignalSpy current(&bar, &PlayerBar::currentSongChanged);
  bar.playQueue({2, 3}, 0);  // no crash; the song is still "current" for the plane highlight
  bar.togglePlayPause();
  bar.next();
  bar.previous();
  ASSERT_GE(current.count(), 1);
  EXPECT_EQ(current.first().at(0).toLongLong(), 2);
}

TEST(PlayerBar, ProbesTheRealDevicesBeforeAttachingAnOutput) {
  test::testApp();
  const bool haveDevice = !QMediaDevices::audioOutputs().isEmpty();
  PlayerBar bar;
  EXPECT_EQ(bar.available(), haveDevice);
  if (!haveDevice) {
    EXPECT_TRUE(bar.statusText().contains(QStringLiteral("No audio output")))
        << bar.statusText().toStdString();
    bar.setLibrary(makeSnapshot(test::syntheticSongs(3)));
    bar.playQueue({1}, 0);
    EXPECT_EQ(bar.currentSong(), 1);
  }
}

TEST(LibraryTable, SortsNumericallyAndFiltersByText) {
  test::testApp();
  auto songs = test::syntheticSongs(200, 3);
  LibraryTableModel model;
  LibraryFilterModel filter;
  filter.setSourceModel(&model);
  model.setLibrary(makeSnapshot(songs));
  ASSERT_EQ(model.rowCount(), 200);
  filter.sort(LibraryTableModel::Valence, Qt::AscendingOrder);
  double previous = -10;
  for (int r = 0; r < filter.rowCount(); ++r) {
    const double v = filter.index(r, LibraryTableModel::Valence).data(LibraryTableModel::SortRole).toDouble();
    EXPECT_GE(v, previous) << r;
    previous = v;
  }
  filter.setFilterFixedString(QStringLiteral("artist 5"));  // Artist 5 and Artist 50.. (none >36)
  int expected = 0;
  for (const auto& s : songs) expected += s.tags.artist == "Artist 5";
  EXPECT_EQ(filter.rowCount(), expected);
  filter.setFilterFixedString(QStringLiteral("JAZZ"));  // case-insensitive, genre column
  EXPECT_EQ(filter.rowCount(), 20);
  // Ids survive the proxy.
  const QModelIndex first = filter.index(0, 0);
  const qint64 id = first.data(LibraryTableModel::SongIdRole).toLongLong();
  EXPECT_EQ(model.rowOfSong(id), filter.mapToSource(first).row());
}

TEST(SongPanel, ShowsSigmasCorrelationAndFailureReason) {
  test::testApp();
  SongPanel panel;
  library::SongRecord s;
  s.id = 1;
  s.path = "/music/a/b.flac";
  s.tags.title = "B";
  s.status = library::AnalysisStatus::Done;
  s.prediction = library::MoodEstimate{0.25, 0.75, 0.04, -0.012, 0.01};  // σv .2, σa .1, ρ -.6
  panel.setSong(&s);
  EXPECT_EQ(panel.fieldText(QStringLiteral("title")), QStringLiteral("B"));
  EXPECT_TRUE(panel.fieldText(QStringLiteral("valence")).contains(QStringLiteral("0.250")));
  EXPECT_TRUE(panel.fieldText(QStringLiteral("valence")).contains(QStringLiteral("σ 0.200")));
  EXPECT_TRUE(panel.fieldText(QStringLiteral("arousal")).contains(QStringLiteral("σ 0.100")));
  EXPECT_EQ(panel.fieldText(QStringLiteral("rho")), QStringLiteral("-0.60"));
  EXPECT_EQ(panel.fieldText(QStringLiteral("location")), QStringLiteral("/music/a/b.flac"));
  library::SongRecord bad;
  bad.path = "/music/broken.mp3";
  bad.status = library::AnalysisStatus::Failed;
  bad.failureReason = "truncated MP3 frame";
  panel.setSong(&bad);
  EXPECT_TRUE(panel.fieldText(QStringLiteral("status")).contains(QStringLiteral("truncated MP3 frame")));
  EXPECT_EQ(panel.fieldText(QStringLiteral("valence")), QStringLiteral("—"));
  panel.setSong(nullptr);  // nothing selected: no crash
}

}  // namespace
}  // namespace mp::ui
