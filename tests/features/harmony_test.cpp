// Harmony descriptors on generated chords with known answers: major vs minor triads, consonant vs
// clustered notes, transposition invariance, streaming, silence.

#include "core/features/harmony.h"
#include "tests/features/signals.h"
#include "tests/features/song_pass.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <string>

namespace mp::features {
namespace {

constexpr int kRate = 22050;

/// Equal-tempered sines (A4 = 440 Hz) of the given MIDI notes, each with `harmonics` partials
/// (amplitude 1/h), plus faint noise; `seconds` long. Pure tones (harmonics = 1) keep the
/// pitch-class set exactly the chord's: the 3rd harmonic would add the fifth of every note.
std::vector<float> chord(std::initializer_list<int> midi, double seconds = 8.0, int harmonics = 1) {
  std::vector<float> x = test::whiteNoise(1e-4, seconds, 7, kRate);
  for (int m : midi) {
    const double f = 440.0 * std::pow(2.0, (m - 69) / 12.0);
    for (int h = 1; h <= harmonics; ++h) {
      const auto tone = test::sine(f * h, 0.1 / h, seconds, kRate);
      for (std::size_t i = 0; i < x.size(); ++i) x[i] += tone[i];
    }
  }
  return x;
}

Vec analyze(const std::vector<float>& x, std::size_t block = 4096) {
  return test::runSongPass<HarmonyAnalyzer>(x, kRate, block);
}

double get(const Vec& v, const std::string& name) {
  return test::songPassValue<HarmonyAnalyzer>(v, name);
}

TEST(Harmony, NamesMatchTheDimension) {
  EXPECT_EQ(static_cast<int>(HarmonyAnalyzer::names().size()), HarmonyAnalyzer::kDims);
}

TEST(Harmony, MajorAndMinorTriadsAreToldApart) {
  const Vec major = analyze(chord({60, 64, 67}));  // C E G
  const Vec minor = analyze(chord({57, 60, 64}));  // A C E
  EXPECT_GT(get(major, "mode_margin"), 0.05);
  EXPECT_LT(get(minor, "mode_margin"), -0.05);
  EXPECT_DOUBLE_EQ(get(major, "window_major_share"), 1.0);
  EXPECT_DOUBLE_EQ(get(minor, "window_major_share"), 0.0);
  EXPECT_GT(get(major, "window_triad_fit"), 0.8);  // a triad matches its own template
  EXPECT_GT(get(minor, "window_triad_fit"), 0.8);
  EXPECT_DOUBLE_EQ(get(major, "window_chord_changes"), 0.0);  // one chord held throughout
  EXPECT_GT(get(major, "key_clarity"), 0.6);
}

TEST(Harmony, ConsonantTriadAndSemitoneClusterHaveTheirIntervalProfiles) {
  const Vec triad = analyze(chord({60, 64, 67}));    // thirds, fourth/fifth
  const Vec cluster = analyze(chord({60, 61, 62}));  // seconds
  // Song interval profile (sums to 1): the triad has no seconds or tritone, the cluster is mostly
  // seconds.
  double total = 0.0;
  for (int d = 1; d <= 6; ++d) total += get(triad, "interval" + std::to_string(d));
  EXPECT_NEAR(total, 1.0, 1e-9);
  EXPECT_LT(get(triad, "interval1"), 0.12);
  EXPECT_GT(get(triad, "interval5"), 0.2);
  EXPECT_GT(get(cluster, "interval1"), 0.3);
  EXPECT_GT(get(cluster, "interval1"), 2.0 * get(triad, "interval1"));
  EXPECT_LT(get(cluster, "interval5"), get(triad, "interval5"));
  // A cluster fits no key or triad as well as a triad does.
  EXPECT_LT(get(cluster, "window_triad_fit"), get(triad, "window_triad_fit"));
}

TEST(Harmony, TranspositionDoesNotChangeTheDescriptors) {
  const Vec c = analyze(chord({60, 64, 67}, 8.0, 3));
  const Vec d = analyze(chord({62, 66, 69}, 8.0, 3));  // D major: the same chord two semitones up
  ASSERT_EQ(c.size(), d.size());
  for (Eigen::Index i = 0; i < c.size(); ++i) {
    EXPECT_NEAR(c(i), d(i), 0.03) << HarmonyAnalyzer::names()[static_cast<std::size_t>(i)];
  }
}

TEST(Harmony, StreamingBlockSizeDoesNotMatterAndTheAnalyserResets) {
  const auto x = chord({57, 60, 64}, 5.0, 3);
  const Vec one = analyze(x, x.size());
  const Vec small = analyze(x, 777);
  EXPECT_EQ((one - small).cwiseAbs().maxCoeff(), 0.0);
  auto a = HarmonyAnalyzer::create(kRate);
  ASSERT_TRUE(a.ok());
  a->addSamples(chord({60, 61, 62}, 3.0));
  (void)a->finish();
  a->addSamples(x);
  EXPECT_EQ((a->finish() - one).cwiseAbs().maxCoeff(), 0.0);
}

TEST(Harmony, SilenceShortAndNoisyInputsAreFiniteOrZero) {
  EXPECT_EQ(
      analyze(std::vector<float>(static_cast<std::size_t>(3 * kRate), 0.0f)).cwiseAbs().maxCoeff(),
      0.0);
  EXPECT_EQ(analyze(chord({60, 64, 67}, 0.2)).cwiseAbs().maxCoeff(),
            0.0);  // shorter than one frame
  const Vec noise = analyze(test::whiteNoise(0.5, 4.0, 3, kRate));
  EXPECT_TRUE(noise.allFinite());
  EXPECT_LT(get(noise, "key_clarity"), get(analyze(chord({60, 64, 67})), "key_clarity"));
  EXPECT_FALSE(HarmonyAnalyzer::create(1000).ok());
}

}  // namespace
}  // namespace mp::features
