// Folder watching (new files and sub-folder changes, debounced; the periodic fallback) and
// dropping a folder onto the main window.
#include "tests/common/temp_dir.h"
#include "tests/ui/ui_test_support.h"
#include "ui/folder_watcher.h"
#include "ui/main_window.h"

#include <QDragEnterEvent>
#include <QDropEvent>
#include <QMimeData>
#include <QSignalSpy>
#include <QTest>
#include <QUrl>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace mp::ui {
namespace {

namespace fs = std::filesystem;

TEST(FolderWatcher, ABurstOfNewFilesGivesOneDebouncedRescan) {
  test::testApp();
  test::TempDir dir;
  fs::create_directories(dir.path() / "music" / "album");
  FolderWatcher watcher;
  watcher.setDebounceMs(400);
  watcher.setFallbackIntervalMs(0);
  watcher.setRoots({QString::fromStdString((dir.path() / "music").string())});
  QSignalSpy rescan(&watcher, &FolderWatcher::rescanNeeded);
  QTest::qWait(50);
  EXPECT_EQ(rescan.count(), 0);  // nothing changed yet
  for (int i = 0; i < 5; ++i) std::ofstream(dir.path() / "music" / ("new" + std::to_string(i) + ".wav")) << "x";
  ASSERT_TRUE(test::waitUntil([&] { return rescan.count() >= 1; }, 5000));
  QTest::qWait(800);  // longer than the debounce: no second signal for the same burst
  EXPECT_EQ(rescan.count(), 1);
  // A file in a watched sub-folder.
  std::ofstream(dir.path() / "music" / "album" / "track.wav") << "x";
  ASSERT_TRUE(test::waitUntil([&] { return rescan.count() == 2; }, 5000));
}

TEST(FolderWatcher, FallbackTimerRescansWithoutChangesAndStopsWithoutRoots) {
  test::testApp();
  test::TempDir dir;
  FolderWatcher watcher;
  QSignalSpy rescan(&watcher, &FolderWatcher::rescanNeeded);
  watcher.setFallbackIntervalMs(60);
  QTest::qWait(200);
  EXPECT_EQ(rescan.count(), 0);  // no roots: no periodic rescans
  watcher.setRoots({QString::fromStdString(dir.path().string())});
  ASSERT_TRUE(test::waitUntil([&] { return rescan.count() >= 2; }, 3000));
  watcher.setRoots({});
  QTest::qWait(30);
  const int after = rescan.count();
  QTest::qWait(250);
  EXPECT_EQ(rescan.count(), after);
}

TEST(MainWindowDrop, DroppingAFolderAddsItAndFilesAreRefused) {
  test::testApp();
  test::TempDir dir;
  fs::create_directories(dir.path() / "dropped");
  std::ofstream(dir.path() / "song.wav") << "x";
  MainWindowOptions o;
  o.databasePath = QString::fromStdString(dir.file("library.sqlite"));
  o.settingsPath = QString::fromStdString(dir.file("settings.ini"));
  o.rescanOnStartup = false;
  o.probeAudioDevices = false;
  o.modelError = QStringLiteral("no model (test)");
  MainWindow window(o);
  window.show();
  auto dragWith = [&](const fs::path& p) {
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(QString::fromStdString(p.string()))});
    QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(&window, &enter);
    const bool accepted = enter.isAccepted();
    if (accepted) {
      QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
      QCoreApplication::sendEvent(&window, &drop);
    }
    return accepted;
  };
  EXPECT_FALSE(dragWith(dir.path() / "song.wav"));
  EXPECT_TRUE(window.roots().isEmpty());
  EXPECT_TRUE(dragWith(dir.path() / "dropped"));
  ASSERT_EQ(window.roots().size(), 1);
  EXPECT_EQ(window.roots().first(), QString::fromStdString(fs::canonical(dir.path() / "dropped").string()));
}

}  // namespace
}  // namespace mp::ui
