#include "ui/mpris_service.h"

#include "ui/playback_control.h"

#include <QCoreApplication>
#include <QDBusAbstractAdaptor>
#include <QDBusConnectionInterface>
#include <QDBusMessage>
#include <QDBusObjectPath>
#include <QStringList>
#include <QUrl>

#include <algorithm>

namespace mp::ui {

namespace {

constexpr qint64 kUsPerMs = 1000;

QString statusName(PlaybackControl::State state) {
  switch (state) {
    case PlaybackControl::State::Playing:
      return QStringLiteral("Playing");
    case PlaybackControl::State::Paused:
      return QStringLiteral("Paused");
    case PlaybackControl::State::Stopped:
      break;
  }
  return QStringLiteral("Stopped");
}

QDBusObjectPath trackPath(qint64 id) {
  return QDBusObjectPath(QStringLiteral("/io/github/moodplane/Moodplane/track/%1").arg(id));
}

// The MPRIS metadata map (a{sv}); empty when there is no current track.
QVariantMap metadataOf(const std::optional<PlaybackControl::Track>& track) {
  QVariantMap m;
  if (!track) return m;
  m.insert(QStringLiteral("mpris:trackid"), QVariant::fromValue(trackPath(track->id)));
  if (track->lengthMs > 0) m.insert(QStringLiteral("mpris:length"), track->lengthMs * kUsPerMs);
  m.insert(QStringLiteral("xesam:title"), track->title);
  if (!track->artist.isEmpty())
    m.insert(QStringLiteral("xesam:artist"), QStringList{track->artist});
  if (!track->album.isEmpty()) m.insert(QStringLiteral("xesam:album"), track->album);
  if (!track->path.isEmpty())
    m.insert(QStringLiteral("xesam:url"),
             QUrl::fromLocalFile(track->path).toString(QUrl::FullyEncoded));
  return m;
}

}  // namespace

// org.mpris.MediaPlayer2: identity and window-level commands.
class MprisRootAdaptor : public QDBusAbstractAdaptor {
  Q_OBJECT
  Q_CLASSINFO("D-Bus Interface", "org.mpris.MediaPlayer2")
  Q_PROPERTY(bool CanQuit READ canQuit)
  Q_PROPERTY(bool CanRaise READ canRaise)
  Q_PROPERTY(bool Fullscreen READ fullscreen)
  Q_PROPERTY(bool CanSetFullscreen READ canSetFullscreen)
  Q_PROPERTY(bool HasTrackList READ hasTrackList)
  Q_PROPERTY(QString Identity READ identity)
  Q_PROPERTY(QString DesktopEntry READ desktopEntry)
  Q_PROPERTY(QStringList SupportedUriSchemes READ supportedUriSchemes)
  Q_PROPERTY(QStringList SupportedMimeTypes READ supportedMimeTypes)

 public:
  explicit MprisRootAdaptor(MprisService* service)
      : QDBusAbstractAdaptor(service), service_(service) {}

  bool canQuit() const { return true; }
  bool canRaise() const { return true; }
  bool fullscreen() const { return false; }
  bool canSetFullscreen() const { return false; }
  bool hasTrackList() const { return false; }
  QString identity() const { return QStringLiteral("Moodplane"); }
  QString desktopEntry() const { return MprisService::desktopEntry(); }
  // The player plays songs of the library only; it opens no URIs given from outside.
  QStringList supportedUriSchemes() const { return {}; }
  QStringList supportedMimeTypes() const { return {}; }

 public Q_SLOTS:
  void Raise() { Q_EMIT service_->raiseRequested(); }
  void Quit() { Q_EMIT service_->quitRequested(); }

 private:
  MprisService* service_;
};

// org.mpris.MediaPlayer2.Player: transport, position, volume and the current track.
class MprisPlayerAdaptor : public QDBusAbstractAdaptor {
  Q_OBJECT
  Q_CLASSINFO("D-Bus Interface", "org.mpris.MediaPlayer2.Player")
  Q_PROPERTY(QString PlaybackStatus READ playbackStatus)
  Q_PROPERTY(double Rate READ rate WRITE setRate)
  Q_PROPERTY(double MinimumRate READ rate)
  Q_PROPERTY(double MaximumRate READ rate)
  Q_PROPERTY(QVariantMap Metadata READ metadata)
  Q_PROPERTY(double Volume READ volume WRITE setVolume)
  Q_PROPERTY(qlonglong Position READ position)
  Q_PROPERTY(bool CanGoNext READ canGoNext)
  Q_PROPERTY(bool CanGoPrevious READ canGoPrevious)
  Q_PROPERTY(bool CanPlay READ canPlay)
  Q_PROPERTY(bool CanPause READ canPause)
  Q_PROPERTY(bool CanSeek READ canSeek)
  Q_PROPERTY(bool CanControl READ canControl)

 public:
  MprisPlayerAdaptor(MprisService* service, PlaybackControl* control)
      : QDBusAbstractAdaptor(service), control_(control) {
    connect(control_, &PlaybackControl::seeked, this,
            [this](qint64 ms) { Q_EMIT Seeked(ms * kUsPerMs); });
  }

  QString playbackStatus() const { return statusName(control_->state()); }
  double rate() const { return 1.0; }
  void setRate(double) {}  // only normal speed; MinimumRate = MaximumRate = 1 tells clients so
  QVariantMap metadata() const { return metadataOf(control_->track()); }
  double volume() const { return control_->volume(); }
  void setVolume(double v) { control_->setVolume(std::clamp(v, 0.0, 1.0)); }
  qlonglong position() const { return control_->positionMs() * kUsPerMs; }
  bool canGoNext() const { return control_->hasNext(); }
  bool canGoPrevious() const { return control_->hasPrevious(); }
  bool canPlay() const { return control_->canPlay(); }
  bool canPause() const { return control_->canPlay(); }
  bool canSeek() const { return control_->canSeek(); }
  bool canControl() const { return true; }

 public Q_SLOTS:
  void Next() { control_->next(); }
  void Previous() { control_->previous(); }
  void Pause() { control_->pause(); }
  void PlayPause() {
    if (control_->state() == PlaybackControl::State::Playing)
      control_->pause();
    else
      control_->play();
  }
  void Stop() { control_->stop(); }
  void Play() { control_->play(); }
  /// Moves by `offsetUs`; before the start clamps to 0, past the end acts like Next (spec).
  void Seek(qlonglong offsetUs) {
    const auto track = control_->track();
    if (!track || !control_->canSeek()) return;
    const qint64 target = control_->positionMs() + offsetUs / kUsPerMs;
    if (track->lengthMs > 0 && target > track->lengthMs) {
      control_->next();
      return;
    }
    control_->setPositionMs(std::max<qint64>(0, target));
  }
  /// Ignored unless `trackId` is the current track and the position lies inside it (spec).
  void SetPosition(const QDBusObjectPath& trackId, qlonglong positionUs) {
    const auto track = control_->track();
    if (!track || !control_->canSeek() || trackId != trackPath(track->id)) return;
    if (positionUs < 0 || (track->lengthMs > 0 && positionUs > track->lengthMs * kUsPerMs)) return;
    control_->setPositionMs(positionUs / kUsPerMs);
  }
  void OpenUri(const QString&) {}  // SupportedUriSchemes is empty: nothing is opened

 Q_SIGNALS:
  void Seeked(qlonglong Position);

 private:
  PlaybackControl* control_;
};

MprisService::MprisService(PlaybackControl* control, QObject* parent)
    : QObject(parent), control_(control), bus_(QString()) {
  new MprisRootAdaptor(this);
  new MprisPlayerAdaptor(this, control_);
  published_ = playerProperties();
  connect(control_, &PlaybackControl::changed, this, &MprisService::publishChanges);
}

MprisService::~MprisService() {
  if (!registeredName_.isEmpty()) {
    bus_.unregisterService(registeredName_);
    bus_.unregisterObject(objectPath());
  }
}

bool MprisService::registerOn(const QDBusConnection& bus) {
  if (!bus.isConnected()) {
    qWarning(
        "MPRIS: no D-Bus session bus (%s); media keys and desktop widgets will not see Moodplane",
        qPrintable(bus.lastError().message()));
    return false;
  }
  bus_ = bus;
  if (!bus_.registerObject(objectPath(), this, QDBusConnection::ExportAdaptors)) {
    qWarning("MPRIS: cannot export %s: %s", qPrintable(objectPath()),
             qPrintable(bus_.lastError().message()));
    return false;
  }
  QString name = serviceName();
  if (!bus_.registerService(name)) {
    name =
        QStringLiteral("%1.instance%2").arg(serviceName()).arg(QCoreApplication::applicationPid());
    if (!bus_.registerService(name)) {
      qWarning("MPRIS: cannot own %s: %s", qPrintable(serviceName()),
               qPrintable(bus_.lastError().message()));
      bus_.unregisterObject(objectPath());
      return false;
    }
  }
  registeredName_ = name;
  return true;
}

QVariantMap MprisService::playerProperties() const {
  const bool canPlay = control_->canPlay();
  return {{QStringLiteral("PlaybackStatus"), statusName(control_->state())},
          {QStringLiteral("Metadata"), metadataOf(control_->track())},
          {QStringLiteral("Volume"), control_->volume()},
          {QStringLiteral("CanGoNext"), control_->hasNext()},
          {QStringLiteral("CanGoPrevious"), control_->hasPrevious()},
          {QStringLiteral("CanPlay"), canPlay},
          {QStringLiteral("CanPause"), canPlay},
          {QStringLiteral("CanSeek"), control_->canSeek()}};
}

void MprisService::publishChanges() {
  const QVariantMap now = playerProperties();
  QVariantMap changed;
  for (auto it = now.cbegin(); it != now.cend(); ++it)
    if (published_.value(it.key()) != it.value()) changed.insert(it.key(), it.value());
  published_ = now;
  if (changed.isEmpty() || registeredName_.isEmpty()) return;
  QDBusMessage signal =
      QDBusMessage::createSignal(objectPath(), QStringLiteral("org.freedesktop.DBus.Properties"),
                                 QStringLiteral("PropertiesChanged"));
  signal << playerInterface() << changed << QStringList();
  bus_.send(signal);
}

}  // namespace mp::ui

#include "mpris_service.moc"
