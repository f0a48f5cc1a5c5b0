#include "ui/playlist_panel.h"

#include "core/library/region_query.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace mp::ui {

namespace {

std::vector<PlaylistEntry> rank(const SnapshotPtr& library, const library::Region& region,
                                int limit, double minProbability) {
  std::vector<PlaylistEntry> out;
  if (!library) return out;
  library::RegionQueryOptions options;
  options.k = limit > 0 ? static_cast<std::size_t>(limit) : 0;
  options.minProbability = std::clamp(minProbability, 0.0, 1.0);
  for (const auto& r : library::rankByRegion(library->songs, region, options))
    out.push_back({r.song->id, r.probability});
  return out;
}

QString titleOf(const library::SongRecord& song) {
  return song.tags.title.empty() ? QFileInfo(QString::fromStdString(song.path)).completeBaseName()
                                 : QString::fromStdString(song.tags.title);
}

}  // namespace

PlaylistPanel::PlaylistPanel(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  source_ = new QComboBox(this);
  source_->setToolTip(tr("Show the current region's ranking or a saved playlist"));
  layout->addWidget(source_);

  auto* limits = new QHBoxLayout;
  limitBox_ = new QSpinBox(this);
  limitBox_->setRange(0, 100000);
  limitBox_->setValue(limit_);
  limitBox_->setSpecialValueText(tr("all"));
  limitBox_->setPrefix(tr("top "));
  thresholdBox_ = new QDoubleSpinBox(this);
  thresholdBox_->setRange(0.0, 100.0);
  thresholdBox_->setDecimals(0);
  thresholdBox_->setSuffix(QStringLiteral(" %"));
  thresholdBox_->setPrefix(tr("p ≥ "));
  thresholdBox_->setValue(minProbability_ * 100.0);
  limits->addWidget(limitBox_);
  limits->addWidget(thresholdBox_);
  layout->addLayout(limits);

  list_ = new QTreeWidget(this);
  list_->setColumnCount(4);
  list_->setHeaderLabels({tr("#"), tr("Title"), tr("Artist"), tr("P(in region)")});
  list_->setRootIsDecorated(false);
  list_->setUniformRowHeights(true);
  list_->setAlternatingRowColors(true);
  list_->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
  list_->header()->setSectionResizeMode(1, QHeaderView::Stretch);
  list_->header()->setSectionResizeMode(3, QHeaderView::ResizeToContents);
  layout->addWidget(list_, 1);

  summary_ = new QLabel(this);
  summary_->setWordWrap(true);
  layout->addWidget(summary_);

  auto* buttons = new QHBoxLayout;
  play_ = new QPushButton(tr("Play"), this);
  save_ = new QPushButton(tr("Save…"), this);
  rename_ = new QPushButton(tr("Rename…"), this);
  remove_ = new QPushButton(tr("Delete"), this);
  export_ = new QPushButton(tr("Export…"), this);
  for (QPushButton* b : {play_, save_, rename_, remove_, export_}) buttons->addWidget(b);
  layout->addLayout(buttons);

  connect(&watcher_, &QFutureWatcherBase::finished, this, &PlaylistPanel::onRankingFinished);
  connect(limitBox_, &QSpinBox::valueChanged, this, [this](int v) { setLimit(v); });
  connect(thresholdBox_, &QDoubleSpinBox::valueChanged, this,
          [this](double v) { setMinProbability(v / 100.0); });
  connect(source_, &QComboBox::activated, this,
          [this](int i) { openSavedPlaylist(source_->itemData(i).toLongLong()); });
  connect(list_, &QTreeWidget::itemDoubleClicked, this, [this](QTreeWidgetItem* item) {
    QList<qint64> queue;
    for (const auto& e : entries_) queue.append(e.songId);
    Q_EMIT playRequested(queue, list_->indexOfTopLevelItem(item));
  });
  connect(list_, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem* item) {
    const int row = item ? list_->indexOfTopLevelItem(item) : -1;
    if (row >= 0 && row < static_cast<int>(entries_.size())) Q_EMIT songSelected(entries_[row].songId);
  });
  connect(play_, &QPushButton::clicked, this, [this] {
    QList<qint64> queue;
    for (const auto& e : entries_) queue.append(e.songId);
    if (!queue.isEmpty()) Q_EMIT playRequested(queue, 0);
  });
  connect(save_, &QPushButton::clicked, this, &PlaylistPanel::saveWithDialog);
  connect(rename_, &QPushButton::clicked, this, &PlaylistPanel::renameWithDialog);
  connect(remove_, &QPushButton::clicked, this, &PlaylistPanel::removeOpenPlaylist);
  connect(export_, &QPushButton::clicked, this, &PlaylistPanel::exportWithDialog);
  refreshSavedList();
  showEntries();
}

PlaylistPanel::~PlaylistPanel() { watcher_.waitForFinished(); }

void PlaylistPanel::setLibrary(SnapshotPtr library) {
  library_ = std::move(library);
  refreshSavedList();
  if (openId_ != 0) {
    openSavedPlaylist(openId_);
  } else if (region_) {
    pendingRegion_ = region_;
    startRanking();
  } else {
    showEntries();
  }
}

void PlaylistPanel::setRegion(const library::Region& region) {
  region_ = region;
  if (openId_ != 0) {
    openId_ = 0;
    source_->setCurrentIndex(0);
  }
  pendingRegion_ = region;
  startRanking();
}

void PlaylistPanel::clearRegion() {
  region_.reset();
  pendingRegion_.reset();
  if (openId_ == 0) {
    entries_.clear();
    showEntries();
  }
}

void PlaylistPanel::setLimit(int topN) {
  limit_ = std::max(0, topN);
  if (limitBox_->value() != limit_) limitBox_->setValue(limit_);
  if (region_ && openId_ == 0) {
    pendingRegion_ = region_;
    startRanking();
  }
}

void PlaylistPanel::setMinProbability(double p) {
  minProbability_ = std::clamp(p, 0.0, 1.0);
  if (std::abs(thresholdBox_->value() - minProbability_ * 100.0) > 1e-9)
    thresholdBox_->setValue(minProbability_ * 100.0);
  if (region_ && openId_ == 0) {
    pendingRegion_ = region_;
    startRanking();
  }
}

void PlaylistPanel::startRanking() {
  // Only one ranking runs at a time; a region that arrives meanwhile waits, newer ones replace it.
  if (ranking_ || !pendingRegion_) return;
  const library::Region region = *pendingRegion_;
  pendingRegion_.reset();
  ranking_ = true;
  watcher_.setFuture(QtConcurrent::run(rank, library_, region, limit_, minProbability_));
}

void PlaylistPanel::onRankingFinished() {
  // Show what finished (it is at most one drag step old), then rank the newest waiting region.
  ranking_ = false;
  auto result = watcher_.result();
  if (openId_ == 0 && region_) {
    entries_ = std::move(result);
    showEntries();
  }
  startRanking();
}

void PlaylistPanel::openSavedPlaylist(qint64 id) {
  openId_ = 0;
  entries_.clear();
  if (id != 0 && library_) {
    for (const auto& list : library_->playlists) {
      if (list.id != id) continue;
      openId_ = id;
      for (std::int64_t songId : list.songIds)
        if (library_->find(songId)) entries_.push_back({songId, -1.0});
    }
  }
  const int index = source_->findData(QVariant::fromValue<qint64>(openId_));
  source_->setCurrentIndex(std::max(0, index));
  if (openId_ == 0 && region_) {
    pendingRegion_ = region_;
    startRanking();
  }
  showEntries();
}

void PlaylistPanel::refreshSavedList() {
  source_->clear();
  source_->addItem(tr("Current region"), QVariant::fromValue<qint64>(0));
  if (library_)
    for (const auto& list : library_->playlists)
      source_->addItem(QString::fromStdString(list.name), QVariant::fromValue<qint64>(list.id));
  source_->setCurrentIndex(std::max(0, source_->findData(QVariant::fromValue<qint64>(openId_))));
}

void PlaylistPanel::showEntries() {
  list_->clear();
  QList<QTreeWidgetItem*> items;
  int n = 0;
  for (const auto& e : entries_) {
    const auto* song = library_ ? library_->find(e.songId) : nullptr;
    if (!song) continue;
    auto* item = new QTreeWidgetItem;  // owned by list_ once inserted
    item->setText(0, QString::number(++n));
    item->setText(1, titleOf(*song));
    item->setText(2, QString::fromStdString(song->tags.artist));
    item->setText(3, e.probability >= 0 ? QStringLiteral("%1 %").arg(e.probability * 100.0, 0, 'f', 0)
                                        : QString());
    item->setTextAlignment(3, Qt::AlignRight | Qt::AlignVCenter);
    item->setToolTip(1, QString::fromStdString(song->path));
    items.append(item);
  }
  list_->addTopLevelItems(items);
  if (openId_ != 0)
    summary_->setText(tr("Saved playlist: %n song(s)", nullptr, static_cast<int>(entries_.size())));
  else if (!region_)
    summary_->setText(tr("Drag a rectangle, lasso or circle on the plane to build a playlist."));
  else
    summary_->setText(tr("%n song(s) in the region", nullptr, static_cast<int>(entries_.size())));
  updateButtons();
  Q_EMIT entriesChanged();
}

void PlaylistPanel::updateButtons() {
  const bool any = !entries_.empty();
  play_->setEnabled(any);
  export_->setEnabled(any);
  save_->setEnabled(any && openId_ == 0);
  rename_->setEnabled(openId_ != 0);
  remove_->setEnabled(openId_ != 0);
}

std::vector<library::PlaylistTrack> PlaylistPanel::tracks() const {
  std::vector<library::PlaylistTrack> out;
  if (!library_) return out;
  for (const auto& e : entries_) {
    const auto* song = library_->find(e.songId);
    if (!song) continue;
    library::PlaylistTrack t;
    t.path = song->path;
    t.artist = song->tags.artist;
    t.title = song->tags.title.empty()
                  ? QFileInfo(QString::fromStdString(song->path)).completeBaseName().toStdString()
                  : song->tags.title;
    t.album = song->tags.album;
    t.durationSeconds = song->durationSeconds;
    out.push_back(std::move(t));
  }
  return out;
}

QString PlaylistPanel::currentName() const {
  if (openId_ != 0 && library_)
    for (const auto& list : library_->playlists)
      if (list.id == openId_) return QString::fromStdString(list.name);
  return tr("Moodplane region");
}

Status PlaylistPanel::exportTo(const QString& path, library::PlaylistFormat format) const {
  if (entries_.empty()) return fail("the playlist is empty");
  return library::savePlaylistFile(path.toStdString(), tracks(), format,
                                   currentName().toStdString());
}

void PlaylistPanel::saveAs(const QString& name) {
  if (name.trimmed().isEmpty() || entries_.empty()) return;
  library::Playlist list;
  list.name = name.trimmed().toStdString();
  for (const auto& e : entries_) list.songIds.push_back(e.songId);
  Q_EMIT saveRequested(list);
}

void PlaylistPanel::rename(const QString& name) {
  if (openId_ == 0 || name.trimmed().isEmpty() || !library_) return;
  for (const auto& list : library_->playlists) {
    if (list.id != openId_) continue;
    library::Playlist renamed = list;
    renamed.name = name.trimmed().toStdString();
    Q_EMIT saveRequested(renamed);
  }
}

void PlaylistPanel::saveWithDialog() {
  bool ok = false;
  const QString name = QInputDialog::getText(this, tr("Save playlist"), tr("Name:"),
                                             QLineEdit::Normal, tr("Region playlist"), &ok);
  if (ok) saveAs(name);
}

void PlaylistPanel::renameWithDialog() {
  bool ok = false;
  const QString name = QInputDialog::getText(this, tr("Rename playlist"), tr("New name:"),
                                             QLineEdit::Normal, currentName(), &ok);
  if (ok) rename(name);
}

void PlaylistPanel::removeOpenPlaylist() {
  if (openId_ == 0) return;
  const qint64 id = openId_;
  openSavedPlaylist(0);
  Q_EMIT removeRequested(id);
}

void PlaylistPanel::exportWithDialog() {
  if (entries_.empty()) {
    Q_EMIT message(tr("Nothing to export: select a region or open a playlist first."));
    return;
  }
  QString filter;
  const QString path = QFileDialog::getSaveFileName(
      this, tr("Export playlist"), currentName() + QStringLiteral(".m3u"),
      tr("M3U playlist (*.m3u *.m3u8);;XSPF playlist (*.xspf)"), &filter);
  if (path.isEmpty()) return;
  const bool xspf = path.endsWith(QStringLiteral(".xspf"), Qt::CaseInsensitive) ||
                    filter.contains(QStringLiteral("xspf"));
  const auto st = exportTo(path, xspf ? library::PlaylistFormat::Xspf : library::PlaylistFormat::M3u);
  Q_EMIT message(st ? tr("Exported %n track(s) to %1", nullptr, static_cast<int>(entries_.size())).arg(path)
                    : tr("Export failed: %1").arg(QString::fromStdString(st.error().message)));
}

}  // namespace mp::ui
