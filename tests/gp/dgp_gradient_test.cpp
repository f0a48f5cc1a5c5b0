// Finite-difference check of the hand-written reverse-mode gradient of the deep-GP ELBO
// (SCIENCE.md §5) for L = 1, 2, 3 layers with fixed ε draws, random parameters (including
// non-trivial q(v)), row weights, two outputs, and a batch large enough to use two chunks.
#include "core/common/thread_pool.h"
#include "core/gp/dgp_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace mp::gp::detail {
namespace {

Mat randn(Eigen::Index r, Eigen::Index c, std::mt19937_64& rng, double sd = 1.0) {
  std::normal_distribution<double> n01(0.0, sd);
  Mat m(r, c);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = n01(rng);
  return m;
}

DgpParams randomParams(int layers, int d0, int width, int p, int m, std::mt19937_64& rng) {
  DgpParams params;
  int din = d0;
  for (int l = 0; l < layers; ++l) {
    const bool last = l == layers - 1;
    const int dout = last ? p : width;
    DgpLayer layer;
    layer.z = randn(m, din, rng);
    Vec ell = (0.3 * randn(l == 1 ? 1 : din, 1, rng)).array().exp().matrix() * 1.3;  // layer 2 isotropic
    layer.kernel = SquaredExponentialKernel(ell, std::exp(0.2 * randn(1, 1, rng)(0, 0)));
    layer.qMu = randn(m, dout, rng, 0.5);
    for (int d = 0; d < dout; ++d) {
      Mat s = randn(m, m, rng, 0.2);
      s.diagonal() = (0.3 * randn(m, 1, rng)).array().exp().matrix() * 0.5;
      s.triangularView<Eigen::StrictlyUpper>().setZero();
      layer.qSqrt.push_back(s);
    }
    if (!last) {
      layer.meanW = randn(din, dout, rng, 0.5);
      layer.white = 1e-6;
    }
    params.layers.push_back(layer);
    din = dout;
  }
  params.logNoise = 0.3 * randn(p, 1, rng) + Vec::Constant(p, std::log(0.3));
  return params;
}

void checkElboGradient(int layers, int samples, int b = 40) {
  std::mt19937_64 rng(100 + layers);
  const int d0 = 3, width = 2, p = 2, m = 5;
  DgpParams params = randomParams(layers, d0, width, p, m, rng);
  const Mat x = randn(b, d0, rng);
  const Mat y = randn(b, p, rng);
  const Vec w = (randn(b, 1, rng).array().abs() + 0.5).matrix();
  NoiseDraws eps(static_cast<std::size_t>(samples));
  for (auto& e : eps) {
    for (int l = 0; l + 1 < layers; ++l) e.push_back(randn(b, width, rng));
  }
  const double scale = 3.0;
  Vec theta;
  pack(params, theta);
  ThreadPool pool(2);
  Vec grad;
  auto v = dgpElbo(params, x, y, &w, scale, eps, &grad, &pool);
  ASSERT_TRUE(v.ok()) << v.error().message;
  ASSERT_EQ(grad.size(), theta.size());
  auto f = [&](const Vec& t) {
    DgpParams q = params;
    unpack(t, q);
    return *dgpElbo(q, x, y, &w, scale, eps, nullptr, nullptr);
  };
  // Serial and parallel evaluations agree exactly (fixed chunking).
  Vec gradSerial;
  auto vSerial = dgpElbo(params, x, y, &w, scale, eps, &gradSerial, nullptr);
  EXPECT_EQ(*v, *vSerial);
  EXPECT_EQ((grad - gradSerial).cwiseAbs().maxCoeff(), 0.0);

  const double h = 1e-5;
  int checked = 0;
  double worst = 0.0;
  for (Eigen::Index i = 0; i < theta.size(); ++i) {
    Vec tp = theta, tm = theta;
    tp[i] += h;
    tm[i] -= h;
    const double num = (f(tp) - f(tm)) / (2 * h);
    const double tol = 1e-5 * std::max(1.0, std::abs(num)) + 2e-6;
    EXPECT_NEAR(grad[i], num, tol) << "layers " << layers << " parameter " << i;
    worst = std::max(worst, std::abs(grad[i] - num) / std::max(1.0, std::abs(num)));
    ++checked;
  }
  EXPECT_EQ(checked, theta.size());
  ::testing::Test::RecordProperty("worst_relative_error", std::to_string(worst));
}

TEST(DgpElboGradient, OneLayerSvgp) { checkElboGradient(1, 1); }
TEST(DgpElboGradient, TwoLayers) { checkElboGradient(2, 1); }
TEST(DgpElboGradient, ThreeLayersTwoSamples) { checkElboGradient(3, 2); }
// 520 rows are cut into 4 chunks: the chunked reduction is checked against finite differences too.
TEST(DgpElboGradient, ThreeLayersManyChunks) { checkElboGradient(3, 1, 520); }

// The ELBO and its gradient are bit-identical whatever the pool (none, 2, 3 or 5 threads), and a
// workspace reused across evaluations with other parameters and batch sizes changes nothing.
TEST(DgpElbo, BitIdenticalForAnyThreadCountAndWorkspaceReuse) {
  std::mt19937_64 rng(7);
  const int d0 = 4, width = 3, p = 2, m = 12, b = 1100;  // 8 chunks
  const DgpParams params = randomParams(3, d0, width, p, m, rng);
  const DgpParams other = randomParams(3, d0, width, p, m, rng);
  const Mat x = randn(b, d0, rng);
  const Mat y = randn(b, p, rng);
  NoiseDraws eps(2);
  for (auto& e : eps) {
    for (int l = 0; l < 2; ++l) e.push_back(randn(b, width, rng));
  }
  Vec reference;
  const double elbo = *dgpElbo(params, x, y, nullptr, 2.0, eps, &reference, nullptr);
  ASSERT_TRUE(std::isfinite(elbo));
  for (int threads : {2, 3, 5}) {
    ThreadPool pool(static_cast<std::size_t>(threads));
    DgpWorkspace workspace;
    Vec grad;
    // Dirty the workspace first: other parameters and a smaller batch (other chunk count).
    NoiseDraws epsSmall(1);
    for (int l = 0; l < 2; ++l) epsSmall[0].push_back(randn(100, width, rng));
    ASSERT_TRUE(dgpElbo(other, x.topRows(100), y.topRows(100), nullptr, 1.0, epsSmall, &grad, &pool, workspace).ok());
    for (int repeat = 0; repeat < 2; ++repeat) {
      auto v = dgpElbo(params, x, y, nullptr, 2.0, eps, &grad, &pool, workspace);
      ASSERT_TRUE(v.ok()) << v.error().message;
      EXPECT_EQ(*v, elbo) << threads << " threads";
      ASSERT_EQ(grad.size(), reference.size());
      EXPECT_EQ((grad - reference).cwiseAbs().maxCoeff(), 0.0) << threads << " threads";
    }
  }
}

TEST(DgpKl, ZeroAtPriorAndPositiveElsewhere) {
  std::mt19937_64 rng(1);
  DgpParams p = randomParams(2, 2, 2, 1, 4, rng);
  EXPECT_GT(dgpKl(p), 0.0);
  for (auto& l : p.layers) {
    l.qMu.setZero();
    for (auto& s : l.qSqrt) s.setIdentity();
  }
  EXPECT_NEAR(dgpKl(p), 0.0, 1e-12);
}

TEST(Kmeans, FindsWellSeparatedClusters) {
  std::mt19937_64 rng(4);
  Mat x(60, 2);
  const Mat truth = (Mat(3, 2) << 0, 0, 10, 0, 0, 10).finished();
  for (int i = 0; i < 60; ++i) x.row(i) = truth.row(i % 3) + 0.1 * randn(1, 2, rng);
  const Mat c = kmeans(x, 3, 9);
  for (int t = 0; t < 3; ++t) {
    double best = 1e9;
    for (int j = 0; j < 3; ++j) best = std::min(best, (c.row(j) - truth.row(t)).norm());
    EXPECT_LT(best, 0.2);
  }
}

}  // namespace
}  // namespace mp::gp::detail
