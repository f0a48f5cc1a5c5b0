#pragma once
// MPRIS 2 (https://specifications.freedesktop.org/mpris-spec/latest/) over D-Bus: exports
// org.mpris.MediaPlayer2 and org.mpris.MediaPlayer2.Player at /org/mpris/MediaPlayer2 under the
// name org.mpris.MediaPlayer2.moodplane, so media keys and desktop widgets drive the player.
// Every command goes to a PlaybackControl; every change it reports is published with
// org.freedesktop.DBus.Properties.PropertiesChanged (only the properties whose values changed).

#include <QDBusConnection>
#include <QObject>
#include <QString>
#include <QVariantMap>

namespace mp::ui {

class PlaybackControl;

class MprisService : public QObject {
  Q_OBJECT

 public:
  static QString serviceName() { return QStringLiteral("org.mpris.MediaPlayer2.moodplane"); }
  static QString objectPath() { return QStringLiteral("/org/mpris/MediaPlayer2"); }
  static QString desktopEntry() { return QStringLiteral("io.github.moodplane.Moodplane"); }
  static QString rootInterface() { return QStringLiteral("org.mpris.MediaPlayer2"); }
  static QString playerInterface() { return QStringLiteral("org.mpris.MediaPlayer2.Player"); }

  /// `control` must outlive the service.
  explicit MprisService(PlaybackControl* control, QObject* parent = nullptr);
  ~MprisService() override;

  /// Exports the object on `bus` and requests serviceName() (or, when another instance holds
  /// it, serviceName() + ".instance<pid>" as the spec asks). Failure (no bus, refused name) is
  /// logged with qWarning and returns false; the application goes on without MPRIS.
  bool registerOn(const QDBusConnection& bus);
  bool registerOnSessionBus() { return registerOn(QDBusConnection::sessionBus()); }
  /// The bus name held, empty when not registered.
  QString registeredName() const { return registeredName_; }

  PlaybackControl* control() const { return control_; }
  /// The current values of the Player properties that are announced with PropertiesChanged.
  QVariantMap playerProperties() const;

 Q_SIGNALS:
  void raiseRequested();  ///< org.mpris.MediaPlayer2.Raise
  void quitRequested();   ///< org.mpris.MediaPlayer2.Quit

 private:
  void publishChanges();

  PlaybackControl* control_;
  QDBusConnection bus_;
  QString registeredName_;
  QVariantMap published_;  ///< Player properties as last announced
};

}  // namespace mp::ui
