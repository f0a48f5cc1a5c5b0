// ExactGp with per-row noise scales (used by retraining: a rating of weight w has noise σn²/w),
// against a direct dense computation of the GP posterior written out here (R&W eq. 2.22–2.24).

#include "core/gp/exact_gp.h"
#include "core/io/archive.h"

#include <Eigen/Cholesky>
#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace mp::gp {
namespace {

TEST(ExactGpRowNoise, MatchesTheDensePosteriorAndSurvivesSaveLoad) {
  std::mt19937_64 rng(3);
  std::normal_distribution<double> n01;
  const int n = 25, d = 3;
  Mat x(n, d);
  Vec y(n);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < d; ++j) x(i, j) = n01(rng);
    y(i) = std::sin(x(i, 0)) + 0.1 * n01(rng);
  }
  Vec scale = Vec::Ones(n);
  scale(4) = 1.0 / 20.0;  // a heavily weighted row
  scale(7) = 1.0 / 3.0;
  ExactGpConfig c;
  c.ard = false;
  const double ell = 1.3, sf2 = 0.8, sn2 = 0.2;
  Vec theta(3);
  theta << std::log(ell), std::log(sf2), std::log(sn2);
  auto gp = ExactGp::withParams(x, y, c, theta, scale);
  ASSERT_TRUE(gp.ok()) << gp.error().message;

  // Reference: standardise y, K = k(X,X) + σn² diag(s), mean = k*ᵀK⁻¹ys, var = k** − k*ᵀK⁻¹k* + σn².
  const double ym = y.mean();
  const double ysd = std::sqrt((y.array() - ym).square().sum() / (n - 1.0));
  const Vec ys = (y.array() - ym) / ysd;
  auto k = [&](const Eigen::RowVectorXd& a, const Eigen::RowVectorXd& b) {
    return sf2 * std::exp(-0.5 * (a - b).squaredNorm() / (ell * ell));
  };
  const double noise = c.minNoiseVariance + sn2;
  Mat kk(n, n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) kk(i, j) = k(x.row(i), x.row(j)) + (i == j ? noise * scale(i) : 0.0);
  const Eigen::LDLT<Mat> ldlt(kk);
  Mat xs(4, d);
  for (int i = 0; i < xs.size(); ++i) xs.data()[i] = n01(rng);
  xs.row(0) = x.row(4);  // at the weighted row
  Vec mean, var;
  gp->predict(xs, mean, var);
  for (int t = 0; t < xs.rows(); ++t) {
    Vec ks(n);
    for (int i = 0; i < n; ++i) ks(i) = k(xs.row(t), x.row(i));
    const double m = ks.dot(ldlt.solve(ys)) * ysd + ym;
    const double v = (sf2 - ks.dot(ldlt.solve(ks)) + noise) * ysd * ysd;
    EXPECT_NEAR(mean(t), m, 1e-9);
    EXPECT_NEAR(var(t), v, 1e-9);
  }
  // The weighted row pulls the posterior to its target: closer than with unit scales.
  auto plain = ExactGp::withParams(x, y, c, theta);
  ASSERT_TRUE(plain.ok());
  Vec pm, pv;
  plain->predict(xs.topRows(1), pm, pv);
  EXPECT_LT(std::abs(mean(0) - y(4)), std::abs(pm(0) - y(4)));

  // Save / load keeps the scales.
  io::ArchiveWriter w("test");
  gp->save(w, "g/");
  auto r = io::ArchiveReader::fromBytes(w.bytes(), "test");
  ASSERT_TRUE(r.ok());
  auto back = ExactGp::load(*r, "g/");
  ASSERT_TRUE(back.ok()) << back.error().message;
  Vec bm, bv;
  back->predict(xs, bm, bv);
  EXPECT_TRUE(bm.isApprox(mean, 1e-12));
  EXPECT_TRUE(back->rowNoiseScale().isApprox(scale));

  // Bad scales are errors.
  Vec bad = scale;
  bad(0) = 0.0;
  EXPECT_FALSE(ExactGp::withParams(x, y, c, theta, bad).ok());
  EXPECT_FALSE(ExactGp::withParams(x, y, c, theta, Vec::Ones(n - 1)).ok());
}

}  // namespace
}  // namespace mp::gp
