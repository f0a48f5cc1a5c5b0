#pragma once
// The playlist of the current region: songs ranked by the probability that their mood lies in
// the region (core rankByRegion; a listener's rating replaces the prediction), shown as a %,
// limited to the top N and/or p >= threshold. Ranking runs off the GUI thread and only the latest
// region is ranked, so dragging a region over 10 000 songs stays smooth. Saved playlists can be
// re-opened, renamed and deleted; any list exports as M3U or XSPF (core writers).

#include "core/common/result.h"
#include "core/library/playlist_io.h"
#include "core/library/region.h"
#include "ui/library_snapshot.h"

#include <QFutureWatcher>
#include <QWidget>

#include <optional>
#include <vector>

class QComboBox;
class QSpinBox;
class QDoubleSpinBox;
class QTreeWidget;
class QPushButton;
class QLabel;

namespace mp::ui {

struct PlaylistEntry {
  qint64 songId = 0;
  double probability = -1.0;  ///< P[mood in region]; -1 for a saved playlist's entries
};

class PlaylistPanel : public QWidget {
  Q_OBJECT

 public:
  explicit PlaylistPanel(QWidget* parent = nullptr);
  ~PlaylistPanel() override;

  void setLibrary(SnapshotPtr library);
  void setRegion(const library::Region& region);
  void clearRegion();
  void setLimit(int topN);                  ///< 0 = no limit
  void setMinProbability(double p);         ///< [0, 1]
  /// Shows saved playlist `id` (0 = back to the region's ranking).
  void openSavedPlaylist(qint64 id);
  qint64 openPlaylistId() const { return openId_; }

  const std::vector<PlaylistEntry>& entries() const { return entries_; }
  bool rankingPending() const { return ranking_ || pendingRegion_.has_value(); }
  /// The tracks of the shown list, for the playlist writers and the player.
  std::vector<library::PlaylistTrack> tracks() const;
  QString currentName() const;

  Status exportTo(const QString& path, library::PlaylistFormat format) const;
  /// Asks the store (through saveRequested) to save the shown list as a new playlist.
  void saveAs(const QString& name);
  /// Renames the open saved playlist.
  void rename(const QString& name);

 public Q_SLOTS:
  void exportWithDialog();
  void saveWithDialog();
  void renameWithDialog();
  void removeOpenPlaylist();

 Q_SIGNALS:
  void entriesChanged();
  void playRequested(const QList<qint64>& queue, int index);
  void songSelected(qint64 id);
  void saveRequested(const mp::library::Playlist& playlist);
  void removeRequested(qint64 id);
  void message(const QString& text);

 private:
  void startRanking();
  void onRankingFinished();
  void showEntries();
  void refreshSavedList();
  void updateButtons();

  SnapshotPtr library_;
  std::optional<library::Region> region_;
  std::optional<library::Region> pendingRegion_;
  int limit_ = 50;
  double minProbability_ = 0.01;
  qint64 openId_ = 0;
  bool ranking_ = false;  ///< a ranking was started and its result is not applied yet
  std::vector<PlaylistEntry> entries_;
  QFutureWatcher<std::vector<PlaylistEntry>> watcher_;

  QComboBox* source_ = nullptr;
  QSpinBox* limitBox_ = nullptr;
  QDoubleSpinBox* thresholdBox_ = nullptr;
  QTreeWidget* list_ = nullptr;
  QLabel* summary_ = nullptr;
  QPushButton* play_ = nullptr;
  QPushButton* save_ = nullptr;
  QPushButton* rename_ = nullptr;
  QPushButton* remove_ = nullptr;
  QPushButton* export_ = nullptr;
};

}  // namespace mp::ui

Q_DECLARE_METATYPE(mp::library::Playlist)
