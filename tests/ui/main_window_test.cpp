// The main window over a real library database: loading, welcome state, selection sync between
// plane and table, settings round trip, a screenshot; and the 10 000-song benchmark.
#include "core/library/library_store.h"
#include "tests/common/temp_dir.h"
#include "tests/ui/ui_test_support.h"
#include "ui/library_store_worker.h"
#include "ui/library_table_model.h"
#include "ui/main_window.h"
#include "ui/mood_plane_widget.h"
#include "ui/playlist_panel.h"
#include "ui/song_panel.h"

#include <QDir>
#include <QElapsedTimer>
#include <QItemSelectionModel>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

#include <gtest/gtest.h>

#include <cstdio>

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

QString screenshotPath(const QString& name) {
  const QByteArray out = qgetenv("OUT");
  const QString dir = out.isEmpty() ? QDir::currentPath() : QString::fromLocal8Bit(out);
  QDir().mkpath(dir);
  return QDir(dir).filePath(name);
}

TEST(MainWindow, EmptyLibraryShowsTheWelcomeState) {
  test::testApp();
  test::TempDir dir;
  MainWindow window(optionsFor(dir));
  QSignalSpy loaded(&window, &MainWindow::libraryLoaded);
  window.show();
  ASSERT_TRUE(test::waitUntil([&] { return loaded.count() > 0; }));
  EXPECT_TRUE(window.welcomeShown());
  EXPECT_EQ(window.plane()->plottedPointCount(), 0u);
}

TEST(MainWindow, LoadsTheLibrarySyncsSelectionAndSavesAScreenshot) {
  test::testApp();
  test::TempDir dir;
  auto songs = test::syntheticSongs(300, 13);
  test::fillStore(dir.file("library.sqlite"), songs);
  MainWindow window(optionsFor(dir));
  QSignalSpy loaded(&window, &MainWindow::libraryLoaded);
  window.resize(1400, 900);
  window.show();
  ASSERT_TRUE(test::waitUntil([&] { return loaded.count() > 0; }));
  EXPECT_FALSE(window.welcomeShown());
  std::size_t analysed = 0;
  for (const auto& s : songs) analysed += s.prediction.has_value();
  EXPECT_EQ(window.plane()->plottedPointCount(), analysed);
  EXPECT_EQ(window.filterModel()->rowCount(), 300);

  // Plane -> table.
  const qint64 id = window.library()->songs[5].id;
  Q_EMIT window.plane()->selectionChanged({id});
  const auto rows = window.table()->selectionModel()->selectedRows();
  ASSERT_EQ(rows.size(), 1);
  EXPECT_EQ(rows[0].data(LibraryTableModel::SongIdRole).toLongLong(), id);
  EXPECT_FALSE(window.songPanel()->fieldText(QStringLiteral("title")).isEmpty());
  // Table -> plane.
  const QModelIndex other = window.filterModel()->index(10, 0);
  window.table()->selectionModel()->select(other, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
  ASSERT_EQ(window.plane()->selectedSongs().size(), 1);
  EXPECT_EQ(window.plane()->selectedSongs().first(), other.data(LibraryTableModel::SongIdRole).toLongLong());

  // A region builds the playlist; then save a screenshot of the whole window.
  window.plane()->setRegion(library::RectRegion{0.55, 0.55, 0.95, 0.95});
  ASSERT_TRUE(test::waitUntil([&] { return !window.playlist()->rankingPending(); }));
  EXPECT_FALSE(window.playlist()->entries().empty());
  window.plane()->setEllipsesVisible(true);
  QCoreApplication::processEvents();
  const QPixmap shot = window.grab();
  EXPECT_GE(shot.width(), 1000);
  const QString path = screenshotPath(QStringLiteral("ui-test-main-window.png"));
  EXPECT_TRUE(shot.save(path));
  std::printf("[ screenshot ] %s\n", qPrintable(path));

  // Playlists saved through the window land in the database and come back.
  QSignalSpy saved(window.store(), &LibraryStoreWorker::playlistSaved);
  window.playlist()->saveAs(QStringLiteral("Happy"));
  ASSERT_TRUE(test::waitUntil([&] { return saved.count() > 0; }));
  ASSERT_TRUE(test::waitUntil([&] { return !window.library()->playlists.empty(); }));
  EXPECT_EQ(window.library()->playlists.front().name, "Happy");
}

TEST(MainWindow, SettingsSurviveARestart) {
  test::testApp();
  test::TempDir dir;
  std::filesystem::create_directories(dir.path() / "music");
  {
    MainWindow window(optionsFor(dir));
    window.setColourBy(ColourBy::Uncertainty);
    window.plane()->setEllipsesVisible(true);
    window.findChildren<QAction*>();  // menus built
    for (QAction* a : window.findChildren<QAction*>())
      if (a->text().contains(QStringLiteral("ellipses")) && a->isCheckable()) a->setChecked(true);
    window.addFolder(QString::fromStdString((dir.path() / "music").string()));  // no model: no scan
    window.close();
  }
  MainWindow again(optionsFor(dir));
  EXPECT_EQ(again.plane()->colourBy(), ColourBy::Uncertainty);
  EXPECT_TRUE(again.plane()->ellipsesVisible());
  ASSERT_EQ(again.roots().size(), 1);
  EXPECT_TRUE(again.roots().first().endsWith(QStringLiteral("/music")));
}

TEST(MainWindow, CorruptDatabaseIsReportedNotOverwritten) {
  test::testApp();
  test::TempDir dir;
  {
    std::ofstream out(dir.file("library.sqlite"));
    out << "garbage garbage garbage";
  }
  MainWindow window(optionsFor(dir));
  QSignalSpy failed(window.store(), &LibraryStoreWorker::failed);
  window.show();
  ASSERT_TRUE(test::waitUntil([&] { return failed.count() > 0; }));
  EXPECT_TRUE(window.welcomeShown());
  std::ifstream in(dir.file("library.sqlite"));
  std::string text;
  std::getline(in, text);
  EXPECT_EQ(text, "garbage garbage garbage");
}

TEST(Benchmark, TenThousandSongsLoadIntoPlaneAndTableAndRender) {
  test::testApp();
  const std::size_t n = test::sanitizerBuild() ? 2000 : 10000;
  auto snap = makeSnapshot(test::syntheticSongs(n, 99));
  MoodPlaneWidget plane;
  plane.resize(1000, 800);
  plane.show();
  LibraryTableModel model;
  LibraryFilterModel filter;
  filter.setSourceModel(&model);
  QTableView table;
  table.setModel(&filter);
  table.setSortingEnabled(true);
  table.resize(1000, 400);
  table.show();
  QCoreApplication::processEvents();

  QElapsedTimer timer;
  timer.start();
  plane.setLibrary(snap);
  model.setLibrary(snap);
  const QPixmap planeShot = plane.grab();
  const QPixmap tableShot = table.grab();
  const double loadRender = timer.elapsed() / 1000.0;
  timer.restart();
  plane.setEllipsesVisible(true);
  const QPixmap ellipseShot = plane.grab();
  const double ellipses = timer.elapsed() / 1000.0;
  timer.restart();
  const int hovers = 2000;
  std::size_t found = 0;
  for (int i = 0; i < hovers; ++i)
    found += plane.songAt(QPointF(50 + (i * 37) % 900, 40 + (i * 53) % 700)).has_value();
  const double hoverUs = timer.nsecsElapsed() / 1000.0 / hovers;
  timer.restart();
  plane.setSelectedSongs({1, 2, 3});
  QCoreApplication::processEvents();
  const double overlay = timer.elapsed() / 1000.0;
  std::printf("[ bench ] %zu songs: load into plane + table and render %.3f s (target < 2 s); "
              "all ellipses on + render %.3f s; hover lookup %.1f us (%zu hits); selection "
              "overlay %.3f s\n",
              n, loadRender, ellipses, hoverUs, found, overlay);
  EXPECT_EQ(plane.plottedPointCount(), n - n / 10);
  EXPECT_FALSE(planeShot.isNull());
  EXPECT_FALSE(tableShot.isNull());
  EXPECT_FALSE(ellipseShot.isNull());
}

}  // namespace
}  // namespace mp::ui
