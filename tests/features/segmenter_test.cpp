// Onset segmentation bounds and segment statistics against a direct computation.

#include "core/features/frame_analyzer.h"
#include "core/features/segmenter.h"

#include <gtest/gtest.h>

#include <random>

namespace mp::features {
namespace {

TEST(Segmenter, RespectsBoundsAndCoversTheSong) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (int trial = 0; trial < 200; ++trial) {
    const double duration = 0.5 + 60.0 * u(rng);
    std::vector<double> onsets;
    double t = 0;
    while (true) {
      t += 0.01 + 3.0 * u(rng) * u(rng);  // many very short and some very long gaps
      if (t >= duration + 1.0) break;
      onsets.push_back(t);
    }
    const double minS = 0.1, maxS = 2.0;
    const auto segs = segmentByOnsets(onsets, duration, minS, maxS);
    ASSERT_FALSE(segs.empty());
    EXPECT_DOUBLE_EQ(segs.front().first, 0.0);
    EXPECT_DOUBLE_EQ(segs.back().second, duration);
    for (std::size_t i = 0; i < segs.size(); ++i) {
      const double len = segs[i].second - segs[i].first;
      EXPECT_GE(len, minS - 1e-9) << "trial " << trial << " segment " << i;
      EXPECT_LE(len, maxS + 1e-9) << "trial " << trial << " segment " << i;
      if (i > 0) {
        EXPECT_DOUBLE_EQ(segs[i].first, segs[i - 1].second);
      }
    }
  }
}

TEST(Segmenter, KeepsWellSpacedOnsetsAsBoundaries) {
  const auto segs = segmentByOnsets({0.5, 1.0, 1.6}, 2.5, 0.1, 2.0);
  ASSERT_EQ(segs.size(), 4u);
  EXPECT_DOUBLE_EQ(segs[1].first, 0.5);
  EXPECT_DOUBLE_EQ(segs[2].first, 1.0);
  EXPECT_DOUBLE_EQ(segs[3].first, 1.6);
  // A 5 s gap splits into three equal parts; a song shorter than the minimum is one segment.
  const auto split = segmentByOnsets({}, 5.0, 0.1, 2.0);
  ASSERT_EQ(split.size(), 3u);
  EXPECT_NEAR(split[1].second - split[1].first, 5.0 / 3.0, 1e-12);
  ASSERT_EQ(segmentByOnsets({0.02}, 0.05, 0.1, 2.0).size(), 1u);
  EXPECT_TRUE(segmentByOnsets({}, 0.0, 0.1, 2.0).empty());
}

TEST(Segmenter, SegmentVectorsAreMeanAndStdOfTheirFrames) {
  std::mt19937 rng(5);
  std::normal_distribution<float> g(0.0f, 1.0f);
  FrameMatrix llds(300, 7);
  for (Eigen::Index r = 0; r < llds.rows(); ++r)
    for (Eigen::Index c = 0; c < llds.cols(); ++c) llds(r, c) = g(rng) * (c + 1) + static_cast<float>(r % 13);
  const double frameRate = 22050.0 / 512.0;
  const double duration = llds.rows() / frameRate;
  const auto segs = segmentByOnsets({0.3, 0.35, 1.1, 2.9, 5.0}, duration, 0.1, 2.0);
  const Mat v = segmentStatistics(llds, frameRate, segs);
  ASSERT_EQ(v.rows(), static_cast<Eigen::Index>(segs.size()));
  ASSERT_EQ(v.cols(), 14);
  Eigen::Index covered = 0;
  for (std::size_t s = 0; s < segs.size(); ++s) {
    // Direct computation: frames whose centre time j / frameRate lies in [t0, t1).
    std::vector<Eigen::Index> rows;
    for (Eigen::Index j = 0; j < llds.rows(); ++j) {
      const double t = j / frameRate;
      if (t >= segs[s].first && t < segs[s].second) rows.push_back(j);
    }
    ASSERT_FALSE(rows.empty());
    covered += static_cast<Eigen::Index>(rows.size());
    for (Eigen::Index c = 0; c < llds.cols(); ++c) {
      double sum = 0;
      for (auto j : rows) sum += llds(j, c);
      const double mean = sum / rows.size();
      double ss = 0;
      for (auto j : rows) ss += (llds(j, c) - mean) * (llds(j, c) - mean);
      EXPECT_NEAR(v(static_cast<Eigen::Index>(s), c), mean, 1e-9);
      EXPECT_NEAR(v(static_cast<Eigen::Index>(s), 7 + c), std::sqrt(ss / rows.size()), 1e-9);
    }
  }
  EXPECT_EQ(covered, llds.rows());  // every frame belongs to exactly one segment
}

TEST(Segmenter, VectorNamesArePrefixed) {
  const auto names = segmentVectorNames(FrameAnalyzer::lldNames());
  ASSERT_EQ(names.size(), 140u);
  EXPECT_EQ(names[0], "mean:rms");
  EXPECT_EQ(names[70], "std:rms");
  EXPECT_EQ(names[139], "std:hcdf");
}

}  // namespace
}  // namespace mp::features
