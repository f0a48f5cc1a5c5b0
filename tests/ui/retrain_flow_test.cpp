// Retraining from the GUI (issue #7) with a real small model: a GP trained here on synthetic
// songs whose LLD statistics are a known 2-D position, a library of two clusters with stored
// encodings, and ratings that move one cluster. The window retrains in the background, swaps the
// model, re-reads the library and animates the points to the new predictions; cancel keeps the
// old model; roll back and reset bring the default model's predictions back.
#include "core/library/library_store.h"
#include "core/mood/model_store.h"
#include "core/mood/mood_analyzer.h"
#include "core/mood/mood_model.h"
#include "tests/common/temp_dir.h"
#include "tests/ui/ui_test_support.h"
#include "ui/library_store_worker.h"
#include "ui/main_window.h"
#include "ui/model_controller.h"
#include "ui/mood_plane_widget.h"
#include "ui/song_panel.h"

#include <QDir>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>

namespace mp::ui {
namespace {

using mood::MoodModel;

/// A song whose song-level LLD statistics are (p0, p1, ~0.3, ~0.3).
mood::SongSegments songAt(double p0, double p1, std::mt19937_64& rng) {
  std::normal_distribution<double> n01;
  mood::SongSegments s;
  s.segmentVectors.resize(3, 4);
  for (int r = 0; r < 3; ++r)
    s.segmentVectors.row(r) << p0 + 0.05 * n01(rng), p1 + 0.05 * n01(rng), 0.3 + 0.01 * n01(rng),
        0.3 + 0.01 * n01(rng);
  s.segmentSeconds = Vec::Ones(3);
  s.durationSeconds = 3.0;
  return s;
}

/// A GP on 80 songs whose mood is a smooth known function of their position.
MoodModel trainSmallModel(mood::RegressorKind kind) {
  std::mt19937_64 rng(17);
  std::uniform_real_distribution<double> u(-2.5, 2.5);
  std::vector<mood::SongSegments> songs;
  Mat targets(80, 2);
  for (int i = 0; i < 80; ++i) {
    const double p0 = u(rng), p1 = u(rng);
    songs.push_back(songAt(p0, p1, rng));
    targets.row(i) << 0.5 + 0.3 * std::tanh(0.6 * p0), 0.5 + 0.3 * std::tanh(0.6 * p1);
  }
  std::vector<const mood::SongSegments*> ptrs;
  for (const auto& s : songs) ptrs.push_back(&s);
  mood::MoodModelConfig c;
  c.input = mood::InputKind::LldStats;
  c.regressor = kind;
  c.dgp.layers = 1;  // SVGP: small and quick to fit
  c.dgp.inducing = 20;
  c.dgp.iterations = 150;
  c.dgp.learningRate = 0.02;
  c.dgp.predictSamples = 1;
  c.seed = 5;
  auto m = MoodModel::train(ptrs, targets, c);
  EXPECT_TRUE(m.ok()) << (m ? "" : m.error().message);
  return std::move(*m);
}

constexpr double kRatedV = 0.15, kRatedA = 0.85;

struct RetrainWindow : ::testing::Test {
  virtual mood::RegressorKind regressor() const { return mood::RegressorKind::ExactGp; }
  static const MoodModel& smallModel(mood::RegressorKind kind) {
    static const MoodModel exact = trainSmallModel(mood::RegressorKind::ExactGp);  // once per process
    if (kind == mood::RegressorKind::ExactGp) return exact;
    static const MoodModel deep = trainSmallModel(mood::RegressorKind::DeepGp);
    return deep;
  }
  void SetUp() override {
    const MoodModel& model = smallModel(regressor());
    defaultPath = dir.file("default.mpmodel");
    ASSERT_TRUE(model.save(defaultPath).ok());
    const std::string version = *mood::moodAnalyzerVersion(defaultPath, model);
    {
      auto db = library::LibraryStore::open(dir.file("library.sqlite"));
      ASSERT_TRUE(db.ok());
      std::mt19937_64 rng(21);
      std::normal_distribution<double> n01;
      auto add = [&](const std::string& path, double c0, double c1) {
        auto x = model.encoder().encode(songAt(c0 + 0.2 * n01(rng), c1 + 0.2 * n01(rng), rng));
        ASSERT_TRUE(x.ok());
        library::SongRecord rec;
        rec.path = path;
        rec.size = 100;
        rec.contentHash = "hash-" + path;
        rec.tags.title = path.substr(7);
        rec.status = library::AnalysisStatus::Done;
        rec.prediction = model.predictInputs(x->transpose()).front();
        rec.modelVersion = version;
        rec.encoding.assign(x->data(), x->data() + x->size());
        ASSERT_TRUE((*db)->upsertSong(rec).ok());
      };
      for (int i = 0; i < 6; ++i) add("/music/a" + std::to_string(i) + ".mp3", 2.0, 2.0);
      for (int i = 0; i < 6; ++i) add("/music/b" + std::to_string(i) + ".mp3", -2.0, -2.0);
      for (int i = 0; i < 4; ++i)
        ASSERT_TRUE((*db)->setRating("/music/a" + std::to_string(i) + ".mp3", kRatedV, kRatedA).ok());
      auto songs = (*db)->songs();
      ASSERT_TRUE(songs.ok());
      for (const auto& s : *songs) original[s.path] = *s.prediction;
    }
    MainWindowOptions o;
    o.databasePath = QString::fromStdString(dir.file("library.sqlite"));
    o.settingsPath = QString::fromStdString(dir.file("settings.ini"));
    o.modelFolder = QString::fromStdString(dir.file("models"));
    o.defaultModelPath = QString::fromStdString(defaultPath);
    auto analyzer = mood::loadMoodAnalyzer(defaultPath);
    ASSERT_TRUE(analyzer.ok());
    o.analyzer = std::shared_ptr<const library::SongAnalyzer>(std::move(*analyzer));
    o.modelDescription = QStringLiteral("default model");
    o.rescanOnStartup = false;
    o.probeAudioDevices = false;
    window = std::make_unique<MainWindow>(o);
    window->resize(1400, 900);
    window->show();
    ASSERT_TRUE(test::waitUntil([&] { return window->library() && window->library()->songs.size() == 12; }));
    ASSERT_TRUE(test::waitUntil([&] { return !window->models()->running(); }));  // names job
  }
  void TearDown() override { window.reset(); }

  std::map<std::string, library::MoodEstimate> storedPredictions() const {
    std::map<std::string, library::MoodEstimate> out;
    auto db = library::LibraryStore::open(dir.file("library.sqlite"));
    EXPECT_TRUE(db.ok());
    auto songs = (*db)->songs();  // kept alive: the loop must not iterate a destroyed temporary
    EXPECT_TRUE(songs.ok());
    for (const auto& s : *songs) out[s.path] = *s.prediction;
    return out;
  }
  qint64 idOf(const std::string& path) const {
    for (const auto& s : window->library()->songs)
      if (s.path == path) return s.id;
    return 0;
  }
  static double distanceToRating(const library::MoodEstimate& e) {
    return std::hypot(e.valence - kRatedV, e.arousal - kRatedA);
  }

  test::QtAppGuard app;
  test::TempDir dir;
  std::string defaultPath;
  std::map<std::string, library::MoodEstimate> original;
  std::unique_ptr<MainWindow> window;
};

TEST_F(RetrainWindow, RetrainMovesTheRatedSongsAndTheAnimationEndsAtTheNewPredictions) {
  const auto oldAnalyzer = window->analyzer();
  window->selectSongs({idOf("/music/a0.mp3")});
  EXPECT_EQ(window->songPanel()->fieldText(QStringLiteral("model")), QStringLiteral("default model"));
  QSignalSpy done(window.get(), &MainWindow::modelJobFinished);
  QSignalSpy animated(window->plane(), &MoodPlaneWidget::animationFinished);
  window->retrainNow();  // starts once the store worker has finished its queued work
  ASSERT_TRUE(test::waitUntil([&] { return done.count() == 1; }, 60000));
  ASSERT_TRUE(done.first().at(0).toBool());
  EXPECT_TRUE(window->plane()->animating());
  ASSERT_TRUE(test::waitUntil([&] { return animated.count() == 1; }, 5000));

  // The model was swapped and committed as the listener's model 1.
  EXPECT_NE(window->analyzer(), oldAnalyzer);
  EXPECT_NE(window->analyzer()->version(), oldAnalyzer->version());
  mood::ModelStore store(dir.file("models"), defaultPath);
  EXPECT_EQ(*store.currentNumber(), 1);

  // Every song was re-predicted in the database; the plane ends exactly there.
  const auto now = storedPredictions();
  for (const auto& [path, p] : now) {
    const auto drawn = window->plane()->drawnPosition(idOf(path));
    ASSERT_TRUE(drawn.has_value()) << path;
    EXPECT_DOUBLE_EQ(drawn->x(), p.valence) << path;
    EXPECT_DOUBLE_EQ(drawn->y(), p.arousal) << path;
  }
  // Rated songs moved toward their ratings; the far cluster moved much less than they did.
  double ratedMove = 0, farMove = 0;
  for (int i = 0; i < 4; ++i) {
    const std::string path = "/music/a" + std::to_string(i) + ".mp3";
    EXPECT_LT(distanceToRating(now.at(path)), 0.6 * distanceToRating(original.at(path))) << path;
    ratedMove += std::hypot(now.at(path).valence - original.at(path).valence,
                            now.at(path).arousal - original.at(path).arousal) / 4;
  }
  for (int i = 0; i < 6; ++i) {
    const std::string path = "/music/b" + std::to_string(i) + ".mp3";
    farMove += std::hypot(now.at(path).valence - original.at(path).valence,
                          now.at(path).arousal - original.at(path).arousal) / 6;
  }
  EXPECT_LT(farMove, 0.25 * ratedMove) << "rated " << ratedMove << " far " << farMove;

  // Honest feedback: the held-out error on the listener's 4 ratings (leave-one-out).
  const QString feedback = window->retrainFeedback();
  EXPECT_TRUE(feedback.contains(QStringLiteral("4 ratings"))) << feedback.toStdString();
  EXPECT_TRUE(feedback.contains(QStringLiteral("leave-one-out"))) << feedback.toStdString();
  // A screenshot of the window with the ratings and the retrained model, under $OUT or the cwd.
  {
    const QByteArray out = qgetenv("OUT");
    const QString folder = out.isEmpty() ? QDir::currentPath() : QString::fromLocal8Bit(out);
    QDir().mkpath(folder);
    const QString shot = QDir(folder).filePath(QStringLiteral("ui-test-ratings-retrained.png"));
    EXPECT_TRUE(window->grab().save(shot));
    std::printf("[ screenshot ] %s\n", qPrintable(shot));
  }
  // The song panel names the model that placed the selected song.
  EXPECT_TRUE(window->songPanel()->fieldText(QStringLiteral("model")).startsWith(QStringLiteral("model 1")))
      << window->songPanel()->fieldText(QStringLiteral("model")).toStdString();

  // Roll back: the default model is current again and the songs are back where it put them.
  done.clear();
  window->rollbackModel();
  ASSERT_TRUE(test::waitUntil([&] { return done.count() == 1; }, 60000));
  ASSERT_TRUE(done.first().at(0).toBool());
  EXPECT_EQ(*store.currentNumber(), 0);
  EXPECT_EQ(window->analyzer()->version(), oldAnalyzer->version());
  for (const auto& [path, p] : storedPredictions()) {
    EXPECT_NEAR(p.valence, original.at(path).valence, 1e-5) << path;  // float-stored encodings
    EXPECT_NEAR(p.arousal, original.at(path).arousal, 1e-5) << path;
  }
  // Ratings survive every model change.
  auto db = library::LibraryStore::open(dir.file("library.sqlite"));
  EXPECT_EQ(*(*db)->ratingCount(), 4);
}

/// The deep GP's retraining runs Adam for as long as asked: a cancel lands mid-refit for sure.
struct DeepRetrainWindow : RetrainWindow {
  mood::RegressorKind regressor() const override { return mood::RegressorKind::DeepGp; }
};

TEST_F(DeepRetrainWindow, CancelMidRetrainLeavesTheOldModelInPlace) {
  mood::RetrainConfig slow;
  slow.iterations = slow.cvIterations = 1000000;  // hours: only the cancel ends it
  window->models()->setRetrainConfig(slow);
  const auto oldAnalyzer = window->analyzer();
  QSignalSpy done(window.get(), &MainWindow::modelJobFinished);
  window->retrainNow();
  ASSERT_TRUE(test::waitUntil([&] { return window->models()->running(); }, 5000));
  QTest::qWait(300);  // well inside the first refit
  ASSERT_TRUE(window->models()->running());
  QElapsedTimer cancelled;
  cancelled.start();
  window->models()->cancel();
  ASSERT_TRUE(test::waitUntil([&] { return done.count() == 1; }, 30000));
  std::printf("[ cancel ] retraining stopped %lld ms after the cancel\n", static_cast<long long>(cancelled.elapsed()));
  EXPECT_FALSE(done.first().at(0).toBool()) << window->retrainFeedback().toStdString();
  EXPECT_EQ(window->analyzer(), oldAnalyzer);
  mood::ModelStore store(dir.file("models"), defaultPath);
  EXPECT_EQ(*store.currentNumber(), 0);
  EXPECT_TRUE(store.list()->empty());
  for (const auto& [path, p] : storedPredictions()) {
    ASSERT_EQ(original.count(path), 1u) << "[" << path << "]";
    EXPECT_EQ(p.valence, original.at(path).valence) << path;
    EXPECT_EQ(p.arousal, original.at(path).arousal) << path;
  }
  EXPECT_TRUE(window->retrainFeedback().contains(QStringLiteral("cancelled"))) << window->retrainFeedback().toStdString();
  EXPECT_FALSE(window->plane()->animating());
  // The window is usable again: a normal retrain of the same model succeeds afterwards.
  window->models()->setRetrainConfig(mood::RetrainConfig{});
  done.clear();
  window->retrainNow();
  ASSERT_TRUE(test::waitUntil([&] { return done.count() == 1; }, 60000));
  EXPECT_TRUE(done.first().at(0).toBool()) << window->retrainFeedback().toStdString();
}

TEST_F(RetrainWindow, AutomaticRetrainAfterNNewRatings) {
  window->setAutoRetrainAfter(2);
  QSignalSpy done(window.get(), &MainWindow::modelJobFinished);
  window->rateSong(idOf("/music/a4.mp3"), kRatedV, kRatedA);
  QTest::qWait(50);
  EXPECT_FALSE(window->models()->running());
  EXPECT_EQ(done.count(), 0);
  window->rateSong(idOf("/music/a5.mp3"), kRatedV, kRatedA);
  ASSERT_TRUE(test::waitUntil([&] { return done.count() == 1; }, 60000));
  EXPECT_TRUE(done.first().at(0).toBool());
  EXPECT_TRUE(window->retrainFeedback().contains(QStringLiteral("6 ratings"))) << window->retrainFeedback().toStdString();
  mood::ModelStore store(dir.file("models"), defaultPath);
  EXPECT_EQ(*store.currentNumber(), 1);

  // Reset to the default model: its predictions come back, the listener's model file and every
  // rating are kept.
  done.clear();
  window->resetModel();
  ASSERT_TRUE(test::waitUntil([&] { return done.count() == 1; }, 60000));
  ASSERT_TRUE(done.first().at(0).toBool());
  EXPECT_EQ(*store.currentNumber(), 0);
  EXPECT_EQ(store.list()->size(), 1u);
  for (const auto& [path, p] : storedPredictions()) {
    EXPECT_NEAR(p.valence, original.at(path).valence, 1e-5) << path;
    EXPECT_NEAR(p.arousal, original.at(path).arousal, 1e-5) << path;
  }
  auto db = library::LibraryStore::open(dir.file("library.sqlite"));
  EXPECT_EQ(*(*db)->ratingCount(), 6);
  window->selectSongs({idOf("/music/b0.mp3")});
  EXPECT_EQ(window->songPanel()->fieldText(QStringLiteral("model")), QStringLiteral("default model"));
}

}  // namespace
}  // namespace mp::ui
