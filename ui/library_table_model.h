#pragma once
// The library as a table (one row per song) for a QTableView behind a QSortFilterProxyModel.
// Display text in Qt::DisplayRole, numeric sort keys in SortRole, the song id in SongIdRole.

#include "ui/library_snapshot.h"

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>

namespace mp::ui {

class LibraryTableModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { Title, Artist, Album, Genre, Duration, Valence, Arousal, SigmaV, SigmaA, Rating, Status,
                ColumnCount };
  static constexpr int SongIdRole = Qt::UserRole + 1;
  static constexpr int SortRole = Qt::UserRole + 2;

  explicit LibraryTableModel(QObject* parent = nullptr);

  void setLibrary(SnapshotPtr library);
  const SnapshotPtr& library() const { return library_; }
  /// Source row of a song id, or -1.
  int rowOfSong(qint64 id) const;
  qint64 songIdAt(int row) const;

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

 private:
  SnapshotPtr library_;
};

/// Case-insensitive text filter over every column, numeric sorting through SortRole.
class LibraryFilterModel : public QSortFilterProxyModel {
  Q_OBJECT

 public:
  explicit LibraryFilterModel(QObject* parent = nullptr);
};

}  // namespace mp::ui
