// Spectral-profile descriptors on generated signals with known answers: the energy of a sine in
// its mel band, gain shifts, amplitude modulation in its modulation range, the contrast of white
// noise (order statistics of Rayleigh magnitudes), the floors of silence, streaming, rates.

#include "core/features/spectral_profile.h"
#include "tests/features/signals.h"
#include "tests/features/song_pass.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>
#include <string>

namespace mp::features {
namespace {

constexpr int kRate = 22050;
using SP = SpectralProfileAnalyzer;

Vec analyze(const std::vector<float>& x, int rate = kRate, std::size_t block = 4096) {
  return test::runSongPass<SP>(x, rate, block);
}

double get(const Vec& v, const std::string& name) { return test::songPassValue<SP>(v, name); }

std::string band(const char* stat, int b) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%s_b%02d", stat, b);
  return buf;
}

/// Centre frequency of mel band b of `count` (the documented HTK-mel layout, 30 Hz .. rate/2).
double melCentre(int b, int count, int rate = kRate) {
  const auto mel = [](double f) { return 2595.0 * std::log10(1.0 + f / 700.0); };
  const double lo = mel(30.0), hi = mel(rate / 2.0);
  return 700.0 * (std::pow(10.0, (lo + (hi - lo) * (b + 1) / (count + 1)) / 2595.0) - 1.0);
}

TEST(SpectralProfile, NamesMatchTheDimensions) {
  EXPECT_EQ(static_cast<int>(SP::names().size()), SP::kDims);
  EXPECT_EQ(SP::kDims, 248);
  EXPECT_EQ(SP::names()[0], "mean_b00");
  EXPECT_EQ(SP::names()[SP::kMelDims], "b00_0.5-1hz");
  EXPECT_EQ(SP::names()[SP::kMelDims + SP::kModulationDims], "contrast_mean_0");
  EXPECT_EQ(SP::names().back(), "valley_std_6");
}

// A steady sine of amplitude A at the centre of mel band b: |X| (normalised by Σw) is A/2 at the
// peak, and Parseval over the Hann main lobe gives Σ_k P(k) = (A/2)² · N Σw² / (Σw)² → (A/2)²·1.5.
// The band is wide there (≈ 180 Hz against a 4-bin lobe of 43 Hz), so its triangle weights are
// ≈ 1 over the lobe: L ≈ ln(0.375 A²). Steady → std and change ≈ 0; far bands hold nothing.
TEST(SpectralProfile, SineEnergyLandsInItsMelBand) {
  const int b = 25;
  const double a = 0.5;
  const Vec v = analyze(test::sine(melCentre(b, SP::kMelBands), a, 6.0));
  EXPECT_NEAR(get(v, band("mean", b)), std::log(0.375 * a * a), 0.1);
  EXPECT_LT(get(v, band("std", b)), 0.05);
  EXPECT_LT(get(v, band("change", b)), 0.05);
  for (int other : {0, 5, 10, 35, 39})
    EXPECT_LT(get(v, band("mean", other)), get(v, band("mean", b)) - 8.0) << other;
  // Doubling the amplitude adds ln 4 to the band's log energy.
  const Vec louder = analyze(test::sine(melCentre(b, SP::kMelBands), 2 * a, 6.0));
  EXPECT_NEAR(get(louder, band("mean", b)) - get(v, band("mean", b)), std::log(4.0), 1e-3);
}

// The band's envelope of a tone whose amplitude is modulated at f_m carries its energy at f_m
// and 2 f_m (log of a raised cosine); an unmodulated tone has none.
TEST(SpectralProfile, AmplitudeModulationShowsInItsRange) {
  const double carrier = melCentre(10, SP::kModBands);  // band 10 of the 20 modulation bands
  const auto modulated = [&](double fm) {
    std::vector<float> x = test::sine(carrier, 0.3, 12.0);
    for (std::size_t i = 0; i < x.size(); ++i) {
      x[i] *= static_cast<float>(
          0.55 + 0.45 * std::cos(2.0 * std::numbers::pi * fm * static_cast<double>(i) / kRate));
    }
    return x;
  };
  const Vec steady = analyze(test::sine(carrier, 0.3, 12.0));
  const Vec slow = analyze(modulated(3.0));  // 2-4 Hz
  const Vec fast = analyze(modulated(5.5));  // 4-8 Hz
  EXPECT_GT(get(slow, "b10_2-4hz"), get(steady, "b10_2-4hz") + 3.0);
  EXPECT_GT(get(slow, "b10_2-4hz"), get(slow, "b10_0.5-1hz") + 2.0);
  EXPECT_GT(get(slow, "b10_2-4hz"), get(slow, "b10_8-16hz") + 1.0);
  EXPECT_GT(get(fast, "b10_4-8hz"), get(fast, "b10_2-4hz") + 1.0);
  EXPECT_GT(get(fast, "b10_4-8hz"), get(steady, "b10_4-8hz") + 3.0);
}

// Gaussian white noise: every bin's |X| is Rayleigh, so ln|X| = ln s + ½ ln 2 + ½ ln(−ln(1 − U)),
// U uniform. The valley and peak of a band are the means of its lowest / highest 2 % of bins, so
// contrast → (1/0.02) ∫ over the top 2 % minus the bottom 2 % of ½ ln(−ln(1 − u)) du, whatever s.
// The 6400 Hz – Nyquist band has 431 bins (q = 9): close to the quantile means.
TEST(SpectralProfile, WhiteNoiseContrastMatchesRayleighOrderStatistics) {
  std::mt19937 rng(11);
  std::normal_distribution<float> g(0.0f, 0.1f);
  std::vector<float> x(static_cast<std::size_t>(20.0 * kRate));
  for (float& s : x) s = g(rng);
  const Vec v = analyze(x);
  const auto half = [](double u) { return 0.5 * std::log(-std::log1p(-u)); };
  double low = 0.0, high = 0.0;
  const int steps = 200000;
  for (int i = 0; i < steps; ++i) {
    const double t = (i + 0.5) / steps * 0.02;
    low += half(t) / steps;
    high += half(1.0 - t) / steps;
  }
  EXPECT_NEAR(get(v, "contrast_mean_6"), high - low, 0.25);
  // ln|X| of a bin: ln s with s = σ·sqrt(Σw²/2)/Σw → the valley mean sits at ln s + ½ ln 2 + low.
  const double n = SP::kFrameSize;
  const double s = 0.1 * std::sqrt(3.0 * n / 8.0 / 2.0) / (n / 2.0);
  EXPECT_NEAR(get(v, "valley_mean_6"), std::log(s) + 0.5 * std::log(2.0) + low, 0.25);
  // A sine in the 400–800 Hz band (37 bins, q = 1: peak = the highest bin) lifts its peak from the
  // noise's largest bin (≈ ln s + 1.4) to ln(A/2) = ln 0.15, ≈ 4 nats higher; the valley stays.
  std::vector<float> y = x;
  const auto tone = test::sine(600.0, 0.3, 20.0);
  for (std::size_t i = 0; i < y.size(); ++i) y[i] += tone[i];
  const Vec w = analyze(y);
  EXPECT_GT(get(w, "contrast_mean_2"), get(v, "contrast_mean_2") + 3.0);
  EXPECT_NEAR(get(w, "valley_mean_2"), get(v, "valley_mean_2"), 0.3);
}

TEST(SpectralProfile, SilenceSitsOnTheDocumentedFloors) {
  const Vec v = analyze(std::vector<float>(5 * kRate, 0.0f));
  for (int b = 0; b < SP::kMelBands; ++b) {
    EXPECT_NEAR(get(v, band("mean", b)), std::log(1e-10), 1e-9);
    EXPECT_EQ(get(v, band("std", b)), 0.0);
    EXPECT_EQ(get(v, band("change", b)), 0.0);
  }
  for (int i = 0; i < SP::kModulationDims; ++i)
    EXPECT_NEAR(v(SP::kMelDims + i), std::log(0.01), 1e-9);
  for (int b = 0; b < SP::kContrastBands; ++b) {
    EXPECT_NEAR(get(v, "valley_mean_" + std::to_string(b)), std::log(1e-5), 1e-5);
    EXPECT_NEAR(get(v, "contrast_mean_" + std::to_string(b)), 0.0, 1e-6);
  }
}

TEST(SpectralProfile, ShorterThanOneFrameGivesZerosAndShortSongsHaveNoModulation) {
  const Vec tiny = analyze(test::sine(440.0, 0.3, 0.05));
  EXPECT_EQ(tiny.size(), SP::kDims);
  EXPECT_EQ(tiny.cwiseAbs().maxCoeff(), 0.0);
  const Vec two = analyze(test::sine(440.0, 0.3, 2.0));  // < one 128-frame window (≈ 3 s)
  EXPECT_EQ(two.segment(SP::kMelDims, SP::kModulationDims).cwiseAbs().maxCoeff(), 0.0);
  EXPECT_NE(two.head(SP::kMelDims).cwiseAbs().maxCoeff(), 0.0);
}

TEST(SpectralProfile, StreamingBlockSizeAndResetDoNotChangeTheResult) {
  const auto seq = test::noteSequence(3, 40);
  const Vec whole = analyze(seq.audio, kRate, seq.audio.size());
  const Vec odd = analyze(seq.audio, kRate, 333);
  EXPECT_LT((whole - odd).cwiseAbs().maxCoeff(), 1e-9);
  auto a = SP::create(kRate);
  ASSERT_TRUE(a.ok());
  a->addSamples(test::whiteNoise(0.5, 7.0, 5));
  (void)a->finish();
  a->addSamples(seq.audio);
  EXPECT_LT((a->finish() - whole).cwiseAbs().maxCoeff(), 1e-9);
  EXPECT_TRUE(whole.allFinite());
}

// At 44.1 kHz the frame doubles (same 93 ms), so a sine reads the same energy in the same band.
TEST(SpectralProfile, OtherSampleRatesKeepTheScale) {
  const double f = melCentre(20, SP::kMelBands, 44100);
  const Vec at22 = analyze(test::sine(melCentre(20, SP::kMelBands), 0.4, 6.0));
  const Vec at44 = analyze(test::sine(f, 0.4, 6.0, 44100), 44100);
  EXPECT_NEAR(get(at44, band("mean", 20)), std::log(0.375 * 0.16), 0.1);
  EXPECT_NEAR(get(at22, band("mean", 20)), std::log(0.375 * 0.16), 0.1);
  EXPECT_FALSE(SP::create(4000).ok());
}

}  // namespace
}  // namespace mp::features
