// SuperFlux onsets on generated note sequences with known onset times (±50 ms F-measure).

#include "core/features/frame_analyzer.h"
#include "core/features/onset_detector.h"
#include "tests/features/signals.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

namespace mp::features {
namespace {

FrameAnalysis analyze(const std::vector<float>& x, const FrontEndConfig& config = {}) {
  auto a = FrameAnalyzer::create(config);
  EXPECT_TRUE(a.ok());
  a->addSamples(x);
  return a->finish();
}

bool sanitizerBuild() { return std::getenv("MOODPLANE_SANITIZER_BUILD") != nullptr; }

TEST(OnsetScore, MatchesOneToOneWithinWindow) {
  // Two estimates near the same reference: only one may match.
  const OnsetScore s = scoreOnsets({1.0, 2.0, 3.0}, {0.97, 1.02, 2.2, 3.05}, 0.05);
  EXPECT_EQ(s.matched, 2);
  EXPECT_DOUBLE_EQ(s.precision, 0.5);
  EXPECT_NEAR(s.recall, 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(s.fMeasure, 2 * 0.5 * (2.0 / 3.0) / (0.5 + 2.0 / 3.0), 1e-12);
  const OnsetScore none = scoreOnsets({1.0}, {}, 0.05);
  EXPECT_EQ(none.matched, 0);
  EXPECT_EQ(none.fMeasure, 0.0);
}

TEST(PickOnsets, FindsIsolatedPeaksAboveThreshold) {
  std::vector<float> odf(400, 0.1f);
  for (int i : {50, 120, 121, 300}) odf[i] = 5.0f;  // 120/121 within 30 ms combine into one
  odf[200] = 0.5f;                                   // below the threshold
  OnsetConfig cfg;
  const double fps = 100.0;
  const auto on = pickOnsets(odf, fps, cfg);
  ASSERT_EQ(on.size(), 3u);
  EXPECT_DOUBLE_EQ(on[0], 0.5);
  EXPECT_DOUBLE_EQ(on[1], 1.2);
  EXPECT_DOUBLE_EQ(on[2], 3.0);
}

TEST(SuperFlux, SilenceHasNoOnsets) {
  const std::vector<float> silence(22050 * 3, 0.0f);
  const FrameAnalysis a = analyze(silence);
  EXPECT_TRUE(a.onsetsSeconds.empty());
  for (float v : a.onsetFunction) EXPECT_EQ(v, 0.0f);
}

TEST(SuperFlux, SteadyToneHasOneOnset) {
  std::vector<float> x(22050 / 2, 0.0f);
  const auto tone = mp::test::sine(440.0, 0.3, 3.0);
  x.insert(x.end(), tone.begin(), tone.end());
  const FrameAnalysis a = analyze(x);
  ASSERT_EQ(a.onsetsSeconds.size(), 1u);
  EXPECT_NEAR(a.onsetsSeconds[0], 0.5, 0.03);
}

TEST(SuperFlux, FMeasureOnGeneratedNoteSequences) {
  const int sequences = 6;
  const int events = sanitizerBuild() ? 40 : 100;
  std::vector<double> refAll, estAll;
  double offset = 0;
  for (int s = 0; s < sequences; ++s) {
    const auto seq = mp::test::noteSequence(1000u + static_cast<unsigned>(s), events);
    const FrameAnalysis a = analyze(seq.audio);
    for (double t : seq.onsets) refAll.push_back(offset + t);
    for (double t : a.onsetsSeconds) estAll.push_back(offset + t);
    const OnsetScore one = scoreOnsets(seq.onsets, a.onsetsSeconds, 0.05);
    std::printf("sequence %d: F=%.3f P=%.3f R=%.3f (%d refs, %d detections)\n", s, one.fMeasure,
                one.precision, one.recall, one.references, one.estimates);
    offset += a.durationSeconds() + 10.0;
  }
  const OnsetScore total = scoreOnsets(refAll, estAll, 0.05);
  std::printf("SuperFlux onsets, %d references: F=%.3f precision=%.3f recall=%.3f\n", total.references,
              total.fMeasure, total.precision, total.recall);
  if (!sanitizerBuild()) {
    EXPECT_GE(total.references, 500);
  }
  EXPECT_GE(total.fMeasure, 0.90);
}

}  // namespace
}  // namespace mp::features
