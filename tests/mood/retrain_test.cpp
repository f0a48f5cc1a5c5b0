// Retraining on the listener's ratings (core/mood/retrainer.h, library_retrain.h, model_store.h).
// Synthetic songs whose LLD statistics are a known 2-D position p; the base targets are a smooth
// function of p. Ratings that move a cluster of songs must move that cluster's predictions
// toward them and leave a far-away cluster nearly unchanged, for the exact GP and the deep GP.

#include "core/library/library_store.h"
#include "core/mood/library_retrain.h"
#include "core/mood/model_store.h"
#include "core/mood/mood_analyzer.h"
#include "core/mood/retrainer.h"
#include "tests/common/temp_dir.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <thread>

namespace mp::mood {
namespace {

namespace fs = std::filesystem;

/// A song whose song-level LLD statistics are (p0, p1, ~0.3, ~0.3): three segments around p.
SongSegments songAt(double p0, double p1, std::mt19937_64& rng) {
  std::normal_distribution<double> n01;
  SongSegments s;
  s.segmentVectors.resize(3, 4);
  for (int r = 0; r < 3; ++r) {
    s.segmentVectors.row(r) << p0 + 0.05 * n01(rng), p1 + 0.05 * n01(rng), 0.3 + 0.01 * n01(rng),
        0.3 + 0.01 * n01(rng);
  }
  s.segmentSeconds = Vec::Ones(3);
  s.durationSeconds = 3.0;
  return s;
}

/// The base mood: a smooth, known function of p.
Eigen::RowVector2d baseMood(double p0, double p1) {
  return {0.5 + 0.3 * std::tanh(0.6 * p0), 0.5 + 0.3 * std::tanh(0.6 * p1)};
}

MoodModelConfig syntheticConfig(RegressorKind kind) {
  MoodModelConfig c;
  c.input = InputKind::LldStats;
  c.regressor = kind;
  c.dgp.layers = 1;
  c.dgp.inducing = 40;
  c.dgp.iterations = 2000;
  c.dgp.learningRate = 0.02;
  c.dgp.predictSamples = 1;
  c.seed = 5;
  return c;
}

struct SyntheticBase {
  std::vector<SongSegments> songs;
  Mat targets;
};

SyntheticBase makeBase(int n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-2.5, 2.5);
  std::normal_distribution<double> n01;
  SyntheticBase b;
  b.targets.resize(n, 2);
  for (int i = 0; i < n; ++i) {
    const double p0 = u(rng), p1 = u(rng);
    b.songs.push_back(songAt(p0, p1, rng));
    b.targets.row(i) = baseMood(p0, p1) + 0.02 * Eigen::RowVector2d(n01(rng), n01(rng));
  }
  return b;
}

MoodModel trainSynthetic(RegressorKind kind, int n = 120) {
  const SyntheticBase b = makeBase(n, 17);
  std::vector<const SongSegments*> ptrs;
  for (const auto& s : b.songs) ptrs.push_back(&s);
  auto m = MoodModel::train(ptrs, b.targets, syntheticConfig(kind));
  EXPECT_TRUE(m.ok()) << (m ? "" : m.error().message);
  return std::move(*m);
}

/// Library songs in a cluster around (c0, c1), encoded by `model`.
std::vector<Vec> clusterInputs(const MoodModel& model, double c0, double c1, int count, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> n01;
  std::vector<Vec> out;
  for (int i = 0; i < count; ++i) {
    auto x = model.encoder().encode(songAt(c0 + 0.2 * n01(rng), c1 + 0.2 * n01(rng), rng));
    EXPECT_TRUE(x.ok());
    out.push_back(*x);
  }
  return out;
}

Mat rows(const std::vector<Vec>& v) {
  Mat m(static_cast<Eigen::Index>(v.size()), v.front().size());
  for (std::size_t i = 0; i < v.size(); ++i) m.row(static_cast<Eigen::Index>(i)) = v[i].transpose();
  return m;
}

const Eigen::RowVector2d kShift(-0.25, 0.2);  // where the listener moves the rated cluster

class RetrainKinds : public ::testing::TestWithParam<RegressorKind> {};

TEST_P(RetrainKinds, RatingsMoveTheirClusterAndLeaveFarSongsAlone) {
  const MoodModel model = trainSynthetic(GetParam());
  ASSERT_TRUE(model.hasBaseData());
  ASSERT_EQ(model.baseInputs().rows(), 120);
  // The cluster (near p = (2, 2)): 6 rated songs + 6 unrated neighbours; far songs near (−2, −2).
  const auto rated = clusterInputs(model, 2.0, 2.0, 6, 1);
  const auto neighbours = clusterInputs(model, 2.0, 2.0, 6, 2);
  const auto far = clusterInputs(model, -2.0, -2.0, 8, 3);
  const auto before = model.predictInputs(rows(rated));
  std::vector<RatedInput> ratings;
  for (std::size_t i = 0; i < rated.size(); ++i) {
    ratings.push_back({rated[i], before[i].valence + kShift(0), before[i].arousal + kShift(1), "r" + std::to_string(i)});
  }
  RetrainConfig cfg;
  cfg.iterations = 300;
  cfg.cvIterations = 100;
  ThreadPool pool(2);
  auto r = retrain(model, ratings, cfg, &pool);
  ASSERT_TRUE(r.ok()) << r.error().message;
  const MoodModel& next = r->model;

  // Rated songs: in-sample distance to their ratings was |kShift| = 0.32; at least halved.
  EXPECT_NEAR(r->figures.distanceBefore, kShift.norm(), 1e-6);
  EXPECT_LT(r->figures.distanceAfter, 0.5 * r->figures.distanceBefore);
  // Unrated neighbours move toward the ratings: their shift projected on kShift is > 40 % of it.
  const auto nb0 = model.predictInputs(rows(neighbours));
  const auto nb1 = next.predictInputs(rows(neighbours));
  double along = 0.0;
  for (std::size_t i = 0; i < neighbours.size(); ++i) {
    const Eigen::RowVector2d d(nb1[i].valence - nb0[i].valence, nb1[i].arousal - nb0[i].arousal);
    along += d.dot(kShift) / kShift.squaredNorm();
  }
  along /= static_cast<double>(neighbours.size());
  EXPECT_GT(along, 0.4) << "neighbours moved " << along << " of the rating shift";
  // Far songs: mean move under 10 % of the shift (0.032).
  const auto f0 = model.predictInputs(rows(far));
  const auto f1 = next.predictInputs(rows(far));
  double farMove = 0.0;
  for (std::size_t i = 0; i < far.size(); ++i) farMove += std::hypot(f1[i].valence - f0[i].valence, f1[i].arousal - f0[i].arousal);
  farMove /= static_cast<double>(far.size());
  EXPECT_LT(farMove, 0.1 * kShift.norm()) << "far songs moved " << farMove;
  std::printf("[%s] rated distance %.3f -> %.3f, held-out %.3f (%s), neighbours moved %.2f of the shift, far songs %.4f\n",
              regressorName(model.config()).c_str(), r->figures.distanceBefore, r->figures.distanceAfter,
              r->figures.cvDistance, r->figures.cvScheme.c_str(), along, farMove);
  // Held-out figure: 6 ratings → leave-one-out; the neighbours of a held-out song were rated
  // alike, so it is predicted closer than by the old model.
  EXPECT_EQ(r->figures.cvScheme, "leave-one-out");
  EXPECT_EQ(r->figures.cvFolds, 6);
  EXPECT_LT(r->figures.cvDistance, r->figures.distanceBefore);

  // The base set is carried unchanged and the retrained model survives a file round trip.
  EXPECT_EQ(next.baseInputs().rows(), 120);
  auto copy = MoodModel::fromBytes(next.bytes());
  ASSERT_TRUE(copy.ok()) << copy.error().message;
  EXPECT_TRUE(copy->baseInputs().isApprox(next.baseInputs()));
  if (GetParam() == RegressorKind::ExactGp) {
    const auto p1 = next.predictInputs(rows(rated));
    const auto p2 = copy->predictInputs(rows(rated));
    for (std::size_t i = 0; i < rated.size(); ++i) EXPECT_NEAR(p1[i].valence, p2[i].valence, 1e-9);
  }
  EXPECT_EQ(copy->encoderFingerprint(), model.encoderFingerprint());
}

INSTANTIATE_TEST_SUITE_P(Regressors, RetrainKinds, ::testing::Values(RegressorKind::ExactGp, RegressorKind::DeepGp),
                         [](const auto& p) { return p.param == RegressorKind::ExactGp ? "ExactGp" : "DeepGp"; });

TEST(Retrain, KFoldAboveTheLeaveOneOutThreshold) {
  const MoodModel model = trainSynthetic(RegressorKind::ExactGp, 60);
  const auto inputs = clusterInputs(model, 1.0, -1.0, 12, 9);
  std::vector<RatedInput> ratings;
  for (const auto& x : inputs) ratings.push_back({x, 0.2, 0.8, "x"});
  RetrainConfig cfg;
  cfg.folds = 4;
  auto r = retrain(model, ratings, cfg);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->figures.cvScheme, "k-fold");
  EXPECT_EQ(r->figures.cvFolds, 4);
  EXPECT_EQ(r->figures.ratings, 12);
}

TEST(Retrain, BadInputAndCancelAreErrors) {
  const MoodModel model = trainSynthetic(RegressorKind::ExactGp, 40);
  const auto inputs = clusterInputs(model, 0.0, 0.0, 3, 4);
  std::vector<RatedInput> ratings{{inputs[0], 0.1, 0.9, "a"}, {inputs[1], 0.1, 0.9, "b"}};
  EXPECT_FALSE(retrain(model, {}, RetrainConfig{}).ok());
  std::vector<RatedInput> wrongDim{{Vec::Zero(3), 0.5, 0.5, "w"}};
  auto r = retrain(model, wrongDim, RetrainConfig{});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("expects"), std::string::npos);
  RetrainConfig bad;
  bad.ratingWeight = -1.0;
  EXPECT_FALSE(retrain(model, ratings, bad).ok());
  bad = RetrainConfig{};
  bad.folds = 1;
  EXPECT_FALSE(retrain(model, ratings, bad).ok());
  // Cancel from the progress callback after the first fold: an error, no model.
  StopFlag stop;
  auto cancelled = retrain(model, ratings, RetrainConfig{}, nullptr, &stop, [&](const Progress&) { stop.request(); });
  ASSERT_FALSE(cancelled.ok());
  EXPECT_NE(cancelled.error().message.find("cancelled"), std::string::npos);
}

TEST(Retrain, DeepGpCancelMidRefit) {
  const MoodModel model = trainSynthetic(RegressorKind::DeepGp, 60);
  const auto inputs = clusterInputs(model, 0.0, 0.0, 3, 4);
  std::vector<RatedInput> ratings{{inputs[0], 0.1, 0.9, "a"}, {inputs[1], 0.1, 0.9, "b"}};
  StopFlag stop;
  RetrainConfig cfg;
  cfg.crossValidate = false;
  cfg.iterations = 1000000;  // would take minutes: the flag must end it
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    stop.request();
  });
  const auto t0 = std::chrono::steady_clock::now();
  auto r = retrain(model, ratings, cfg, nullptr, &stop);
  stopper.join();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("cancelled"), std::string::npos);
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 20.0);
}

// ---------------------------------------------------------------- model store

TEST(ModelStore, CommitRollbackResetAndCorruptFallback) {
  test::TempDir dir;
  const MoodModel model = trainSynthetic(RegressorKind::ExactGp, 30);
  const std::string defaultPath = dir.file("default.mpmodel");
  ASSERT_TRUE(model.save(defaultPath).ok());
  ModelStore store(dir.file("models"), defaultPath);
  EXPECT_EQ(*store.currentNumber(), 0);
  EXPECT_FALSE(store.rollback().ok());  // nothing to roll back
  auto r0 = store.resolve();
  EXPECT_EQ(r0.path, defaultPath);
  EXPECT_FALSE(r0.userModel);
  EXPECT_TRUE(r0.warning.empty());

  auto a = store.commit(model, {{"ratings_used", 3}});
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->number, 1);
  EXPECT_EQ(a->card["parent"], 0);
  EXPECT_EQ(a->card["ratings_used"], 3);
  auto b = store.commit(model, {{"ratings_used", 5}});
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->number, 2);
  EXPECT_EQ(b->card["parent"], 1);
  EXPECT_EQ(store.resolve().path, b->path);
  EXPECT_TRUE(store.resolve().userModel);
  auto list = store.list();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_FALSE((*list)[0].current);
  EXPECT_TRUE((*list)[1].current);
  EXPECT_EQ((*list)[1].card["encoder"], model.encoderFingerprint());
  // The card inside the file is what the store wrote.
  auto loaded = MoodModel::load(b->path);
  ASSERT_TRUE(loaded.ok());
  EXPECT_NE(loaded->card().find("\"ratings_used\":5"), std::string::npos);

  auto back = store.rollback();
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, 1);
  EXPECT_EQ(store.resolve().path, a->path);
  EXPECT_EQ(*store.rollback(), 0);
  EXPECT_EQ(store.resolve().path, defaultPath);
  // A commit after a rollback gets a fresh number and the rolled-back-to model as parent.
  auto c = store.commit(model, {});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->number, 3);
  EXPECT_EQ(c->card["parent"], 0);
  ASSERT_TRUE(store.resetToDefault().ok());
  EXPECT_EQ(store.resolve().path, defaultPath);
  EXPECT_EQ(store.list()->size(), 3u);  // files kept

  // Corrupt current model: a clear warning and the default, never a crash.
  EXPECT_FALSE(store.rollback().ok());  // the default is current
  auto d = store.commit(model, {});
  ASSERT_TRUE(d.ok());
  {
    std::fstream f(d->path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(200);
    f.write("garbage!garbage!", 16);
  }
  auto resolved = store.resolve();
  EXPECT_EQ(resolved.path, defaultPath);
  EXPECT_FALSE(resolved.userModel);
  EXPECT_NE(resolved.warning.find("cannot be used"), std::string::npos) << resolved.warning;
  // Truncated to zero bytes, and a pointer naming garbage.
  { std::ofstream(d->path, std::ios::trunc); }
  EXPECT_EQ(store.resolve().path, defaultPath);
  { std::ofstream(dir.file("models/current"), std::ios::trunc) << "../../etc/passwd\n"; }
  resolved = store.resolve();
  EXPECT_EQ(resolved.path, defaultPath);
  EXPECT_FALSE(resolved.warning.empty());
  EXPECT_FALSE(store.currentNumber().ok());
}

// ---------------------------------------------------------------- against the library

struct LibraryFixture {
  test::TempDir dir;
  std::string defaultPath;
  std::string dbPath;
  std::unique_ptr<ModelStore> store;
  std::vector<Vec> clusterA;  // rated
  std::vector<Vec> clusterB;  // unrated, far

  explicit LibraryFixture(const MoodModel& model) {
    defaultPath = dir.file("default.mpmodel");
    EXPECT_TRUE(model.save(defaultPath).ok());
    dbPath = dir.file("library.sqlite");
    store = std::make_unique<ModelStore>(dir.file("models"), defaultPath);
    const std::string version = *moodAnalyzerVersion(defaultPath, model);
    clusterA = clusterInputs(model, 2.0, 2.0, 6, 21);
    clusterB = clusterInputs(model, -2.0, -2.0, 6, 22);
    auto db = library::LibraryStore::open(dbPath);
    EXPECT_TRUE(db.ok());
    auto add = [&](const std::string& path, const Vec& x, const std::string& modelVersion) {
      library::SongRecord rec;
      rec.path = path;
      rec.size = 100;
      rec.contentHash = "hash-" + path;
      rec.status = library::AnalysisStatus::Done;
      rec.prediction = model.predictInputs(x.transpose()).front();
      rec.modelVersion = modelVersion;
      rec.encoding.assign(x.data(), x.data() + x.size());
      EXPECT_TRUE((*db)->upsertSong(rec).ok());
    };
    for (std::size_t i = 0; i < clusterA.size(); ++i) add("/music/a" + std::to_string(i) + ".mp3", clusterA[i], version);
    for (std::size_t i = 0; i < clusterB.size(); ++i) add("/music/b" + std::to_string(i) + ".mp3", clusterB[i], version);
    // One rated song from another encoder: reported and skipped.
    add("/music/foreign.mp3", clusterA[0], "mood-0000000000000000-other");
    for (std::size_t i = 0; i < 4; ++i) {
      EXPECT_TRUE((*db)->setRating("/music/a" + std::to_string(i) + ".mp3", 0.15, 0.85).ok());
    }
    EXPECT_TRUE((*db)->setRating("/music/foreign.mp3", 0.15, 0.85).ok());
  }
};

TEST(LibraryRetrain, RetrainsCommitsAndRepredictsInOneGo) {
  const MoodModel model = trainSynthetic(RegressorKind::ExactGp, 100);
  LibraryFixture fx(model);
  auto db = library::LibraryStore::open(fx.dbPath);
  ASSERT_TRUE(db.ok());
  auto report = retrainLibrary(**db, *fx.store, RetrainConfig{});
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->figures.ratings, 4);
  ASSERT_EQ(report->skipped.size(), 1u);
  EXPECT_EQ(report->skipped[0].first, "/music/foreign.mp3");
  EXPECT_EQ(report->repredict.repredicted, 12u);
  EXPECT_EQ(report->repredict.skipped, 1u);
  EXPECT_EQ(report->model.number, 1);
  EXPECT_EQ(fx.store->resolve().path, report->model.path);
  // Stored predictions of the rated songs moved toward (0.15, 0.85) and carry the new version.
  auto songs = (*db)->songs();
  ASSERT_TRUE(songs.ok());
  for (const auto& s : *songs) {
    if (s.path == "/music/foreign.mp3") {
      EXPECT_NE(s.modelVersion, report->modelVersion);
      continue;
    }
    EXPECT_EQ(s.modelVersion, report->modelVersion) << s.path;
    auto enc = (*db)->encoding(s.id);
    ASSERT_TRUE(enc.ok());
    EXPECT_EQ(static_cast<Eigen::Index>(enc->size()), model.encoder().inputDim()) << "encoding kept";
  }
  const auto before = model.predictInputs(rows(fx.clusterA));
  for (const auto& s : *songs) {
    if (s.path.rfind("/music/a", 0) != 0) continue;
    const int i = s.path[8] - '0';
    const double d0 = std::hypot(before[static_cast<std::size_t>(i)].valence - 0.15, before[static_cast<std::size_t>(i)].arousal - 0.85);
    const double d1 = std::hypot(s.prediction->valence - 0.15, s.prediction->arousal - 0.85);
    EXPECT_LT(d1, 0.6 * d0) << s.path;
  }
  EXPECT_EQ(*(*db)->ratingCount(), 5);
  // Which model placed a song (the GUI's song panel).
  EXPECT_EQ(fx.store->numberForVersion(report->modelVersion), 1);
  EXPECT_EQ(fx.store->numberForVersion(*moodAnalyzerVersion(fx.defaultPath, model)), 0);
  EXPECT_EQ(fx.store->numberForVersion("mood-0000000000000000-other"), -1);
  // A second retrain starts from the new model and still finds the encodings usable.
  auto again = retrainLibrary(**db, *fx.store, RetrainConfig{});
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->figures.ratings, 4);
  EXPECT_EQ(again->model.card["parent"], 1);
  EXPECT_EQ(again->model.number, 2);
}

TEST(LibraryRetrain, CancelLeavesTheOldModelAndPredictions) {
  const MoodModel model = trainSynthetic(RegressorKind::ExactGp, 60);
  LibraryFixture fx(model);
  auto db = library::LibraryStore::open(fx.dbPath);
  ASSERT_TRUE(db.ok());
  const auto before = (*db)->songs();
  StopFlag stop;
  auto report = retrainLibrary(**db, *fx.store, RetrainConfig{}, nullptr, &stop, [&](const Progress&) { stop.request(); });
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.error().message.find("cancelled"), std::string::npos);
  EXPECT_EQ(fx.store->resolve().path, fx.defaultPath);
  EXPECT_TRUE(fx.store->list()->empty());
  const auto after = (*db)->songs();
  ASSERT_EQ(before->size(), after->size());
  for (std::size_t i = 0; i < after->size(); ++i) {
    EXPECT_EQ((*before)[i].modelVersion, (*after)[i].modelVersion);
    EXPECT_EQ((*before)[i].prediction->valence, (*after)[i].prediction->valence);
  }
}

// ---------------------------------------------------------------- the CLI

struct CliRun {
  int code = -1;
  std::string out;
  std::string err;
};

std::string shellQuote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') q += "'\\''";
    else q += c;
  }
  return q + "'";
}

CliRun runCli(const LibraryFixture& fx, const std::string& xdg, const std::vector<std::string>& args) {
  std::string cmd = "XDG_DATA_HOME=" + shellQuote(xdg) + " MOODPLANE_DEFAULT_MODEL=" + shellQuote(fx.defaultPath) + " " +
                    shellQuote(MOODPLANE_CLI_PATH);
  for (const auto& a : args) cmd += " " + shellQuote(a);
  cmd += " >" + shellQuote(fx.dir.file("cli.out")) + " 2>" + shellQuote(fx.dir.file("cli.err"));
  const int status = std::system(cmd.c_str());
  CliRun r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream o(fx.dir.file("cli.out")), e(fx.dir.file("cli.err"));
  r.out.assign(std::istreambuf_iterator<char>(o), std::istreambuf_iterator<char>());
  r.err.assign(std::istreambuf_iterator<char>(e), std::istreambuf_iterator<char>());
  return r;
}

TEST(RetrainCli, RetrainModelListRollbackResetAndFallback) {
  if (!fs::exists(MOODPLANE_CLI_PATH)) GTEST_SKIP() << "moodplane-cli not built";
  const MoodModel model = trainSynthetic(RegressorKind::ExactGp, 60);
  LibraryFixture fx(model);
  const std::string xdg = fx.dir.file("xdg");
  auto r = runCli(fx, xdg, {"retrain", "--db", fx.dbPath, "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["ratings"], 4);
  EXPECT_TRUE(j["seconds"].is_number());
  EXPECT_EQ(j["cv_scheme"], "leave-one-out");
  EXPECT_TRUE(j["cv_distance"].is_number());
  EXPECT_LT(j["distance_after"].get<double>(), j["distance_before"].get<double>());
  EXPECT_EQ(j["skipped"].size(), 1u);
  EXPECT_EQ(j["repredicted"], 12);
  const std::string first = j["model"];
  EXPECT_TRUE(fs::exists(first));
  EXPECT_EQ(fs::path(first).parent_path(), fs::path(xdg) / "moodplane" / "models");

  r = runCli(fx, xdg, {"model", "list", "--json"});
  ASSERT_EQ(r.code, 0);
  j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["current"], first);
  ASSERT_EQ(j["models"].size(), 1u);
  EXPECT_EQ(j["models"][0]["ratings_used"], 4);
  EXPECT_TRUE(j["models"][0]["figures"]["cv_distance"].is_number());

  r = runCli(fx, xdg, {"model", "rollback", "--json"});
  ASSERT_EQ(r.code, 0);
  EXPECT_EQ(nlohmann::json::parse(r.out)["current_number"], 0);
  EXPECT_EQ(runCli(fx, xdg, {"model", "rollback"}).code, 1);  // the default is current
  ASSERT_EQ(runCli(fx, xdg, {"retrain", "--db", fx.dbPath}).code, 0);
  ASSERT_EQ(runCli(fx, xdg, {"model", "reset", "--json"}).code, 0);
  j = nlohmann::json::parse(runCli(fx, xdg, {"model", "list", "--json"}).out);
  EXPECT_EQ(j["current_number"], 0);
  EXPECT_EQ(j["models"].size(), 2u);

  // Usage errors exit 2.
  EXPECT_EQ(runCli(fx, xdg, {"model"}).code, 2);
  EXPECT_EQ(runCli(fx, xdg, {"model", "bogus"}).code, 2);
  EXPECT_EQ(runCli(fx, xdg, {"retrain", "--folds", "1"}).code, 2);
  EXPECT_EQ(runCli(fx, xdg, {"retrain", "--weight", "abc"}).code, 2);
  EXPECT_EQ(runCli(fx, xdg, {"retrain", "--db", fx.dir.file("none.sqlite")}).code, 1);

  // A corrupt current model: predict warns and falls back to the default (the missing audio
  // file is the only failure), never a crash.
  ASSERT_EQ(runCli(fx, xdg, {"retrain", "--db", fx.dbPath}).code, 0);
  const std::string current = nlohmann::json::parse(runCli(fx, xdg, {"model", "list", "--json"}).out)["current"];
  { std::ofstream(current, std::ios::trunc) << "not a model"; }
  r = runCli(fx, xdg, {"predict", fx.dir.file("missing.wav"), "--json"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("cannot be used"), std::string::npos) << r.err;
  // Rolling back from the unreadable model (its card, hence its parent, is lost) picks the
  // newest readable older model.
  EXPECT_EQ(runCli(fx, xdg, {"model", "rollback"}).code, 0);
  j = nlohmann::json::parse(runCli(fx, xdg, {"model", "list", "--json"}).out);
  EXPECT_EQ(j["current_number"], 2);
  EXPECT_TRUE(runCli(fx, xdg, {"model", "list"}).err.empty());
}

// ---------------------------------------------------------------- a killed `retrain` process

TEST(LibraryRetrain, SigkillAtAnyMomentLeavesDatabaseRatingsAndModelIntact) {
  // A deep GP base model with a long refit, so the kills land in fitting, committing and
  // re-predicting alike.
  const MoodModel model = trainSynthetic(RegressorKind::DeepGp, 80);
  LibraryFixture fx(model);
  const std::string xdg = fx.dir.file("xdg");
  fs::create_directories(xdg + "/moodplane");
  // The CLI's model store lives in $XDG_DATA_HOME/moodplane/models.
  ModelStore cliStore(xdg + "/moodplane/models", fx.defaultPath);
  int newModels = 0;
  for (int delayMs : {30, 120, 300, 600, 1000, 1600, 2500, 4000}) {
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      setenv("XDG_DATA_HOME", xdg.c_str(), 1);
      setenv("MOODPLANE_DEFAULT_MODEL", fx.defaultPath.c_str(), 1);
      const int devnull = ::open("/dev/null", O_WRONLY);
      dup2(devnull, 1);
      dup2(devnull, 2);
      execl(MOODPLANE_CLI_PATH, "moodplane-cli", "retrain", "--db", fx.dbPath.c_str(), "--iterations", "1500",
            "--no-cv", "--jobs", "1", static_cast<char*>(nullptr));
      _exit(127);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(delayMs));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (WIFEXITED(status)) {
      EXPECT_EQ(WEXITSTATUS(status), 0) << "retrain finished before the kill but failed";
    }
    // The database opens (integrity check on open) with every rating intact.
    auto db = library::LibraryStore::open(fx.dbPath);
    ASSERT_TRUE(db.ok()) << db.error().message;
    EXPECT_EQ(*(*db)->ratingCount(), 5);
    auto songs = (*db)->songs();
    ASSERT_TRUE(songs.ok());
    EXPECT_EQ(songs->size(), 13u);
    // The current model loads: the old one or a new one, never a broken one.
    const ResolvedModel r = cliStore.resolve();
    EXPECT_TRUE(r.warning.empty()) << r.warning;
    EXPECT_TRUE(MoodModel::load(r.path).ok());
    auto list = cliStore.list();
    ASSERT_TRUE(list.ok());
    for (const auto& m : *list) EXPECT_TRUE(m.problem.empty()) << m.path << ": " << m.problem;
    newModels = static_cast<int>(list->size());
  }
  std::printf("killed 8 retrain processes; %d of them had committed a model\n", newModels);
  // No stray temp files from the pointer swap remain visible as models. (Under the sanitizers a
  // retrain is slow enough that every kill can land before the store folder exists.)
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(xdg + "/moodplane/models", ec)) {
    const std::string name = e.path().filename().string();
    EXPECT_TRUE(name == "current" || name.rfind("model-", 0) == 0 || name.rfind(".", 0) == 0) << name;
  }
}

}  // namespace
}  // namespace mp::mood
