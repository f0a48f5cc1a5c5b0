// The whole mood model on generated labelled audio: train → predict, file round-trip, corrupt
// files, the feature cache, label formats and the CLI.

#include "core/features/frame_analyzer.h"
#include "core/features/harmony.h"
#include "core/features/spectral_profile.h"
#include "core/mood/dataset.h"
#include "core/mood/evaluation.h"
#include "core/mood/labels.h"
#include "core/mood/mood_analyzer.h"
#include "core/mood/mood_model.h"
#include "core/mood/song_stats.h"
#include "tests/common/temp_dir.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

namespace mp::mood {
namespace {

namespace fs = std::filesystem;

bool sanitizerBuild() { return std::getenv("MOODPLANE_SANITIZER_BUILD") != nullptr; }

/// Writes a mono 16-bit PCM WAV.
void writeWav(const std::string& path, const std::vector<float>& samples, int rate) {
  std::ofstream f(path, std::ios::binary);
  auto u32 = [&f](std::uint32_t v) { f.write(reinterpret_cast<const char*>(&v), 4); };
  auto u16 = [&f](std::uint16_t v) { f.write(reinterpret_cast<const char*>(&v), 2); };
  const auto bytes = static_cast<std::uint32_t>(samples.size() * 2);
  f.write("RIFF", 4);
  u32(36 + bytes);
  f.write("WAVEfmt ", 8);
  u32(16);
  u16(1);
  u16(1);
  u32(static_cast<std::uint32_t>(rate));
  u32(static_cast<std::uint32_t>(rate * 2));
  u16(2);
  u16(16);
  f.write("data", 4);
  u32(bytes);
  for (float s : samples) {
    const auto v = static_cast<std::int16_t>(std::lround(std::clamp(s, -1.0f, 1.0f) * 32000.0f));
    f.write(reinterpret_cast<const char*>(&v), 2);
  }
}

/// A generated "song": arousal drives the tempo and loudness of note onsets, valence the
/// brightness (fundamental and harmonic richness) and the mode (major vs minor third).
std::vector<float> makeSong(double valence, double arousal, double seconds, std::uint64_t seed) {
  const int rate = 22050;
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> jitter(-0.03, 0.03);
  const auto n = static_cast<std::size_t>(seconds * rate);
  std::vector<float> out(n, 0.0f);
  const double tempo = 1.0 + 7.0 * arousal;  // notes per second
  const double loud = 0.08 + 0.6 * arousal;
  const double f0 = 180.0 + 500.0 * valence;
  const double third = valence > 0.5 ? 1.2599 : 1.1892;  // major / minor third
  const int harmonics = 1 + static_cast<int>(6 * valence);
  const double period = 1.0 / tempo;
  int note = 0;
  for (double t0 = 0.0; t0 < seconds; t0 += period, ++note) {
    const double f = f0 * ((note % 2 == 1) ? third : 1.0) * (1.0 + jitter(rng));
    const auto start = static_cast<std::size_t>(t0 * rate);
    const auto len = static_cast<std::size_t>(std::min(period, 0.6) * rate);
    for (std::size_t i = 0; i < len && start + i < n; ++i) {
      const double t = static_cast<double>(i) / rate;
      const double env = loud * std::exp(-t * (2.0 + 10.0 * arousal));
      double s = 0.0;
      for (int h = 1; h <= harmonics; ++h) s += std::sin(2 * M_PI * f * h * t) / h;
      out[start + i] += static_cast<float>(env * s * 0.5);
    }
  }
  return out;
}

struct GeneratedSet {
  std::vector<std::string> paths;
  Mat targets;
};

GeneratedSet generateSet(const fs::path& dir, int count, double seconds, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.1, 0.9);
  GeneratedSet g;
  g.targets.resize(count, 2);
  for (int i = 0; i < count; ++i) {
    const double v = u(rng), a = u(rng);
    g.targets.row(i) << v, a;
    const std::string path = (dir / ("song" + std::to_string(i) + ".wav")).string();
    writeWav(path, makeSong(v, a, seconds, seed * 1000 + static_cast<std::uint64_t>(i)), 22050);
    g.paths.push_back(path);
  }
  return g;
}

MoodModelConfig smallConfig() {
  MoodModelConfig c;
  c.ubm.maxComponents = 6;
  c.ubm.subsampleFraction = 1.0;
  c.ubm.maxIterations = 100;
  c.fisher.encoding = Encoding::Lafv;
  // Full LAFV projected on its leading principal components: the compact (block-norm) form
  // loses the level information arousal depends on (see docs/EVALUATION.md).
  c.fisher.compact = false;
  c.pcaDims = 8;
  c.dgp.layers = 1;
  c.dgp.inducing = 15;
  c.dgp.iterations = sanitizerBuild() ? 150 : 400;
  c.dgp.predictSamples = 20;
  c.seed = 3;
  return c;
}

/// One trained model + data shared by the tests below (built once: front end + fit are costly).
class MoodModelTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<test::TempDir>();
    const int n = sanitizerBuild() ? 28 : 40;
    set_ = generateSet(dir_->path(), n, 4.0, 11);
    cache_ = std::make_unique<FeatureCache>(dir_->file("cache"));
    ThreadPool pool(2);
    auto feats = cache_->getAll(set_.paths, features::FrontEndConfig{}, &pool);
    for (auto& f : feats) {
      ASSERT_TRUE(f.ok()) << f.error().message;
      songs_.push_back(std::move(*f));
    }
    const int train = n * 3 / 4;
    std::vector<const SongSegments*> ptrs;
    for (int i = 0; i < train; ++i) ptrs.push_back(&songs_[static_cast<std::size_t>(i)]);
    auto m = MoodModel::train(ptrs, set_.targets.topRows(train), smallConfig(), &pool);
    ASSERT_TRUE(m.ok()) << m.error().message;
    model_ = std::make_unique<MoodModel>(std::move(*m));
    modelPath_ = dir_->file("model.mpmodel");
    model_->setCard(R"({"test":true})");
    ASSERT_TRUE(model_->save(modelPath_).ok());
    trainCount_ = train;
  }
  static void TearDownTestSuite() {
    model_.reset();
    cache_.reset();
    songs_.clear();
    dir_.reset();
  }
  /// Trains, saves, reloads and re-analyses a model on `groups` (see its definition below).
  void songDescriptorsRoundTrip(unsigned groups, const std::string& file);

  static std::unique_ptr<test::TempDir> dir_;
  static GeneratedSet set_;
  static std::unique_ptr<FeatureCache> cache_;
  static std::vector<SongSegments> songs_;
  static std::unique_ptr<MoodModel> model_;
  static std::string modelPath_;
  static int trainCount_;
};

std::unique_ptr<test::TempDir> MoodModelTest::dir_;
GeneratedSet MoodModelTest::set_;
std::unique_ptr<FeatureCache> MoodModelTest::cache_;
std::vector<SongSegments> MoodModelTest::songs_;
std::unique_ptr<MoodModel> MoodModelTest::model_;
std::string MoodModelTest::modelPath_;
int MoodModelTest::trainCount_ = 0;

TEST_F(MoodModelTest, LearnsGeneratedMoodOnHeldOutSongs) {
  ASSERT_TRUE(model_);
  const int n = static_cast<int>(songs_.size());
  Mat truth = set_.targets.bottomRows(n - trainCount_);
  std::vector<library::MoodEstimate> pred;
  for (int i = trainCount_; i < n; ++i) {
    auto p = model_->predict(songs_[static_cast<std::size_t>(i)]);
    ASSERT_TRUE(p.ok()) << p.error().message;
    EXPECT_GT(p->covVV, 0.0);
    EXPECT_GT(p->covAA, 0.0);
    EXPECT_LE(p->covVA * p->covVA, p->covVV * p->covAA * (1 + 1e-9));
    pred.push_back(*p);
  }
  Vec pv(n - trainCount_), pa(n - trainCount_);
  for (std::size_t i = 0; i < pred.size(); ++i) {
    pv(static_cast<Eigen::Index>(i)) = pred[i].valence;
    pa(static_cast<Eigen::Index>(i)) = pred[i].arousal;
  }
  const double r2v = rSquared(truth.col(0), pv);
  const double r2a = rSquared(truth.col(1), pa);
  std::printf("held-out generated songs: R2 valence %.3f, arousal %.3f\n", r2v, r2a);
  EXPECT_GT(r2a, 0.3);
  EXPECT_GT(r2v, 0.1);
}

TEST_F(MoodModelTest, FileRoundTripGivesIdenticalPredictions) {
  auto loaded = MoodModel::load(modelPath_);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->card(), R"({"test":true})");
  for (std::size_t i = 0; i < 5; ++i) {
    auto a = model_->predict(songs_[i]);
    auto b = loaded->predict(songs_[i]);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(a->valence, b->valence);
    EXPECT_EQ(a->arousal, b->arousal);
    EXPECT_EQ(a->covVA, b->covVA);
    EXPECT_EQ(a->covAA, b->covAA);
  }
}

// A model on LLD statistics + song-level descriptors (harmony, spectral profile): the front end's
// extra passes are stored in the file, survive the round trip, come out of the feature cache, and
// the library analyser (which decodes the file again) gives the same prediction as the cached
// features. A model trained without them keeps them off.
void MoodModelTest::songDescriptorsRoundTrip(unsigned groups, const std::string& file) {
  MoodModelConfig c;
  c.input = InputKind::LldStats;
  c.regressor = RegressorKind::ExactGp;
  c.songStats = groups;
  c.frontEnd.harmony = (groups & kStatHarmony) != 0;
  c.frontEnd.spectral = (groups & kStatSpectral) != 0;
  c.seed = 5;
  const Eigen::Index harmonyDims = c.frontEnd.harmony ? features::HarmonyAnalyzer::kDims : 0;
  const Eigen::Index spectralDims = c.frontEnd.spectral ? features::SpectralProfileAnalyzer::kDims : 0;
  ThreadPool pool(2);
  auto feats = cache_->getAll(set_.paths, c.frontEnd, &pool);
  std::vector<SongSegments> songs;
  for (auto& f : feats) {
    ASSERT_TRUE(f.ok()) << f.error().message;
    ASSERT_EQ(f->harmony.size(), harmonyDims);
    ASSERT_EQ(f->spectral.size(), spectralDims);
    songs.push_back(std::move(*f));
  }
  // A second pass is served by the cache, the song-level descriptors included.
  const std::size_t hits = cache_->hits();
  auto again = cache_->get(set_.paths[0], c.frontEnd);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(cache_->hits(), hits + 1);
  if (harmonyDims > 0) {
    EXPECT_EQ((again->harmony - songs[0].harmony).cwiseAbs().maxCoeff(), 0.0);
  }
  if (spectralDims > 0) {
    EXPECT_EQ((again->spectral - songs[0].spectral).cwiseAbs().maxCoeff(), 0.0);
  }
  std::vector<const SongSegments*> ptrs;
  for (int i = 0; i < trainCount_; ++i) ptrs.push_back(&songs[static_cast<std::size_t>(i)]);
  auto m = MoodModel::train(ptrs, set_.targets.topRows(trainCount_), c, &pool);
  ASSERT_TRUE(m.ok()) << m.error().message;
  const std::string path = dir_->file(file);
  ASSERT_TRUE(m->save(path).ok());
  auto loaded = MoodModel::load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->config().frontEnd.harmony, c.frontEnd.harmony);
  EXPECT_EQ(loaded->config().frontEnd.spectral, c.frontEnd.spectral);
  EXPECT_EQ(loaded->config().songStats, groups);
  auto a = m->predict(songs.back());
  auto b = loaded->predict(songs.back());
  ASSERT_TRUE(a.ok() && b.ok());
  // The exact GP refactorises its kernel matrix on load: equal to rounding.
  EXPECT_NEAR(a->valence, b->valence, 1e-8);
  EXPECT_NEAR(a->arousal, b->arousal, 1e-8);
  auto analyzer = loadMoodAnalyzer(path);
  ASSERT_TRUE(analyzer.ok()) << analyzer.error().message;
  auto r = (*analyzer)->analyze(set_.paths.back(), nullptr);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_NEAR(r->mood.valence, a->valence, 1e-3);
  EXPECT_NEAR(r->mood.arousal, a->arousal, 1e-3);
  auto old = MoodModel::load(modelPath_);
  ASSERT_TRUE(old.ok());
  EXPECT_FALSE(old->config().frontEnd.harmony);
  EXPECT_FALSE(old->config().frontEnd.spectral);
}

TEST_F(MoodModelTest, HarmonyInputRoundTripsThroughFileCacheAndAnalyser) {
  songDescriptorsRoundTrip(kStatMean | kStatHarmony, "harmony.mpmodel");
}

TEST_F(MoodModelTest, SpectralProfileInputRoundTripsThroughFileCacheAndAnalyser) {
  songDescriptorsRoundTrip(kStatMean | kStatHarmony | kStatMel | kStatModulation | kStatContrast, "spectral.mpmodel");
  songDescriptorsRoundTrip(kStatStd | kStatContrast, "contrast.mpmodel");
}

TEST_F(MoodModelTest, CorruptOrTruncatedModelIsAClearError) {
  std::string bytes;
  {
    std::ifstream in(modelPath_, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  ASSERT_GT(bytes.size(), 200u);
  for (std::size_t cut : {std::size_t{0}, std::size_t{10}, bytes.size() / 2, bytes.size() - 1}) {
    auto m = MoodModel::fromBytes(bytes.substr(0, cut));
    ASSERT_FALSE(m.ok()) << "truncated at " << cut;
    EXPECT_FALSE(m.error().message.empty());
  }
  std::string flipped = bytes;
  flipped[bytes.size() / 2] = static_cast<char>(flipped[bytes.size() / 2] ^ 0x5a);
  EXPECT_FALSE(MoodModel::fromBytes(flipped).ok());
  const std::string bad = dir_->file("bad.mpmodel");
  std::ofstream(bad, std::ios::binary) << "not a model at all";
  auto a = loadMoodAnalyzer(bad);
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.error().message.find(bad), std::string::npos) << a.error().message;
  EXPECT_FALSE(loadMoodAnalyzer(dir_->file("missing.mpmodel")).ok());
}

TEST_F(MoodModelTest, AnalyzerFillsEverythingAndRejectsBadAudio) {
  auto a = loadMoodAnalyzer(modelPath_);
  ASSERT_TRUE(a.ok()) << a.error().message;
  auto r = (*a)->analyze(set_.paths.back(), nullptr);
  ASSERT_TRUE(r.ok()) << r.error().message;
  auto direct = model_->predict(songs_.back());
  ASSERT_TRUE(direct.ok());
  EXPECT_NEAR(r->mood.valence, direct->valence, 1e-3);  // re-extracted features: float FFT differences
  EXPECT_NEAR(r->durationSeconds, 4.0, 0.05);
  EXPECT_FALSE(r->codec.empty());
  EXPECT_EQ(static_cast<int>(r->encoding.size()), model_->encoder().inputDim());
  EXPECT_EQ(r->modelVersion, (*a)->version());
  const std::string junk = dir_->file("junk.mp3");
  std::ofstream(junk, std::ios::binary) << std::string(5000, 'x');
  EXPECT_FALSE((*a)->analyze(junk, nullptr).ok());
}

TEST_F(MoodModelTest, FeatureCacheHitsAndRebuildsCorruptEntries) {
  FeatureCache cache(dir_->file("cache"));
  auto a = cache.get(set_.paths[0], features::FrontEndConfig{});
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ((a->segmentVectors - songs_[0].segmentVectors).cwiseAbs().maxCoeff(), 0.0);
  // A different front end misses the cache.
  features::FrontEndConfig other;
  other.maxSegmentSeconds = 1.5;
  ASSERT_NE(other.fingerprint(), features::FrontEndConfig{}.fingerprint());
  ASSERT_TRUE(cache.get(set_.paths[0], other).ok());
  EXPECT_EQ(cache.misses(), 1u);
  // Corrupt every entry: the next read rebuilds and still returns the right features.
  for (const auto& e : fs::directory_iterator(dir_->file("cache"))) {
    std::fstream f(e.path(), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(40);
    f.write("garbage!", 8);
  }
  FeatureCache again(dir_->file("cache"));
  auto b = again.get(set_.paths[0], features::FrontEndConfig{});
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(again.misses(), 1u);
  // Re-extraction (float FFT plans may differ between runs): equal to float precision.
  ASSERT_EQ(b->segmentVectors.rows(), songs_[0].segmentVectors.rows());
  EXPECT_LT((b->segmentVectors - songs_[0].segmentVectors).cwiseAbs().maxCoeff(),
            1e-3 * std::max(1.0, songs_[0].segmentVectors.cwiseAbs().maxCoeff()));
}

TEST_F(MoodModelTest, CliPredictReportsBadFilesAndExitsOne) {
  const std::string junk = dir_->file("junk.wav");
  std::ofstream(junk, std::ios::binary) << "RIFF....WAVEjunk";
  const std::string cmd = std::string(MOODPLANE_CLI_PATH) + " predict --json --model " + modelPath_ + " " +
                          set_.paths[0] + " " + junk + " 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  std::array<char, 4096> buf{};
  while (std::size_t got = std::fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), got);
  const int status = pclose(p);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1);
  auto doc = nlohmann::json::parse(out, nullptr, false);
  ASSERT_TRUE(doc.is_array()) << out;
  ASSERT_EQ(doc.size(), 2u);
  EXPECT_TRUE(doc[0].contains("valence"));
  EXPECT_TRUE(doc[0]["cov"].is_array());
  EXPECT_TRUE(doc[1].contains("error"));
  EXPECT_TRUE(fs::path(doc[1]["path"].get<std::string>()).is_absolute());
  // Usage errors exit 2.
  EXPECT_EQ(WEXITSTATUS(std::system((std::string(MOODPLANE_CLI_PATH) + " predict --bogus 2>/dev/null >/dev/null").c_str())), 2);
}

// `eval --dump-features` writes exactly the statistics the models see: every value read back
// equals songStatistics() of the same cached features, and the labels come through unchanged.
/// A 4q-va label file for the generated set (quadrant column = i mod 4 + 1, so it can be told
/// apart from the label signs).
std::string writeFourQLabels(const test::TempDir& dir, const GeneratedSet& set) {
  const std::string labels = dir.file("labels.csv");
  std::ofstream f(labels);
  f << "song,quadrant,valence,arousal\n";
  for (std::size_t i = 0; i < set.paths.size(); ++i) {
    const auto r = static_cast<Eigen::Index>(i);
    f << fs::path(set.paths[i]).stem().string() << ",Q" << (i % 4 + 1) << ',' << set.targets(r, 0) << ','
      << set.targets(r, 1) << '\n';
  }
  return labels;
}

std::string runCapturingStdout(const std::string& cmd, int& exitCode) {
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  if (p == nullptr) return out;
  std::array<char, 4096> buf{};
  while (std::size_t got = std::fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), got);
  const int status = pclose(p);
  exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

TEST_F(MoodModelTest, CliEvalDumpsTheSongStatisticsItTrainsOn) {
  const std::string labels = writeFourQLabels(*dir_, set_);
  const std::string out = dir_->file("dump.csv");
  const std::string cmd = std::string(MOODPLANE_CLI_PATH) + " eval --audio " + fs::path(set_.paths[0]).parent_path().string() +
                          " --labels " + labels + " --cache-dir " + dir_->file("cache") +
                          " --song-stats mean,change,rhythm --dump-features " + out + " 2>/dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::ifstream in(out);
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  const auto names = songStatisticsNames(features::FrameAnalyzer::lldNames(), kStatMean | kStatChange | kStatRhythm);
  EXPECT_EQ(line.substr(0, 30), "id,quadrant,valence,arousal,me");
  EXPECT_EQ(static_cast<std::size_t>(std::count(line.begin(), line.end(), ',')), 3 + names.size());
  std::size_t rows = 0;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream ss(line);
    for (std::string c; std::getline(ss, c, ',');) cells.push_back(c);
    ASSERT_EQ(cells.size(), 4 + names.size());
    const auto it = std::find_if(set_.paths.begin(), set_.paths.end(),
                                 [&](const std::string& p) { return fs::path(p).stem().string() == cells[0]; });
    ASSERT_NE(it, set_.paths.end()) << cells[0];
    const auto i = static_cast<std::size_t>(it - set_.paths.begin());
    EXPECT_EQ(cells[1], std::to_string(i % 4 + 1));
    EXPECT_NEAR(std::stod(cells[2]), set_.targets(static_cast<Eigen::Index>(i), 0), 1e-5);
    const Vec v = songStatistics(songs_[i], kStatMean | kStatChange | kStatRhythm);
    for (Eigen::Index j = 0; j < v.size(); ++j) {
      EXPECT_NEAR(std::stod(cells[static_cast<std::size_t>(4 + j)]), v(j), 1e-7 * (1.0 + std::abs(v(j)))) << names[static_cast<std::size_t>(j)];
    }
    ++rows;
  }
  EXPECT_EQ(rows, set_.paths.size());
  // An unwritable target is a clear failure, not a crash.
  const std::string bad = std::string(MOODPLANE_CLI_PATH) + " eval --audio " + fs::path(set_.paths[0]).parent_path().string() +
                          " --labels " + labels + " --cache-dir " + dir_->file("cache") +
                          " --dump-features /nonexistent-dir/x.csv 2>/dev/null";
  EXPECT_EQ(WEXITSTATUS(std::system(bad.c_str())), 1);
}

// The exact GP is the LLD-statistics baseline unless --encodings is given; then it runs on those.
TEST_F(MoodModelTest, CliEvalRunsTheExactGpOnExplicitEncodings) {
  const std::string labels = writeFourQLabels(*dir_, set_);
  const std::string base = std::string(MOODPLANE_CLI_PATH) + " eval --json --audio " +
                           fs::path(set_.paths[0]).parent_path().string() + " --labels " + labels + " --cache-dir " +
                           dir_->file("cache") + " --models exact-gp --folds 2 --gamma-folds 0 --components 4 " +
                           "--compact false --pca 4 --seed 1";
  for (const auto& [extra, expected] : {std::pair<std::string, std::string>{"", "lld-stats"},
                                        {" --encodings global", "global"}}) {
    int code = -1;
    const std::string out = runCapturingStdout(base + extra + " 2>/dev/null", code);
    ASSERT_EQ(code, 0) << out;
    const auto doc = nlohmann::json::parse(out, nullptr, false);
    ASSERT_TRUE(doc.is_object()) << out;
    ASSERT_EQ(doc["results"].size(), 1u);
    EXPECT_EQ(doc["results"][0]["model"], "exact-gp");
    EXPECT_EQ(doc["results"][0]["encoding"], expected);
    EXPECT_TRUE(std::isfinite(doc["results"][0]["r2_arousal"]["mean"].get<double>()));
  }
}

TEST(MoodLabels, ParsesShippedFormatsAndMapsAudio) {
  const fs::path data = test::sharedDataDir();
  const fs::path pm = data / "label-formats" / "pmemo_static_annotations.csv";
  const fs::path deam = data / "label-formats" / "deam_static_annotations_averaged_songs_1_2000.csv";
  const fs::path q4 = data / "4q-va" / "labels.csv";
  if (!fs::exists(pm) || !fs::exists(deam) || !fs::exists(q4)) GTEST_SKIP() << "shared label files absent: " << data;
  auto p = readLabelFile(pm.string(), LabelFormat::Pmemo);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ((*p)[0].id, "1");
  EXPECT_DOUBLE_EQ((*p)[0].arousal, 0.4);
  EXPECT_DOUBLE_EQ((*p)[0].valence, 0.575);
  auto d = readLabelFile(deam.string(), LabelFormat::Deam);
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ((*d)[0].id, "2");
  EXPECT_NEAR((*d)[0].valence, (3.1 - 1) / 8, 1e-12);
  EXPECT_NEAR((*d)[0].arousal, (3.0 - 1) / 8, 1e-12);
  auto q = readLabelFile(q4.string(), LabelFormat::FourQVa);
  ASSERT_TRUE(q.ok()) << q.error().message;
  EXPECT_EQ(q->size(), 700u);
  // The wrong format for a file is a clear error.
  EXPECT_FALSE(readLabelFile(pm.string(), LabelFormat::Deam).ok());
  // Mapping ids to audio files in a folder.
  test::TempDir dir;
  std::ofstream(dir.file("1.mp3")) << "x";
  std::ofstream(dir.file("4.wav")) << "x";
  auto set = readLabelledSet(pm.string(), LabelFormat::Pmemo, dir.path().string());
  ASSERT_TRUE(set.ok()) << set.error().message;
  ASSERT_EQ(set->songs.size(), 2u);
  EXPECT_EQ(fs::path(set->songs[0].audioPath).filename(), "1.mp3");
  EXPECT_EQ(fs::path(set->songs[1].audioPath).filename(), "4.wav");
  EXPECT_EQ(set->missingAudio.size(), p->size() - 2);
}

TEST(MoodLabels, MalformedFilesAreErrors) {
  test::TempDir dir;
  std::ofstream(dir.file("a.csv")) << "song,quadrant,valence,arousal\nx,Q1,abc,0.5\n";
  EXPECT_FALSE(readLabelFile(dir.file("a.csv"), LabelFormat::FourQVa).ok());
  std::ofstream(dir.file("b.csv")) << "";
  EXPECT_FALSE(readLabelFile(dir.file("b.csv"), LabelFormat::FourQVa).ok());
  EXPECT_FALSE(readLabelFile(dir.file("none.csv"), LabelFormat::FourQVa).ok());
  EXPECT_EQ(quadrantOf(0.7, 0.7), 1);
  EXPECT_EQ(quadrantOf(0.2, 0.7), 2);
  EXPECT_EQ(quadrantOf(0.2, 0.2), 3);
  EXPECT_EQ(quadrantOf(0.7, 0.2), 4);
}

TEST(MoodMetrics, KnownValues) {
  Mat truth(4, 2);
  truth << 0.1, 0.2, 0.4, 0.3, 0.6, 0.8, 0.9, 0.7;
  // Perfect predictions: R² 1, γ 1; reversed distances: γ negative.
  EXPECT_NEAR(goodmanKruskalGamma(truth, truth), 1.0, 1e-12);
  EXPECT_NEAR(rSquared(truth.col(0), truth.col(0)), 1.0, 1e-12);
  Vec mean = Vec::Constant(4, truth.col(0).mean());
  EXPECT_NEAR(rSquared(truth.col(0), mean), 0.0, 1e-12);
  EXPECT_NEAR(macroF1({1, 2, 3, 4}, {1, 2, 3, 4}, 4), 1.0, 1e-12);
  EXPECT_NEAR(macroF1({1, 1, 2, 2}, {1, 2, 2, 2}, 4), (2.0 / 3 + 0.8) / 2, 1e-12);
  // Coverage of a calibrated Gaussian: draws from N(μ, Σ) fall in the 1σ/2σ ellipses ≈ 39 %/86 %.
  std::mt19937_64 rng(1);
  std::normal_distribution<double> n01;
  const int n = 20000;
  Mat t(n, 2);
  std::vector<library::MoodEstimate> pred(n);
  std::vector<int> q(n, 1);
  for (int i = 0; i < n; ++i) {
    library::MoodEstimate e;
    e.valence = 0.5;
    e.arousal = 0.5;
    e.covVV = 0.04;
    e.covVA = 0.012;
    e.covAA = 0.01;
    const double z1 = n01(rng), z2 = n01(rng);
    const double l11 = 0.2, l21 = 0.012 / 0.2, l22 = std::sqrt(0.01 - l21 * l21);
    t.row(i) << 0.5 + l11 * z1, 0.5 + l21 * z1 + l22 * z2;
    pred[static_cast<std::size_t>(i)] = e;
  }
  const FoldMetrics m = regressionMetrics(t, pred, q);
  // 2-D Gaussian: P(m² ≤ c) = 1 − exp(−c/2); the 1σ / 2σ ellipses are m² ≤ 1 / 4.
  EXPECT_NEAR(m.coverage1, 1 - std::exp(-0.5), 0.015);
  EXPECT_NEAR(m.coverage2, 1 - std::exp(-2.0), 0.01);
}

TEST(MoodEval, FoldsPartitionAndAreDeterministic) {
  const auto a = kFoldAssignment(103, 10, 5);
  const auto b = kFoldAssignment(103, 10, 5);
  EXPECT_EQ(a, b);
  std::vector<int> counts(10, 0);
  for (int f : a) ++counts[static_cast<std::size_t>(f)];
  for (int c : counts) EXPECT_TRUE(c == 10 || c == 11);
}

}  // namespace
}  // namespace mp::mood
