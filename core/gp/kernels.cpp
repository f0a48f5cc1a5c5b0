#include "core/gp/kernels.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace mp::gp {

SquaredExponentialKernel::SquaredExponentialKernel(Vec lengthscales, double variance)
    : logLengthscales_(lengthscales.array().log().matrix()), logVariance_(std::log(variance)) {}

Vec SquaredExponentialKernel::params() const {
  Vec t(numParams());
  t.head(logLengthscales_.size()) = logLengthscales_;
  t[t.size() - 1] = logVariance_;
  return t;
}

void SquaredExponentialKernel::setParams(ConstVecRef theta) {
  logLengthscales_ = theta.head(theta.size() - 1);
  logVariance_ = theta[theta.size() - 1];
}

double SquaredExponentialKernel::variance() const { return std::exp(logVariance_); }
Vec SquaredExponentialKernel::lengthscales() const { return logLengthscales_.array().exp().matrix(); }

namespace {
// Inverse squared lengthscale per input dimension (size D).
Vec inverseSquaredLengthscales(const Vec& logL, Eigen::Index dims) {
  if (logL.size() == 1) return Vec::Constant(dims, std::exp(-2.0 * logL[0]));
  return (-2.0 * logL.array()).exp().matrix();
}
}  // namespace

void SquaredExponentialKernel::matrix(ConstMatRef a, ConstMatRef b, Mat& out) const {
  const Vec w = inverseSquaredLengthscales(logLengthscales_, a.cols());
  const Mat as = a * w.cwiseSqrt().asDiagonal();
  const Mat bs = b * w.cwiseSqrt().asDiagonal();
  const Vec an = as.rowwise().squaredNorm();
  const Vec bn = bs.rowwise().squaredNorm();
  out.resize(a.rows(), b.rows());
  out.noalias() = -2.0 * as * bs.transpose();
  out.colwise() += an;
  out.rowwise() += bn.transpose();
  const double s2 = variance();
  out = (out.array().max(0.0) * -0.5).exp() * s2;
}

Mat SquaredExponentialKernel::matrix(ConstMatRef a, ConstMatRef b) const {
  Mat out;
  matrix(a, b, out);
  return out;
}

void SquaredExponentialKernel::accumulateGradients(ConstMatRef a, ConstMatRef b, ConstMatRef kab,
                                                   ConstMatRef dK, VecRef dTheta, Mat* dA,
                                                   Mat* dB) const {
  // G = dK ⊙ K. ∂/∂log σ² = Σ G.
  // ∂K_ij/∂a_id = −K_ij (a_id − b_jd) w_d, ∂K_ij/∂log ℓ_d = K_ij (a_id − b_jd)² w_d.
  const Eigen::Index D = a.cols();
  const Vec w = inverseSquaredLengthscales(logLengthscales_, D);
  const Mat G = dK.cwiseProduct(kab);
  const Vec rs = G.rowwise().sum();  // Na
  const Vec cs = G.colwise().sum().transpose();  // Nb
  const Mat Gb = G * b;  // Na×D
  dTheta[dTheta.size() - 1] += G.sum();
  // Σ_ij G_ij (a_id − b_jd)² = Σ_i rs_i a_id² − 2 Σ_i a_id (G b)_id + Σ_j cs_j b_jd².
  const Vec sq = (a.array().square().matrix().transpose() * rs) - 2.0 * (a.cwiseProduct(Gb)).colwise().sum().transpose() +
                 (b.array().square().matrix().transpose() * cs);
  const Vec perDim = sq.cwiseProduct(w);
  if (logLengthscales_.size() == 1) {
    dTheta[0] += perDim.sum();
  } else {
    dTheta.head(D) += perDim;
  }
  if (dA != nullptr) {
    // ∂L/∂a_id = −w_d (rs_i a_id − (G b)_id)
    dA->noalias() -= ((a.array().colwise() * rs.array()).matrix() - Gb) * w.asDiagonal();
  }
  if (dB != nullptr) {
    const Mat Gta = G.transpose() * a;  // Nb×D
    dB->noalias() += (Gta - (b.array().colwise() * cs.array()).matrix()) * w.asDiagonal();
  }
}

LinearKernel::LinearKernel(double constant, double variance)
    : logConstant_(std::log(constant)), logVariance_(std::log(variance)) {}

Vec LinearKernel::params() const {
  Vec t(2);
  t << logConstant_, logVariance_;
  return t;
}

void LinearKernel::setParams(ConstVecRef theta) {
  logConstant_ = theta[0];
  logVariance_ = theta[1];
}

Mat LinearKernel::matrix(ConstMatRef a, ConstMatRef b) const {
  Mat k = std::exp(logVariance_) * (a * b.transpose());
  k.array() += std::exp(logConstant_);
  return k;
}

Vec LinearKernel::diagonal(ConstMatRef a) const {
  return (std::exp(logVariance_) * a.rowwise().squaredNorm()).array() + std::exp(logConstant_);
}

void LinearKernel::accumulateGradients(ConstMatRef a, ConstMatRef b, ConstMatRef /*kab*/,
                                       ConstMatRef dK, VecRef dTheta, Mat* dA, Mat* dB) const {
  const double c = std::exp(logConstant_);
  const double v = std::exp(logVariance_);
  dTheta[0] += c * dK.sum();
  dTheta[1] += v * (a.transpose() * dK * b).trace();
  if (dA != nullptr) dA->noalias() += v * dK * b;
  if (dB != nullptr) dB->noalias() += v * dK.transpose() * a;
}

double medianPairwiseDistance(ConstMatRef x, int maxRows) {
  const Eigen::Index n = x.rows();
  if (n < 2) return 1.0;
  const Eigen::Index m = std::min<Eigen::Index>(n, std::max(2, maxRows));
  std::vector<Eigen::Index> rows(static_cast<std::size_t>(m));
  for (Eigen::Index i = 0; i < m; ++i) rows[static_cast<std::size_t>(i)] = i * n / m;
  std::vector<double> d;
  d.reserve(static_cast<std::size_t>(m * (m - 1) / 2));
  for (Eigen::Index i = 0; i < m; ++i) {
    for (Eigen::Index j = i + 1; j < m; ++j) {
      const double dist = (x.row(rows[static_cast<std::size_t>(i)]) - x.row(rows[static_cast<std::size_t>(j)])).norm();
      if (dist > 0) d.push_back(dist);
    }
  }
  if (d.empty()) return 1.0;
  auto mid = d.begin() + static_cast<std::ptrdiff_t>(d.size() / 2);
  std::nth_element(d.begin(), mid, d.end());
  return *mid;
}

}  // namespace mp::gp
