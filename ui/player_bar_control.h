#pragma once
// PlaybackControl over the player bar: what MPRIS sees and commands is exactly what the bar shows
// and does (its queue, its QMediaPlayer, its volume slider). Without an audio device the bar has
// no player: the control then reports Stopped, the queued track's metadata, and CanPlay false.

#include "ui/playback_control.h"

namespace mp::ui {

class PlayerBar;

class PlayerBarControl : public PlaybackControl {
  Q_OBJECT

 public:
  /// `bar` must outlive the control.
  explicit PlayerBarControl(PlayerBar* bar, QObject* parent = nullptr);

  State state() const override;
  std::optional<Track> track() const override;
  qint64 positionMs() const override;
  double volume() const override;
  bool canPlay() const override;
  bool canSeek() const override;
  bool hasNext() const override;
  bool hasPrevious() const override;

  void play() override;
  void pause() override;
  void stop() override;
  void next() override;
  void previous() override;
  void setPositionMs(qint64 ms) override;
  void setVolume(double volume) override;

 private:
  PlayerBar* bar_;
};

}  // namespace mp::ui
