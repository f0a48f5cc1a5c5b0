#pragma once
// The main window: the mood plane in the centre, the library table, the playlist and the song
// details in docks, the player bar at the bottom, scan progress in the status bar. It owns the
// wiring only; every job lives in its own class (plane, table model, playlist panel, player bar,
// song panel, scan controller, folder watcher, store worker).

#include "core/library/song_analyzer.h"
#include "ui/library_snapshot.h"
#include "ui/song_colouring.h"

#include <QMainWindow>
#include <QStringList>

#include <memory>

class QAction;
class QActionGroup;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSettings;
class QStackedWidget;
class QTableView;
class QUndoStack;

namespace mp::library {
struct ScanProgress;
}

namespace mp::ui {

class FolderWatcher;
class LibraryFilterModel;
class LibraryStoreWorker;
class LibraryTableModel;
class ModelController;
struct ModelJobResult;
class MoodPlaneWidget;
class PlayerBar;
class PlaylistPanel;
class ScanController;
class SongPanel;

struct MainWindowOptions {
  QString databasePath;
  /// INI file for the settings; empty = the user's default QSettings location.
  QString settingsPath;
  std::shared_ptr<const library::SongAnalyzer> analyzer;  ///< null: browse only
  QString modelDescription;  ///< shown in the status bar (model version / path)
  QString modelError;        ///< why no analyser is loaded (shown as a banner)
  /// The listener's models (ModelStore folder); empty = no retraining or model management.
  QString modelFolder;
  /// The shipped default model (the ModelStore's fallback and "reset" target).
  QString defaultModelPath;
  bool rescanOnStartup = true;
  bool probeAudioDevices = true;
};

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(MainWindowOptions options, QWidget* parent = nullptr);
  ~MainWindow() override;

  /// Adds `folder` to the library roots (remembered in the settings) and scans.
  void addFolder(const QString& folder);
  void rescan();
  void setDarkTheme(bool dark);
  void setColourBy(ColourBy by);
  void selectSongs(const QList<qint64>& ids);
  /// Stores the listener's rating of a song (undoable; written at once by the store worker).
  void rateSong(qint64 id, double valence, double arousal);
  void clearSongRating(qint64 id);
  QUndoStack* undoStack() const { return undo_; }
  QAction* ratingModeAction() const { return ratingModeAction_; }

  /// Retrains on the listener's ratings in the background (after the running scan, if any).
  void retrainNow();
  void rollbackModel();
  void resetModel();
  /// Ratings as CSV (path or artist + title, valence, arousal), through the store worker.
  void importRatings(const QString& csvPath);
  void exportRatings(const QString& csvPath);
  /// Retrain automatically once this many ratings were added since the last retrain (0 = never).
  void setAutoRetrainAfter(int ratings);
  int autoRetrainAfter() const { return autoRetrainAfter_; }
  ModelController* models() const { return models_; }
  /// The current analyser (swapped after retraining, rollback or reset).
  const std::shared_ptr<const library::SongAnalyzer>& analyzer() const { return options_.analyzer; }
  /// What the window told the listener after the last retrain (the held-out error).
  QString retrainFeedback() const;
  const QStringList& roots() const { return roots_; }
  const SnapshotPtr& library() const { return library_; }

  MoodPlaneWidget* plane() const { return plane_; }
  PlaylistPanel* playlist() const { return playlist_; }
  PlayerBar* player() const { return player_; }
  SongPanel* songPanel() const { return songPanel_; }
  QTableView* table() const { return table_; }
  LibraryFilterModel* filterModel() const { return filter_; }
  ScanController* scanner() const { return scan_; }
  LibraryStoreWorker* store() const { return store_; }
  bool welcomeShown() const;

 Q_SIGNALS:
  void libraryLoaded();
  void scanFinished(bool ok);
  /// A model job (retrain / rollback / reset) finished and, if it changed the model, the
  /// library has been re-read (the plane's animation may still be running).
  void modelJobFinished(bool ok);

 protected:
  void closeEvent(QCloseEvent* event) override;
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void buildActions();
  void buildDocks();
  void buildStatusBar();
  void loadSettings();
  void saveSettings();
  void applySnapshot(SnapshotPtr library);
  void onScanProgress(const library::ScanProgress& progress);
  void onScanFinished(bool ok, const QString& summary);
  void onTableSelection();
  void showMessage(const QString& text, int ms = 8000);
  void chooseFolder();
  void exportPlaylist();
  void about();
  void updateCentral();
  void buildModelMenu();
  void onModelJobFinished(const ModelJobResult& result);
  void setModelDescription(const QString& description);

  MainWindowOptions options_;
  std::unique_ptr<QSettings> settings_;
  QStringList roots_;
  SnapshotPtr library_;
  bool syncingSelection_ = false;
  bool rescanPending_ = false;
  bool storeReady_ = false;  ///< the GUI connection has opened (and migrated) the database
  bool retrainPending_ = false;
  bool animateNextLoad_ = false;  ///< the next snapshot moves the points (after a model change)
  bool modelJobReloadPending_ = false;
  bool modelJobOk_ = false;
  int autoRetrainAfter_ = 0;
  int newRatings_ = 0;  ///< ratings set since the last retrain

  LibraryStoreWorker* store_ = nullptr;  // children of this window
  ScanController* scan_ = nullptr;
  FolderWatcher* watcher_ = nullptr;
  MoodPlaneWidget* plane_ = nullptr;
  QStackedWidget* stack_ = nullptr;
  QLabel* banner_ = nullptr;
  LibraryTableModel* tableModel_ = nullptr;
  LibraryFilterModel* filter_ = nullptr;
  QTableView* table_ = nullptr;
  QLineEdit* filterEdit_ = nullptr;
  PlaylistPanel* playlist_ = nullptr;
  SongPanel* songPanel_ = nullptr;
  PlayerBar* player_ = nullptr;

  QProgressBar* scanBar_ = nullptr;
  QLabel* scanLabel_ = nullptr;
  QPushButton* pauseButton_ = nullptr;
  QPushButton* cancelButton_ = nullptr;
  QWidget* scanBox_ = nullptr;
  QLabel* modelLabel_ = nullptr;
  QLabel* feedback_ = nullptr;
  ModelController* models_ = nullptr;  // null without a model folder
  QWidget* retrainBox_ = nullptr;
  QProgressBar* retrainBar_ = nullptr;
  QLabel* retrainLabel_ = nullptr;
  QPushButton* retrainCancel_ = nullptr;
  QAction* retrainAction_ = nullptr;
  QAction* rollbackAction_ = nullptr;
  QAction* resetModelAction_ = nullptr;

  QUndoStack* undo_ = nullptr;
  QAction* ratingModeAction_ = nullptr;
  QAction* ellipsesAction_ = nullptr;
  QAction* twoSigmaAction_ = nullptr;
  QAction* darkAction_ = nullptr;
  QActionGroup* colourGroup_ = nullptr;
  QActionGroup* toolGroup_ = nullptr;
};

}  // namespace mp::ui
