#include "ui/database_recovery_dialog.h"

#include "core/library/library_backup.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QVBoxLayout>

#include <cstdio>

namespace mp::ui {

DatabaseRecoveryDialog::DatabaseRecoveryDialog(const QString& databasePath, const QString& reason,
                                               bool backupUsable, QWidget* parent)
    : QDialog(parent) {
  setWindowTitle(tr("The library database is damaged"));
  auto* layout = new QVBoxLayout(this);
  auto* text = new QLabel(
      tr("<p>Moodplane cannot use its library database:</p><p><b>%1</b></p><p>%2</p>"
         "<p>The damaged file will be kept beside it (renamed to …corrupt-&lt;time&gt;), whatever "
         "you choose.</p>")
          .arg(databasePath.toHtmlEscaped(), reason.toHtmlEscaped()),
      this);
  text->setWordWrap(true);
  text->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(text);
  if (!backupUsable) {
    auto* noBackup = new QLabel(tr("There is no usable backup to restore."), this);
    layout->addWidget(noBackup);
  }
  auto* buttons = new QDialogButtonBox(this);
  restore_ = buttons->addButton(tr("Restore backup"), QDialogButtonBox::AcceptRole);
  newLibrary_ = buttons->addButton(tr("Start a new library"), QDialogButtonBox::AcceptRole);
  quit_ = buttons->addButton(tr("Quit"), QDialogButtonBox::RejectRole);
  restore_->setEnabled(backupUsable);
  (backupUsable ? restore_ : newLibrary_)->setDefault(true);
  layout->addWidget(buttons);
  connect(restore_, &QPushButton::clicked, this, [this] {
    choice_ = Choice::RestoreBackup;
    accept();
  });
  connect(newLibrary_, &QPushButton::clicked, this, [this] {
    choice_ = Choice::NewLibrary;
    accept();
  });
  connect(quit_, &QPushButton::clicked, this, [this] {
    choice_ = Choice::Quit;
    reject();
  });
}

bool ensureLibraryUsable(const QString& databasePath, bool interactive, QWidget* parent) {
  const std::string path = databasePath.toStdString();
  for (;;) {
    const library::DatabaseCheck check = library::checkLibraryDatabase(path);
    if (check.health != library::DatabaseHealth::Damaged) return true;
    const bool backupUsable = library::checkLibraryDatabase(library::backupPathFor(path)).health ==
                              library::DatabaseHealth::Healthy;
    const QString reason = QString::fromStdString(check.reason);
    if (!interactive) {
      std::fprintf(stderr, "moodplane: the library database %s is damaged (%s); start Moodplane with a display "
                           "to restore its backup or start a new library, or use moodplane-cli query "
                           "--restore-backup / --new-library\n",
                   qPrintable(databasePath), qPrintable(reason));
      return false;
    }
    DatabaseRecoveryDialog dialog(databasePath, reason, backupUsable, parent);
    dialog.exec();
    if (dialog.choice() == DatabaseRecoveryDialog::Choice::Quit) return false;
    auto moved = dialog.choice() == DatabaseRecoveryDialog::Choice::RestoreBackup
                     ? library::restoreLibraryBackup(path)
                     : library::startNewLibrary(path);
    if (moved) return true;
    QMessageBox::critical(parent, DatabaseRecoveryDialog::tr("Recovery failed"),
                          QString::fromStdString(moved.error().message));
  }
}

}  // namespace mp::ui
