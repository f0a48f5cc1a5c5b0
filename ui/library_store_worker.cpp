#include "ui/library_store_worker.h"

#include "core/library/ratings_csv.h"

#include <QMetaObject>

namespace mp::ui {

LibraryStoreWorker::LibraryStoreWorker(QString databasePath, QObject* parent)
    : QObject(parent), path_(std::move(databasePath)) {
  qRegisterMetaType<SnapshotPtr>();
  pool_.setMaxThreadCount(1);
  pool_.setExpiryTimeout(-1);
}

LibraryStoreWorker::~LibraryStoreWorker() {
  pool_.waitForDone();
  // The connection was made on the worker thread; close it there as well.
  pool_.start([this] { store_.reset(); });
  pool_.waitForDone();
}

void LibraryStoreWorker::waitForIdle() { pool_.waitForDone(); }

template <class Job>
void LibraryStoreWorker::enqueue(Job job) {
  // `this` outlives every job: the destructor waits for the pool. Results are queued to the GUI
  // thread with `this` as context, so they are dropped if the worker is gone by then.
  pool_.start([this, job = std::move(job)]() mutable {
    if (!store_) {
      auto opened = library::LibraryStore::open(path_.toStdString());
      if (!opened) {
        const QString message = LibraryStoreWorker::tr("Cannot open the library database %1: %2")
                                    .arg(path_, QString::fromStdString(opened.error().message));
        QMetaObject::invokeMethod(this, [this, message] { Q_EMIT failed(message); },
                                  Qt::QueuedConnection);
        return;
      }
      store_ = std::move(*opened);
    }
    job(*store_);
  });
}

void LibraryStoreWorker::afterQueuedWork(QObject* context, std::function<void()> done) {
  // The pool has one thread and runs jobs in order, so this job runs after every earlier one.
  pool_.start([context, done = std::move(done)] { QMetaObject::invokeMethod(context, done, Qt::QueuedConnection); });
}

void LibraryStoreWorker::reload() {
  enqueue([this](library::LibraryStore&) { reloadOnWorker(); });
}

void LibraryStoreWorker::reloadOnWorker() {
  auto songs = store_->songs();
  if (!songs) {
    const QString message = QString::fromStdString(songs.error().message);
    QMetaObject::invokeMethod(this, [this, message] { Q_EMIT failed(message); },
                              Qt::QueuedConnection);
    return;
  }
  auto snap = std::make_shared<LibrarySnapshot>();
  snap->songs = std::move(*songs);
  if (auto lists = store_->playlists()) snap->playlists = std::move(*lists);
  snap->reindex();
  SnapshotPtr result = std::move(snap);
  QMetaObject::invokeMethod(this, [this, result] { Q_EMIT loaded(result); }, Qt::QueuedConnection);
}

void LibraryStoreWorker::savePlaylist(const library::Playlist& playlist) {
  enqueue([this, playlist](library::LibraryStore& store) {
    auto id = store.savePlaylist(playlist);
    if (!id) {
      const QString message = tr("Cannot save the playlist: %1")
                                  .arg(QString::fromStdString(id.error().message));
      QMetaObject::invokeMethod(this, [this, message] { Q_EMIT failed(message); },
                                Qt::QueuedConnection);
      return;
    }
    const qint64 savedId = *id;
    const QString name = QString::fromStdString(playlist.name);
    QMetaObject::invokeMethod(this, [this, savedId, name] { Q_EMIT playlistSaved(savedId, name); },
                              Qt::QueuedConnection);
    reloadOnWorker();
  });
}

void LibraryStoreWorker::removePlaylist(qint64 id) {
  enqueue([this, id](library::LibraryStore& store) {
    if (auto st = store.removePlaylist(id); !st) {
      const QString message = QString::fromStdString(st.error().message);
      QMetaObject::invokeMethod(this, [this, message] { Q_EMIT failed(message); },
                                Qt::QueuedConnection);
    }
    reloadOnWorker();
  });
}

void LibraryStoreWorker::setRating(const QString& path, double valence, double arousal) {
  enqueue([this, p = path.toStdString(), valence, arousal](library::LibraryStore& store) {
    if (auto st = store.setRating(p, valence, arousal); !st) {
      const QString message = QString::fromStdString(st.error().message);
      QMetaObject::invokeMethod(this, [this, message] { Q_EMIT failed(message); },
                                Qt::QueuedConnection);
    }
    reloadOnWorker();
  });
}

void LibraryStoreWorker::clearRating(const QString& path) {
  enqueue([this, p = path.toStdString()](library::LibraryStore& store) {
    if (auto st = store.clearRating(p); !st) {
      const QString message = QString::fromStdString(st.error().message);
      QMetaObject::invokeMethod(this, [this, message] { Q_EMIT failed(message); },
                                Qt::QueuedConnection);
    }
    reloadOnWorker();
  });
}

void LibraryStoreWorker::importRatingsCsv(const QString& csvPath) {
  enqueue([this, csvPath](library::LibraryStore& store) {
    auto report = library::importRatingsCsv(store, csvPath.toStdString());
    bool ok = report.ok();
    QString summary;
    if (!report) {
      summary = tr("Cannot import ratings from %1: %2").arg(csvPath, QString::fromStdString(report.error().message));
    } else {
      summary = tr("Imported %1 of %2 ratings from %3 (%4 songs rated: %5 by path, %6 by artist and title)")
                    .arg(report->imported)
                    .arg(report->rows)
                    .arg(csvPath)
                    .arg(report->songsRated)
                    .arg(report->byPath)
                    .arg(report->byTags);
      if (!report->problems.empty()) {
        summary += tr("; %n row(s) skipped", nullptr, static_cast<int>(report->problems.size()));
        const auto& first = report->problems.front();
        summary += tr(" (line %1: %2)").arg(first.line).arg(QString::fromStdString(first.message));
      }
    }
    QMetaObject::invokeMethod(this, [this, ok, summary] { Q_EMIT ratingsCsvDone(ok, summary); },
                              Qt::QueuedConnection);
    if (ok) reloadOnWorker();
  });
}

void LibraryStoreWorker::exportRatingsCsv(const QString& csvPath) {
  enqueue([this, csvPath](library::LibraryStore& store) {
    auto rows = library::exportRatingsCsv(store, csvPath.toStdString());
    const bool ok = rows.ok();
    const QString summary =
        ok ? tr("Exported %n rating(s) to %1", nullptr, static_cast<int>(*rows)).arg(csvPath)
           : tr("Cannot export ratings to %1: %2").arg(csvPath, QString::fromStdString(rows.error().message));
    QMetaObject::invokeMethod(this, [this, ok, summary] { Q_EMIT ratingsCsvDone(ok, summary); },
                              Qt::QueuedConnection);
  });
}

}  // namespace mp::ui
