#include "ui/player_bar_control.h"

#include "ui/player_bar.h"

#include <QFileInfo>
#include <QMediaPlayer>

#include <cmath>

namespace mp::ui {

PlayerBarControl::PlayerBarControl(PlayerBar* bar, QObject* parent)
    : PlaybackControl(parent), bar_(bar) {
  connect(bar_, &PlayerBar::currentSongChanged, this, &PlaybackControl::changed);
  connect(bar_, &PlayerBar::volumeChanged, this, &PlaybackControl::changed);
  connect(bar_, &PlayerBar::seeked, this, &PlaybackControl::seeked);
  if (QMediaPlayer* player = bar_->mediaPlayer()) {
    connect(player, &QMediaPlayer::playbackStateChanged, this, &PlaybackControl::changed);
    connect(player, &QMediaPlayer::durationChanged, this, &PlaybackControl::changed);
    connect(player, &QMediaPlayer::seekableChanged, this, &PlaybackControl::changed);
    connect(player, &QMediaPlayer::sourceChanged, this, &PlaybackControl::changed);
  }
}

PlaybackControl::State PlayerBarControl::state() const {
  const QMediaPlayer* player = bar_->mediaPlayer();
  if (!player) return State::Stopped;
  switch (player->playbackState()) {
    case QMediaPlayer::PlayingState:
      return State::Playing;
    case QMediaPlayer::PausedState:
      return State::Paused;
    case QMediaPlayer::StoppedState:
      break;
  }
  return State::Stopped;
}

std::optional<PlaybackControl::Track> PlayerBarControl::track() const {
  const qint64 id = bar_->currentSong();
  const auto* song = id != 0 && bar_->library() ? bar_->library()->find(id) : nullptr;
  if (!song) return std::nullopt;
  Track t;
  t.id = song->id;
  t.path = QString::fromStdString(song->path);
  t.title = song->tags.title.empty() ? QFileInfo(t.path).completeBaseName()
                                     : QString::fromStdString(song->tags.title);
  t.artist = QString::fromStdString(song->tags.artist);
  t.album = QString::fromStdString(song->tags.album);
  const QMediaPlayer* player = bar_->mediaPlayer();
  t.lengthMs = player && player->duration() > 0
                   ? player->duration()
                   : static_cast<qint64>(std::llround(song->durationSeconds * 1000.0));
  return t;
}

qint64 PlayerBarControl::positionMs() const {
  const QMediaPlayer* player = bar_->mediaPlayer();
  return player ? player->position() : 0;
}

double PlayerBarControl::volume() const { return bar_->volumePercent() / 100.0; }
bool PlayerBarControl::canPlay() const { return bar_->available() && bar_->currentSong() != 0; }
bool PlayerBarControl::canSeek() const {
  const QMediaPlayer* player = bar_->mediaPlayer();
  return player && player->isSeekable();
}
bool PlayerBarControl::hasNext() const { return bar_->hasNext(); }
bool PlayerBarControl::hasPrevious() const { return bar_->hasPrevious(); }

void PlayerBarControl::play() {
  if (state() != State::Playing) bar_->togglePlayPause();
}
void PlayerBarControl::pause() {
  if (state() == State::Playing) bar_->togglePlayPause();
}
void PlayerBarControl::stop() {
  if (QMediaPlayer* player = bar_->mediaPlayer()) player->stop();
}
void PlayerBarControl::next() { bar_->next(); }
void PlayerBarControl::previous() { bar_->previous(); }
void PlayerBarControl::setPositionMs(qint64 ms) {
  QMediaPlayer* player = bar_->mediaPlayer();
  if (!player || !player->isSeekable()) return;
  player->setPosition(ms);
  Q_EMIT seeked(ms);
}
void PlayerBarControl::setVolume(double volume) {
  bar_->setVolumePercent(static_cast<int>(std::lround(volume * 100.0)));
}

}  // namespace mp::ui
