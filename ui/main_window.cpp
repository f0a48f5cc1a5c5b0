#include "ui/main_window.h"

#include "ui/folder_watcher.h"
#include "ui/library_store_worker.h"
#include "ui/library_table_model.h"
#include "ui/model_controller.h"
#include "ui/mood_plane_widget.h"
#include "ui/player_bar.h"
#include "ui/rating_command.h"
#include "ui/playlist_panel.h"
#include "ui/resources_init.h"
#include "ui/scan_controller.h"
#include "ui/song_panel.h"
#include "ui/theme.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QUndoStack>
#include <QVBoxLayout>

#include <cmath>

namespace mp::ui {

namespace {

QString formatEta(double seconds) {
  if (!(seconds > 0) || !std::isfinite(seconds)) return QStringLiteral("—");
  const int s = static_cast<int>(std::lround(seconds));
  if (s >= 3600) return MainWindow::tr("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60);
  if (s >= 60) return MainWindow::tr("%1 min %2 s").arg(s / 60).arg(s % 60);
  return MainWindow::tr("%1 s").arg(s);
}

}  // namespace

MainWindow::MainWindow(MainWindowOptions options, QWidget* parent)
    : QMainWindow(parent), options_(std::move(options)) {
  initResources();
  setWindowTitle(tr("Moodplane"));
  setWindowIcon(QIcon(QStringLiteral(":/icons/moodplane.svg")));
  setAcceptDrops(true);
  setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks);
  settings_ = options_.settingsPath.isEmpty()
                  ? std::make_unique<QSettings>(QSettings::IniFormat, QSettings::UserScope,
                                                QStringLiteral("moodplane"), QStringLiteral("moodplane"))
                  : std::make_unique<QSettings>(options_.settingsPath, QSettings::IniFormat);

  store_ = new LibraryStoreWorker(options_.databasePath, this);
  scan_ = new ScanController(options_.databasePath, this);
  scan_->setAnalyzer(options_.analyzer);
  if (!options_.modelFolder.isEmpty())
    models_ = new ModelController(options_.databasePath, options_.modelFolder, options_.defaultModelPath, this);
  watcher_ = new FolderWatcher(this);
  undo_ = new QUndoStack(this);

  // Centre: model banner + (welcome page | plane).
  auto* centre = new QWidget(this);
  auto* centreLayout = new QVBoxLayout(centre);
  centreLayout->setContentsMargins(0, 0, 0, 0);
  banner_ = new QLabel(centre);
  banner_->setWordWrap(true);
  banner_->setMargin(8);
  banner_->setAutoFillBackground(true);
  {
    QPalette pal = banner_->palette();
    pal.setColor(QPalette::Window, QColor(0xF4, 0xC4, 0x30));
    pal.setColor(QPalette::WindowText, Qt::black);
    banner_->setPalette(pal);
  }
  banner_->setVisible(!options_.modelError.isEmpty());
  banner_->setText(tr("The mood model could not be loaded: %1\nThe library can still be browsed, "
                      "but new songs cannot be analysed.")
                       .arg(options_.modelError));
  centreLayout->addWidget(banner_);
  feedback_ = new QLabel(centre);
  feedback_->setObjectName(QStringLiteral("retrainFeedback"));
  feedback_->setWordWrap(true);
  feedback_->setMargin(8);
  feedback_->setAutoFillBackground(true);
  {
    QPalette pal = feedback_->palette();
    pal.setColor(QPalette::Window, QColor(0xCF, 0xE8, 0xFC));
    pal.setColor(QPalette::WindowText, Qt::black);
    feedback_->setPalette(pal);
  }
  feedback_->setVisible(false);
  feedback_->setTextFormat(Qt::RichText);
  connect(feedback_, &QLabel::linkActivated, feedback_, &QWidget::hide);
  centreLayout->addWidget(feedback_);
  stack_ = new QStackedWidget(centre);
  auto* welcome = new QWidget(stack_);
  auto* welcomeLayout = new QVBoxLayout(welcome);
  welcomeLayout->addStretch(1);
  auto* welcomeIcon = new QLabel(welcome);
  welcomeIcon->setPixmap(QIcon(QStringLiteral(":/icons/moodplane.svg"))
                             .pixmap(fontMetrics().height() * 6, fontMetrics().height() * 6));
  welcomeIcon->setAlignment(Qt::AlignCenter);
  welcomeLayout->addWidget(welcomeIcon);
  auto* welcomeText = new QLabel(tr("<h2>Your library is empty</h2>"
                                    "<p>Drop a music folder here or File ▸ Add folder…</p>"),
                                 welcome);
  welcomeText->setAlignment(Qt::AlignCenter);
  welcomeText->setObjectName(QStringLiteral("welcomeText"));
  welcomeLayout->addWidget(welcomeText);
  auto* welcomeButton = new QPushButton(tr("Add folder…"), welcome);
  welcomeLayout->addWidget(welcomeButton, 0, Qt::AlignHCenter);
  welcomeLayout->addStretch(2);
  connect(welcomeButton, &QPushButton::clicked, this, &MainWindow::chooseFolder);
  plane_ = new MoodPlaneWidget(stack_);
  stack_->addWidget(welcome);
  stack_->addWidget(plane_);
  centreLayout->addWidget(stack_, 1);
  setCentralWidget(centre);

  buildDocks();
  player_ = new PlayerBar(this, options_.probeAudioDevices);
  auto* playerBarHost = new QToolBar(tr("Player"), this);
  playerBarHost->setObjectName(QStringLiteral("playerToolBar"));
  playerBarHost->setMovable(false);
  playerBarHost->addWidget(player_);
  addToolBar(Qt::BottomToolBarArea, playerBarHost);
  buildStatusBar();
  buildActions();

  // Wiring.
  connect(store_, &LibraryStoreWorker::loaded, this, &MainWindow::applySnapshot);
  connect(store_, &LibraryStoreWorker::failed, this, [this](const QString& m) {
    showMessage(m, 15000);
    if (!storeReady_) {
      storeReady_ = true;
      if (rescanPending_) {
        rescanPending_ = false;
        rescan();
      }
    }
  });
  connect(store_, &LibraryStoreWorker::playlistSaved, this, [this](qint64 id, const QString& name) {
    showMessage(tr("Saved playlist “%1”").arg(name));
    QTimer::singleShot(0, this, [this, id] { playlist_->openSavedPlaylist(id); });
  });
  connect(store_, &LibraryStoreWorker::ratingsCsvDone, this,
          [this](bool ok, const QString& summary) { showMessage(summary, ok ? 10000 : 30000); });
  connect(scan_, &ScanController::progress, this, &MainWindow::onScanProgress);
  connect(scan_, &ScanController::libraryChanged, store_, &LibraryStoreWorker::reload);
  connect(scan_, &ScanController::finished, this, &MainWindow::onScanFinished);
  connect(scan_, &ScanController::failed, this, [this](const QString& m) { showMessage(m, 15000); });
  connect(scan_, &ScanController::started, this, [this] {
    scanBox_->setVisible(true);
    scanBar_->setRange(0, 0);
    scanLabel_->setText(tr("Looking for music…"));
    pauseButton_->setText(tr("Pause"));
    updateCentral();
  });
  connect(watcher_, &FolderWatcher::rescanNeeded, this, [this] {
    if (scan_->running()) rescanPending_ = true;
    else if (scan_->hasAnalyzer() && !roots_.isEmpty()) rescan();
  });

  connect(plane_, &MoodPlaneWidget::regionChanged, playlist_, &PlaylistPanel::setRegion);
  connect(plane_, &MoodPlaneWidget::regionCleared, playlist_, &PlaylistPanel::clearRegion);
  connect(plane_, &MoodPlaneWidget::selectionChanged, this, &MainWindow::selectSongs);
  connect(plane_, &MoodPlaneWidget::songActivated, this,
          [this](qint64 id) { player_->playQueue({id}, 0); });
  if (models_) {
    connect(models_, &ModelController::started, this, [this](ModelJobResult::Kind kind) {
      if (kind == ModelJobResult::Kind::Names) return;
      retrainBox_->setVisible(true);
      retrainBar_->setRange(0, 0);
      retrainCancel_->setVisible(kind == ModelJobResult::Kind::Retrain);
      retrainLabel_->setText(kind == ModelJobResult::Kind::Retrain ? tr("Retraining on your ratings…")
                                                                   : tr("Switching models…"));
      for (QAction* a : {retrainAction_, rollbackAction_, resetModelAction_}) a->setEnabled(false);
    });
    connect(models_, &ModelController::progress, this, [this](int done, int total) {
      retrainBar_->setRange(0, std::max(total, 1));
      retrainBar_->setValue(done);
      retrainLabel_->setText(tr("Retraining on your ratings… (fit %1 of %2)").arg(std::min(done + 1, total)).arg(total));
    });
    connect(models_, &ModelController::finished, this, &MainWindow::onModelJobFinished);
    connect(models_, &ModelController::failed, this, [this](const QString& m) { showMessage(m); });
  }
  connect(plane_, &MoodPlaneWidget::songRated, this, &MainWindow::rateSong);
  connect(songPanel_, &SongPanel::ratingRequested, this, &MainWindow::rateSong);
  connect(songPanel_, &SongPanel::clearRatingRequested, this, &MainWindow::clearSongRating);
  connect(playlist_, &PlaylistPanel::songSelected, this, [this](qint64 id) { selectSongs({id}); });
  connect(playlist_, &PlaylistPanel::playRequested, player_, &PlayerBar::playQueue);
  connect(playlist_, &PlaylistPanel::saveRequested, store_, &LibraryStoreWorker::savePlaylist);
  connect(playlist_, &PlaylistPanel::removeRequested, store_, &LibraryStoreWorker::removePlaylist);
  connect(playlist_, &PlaylistPanel::message, this, [this](const QString& m) { showMessage(m); });
  connect(player_, &PlayerBar::currentSongChanged, plane_, &MoodPlaneWidget::setPlayingSong);
  connect(table_->selectionModel(), &QItemSelectionModel::selectionChanged, this,
          &MainWindow::onTableSelection);
  connect(table_, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
    const qint64 id = index.data(LibraryTableModel::SongIdRole).toLongLong();
    if (id != 0) player_->playQueue({id}, 0);
  });
  connect(filterEdit_, &QLineEdit::textChanged, filter_, &QSortFilterProxyModel::setFilterFixedString);

  loadSettings();
  updateCentral();
  store_->reload();
  if (models_) models_->refreshNames();
  watcher_->setRoots(roots_);
  if (options_.rescanOnStartup && scan_->hasAnalyzer() && !roots_.isEmpty())
    QTimer::singleShot(0, this, &MainWindow::rescan);
}

MainWindow::~MainWindow() {
  scan_->cancel();
  scan_->wait();
}

void MainWindow::buildDocks() {
  // Library table.
  auto* libraryBox = new QWidget(this);
  auto* libraryLayout = new QVBoxLayout(libraryBox);
  libraryLayout->setContentsMargins(4, 4, 4, 4);
  filterEdit_ = new QLineEdit(libraryBox);
  filterEdit_->setPlaceholderText(tr("Filter by title, artist, album, genre… (Ctrl+F)"));
  filterEdit_->setClearButtonEnabled(true);
  libraryLayout->addWidget(filterEdit_);
  tableModel_ = new LibraryTableModel(this);
  filter_ = new LibraryFilterModel(this);
  filter_->setSourceModel(tableModel_);
  table_ = new QTableView(libraryBox);
  table_->setModel(filter_);
  table_->setSortingEnabled(true);
  table_->sortByColumn(-1, Qt::AscendingOrder);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  table_->setAlternatingRowColors(true);
  table_->verticalHeader()->setVisible(false);
  table_->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
  table_->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
  const int em = fontMetrics().averageCharWidth();
  const int widths[] = {28, 20, 20, 12, 9, 10, 10, 8, 8, 12, 10};
  static_assert(std::size(widths) == LibraryTableModel::ColumnCount);
  for (int c = 0; c < LibraryTableModel::ColumnCount; ++c) table_->setColumnWidth(c, widths[c] * em);
  libraryLayout->addWidget(table_);
  auto* libraryDock = new QDockWidget(tr("Library"), this);
  libraryDock->setObjectName(QStringLiteral("libraryDock"));
  libraryDock->setWidget(libraryBox);
  addDockWidget(Qt::BottomDockWidgetArea, libraryDock);

  playlist_ = new PlaylistPanel(this);
  auto* playlistDock = new QDockWidget(tr("Playlist"), this);
  playlistDock->setObjectName(QStringLiteral("playlistDock"));
  playlistDock->setWidget(playlist_);
  addDockWidget(Qt::RightDockWidgetArea, playlistDock);

  songPanel_ = new SongPanel(this);
  auto* songScroll = new QScrollArea(this);
  songScroll->setWidgetResizable(true);
  songScroll->setFrameShape(QFrame::NoFrame);
  songScroll->setWidget(songPanel_);
  auto* songDock = new QDockWidget(tr("Song"), this);
  songDock->setObjectName(QStringLiteral("songDock"));
  songDock->setWidget(songScroll);
  addDockWidget(Qt::RightDockWidgetArea, songDock);
  resizeDocks({playlistDock}, {fontMetrics().averageCharWidth() * 60}, Qt::Horizontal);
  resizeDocks({playlistDock, songDock}, {3, 2}, Qt::Vertical);
  resizeDocks({libraryDock}, {fontMetrics().height() * 12}, Qt::Vertical);
}

void MainWindow::buildStatusBar() {
  scanBox_ = new QWidget(this);
  auto* layout = new QHBoxLayout(scanBox_);
  layout->setContentsMargins(0, 0, 0, 0);
  scanLabel_ = new QLabel(scanBox_);
  scanBar_ = new QProgressBar(scanBox_);
  scanBar_->setMaximumWidth(fontMetrics().averageCharWidth() * 30);
  pauseButton_ = new QPushButton(tr("Pause"), scanBox_);
  cancelButton_ = new QPushButton(tr("Cancel"), scanBox_);
  layout->addWidget(scanLabel_, 1);
  layout->addWidget(scanBar_);
  layout->addWidget(pauseButton_);
  layout->addWidget(cancelButton_);
  scanBox_->setVisible(false);
  statusBar()->addWidget(scanBox_, 1);
  retrainBox_ = new QWidget(this);
  auto* retrainLayout = new QHBoxLayout(retrainBox_);
  retrainLayout->setContentsMargins(0, 0, 0, 0);
  retrainLabel_ = new QLabel(retrainBox_);
  retrainBar_ = new QProgressBar(retrainBox_);
  retrainBar_->setMaximumWidth(fontMetrics().averageCharWidth() * 20);
  retrainCancel_ = new QPushButton(tr("Cancel retraining"), retrainBox_);
  retrainLayout->addWidget(retrainLabel_, 1);
  retrainLayout->addWidget(retrainBar_);
  retrainLayout->addWidget(retrainCancel_);
  retrainBox_->setVisible(false);
  statusBar()->addWidget(retrainBox_, 1);
  const QString model = options_.modelDescription;
  modelLabel_ = new QLabel(options_.analyzer ? tr("Model: %1").arg(fontMetrics().elidedText(
                                                   model, Qt::ElideMiddle, fontMetrics().averageCharWidth() * 40))
                                             : tr("No mood model"),
                           this);
  modelLabel_->setToolTip(model);
  statusBar()->addPermanentWidget(modelLabel_);
  connect(pauseButton_, &QPushButton::clicked, this, [this] {
    if (scan_->paused()) {
      scan_->resume();
      pauseButton_->setText(tr("Pause"));
    } else {
      scan_->pause();
      pauseButton_->setText(tr("Resume"));
    }
  });
  connect(cancelButton_, &QPushButton::clicked, scan_, &ScanController::cancel);
  connect(retrainCancel_, &QPushButton::clicked, this, [this] {
    if (models_) models_->cancel();
    retrainLabel_->setText(tr("Cancelling…"));
  });
}

void MainWindow::buildActions() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* add = file->addAction(tr("&Add folder…"), this, &MainWindow::chooseFolder);
  add->setShortcut(QKeySequence::Open);
  QAction* rescanAction = file->addAction(tr("&Rescan"), this, &MainWindow::rescan);
  rescanAction->setShortcut(QKeySequence(Qt::Key_F5));
  QAction* exportAction = file->addAction(tr("&Export playlist…"), this, &MainWindow::exportPlaylist);
  exportAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
  file->addSeparator();
  QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setShortcut(QKeySequence::Quit);

  QMenu* edit = menuBar()->addMenu(tr("&Edit"));
  QAction* undo = undo_->createUndoAction(this, tr("&Undo"));
  undo->setShortcut(QKeySequence::Undo);
  QAction* redo = undo_->createRedoAction(this, tr("&Redo"));
  redo->setShortcuts({QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z), QKeySequence(Qt::CTRL | Qt::Key_Y)});
  edit->addAction(undo);
  edit->addAction(redo);
  edit->addSeparator();
  ratingModeAction_ = edit->addAction(tr("Rate by &dragging"));
  ratingModeAction_->setCheckable(true);
  ratingModeAction_->setShortcut(QKeySequence(Qt::Key_R));
  ratingModeAction_->setToolTip(tr("Drag a song's point to where you hear it; the model learns from "
                                   "your ratings (R)"));
  connect(ratingModeAction_, &QAction::toggled, plane_, &MoodPlaneWidget::setRatingMode);
  QAction* clearRating = edit->addAction(tr("&Clear rating of the selected songs"), this, [this] {
    undo_->beginMacro(tr("clear ratings"));
    for (qint64 id : plane_->selectedSongs()) clearSongRating(id);
    undo_->endMacro();
  });
  clearRating->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Backspace));

  QMenu* view = menuBar()->addMenu(tr("&View"));
  ellipsesAction_ = view->addAction(tr("Uncertainty &ellipses"));
  ellipsesAction_->setCheckable(true);
  connect(ellipsesAction_, &QAction::toggled, plane_, &MoodPlaneWidget::setEllipsesVisible);
  twoSigmaAction_ = view->addAction(tr("Also &2σ ellipses"));
  twoSigmaAction_->setCheckable(true);
  connect(twoSigmaAction_, &QAction::toggled, plane_, &MoodPlaneWidget::setTwoSigma);
  QMenu* colour = view->addMenu(tr("&Colour by"));
  colourGroup_ = new QActionGroup(this);
  const std::pair<ColourBy, QString> colourings[] = {{ColourBy::Quadrant, tr("&Quadrant")},
                                                     {ColourBy::Genre, tr("&Genre")},
                                                     {ColourBy::Uncertainty, tr("&Uncertainty")}};
  for (const auto& [by, name] : colourings) {
    QAction* a = colour->addAction(name);
    a->setCheckable(true);
    a->setData(static_cast<int>(by));
    a->setChecked(by == ColourBy::Quadrant);
    colourGroup_->addAction(a);
  }
  connect(colourGroup_, &QActionGroup::triggered, this,
          [this](QAction* a) { setColourBy(static_cast<ColourBy>(a->data().toInt())); });
  QMenu* tools = view->addMenu(tr("&Region tool"));
  toolGroup_ = new QActionGroup(this);
  const std::pair<RegionTool, QString> toolNames[] = {{RegionTool::Rectangle, tr("&Rectangle")},
                                                      {RegionTool::Lasso, tr("&Lasso")},
                                                      {RegionTool::Circle, tr("&Circle")}};
  for (const auto& [tool, name] : toolNames) {
    QAction* a = tools->addAction(name);
    a->setCheckable(true);
    a->setData(static_cast<int>(tool));
    a->setChecked(tool == RegionTool::Rectangle);
    toolGroup_->addAction(a);
  }
  connect(toolGroup_, &QActionGroup::triggered, this,
          [this](QAction* a) { plane_->setRegionTool(static_cast<RegionTool>(a->data().toInt())); });
  view->addSeparator();
  QAction* zoomIn = view->addAction(tr("Zoom &in"), this, [this] { plane_->zoomBy(1.25); });
  zoomIn->setShortcuts({QKeySequence(Qt::Key_Plus), QKeySequence(Qt::Key_Equal), QKeySequence::ZoomIn});
  QAction* zoomOut = view->addAction(tr("Zoom &out"), this, [this] { plane_->zoomBy(0.8); });
  zoomOut->setShortcuts({QKeySequence(Qt::Key_Minus), QKeySequence::ZoomOut});
  QAction* reset = view->addAction(tr("&Reset view"), plane_, &MoodPlaneWidget::resetView);
  reset->setShortcut(QKeySequence(Qt::Key_0));
  view->addSeparator();
  darkAction_ = view->addAction(tr("&Dark theme"));
  darkAction_->setCheckable(true);
  connect(darkAction_, &QAction::toggled, this, &MainWindow::setDarkTheme);
  view->addSeparator();
  for (QDockWidget* dock : findChildren<QDockWidget*>()) view->addAction(dock->toggleViewAction());

  buildModelMenu();

  QMenu* playback = menuBar()->addMenu(tr("&Playback"));
  QAction* playPause = playback->addAction(tr("Play / &pause"), player_, &PlayerBar::togglePlayPause);
  playPause->setShortcut(QKeySequence(Qt::Key_Space));
  playback->addAction(tr("&Next"), player_, &PlayerBar::next)->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Right));
  playback->addAction(tr("P&revious"), player_, &PlayerBar::previous)->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Left));

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("&About Moodplane"), this, &MainWindow::about);

  // Window-wide shortcuts without a menu entry.
  auto* focusFilter = new QAction(this);
  focusFilter->setShortcut(QKeySequence::Find);
  connect(focusFilter, &QAction::triggered, this, [this] {
    filterEdit_->parentWidget()->parentWidget()->show();
    filterEdit_->setFocus();
    filterEdit_->selectAll();
  });
  auto* clear = new QAction(this);
  clear->setShortcut(QKeySequence(Qt::Key_Escape));
  connect(clear, &QAction::triggered, this, [this] {
    selectSongs({});
    plane_->clearRegion();
  });
  addActions({focusFilter, clear});

  // Plane tool bar: region tools, ellipses, colouring.
  QToolBar* bar = addToolBar(tr("Plane"));
  bar->setObjectName(QStringLiteral("planeToolBar"));
  bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
  bar->addActions(toolGroup_->actions());
  bar->addSeparator();
  bar->addAction(ratingModeAction_);
  bar->addAction(retrainAction_);
  bar->addSeparator();
  bar->addAction(ellipsesAction_);
  bar->addSeparator();
  auto* colourBox = new QComboBox(bar);
  for (const auto& [by, name] : colourings) colourBox->addItem(QString(name).remove(QLatin1Char('&')), static_cast<int>(by));
  colourBox->setToolTip(tr("Colour points by"));
  bar->addWidget(new QLabel(tr(" Colour by "), bar));
  bar->addWidget(colourBox);
  connect(colourBox, &QComboBox::activated, this,
          [this, colourBox](int i) { setColourBy(static_cast<ColourBy>(colourBox->itemData(i).toInt())); });
  connect(colourGroup_, &QActionGroup::triggered, colourBox,
          [colourBox](QAction* a) { colourBox->setCurrentIndex(colourBox->findData(a->data())); });
  colourBox->setObjectName(QStringLiteral("colourBox"));
}

void MainWindow::setColourBy(ColourBy by) {
  plane_->setColourBy(by);
  for (QAction* a : colourGroup_->actions())
    if (a->data().toInt() == static_cast<int>(by)) a->setChecked(true);
  if (auto* box = findChild<QComboBox*>(QStringLiteral("colourBox")))
    box->setCurrentIndex(box->findData(static_cast<int>(by)));
}

void MainWindow::setDarkTheme(bool dark) {
  if (auto* app = qobject_cast<QApplication*>(QCoreApplication::instance())) applyTheme(*app, dark);
  if (darkAction_->isChecked() != dark) darkAction_->setChecked(dark);
}

void MainWindow::loadSettings() {
  QSettings& s = *settings_;
  roots_ = s.value(QStringLiteral("library/roots")).toStringList();
  setColourBy(static_cast<ColourBy>(std::clamp(s.value(QStringLiteral("view/colourBy"), 0).toInt(), 0, 2)));
  ellipsesAction_->setChecked(s.value(QStringLiteral("view/ellipses"), false).toBool());
  twoSigmaAction_->setChecked(s.value(QStringLiteral("view/twoSigma"), false).toBool());
  const int tool = std::clamp(s.value(QStringLiteral("view/regionTool"), 0).toInt(), 0, 2);
  for (QAction* a : toolGroup_->actions())
    if (a->data().toInt() == tool) a->setChecked(true);
  plane_->setRegionTool(static_cast<RegionTool>(tool));
  if (s.value(QStringLiteral("view/dark"), false).toBool()) setDarkTheme(true);
  playlist_->setLimit(s.value(QStringLiteral("playlist/limit"), 50).toInt());
  autoRetrainAfter_ = std::max(0, s.value(QStringLiteral("model/autoRetrainAfter"), 0).toInt());
  if (!restoreGeometry(s.value(QStringLiteral("window/geometry")).toByteArray())) {
    const int em = fontMetrics().height();
    resize(em * 90, em * 56);
  }
  restoreState(s.value(QStringLiteral("window/state")).toByteArray());
}

void MainWindow::saveSettings() {
  QSettings& s = *settings_;
  s.setValue(QStringLiteral("library/roots"), roots_);
  s.setValue(QStringLiteral("view/colourBy"), static_cast<int>(plane_->colourBy()));
  s.setValue(QStringLiteral("view/ellipses"), ellipsesAction_->isChecked());
  s.setValue(QStringLiteral("view/twoSigma"), twoSigmaAction_->isChecked());
  s.setValue(QStringLiteral("view/regionTool"), static_cast<int>(plane_->regionTool()));
  s.setValue(QStringLiteral("view/dark"), darkAction_->isChecked());
  s.setValue(QStringLiteral("model/autoRetrainAfter"), autoRetrainAfter_);
  s.setValue(QStringLiteral("window/geometry"), saveGeometry());
  s.setValue(QStringLiteral("window/state"), saveState());
  s.sync();
}

void MainWindow::closeEvent(QCloseEvent* event) {
  saveSettings();
  scan_->cancel();
  QMainWindow::closeEvent(event);
}

void MainWindow::addFolder(const QString& folder) {
  const QFileInfo info(folder);
  if (!info.isDir()) {
    showMessage(tr("Not a folder: %1").arg(folder));
    return;
  }
  const QString path = info.canonicalFilePath();
  if (!roots_.contains(path)) roots_.append(path);
  settings_->setValue(QStringLiteral("library/roots"), roots_);
  watcher_->setRoots(roots_);
  rescan();
}

void MainWindow::rescan() {
  if (roots_.isEmpty()) {
    showMessage(tr("No library folder yet: use File ▸ Add folder…"));
    return;
  }
  // Scans wait for the GUI's own connection to open the database first: two connections
  // creating a fresh schema at once can collide.
  if (scan_->running() || !storeReady_ || (models_ && models_->running())) {
    rescanPending_ = true;
    return;
  }
  scan_->start(roots_);
}

void MainWindow::chooseFolder() {
  const QString dir = QFileDialog::getExistingDirectory(this, tr("Add a music folder"), QDir::homePath());
  if (!dir.isEmpty()) addFolder(dir);
}

void MainWindow::exportPlaylist() { playlist_->exportWithDialog(); }

void MainWindow::about() {
  QMessageBox::about(
      this, tr("About Moodplane"),
      tr("<h3>Moodplane %1</h3><p>A music mood explorer: every song on the valence–arousal plane "
         "with its predictive uncertainty (deep Gaussian processes over locally aggregated acoustic "
         "Fisher vectors, Chapaneri &amp; Jayaswal 2020).</p><p>%2</p>")
          .arg(QStringLiteral(MOODPLANE_VERSION), modelLabel_->text().toHtmlEscaped()));
}

void MainWindow::showMessage(const QString& text, int ms) { statusBar()->showMessage(text, ms); }

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  for (const QUrl& url : event->mimeData()->urls()) {
    if (url.isLocalFile() && QFileInfo(url.toLocalFile()).isDir()) {
      event->acceptProposedAction();
      return;
    }
  }
}

void MainWindow::dropEvent(QDropEvent* event) {
  for (const QUrl& url : event->mimeData()->urls())
    if (url.isLocalFile() && QFileInfo(url.toLocalFile()).isDir()) addFolder(url.toLocalFile());
  event->acceptProposedAction();
}

bool MainWindow::welcomeShown() const { return stack_->currentIndex() == 0; }

void MainWindow::updateCentral() {
  const bool empty = (!library_ || library_->songs.empty()) && !scan_->running();
  stack_->setCurrentIndex(empty ? 0 : 1);
}

void MainWindow::applySnapshot(SnapshotPtr library) {
  library_ = std::move(library);
  const QList<qint64> selected = plane_->selectedSongs();
  if (animateNextLoad_) {
    animateNextLoad_ = false;
    plane_->animateTo(library_);
  } else {
    plane_->setLibrary(library_);
  }
  {
    syncingSelection_ = true;
    tableModel_->setLibrary(library_);
    syncingSelection_ = false;
  }
  playlist_->setLibrary(library_);
  player_->setLibrary(library_);
  QList<qint64> kept;
  for (qint64 id : selected)
    if (library_->find(id)) kept.append(id);
  selectSongs(kept);
  updateCentral();
  Q_EMIT libraryLoaded();
  if (modelJobReloadPending_) {
    modelJobReloadPending_ = false;
    Q_EMIT modelJobFinished(modelJobOk_);
  }
  if (!storeReady_) {
    storeReady_ = true;
    if (rescanPending_ && !scan_->running()) {
      rescanPending_ = false;
      rescan();
    }
  }
}

void MainWindow::selectSongs(const QList<qint64>& ids) {
  if (syncingSelection_) return;
  syncingSelection_ = true;
  plane_->setSelectedSongs(ids);
  QItemSelection selection;
  for (qint64 id : ids) {
    const int row = tableModel_->rowOfSong(id);
    if (row < 0) continue;
    const QModelIndex index = filter_->mapFromSource(tableModel_->index(row, 0));
    if (index.isValid()) selection.select(index, index);
  }
  table_->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
  if (!selection.isEmpty()) table_->scrollTo(selection.indexes().first());
  songPanel_->setSong(ids.isEmpty() || !library_ ? nullptr : library_->find(ids.first()));
  syncingSelection_ = false;
}

void MainWindow::rateSong(qint64 id, double valence, double arousal) {
  const auto* song = library_ ? library_->find(id) : nullptr;
  if (!song) return;
  library::MoodEstimate rating;
  rating.valence = std::clamp(valence, 0.0, 1.0);
  rating.arousal = std::clamp(arousal, 0.0, 1.0);
  const QString title = song->tags.title.empty()
                            ? QFileInfo(QString::fromStdString(song->path)).fileName()
                            : QString::fromStdString(song->tags.title);
  undo_->push(new RatingCommand(store_, QString::fromStdString(song->path), title, song->rating, rating));
  showMessage(tr("Rated “%1” at valence %2, arousal %3")
                  .arg(title)
                  .arg(rating.valence, 0, 'f', 2)
                  .arg(rating.arousal, 0, 'f', 2));
  ++newRatings_;
  if (autoRetrainAfter_ > 0 && newRatings_ >= autoRetrainAfter_ && models_ && !models_->running() && !retrainPending_)
    retrainNow();  // the rating is queued on the store worker before the retrain reads the ratings
}

void MainWindow::clearSongRating(qint64 id) {
  const auto* song = library_ ? library_->find(id) : nullptr;
  if (!song || !song->rating) return;
  const QString title = song->tags.title.empty()
                            ? QFileInfo(QString::fromStdString(song->path)).fileName()
                            : QString::fromStdString(song->tags.title);
  undo_->push(new RatingCommand(store_, QString::fromStdString(song->path), title, song->rating, std::nullopt));
}

void MainWindow::onTableSelection() {
  if (syncingSelection_) return;
  QList<qint64> ids;
  for (const QModelIndex& index : table_->selectionModel()->selectedRows())
    ids.append(index.data(LibraryTableModel::SongIdRole).toLongLong());
  syncingSelection_ = true;
  plane_->setSelectedSongs(ids);
  songPanel_->setSong(ids.isEmpty() || !library_ ? nullptr : library_->find(ids.first()));
  syncingSelection_ = false;
}

void MainWindow::onScanProgress(const library::ScanProgress& p) {
  if (p.total == 0) {
    scanBar_->setRange(0, 0);
    scanLabel_->setText(tr("Looking for music…"));
    return;
  }
  scanBar_->setRange(0, static_cast<int>(p.total));
  scanBar_->setValue(static_cast<int>(p.done));
  scanLabel_->setText(tr("%1 / %2 songs · %3 songs/s · ETA %4 · %5")
                          .arg(p.done)
                          .arg(p.total)
                          .arg(p.songsPerSecond, 0, 'f', 1)
                          .arg(formatEta(p.etaSeconds),
                               QFileInfo(QString::fromStdString(p.currentFile)).fileName()));
}

void MainWindow::onScanFinished(bool ok, const QString& summary) {
  scanBox_->setVisible(false);
  showMessage(summary, ok ? 10000 : 30000);
  watcher_->setRoots(roots_);  // pick up new sub-folders
  updateCentral();
  Q_EMIT scanFinished(ok);
  if (retrainPending_) {
    retrainPending_ = false;
    QTimer::singleShot(0, this, &MainWindow::retrainNow);
    return;
  }
  if (rescanPending_) {
    rescanPending_ = false;
    QTimer::singleShot(0, this, &MainWindow::rescan);
  }
}

void MainWindow::buildModelMenu() {
  QMenu* model = menuBar()->addMenu(tr("&Model"));
  retrainAction_ = model->addAction(tr("&Retrain on my ratings"), this, &MainWindow::retrainNow);
  retrainAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
  retrainAction_->setToolTip(tr("Refit the mood model on its training data plus your ratings, in the background"));
  rollbackAction_ = model->addAction(tr("Roll &back to the previous model"), this, &MainWindow::rollbackModel);
  resetModelAction_ = model->addAction(tr("Reset to the &default model"), this, &MainWindow::resetModel);
  model->addSeparator();
  model->addAction(tr("&Import ratings CSV…"), this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, tr("Import ratings"), QDir::homePath(),
                                                      tr("CSV files (*.csv);;All files (*)"));
    if (!path.isEmpty()) importRatings(path);
  });
  model->addAction(tr("&Export ratings CSV…"), this, [this] {
    const QString path = QFileDialog::getSaveFileName(this, tr("Export ratings"),
                                                      QDir::home().filePath(QStringLiteral("moodplane-ratings.csv")),
                                                      tr("CSV files (*.csv)"));
    if (!path.isEmpty()) exportRatings(path);
  });
  model->addSeparator();
  QAction* autoRetrain = model->addAction(tr("Retrain &automatically…"), this, [this] {
    bool ok = false;
    const int n = QInputDialog::getInt(this, tr("Retrain automatically"),
                                       tr("Retrain after this many new ratings (0 = never):"),
                                       autoRetrainAfter_, 0, 1000, 1, &ok);
    if (ok) setAutoRetrainAfter(n);
  });
  autoRetrain->setObjectName(QStringLiteral("autoRetrainAction"));
  const bool available = models_ != nullptr && options_.analyzer != nullptr;
  for (QAction* a : {retrainAction_, rollbackAction_, resetModelAction_, autoRetrain}) a->setEnabled(available);
  if (!available)
    retrainAction_->setToolTip(tr("Retraining needs the mood model and a folder for your models"));
  // The retrain button on the plane tool bar (next to the rating mode) is added by buildActions.
}

void MainWindow::setAutoRetrainAfter(int ratings) {
  autoRetrainAfter_ = std::max(0, ratings);
  settings_->setValue(QStringLiteral("model/autoRetrainAfter"), autoRetrainAfter_);
  if (autoRetrainAfter_ > 0 && newRatings_ >= autoRetrainAfter_ && models_ && !models_->running()) retrainNow();
}

void MainWindow::retrainNow() {
  if (!models_ || !options_.analyzer) {
    showMessage(tr("Retraining needs the mood model and a folder for your models."));
    return;
  }
  if (models_->running() || retrainPending_) return;
  if (scan_->running()) {
    retrainPending_ = true;
    showMessage(tr("Retraining starts when the scan has finished."));
    return;
  }
  // Ratings still queued on the store worker must be in the database before the retrain thread
  // reads them: the worker runs jobs in order, so start once it has done what is queued now.
  retrainPending_ = true;
  store_->afterQueuedWork(this, [this] {
    if (!retrainPending_) return;
    retrainPending_ = false;
    if (models_->running()) return;
    if (scan_->running()) {
      retrainPending_ = true;  // started by onScanFinished
      return;
    }
    newRatings_ = 0;
    models_->retrain(models_->retrainConfig());
  });
}

void MainWindow::importRatings(const QString& csvPath) { store_->importRatingsCsv(csvPath); }

void MainWindow::exportRatings(const QString& csvPath) { store_->exportRatingsCsv(csvPath); }

void MainWindow::rollbackModel() {
  if (!models_) return;
  if (scan_->running()) {
    showMessage(tr("Wait for the scan to finish before switching models."));
    return;
  }
  models_->rollback();
}

void MainWindow::resetModel() {
  if (!models_) return;
  if (scan_->running()) {
    showMessage(tr("Wait for the scan to finish before switching models."));
    return;
  }
  models_->resetToDefault();
}

QString MainWindow::retrainFeedback() const { return feedback_->isHidden() ? QString() : feedback_->text(); }

void MainWindow::setModelDescription(const QString& description) {
  options_.modelDescription = description;
  modelLabel_->setText(tr("Model: %1").arg(fontMetrics().elidedText(description, Qt::ElideMiddle,
                                                                    fontMetrics().averageCharWidth() * 40)));
  modelLabel_->setToolTip(description);
}

void MainWindow::onModelJobFinished(const ModelJobResult& result) {
  songPanel_->setModelNames(result.modelNames);
  if (result.kind == ModelJobResult::Kind::Names) {
    if (rescanPending_) {
      rescanPending_ = false;
      QTimer::singleShot(0, this, &MainWindow::rescan);
    }
    return;
  }
  retrainBox_->setVisible(false);
  const bool available = options_.analyzer != nullptr || result.analyzer != nullptr;
  for (QAction* a : {retrainAction_, rollbackAction_, resetModelAction_}) a->setEnabled(available);
  showMessage(result.message, result.ok ? 10000 : 30000);
  if (result.ok && result.analyzer) {
    // The swap: scans from now on use the new model; the re-predicted library is re-read and
    // the plane animates every point to its new place.
    options_.analyzer = result.analyzer;
    scan_->setAnalyzer(result.analyzer);
    setModelDescription(result.modelDescription);
    animateNextLoad_ = true;
    modelJobReloadPending_ = true;
    modelJobOk_ = true;
    store_->reload();
  } else {
    Q_EMIT modelJobFinished(false);
  }
  if (result.kind == ModelJobResult::Kind::Retrain) {
    if (result.ok && result.figures) {
      const auto& f = *result.figures;
      QString text = tr("<b>Retrained on your %1 ratings.</b> ").arg(f.ratings);
      if (f.cvScheme != "none") {
        text += tr("On ratings it did not see (%1), the model now places songs %2 from where you put "
                   "them; the previous model was %3 away. ")
                    .arg(f.cvScheme == "leave-one-out" ? tr("leave-one-out") : tr("%1-fold cross-validation").arg(f.cvFolds))
                    .arg(f.cvDistance, 0, 'f', 3)
                    .arg(f.distanceBefore, 0, 'f', 3);
        text += f.cvDistance < f.distanceBefore ? tr("It has learned from them.")
                                                : tr("It has not learned to generalise them yet: rate more songs.");
      } else {
        text += tr("Distance to your ratings: %1 before, %2 after.").arg(f.distanceBefore, 0, 'f', 3).arg(f.distanceAfter, 0, 'f', 3);
      }
      text += tr(" (In-sample distance %1; %2 s.)").arg(f.distanceAfter, 0, 'f', 3).arg(f.seconds, 0, 'f', 1);
      feedback_->setText(text + QStringLiteral(" <a href=\"dismiss\">%1</a>").arg(tr("Dismiss")));
      feedback_->setVisible(true);
    } else if (!result.ok) {
      feedback_->setText(result.message.toHtmlEscaped());
      feedback_->setVisible(true);
    }
  }
  if (rescanPending_) {
    rescanPending_ = false;
    QTimer::singleShot(0, this, &MainWindow::rescan);
  }
}

}  // namespace mp::ui
