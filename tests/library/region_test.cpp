// probabilityInRegion against closed forms, an independent 1-D quadrature, and Monte Carlo.

#include "core/library/region.h"
#include "core/library/region_query.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <numbers>
#include <random>

namespace mp::library {
namespace {

bool sanitizerBuild() { return std::getenv("MOODPLANE_SANITIZER_BUILD") != nullptr; }

double phi(double x) { return 0.5 * std::erfc(-x / std::numbers::sqrt2); }

/// Independent reference for rectangles: P = ∫ N(v) [Φ((a1-m(v))/s) - Φ((a0-m(v))/s)] dv by
/// composite Simpson over ±9 sd with many panels.
double rectReference(const MoodEstimate& e, const RectRegion& r) {
  const double sv = std::sqrt(e.covVV), sa = std::sqrt(e.covAA);
  const double rho = e.covVA / (sv * sa);
  const double s = sa * std::sqrt(1 - rho * rho);
  const double lo = std::max(std::min(r.v0, r.v1), e.valence - 9 * sv);
  const double hi = std::min(std::max(r.v0, r.v1), e.valence + 9 * sv);
  if (hi <= lo) return 0.0;
  const int n = 20000;
  const double h = (hi - lo) / n;
  double sum = 0;
  for (int i = 0; i <= n; ++i) {
    const double v = lo + i * h;
    const double z = (v - e.valence) / sv;
    const double dens = std::exp(-0.5 * z * z) / (sv * std::sqrt(2 * std::numbers::pi));
    const double m = e.arousal + rho * sa * z;
    const double f = dens * (phi((std::max(r.a0, r.a1) - m) / s) - phi((std::min(r.a0, r.a1) - m) / s));
    sum += f * (i == 0 || i == n ? 1 : (i % 2 ? 4 : 2));
  }
  return sum * h / 3;
}

MoodEstimate randomGaussian(std::mt19937_64& rng, double maxRho = 0.99) {
  std::uniform_real_distribution<double> u(0, 1);
  MoodEstimate e;
  e.valence = u(rng);
  e.arousal = u(rng);
  const double sv = 0.02 + 0.25 * u(rng), sa = 0.02 + 0.25 * u(rng);
  const double rho = (2 * u(rng) - 1) * maxRho;
  e.covVV = sv * sv;
  e.covAA = sa * sa;
  e.covVA = rho * sv * sa;
  return e;
}

/// Monte Carlo estimate with `n` samples (Cholesky of the covariance).
double monteCarlo(const MoodEstimate& e, const Region& region, int n, std::mt19937_64& rng) {
  const double l11 = std::sqrt(e.covVV), l21 = e.covVA / l11;
  const double l22 = std::sqrt(std::max(0.0, e.covAA - l21 * l21));
  std::normal_distribution<double> g;
  int inside = 0;
  for (int i = 0; i < n; ++i) {
    const double z1 = g(rng), z2 = g(rng);
    inside += containsPoint(region, e.valence + l11 * z1, e.arousal + l21 * z1 + l22 * z2) ? 1 : 0;
  }
  return static_cast<double>(inside) / n;
}

TEST(Region, ContainsPoint) {
  EXPECT_TRUE(containsPoint(RectRegion{0.6, 0.9, 0.2, 0.1}, 0.4, 0.5));  // corners in any order
  EXPECT_FALSE(containsPoint(RectRegion{0.2, 0.1, 0.6, 0.9}, 0.7, 0.5));
  EXPECT_TRUE(containsPoint(CircleRegion{0.5, 0.5, 0.1}, 0.55, 0.55));
  EXPECT_FALSE(containsPoint(CircleRegion{0.5, 0.5, 0.1}, 0.58, 0.58));
  // A concave "L" lasso.
  PolygonRegion l{{{0, 0}, {1, 0}, {1, 0.3}, {0.3, 0.3}, {0.3, 1}, {0, 1}}};
  EXPECT_TRUE(containsPoint(l, 0.1, 0.9));
  EXPECT_TRUE(containsPoint(l, 0.9, 0.1));
  EXPECT_FALSE(containsPoint(l, 0.6, 0.6));
  EXPECT_FALSE(containsPoint(PolygonRegion{{{0, 0}, {1, 1}}}, 0.5, 0.5));
}

TEST(Region, IsotropicCentredCircleMatchesRayleigh) {
  for (double sigma : {0.01, 0.05, 0.2}) {
    for (double r : {0.005, 0.03, 0.1, 0.3}) {
      const MoodEstimate e{0.4, 0.6, sigma * sigma, 0.0, sigma * sigma};
      const double expected = 1 - std::exp(-r * r / (2 * sigma * sigma));
      EXPECT_NEAR(probabilityInRegion(e, CircleRegion{0.4, 0.6, r}), expected, 1e-6)
          << "sigma " << sigma << " r " << r;
    }
  }
}

TEST(Region, RectangleMatchesIndependentQuadrature) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0, 1);
  for (int t = 0; t < 200; ++t) {
    const MoodEstimate e = randomGaussian(rng, 0.995);
    const RectRegion r{u(rng), u(rng), u(rng), u(rng)};
    EXPECT_NEAR(probabilityInRegion(e, r), rectReference(e, r), 1e-7)
        << "trial " << t << " rho " << e.covVA / std::sqrt(e.covVV * e.covAA);
  }
}

TEST(Region, RectangleSeparableCaseIsAProductOfNormalCdfs) {
  const MoodEstimate e{0.3, 0.7, 0.04, 0.0, 0.01};
  const RectRegion r{0.1, 0.5, 0.6, 0.9};
  const double pv = phi((0.6 - 0.3) / 0.2) - phi((0.1 - 0.3) / 0.2);
  const double pa = phi((0.9 - 0.7) / 0.1) - phi((0.5 - 0.7) / 0.1);
  EXPECT_NEAR(probabilityInRegion(e, r), pv * pa, 1e-12);
}

TEST(Region, RandomRegionsMatchMonteCarlo) {
  const int samples = sanitizerBuild() ? 100000 : 1000000;
  const double tol = sanitizerBuild() ? 6e-3 : 2.5e-3;  // ≈ 5 standard errors of the MC estimate
  std::mt19937_64 rng(2024);
  std::uniform_real_distribution<double> u(0, 1);
  for (int t = 0; t < 6; ++t) {
    const MoodEstimate e = randomGaussian(rng, 0.9);
    const RectRegion rect{e.valence - 0.3 * u(rng), e.arousal - 0.3 * u(rng), e.valence + 0.3 * u(rng),
                          e.arousal + 0.2 * u(rng)};
    const CircleRegion circle{e.valence + 0.2 * (u(rng) - 0.5), e.arousal + 0.2 * (u(rng) - 0.5),
                              0.05 + 0.25 * u(rng)};
    // A random star-shaped (possibly concave) lasso around a point near the mean.
    PolygonRegion poly;
    const double cx = e.valence + 0.1 * (u(rng) - 0.5), cy = e.arousal + 0.1 * (u(rng) - 0.5);
    const int nv = 5 + static_cast<int>(8 * u(rng));
    for (int k = 0; k < nv; ++k) {
      const double ang = 2 * std::numbers::pi * (k + 0.8 * u(rng)) / nv;
      const double rad = 0.05 + 0.3 * u(rng);
      poly.vertices.emplace_back(cx + rad * std::cos(ang), cy + rad * std::sin(ang));
    }
    for (const Region& region : {Region{rect}, Region{circle}, Region{poly}}) {
      const double p = probabilityInRegion(e, region);
      const double mc = monteCarlo(e, region, samples, rng);
      EXPECT_NEAR(p, mc, tol) << "trial " << t << " region kind " << region.index();
    }
  }
}

TEST(Region, PolygonRectangleAgreesWithBivariateCdf) {
  std::mt19937_64 rng(99);
  std::uniform_real_distribution<double> u(0, 1);
  for (int t = 0; t < 50; ++t) {
    const MoodEstimate e = randomGaussian(rng, 0.95);
    double v0 = u(rng), v1 = u(rng), a0 = u(rng), a1 = u(rng);
    if (v0 > v1) std::swap(v0, v1);
    if (a0 > a1) std::swap(a0, a1);
    const PolygonRegion poly{{{v0, a0}, {v1, a0}, {v1, a1}, {v0, a1}}};
    EXPECT_NEAR(probabilityInRegion(e, poly), probabilityInRegion(e, RectRegion{v0, a0, v1, a1}), 2e-4)
        << "trial " << t;
  }
}

TEST(Region, DegenerateCovarianceIsAPointTest) {
  const MoodEstimate point{0.3, 0.4, 0, 0, 0};
  EXPECT_EQ(probabilityInRegion(point, RectRegion{0.2, 0.3, 0.5, 0.5}), 1.0);
  EXPECT_EQ(probabilityInRegion(point, RectRegion{0.35, 0.3, 0.5, 0.5}), 0.0);
  EXPECT_EQ(probabilityInRegion(point, CircleRegion{0.3, 0.45, 0.06}), 1.0);
  EXPECT_EQ(probabilityInRegion(point, PolygonRegion{{{0, 0}, {1, 0}, {0, 1}}}), 1.0);
  // Negative or NaN variances are treated as zero, never a crash.
  EXPECT_EQ(probabilityInRegion(MoodEstimate{0.3, 0.4, -1, 0, NAN}, RectRegion{0, 0, 1, 1}), 1.0);
}

TEST(Region, RankOneCovarianceIntegratesAlongTheLine) {
  // All mass on the line a = v through (0.5, 0.5), sd 0.1 along each axis (0.1·√2 along the line).
  const MoodEstimate e{0.5, 0.5, 0.01, 0.01, 0.01};
  // The rectangle [0.5, 0.6]^2 holds the half-line segment t ∈ [0, 1] (in per-axis sd).
  EXPECT_NEAR(probabilityInRegion(e, RectRegion{0.5, 0.5, 0.6, 0.6}), phi(1.0) - 0.5, 1e-9);
  // A circle of radius 0.1·√2 about the mean covers t ∈ [-1, 1].
  EXPECT_NEAR(probabilityInRegion(e, CircleRegion{0.5, 0.5, 0.1 * std::sqrt(2.0)}), phi(1.0) - phi(-1.0), 1e-9);
}

TEST(Region, ProbabilitiesAreProbabilities) {
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> u(0, 1);
  for (int t = 0; t < 100; ++t) {
    const MoodEstimate e = randomGaussian(rng, 0.999);
    const double whole = probabilityInRegion(e, RectRegion{-10, -10, 10, 10});
    EXPECT_NEAR(whole, 1.0, 1e-9);
    const double huge = probabilityInRegion(e, CircleRegion{e.valence, e.arousal, 10});
    EXPECT_NEAR(huge, 1.0, 1e-6);
    const double p = probabilityInRegion(e, CircleRegion{u(rng), u(rng), 0.2 * u(rng)});
    EXPECT_GE(p, 0.0);
    EXPECT_LE(p, 1.0);
  }
  EXPECT_EQ(probabilityInRegion(MoodEstimate{}, CircleRegion{0.5, 0.5, 0.0}), 0.0);
  EXPECT_EQ(probabilityInRegion(MoodEstimate{}, PolygonRegion{}), 0.0);
}

TEST(RegionQuery, RanksByProbabilityThenDistanceAndUsesRatings) {
  std::vector<SongRecord> songs(5);
  songs[0].path = "/far";
  songs[0].prediction = MoodEstimate{0.1, 0.1, 0.001, 0, 0.001};
  songs[1].path = "/inside-sure";
  songs[1].prediction = MoodEstimate{0.8, 0.8, 0.0025, 0, 0.0025};  // P ≈ 0.99994
  songs[2].path = "/inside-unsure";
  songs[2].prediction = MoodEstimate{0.7, 0.7, 0.04, 0, 0.04};
  songs[3].path = "/rated-centre";  // only a rating: a point exactly at the centre
  songs[3].rating = MoodEstimate{0.75, 0.75, 0, 0, 0};
  songs[4].path = "/rated-edge";
  songs[4].rating = MoodEstimate{0.55, 0.95, 0, 0, 0};
  songs[4].prediction = MoodEstimate{0.1, 0.1, 0.001, 0, 0.001};  // the rating wins
  const RectRegion region{0.5, 0.5, 1.0, 1.0};
  RegionQueryOptions opt;
  auto ranked = rankByRegion(songs, region, opt);
  ASSERT_EQ(ranked.size(), 4u);
  EXPECT_EQ(ranked[0].song->path, "/rated-centre");  // probability 1, distance 0
  EXPECT_EQ(ranked[1].song->path, "/rated-edge");    // probability 1, farther from the centre
  EXPECT_EQ(ranked[2].song->path, "/inside-sure");
  EXPECT_EQ(ranked[3].song->path, "/inside-unsure");
  EXPECT_TRUE(ranked[1].fromRating);
  EXPECT_GT(ranked[2].probability, ranked[3].probability);
  opt.k = 2;
  EXPECT_EQ(rankByRegion(songs, region, opt).size(), 2u);
  opt.k = 0;
  opt.preferRating = false;
  ranked = rankByRegion(songs, region, opt);
  EXPECT_EQ(ranked.size(), 3u) << "/rated-edge now uses its prediction, far outside";
}

}  // namespace
}  // namespace mp::library
