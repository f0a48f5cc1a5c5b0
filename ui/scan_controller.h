#pragma once
// Runs the core library scan (scanLibrary) on a worker thread for the GUI. The worker opens its
// OWN LibraryStore connection; the GUI keeps its own (LibraryStoreWorker). Progress becomes one
// ordered, rate-limited queued signal; libraryChanged() tells the GUI to re-read the store while
// batches commit (at most every `reloadIntervalMs`) and once at the end. Pause / resume / cancel
// go through the core ScanControl. The GUI thread never decodes or waits for the scan (except
// when the controller is destroyed, which cancels and joins).

#include "core/library/scanner.h"

#include <QObject>
#include <QString>
#include <QStringList>
#include <QThread>

#include <chrono>
#include <memory>

namespace mp::ui {

class ScanController : public QObject {
  Q_OBJECT

 public:
  explicit ScanController(QString databasePath, QObject* parent = nullptr);
  ~ScanController() override;

  void setAnalyzer(std::shared_ptr<const library::SongAnalyzer> analyzer) { analyzer_ = std::move(analyzer); }
  bool hasAnalyzer() const { return analyzer_ != nullptr; }
  void setOptions(const library::ScanOptions& options) { options_ = options; }
  void setProgressIntervalMs(int ms) { progressIntervalMs_ = ms; }
  void setReloadIntervalMs(int ms) { reloadIntervalMs_ = ms; }

  /// Starts an incremental scan of `roots`; false (and failed() emitted) when one is running
  /// or no analyser is loaded.
  bool start(const QStringList& roots);
  bool running() const { return thread_ != nullptr; }
  bool paused() const { return control_ && control_->paused(); }
  void pause();
  void resume();
  void cancel();
  /// Blocks until the running scan (if any) has finished (tests, shutdown).
  void wait();

  const library::ScanReport& lastReport() const { return report_; }

 Q_SIGNALS:
  void started(const QStringList& roots);
  void progress(const mp::library::ScanProgress& progress);
  void libraryChanged();
  void finished(bool ok, const QString& summary);
  void failed(const QString& message);

 private:
  void run(QStringList roots);
  void onFinished(bool ok, const QString& summary, const library::ScanReport& report);
  void onProgress(const library::ScanProgress& p);

  QString dbPath_;
  std::shared_ptr<const library::SongAnalyzer> analyzer_;
  library::ScanOptions options_;
  int progressIntervalMs_ = 100;
  int reloadIntervalMs_ = 1500;
  std::unique_ptr<library::ScanControl> control_;
  std::unique_ptr<QThread> thread_;
  library::ScanReport report_;
  // Rate limiting, touched only on the scanning thread.
  std::chrono::steady_clock::time_point lastProgress_;
  std::chrono::steady_clock::time_point lastReload_;
  std::size_t doneAtReload_ = 0;
};

}  // namespace mp::ui

Q_DECLARE_METATYPE(mp::library::ScanProgress)
