// VB-GMM and EM-GMM against known synthetic mixtures.

#include "core/mood/gmm.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

namespace mp::mood {
namespace {

/// Three well-separated D-dimensional clusters with known parameters.
DiagGmm knownMixture(int d) {
  DiagGmm g;
  g.weights = Vec(3);
  g.weights << 0.5, 0.3, 0.2;
  g.means = Mat::Zero(3, d);
  g.variances = Mat::Constant(3, d, 0.25);
  for (int j = 0; j < d; ++j) {
    g.means(0, j) = 4.0;
    g.means(1, j) = -4.0;
    g.means(2, j) = (j % 2 == 0) ? 4.0 : -4.0;
  }
  g.variances.row(1).setConstant(0.5);
  return g;
}

/// Index of the fitted component whose mean is nearest to `mean`.
int nearest(const DiagGmm& g, const Vec& mean) {
  Eigen::Index arg = 0;
  (g.means.rowwise() - mean.transpose()).rowwise().squaredNorm().minCoeff(&arg);
  return static_cast<int>(arg);
}

TEST(VbGmm, RecoversSeparatedClustersAndPrunesToTrueK) {
  const DiagGmm truth = knownMixture(4);
  const Mat x = truth.sample(3000, 7);
  VbGmmConfig cfg;
  cfg.maxComponents = 16;
  cfg.seed = 3;
  auto fit = fitVbGmm(x, cfg);
  ASSERT_TRUE(fit.ok()) << fit.error().message;
  const DiagGmm& g = fit->gmm;
  // Pruning from K_max = 16 leaves the 3 true components; VB may keep a component holding a
  // single outlying point (N_k ≈ 1, at the pruning threshold), which carries negligible weight.
  int major = 0;
  double minorWeight = 0.0;
  for (int k = 0; k < g.components(); ++k) {
    if (g.weights(k) > 0.01) {
      ++major;
    } else {
      minorWeight += g.weights(k);
    }
  }
  EXPECT_EQ(major, 3);
  EXPECT_LE(g.components(), 5);
  EXPECT_LT(minorWeight, 2.0 / 3000.0);
  for (int k = 0; k < 3; ++k) {
    const int j = nearest(g, truth.means.row(k).transpose());
    EXPECT_LT((g.means.row(j) - truth.means.row(k)).cwiseAbs().maxCoeff(), 0.1);
    EXPECT_NEAR(g.weights(j), truth.weights(k), 0.03);
    for (int d = 0; d < 4; ++d) EXPECT_NEAR(g.variances(j, d), truth.variances(k, d), 0.08);
  }
}

TEST(VbGmm, MatchesEmOnSeparatedClusters) {
  const DiagGmm truth = knownMixture(3);
  const Mat x = truth.sample(2000, 11);
  VbGmmConfig vcfg;
  vcfg.maxComponents = 10;
  auto vb = fitVbGmm(x, vcfg);
  ASSERT_TRUE(vb.ok()) << vb.error().message;
  EmGmmConfig ecfg;
  ecfg.components = 3;
  auto em = fitEmGmm(x, ecfg);
  ASSERT_TRUE(em.ok()) << em.error().message;
  ASSERT_GE(vb->gmm.components(), 3);
  EXPECT_EQ((vb->gmm.weights.array() > 0.01).count(), 3);
  for (int k = 0; k < 3; ++k) {
    const int j = nearest(vb->gmm, em->gmm.means.row(k).transpose());
    EXPECT_LT((vb->gmm.means.row(j) - em->gmm.means.row(k)).cwiseAbs().maxCoeff(), 0.02);
    EXPECT_NEAR(vb->gmm.weights(j), em->gmm.weights(k), 0.01);
    EXPECT_LT((vb->gmm.variances.row(j) - em->gmm.variances.row(k)).cwiseAbs().maxCoeff(), 0.03);
  }
  // The mean log-likelihood of both fits is the same to within a small amount.
  EXPECT_NEAR(vb->gmm.meanLogLikelihood(x), em->gmm.meanLogLikelihood(x), 0.01);
}

TEST(VbGmm, ElboNeverDecreasesWhileKIsFixed) {
  // Overlapping clusters in 5-D so that many iterations and several prunings happen.
  std::mt19937_64 rng(5);
  std::normal_distribution<double> n01;
  Mat x(1500, 5);
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    const double shift = static_cast<double>(i % 5) * 1.2;
    for (int d = 0; d < 5; ++d) x(i, d) = n01(rng) + (d == i % 5 ? shift : 0.0);
  }
  VbGmmConfig cfg;
  cfg.maxComponents = 20;
  cfg.maxIterations = 200;
  cfg.tolerance = 0.0;
  auto fit = fitVbGmm(x, cfg);
  ASSERT_TRUE(fit.ok()) << fit.error().message;
  const auto& h = fit->elboHistory;
  ASSERT_GT(h.size(), 20u);
  int compared = 0;
  for (std::size_t i = 1; i < h.size(); ++i) {
    ASSERT_TRUE(std::isfinite(h[i]));
    if (fit->componentHistory[i] != fit->componentHistory[i - 1]) continue;  // model changed
    EXPECT_GE(h[i], h[i - 1] - 1e-9 * std::abs(h[i - 1])) << "iteration " << i;
    ++compared;
  }
  EXPECT_GT(compared, 10);
}

TEST(VbGmm, DeterministicPerSeedAndPoolIndependent) {
  const DiagGmm truth = knownMixture(3);
  const Mat x = truth.sample(5000, 2);
  VbGmmConfig cfg;
  cfg.maxComponents = 8;
  cfg.subsampleFraction = 0.25;
  cfg.seed = 9;
  auto a = fitVbGmm(x, cfg);
  ThreadPool pool(2);
  auto b = fitVbGmm(x, cfg, &pool);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->gmm.components(), b->gmm.components());
  EXPECT_EQ((a->gmm.means - b->gmm.means).cwiseAbs().maxCoeff(), 0.0);
  cfg.seed = 10;
  auto c = fitVbGmm(x, cfg);
  ASSERT_TRUE(c.ok());
  // A different subsample gives (slightly) different parameters.
  EXPECT_FALSE(c->gmm.components() == a->gmm.components() &&
               (c->gmm.weights - a->gmm.weights).cwiseAbs().maxCoeff() == 0.0);
}

TEST(VbGmm, RejectsBadInput) {
  VbGmmConfig cfg;
  Mat x = Mat::Zero(1, 3);
  EXPECT_FALSE(fitVbGmm(x, cfg).ok());
  Mat y = Mat::Ones(10, 2);
  y(3, 1) = std::nan("");
  EXPECT_FALSE(fitVbGmm(y, cfg).ok());
  cfg.alpha0 = -1.0;
  EXPECT_FALSE(fitVbGmm(Mat::Random(10, 2), cfg).ok());
}

TEST(DiagGmm, PosteriorsMatchScalarReference) {
  const DiagGmm g = knownMixture(3);
  const Mat x = g.sample(50, 4) * 0.3;  // points between the clusters: non-trivial posteriors
  Mat gamma;
  Vec ll;
  g.posteriors(x, gamma, &ll);
  for (Eigen::Index n = 0; n < x.rows(); ++n) {
    Vec dens(3);
    for (int k = 0; k < 3; ++k) {
      double v = g.weights(k);
      for (int d = 0; d < 3; ++d) {
        const double var = g.variances(k, d);
        const double z = x(n, d) - g.means(k, d);
        v *= std::exp(-0.5 * z * z / var) / std::sqrt(2.0 * M_PI * var);
      }
      dens(k) = v;
    }
    EXPECT_NEAR(ll(n), std::log(dens.sum()), 1e-9);
    for (int k = 0; k < 3; ++k) EXPECT_NEAR(gamma(n, k), dens(k) / dens.sum(), 1e-9);
  }
}

TEST(KMeans, FindsSeparatedCentres) {
  const DiagGmm truth = knownMixture(2);
  const Mat x = truth.sample(600, 1);
  const KMeansResult km = kMeans(x, 3, 30, 1);
  for (int k = 0; k < 3; ++k) {
    Eigen::Index arg = 0;
    (km.centres.rowwise() - truth.means.row(k)).rowwise().squaredNorm().minCoeff(&arg);
    EXPECT_LT((km.centres.row(arg) - truth.means.row(k)).norm(), 0.2);
  }
}

}  // namespace
}  // namespace mp::mood
