#pragma once
// Helpers for the song-level passes (HarmonyAnalyzer, SpectralProfileAnalyzer): feed a signal in
// blocks of a given size, and look a value up by its descriptor name.

#include "core/common/eigen_types.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <span>
#include <string>
#include <vector>

namespace mp::test {

/// Analyzer::create(rate), then addSamples in blocks of `block` samples, then finish().
template <class Analyzer>
Vec runSongPass(const std::vector<float>& x, int rate, std::size_t block) {
  auto a = Analyzer::create(rate);
  EXPECT_TRUE(a.ok());
  if (!a.ok()) return {};
  for (std::size_t at = 0; at < x.size(); at += block) {
    a->addSamples(std::span<const float>(x).subspan(at, std::min(block, x.size() - at)));
  }
  return a->finish();
}

/// The value of descriptor `name` (Analyzer::names()) in `v`; NaN and a test failure if unknown.
template <class Analyzer>
double songPassValue(const Vec& v, const std::string& name) {
  const auto& n = Analyzer::names();
  const auto it = std::find(n.begin(), n.end(), name);
  EXPECT_NE(it, n.end()) << name;
  return it == n.end() ? NAN : v(it - n.begin());
}

}  // namespace mp::test
