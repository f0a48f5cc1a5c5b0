// Frame descriptors on generated signals with known answers.

#include "core/features/frame_analyzer.h"
#include "tests/features/signals.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

namespace mp::features {
namespace {

FrameAnalysis analyze(const std::vector<float>& x, std::size_t block = 8192) {
  auto a = FrameAnalyzer::create(FrontEndConfig{});
  EXPECT_TRUE(a.ok());
  for (std::size_t i = 0; i < x.size(); i += block)
    a->addSamples(std::span<const float>(x.data() + i, std::min(block, x.size() - i)));
  return a->finish();
}

int col(const std::string& name) {
  const auto& names = FrameAnalyzer::lldNames();
  const auto it = std::find(names.begin(), names.end(), name);
  EXPECT_NE(it, names.end()) << name;
  return static_cast<int>(it - names.begin());
}

// Median of a column over interior frames (away from the zero-padded edges).
double median(const FrameAnalysis& a, const std::string& name) {
  std::vector<float> v;
  for (Eigen::Index r = 4; r + 4 < a.llds.rows(); ++r) v.push_back(a.llds(r, col(name)));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

void expectFinite(const FrameAnalysis& a) {
  for (Eigen::Index r = 0; r < a.llds.rows(); ++r)
    for (Eigen::Index c = 0; c < a.llds.cols(); ++c)
      ASSERT_TRUE(std::isfinite(a.llds(r, c))) << FrameAnalyzer::lldNames()[c] << " frame " << r;
}

TEST(FrameAnalyzer, NamesAreUniqueAndMatchColumns) {
  const auto& names = FrameAnalyzer::lldNames();
  EXPECT_EQ(static_cast<int>(names.size()), FrameAnalyzer::kLldCount);
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), names.size());
  const FrameAnalysis a = analyze(mp::test::sine(440, 0.5, 0.5));
  EXPECT_EQ(a.llds.cols(), FrameAnalyzer::kLldCount);
}

TEST(FrameAnalyzer, FrameCountAndTiming) {
  const std::vector<float> x(22050 + 100, 0.1f);
  const FrameAnalysis a = analyze(x);
  // Frames centred at j * 512 for every centre inside the signal.
  EXPECT_EQ(a.llds.rows(), (static_cast<Eigen::Index>(x.size()) + 511) / 512);
  EXPECT_DOUBLE_EQ(a.frameRate, 22050.0 / 512.0);
  EXPECT_EQ(a.samples, static_cast<std::int64_t>(x.size()));
  EXPECT_NEAR(a.durationSeconds(), x.size() / 22050.0, 1e-12);
}

TEST(FrameAnalyzer, BlockSizeDoesNotChangeResults) {
  const auto x = mp::test::noteSequence(3, 20).audio;
  const FrameAnalysis big = analyze(x, 1 << 20);
  const FrameAnalysis small = analyze(x, 37);
  ASSERT_EQ(big.llds.rows(), small.llds.rows());
  // Only the summation order of vectorised reductions may differ (buffer alignment).
  EXPECT_LT(((big.llds - small.llds).array().abs() / (1.0f + big.llds.array().abs())).maxCoeff(), 1e-5f);
  EXPECT_EQ(big.onsetsSeconds, small.onsetsSeconds);
}

TEST(FrameAnalyzer, AnalyserIsReusableAcrossSongs) {
  auto a = FrameAnalyzer::create(FrontEndConfig{});
  ASSERT_TRUE(a.ok());
  const auto x = mp::test::noteSequence(5, 10).audio;
  a->addSamples(mp::test::whiteNoise(0.3, 2.0, 1));
  (void)a->finish();
  a->addSamples(x);
  const FrameAnalysis second = a->finish();
  const FrameAnalysis fresh = analyze(x);
  EXPECT_LT(((second.llds - fresh.llds).array().abs() / (1.0f + fresh.llds.array().abs())).maxCoeff(), 1e-5f);
  EXPECT_EQ(second.onsetsSeconds, fresh.onsetsSeconds);
}

TEST(FrameAnalyzer, SineCentroidRolloffRmsZcr) {
  for (double f : {440.0, 1000.0, 3000.0}) {
    const double amp = 0.5;
    const FrameAnalysis a = analyze(mp::test::sine(f, amp, 2.0));
    expectFinite(a);
    const double binHz = 22050.0 / 1024.0;
    EXPECT_NEAR(median(a, "centroid"), f, 0.03 * f) << f;
    EXPECT_NEAR(median(a, "rolloff85"), f, 2 * binHz) << f;
    EXPECT_NEAR(median(a, "rolloff95"), f, 3 * binHz) << f;
    EXPECT_NEAR(median(a, "rms"), amp / std::sqrt(2.0), 0.01 * amp) << f;
    EXPECT_NEAR(median(a, "zcr"), 2.0 * f / 22050.0, 0.05 * 2.0 * f / 22050.0) << f;
    EXPECT_LT(median(a, "flatness"), 0.1) << f;
    EXPECT_LT(median(a, "spread"), 100.0) << f;
    EXPECT_NEAR(median(a, "brightness"), f > 1500 ? 1.0 : 0.0, 0.01) << f;
  }
}

TEST(FrameAnalyzer, ChromaPeaksAtPitchClass) {
  struct Case { double freq; int pc; const char* name; };
  for (const Case c : {Case{440.0, 9, "chroma_A"}, Case{523.25, 0, "chroma_C"}, Case{392.0, 7, "chroma_G"},
                       Case{329.63, 4, "chroma_E"}}) {
    const FrameAnalysis a = analyze(mp::test::sine(c.freq, 0.3, 1.0));
    EXPECT_EQ(median(a, "chroma_peak"), c.pc) << c.freq;
    EXPECT_NEAR(median(a, c.name), 1.0, 1e-6) << c.freq;
    const double centroid = median(a, "chroma_centroid");
    const double circular = std::min(std::abs(centroid - c.pc), 12.0 - std::abs(centroid - c.pc));
    EXPECT_LT(circular, 0.5) << c.freq << " centroid " << centroid;
  }
}

TEST(FrameAnalyzer, MajorTriadHasPositiveModeMinorTriadNegative) {
  auto chord = [](std::initializer_list<double> freqs) {
    std::vector<float> x(22050);
    for (double f : freqs) {
      const auto s = mp::test::sine(f, 0.2, 1.0);
      for (std::size_t i = 0; i < x.size(); ++i) x[i] += s[i];
    }
    return x;
  };
  const FrameAnalysis major = analyze(chord({261.63, 329.63, 392.0}));   // C E G
  const FrameAnalysis minor = analyze(chord({220.0, 261.63, 329.63}));   // A C E
  EXPECT_GT(median(major, "mode"), 0.0);
  EXPECT_LT(median(minor, "mode"), 0.0);
  EXPECT_GT(median(major, "key_clarity"), 0.5);
  // A steady chord has (almost) no harmonic change; switching chords produces a peak.
  EXPECT_LT(median(major, "hcdf"), 0.05);
}

TEST(FrameAnalyzer, NoiseIsFlatSineIsNot) {
  const FrameAnalysis noise = analyze(mp::test::whiteNoise(0.5, 2.0, 42));
  expectFinite(noise);
  EXPECT_GT(median(noise, "flatness"), 0.75);
  EXPECT_GT(median(noise, "entropy"), 0.9);
  EXPECT_NEAR(median(noise, "centroid"), 22050.0 / 4.0, 300.0);
  EXPECT_NEAR(median(noise, "brightness"), (11025.0 - 1500.0) / 11025.0, 0.03);
  const FrameAnalysis tone = analyze(mp::test::sine(440, 0.5, 2.0));
  EXPECT_LT(median(tone, "entropy"), median(noise, "entropy") - 0.3);
}

TEST(FrameAnalyzer, RoughnessOfBeatingPairExceedsSingleTone) {
  // 100 Hz apart: resolvable by a 1024-point Hann window (4.6 bins) and still rough (Sethares).
  auto pair = mp::test::sine(440, 0.3, 1.0);
  const auto other = mp::test::sine(540, 0.3, 1.0);
  for (std::size_t i = 0; i < pair.size(); ++i) pair[i] += other[i];
  const FrameAnalysis rough = analyze(pair);
  const FrameAnalysis single = analyze(mp::test::sine(440, 0.3, 1.0));
  EXPECT_GT(median(rough, "roughness"), 10.0 * median(single, "roughness") + 1e-3);
}

TEST(FrameAnalyzer, SilenceIsFiniteAndZero) {
  const FrameAnalysis a = analyze(std::vector<float>(22050 * 2, 0.0f));
  expectFinite(a);
  EXPECT_TRUE(a.onsetsSeconds.empty());
  for (const char* name : {"rms", "centroid", "flatness", "entropy", "flux", "zcr", "chroma_C", "hcdf", "dmfcc0"})
    EXPECT_EQ(median(a, name), 0.0) << name;
}

TEST(FrameAnalyzer, TinyAndHugeValuesStayFinite) {
  std::vector<float> x = mp::test::whiteNoise(1e-30, 0.5, 9);
  const auto loud = mp::test::whiteNoise(1.0, 0.5, 10);
  x.insert(x.end(), loud.begin(), loud.end());
  x.insert(x.end(), 3000, 0.0f);
  expectFinite(analyze(x));
}

TEST(FrameAnalyzer, LouderCopyChangesOnlyC0) {
  const auto tone = mp::test::sine(330, 0.05, 2.0);
  auto x = mp::test::whiteNoise(0.05, 2.0, 7);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] += tone[i];
  std::vector<float> louder(x);
  const float gain = 4.0f;
  for (float& v : louder) v *= gain;
  const FrameAnalysis a = analyze(x);
  const FrameAnalysis b = analyze(louder);
  ASSERT_EQ(a.llds.rows(), b.llds.rows());
  const int c0 = col("mfcc0");
  // ln(g²) in every mel band moves c0 by sqrt(40)·ln(g²) under the orthonormal DCT.
  const double expected = std::sqrt(40.0) * std::log(gain * gain);
  for (Eigen::Index r = 0; r < a.llds.rows(); ++r) {
    EXPECT_NEAR(b.llds(r, c0) - a.llds(r, c0), expected, 1e-3 * expected);
    for (int c = 1; c < 13; ++c) {
      EXPECT_NEAR(b.llds(r, c0 + c), a.llds(r, c0 + c), 2e-3) << "mfcc" << c << " frame " << r;
      EXPECT_NEAR(b.llds(r, col("dmfcc" + std::to_string(c))), a.llds(r, col("dmfcc" + std::to_string(c))), 2e-3);
    }
  }
}

TEST(FrameAnalyzer, DeltasFollowHtkRegression) {
  // Amplitude growing exponentially: c0 rises linearly, so Δc0 ≈ its slope.
  std::vector<float> x(22050 * 2);
  for (std::size_t i = 0; i < x.size(); ++i)
    x[i] = static_cast<float>(0.01 * std::exp(2.0 * i / 22050.0) * std::sin(2 * std::numbers::pi * 700 * i / 22050.0));
  const FrameAnalysis a = analyze(x);
  const Eigen::Index rows = a.llds.rows();
  for (int c = 0; c < 13; ++c) {
    const int src = col("mfcc" + std::to_string(c)), d = col("dmfcc" + std::to_string(c)),
              dd = col("ddmfcc" + std::to_string(c));
    // Direct HTK formula with replicated edges: d_t = Σ_{k=1,2} k (c_{t+k} − c_{t−k}) / 10.
    auto htk = [&](int column, Eigen::Index t) {
      auto at = [&](Eigen::Index i) { return static_cast<double>(a.llds(std::clamp<Eigen::Index>(i, 0, rows - 1), column)); };
      return ((at(t + 1) - at(t - 1)) + 2.0 * (at(t + 2) - at(t - 2))) / 10.0;
    };
    for (Eigen::Index r = 0; r < rows; ++r) {
      EXPECT_NEAR(a.llds(r, d), htk(src, r), 1e-4 * (1.0 + std::abs(htk(src, r))));
      EXPECT_NEAR(a.llds(r, dd), htk(d, r), 1e-4 * (1.0 + std::abs(htk(d, r))));
    }
  }
  const int c0 = col("mfcc0"), d0 = col("dmfcc0");
  for (Eigen::Index r = 6; r + 6 < rows; ++r) {
    const double slope = (a.llds(r + 3, c0) - a.llds(r - 3, c0)) / 6.0;
    EXPECT_GT(slope, 0.0);
    EXPECT_NEAR(a.llds(r, d0), slope, 0.1 * slope);
  }
}

TEST(FrontEndConfig, ValidateRejectsNonsense) {
  FrontEndConfig c;
  EXPECT_TRUE(c.validate().ok());
  c.frameSize = 1000;
  EXPECT_FALSE(c.validate().ok());
  c = {};
  c.hopSize = 0;
  EXPECT_FALSE(c.validate().ok());
  c = {};
  c.maxSegmentSeconds = 0.15;  // < 2 × min
  EXPECT_FALSE(c.validate().ok());
  c = {};
  c.onset.threshold = 0;
  EXPECT_FALSE(c.validate().ok());
  EXPECT_FALSE(FrameAnalyzer::create(c).ok());
  c = {};
  FrontEndConfig d;
  d.onset.threshold = 1.2;
  EXPECT_NE(c.fingerprint(), d.fingerprint());
  EXPECT_EQ(c.fingerprint(), FrontEndConfig{}.fingerprint());
}

}  // namespace
}  // namespace mp::features
