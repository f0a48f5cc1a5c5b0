// The start-up dialog for a damaged library database: its buttons, and ensureLibraryUsable()
// applying the choice without ever deleting the damaged file.
#include "core/library/library_backup.h"
#include "tests/common/temp_dir.h"
#include "tests/ui/ui_test_support.h"
#include "ui/database_recovery_dialog.h"

#include <QPushButton>
#include <QTimer>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

namespace mp::ui {
namespace {

namespace fs = std::filesystem;

std::string slurp(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

/// A library with one song and its backup, then the library overwritten by garbage.
std::string damagedLibraryWithBackup(const test::TempDir& dir) {
  const std::string db = dir.file("library.sqlite");
  {
    auto store = library::LibraryStore::open(db);
    EXPECT_TRUE(store);
    library::SongRecord s;
    s.path = "/music/kept.flac";
    s.contentHash = "h";
    EXPECT_TRUE((*store)->upsertSong(s));
  }
  EXPECT_TRUE(library::backupLibrary(db));
  std::ofstream(db, std::ios::binary | std::ios::trunc) << "garbage, not a database";
  return db;
}

TEST(DatabaseRecovery, DialogOffersRestoreOnlyWithAUsableBackup) {
  test::testApp();
  DatabaseRecoveryDialog with(QStringLiteral("/x/library.sqlite"), QStringLiteral("bad header"), true);
  EXPECT_TRUE(with.restoreButton()->isEnabled());
  with.newLibraryButton()->click();
  EXPECT_EQ(with.choice(), DatabaseRecoveryDialog::Choice::NewLibrary);
  EXPECT_EQ(with.result(), QDialog::Accepted);
  DatabaseRecoveryDialog without(QStringLiteral("/x/library.sqlite"), QStringLiteral("bad header"), false);
  EXPECT_FALSE(without.restoreButton()->isEnabled());
  without.quitButton()->click();
  EXPECT_EQ(without.choice(), DatabaseRecoveryDialog::Choice::Quit);
}

TEST(DatabaseRecovery, RestoreChoiceBringsTheBackupBackAndKeepsTheDamagedFile) {
  test::testApp();
  test::TempDir dir;
  const std::string db = damagedLibraryWithBackup(dir);
  const QString path = QString::fromStdString(db);
  EXPECT_FALSE(ensureLibraryUsable(path, /*interactive=*/false)) << "headless: refuses, changes nothing";
  EXPECT_EQ(slurp(db), "garbage, not a database");

  // Interactive: answer the dialog by pressing "Restore backup" once it is shown.
  QTimer::singleShot(0, [] {
    for (QWidget* w : QApplication::topLevelWidgets()) {
      if (auto* d = qobject_cast<DatabaseRecoveryDialog*>(w); d != nullptr && d->isVisible()) d->restoreButton()->click();
    }
  });
  ASSERT_TRUE(ensureLibraryUsable(path, true));
  auto store = library::LibraryStore::open(db);
  ASSERT_TRUE(store) << store.error().message;
  auto song = (*store)->songByPath("/music/kept.flac");
  ASSERT_TRUE(song && song->has_value());
  int aside = 0;
  for (const auto& e : fs::directory_iterator(dir.path())) {
    if (e.path().filename().string().find(".corrupt-") != std::string::npos) {
      ++aside;
      EXPECT_EQ(slurp(e.path().string()), "garbage, not a database");
    }
  }
  EXPECT_EQ(aside, 1);
  EXPECT_TRUE(ensureLibraryUsable(path, true)) << "a healthy library passes without a dialog";
}

}  // namespace
}  // namespace mp::ui
