// moodplane: the desktop explorer.
//   moodplane [--db FILE] [--model FILE] [--screenshot PNG] [--quit-after-scan]
//             [--region V0,A0,V1,A1] [--dark] [--ellipses] [--colour-by quadrant|genre|uncertainty]
//             [--settings INI] [FOLDER]
// Opens the library database, loads the mood model (a missing or corrupt model leaves the library
// browsable), scans FOLDER when given (a song stands for the folder it lies in), and optionally
// renders the window to a PNG and exits. Exports MPRIS on the session bus (not in headless runs).
// A damaged database asks first (restore the backup / start a new library / quit); the database
// is backed up to <db>.bak after every successful scan and at exit.

#include "core/common/install_paths.h"
#include "core/library/library_backup.h"
#include "core/mood/model_store.h"
#include "core/mood/mood_analyzer.h"
#include "ui/database_recovery_dialog.h"
#include "ui/main_window.h"
#include "ui/mpris_service.h"
#include "ui/player_bar_control.h"
#include "ui/resources_init.h"
#include "ui/translations.h"
#include "ui/mood_plane_widget.h"
#include "ui/playlist_panel.h"
#include "ui/scan_controller.h"
#include "ui/library_store_worker.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTimer>

#include <cstdio>

namespace {

// Context "moodplane" for the command line's translatable texts.
struct Text {
  Q_DECLARE_TR_FUNCTIONS(moodplane)
};

QString defaultModelPath() {
  return QString::fromStdString(
      mp::shippedDefaultModelPath(mp::currentExecutableDir(), MOODPLANE_BUILD_RESOURCE_DIR).string());
}

std::optional<mp::library::RectRegion> parseRegion(const QString& text) {
  const QStringList parts = text.split(QLatin1Char(','));
  if (parts.size() != 4) return std::nullopt;
  double v[4];
  for (int i = 0; i < 4; ++i) {
    bool ok = false;
    v[i] = parts[i].trimmed().toDouble(&ok);
    if (!ok || v[i] < 0.0 || v[i] > 1.0) return std::nullopt;
  }
  return mp::library::RectRegion{v[0], v[1], v[2], v[3]};
}

}  // namespace

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  mp::ui::initResources();
  mp::ui::installTranslations(app);
  QApplication::setApplicationName(QStringLiteral("moodplane"));
  QApplication::setApplicationDisplayName(QStringLiteral("Moodplane"));
  QApplication::setApplicationVersion(QStringLiteral(MOODPLANE_VERSION));
  QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/moodplane.svg")));
  QGuiApplication::setDesktopFileName(mp::ui::MprisService::desktopEntry());

  QCommandLineParser parser;
  parser.setApplicationDescription(Text::tr("Moodplane: explore a music library by mood."));
  parser.addHelpOption();
  parser.addVersionOption();
  const QCommandLineOption dbOpt(QStringLiteral("db"), Text::tr("Library database."), QStringLiteral("FILE"));
  const QCommandLineOption modelOpt(QStringLiteral("model"), Text::tr("Mood model file."), QStringLiteral("FILE"));
  const QCommandLineOption shotOpt(QStringLiteral("screenshot"),
                                   Text::tr("Render the window to a PNG after the scan and exit."),
                                   QStringLiteral("PNG"));
  const QCommandLineOption quitOpt(QStringLiteral("quit-after-scan"), Text::tr("Exit when the scan finishes."));
  const QCommandLineOption regionOpt(QStringLiteral("region"),
                                     Text::tr("Select the rectangle V0,A0,V1,A1 (plane units)."),
                                     QStringLiteral("V0,A0,V1,A1"));
  const QCommandLineOption darkOpt(QStringLiteral("dark"), Text::tr("Dark theme."));
  const QCommandLineOption ellipsesOpt(QStringLiteral("ellipses"), Text::tr("Show every uncertainty ellipse."));
  const QCommandLineOption colourOpt(QStringLiteral("colour-by"), Text::tr("quadrant, genre or uncertainty."),
                                     QStringLiteral("FIELD"));
  const QCommandLineOption settingsOpt(QStringLiteral("settings"),
                                       Text::tr("Settings file (INI) instead of the user's."),
                                       QStringLiteral("INI"));
  parser.addOptions({dbOpt, modelOpt, shotOpt, quitOpt, regionOpt, darkOpt, ellipsesOpt, colourOpt, settingsOpt});
  parser.addPositionalArgument(QStringLiteral("FOLDER"), Text::tr("Music folder to add and scan."));
  parser.process(app);  // --help / --version / unknown options are handled (and exit) here

  auto usage = [](const QString& message) {
    std::fprintf(stderr, "moodplane: %s\n", qPrintable(message));
    return 2;
  };
  const QStringList positional = parser.positionalArguments();
  if (positional.size() > 1) return usage(Text::tr("at most one FOLDER"));
  QString folder = positional.isEmpty() ? QString() : positional.first();
  // A song (the desktop's "Open with Moodplane") adds and scans the folder it lies in.
  if (!folder.isEmpty() && QFileInfo(folder).isFile()) folder = QFileInfo(folder).absolutePath();
  if (!folder.isEmpty() && !QFileInfo(folder).isDir()) return usage(Text::tr("not a folder: %1").arg(folder));
  std::optional<mp::library::RectRegion> region;
  if (parser.isSet(regionOpt)) {
    region = parseRegion(parser.value(regionOpt));
    if (!region) return usage(Text::tr("--region wants V0,A0,V1,A1 with values in [0, 1]"));
  }
  std::optional<mp::ui::ColourBy> colourBy;
  if (parser.isSet(colourOpt)) {
    const QString c = parser.value(colourOpt).toLower();
    if (c == QStringLiteral("quadrant")) colourBy = mp::ui::ColourBy::Quadrant;
    else if (c == QStringLiteral("genre")) colourBy = mp::ui::ColourBy::Genre;
    else if (c == QStringLiteral("uncertainty")) colourBy = mp::ui::ColourBy::Uncertainty;
    else return usage(Text::tr("--colour-by wants quadrant, genre or uncertainty"));
  }

  mp::ui::MainWindowOptions options;
  options.databasePath = parser.value(dbOpt);
  if (options.databasePath.isEmpty()) {
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    QDir().mkpath(dir);
    options.databasePath = dir + QStringLiteral("/library.sqlite");
  }
  options.databasePath = QFileInfo(options.databasePath).absoluteFilePath();
  options.settingsPath = parser.value(settingsOpt);
  // Without --model: the listener's current model (retrained from their ratings) if it loads,
  // else the shipped default; the listener's models live in the ModelStore folder.
  QString modelPath = parser.value(modelOpt);
  if (!parser.isSet(modelOpt)) {
    const mp::mood::ModelStore models(mp::mood::ModelStore::defaultFolder(), defaultModelPath().toStdString());
    const mp::mood::ResolvedModel resolved = models.resolve();
    modelPath = QString::fromStdString(resolved.path);
    if (!resolved.warning.empty()) std::fprintf(stderr, "moodplane: %s\n", resolved.warning.c_str());
    options.modelFolder = QString::fromStdString(models.folder());
    options.defaultModelPath = defaultModelPath();
  }
  if (!QFileInfo::exists(modelPath)) {
    options.modelError = QStringLiteral("no model file at %1").arg(modelPath);
  } else {
    auto analyzer = mp::mood::loadMoodAnalyzer(modelPath.toStdString());
    if (analyzer) {
      options.modelDescription = QStringLiteral("%1 (%2)").arg(
          QFileInfo(modelPath).fileName(), QString::fromStdString((*analyzer)->version()));
      options.analyzer = std::shared_ptr<const mp::library::SongAnalyzer>(std::move(*analyzer));
    } else {
      options.modelError = QStringLiteral("%1: %2").arg(modelPath, QString::fromStdString(analyzer.error().message));
    }
  }
  if (!options.modelError.isEmpty())
    std::fprintf(stderr, "moodplane: the mood model could not be loaded (%s); browsing only\n",
                 qPrintable(options.modelError));
  const QString screenshot = parser.value(shotOpt);
  const bool headlessRun = !screenshot.isEmpty() || parser.isSet(quitOpt);
  options.rescanOnStartup = folder.isEmpty() && !headlessRun;
  options.probeAudioDevices = screenshot.isEmpty();

  if (!mp::ui::ensureLibraryUsable(options.databasePath, /*interactive=*/!headlessRun)) return 1;
  auto refreshBackup = [dbPath = options.databasePath.toStdString()] {
    if (mp::Status s = mp::library::backupLibrary(dbPath); !s)
      std::fprintf(stderr, "moodplane: warning: %s\n", s.error().message.c_str());
  };

  mp::ui::MainWindow window(options);
  // Media keys and desktop widgets (MPRIS); headless runs stay off the bus.
  mp::ui::PlayerBarControl playbackControl(window.player());
  mp::ui::MprisService mpris(&playbackControl);
  QObject::connect(&mpris, &mp::ui::MprisService::raiseRequested, &window, [&window] {
    window.showNormal();
    window.raise();
    window.activateWindow();
  });
  QObject::connect(&mpris, &mp::ui::MprisService::quitRequested, &window, &QWidget::close);
  if (parser.isSet(darkOpt)) window.setDarkTheme(true);
  if (colourBy) window.setColourBy(*colourBy);
  if (parser.isSet(ellipsesOpt)) window.plane()->setEllipsesVisible(true);
  if (!screenshot.isEmpty()) {
    const int em = window.fontMetrics().height();
    window.resize(em * 100, em * 60);
  }
  window.show();
  if (!headlessRun) mpris.registerOnSessionBus();

  // The headless sequence: scan (if asked) -> library loaded -> region -> ranking -> PNG -> exit.
  const bool scanning = !folder.isEmpty() && options.analyzer != nullptr;
  bool scanDone = !scanning;
  bool scanOk = true;
  bool finishing = false;
  auto finish = [&] {
    if (finishing) return;
    finishing = true;
    if (region) window.plane()->setRegion(*region);
    auto render = [&] {
      const auto& entries = window.playlist()->entries();
      if (!entries.empty()) window.selectSongs({entries.front().songId});
      QTimer::singleShot(400, &app, [&] {
        int code = scanOk ? 0 : 1;
        if (!screenshot.isEmpty()) {
          const QPixmap pixmap = window.grab();
          if (pixmap.save(screenshot, "PNG")) {
            std::fprintf(stderr, "moodplane: wrote %s (%dx%d)\n", qPrintable(screenshot), pixmap.width(),
                         pixmap.height());
          } else {
            std::fprintf(stderr, "moodplane: cannot write %s\n", qPrintable(screenshot));
            code = 1;
          }
        }
        QApplication::exit(code);
      });
    };
    if (region && window.playlist()->rankingPending()) {
      QObject::connect(window.playlist(), &mp::ui::PlaylistPanel::entriesChanged, &app, [&, render] {
        if (!window.playlist()->rankingPending()) render();
      });
    } else {
      render();
    }
  };
  if (headlessRun) {
    // After the scan, wait for the store worker's queued reloads to land, then finish.
    auto afterScan = [&](bool ok) {
      scanDone = true;
      scanOk = ok;
      window.store()->waitForIdle();
      QTimer::singleShot(0, &app, finish);
    };
    QObject::connect(&window, &mp::ui::MainWindow::scanFinished, &app, [&, afterScan](bool ok) {
      std::fprintf(stderr, "moodplane: %s\n", qPrintable(window.statusBar()->currentMessage()));
      afterScan(ok);
    });
    QObject::connect(window.scanner(), &mp::ui::ScanController::failed, &app,
                     [&, afterScan](const QString& m) {
                       std::fprintf(stderr, "moodplane: %s\n", qPrintable(m));
                       afterScan(false);
                     });
    QObject::connect(&window, &mp::ui::MainWindow::libraryLoaded, &app, [&] {
      if (scanDone) finish();
    });
    QObject::connect(window.store(), &mp::ui::LibraryStoreWorker::failed, &app, [&](const QString& m) {
      std::fprintf(stderr, "moodplane: %s\n", qPrintable(m));
      if (scanDone) finish();
    });
  }
  QObject::connect(&window, &mp::ui::MainWindow::scanFinished, &app, [refreshBackup](bool ok) {
    if (ok) refreshBackup();
  });
  if (!folder.isEmpty()) {
    if (options.analyzer) window.addFolder(folder);
    else std::fprintf(stderr, "moodplane: not scanning %s: no mood model\n", qPrintable(folder));
  }
  const int code = app.exec();
  if (QFileInfo::exists(options.databasePath)) refreshBackup();
  return code;
}
