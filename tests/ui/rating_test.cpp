// The listener's ratings in the GUI: drag a point in rating mode (undo / redo), the song panel's
// editor, rating rings on the plane and the table's rating column. Every rating is checked in
// the database through a separate connection.
#include "core/library/library_store.h"
#include "core/library/ratings_csv.h"
#include "tests/common/temp_dir.h"
#include "tests/ui/ui_test_support.h"
#include "ui/library_store_worker.h"
#include "ui/library_table_model.h"
#include "ui/main_window.h"
#include "ui/mood_plane_widget.h"
#include "ui/song_panel.h"

#include <QAction>
#include <QDoubleSpinBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QUndoStack>

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

namespace mp::ui {
namespace {

MainWindowOptions optionsFor(const test::TempDir& dir) {
  MainWindowOptions o;
  o.databasePath = QString::fromStdString(dir.file("library.sqlite"));
  o.settingsPath = QString::fromStdString(dir.file("settings.ini"));
  o.rescanOnStartup = false;
  o.probeAudioDevices = false;
  o.modelError = QStringLiteral("no model file (test)");
  return o;
}

std::vector<library::SongRecord> unratedSongs(std::size_t n, unsigned seed) {
  auto songs = test::syntheticSongs(n, seed);
  for (auto& s : songs) s.rating.reset();
  return songs;
}

/// The rating stored for `path`, read through a fresh connection of its own.
std::optional<library::MoodEstimate> storedRating(const test::TempDir& dir, const std::string& path) {
  auto store = library::LibraryStore::open(dir.file("library.sqlite"));
  EXPECT_TRUE(store.ok());
  if (!store) return std::nullopt;
  auto r = (*store)->rating(path);
  EXPECT_TRUE(r.ok());
  return r ? *r : std::nullopt;
}

/// Plane coordinates of a widget pixel from the axis ranges and the axis rectangle (QCustomPlot's
/// linear mapping, written out here independently of the widget's planeAt()).
QPointF expectedPlanePoint(const MoodPlaneWidget& plane, const QPoint& pixel) {
  const QRect r = plane.axisRect()->rect();
  const QCPRange x = plane.xAxis->range(), y = plane.yAxis->range();
  return {x.lower + (pixel.x() - r.left()) * x.size() / r.width(),
          y.lower + (r.top() + r.height() - pixel.y()) * y.size() / r.height()};
}

struct RatingWindow : ::testing::Test {
  void SetUp() override {
    test::fillStore(dir.file("library.sqlite"), unratedSongs(120, 21));
    window = std::make_unique<MainWindow>(optionsFor(dir));
    window->resize(1400, 900);
    window->show();
    ASSERT_TRUE(test::waitUntil([&] { return window->library() && !window->library()->songs.empty(); }));
  }
  void TearDown() override { window.reset(); }
  /// Waits until the store has written and re-read the library after a rating change.
  bool settle() {
    window->store()->waitForIdle();
    QCoreApplication::processEvents();
    return test::waitUntil([&] { return true; });
  }
  const library::SongRecord& song(qint64 id) const { return *window->library()->find(id); }

  test::QtAppGuard app;
  test::TempDir dir;
  std::unique_ptr<MainWindow> window;
};

TEST_F(RatingWindow, DraggingAPointStoresTheDroppedPlacementWithUndoAndRedo) {
  MoodPlaneWidget& plane = *window->plane();
  // A song whose point is not shared with a neighbour within the hover radius.
  const library::SongRecord* target = nullptr;
  for (const auto& s : window->library()->songs) {
    if (!s.prediction) continue;
    const QPoint at = plane.pixelFor(s.prediction->valence, s.prediction->arousal).toPoint();
    if (plane.songAt(at) == s.id && s.prediction->valence < 0.7 && s.prediction->arousal < 0.7) {
      target = &s;
      break;
    }
  }
  ASSERT_NE(target, nullptr);
  const qint64 id = target->id;
  const std::string path = target->path;
  const QPoint from = plane.pixelFor(target->prediction->valence, target->prediction->arousal).toPoint();
  const QPoint to = from + QPoint(70, -55);
  const QPointF expected = expectedPlanePoint(plane, to);
  const double pixel = plane.xAxis->range().size() / plane.axisRect()->width();

  // Without rating mode the same drag draws a region and rates nothing.
  QSignalSpy rated(&plane, &MoodPlaneWidget::songRated);
  QTest::mousePress(&plane, Qt::LeftButton, Qt::NoModifier, from);
  QTest::mouseMove(&plane, from + QPoint(30, -20));
  QTest::mouseMove(&plane, to);
  QTest::mouseRelease(&plane, Qt::LeftButton, Qt::NoModifier, to);
  EXPECT_EQ(rated.count(), 0);
  EXPECT_TRUE(plane.region().has_value());

  window->ratingModeAction()->setChecked(true);
  QTest::mousePress(&plane, Qt::LeftButton, Qt::NoModifier, from);
  QTest::mouseMove(&plane, from + QPoint(30, -20));
  QTest::mouseMove(&plane, to);
  QTest::mouseRelease(&plane, Qt::LeftButton, Qt::NoModifier, to);
  ASSERT_EQ(rated.count(), 1);
  settle();
  auto stored = storedRating(dir, path);
  ASSERT_TRUE(stored.has_value());
  EXPECT_NEAR(stored->valence, expected.x(), 1.01 * pixel);
  EXPECT_NEAR(stored->arousal, expected.y(), 1.01 * pixel);
  ASSERT_TRUE(test::waitUntil([&] { return song(id).rating.has_value(); }));
  EXPECT_NEAR(song(id).rating->valence, stored->valence, 1e-12);  // the window shows it
  EXPECT_EQ(window->undoStack()->count(), 1);

  // Undo (Ctrl+Z) removes it, redo (Ctrl+Shift+Z) restores it.
  window->activateWindow();
  QApplication::setActiveWindow(window.get());
  QTest::keyClick(window.get(), Qt::Key_Z, Qt::ControlModifier);
  settle();
  EXPECT_FALSE(storedRating(dir, path).has_value());
  ASSERT_TRUE(test::waitUntil([&] { return !song(id).rating.has_value(); }));
  QTest::keyClick(window.get(), Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
  settle();
  auto again = storedRating(dir, path);
  ASSERT_TRUE(again.has_value());
  EXPECT_DOUBLE_EQ(again->valence, stored->valence);
  EXPECT_DOUBLE_EQ(again->arousal, stored->arousal);

  // Dragging the rating ring moves the rating; one undo goes back to the first rating.
  ASSERT_TRUE(test::waitUntil([&] { return song(id).rating.has_value(); }));
  const QPoint ring = plane.pixelFor(again->valence, again->arousal).toPoint();
  const QPoint ring2 = ring + QPoint(-40, 60);
  const QPointF expected2 = expectedPlanePoint(plane, ring2);
  QTest::mousePress(&plane, Qt::LeftButton, Qt::NoModifier, ring);
  QTest::mouseMove(&plane, ring + QPoint(-10, 20));
  QTest::mouseMove(&plane, ring2);
  QTest::mouseRelease(&plane, Qt::LeftButton, Qt::NoModifier, ring2);
  settle();
  auto moved = storedRating(dir, path);
  ASSERT_TRUE(moved.has_value());
  EXPECT_NEAR(moved->valence, expected2.x(), 1.01 * pixel);
  EXPECT_NEAR(moved->arousal, expected2.y(), 1.01 * pixel);
  window->undoStack()->undo();
  settle();
  auto back = storedRating(dir, path);
  ASSERT_TRUE(back.has_value());
  EXPECT_DOUBLE_EQ(back->valence, stored->valence);
}

TEST_F(RatingWindow, DropsOutsideThePlaneAreClampedToIt) {
  MoodPlaneWidget& plane = *window->plane();
  window->ratingModeAction()->setChecked(true);
  const auto& s = window->library()->songs[0];
  ASSERT_TRUE(s.prediction);
  const QPoint from = plane.pixelFor(s.prediction->valence, s.prediction->arousal).toPoint();
  const qint64 id = plane.songAt(from).value_or(0);
  ASSERT_NE(id, 0);
  const QPoint outside = plane.pixelFor(1.02, -0.02).toPoint();  // inside the margin, off [0, 1]
  QTest::mousePress(&plane, Qt::LeftButton, Qt::NoModifier, from);
  QTest::mouseMove(&plane, from + QPoint(10, 10));
  QTest::mouseMove(&plane, outside);
  QTest::mouseRelease(&plane, Qt::LeftButton, Qt::NoModifier, outside);
  settle();
  auto stored = storedRating(dir, song(id).path);
  ASSERT_TRUE(stored.has_value());
  EXPECT_DOUBLE_EQ(stored->valence, 1.0);
  EXPECT_DOUBLE_EQ(stored->arousal, 0.0);
}

TEST_F(RatingWindow, SongPanelEditorStoresAndClearsTheRating) {
  const auto& s = window->library()->songs[3];
  const qint64 id = s.id;
  const std::string path = s.path;
  window->selectSongs({id});
  SongPanel& panel = *window->songPanel();
  ASSERT_EQ(panel.songId(), id);
  EXPECT_FALSE(panel.clearRatingButton()->isEnabled());
  panel.valenceEditor()->setValue(0.15);
  panel.arousalEditor()->setValue(0.85);
  QTest::mouseClick(panel.rateButton(), Qt::LeftButton);
  settle();
  auto stored = storedRating(dir, path);
  ASSERT_TRUE(stored.has_value());
  EXPECT_DOUBLE_EQ(stored->valence, 0.15);
  EXPECT_DOUBLE_EQ(stored->arousal, 0.85);
  ASSERT_TRUE(test::waitUntil([&] { return song(id).rating.has_value(); }));
  EXPECT_EQ(panel.fieldText(QStringLiteral("rating")), QStringLiteral("(0.15, 0.85)"));
  EXPECT_TRUE(panel.clearRatingButton()->isEnabled());
  // The table's rating column shows it.
  const QModelIndex cell = window->filterModel()->mapFromSource(
      window->filterModel()->sourceModel()->index(
          static_cast<LibraryTableModel*>(window->filterModel()->sourceModel())->rowOfSong(id),
          LibraryTableModel::Rating));
  EXPECT_EQ(cell.data().toString(), QStringLiteral("0.15, 0.85"));

  QTest::mouseClick(panel.clearRatingButton(), Qt::LeftButton);
  settle();
  EXPECT_FALSE(storedRating(dir, path).has_value());
  window->undoStack()->undo();  // clearing is undoable too
  settle();
  ASSERT_TRUE(storedRating(dir, path).has_value());
}

TEST_F(RatingWindow, RatingsExportToCsvAndImportIntoAnotherLibrary) {
  const auto& songs = window->library()->songs;
  const library::SongRecord a = songs[2], b = songs[7];
  window->rateSong(a.id, 0.125, 0.75);
  window->rateSong(b.id, 0.9, 0.0625);
  QSignalSpy csv(window->store(), &LibraryStoreWorker::ratingsCsvDone);
  const QString file = QString::fromStdString(dir.file("ratings.csv"));
  window->exportRatings(file);
  ASSERT_TRUE(test::waitUntil([&] { return csv.count() == 1; }));
  EXPECT_TRUE(csv.first().at(0).toBool()) << csv.first().at(1).toString().toStdString();
  std::ifstream in(file.toStdString());
  std::stringstream text;
  text << in.rdbuf();
  auto parsed = library::parseRatingsCsv(text.str());
  ASSERT_TRUE(parsed.ok());
  ASSERT_EQ(parsed->rows.size(), 2u);
  std::map<std::string, std::pair<double, double>> rows;
  for (const auto& r : parsed->rows) rows[r.path] = {r.valence, r.arousal};
  EXPECT_EQ(rows.at(a.path), std::make_pair(0.125, 0.75));
  EXPECT_EQ(rows.at(b.path), std::make_pair(0.9, 0.0625));

  // Another machine: the same songs, no ratings; importing through its window stores them.
  test::TempDir other;
  test::fillStore(other.file("library.sqlite"), unratedSongs(120, 21));
  MainWindow second(optionsFor(other));
  ASSERT_TRUE(test::waitUntil([&] { return second.library() && !second.library()->songs.empty(); }));
  QSignalSpy imported(second.store(), &LibraryStoreWorker::ratingsCsvDone);
  second.importRatings(file);
  ASSERT_TRUE(test::waitUntil([&] { return imported.count() == 1; }));
  EXPECT_TRUE(imported.first().at(0).toBool()) << imported.first().at(1).toString().toStdString();
  second.store()->waitForIdle();
  auto ra = storedRating(other, a.path), rb = storedRating(other, b.path);
  ASSERT_TRUE(ra && rb);
  EXPECT_DOUBLE_EQ(ra->valence, 0.125);
  EXPECT_DOUBLE_EQ(ra->arousal, 0.75);
  EXPECT_DOUBLE_EQ(rb->valence, 0.9);
  EXPECT_DOUBLE_EQ(rb->arousal, 0.0625);
  ASSERT_TRUE(test::waitUntil([&] { return second.library()->find(second.library()->songs[2].id)->rating.has_value(); }));

  // A file that is not a ratings CSV is reported, and nothing changes.
  { std::ofstream(other.file("junk.csv")) << "nothing,useful\n1,2\n"; }
  imported.clear();
  second.importRatings(QString::fromStdString(other.file("junk.csv")));
  ASSERT_TRUE(test::waitUntil([&] { return imported.count() == 1; }));
  EXPECT_FALSE(imported.first().at(0).toBool());
  auto count = library::LibraryStore::open(other.file("library.sqlite"));
  EXPECT_EQ(*(*count)->ratingCount(), 2);
}

TEST(RatingMarkers, RatedSongsGetAHollowRingAtTheRating) {
  test::testApp();
  MoodPlaneWidget plane;
  plane.resize(600, 600);
  plane.show();
  QCoreApplication::processEvents();
  std::vector<library::SongRecord> songs(3);
  for (int i = 0; i < 3; ++i) {
    songs[i].id = i + 1;
    songs[i].path = "/m/" + std::to_string(i);
    songs[i].prediction = library::MoodEstimate{0.2 + 0.3 * i, 0.25, 0.001, 0.0, 0.001};
  }
  songs[0].rating = library::MoodEstimate{0.75, 0.8, 0, 0, 0};
  songs[2].rating = library::MoodEstimate{0.3, 0.7, 0, 0, 0};
  plane.setLibrary(makeSnapshot(songs));
  EXPECT_EQ(plane.ratingMarkerCount(), 2);
  EXPECT_EQ(plane.ratingMarkerOf(1), QPointF(0.75, 0.8));
  EXPECT_FALSE(plane.ratingMarkerOf(2).has_value());
  EXPECT_EQ(plane.plottedPointCount(), 3u);  // the predictions are still drawn

  // Pixels: the ring's centre shows the plane's background, its edge the ring pen.
  const QImage image = plane.grab().toImage();
  const double dpr = image.devicePixelRatio();
  const QColor base = plane.palette().color(QPalette::Base);
  auto at = [&](QPointF p) { return image.pixelColor((p * dpr).toPoint()); };
  auto differs = [&](const QColor& c) {
    return std::abs(c.red() - base.red()) + std::abs(c.green() - base.green()) + std::abs(c.blue() - base.blue());
  };
  const QPointF centre = plane.pixelFor(0.75, 0.8);
  // Inside the ring, off the thin line that joins it to the prediction (lower left, 45 degrees).
  EXPECT_LT(differs(at(centre + QPointF(2.0, 2.0))), 30) << "the ring is hollow";
  EXPECT_LT(differs(at(centre + QPointF(-2.0, -2.0))), 30) << "the ring is hollow";
  int inked = 0;
  for (int k = 0; k < 16; ++k) {
    const double phi = k * M_PI / 8;
    inked += differs(at(centre + QPointF(5 * std::cos(phi), 5 * std::sin(phi)))) > 150;
  }
  EXPECT_GE(inked, 8) << "a ring of radius ~5 px is drawn";
  const QPointF empty = plane.pixelFor(0.9, 0.55);
  EXPECT_LT(differs(at(empty)), 30);
}

}  // namespace
}  // namespace mp::ui
