#pragma once
// What a remote control (MPRIS over D-Bus) needs from a player: its state, the current track, and
// the transport commands. PlayerBarControl implements it over the player bar; tests can implement
// it with a scripted player, since CI has no audio device.

#include <QObject>
#include <QString>

#include <optional>

namespace mp::ui {

class PlaybackControl : public QObject {
  Q_OBJECT

 public:
  enum class State { Stopped, Playing, Paused };
  struct Track {
    qint64 id = 0;  ///< the song's library id (stable while the library lives)
    QString title;
    QString artist;
    QString album;
    QString path;
    qint64 lengthMs = 0;  ///< 0 when unknown
  };

  using QObject::QObject;

  virtual State state() const = 0;
  virtual std::optional<Track> track() const = 0;
  virtual qint64 positionMs() const = 0;
  virtual double volume() const = 0;  ///< 0..1
  virtual bool canPlay() const = 0;   ///< play() would start or resume something
  virtual bool canSeek() const = 0;
  virtual bool hasNext() const = 0;
  virtual bool hasPrevious() const = 0;

  virtual void play() = 0;
  virtual void pause() = 0;
  virtual void stop() = 0;
  virtual void next() = 0;
  virtual void previous() = 0;
  virtual void setPositionMs(qint64 ms) = 0;
  virtual void setVolume(double volume) = 0;

 Q_SIGNALS:
  /// State, track, capabilities or volume may have changed (listeners re-read what they need).
  void changed();
  /// The position jumped (a seek, not the steady progress of playback).
  void seeked(qint64 positionMs);
};

}  // namespace mp::ui
