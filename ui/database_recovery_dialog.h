#pragma once
// Shown at start when the library database is damaged: says which file and what is wrong, and
// offers the ways out — restore the backup (<db>.bak), start a new library, or quit. Whatever
// is chosen, the damaged file is never deleted (it is moved aside as <db>.corrupt-<time>).

#include <QDialog>
#include <QString>

class QPushButton;

namespace mp::ui {

class DatabaseRecoveryDialog : public QDialog {
  Q_OBJECT
 public:
  enum class Choice { Quit, RestoreBackup, NewLibrary };

  /// `reason`: what is wrong with the file; `backupUsable`: whether restoring is possible.
  DatabaseRecoveryDialog(const QString& databasePath, const QString& reason, bool backupUsable,
                         QWidget* parent = nullptr);

  Choice choice() const { return choice_; }
  QPushButton* restoreButton() const { return restore_; }
  QPushButton* newLibraryButton() const { return newLibrary_; }
  QPushButton* quitButton() const { return quit_; }

 private:
  Choice choice_ = Choice::Quit;
  QPushButton* restore_ = nullptr;
  QPushButton* newLibrary_ = nullptr;
  QPushButton* quit_ = nullptr;
};

/// Checks the database at start. Healthy, missing or not-ours files pass (LibraryStore reports
/// the latter); a damaged one asks the user (a dialog, or with `interactive` false an error on
/// stderr) and applies the choice. Returns false when the application should quit.
bool ensureLibraryUsable(const QString& databasePath, bool interactive, QWidget* parent = nullptr);

}  // namespace mp::ui
