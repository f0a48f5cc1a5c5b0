// Song-level statistics and the covariance calibration against independent expectations.

#include "core/features/harmony.h"
#include "core/features/spectral_profile.h"
#include "core/mood/evaluation.h"
#include "core/mood/mood_model.h"
#include "core/mood/song_stats.h"

#include <gtest/gtest.h>

#include <cmath>
#include <algorithm>
#include <random>

namespace mp::mood {
namespace {

// Two LLDs, three segments with hand-picked means/stds and durations 1, 1, 2 s (weights ¼, ¼, ½).
SongSegments threeSegments() {
  SongSegments s;
  s.segmentVectors.resize(3, 4);
  s.segmentVectors << 1.0, 10.0, 0.5, 1.0,  //
      3.0, 20.0, 0.5, 2.0,                   //
      5.0, 40.0, 1.0, 3.0;
  s.segmentSeconds.resize(3);
  s.segmentSeconds << 1.0, 1.0, 2.0;
  s.durationSeconds = 5.0;
  return s;
}

TEST(SongStats, GroupsMatchHandComputedValues) {
  const SongSegments s = threeSegments();
  auto all = parseSongStats("all");
  ASSERT_TRUE(all);
  ASSERT_EQ(songStatisticsDim(4, *all), 11 * 2 + 3 + features::HarmonyAnalyzer::kDims +
                                          features::SpectralProfileAnalyzer::kDims);
  const Vec v = songStatistics(s, *all & ~(kStatChangeStd | kStatChangeLag4 | kStatChangeLag16 | kStatHarmony | kStatSpectral));
  ASSERT_EQ(v.size(), 19);
  // mean: ¼·1 + ¼·3 + ½·5 = 3.5 ; ¼·10 + ¼·20 + ½·40 = 27.5
  EXPECT_NEAR(v(0), 3.5, 1e-12);
  EXPECT_NEAR(v(1), 27.5, 1e-12);
  // between² = ¼·6.25 + ¼·0.25 + ½·2.25 = 2.75 ; ¼·306.25 + ¼·56.25 + ½·156.25 = 168.75
  // within²  = ¼·0.25 + ¼·0.25 + ½·1 = 0.625 ; ¼·1 + ¼·4 + ½·9 = 5.75
  EXPECT_NEAR(v(2), std::sqrt(2.75 + 0.625), 1e-12);   // std
  EXPECT_NEAR(v(3), std::sqrt(168.75 + 5.75), 1e-12);
  EXPECT_NEAR(v(4), std::sqrt(2.75), 1e-12);           // between
  EXPECT_NEAR(v(5), std::sqrt(168.75), 1e-12);
  EXPECT_NEAR(v(6), std::sqrt(0.625), 1e-12);          // within
  EXPECT_NEAR(v(7), std::sqrt(5.75), 1e-12);
  // weighted quantiles: cumulative weights ¼, ½, 1 over sorted values
  EXPECT_NEAR(v(8), 1.0, 1e-12);    // p10
  EXPECT_NEAR(v(9), 10.0, 1e-12);
  EXPECT_NEAR(v(10), 3.0, 1e-12);   // p50 (cumulative ½ reached at the 2nd value)
  EXPECT_NEAR(v(11), 20.0, 1e-12);
  EXPECT_NEAR(v(12), 5.0, 1e-12);   // p90
  EXPECT_NEAR(v(13), 40.0, 1e-12);
  EXPECT_NEAR(v(14), 2.0, 1e-12);   // change: (|3−1| + |5−3|)/2
  EXPECT_NEAR(v(15), 15.0, 1e-12);  // (10 + 20)/2
  EXPECT_NEAR(v(16), 3.0 / 5.0, 1e-12);  // segments per second of the song
  const double m = (0.0 + 0.0 + std::log(2.0)) / 3.0;
  EXPECT_NEAR(v(17), m, 1e-12);
  const double sd = std::sqrt((2 * m * m + (std::log(2.0) - m) * (std::log(2.0) - m)) / 2.0);
  EXPECT_NEAR(v(18), sd, 1e-12);
}

// Six segments: lagged changes by hand. LLD 0 means 0, 1, 3, 6, 10, 15 (steps 1..5); stds 1, 2, 1, 2, 1, 2.
TEST(SongStats, ChangeOfStdsAndLaggedChange) {
  SongSegments s;
  s.segmentVectors.resize(6, 2);
  s.segmentVectors << 0, 1, 1, 2, 3, 1, 6, 2, 10, 1, 15, 2;
  s.segmentSeconds = Vec::Ones(6);
  s.durationSeconds = 6.0;
  const Vec v = songStatistics(s, kStatChange | kStatChangeStd | kStatChangeLag4 | kStatChangeLag16);
  ASSERT_EQ(v.size(), 4);
  EXPECT_NEAR(v(0), 3.0, 1e-12);                  // (1 + 2 + 3 + 4 + 5) / 5
  EXPECT_NEAR(v(1), 1.0, 1e-12);                  // |±1| on every step
  EXPECT_NEAR(v(2), ((10 - 0) + (15 - 1)) / 2.0, 1e-12);  // lag 4: two pairs
  EXPECT_NEAR(v(3), 0.0, 1e-12);                  // lag 16 > n: zeros
}

TEST(SongStats, BaselineEqualsTheLegacyLldStatistics) {
  const SongSegments s = threeSegments();
  const Vec a = songStatistics(s, kStatBaseline);
  const Vec b = songLevelStats(s);
  ASSERT_EQ(a.size(), b.size());
  EXPECT_LT((a - b).cwiseAbs().maxCoeff(), 1e-12);
}

TEST(SongStats, ParsingAndNames) {
  auto g = parseSongStats("p90,mean,rhythm");
  ASSERT_TRUE(g);
  EXPECT_EQ(*g, kStatMean | kStatP90 | kStatRhythm);
  EXPECT_EQ(songStatsName(*g), "mean,p90,rhythm");
  EXPECT_EQ(*parseSongStats("baseline"), kStatBaseline);
  EXPECT_FALSE(parseSongStats("mean,loudness"));
  EXPECT_FALSE(parseSongStats(""));
}

// Names are looked up, not positions: every named column must hold the statistic its name says.
TEST(SongStats, ColumnNamesLineUpWithTheValues) {
  const SongSegments s = threeSegments();
  const unsigned groups = kStatMean | kStatChange | kStatRhythm | kStatChangeLag4;
  const Vec v = songStatistics(s, groups);
  const auto names = songStatisticsNames({"a", "b"}, groups);
  ASSERT_EQ(static_cast<Eigen::Index>(names.size()), v.size());
  auto at = [&](const std::string& name) {
    const auto it = std::find(names.begin(), names.end(), name);
    EXPECT_NE(it, names.end()) << name;
    return v(it - names.begin());
  };
  EXPECT_NEAR(at("mean:a"), 0.25 * 1 + 0.25 * 3 + 0.5 * 5, 1e-12);
  EXPECT_NEAR(at("mean:b"), 0.25 * 10 + 0.25 * 20 + 0.5 * 40, 1e-12);
  EXPECT_NEAR(at("change:b"), (10.0 + 20.0) / 2.0, 1e-12);
  EXPECT_NEAR(at("change4:a"), 0.0, 1e-12);  // three segments: no pair four apart
  EXPECT_NEAR(at("rhythm:segments_per_second"), 3.0 / 5.0, 1e-12);
}

// The harmony group passes the song's descriptors through (zeros when the song has none), and a
// model config asking for them without the front end's harmony pass is rejected.
TEST(SongStats, HarmonyGroupCopiesTheSongDescriptors) {
  SongSegments s = threeSegments();
  const Vec none = songStatistics(s, kStatMean | kStatHarmony);
  ASSERT_EQ(none.size(), 2 + features::HarmonyAnalyzer::kDims);
  EXPECT_EQ(none.tail(features::HarmonyAnalyzer::kDims).cwiseAbs().maxCoeff(), 0.0);
  s.harmony = Vec::LinSpaced(features::HarmonyAnalyzer::kDims, 1.0, 45.0);
  const Vec v = songStatistics(s, kStatMean | kStatHarmony);
  EXPECT_EQ((v.tail(features::HarmonyAnalyzer::kDims) - s.harmony).cwiseAbs().maxCoeff(), 0.0);
  const auto names = songStatisticsNames({"a", "b"}, kStatMean | kStatHarmony);
  EXPECT_EQ(names[2], "harmony:key_clarity");
  MoodModelConfig c;
  c.input = InputKind::LldStats;
  c.songStats = kStatMean | kStatHarmony;
  EXPECT_FALSE(c.validate().ok());
  c.frontEnd.harmony = true;
  EXPECT_TRUE(c.validate().ok());
}

// The mel, modulation and contrast groups are the three slices of the song's spectral-profile
// descriptors, in that order, named after the analyser's names; zeros when the song has none; a
// config asking for them needs the front end's spectral pass.
TEST(SongStats, SpectralGroupsSliceTheSongDescriptors) {
  using features::SpectralProfileAnalyzer;
  constexpr Eigen::Index kMel = SpectralProfileAnalyzer::kMelDims, kMod = SpectralProfileAnalyzer::kModulationDims,
                         kCon = SpectralProfileAnalyzer::kContrastDims;
  SongSegments s = threeSegments();
  const unsigned groups = kStatMean | kStatMel | kStatModulation | kStatContrast;
  EXPECT_EQ(songStatisticsDim(4, groups), 2 + kMel + kMod + kCon);
  EXPECT_EQ(songStatistics(s, groups).tail(kMel + kMod + kCon).cwiseAbs().maxCoeff(), 0.0);
  s.spectral = Vec::LinSpaced(SpectralProfileAnalyzer::kDims, 1.0, SpectralProfileAnalyzer::kDims);
  const Vec all = songStatistics(s, groups);
  EXPECT_EQ((all.tail(SpectralProfileAnalyzer::kDims) - s.spectral).cwiseAbs().maxCoeff(), 0.0);
  const Vec contrastOnly = songStatistics(s, kStatContrast);
  ASSERT_EQ(contrastOnly.size(), kCon);
  EXPECT_EQ(contrastOnly(0), static_cast<double>(kMel + kMod + 1));
  const Vec modOnly = songStatistics(s, kStatModulation | kStatHarmony);
  ASSERT_EQ(modOnly.size(), features::HarmonyAnalyzer::kDims + kMod);
  EXPECT_EQ(modOnly(features::HarmonyAnalyzer::kDims), static_cast<double>(kMel + 1));  // harmony comes first
  const auto names = songStatisticsNames({"a", "b"}, groups);
  ASSERT_EQ(static_cast<Eigen::Index>(names.size()), songStatisticsDim(4, groups));
  EXPECT_EQ(names[2], "mel:mean_b00");
  EXPECT_EQ(names[2 + kMel], "modulation:b00_0.5-1hz");
  EXPECT_EQ(names[2 + kMel + kMod], "contrast:contrast_mean_0");
  auto parsed = parseSongStats("mel,contrast");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, kStatMel | kStatContrast);
  EXPECT_EQ(songStatsName(*parsed), "mel,contrast");
  MoodModelConfig c;
  c.input = InputKind::LldStats;
  c.songStats = kStatMean | kStatModulation;
  EXPECT_FALSE(c.validate().ok());
  c.frontEnd.spectral = true;
  EXPECT_TRUE(c.validate().ok());
}

TEST(SongStats, WeightedQuantileOfEqualWeightsIsTheOrderStatistic) {
  Vec x(5);
  x << 4, 1, 5, 2, 3;
  const Vec w = Vec::Ones(5);
  EXPECT_EQ(weightedQuantile(x, w, 0.2), 1.0);
  EXPECT_EQ(weightedQuantile(x, w, 0.5), 3.0);
  EXPECT_EQ(weightedQuantile(x, w, 1.0), 5.0);
}

// Residuals drawn from N(0, C) with C = [[4σv², 0.6·2σv·3σa], [·, 9σa²]] while the model claims
// diag(σv², σa²): the calibration must recover the variance scales (≈ 4 and 9, up to the common
// coverage factor g ≈ 1 for Gaussian residuals) and the correlation 0.6, and the calibrated
// ellipses must then cover ≈ 39 % / 86 % of fresh residuals.
TEST(CovarianceCalibrationTest, RecoversScalesAndCorrelationOfGaussianResiduals) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> n01;
  const int n = 4000;
  const double sv = 0.1, sa = 0.05, rho = 0.6;
  auto draw = [&](Mat& r, std::vector<library::MoodEstimate>& p) {
    r.resize(n, 2);
    p.assign(n, library::MoodEstimate{0.5, 0.5, sv * sv, 0.0, sa * sa});
    for (int i = 0; i < n; ++i) {
      const double e1 = n01(rng), e2 = n01(rng);
      r(i, 0) = 2.0 * sv * e1;
      r(i, 1) = 3.0 * sa * (rho * e1 + std::sqrt(1 - rho * rho) * e2);
    }
  };
  Mat r;
  std::vector<library::MoodEstimate> p;
  draw(r, p);
  auto c = CovarianceCalibration::fit(r, p);
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->fitted);
  EXPECT_NEAR(c->correlation, rho, 0.03);
  EXPECT_NEAR(c->valenceScale / c->arousalScale, 4.0 / 9.0, 0.05);
  EXPECT_NEAR(c->valenceScale, 4.0, 0.4);
  // Fresh residuals under the calibrated covariance.
  draw(r, p);
  int in1 = 0, in2 = 0;
  for (int i = 0; i < n; ++i) {
    library::MoodEstimate e = p[static_cast<std::size_t>(i)];
    c->apply(e);
    const double det = e.covVV * e.covAA - e.covVA * e.covVA;
    const double m2 = (e.covAA * r(i, 0) * r(i, 0) - 2 * e.covVA * r(i, 0) * r(i, 1) + e.covVV * r(i, 1) * r(i, 1)) / det;
    in1 += m2 <= 1.0 ? 1 : 0;
    in2 += m2 <= 4.0 ? 1 : 0;
  }
  EXPECT_NEAR(in1 / double(n), 0.393, 0.03);
  EXPECT_NEAR(in2 / double(n), 0.865, 0.02);
}

TEST(CovarianceCalibrationTest, RejectsTooFewOrDegenerateInputs) {
  Mat r = Mat::Zero(3, 2);
  std::vector<library::MoodEstimate> p(3, library::MoodEstimate{0.5, 0.5, 0.01, 0.0, 0.01});
  EXPECT_FALSE(CovarianceCalibration::fit(r, p));
  r = Mat::Ones(10, 2);
  p.assign(10, library::MoodEstimate{0.5, 0.5, 0.0, 0.0, 0.01});
  EXPECT_FALSE(CovarianceCalibration::fit(r, p));
}

}  // namespace
}  // namespace mp::mood

namespace mp::mood {
namespace {

// Songs whose "arousal" is the segment-to-segment change of LLD 0 and "valence" the mean of
// LLD 1: the spread of LLD 0 is shared by calm and
// agitated songs, only the change statistic separates them. An exact GP on mean,std,change learns
// both on held-out songs; on the baseline (mean,std) arousal is not learned as well. The
// calibrated model survives a byte round trip with identical predictions and covariances.
TEST(LldStatsModel, ChangeStatisticIsLearnedAndCalibratedModelRoundTrips) {
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> u01(0.0, 1.0);
  std::normal_distribution<double> n01;
  const int songs = 90, segs = 24;
  std::vector<SongSegments> data(songs);
  Mat y(songs, 2);
  for (int i = 0; i < songs; ++i) {
    const double jump = u01(rng), level = u01(rng);
    SongSegments& s = data[static_cast<std::size_t>(i)];
    s.segmentVectors.resize(segs, 4);
    s.segmentSeconds = Vec::Constant(segs, 0.5);
    s.durationSeconds = segs * 0.5;
    for (int t = 0; t < segs; ++t) {
      // LLD 0 alternates ±jump: mean 0, spread = jump for every song.
      const double sign = (t % 2 == 0) ? 1.0 : -1.0;
      s.segmentVectors(t, 0) = sign * jump;
      s.segmentVectors(t, 1) = level + 0.05 * n01(rng);
      s.segmentVectors(t, 2) = 0.1 + 0.01 * u01(rng);
      s.segmentVectors(t, 3) = 0.1 + 0.01 * u01(rng);
    }
    // Same multiset of LLD-0 values in sorted order for half of the songs: identical mean/std,
    // near-zero change. Arousal follows the change, not the spread.
    if (i % 2 == 0) std::sort(s.segmentVectors.col(0).data(), s.segmentVectors.col(0).data() + segs);
    const double change = (i % 2 == 0) ? 2.0 * jump / (segs - 1) : 2.0 * jump;
    y(i, 0) = 0.2 + 0.6 * level;
    y(i, 1) = 0.2 + 0.3 * change;
  }
  const int trainN = 70;
  std::vector<const SongSegments*> train;
  for (int i = 0; i < trainN; ++i) train.push_back(&data[static_cast<std::size_t>(i)]);
  const Mat yTrain = y.topRows(trainN);
  auto heldOutR2 = [&](const MoodModel& m, int col) {
    Vec truth(songs - trainN), pred(songs - trainN);
    for (int i = trainN; i < songs; ++i) {
      auto p = m.predict(data[static_cast<std::size_t>(i)]);
      EXPECT_TRUE(p);
      truth(i - trainN) = y(i, col);
      pred(i - trainN) = col == 0 ? p->valence : p->arousal;
    }
    return rSquared(truth, pred);
  };
  MoodModelConfig c;
  c.input = InputKind::LldStats;
  c.regressor = RegressorKind::ExactGp;
  c.exact.maxIterations = 60;
  c.songStats = kStatMean | kStatStd | kStatChange;
  c.calibrationFolds = 4;
  auto rich = MoodModel::train(train, yTrain, c);
  ASSERT_TRUE(rich) << rich.error().message;
  c.songStats = kStatBaseline;
  c.calibrationFolds = 0;
  auto base = MoodModel::train(train, yTrain, c);
  ASSERT_TRUE(base) << base.error().message;
  const double richArousal = heldOutR2(*rich, 1);
  EXPECT_GT(heldOutR2(*rich, 0), 0.8);
  EXPECT_GT(richArousal, 0.8);
  EXPECT_GT(richArousal, heldOutR2(*base, 1) + 0.2);
  ASSERT_TRUE(rich->calibration().fitted);
  EXPECT_FALSE(base->calibration().fitted);
  EXPECT_GT(rich->calibration().valenceScale, 0.0);
  auto loaded = MoodModel::fromBytes(rich->bytes());
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(loaded->config().songStats, rich->config().songStats);
  EXPECT_EQ(loaded->calibration().correlation, rich->calibration().correlation);
  for (int i = trainN; i < songs; ++i) {
    const auto a = rich->predict(data[static_cast<std::size_t>(i)]);
    const auto b = loaded->predict(data[static_cast<std::size_t>(i)]);
    ASSERT_TRUE(a && b);
    // The exact GP refactorises its kernel matrix on load: equal to rounding.
    EXPECT_NEAR(a->valence, b->valence, 1e-8);
    EXPECT_NEAR(a->arousal, b->arousal, 1e-8);
    EXPECT_NEAR(a->covVA, b->covVA, 1e-10);
    EXPECT_NEAR(a->covAA, b->covAA, 1e-10);
    EXPECT_NE(a->covVA, 0.0);  // the calibrated correlation is applied
  }
}

}  // namespace
}  // namespace mp::mood
