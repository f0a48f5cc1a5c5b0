#include "ui/scan_controller.h"

#include <QMetaObject>

namespace mp::ui {

using Clock = std::chrono::steady_clock;

ScanController::ScanController(QString databasePath, QObject* parent)
    : QObject(parent), dbPath_(std::move(databasePath)) {
  qRegisterMetaType<library::ScanProgress>();
}

ScanController::~ScanController() {
  cancel();
  wait();
}

bool ScanController::start(const QStringList& roots) {
  if (thread_) {
    Q_EMIT failed(tr("A scan is already running."));
    return false;
  }
  if (!analyzer_) {
    Q_EMIT failed(tr("No mood model is loaded, so new songs cannot be analysed."));
    return false;
  }
  if (roots.isEmpty()) {
    Q_EMIT failed(tr("No library folder to scan."));
    return false;
  }
  control_ = std::make_unique<library::ScanControl>();
  lastProgress_ = Clock::time_point{};
  lastReload_ = Clock::now();
  doneAtReload_ = 0;
  thread_.reset(QThread::create([this, roots] { run(roots); }));
  thread_->setObjectName(QStringLiteral("moodplane-scan"));
  thread_->start(QThread::LowPriority);
  Q_EMIT started(roots);
  return true;
}

void ScanController::run(QStringList roots) {
  // On the scan thread: own connection, own analyser reference.
  auto store = library::LibraryStore::open(dbPath_.toStdString());
  if (!store) {
    const QString message = tr("Cannot open the library database: %1")
                                .arg(QString::fromStdString(store.error().message));
    QMetaObject::invokeMethod(this, [this, message] { onFinished(false, message, {}); },
                              Qt::QueuedConnection);
    return;
  }
  std::vector<std::string> rootPaths;
  for (const QString& r : roots) rootPaths.push_back(r.toStdString());
  const auto analyzer = analyzer_;
  auto result = library::scanLibrary(**store, rootPaths, *analyzer, options_, control_.get(),
                                     [this](const library::ScanProgress& p) { onProgress(p); });
  store->reset();  // close the connection on the thread that made it
  if (!result) {
    const QString message = tr("Scan failed: %1").arg(QString::fromStdString(result.error().message));
    QMetaObject::invokeMethod(this, [this, message] { onFinished(false, message, {}); },
                              Qt::QueuedConnection);
    return;
  }
  const library::ScanReport report = *result;
  QString summary = report.cancelled ? tr("Scan cancelled: ") : tr("Scan finished: ");
  summary += tr("%1 files, %2 analysed, %3 unchanged, %4 failed, %5 removed in %6 s")
                 .arg(report.files)
                 .arg(report.analysed)
                 .arg(report.unchanged)
                 .arg(report.failed.size())
                 .arg(report.removed)
                 .arg(report.seconds, 0, 'f', 1);
  QMetaObject::invokeMethod(this, [this, summary, report] { onFinished(true, summary, report); },
                            Qt::QueuedConnection);
}

void ScanController::onProgress(const library::ScanProgress& p) {
  // Scan thread. One rate-limited, ordered (queued) progress signal.
  const auto now = Clock::now();
  const bool last = p.total > 0 && p.done >= p.total;
  if (last || now - lastProgress_ >= std::chrono::milliseconds(progressIntervalMs_)) {
    lastProgress_ = now;
    QMetaObject::invokeMethod(this, [this, p] { Q_EMIT progress(p); }, Qt::QueuedConnection);
  }
  if (p.done > doneAtReload_ && now - lastReload_ >= std::chrono::milliseconds(reloadIntervalMs_)) {
    lastReload_ = now;
    doneAtReload_ = p.done;
    QMetaObject::invokeMethod(this, [this] { Q_EMIT libraryChanged(); }, Qt::QueuedConnection);
  }
}

void ScanController::onFinished(bool ok, const QString& summary, const library::ScanReport& report) {
  if (thread_) {
    thread_->wait();  // the thread function has returned; this only reaps it
    thread_.reset();
  }
  control_.reset();
  report_ = report;
  if (ok) Q_EMIT libraryChanged();
  Q_EMIT finished(ok, summary);
}

void ScanController::pause() {
  if (control_) control_->pause();
}
void ScanController::resume() {
  if (control_) control_->resume();
}
void ScanController::cancel() {
  if (control_) control_->cancel();
}

void ScanController::wait() {
  if (thread_) thread_->wait();
}

}  // namespace mp::ui
