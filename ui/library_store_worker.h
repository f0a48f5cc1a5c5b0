#pragma once
// The GUI's own connection to the library database, kept off the GUI thread: every read and
// write runs in order on one dedicated worker thread (SQLite: one connection per thread), and
// results come back as queued signals. The GUI thread never blocks on the database.

#include "core/library/library_store.h"
#include "ui/library_snapshot.h"

#include <QObject>
#include <QString>
#include <QThreadPool>

#include <functional>
#include <memory>

namespace mp::ui {

class LibraryStoreWorker : public QObject {
  Q_OBJECT

 public:
  explicit LibraryStoreWorker(QString databasePath, QObject* parent = nullptr);
  ~LibraryStoreWorker() override;

  const QString& databasePath() const { return path_; }

  /// Re-reads songs and playlists; emits loaded() (or failed()).
  void reload();
  /// Saves (id 0 = new) and re-reads; emits playlistSaved() then loaded().
  void savePlaylist(const library::Playlist& playlist);
  void removePlaylist(qint64 id);
  void setRating(const QString& path, double valence, double arousal);
  void clearRating(const QString& path);
  /// Ratings CSV (core/library/ratings_csv.h): import stores the matched rows in one
  /// transaction and re-reads; both report through ratingsCsvDone().
  void importRatingsCsv(const QString& csvPath);
  void exportRatingsCsv(const QString& csvPath);
  /// Runs `done` on `context`'s thread once every job queued so far has finished (e.g. start a
  /// retrain only after the ratings just set are in the database), without blocking the caller.
  void afterQueuedWork(QObject* context, std::function<void()> done);
  /// Blocks until queued work is done (tests, shutdown).
  void waitForIdle();

 Q_SIGNALS:
  void loaded(mp::ui::SnapshotPtr library);
  void playlistSaved(qint64 id, const QString& name);
  void failed(const QString& message);
  /// `ok`: whether the file was read / written; `summary`: what happened (rows, problems).
  void ratingsCsvDone(bool ok, const QString& summary);

 private:
  /// Runs `job(store)` on the worker, opening the connection on first use.
  template <class Job>
  void enqueue(Job job);
  void reloadOnWorker();

  QString path_;
  QThreadPool pool_;  // exactly one thread, never expiring: the connection stays on it
  std::unique_ptr<library::LibraryStore> store_;  // touched only on the worker thread
};

}  // namespace mp::ui
