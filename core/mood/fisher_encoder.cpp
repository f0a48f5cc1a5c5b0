#include "core/mood/fisher_encoder.h"

#include <Eigen/Eigenvalues>

#include <cassert>
#include <cmath>

namespace mp::mood {

const char* encodingName(Encoding e) { return e == Encoding::Global ? "global" : "lafv"; }

Result<Encoding> parseEncoding(const std::string& name) {
  if (name == "global") return Encoding::Global;
  if (name == "lafv") return Encoding::Lafv;
  return fail("unknown encoding '" + name + "' (expected global or lafv)");
}

FisherEncoder::FisherEncoder(DiagGmm gmm, FisherConfig config)
    : gmm_(std::move(gmm)), config_(config) {
  assert(gmm_.validate().ok());
  sigma_ = gmm_.variances.cwiseSqrt();
  sqrtPi_ = gmm_.weights.cwiseSqrt();
}

int FisherEncoder::dimension() const {
  const int k = gmm_.components();
  return config_.compact ? 2 * k : 2 * k * gmm_.dims();
}

Vec FisherEncoder::rawFromPosteriors(ConstMatRef v, ConstMatRef gamma, double count) const {
  const int k = gmm_.components();
  const int d = gmm_.dims();
  Vec out = Vec::Zero(2 * k * d);
  if (v.rows() == 0 || count <= 0.0) return out;
  const Vec nk = gamma.colwise().sum().transpose();  // K
  const Mat s1 = gamma.transpose() * v;              // K×D  Σ γ v
  const Mat s2 = gamma.transpose() * v.cwiseAbs2();  // K×D  Σ γ v²
  const Mat& mu = gmm_.means;
  const Mat var = gmm_.variances;
  // Σ γ (v − μ)/σ = (s1 − nk μ)/σ ;  Σ γ [((v−μ)/σ)² − 1] = (s2 − 2 μ s1 + nk μ²)/σ² − nk
  const Mat gmu = ((s1 - (mu.array().colwise() * nk.array()).matrix()).array() / sigma_.array()).matrix();
  const Mat gsig = ((s2.array() - 2.0 * mu.array() * s1.array() + mu.array().square().colwise() * nk.array()) /
                        var.array())
                       .colwise() -
                   nk.array();
  for (int j = 0; j < k; ++j) {
    const double a = 1.0 / (count * sqrtPi_(j));
    const double b = 1.0 / (count * std::sqrt(2.0) * sqrtPi_(j));
    out.segment(static_cast<Eigen::Index>(j) * d, d) = a * gmu.row(j).transpose();
    out.segment(static_cast<Eigen::Index>(k + j) * d, d) = b * gsig.row(j).transpose();
  }
  return out;
}

Vec FisherEncoder::rawFisherVector(ConstMatRef v) const {
  Mat gamma;
  gmm_.posteriors(v, gamma);
  return rawFromPosteriors(v, gamma, static_cast<double>(v.rows()));
}

Vec FisherEncoder::rawLafv(ConstMatRef v) const {
  const int k = gmm_.components();
  const int d = gmm_.dims();
  Vec sum = Vec::Zero(2 * k * d);
  if (v.rows() == 0) return sum;
  Mat gamma;
  gmm_.posteriors(v, gamma);
  std::vector<std::vector<Eigen::Index>> members(static_cast<std::size_t>(k));
  for (Eigen::Index t = 0; t < v.rows(); ++t) {
    Eigen::Index arg = 0;
    gamma.row(t).maxCoeff(&arg);
    members[static_cast<std::size_t>(arg)].push_back(t);
  }
  Mat vs, gs;
  for (const auto& idx : members) {
    if (idx.empty()) continue;
    const auto m = static_cast<Eigen::Index>(idx.size());
    vs.resize(m, d);
    gs.resize(m, k);
    for (Eigen::Index i = 0; i < m; ++i) {
      vs.row(i) = v.row(idx[static_cast<std::size_t>(i)]);
      gs.row(i) = gamma.row(idx[static_cast<std::size_t>(i)]);
    }
    const double count = config_.intraNormalize ? static_cast<double>(m) : static_cast<double>(v.rows());
    sum += rawFromPosteriors(vs, gs, count);
  }
  return sum;
}

void FisherEncoder::improve(Vec& z) {
  z = z.array().sign() * z.array().abs().sqrt();
  z /= std::max(z.norm(), 1e-12);
}

Vec FisherEncoder::compactBlocks(const Vec& z, int k, int d) {
  Vec out(2 * k);
  for (int b = 0; b < 2 * k; ++b) out(b) = z.segment(static_cast<Eigen::Index>(b) * d, d).norm();
  return out;
}

Vec FisherEncoder::encode(ConstMatRef v) const {
  Vec z = config_.encoding == Encoding::Global ? rawFisherVector(v) : rawLafv(v);
  if (config_.improved) improve(z);
  if (config_.compact) z = compactBlocks(z, gmm_.components(), gmm_.dims());
  return z;
}

// ---------------------------------------------------------------- Standardizer

Standardizer Standardizer::fit(ConstMatRef x, double minStd) {
  Standardizer s;
  const Eigen::Index d = x.cols();
  s.mean = x.rows() > 0 ? Vec(x.colwise().mean().transpose()) : Vec::Zero(d);
  s.scale = Vec::Ones(d);
  if (x.rows() > 1) {
    const Mat centred = x.rowwise() - s.mean.transpose();
    const Vec var = centred.cwiseAbs2().colwise().sum().transpose() / static_cast<double>(x.rows() - 1);
    for (Eigen::Index j = 0; j < d; ++j) {
      const double sd = std::sqrt(var(j));
      s.scale(j) = (std::isfinite(sd) && sd > minStd) ? sd : 1.0;
    }
  }
  return s;
}

Standardizer Standardizer::identity(int d) { return Standardizer{Vec::Zero(d), Vec::Ones(d)}; }

Mat Standardizer::transform(ConstMatRef x) const {
  return ((x.rowwise() - mean.transpose()).array().rowwise() / scale.transpose().array()).matrix();
}

Vec Standardizer::transformRow(ConstVecRef x) const {
  return ((x - mean).array() / scale.array()).matrix();
}

Status Standardizer::validate() const {
  if (mean.size() != scale.size()) return fail("standardiser shapes disagree");
  if (!mean.allFinite() || !scale.allFinite() || (scale.array() <= 0.0).any()) {
    return fail("standardiser statistics are invalid");
  }
  return {};
}

// ---------------------------------------------------------------- PCA

Result<Pca> Pca::fit(ConstMatRef x, int outputs) {
  if (x.rows() < 2) return fail("PCA needs at least 2 rows");
  if (outputs < 1 || outputs > x.cols()) return fail("PCA: outputs must be in 1..D");
  Pca p;
  p.mean = x.colwise().mean().transpose();
  const Mat c = x.rowwise() - p.mean.transpose();
  const Eigen::Index d = x.cols();
  const Eigen::Index n = x.rows();
  if (outputs > n - 1) outputs = static_cast<int>(n - 1);
  p.components.resize(d, outputs);
  p.variances.resize(outputs);
  const double denom = static_cast<double>(n - 1);
  if (d <= n) {
    const Mat cov = (c.transpose() * c) / denom;
    Eigen::SelfAdjointEigenSolver<Mat> eig(cov);
    if (eig.info() != Eigen::Success) return fail("PCA eigendecomposition failed");
    for (int i = 0; i < outputs; ++i) {
      p.components.col(i) = eig.eigenvectors().col(d - 1 - i);
      p.variances(i) = eig.eigenvalues()(d - 1 - i);
    }
  } else {  // wide data: eigenvectors of the N×N Gram matrix (dual PCA)
    const Mat gram = (c * c.transpose()) / denom;
    Eigen::SelfAdjointEigenSolver<Mat> eig(gram);
    if (eig.info() != Eigen::Success) return fail("PCA eigendecomposition failed");
    for (int i = 0; i < outputs; ++i) {
      const double lambda = std::max(eig.eigenvalues()(n - 1 - i), 0.0);
      Vec u = c.transpose() * eig.eigenvectors().col(n - 1 - i);
      const double norm = u.norm();
      p.components.col(i) = norm > 0.0 ? Vec(u / norm) : Vec(Vec::Zero(d));
      p.variances(i) = lambda;
    }
  }
  return p;
}

Mat Pca::transform(ConstMatRef x) const { return (x.rowwise() - mean.transpose()) * components; }

}  // namespace mp::mood
