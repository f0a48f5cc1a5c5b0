// MPRIS 2 over a real D-Bus session bus (ctest runs this under dbus-run-session). The service is
// exported on the session connection; a second connection, used from a worker thread while the
// main thread serves, plays the desktop widget: it calls methods through QDBusInterface, reads
// properties with org.freedesktop.DBus.Properties and listens for PropertiesChanged and Seeked.
// Expectations come from the MPRIS spec (microseconds, object-path track ids, as for artists).
// There is no audio device in CI, so states and metadata are asserted, never audible output.

#include "tests/ui/ui_test_support.h"
#include "ui/mpris_service.h"
#include "ui/player_bar.h"
#include "ui/player_bar_control.h"

#include <QDBusArgument>
#include <QDBusConnectionInterface>
#include <QDBusInterface>
#include <QDBusMetaType>
#include <QDBusObjectPath>
#include <QDBusReply>
#include <QDBusVariant>
#include <QSignalSpy>
#include <QTest>

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>
#include <vector>

namespace mp::ui {
namespace {

QString str(const char* s) { return QString::fromLatin1(s); }
const QString kProperties = str("org.freedesktop.DBus.Properties");

// A scripted player: a queue of tracks, a state, a position, a volume.
class FakePlayback : public PlaybackControl {
 public:
  std::vector<Track> queue;
  int index = -1;
  State current = State::Stopped;
  qint64 position = 0;
  double vol = 0.5;

  void load(std::vector<Track> tracks) {
    queue = std::move(tracks);
    index = queue.empty() ? -1 : 0;
    position = 0;
    Q_EMIT changed();
  }
  State state() const override { return current; }
  std::optional<Track> track() const override {
    return index >= 0 ? std::optional<Track>(queue[static_cast<std::size_t>(index)]) : std::nullopt;
  }
  qint64 positionMs() const override { return position; }
  double volume() const override { return vol; }
  bool canPlay() const override { return index >= 0; }
  bool canSeek() const override { return index >= 0; }
  bool hasNext() const override { return index + 1 < static_cast<int>(queue.size()); }
  bool hasPrevious() const override { return index > 0; }
  void play() override { setState(index >= 0 ? State::Playing : State::Stopped); }
  void pause() override {
    if (current == State::Playing) setState(State::Paused);
  }
  void stop() override {
    position = 0;
    setState(State::Stopped);
  }
  void next() override {
    if (!hasNext()) return;
    ++index;
    position = 0;
    Q_EMIT changed();
  }
  void previous() override {
    if (!hasPrevious()) return;
    --index;
    position = 0;
    Q_EMIT changed();
  }
  void setPositionMs(qint64 ms) override {
    position = ms;
    Q_EMIT seeked(ms);
  }
  void setVolume(double v) override {
    vol = v;
    Q_EMIT changed();
  }

 private:
  void setState(State s) {
    current = s;
    Q_EMIT changed();
  }
};

// Records PropertiesChanged and Seeked as the client connection receives them.
class SignalLog : public QObject {
  Q_OBJECT

 public:
  std::vector<std::pair<QString, QVariantMap>> changes;
  std::vector<qlonglong> seeks;

  /// The last announced value of `name` on the Player interface (Metadata demarshalled).
  QVariant lastPlayerValue(const QString& name) const {
    for (auto it = changes.rbegin(); it != changes.rend(); ++it)
      if (it->first == MprisService::playerInterface() && it->second.contains(name))
        return it->second.value(name);
    return {};
  }

 public Q_SLOTS:
  void onPropertiesChanged(const QString& iface, const QVariantMap& changed, const QStringList&) {
    QVariantMap plain = changed;
    if (plain.contains(str("Metadata")))
      plain[str("Metadata")] =
          qdbus_cast<QVariantMap>(plain.value(str("Metadata")).value<QDBusArgument>());
    changes.emplace_back(iface, plain);
  }
  void onSeeked(qlonglong us) { seeks.push_back(us); }
};

class Mpris : public ::testing::Test {
 protected:
  test::QtAppGuard app_;
  QDBusConnection client_ =
      QDBusConnection::connectToBus(QDBusConnection::SessionBus, str("mpris-test-client"));

  void SetUp() override {
    if (!QDBusConnection::sessionBus().isConnected() || !client_.isConnected()) {
      if (qEnvironmentVariableIsSet("MOODPLANE_REQUIRE_DBUS")) FAIL() << "no D-Bus session bus";
      GTEST_SKIP() << "no D-Bus session bus: run under dbus-run-session (ctest does)";
    }
  }

  // Runs `f` on a worker thread (blocking D-Bus calls there) while this thread serves the bus.
  template <class F>
  auto onClient(F f) -> decltype(f()) {
    auto future = std::async(std::launch::async, std::move(f));
    while (future.wait_for(std::chrono::milliseconds(0)) != std::future_status::ready) {
      QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return future.get();
  }

  QString call(const QString& service, const QString& iface, const QString& method,
               const QVariantList& args = {}) {
    return onClient([=, this] {
      QDBusInterface remote(service, MprisService::objectPath(), iface, client_);
      if (!remote.isValid()) return str("invalid interface: ") + remote.lastError().message();
      const QDBusMessage reply = remote.callWithArgumentList(QDBus::Block, method, args);
      return reply.type() == QDBusMessage::ErrorMessage ? reply.errorMessage() : QString();
    });
  }
  QString callPlayer(const char* method, const QVariantList& args = {}) {
    return call(MprisService::serviceName(), MprisService::playerInterface(), str(method), args);
  }
  QVariant get(const QString& iface, const char* name) {
    return onClient([=, this] {
      QDBusInterface props(MprisService::serviceName(), MprisService::objectPath(), kProperties,
                           client_);
      const QDBusReply<QDBusVariant> reply = props.call(str("Get"), iface, str(name));
      return reply.isValid() ? reply.value().variant() : QVariant();
    });
  }
  QVariant player(const char* name) { return get(MprisService::playerInterface(), name); }
  QVariantMap metadata() {
    return qdbus_cast<QVariantMap>(player("Metadata").value<QDBusArgument>());
  }
  QString setPlayer(const char* name, const QVariant& value) {
    return call(
        MprisService::serviceName(), kProperties, str("Set"),
        {MprisService::playerInterface(), str(name), QVariant::fromValue(QDBusVariant(value))});
  }

  void listen(SignalLog* log) {
    ASSERT_TRUE(client_.connect(MprisService::serviceName(), MprisService::objectPath(),
                                kProperties, str("PropertiesChanged"), log,
                                SLOT(onPropertiesChanged(QString, QVariantMap, QStringList))));
    ASSERT_TRUE(client_.connect(MprisService::serviceName(), MprisService::objectPath(),
                                MprisService::playerInterface(), str("Seeked"), log,
                                SLOT(onSeeked(qlonglong))));
  }
  void unlisten(SignalLog* log) {
    client_.disconnect(MprisService::serviceName(), MprisService::objectPath(), kProperties,
                       str("PropertiesChanged"), log,
                       SLOT(onPropertiesChanged(QString, QVariantMap, QStringList)));
    client_.disconnect(MprisService::serviceName(), MprisService::objectPath(),
                       MprisService::playerInterface(), str("Seeked"), log,
                       SLOT(onSeeked(qlonglong)));
  }
};

std::vector<PlaybackControl::Track> threeTracks() {
  return {{11, str("Morning"), str("Aster"), str("Days"), str("/music/morning.flac"), 10'000},
          {12, str("Noon"), str("Birch"), QString(), str("/music/noon.ogg"), 200'000},
          {13, str("Night"), QString(), QString(), str("/music/night.wav"), 0}};
}

TEST_F(Mpris, RootInterfaceIdentifiesTheAppAndRelaysRaiseAndQuit) {
  FakePlayback fake;
  MprisService service(&fake);
  ASSERT_TRUE(service.registerOnSessionBus());
  EXPECT_EQ(service.registeredName(), MprisService::serviceName());
  const bool owned = onClient([this] {
    return client_.interface()->isServiceRegistered(MprisService::serviceName()).value();
  });
  EXPECT_TRUE(owned);

  const QString root = MprisService::rootInterface();
  EXPECT_EQ(get(root, "Identity").toString(), str("Moodplane"));
  EXPECT_EQ(get(root, "DesktopEntry").toString(), str("io.github.moodplane.Moodplane"));
  EXPECT_TRUE(get(root, "CanQuit").toBool());
  EXPECT_TRUE(get(root, "CanRaise").toBool());
  EXPECT_FALSE(get(root, "HasTrackList").toBool());

  QSignalSpy raised(&service, &MprisService::raiseRequested);
  QSignalSpy quit(&service, &MprisService::quitRequested);
  EXPECT_EQ(call(MprisService::serviceName(), root, str("Raise")), QString());
  EXPECT_EQ(raised.count(), 1);
  EXPECT_EQ(quit.count(), 0);
  EXPECT_EQ(call(MprisService::serviceName(), root, str("Quit")), QString());
  EXPECT_EQ(quit.count(), 1);
}

TEST_F(Mpris, TransportMethodsDriveThePlayerAndEveryChangeIsAnnounced) {
  FakePlayback fake;
  MprisService service(&fake);
  ASSERT_TRUE(service.registerOnSessionBus());
  SignalLog log;
  listen(&log);

  EXPECT_EQ(player("PlaybackStatus").toString(), str("Stopped"));
  EXPECT_TRUE(metadata().isEmpty());
  EXPECT_FALSE(player("CanPlay").toBool());
  EXPECT_TRUE(player("CanControl").toBool());

  fake.load(threeTracks());
  const QVariantMap m = metadata();
  EXPECT_EQ(m.value(str("mpris:trackid")).value<QDBusObjectPath>().path(),
            str("/io/github/moodplane/Moodplane/track/11"));
  EXPECT_EQ(m.value(str("xesam:title")).toString(), str("Morning"));
  EXPECT_EQ(m.value(str("xesam:artist")).toStringList(), QStringList{str("Aster")});
  EXPECT_EQ(m.value(str("xesam:album")).toString(), str("Days"));
  EXPECT_EQ(m.value(str("mpris:length")).toLongLong(), 10'000'000);  // 10 s in microseconds
  EXPECT_EQ(m.value(str("xesam:url")).toString(), str("file:///music/morning.flac"));
  EXPECT_TRUE(player("CanPlay").toBool());
  EXPECT_TRUE(player("CanGoNext").toBool());
  EXPECT_FALSE(player("CanGoPrevious").toBool());
  ASSERT_TRUE(
      test::waitUntil([&] { return log.lastPlayerValue(str("Metadata")).isValid(); }, 5000));
  EXPECT_EQ(log.lastPlayerValue(str("Metadata")).toMap().value(str("xesam:title")).toString(),
            str("Morning"));
  EXPECT_TRUE(log.lastPlayerValue(str("CanPlay")).toBool());

  EXPECT_EQ(callPlayer("Play"), QString());
  EXPECT_EQ(fake.current, PlaybackControl::State::Playing);
  EXPECT_EQ(player("PlaybackStatus").toString(), str("Playing"));
  ASSERT_TRUE(test::waitUntil(
      [&] { return log.lastPlayerValue(str("PlaybackStatus")) == str("Playing"); }, 5000));

  EXPECT_EQ(callPlayer("PlayPause"), QString());
  EXPECT_EQ(player("PlaybackStatus").toString(), str("Paused"));
  ASSERT_TRUE(test::waitUntil(
      [&] { return log.lastPlayerValue(str("PlaybackStatus")) == str("Paused"); }, 5000));
  EXPECT_EQ(callPlayer("PlayPause"), QString());
  EXPECT_EQ(player("PlaybackStatus").toString(), str("Playing"));
  EXPECT_EQ(callPlayer("Pause"), QString());
  EXPECT_EQ(player("PlaybackStatus").toString(), str("Paused"));

  EXPECT_EQ(callPlayer("Next"), QString());
  EXPECT_EQ(metadata().value(str("xesam:title")).toString(), str("Noon"));
  EXPECT_TRUE(metadata().value(str("xesam:album")).isNull());  // empty fields are left out
  EXPECT_TRUE(player("CanGoPrevious").toBool());
  ASSERT_TRUE(
      test::waitUntil([&] { return log.lastPlayerValue(str("CanGoPrevious")).toBool(); }, 5000));
  EXPECT_EQ(log.lastPlayerValue(str("Metadata")).toMap().value(str("xesam:title")).toString(),
            str("Noon"));
  EXPECT_EQ(callPlayer("Next"), QString());
  const QVariantMap last = metadata();
  EXPECT_EQ(last.value(str("xesam:title")).toString(), str("Night"));
  EXPECT_FALSE(last.contains(str("mpris:length")));  // unknown length is left out
  EXPECT_FALSE(last.contains(str("xesam:artist")));
  EXPECT_FALSE(player("CanGoNext").toBool());
  EXPECT_EQ(callPlayer("Previous"), QString());
  EXPECT_EQ(metadata().value(str("xesam:title")).toString(), str("Noon"));

  EXPECT_EQ(callPlayer("Stop"), QString());
  EXPECT_EQ(player("PlaybackStatus").toString(), str("Stopped"));
  ASSERT_TRUE(test::waitUntil(
      [&] { return log.lastPlayerValue(str("PlaybackStatus")) == str("Stopped"); }, 5000));

  // Only changed properties are announced: a change that alters nothing sends nothing.
  const std::size_t before = log.changes.size();
  Q_EMIT fake.changed();
  EXPECT_EQ(callPlayer("Pause"), QString());  // stopped: Pause does nothing
  QTest::qWait(100);
  EXPECT_EQ(log.changes.size(), before);
  unlisten(&log);
}

TEST_F(Mpris, SeekAndSetPositionFollowTheSpec) {
  FakePlayback fake;
  MprisService service(&fake);
  ASSERT_TRUE(service.registerOnSessionBus());
  SignalLog log;
  listen(&log);
  fake.load(threeTracks());
  fake.play();
  fake.position = 2'000;

  EXPECT_EQ(player("Position").toLongLong(), 2'000'000);
  EXPECT_EQ(callPlayer("Seek", {QVariant::fromValue(qlonglong{3'000'000})}), QString());
  EXPECT_EQ(fake.position, 5'000);
  ASSERT_TRUE(test::waitUntil([&] { return !log.seeks.empty(); }, 5000));
  EXPECT_EQ(log.seeks.back(), 5'000'000);
  EXPECT_EQ(callPlayer("Seek", {QVariant::fromValue(qlonglong{-60'000'000})}), QString());
  EXPECT_EQ(fake.position, 0);  // clamped to the start

  const auto path = [](qint64 id) {
    return QVariant::fromValue(
        QDBusObjectPath(QStringLiteral("/io/github/moodplane/Moodplane/track/%1").arg(id)));
  };
  EXPECT_EQ(callPlayer("SetPosition", {path(12), QVariant::fromValue(qlonglong{4'000'000})}),
            QString());
  EXPECT_EQ(fake.position, 0);  // stale track id: ignored
  EXPECT_EQ(callPlayer("SetPosition", {path(11), QVariant::fromValue(qlonglong{11'000'000})}),
            QString());
  EXPECT_EQ(fake.position, 0);  // past the end of the 10 s track: ignored
  EXPECT_EQ(callPlayer("SetPosition", {path(11), QVariant::fromValue(qlonglong{4'000'000})}),
            QString());
  EXPECT_EQ(fake.position, 4'000);

  EXPECT_EQ(callPlayer("Seek", {QVariant::fromValue(qlonglong{7'000'000})}), QString());
  EXPECT_EQ(fake.index, 1);  // past the end acts like Next
  EXPECT_EQ(metadata().value(str("xesam:title")).toString(), str("Noon"));
  unlisten(&log);
}

TEST_F(Mpris, VolumeIsReadWriteAndAnnounced) {
  FakePlayback fake;
  MprisService service(&fake);
  ASSERT_TRUE(service.registerOnSessionBus());
  SignalLog log;
  listen(&log);
  EXPECT_DOUBLE_EQ(player("Volume").toDouble(), 0.5);
  EXPECT_EQ(setPlayer("Volume", 0.25), QString());
  EXPECT_DOUBLE_EQ(fake.vol, 0.25);
  EXPECT_EQ(setPlayer("Volume", 3.0), QString());
  EXPECT_DOUBLE_EQ(fake.vol, 1.0);  // clamped to [0, 1]
  fake.setVolume(0.75);
  ASSERT_TRUE(
      test::waitUntil([&] { return log.lastPlayerValue(str("Volume")) == QVariant(0.75); }, 5000));
  EXPECT_DOUBLE_EQ(player("Volume").toDouble(), 0.75);
  unlisten(&log);
}

TEST_F(Mpris, BoundToThePlayerBarWithoutAnAudioDevice) {
  PlayerBar bar(nullptr, /*probeDevices=*/false);
  std::vector<library::SongRecord> songs(2);
  songs[0].id = 5;
  songs[0].path = "/music/a/first.flac";
  songs[0].tags.title = "First";
  songs[0].tags.artist = "Ada";
  songs[0].durationSeconds = 61.5;
  songs[1].id = 9;
  songs[1].path = "/music/b/untitled.ogg";  // no tags: the file name is the title
  songs[1].durationSeconds = 30.0;
  bar.setLibrary(makeSnapshot(songs));
  PlayerBarControl control(&bar);
  MprisService service(&control);
  ASSERT_TRUE(service.registerOnSessionBus());
  SignalLog log;
  listen(&log);

  bar.playQueue({5, 9}, 0);
  QVariantMap m = metadata();
  EXPECT_EQ(m.value(str("mpris:trackid")).value<QDBusObjectPath>().path(),
            str("/io/github/moodplane/Moodplane/track/5"));
  EXPECT_EQ(m.value(str("xesam:title")).toString(), str("First"));
  EXPECT_EQ(m.value(str("xesam:artist")).toStringList(), QStringList{str("Ada")});
  EXPECT_EQ(m.value(str("mpris:length")).toLongLong(), 61'500'000);
  EXPECT_EQ(player("PlaybackStatus").toString(), str("Stopped"));  // no device: nothing plays
  EXPECT_FALSE(player("CanPlay").toBool());
  EXPECT_FALSE(player("CanSeek").toBool());
  EXPECT_TRUE(player("CanGoNext").toBool());
  ASSERT_TRUE(
      test::waitUntil([&] { return log.lastPlayerValue(str("Metadata")).isValid(); }, 5000));

  EXPECT_EQ(callPlayer("Next"), QString());
  EXPECT_EQ(bar.currentSong(), 9);
  m = metadata();
  EXPECT_EQ(m.value(str("xesam:title")).toString(), str("untitled"));
  EXPECT_EQ(m.value(str("mpris:length")).toLongLong(), 30'000'000);
  EXPECT_FALSE(player("CanGoNext").toBool());
  EXPECT_TRUE(player("CanGoPrevious").toBool());
  EXPECT_EQ(callPlayer("Previous"), QString());
  EXPECT_EQ(bar.currentSong(), 5);
  EXPECT_EQ(callPlayer("Play"), QString());  // harmless without a player
  EXPECT_EQ(player("PlaybackStatus").toString(), str("Stopped"));

  EXPECT_EQ(setPlayer("Volume", 0.4), QString());
  EXPECT_EQ(bar.volumePercent(), 40);
  bar.setVolumePercent(65);
  ASSERT_TRUE(
      test::waitUntil([&] { return log.lastPlayerValue(str("Volume")) == QVariant(0.65); }, 5000));
  unlisten(&log);
}

TEST_F(Mpris, RegistrationFailureIsReportedNotFatalAndASecondInstanceGetsItsOwnName) {
  FakePlayback fake;
  MprisService offline(&fake);
  EXPECT_FALSE(offline.registerOn(QDBusConnection(str("no-such-connection"))));
  EXPECT_TRUE(offline.registeredName().isEmpty());
  fake.load(threeTracks());  // changes while unregistered are harmless

  MprisService first(&fake);
  ASSERT_TRUE(first.registerOnSessionBus());
  // A second connection stands for a second running Moodplane.
  QDBusConnection other =
      QDBusConnection::connectToBus(QDBusConnection::SessionBus, str("mpris-test-second"));
  MprisService second(&fake);
  ASSERT_TRUE(second.registerOn(other));
  EXPECT_EQ(second.registeredName(), MprisService::serviceName() + str(".instance") +
                                         QString::number(QCoreApplication::applicationPid()));
}

}  // namespace
}  // namespace mp::ui

#include "mpris_test.moc"
