#pragma once
// Notices changes under the library roots: a QFileSystemWatcher on each root and its immediate
// sub-folders (debounced), plus a periodic fallback timer for changes the watcher misses (network
// shares, deep folders, inotify limits). Emits rescanNeeded(); the scan itself is incremental.

#include <QFileSystemWatcher>
#include <QObject>
#include <QStringList>
#include <QTimer>

namespace mp::ui {

class FolderWatcher : public QObject {
  Q_OBJECT

 public:
  explicit FolderWatcher(QObject* parent = nullptr);
  void setRoots(const QStringList& roots);
  const QStringList& roots() const { return roots_; }
  void setDebounceMs(int ms) { debounce_.setInterval(ms); }
  void setFallbackIntervalMs(int ms);  ///< 0 disables the periodic rescan

 Q_SIGNALS:
  void rescanNeeded();

 private:
  QStringList roots_;
  QFileSystemWatcher watcher_;
  QTimer debounce_;
  QTimer fallback_;
};

}  // namespace mp::ui
