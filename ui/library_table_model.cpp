#include "ui/library_table_model.h"

#include <QFileInfo>

#include <cmath>

namespace mp::ui {

namespace {

QString formatDuration(double seconds) {
  if (!(seconds > 0)) return {};
  const int total = static_cast<int>(std::lround(seconds));
  return QStringLiteral("%1:%2").arg(total / 60).arg(total % 60, 2, 10, QLatin1Char('0'));
}

QString statusText(const library::SongRecord& song) {
  switch (song.status) {
    case library::AnalysisStatus::Done: return LibraryTableModel::tr("analysed");
    case library::AnalysisStatus::Failed: return LibraryTableModel::tr("failed");
    default: return LibraryTableModel::tr("pending");
  }
}

}  // namespace

LibraryTableModel::LibraryTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void LibraryTableModel::setLibrary(SnapshotPtr library) {
  beginResetModel();
  library_ = std::move(library);
  endResetModel();
}

int LibraryTableModel::rowOfSong(qint64 id) const {
  if (!library_) return -1;
  auto it = library_->indexById.find(id);
  return it == library_->indexById.end() ? -1 : static_cast<int>(it->second);
}

qint64 LibraryTableModel::songIdAt(int row) const {
  if (!library_ || row < 0 || row >= static_cast<int>(library_->songs.size())) return 0;
  return library_->songs[static_cast<std::size_t>(row)].id;
}

int LibraryTableModel::rowCount(const QModelIndex& parent) const {
  if (parent.isValid() || !library_) return 0;
  return static_cast<int>(library_->songs.size());
}

int LibraryTableModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : ColumnCount;
}

QVariant LibraryTableModel::data(const QModelIndex& index, int role) const {
  if (!library_ || !index.isValid() || index.row() >= rowCount()) return {};
  const auto& song = library_->songs[static_cast<std::size_t>(index.row())];
  if (role == SongIdRole) return QVariant::fromValue<qint64>(song.id);
  const auto& p = song.prediction;
  auto sigma = [](double variance) { return std::sqrt(std::max(0.0, variance)); };
  if (role == SortRole) {
    switch (index.column()) {
      case Duration: return song.durationSeconds;
      case Valence: return p ? p->valence : -1.0;
      case Arousal: return p ? p->arousal : -1.0;
      case SigmaV: return p ? sigma(p->covVV) : -1.0;
      case SigmaA: return p ? sigma(p->covAA) : -1.0;
      case Rating: return song.rating ? song.rating->valence + song.rating->arousal * 1e-3 : -1.0;
      default: return data(index, Qt::DisplayRole).toString().toLower();
    }
  }
  if (role == Qt::ToolTipRole && index.column() == Rating && song.rating)
    return tr("Your rating: valence %1, arousal %2").arg(song.rating->valence, 0, 'f', 3).arg(song.rating->arousal, 0, 'f', 3);
  if (role == Qt::ToolTipRole) {
    if (song.status == library::AnalysisStatus::Failed)
      return QString::fromStdString(song.failureReason);
    return QString::fromStdString(song.path);
  }
  if (role == Qt::TextAlignmentRole && index.column() >= Duration && index.column() <= SigmaA)
    return QVariant(Qt::AlignRight | Qt::AlignVCenter);
  if (role != Qt::DisplayRole) return {};
  auto number = [](double x) { return QString::number(x, 'f', 2); };
  switch (index.column()) {
    case Title:
      return song.tags.title.empty() ? QFileInfo(QString::fromStdString(song.path)).fileName()
                                     : QString::fromStdString(song.tags.title);
    case Artist: return QString::fromStdString(song.tags.artist);
    case Album: return QString::fromStdString(song.tags.album);
    case Genre: return QString::fromStdString(song.tags.genre);
    case Duration: return formatDuration(song.durationSeconds);
    case Valence: return p ? number(p->valence) : QString();
    case Arousal: return p ? number(p->arousal) : QString();
    case SigmaV: return p ? number(sigma(p->covVV)) : QString();
    case SigmaA: return p ? number(sigma(p->covAA)) : QString();
    case Rating:
      return song.rating ? QStringLiteral("%1, %2").arg(number(song.rating->valence), number(song.rating->arousal))
                         : QString();
    case Status: return statusText(song);
    default: return {};
  }
}

QVariant LibraryTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case Title: return tr("Title");
    case Artist: return tr("Artist");
    case Album: return tr("Album");
    case Genre: return tr("Genre");
    case Duration: return tr("Length");
    case Valence: return tr("Valence");
    case Arousal: return tr("Arousal");
    case SigmaV: return tr("σ v");
    case SigmaA: return tr("σ a");
    case Rating: return tr("Rating");
    case Status: return tr("Status");
    default: return {};
  }
}

LibraryFilterModel::LibraryFilterModel(QObject* parent) : QSortFilterProxyModel(parent) {
  setSortRole(LibraryTableModel::SortRole);
  setFilterCaseSensitivity(Qt::CaseInsensitive);
  setFilterKeyColumn(-1);
  setDynamicSortFilter(true);
}

}  // namespace mp::ui
