#include "ui/folder_watcher.h"

#include <QDir>

namespace mp::ui {

namespace {
constexpr int kMaxWatchedFolders = 2000;
}

FolderWatcher::FolderWatcher(QObject* parent) : QObject(parent) {
  debounce_.setSingleShot(true);
  debounce_.setInterval(3000);
  fallback_.setInterval(10 * 60 * 1000);
  connect(&watcher_, &QFileSystemWatcher::directoryChanged, &debounce_, qOverload<>(&QTimer::start));
  connect(&debounce_, &QTimer::timeout, this, &FolderWatcher::rescanNeeded);
  connect(&fallback_, &QTimer::timeout, this, &FolderWatcher::rescanNeeded);
}

void FolderWatcher::setRoots(const QStringList& roots) {
  roots_ = roots;
  if (!watcher_.directories().isEmpty()) watcher_.removePaths(watcher_.directories());
  QStringList paths;
  for (const QString& root : roots) {
    if (!QDir(root).exists()) continue;
    paths.append(root);
    const auto subdirs = QDir(root).entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::Readable);
    for (const QString& sub : subdirs) {
      if (paths.size() >= kMaxWatchedFolders) break;
      paths.append(QDir(root).filePath(sub));
    }
  }
  if (!paths.isEmpty()) watcher_.addPaths(paths);
  if (roots_.isEmpty()) fallback_.stop();
  else if (fallback_.interval() > 0) fallback_.start();
}

void FolderWatcher::setFallbackIntervalMs(int ms) {
  fallback_.setInterval(ms);
  if (ms <= 0) fallback_.stop();
  else if (!roots_.isEmpty()) fallback_.start();
}

}  // namespace mp::ui
