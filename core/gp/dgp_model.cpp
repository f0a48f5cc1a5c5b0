#include "core/gp/dgp_model.h"

#include "core/gp/cholesky.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <random>

namespace mp::gp::detail {

namespace {

constexpr double kBaseJitter = 1e-6;
constexpr double kMaxJitter = 1e-4;

// Per-layer quantities shared by every row of the batch (computed once per evaluation).
struct LayerShared {
  Mat kzz;              // k(Z, Z) without jitter
  Mat lower;            // chol(kzz + jitter I)
  std::vector<Mat> ss;  // S_d S_dᵀ
};

struct LayerGrad {
  Mat dZ;
  Vec dTheta;
  Mat dQMu;
  std::vector<Mat> dSSpre;  // Σ_b g_db A_b A_bᵀ  (∂/∂(S_d S_dᵀ) of the data term)
  Mat r;                    // Σ Ā Aᵀ  (for ∂/∂L_Z = −L_Z⁻ᵀ R)
};

struct ChunkResult {
  std::vector<LayerGrad> layers;
  Vec dLogNoise;
  double lik = 0.0;
};

// Forward state of one layer for one chunk and one sample.
struct LayerFwd {
  Mat input;  // b×Din
  Mat kzf;    // M×b
  Mat a;      // M×b
  std::vector<Mat> c;  // S_d S_dᵀ A
  Mat mean;   // b×Dout
  Mat var;    // b×Dout (after clamp and white)
  Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic> clamped;
};

void layerForward(const DgpLayer& layer, const LayerShared& sh, LayerFwd& fw) {
  const Eigen::Index b = fw.input.rows();
  const Eigen::Index dout = layer.outputDim();
  layer.kernel.matrix(layer.z, fw.input, fw.kzf);
  fw.a = sh.lower.triangularView<Eigen::Lower>().solve(fw.kzf);
  fw.mean.noalias() = fw.a.transpose() * layer.qMu;
  if (layer.meanW.size() > 0) fw.mean.noalias() += fw.input * layer.meanW;
  const Eigen::Array<double, 1, Eigen::Dynamic> aa = fw.a.colwise().squaredNorm().array();
  const double s2 = layer.kernel.variance();
  fw.var.resize(b, dout);
  fw.c.resize(static_cast<std::size_t>(dout));
  fw.clamped.resize(b, dout);
  for (Eigen::Index d = 0; d < dout; ++d) {
    Mat& c = fw.c[static_cast<std::size_t>(d)];
    c.noalias() = sh.ss[static_cast<std::size_t>(d)] * fw.a;
    const Eigen::Array<double, 1, Eigen::Dynamic> ac = fw.a.cwiseProduct(c).colwise().sum().array();
    const Eigen::Array<double, 1, Eigen::Dynamic> raw = s2 - aa + ac;
    for (Eigen::Index i = 0; i < b; ++i) {
      const bool neg = !(raw[i] > 0.0);
      fw.clamped(i, d) = neg;
      fw.var(i, d) = (neg ? 0.0 : raw[i]) + layer.white;
    }
  }
}

// Reverse through one layer: given ∂/∂mean and ∂/∂var (b×Dout), accumulate parameter gradients
// into g and, when dInput is non-null, ∂/∂input (b×Din).
void layerBackward(const DgpLayer& layer, const LayerShared& sh, const LayerFwd& fw, const Mat& gMean,
                   Mat gVar, LayerGrad& g, Mat* dInput) {
  const Eigen::Index dout = layer.outputDim();
  for (Eigen::Index d = 0; d < dout; ++d) {
    for (Eigen::Index i = 0; i < gVar.rows(); ++i) {
      if (fw.clamped(i, d)) gVar(i, d) = 0.0;
    }
  }
  g.dQMu.noalias() += fw.a * gMean;
  Mat aBar = layer.qMu * gMean.transpose();  // M×b
  const Vec gSum = gVar.rowwise().sum();       // b
  aBar.noalias() -= 2.0 * (fw.a * gSum.asDiagonal());
  for (Eigen::Index d = 0; d < dout; ++d) {
    const auto& c = fw.c[static_cast<std::size_t>(d)];
    aBar.noalias() += 2.0 * (c * gVar.col(d).asDiagonal());
    g.dSSpre[static_cast<std::size_t>(d)].noalias() += fw.a * gVar.col(d).asDiagonal() * fw.a.transpose();
  }
  // kdiag = σ² for every row: ∂/∂log σ² += σ² Σ g.
  g.dTheta[g.dTheta.size() - 1] += layer.kernel.variance() * gSum.sum();
  g.r.noalias() += aBar * fw.a.transpose();
  // K̄zf = L_Z⁻ᵀ Ā
  sh.lower.transpose().triangularView<Eigen::Upper>().solveInPlace(aBar);
  if (dInput != nullptr) {
    dInput->setZero(fw.input.rows(), fw.input.cols());
    if (layer.meanW.size() > 0) dInput->noalias() += gMean * layer.meanW.transpose();
  }
  layer.kernel.accumulateGradients(layer.z, fw.input, fw.kzf, aBar, g.dTheta, &g.dZ, dInput);
}

void initChunk(const DgpParams& p, ChunkResult& r) {
  r.layers.resize(p.layers.size());
  for (std::size_t l = 0; l < p.layers.size(); ++l) {
    const DgpLayer& layer = p.layers[l];
    LayerGrad& g = r.layers[l];
    const Eigen::Index m = layer.inducing();
    g.dZ.setZero(m, layer.inputDim());
    g.dTheta.setZero(layer.kernel.numParams());
    g.dQMu.setZero(m, layer.outputDim());
    g.dSSpre.assign(static_cast<std::size_t>(layer.outputDim()), Mat::Zero(m, m));
    g.r.setZero(m, m);
  }
  r.dLogNoise.setZero(p.logNoise.size());
  r.lik = 0.0;
}

void runChunk(const DgpParams& p, const std::vector<LayerShared>& shared, ConstMatRef xb, ConstMatRef yb,
              const Vec* weights, double scale, const NoiseDraws& eps, int samples, Eigen::Index row0,
              Eigen::Index rows, bool wantGrad, ChunkResult& out) {
  const std::size_t L = p.layers.size();
  const Eigen::Index P = p.logNoise.size();
  const Vec noise = p.logNoise.array().exp().matrix();
  std::vector<LayerFwd> fw(L);
  Mat gMean, gVar, dInput;
  const auto y = yb.middleRows(row0, rows);
  Vec w = weights != nullptr ? Vec(weights->segment(row0, rows)) : Vec::Ones(rows);
  w *= scale;  // includes N/|B| and 1/S
  for (int s = 0; s < samples; ++s) {
    fw[0].input = xb.middleRows(row0, rows);
    for (std::size_t l = 0; l < L; ++l) {
      layerForward(p.layers[l], shared[l], fw[l]);
      if (l + 1 < L) {
        const Mat& e = eps[static_cast<std::size_t>(s)][l];
        fw[l + 1].input = fw[l].mean + (fw[l].var.array().sqrt() * e.middleRows(row0, rows).array()).matrix();
      }
    }
    const LayerFwd& last = fw[L - 1];
    const Eigen::ArrayXXd resid2 = (y - last.mean).array().square();
    for (Eigen::Index j = 0; j < P; ++j) {
      const double n2 = noise[j];
      const Eigen::ArrayXd term = -0.5 * std::log(2.0 * std::numbers::pi * n2) -
                                  (resid2.col(j) + last.var.col(j).array()) / (2.0 * n2);
      out.lik += (w.array() * term).sum();
    }
    if (!wantGrad) continue;
    gMean = ((y - last.mean).array().rowwise() / noise.transpose().array()).colwise() * w.array();
    gVar = (Eigen::ArrayXXd::Ones(rows, P).rowwise() * (-0.5 / noise.transpose().array())).colwise() * w.array();
    for (Eigen::Index j = 0; j < P; ++j) {
      out.dLogNoise[j] += (w.array() * (-0.5 + (resid2.col(j) + last.var.col(j).array()) / (2.0 * noise[j]))).sum();
    }
    for (std::size_t l = L; l-- > 0;) {
      layerBackward(p.layers[l], shared[l], fw[l], gMean, gVar, out.layers[l], l > 0 ? &dInput : nullptr);
      if (l == 0) break;
      // input of layer l = mean_{l−1} + √var_{l−1} ⊙ ε
      const Mat& e = eps[static_cast<std::size_t>(s)][l - 1];
      const LayerFwd& prev = fw[l - 1];
      gMean = dInput;
      gVar = (dInput.array() * e.middleRows(row0, rows).array() / (2.0 * prev.var.array().sqrt())).matrix();
    }
  }
}

Status buildShared(const DgpParams& p, std::vector<LayerShared>& shared) {
  shared.resize(p.layers.size());
  for (std::size_t l = 0; l < p.layers.size(); ++l) {
    const DgpLayer& layer = p.layers[l];
    LayerShared& sh = shared[l];
    layer.kernel.matrix(layer.z, layer.z, sh.kzz);
    if (jitteredCholeskyInto(sh.kzz, sh.lower, kBaseJitter, kMaxJitter) < 0.0) {
      return fail("deep GP: Cholesky of the inducing-point kernel matrix of layer " + std::to_string(l + 1) +
                  " failed even with jitter 1e-4 (parameters diverged?)");
    }
    sh.ss.resize(static_cast<std::size_t>(layer.outputDim()));
    for (Eigen::Index d = 0; d < layer.outputDim(); ++d) {
      const Mat sl = layer.qSqrt[static_cast<std::size_t>(d)].triangularView<Eigen::Lower>();
      sh.ss[static_cast<std::size_t>(d)].noalias() = sl * sl.transpose();
    }
  }
  return {};
}

int chunkCount(Eigen::Index rows) { return rows >= 32 ? 2 : 1; }

}  // namespace

Eigen::Index paramCount(const DgpParams& p) {
  Eigen::Index n = 0;
  for (const auto& l : p.layers) {
    n += l.z.size() + l.kernel.numParams() + l.qMu.size();
    for (const auto& s : l.qSqrt) n += s.size();
  }
  return n + p.logNoise.size();
}

void pack(const DgpParams& p, Vec& theta) {
  theta.resize(paramCount(p));
  Eigen::Index o = 0;
  auto put = [&](const auto& m) {
    theta.segment(o, m.size()) = Eigen::Map<const Vec>(m.data(), m.size());
    o += m.size();
  };
  for (const auto& l : p.layers) {
    put(l.z);
    put(l.kernel.params());
    put(l.qMu);
    for (const auto& s : l.qSqrt) put(s);
  }
  put(p.logNoise);
}

void unpack(ConstVecRef theta, DgpParams& p) {
  Eigen::Index o = 0;
  auto get = [&](auto& m) {
    Eigen::Map<Vec>(m.data(), m.size()) = theta.segment(o, m.size());
    o += m.size();
  };
  for (auto& l : p.layers) {
    get(l.z);
    Vec k = l.kernel.params();
    get(k);
    l.kernel.setParams(k);
    get(l.qMu);
    for (auto& s : l.qSqrt) get(s);
  }
  get(p.logNoise);
}

double dgpKl(const DgpParams& p) {
  double kl = 0.0;
  for (const auto& l : p.layers) {
    const double m = static_cast<double>(l.inducing());
    kl += 0.5 * (l.qMu.squaredNorm() - m * static_cast<double>(l.outputDim()));
    for (const auto& s : l.qSqrt) {
      const Mat sl = s.triangularView<Eigen::Lower>();
      kl += 0.5 * (sl.squaredNorm() - s.diagonal().array().square().log().sum());
    }
  }
  return kl;
}

Result<double> dgpElbo(const DgpParams& p, ConstMatRef xb, ConstMatRef yb, const Vec* weights, double dataScale,
                       const NoiseDraws& eps, Vec* grad, ThreadPool* pool) {
  const Eigen::Index B = xb.rows();
  const std::size_t L = p.layers.size();
  const int samples = L > 1 ? static_cast<int>(eps.size()) : 1;
  if (samples < 1) return fail("deep GP: no noise draws");
  std::vector<LayerShared> shared;
  if (auto s = buildShared(p, shared); !s) return s.error();

  const int chunks = chunkCount(B);
  std::vector<ChunkResult> results(static_cast<std::size_t>(chunks));
  const double scale = dataScale / samples;
  parallelFor(pool, static_cast<std::size_t>(chunks), [&](std::size_t c) {
    const Eigen::Index r0 = B * static_cast<Eigen::Index>(c) / chunks;
    const Eigen::Index r1 = B * static_cast<Eigen::Index>(c + 1) / chunks;
    initChunk(p, results[c]);
    runChunk(p, shared, xb, yb, weights, scale, eps, samples, r0, r1 - r0, grad != nullptr, results[c]);
  });
  double lik = 0.0;
  for (const auto& r : results) lik += r.lik;
  const double elbo = lik - dgpKl(p);
  if (grad == nullptr) return elbo;

  // Reduce the chunks in a fixed order (deterministic whatever the pool size).
  ChunkResult& total = results[0];
  for (std::size_t c = 1; c < results.size(); ++c) {
    for (std::size_t l = 0; l < L; ++l) {
      LayerGrad& a = total.layers[l];
      const LayerGrad& b = results[c].layers[l];
      a.dZ += b.dZ;
      a.dTheta += b.dTheta;
      a.dQMu += b.dQMu;
      a.r += b.r;
      for (std::size_t d = 0; d < a.dSSpre.size(); ++d) a.dSSpre[d] += b.dSSpre[d];
    }
    total.dLogNoise += results[c].dLogNoise;
  }
  grad->resize(paramCount(p));
  Eigen::Index o = 0;
  auto put = [&](const auto& m) {
    grad->segment(o, m.size()) = Eigen::Map<const Vec>(m.data(), m.size());
    o += m.size();
  };
  for (std::size_t l = 0; l < L; ++l) {
    const DgpLayer& layer = p.layers[l];
    const LayerShared& sh = shared[l];
    LayerGrad& g = total.layers[l];
    // L̄_Z = −L_Z⁻ᵀ R, then back through the Cholesky into Kzz = k(Z, Z).
    Mat lBar = -g.r;
    sh.lower.transpose().triangularView<Eigen::Upper>().solveInPlace(lBar);
    const Mat kBar = choleskyBackward(sh.lower, lBar);
    layer.kernel.accumulateGradients(layer.z, layer.z, sh.kzz, kBar, g.dTheta, &g.dZ, &g.dZ);
    g.dQMu -= layer.qMu;  // KL
    put(g.dZ);
    put(g.dTheta);
    put(g.dQMu);
    for (std::size_t d = 0; d < layer.qSqrt.size(); ++d) {
      const Mat sl = layer.qSqrt[d].triangularView<Eigen::Lower>();
      // data term: ∂/∂S = (Ḡ + Ḡᵀ) S with Ḡ = dSSpre (symmetric) → 2 Ḡ S; KL: −S + diag(1/S_ii)
      Mat dS = 2.0 * g.dSSpre[d] * sl - sl;
      dS.diagonal() += sl.diagonal().cwiseInverse();
      dS.triangularView<Eigen::StrictlyUpper>().setZero();
      put(dS);
    }
  }
  put(total.dLogNoise);
  return elbo;
}

Status dgpPredictSamples(const DgpParams& p, ConstMatRef x, int samples, std::uint64_t seed,
                         std::vector<Mat>& means, std::vector<Mat>& vars, ThreadPool* pool) {
  const std::size_t L = p.layers.size();
  const Eigen::Index n = x.rows();
  std::vector<LayerShared> shared;
  if (auto s = buildShared(p, shared); !s) return s.error();
  if (L == 1) samples = 1;  // no inner layer: the prediction is Gaussian and exact
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> n01;
  NoiseDraws eps(static_cast<std::size_t>(samples));
  for (auto& perLayer : eps) {
    perLayer.resize(L > 0 ? L - 1 : 0);
    for (std::size_t l = 0; l + 1 < L; ++l) {
      perLayer[l].resize(n, p.layers[l].outputDim());
      for (Eigen::Index i = 0; i < perLayer[l].size(); ++i) perLayer[l].data()[i] = n01(rng);
    }
  }
  means.assign(static_cast<std::size_t>(samples), Mat());
  vars.assign(static_cast<std::size_t>(samples), Mat());
  const Eigen::Index P = p.logNoise.size();
  for (int s = 0; s < samples; ++s) {
    means[static_cast<std::size_t>(s)].resize(n, P);
    vars[static_cast<std::size_t>(s)].resize(n, P);
  }
  const Eigen::Index block = 256;
  const std::size_t blocks = static_cast<std::size_t>((n + block - 1) / block);
  parallelFor(pool, blocks, [&](std::size_t bi) {
    const Eigen::Index r0 = static_cast<Eigen::Index>(bi) * block;
    const Eigen::Index rows = std::min(block, n - r0);
    std::vector<LayerFwd> fw(L);
    for (int s = 0; s < samples; ++s) {
      fw[0].input = x.middleRows(r0, rows);
      for (std::size_t l = 0; l < L; ++l) {
        layerForward(p.layers[l], shared[l], fw[l]);
        if (l + 1 < L) {
          const Mat& e = eps[static_cast<std::size_t>(s)][l];
          fw[l + 1].input = fw[l].mean + (fw[l].var.array().sqrt() * e.middleRows(r0, rows).array()).matrix();
        }
      }
      means[static_cast<std::size_t>(s)].middleRows(r0, rows) = fw[L - 1].mean;
      vars[static_cast<std::size_t>(s)].middleRows(r0, rows) = fw[L - 1].var;
    }
  });
  return {};
}

Mat kmeans(ConstMatRef x, int k, std::uint64_t seed, int iterations) {
  const Eigen::Index n = x.rows();
  k = static_cast<int>(std::min<Eigen::Index>(k, n));
  std::mt19937_64 rng(seed);
  Mat centres(k, x.cols());
  // k-means++ seeding
  std::uniform_int_distribution<Eigen::Index> pick(0, n - 1);
  centres.row(0) = x.row(pick(rng));
  Vec d2 = (x.rowwise() - centres.row(0)).rowwise().squaredNorm();
  for (int c = 1; c < k; ++c) {
    const double total = d2.sum();
    Eigen::Index chosen = pick(rng);
    if (total > 0.0) {
      std::uniform_real_distribution<double> u(0.0, total);
      double t = u(rng);
      for (Eigen::Index i = 0; i < n; ++i) {
        t -= d2[i];
        if (t <= 0.0) {
          chosen = i;
          break;
        }
      }
    }
    centres.row(c) = x.row(chosen);
    d2 = d2.cwiseMin((x.rowwise() - centres.row(c)).rowwise().squaredNorm());
  }
  std::vector<int> assign(static_cast<std::size_t>(n), -1);
  for (int it = 0; it < iterations; ++it) {
    const Vec cn = centres.rowwise().squaredNorm();
    const Mat cross = x * centres.transpose();  // n×k
    bool changed = false;
    for (Eigen::Index i = 0; i < n; ++i) {
      Eigen::Index best = 0;
      (cn.transpose() - 2.0 * cross.row(i)).minCoeff(&best);
      if (assign[static_cast<std::size_t>(i)] != static_cast<int>(best)) {
        assign[static_cast<std::size_t>(i)] = static_cast<int>(best);
        changed = true;
      }
    }
    if (!changed) break;
    Mat sum = Mat::Zero(k, x.cols());
    Vec count = Vec::Zero(k);
    for (Eigen::Index i = 0; i < n; ++i) {
      sum.row(assign[static_cast<std::size_t>(i)]) += x.row(i);
      count[assign[static_cast<std::size_t>(i)]] += 1.0;
    }
    for (int c = 0; c < k; ++c) {
      if (count[c] > 0) centres.row(c) = sum.row(c) / count[c];
    }
  }
  return centres;
}

}  // namespace mp::gp::detail
