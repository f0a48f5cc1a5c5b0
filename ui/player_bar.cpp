#include "ui/player_bar.h"

#include <QAudioDevice>
#include <QAudioOutput>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QMediaDevices>
#include <QMediaPlayer>
#include <QSlider>
#include <QStyle>
#include <QToolButton>
#include <QUrl>

namespace mp::ui {

namespace {

QString clock(qint64 ms) {
  const qint64 s = ms / 1000;
  return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

}  // namespace

PlayerBar::PlayerBar(QWidget* parent, bool probeDevices) : QWidget(parent) {
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(6, 2, 6, 2);
  auto makeButton = [this, layout](QStyle::StandardPixmap icon, const QString& tip) {
    auto* b = new QToolButton(this);
    b->setIcon(style()->standardIcon(icon));
    b->setToolTip(tip);
    b->setAutoRaise(true);
    layout->addWidget(b);
    return b;
  };
  prev_ = makeButton(QStyle::SP_MediaSkipBackward, tr("Previous"));
  play_ = makeButton(QStyle::SP_MediaPlay, tr("Play / pause (Space)"));
  next_ = makeButton(QStyle::SP_MediaSkipForward, tr("Next"));
  title_ = new QLabel(tr("Nothing playing"), this);
  title_->setMinimumWidth(title_->fontMetrics().averageCharWidth() * 24);
  layout->addWidget(title_);
  seek_ = new QSlider(Qt::Horizontal, this);
  seek_->setToolTip(tr("Seek"));
  layout->addWidget(seek_, 1);
  time_ = new QLabel(QStringLiteral("0:00 / 0:00"), this);
  layout->addWidget(time_);
  auto* speaker = new QLabel(this);
  speaker->setPixmap(style()->standardIcon(QStyle::SP_MediaVolume).pixmap(16, 16));
  layout->addWidget(speaker);
  volume_ = new QSlider(Qt::Horizontal, this);
  volume_->setRange(0, 100);
  volume_->setValue(80);
  volume_->setToolTip(tr("Volume"));
  volume_->setMaximumWidth(volume_->fontMetrics().averageCharWidth() * 14);
  layout->addWidget(volume_);

  connect(play_, &QToolButton::clicked, this, &PlayerBar::togglePlayPause);
  connect(volume_, &QSlider::valueChanged, this, &PlayerBar::volumeChanged);
  connect(prev_, &QToolButton::clicked, this, &PlayerBar::previous);
  connect(next_, &QToolButton::clicked, this, &PlayerBar::next);

  // No output device: never create the player (see the header).
  if (!probeDevices) {
    setUnavailable(tr("Playback disabled"));
    return;
  }
  const QList<QAudioDevice> outputs = QMediaDevices::audioOutputs();
  if (outputs.isEmpty()) {
    setUnavailable(tr("No audio output device: playback is unavailable"));
    return;
  }
  player_ = new QMediaPlayer(this);
  output_ = new QAudioOutput(QMediaDevices::defaultAudioOutput(), this);
  output_->setVolume(volume_->value() / 100.0f);
  player_->setAudioOutput(output_);

  connect(volume_, &QSlider::valueChanged, this,
          [this](int v) { output_->setVolume(static_cast<float>(v) / 100.0f); });
  connect(player_, &QMediaPlayer::durationChanged, this, [this](qint64 ms) {
    seek_->setRange(0, static_cast<int>(ms));
    updateState();
  });
  connect(player_, &QMediaPlayer::positionChanged, this, [this](qint64 ms) {
    if (!seeking_) seek_->setValue(static_cast<int>(ms));
    time_->setText(QStringLiteral("%1 / %2").arg(clock(ms), clock(player_->duration())));
  });
  connect(seek_, &QSlider::sliderPressed, this, [this] { seeking_ = true; });
  connect(seek_, &QSlider::sliderReleased, this, [this] {
    seeking_ = false;
    player_->setPosition(seek_->value());
    Q_EMIT seeked(seek_->value());
  });
  connect(player_, &QMediaPlayer::playbackStateChanged, this, [this] { updateState(); });
  connect(player_, &QMediaPlayer::mediaStatusChanged, this, [this](QMediaPlayer::MediaStatus s) {
    if (s == QMediaPlayer::EndOfMedia && index_ + 1 < queue_.size()) next();
    updateState();
  });
  connect(player_, &QMediaPlayer::errorOccurred, this,
          [this](QMediaPlayer::Error, const QString& text) {
            title_->setText(tr("Cannot play: %1").arg(text));
          });
  updateState();
}

PlayerBar::~PlayerBar() {
  if (player_) player_->stop();
}

void PlayerBar::setUnavailable(const QString& reason) {
  unavailableReason_ = reason;
  for (QWidget* w : std::initializer_list<QWidget*>{prev_, play_, next_, seek_, volume_, time_})
    w->setEnabled(false);
  title_->setText(reason);
  setToolTip(reason);
}

QString PlayerBar::statusText() const { return title_->text(); }

int PlayerBar::volumePercent() const { return volume_->value(); }
void PlayerBar::setVolumePercent(int percent) { volume_->setValue(percent); }

qint64 PlayerBar::currentSong() const {
  return index_ >= 0 && index_ < queue_.size() ? queue_[index_] : 0;
}

void PlayerBar::playQueue(const QList<qint64>& queue, int index) {
  queue_ = queue;
  playIndex(index);
}

void PlayerBar::playIndex(int index) {
  if (index < 0 || index >= queue_.size()) return;
  index_ = index;
  const auto* song = library_ ? library_->find(queue_[index]) : nullptr;
  if (!song) return;
  const QString title = song->tags.title.empty()
                            ? QFileInfo(QString::fromStdString(song->path)).fileName()
                            : QString::fromStdString(song->tags.title);
  Q_EMIT currentSongChanged(song->id);
  if (!player_) {
    title_->setText(QStringLiteral("%1 — %2").arg(unavailableReason_, title));
    return;
  }
  title_->setText(song->tags.artist.empty()
                      ? title
                      : QStringLiteral("%1 — %2").arg(QString::fromStdString(song->tags.artist), title));
  player_->setSource(QUrl::fromLocalFile(QString::fromStdString(song->path)));
  player_->play();
  updateState();
}

void PlayerBar::togglePlayPause() {
  if (!player_) return;
  if (player_->playbackState() == QMediaPlayer::PlayingState) {
    player_->pause();
  } else if (player_->source().isEmpty()) {
    playIndex(std::max(0, index_));
  } else {
    player_->play();
  }
}

void PlayerBar::next() { playIndex(index_ + 1); }
void PlayerBar::previous() {
  if (player_ && player_->position() > 3000) {
    player_->setPosition(0);
    Q_EMIT seeked(0);
    return;
  }
  playIndex(index_ - 1);
}

void PlayerBar::updateState() {
  if (!player_) return;
  const bool playing = player_->playbackState() == QMediaPlayer::PlayingState;
  play_->setIcon(style()->standardIcon(playing ? QStyle::SP_MediaPause : QStyle::SP_MediaPlay));
  prev_->setEnabled(index_ > 0 || playing);
  next_->setEnabled(index_ + 1 < queue_.size());
  seek_->setEnabled(player_->isSeekable());
}

}  // namespace mp::ui
