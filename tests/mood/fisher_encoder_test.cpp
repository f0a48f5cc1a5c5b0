// Fisher vectors: finite-difference gradients, the Fisher-information property, LAFV algebra.

#include "core/mood/fisher_encoder.h"

#include <gtest/gtest.h>

#include <cmath>

namespace mp::mood {
namespace {

DiagGmm smallGmm() {
  DiagGmm g;
  g.weights = Vec(3);
  g.weights << 0.2, 0.5, 0.3;
  g.means = Mat(3, 2);
  g.means << -1.0, 0.5, 0.8, -0.3, 0.1, 1.2;
  g.variances = Mat(3, 2);
  g.variances << 0.6, 1.1, 0.4, 0.9, 1.5, 0.7;
  return g;
}

/// Mean log-likelihood of x as a function of one mean or standard deviation entry.
double meanLl(DiagGmm g, ConstMatRef x, int k, int d, bool isSigma, double value) {
  if (isSigma) {
    g.variances(k, d) = value * value;
  } else {
    g.means(k, d) = value;
  }
  return g.meanLogLikelihood(x);
}

TEST(FisherEncoder, EqualsFisherScaledFiniteDifferenceGradient) {
  const DiagGmm g = smallGmm();
  const Mat x = g.sample(40, 3) * 1.3;
  FisherConfig cfg;
  cfg.encoding = Encoding::Global;
  cfg.improved = false;
  const FisherEncoder enc(g, cfg);
  const Vec fv = enc.rawFisherVector(x);
  const int kk = 3, dd = 2;
  ASSERT_EQ(fv.size(), 2 * kk * dd);
  const double h = 1e-5;
  for (int k = 0; k < kk; ++k) {
    for (int d = 0; d < dd; ++d) {
      const double mu = g.means(k, d);
      const double sd = std::sqrt(g.variances(k, d));
      const double dmu = (meanLl(g, x, k, d, false, mu + h) - meanLl(g, x, k, d, false, mu - h)) / (2 * h);
      const double dsd = (meanLl(g, x, k, d, true, sd + h) - meanLl(g, x, k, d, true, sd - h)) / (2 * h);
      // Fisher normalisation: g_μ = σ/√π ∂L/∂μ, g_σ = σ/√(2π) ∂L/∂σ.
      EXPECT_NEAR(fv(k * dd + d), sd / std::sqrt(g.weights(k)) * dmu, 1e-7) << k << "," << d;
      EXPECT_NEAR(fv((kk + k) * dd + d), sd / std::sqrt(2.0 * g.weights(k)) * dsd, 1e-7) << k << "," << d;
    }
  }
}

TEST(FisherEncoder, ScoreHasZeroMeanAndIdentityCovarianceUnderTheModel) {
  // Well-separated components (posteriors ≈ hard), where the diagonal Fisher approximation of
  // the paper's appendix holds. Per-sample FV (N_s = 1) over many draws.
  DiagGmm g;
  g.weights = Vec(3);
  g.weights << 0.25, 0.35, 0.4;
  g.means = Mat(3, 2);
  g.means << -10.0, 0.0, 10.0, 3.0, 0.0, 12.0;
  g.variances = Mat(3, 2);
  g.variances << 1.0, 2.0, 0.5, 1.5, 3.0, 0.8;
  FisherConfig cfg;
  cfg.encoding = Encoding::Global;
  cfg.improved = false;
  const FisherEncoder enc(g, cfg);
  const int draws = 40000;
  const Mat x = g.sample(draws, 17);
  Mat gamma;
  g.posteriors(x, gamma);
  Mat fvs(draws, 12);
  for (int i = 0; i < draws; ++i) fvs.row(i) = enc.rawFromPosteriors(x.row(i), gamma.row(i), 1.0).transpose();
  const Vec mean = fvs.colwise().mean().transpose();
  const Mat c = fvs.rowwise() - mean.transpose();
  const Mat cov = c.transpose() * c / static_cast<double>(draws - 1);
  // Standard error of each mean ≈ sqrt(1/40000) = 0.005 (g_σ has variance 1 with heavier tails):
  // tolerance 0.03 ≈ 6 standard errors. Covariance entries: tolerance 0.06.
  EXPECT_LT(mean.cwiseAbs().maxCoeff(), 0.03);
  EXPECT_LT((cov - Mat::Identity(12, 12)).cwiseAbs().maxCoeff(), 0.06);
}

TEST(FisherEncoder, LafvSumWithGlobalCountEqualsGlobalFv) {
  const DiagGmm g = smallGmm();
  const Mat x = g.sample(120, 8);
  FisherConfig cfg;
  cfg.improved = false;
  cfg.encoding = Encoding::Lafv;
  cfg.intraNormalize = false;
  const FisherEncoder plain(g, cfg);
  const Vec global = plain.rawFisherVector(x);
  const Vec lafvSum = plain.rawLafv(x);
  EXPECT_LT((global - lafvSum).cwiseAbs().maxCoeff(), 1e-12 * std::max(1.0, global.cwiseAbs().maxCoeff()));
  cfg.intraNormalize = true;
  const FisherEncoder intra(g, cfg);
  const Vec lafv = intra.rawLafv(x);
  EXPECT_GT((lafv - global).norm(), 0.1 * global.norm()) << "intra-normalised LAFV must differ on multi-cluster songs";
}

TEST(FisherEncoder, ImprovedAndCompactForms) {
  const DiagGmm g = smallGmm();
  const Mat x = g.sample(60, 2);
  FisherConfig cfg;
  cfg.encoding = Encoding::Lafv;
  const FisherEncoder enc(g, cfg);
  const Vec z = enc.encode(x);
  EXPECT_EQ(z.size(), enc.dimension());
  EXPECT_NEAR(z.norm(), 1.0, 1e-12);
  // Signed square root: the improved vector equals sign(r)√|r| / ‖·‖ of the raw one.
  Vec raw = enc.rawLafv(x);
  Vec manual = raw.array().sign() * raw.array().abs().sqrt();
  manual /= manual.norm();
  EXPECT_LT((manual - z).cwiseAbs().maxCoeff(), 1e-12);
  cfg.compact = true;
  const FisherEncoder compact(g, cfg);
  const Vec c = compact.encode(x);
  ASSERT_EQ(c.size(), 6);
  EXPECT_EQ(compact.dimension(), 6);
  for (int b = 0; b < 6; ++b) EXPECT_NEAR(c(b), z.segment(b * 2, 2).norm(), 1e-12);
  EXPECT_NEAR(c.norm(), 1.0, 1e-12);
  // No segments: zero vector, no NaN.
  const Vec empty = enc.encode(Mat(0, 2));
  EXPECT_TRUE(empty.allFinite());
  EXPECT_EQ(empty.norm(), 0.0);
}

TEST(Standardizer, ZeroVarianceGuardAndRoundTrip) {
  Mat x(4, 3);
  x << 1, 5, 2, 2, 5, 4, 3, 5, 6, 4, 5, 8;
  const Standardizer s = Standardizer::fit(x);
  ASSERT_TRUE(s.validate().ok());
  EXPECT_EQ(s.scale(1), 1.0);
  const Mat z = s.transform(x);
  EXPECT_TRUE(z.allFinite());
  EXPECT_NEAR(z.col(0).mean(), 0.0, 1e-12);
  EXPECT_NEAR(std::sqrt(z.col(2).squaredNorm() / 3.0), 1.0, 1e-12);
  EXPECT_EQ(z.col(1).cwiseAbs().maxCoeff(), 0.0);
}

TEST(Pca, ProjectionOrdersVarianceAndHandlesWideData) {
  Mat x = Mat::Random(30, 5);
  x.col(2) *= 10.0;
  auto p = Pca::fit(x, 2);
  ASSERT_TRUE(p.ok());
  EXPECT_GT(std::abs(p->components(2, 0)), 0.99);
  EXPECT_GE(p->variances(0), p->variances(1));
  Mat wide = Mat::Random(10, 50);
  auto q = Pca::fit(wide, 4);
  ASSERT_TRUE(q.ok());
  const Mat y = q->transform(wide);
  // Columns of the projection are uncorrelated with the stated variances.
  const Mat cov = y.transpose() * y / 9.0;
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(cov(i, i), q->variances(i), 1e-9);
  EXPECT_NEAR(cov(0, 1), 0.0, 1e-9);
}

}  // namespace
}  // namespace mp::mood
