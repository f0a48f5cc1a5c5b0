// Finite-difference checks of every analytic gradient in the GP engine (STYLE.md §8):
// kernels (hyperparameters and inputs), the Cholesky backward pass, the exact-GP log marginal
// likelihood. The deep-GP ELBO checks live in dgp_gradient_test.cpp.
#include "core/gp/cholesky.h"
#include "core/gp/exact_gp.h"
#include "core/gp/kernels.h"

#include <Eigen/Cholesky>
#include <gtest/gtest.h>

#include <functional>
#include <random>

namespace mp::gp {
namespace {

Mat randn(Eigen::Index r, Eigen::Index c, std::mt19937_64& rng) {
  std::normal_distribution<double> n01;
  Mat m(r, c);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = n01(rng);
  return m;
}

// Central differences of f at x along every coordinate.
Vec numericGradient(const std::function<double(const Vec&)>& f, const Vec& x, double h = 1e-5) {
  Vec g(x.size());
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    Vec xp = x, xm = x;
    xp[i] += h;
    xm[i] -= h;
    g[i] = (f(xp) - f(xm)) / (2 * h);
  }
  return g;
}

void expectClose(const Vec& analytic, const Vec& numeric, double rel = 1e-5) {
  ASSERT_EQ(analytic.size(), numeric.size());
  const double scale = std::max(1.0, numeric.cwiseAbs().maxCoeff());
  for (Eigen::Index i = 0; i < analytic.size(); ++i) {
    EXPECT_NEAR(analytic[i], numeric[i], rel * scale) << "coordinate " << i;
  }
}

template <class Kernel>
void checkKernel(Kernel kernel, int draws, bool ardDims) {
  std::mt19937_64 rng(11);
  for (int draw = 0; draw < draws; ++draw) {
    const Eigen::Index D = 3;
    const Mat a = randn(4, D, rng);
    const Mat b = randn(5, D, rng);
    const Mat r = randn(4, 5, rng);  // L = Σ R ⊙ K(a, b)
    Vec theta = 0.3 * randn(kernel.numParams(), 1, rng);
    if (ardDims) theta.head(D).array() += 0.2;
    auto loss = [&](const Vec& t, const Mat& aa, const Mat& bb) {
      Kernel k = kernel;
      k.setParams(t);
      return k.matrix(aa, bb).cwiseProduct(r).sum();
    };
    Kernel k = kernel;
    k.setParams(theta);
    Vec dTheta = Vec::Zero(theta.size());
    Mat dA = Mat::Zero(a.rows(), D), dB = Mat::Zero(b.rows(), D);
    k.accumulateGradients(a, b, k.matrix(a, b), r, dTheta, &dA, &dB);
    expectClose(dTheta, numericGradient([&](const Vec& t) { return loss(t, a, b); }, theta));
    const Vec av = Eigen::Map<const Vec>(a.data(), a.size());
    const Vec bv = Eigen::Map<const Vec>(b.data(), b.size());
    expectClose(Eigen::Map<const Vec>(dA.data(), dA.size()),
                numericGradient([&](const Vec& v) { return loss(theta, Eigen::Map<const Mat>(v.data(), a.rows(), D), b); }, av));
    expectClose(Eigen::Map<const Vec>(dB.data(), dB.size()),
                numericGradient([&](const Vec& v) { return loss(theta, a, Eigen::Map<const Mat>(v.data(), b.rows(), D)); }, bv));
    // Symmetric use K(a, a): both input gradients add up.
    const Mat rs = randn(4, 4, rng);
    Mat dAA = Mat::Zero(4, D);
    Vec dT2 = Vec::Zero(theta.size());
    k.accumulateGradients(a, a, k.matrix(a, a), rs, dT2, &dAA, &dAA);
    auto lossSym = [&](const Vec& v) {
      const Mat aa = Eigen::Map<const Mat>(v.data(), 4, D);
      return k.matrix(aa, aa).cwiseProduct(rs).sum();
    };
    expectClose(Eigen::Map<const Vec>(dAA.data(), dAA.size()), numericGradient(lossSym, av));
  }
}

TEST(KernelGradients, SquaredExponentialArd) {
  checkKernel(SquaredExponentialKernel(Vec::Ones(3), 1.0), 5, true);
}

TEST(KernelGradients, SquaredExponentialIsotropic) {
  checkKernel(SquaredExponentialKernel(Vec::Ones(1), 1.0), 5, false);
}

TEST(KernelGradients, LinearConstant) { checkKernel(LinearKernel(0.5, 1.0), 5, false); }

TEST(KernelValues, SquaredExponentialMatchesDefinition) {
  Vec ell(2);
  ell << 0.5, 2.0;
  SquaredExponentialKernel k(ell, 1.7);
  Mat a(1, 2), b(1, 2);
  a << 0.1, -0.3;
  b << 0.4, 0.9;
  const double expected = 1.7 * std::exp(-0.5 * (0.09 / 0.25 + 1.44 / 4.0));
  EXPECT_NEAR(k.matrix(a, b)(0, 0), expected, 1e-14);
}

TEST(CholeskyBackward, MatchesFiniteDifferences) {
  std::mt19937_64 rng(5);
  for (int draw = 0; draw < 4; ++draw) {
    const int n = 5;
    const Mat a = randn(n, n, rng);
    const Mat k = a * a.transpose() + n * Mat::Identity(n, n);
    Mat r = randn(n, n, rng);
    r.triangularView<Eigen::StrictlyUpper>().setZero();  // f(L) = Σ R ⊙ L
    auto f = [&](const Vec& v) {
      Mat kk = Eigen::Map<const Mat>(v.data(), n, n);
      kk = 0.5 * (kk + kk.transpose()).eval();  // perturb symmetric pairs together
      Eigen::LLT<Mat> llt(kk);
      return Mat(llt.matrixL()).cwiseProduct(r).sum();
    };
    Eigen::LLT<Mat> llt(k);
    const Mat kBar = choleskyBackward(Mat(llt.matrixL()), r);
    const Vec kv = Eigen::Map<const Vec>(k.data(), k.size());
    const Vec num = numericGradient(f, kv);
    expectClose(Eigen::Map<const Vec>(kBar.data(), kBar.size()), num);
  }
}

TEST(Cholesky, JitterEscalatesForDuplicatesAndFailsClearly) {
  Mat x(3, 1);
  x << 0.5, 0.5, 0.5;  // identical inputs: rank-1 kernel matrix
  SquaredExponentialKernel k(Vec::Ones(1), 1.0);
  auto r = jitteredCholesky(k.matrix(x, x), 1e-6, 1e-4);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_GE(r->jitter, 1e-6);
  Mat bad = -Mat::Identity(3, 3);
  auto r2 = jitteredCholesky(bad, 1e-6, 1e-4, "test matrix");
  ASSERT_FALSE(r2.ok());
  EXPECT_NE(r2.error().message.find("test matrix"), std::string::npos);
  Mat nan = Mat::Identity(2, 2);
  nan(0, 1) = std::nan("");
  EXPECT_FALSE(jitteredCholesky(nan).ok());
}

void checkExactGp(ExactKernel kernel, bool ard) {
  std::mt19937_64 rng(7);
  ExactGpConfig config;
  config.kernel = kernel;
  config.ard = ard;
  for (int draw = 0; draw < 4; ++draw) {
    const Mat x = randn(12, 3, rng);
    const Vec y = randn(12, 1, rng);
    const int nTheta = kernel == ExactKernel::LinearConstant ? 3 : (ard ? 5 : 3);
    const Vec theta = 0.3 * randn(nTheta, 1, rng);
    Vec g;
    auto v = exactGpNegLogMarginal(x, y, config, theta, &g);
    ASSERT_TRUE(v.ok());
    auto f = [&](const Vec& t) { return *exactGpNegLogMarginal(x, y, config, t, nullptr); };
    expectClose(g, numericGradient(f, theta), 1e-6);
  }
}

TEST(ExactGpGradients, SquaredExponentialArd) { checkExactGp(ExactKernel::SquaredExponential, true); }
TEST(ExactGpGradients, SquaredExponentialIsotropic) { checkExactGp(ExactKernel::SquaredExponential, false); }
TEST(ExactGpGradients, LinearConstant) { checkExactGp(ExactKernel::LinearConstant, false); }

}  // namespace
}  // namespace mp::gp
