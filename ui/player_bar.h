#pragma once
// Playback of a queue of songs through Qt Multimedia: play/pause, previous/next, seek, volume and
// the current title. The audio output is attached only when QMediaDevices lists an output
// device (PLATFORM.md: Qt 6.4's FFmpeg backend crashes with an output and no device); without
// one the bar stays visible, disabled, and says why.

#include "ui/library_snapshot.h"

#include <QList>
#include <QWidget>

#include <memory>

class QAudioOutput;
class QLabel;
class QMediaPlayer;
class QSlider;
class QToolButton;

namespace mp::ui {

class PlayerBar : public QWidget {
  Q_OBJECT

 public:
  /// `probeDevices` false: behave as if no audio device existed (tests of the degraded state).
  explicit PlayerBar(QWidget* parent = nullptr, bool probeDevices = true);
  ~PlayerBar() override;

  bool available() const { return player_ != nullptr; }
  QString statusText() const;
  void setLibrary(SnapshotPtr library) { library_ = std::move(library); }

  /// Plays queue[index] (ids of songs in the library).
  void playQueue(const QList<qint64>& queue, int index);
  qint64 currentSong() const;

  // For remote control (PlayerBarControl, MPRIS).
  QMediaPlayer* mediaPlayer() const { return player_; }  ///< null when playback is unavailable
  const SnapshotPtr& library() const { return library_; }
  bool hasNext() const { return index_ + 1 < queue_.size(); }
  bool hasPrevious() const { return index_ > 0; }
  int volumePercent() const;
  void setVolumePercent(int percent);

 public Q_SLOTS:
  void togglePlayPause();
  void next();
  void previous();

 Q_SIGNALS:
  void currentSongChanged(qint64 id);  ///< 0 when stopped / nothing queued
  void volumeChanged(int percent);
  void seeked(qint64 positionMs);  ///< the user moved the position (slider, "previous" restart)

 private:
  void playIndex(int index);
  void updateState();
  void setUnavailable(const QString& reason);

  SnapshotPtr library_;
  QList<qint64> queue_;
  int index_ = -1;
  QMediaPlayer* player_ = nullptr;    // child; null when playback is unavailable
  QAudioOutput* output_ = nullptr;    // child
  QToolButton* prev_ = nullptr;
  QToolButton* play_ = nullptr;
  QToolButton* next_ = nullptr;
  QSlider* seek_ = nullptr;
  QSlider* volume_ = nullptr;
  QLabel* time_ = nullptr;
  QLabel* title_ = nullptr;
  QString unavailableReason_;
  bool seeking_ = false;
};

}  // namespace mp::ui
