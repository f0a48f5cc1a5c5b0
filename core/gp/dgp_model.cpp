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
  Mat kzz;    // k(Z, Z) without jitter
  Mat lower;  // chol(kzz + jitter I)
};

struct LayerGrad {
  Mat dZ;
  Vec dTheta;
  Mat dQMu;
  std::vector<Mat> dS;  // data term of ∂/∂S_d, lower triangle: 2 Σ_b g_db a_b (S_dᵀ a_b)ᵀ
  Mat r;                // Σ Ā Aᵀ  (for ∂/∂L_Z = −L_Z⁻ᵀ R)
};

// Forward state of one layer for one chunk and one sample.
struct LayerFwd {
  Mat input;           // b×Din
  Mat kzf;             // M×b
  Mat a;               // M×b, L_Z⁻¹ Kzf
  std::vector<Mat> t;  // S_dᵀ A (M×b): var = σ² − ‖a‖² + ‖S_dᵀ a‖²
  Mat mean;            // b×Dout
  Mat var;             // b×Dout (after clamp and white)
  Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic> clamped;
  RowVec aa;           // colsum(A⊙A)
};

// Scratch of the reverse pass (reused; sized on first use).
struct BackScratch {
  Mat aBar;  // M×b
  Mat u;     // M×b
  Vec gSum;  // b
};

// Everything one chunk of rows needs for a forward + reverse pass; kept across evaluations.
struct ChunkWork {
  std::vector<LayerGrad> layers;
  Vec dLogNoise;
  double lik = 0.0;
  std::vector<LayerFwd> fw;
  BackScratch back;
  Mat gMean, gVar, dInput;
  Eigen::ArrayXXd resid2;
  Vec w;
};

// Chunks are a function of the batch size only (never of the pool), so the fixed-order
// reduction gives bit-identical results whatever the number of threads.
int chunkCount(Eigen::Index rows) {
  if (rows < 32) return 1;
  return static_cast<int>(std::clamp<Eigen::Index>(rows / 128, 2, 8));
}

void layerForward(const DgpLayer& layer, const LayerShared& sh, LayerFwd& fw) {
  const Eigen::Index b = fw.input.rows();
  const Eigen::Index dout = layer.outputDim();
  layer.kernel.matrix(layer.z, fw.input, fw.kzf);
  fw.a = fw.kzf;
  sh.lower.triangularView<Eigen::Lower>().solveInPlace(fw.a);
  fw.mean.resize(b, dout);
  fw.mean.noalias() = fw.a.transpose() * layer.qMu;
  if (layer.meanW.size() > 0) fw.mean.noalias() += fw.input * layer.meanW;
  fw.aa.resize(b);
  fw.aa.noalias() = fw.a.colwise().squaredNorm();
  const double s2 = layer.kernel.variance();
  fw.var.resize(b, dout);
  fw.t.resize(static_cast<std::size_t>(dout));
  fw.clamped.resize(b, dout);
  for (Eigen::Index d = 0; d < dout; ++d) {
    Mat& t = fw.t[static_cast<std::size_t>(d)];
    t.resize(fw.a.rows(), b);
    t.noalias() = layer.qSqrt[static_cast<std::size_t>(d)].triangularView<Eigen::Lower>().transpose() * fw.a;
    for (Eigen::Index i = 0; i < b; ++i) {
      const double raw = s2 - fw.aa[i] + t.col(i).squaredNorm();
      const bool neg = !(raw > 0.0);
      fw.clamped(i, d) = neg;
      fw.var(i, d) = (neg ? 0.0 : raw) + layer.white;
    }
  }
}

// Reverse through one layer: given ∂/∂mean and ∂/∂var (b×Dout; gVar is modified), accumulate
// parameter gradients into g and, when dInput is non-null, ∂/∂input (b×Din).
//   Ā = m gMeanᵀ − 2 A diag(Σ_d gVar_d) + 2 Σ_d S_d (T_d diag(gVar_d))
//   ∂/∂S_d = 2 (A diag(gVar_d)) T_dᵀ (lower triangle)
void layerBackward(const DgpLayer& layer, const LayerShared& sh, const LayerFwd& fw, const Mat& gMean, Mat& gVar,
                   LayerGrad& g, BackScratch& s, Mat* dInput) {
  const Eigen::Index dout = layer.outputDim();
  for (Eigen::Index d = 0; d < dout; ++d) {
    for (Eigen::Index i = 0; i < gVar.rows(); ++i) {
      if (fw.clamped(i, d)) gVar(i, d) = 0.0;
    }
  }
  g.dQMu.noalias() += fw.a * gMean;
  s.aBar.resize(fw.a.rows(), fw.a.cols());
  s.aBar.noalias() = layer.qMu * gMean.transpose();  // M×b
  s.gSum.resize(gVar.rows());
  s.gSum.noalias() = gVar.rowwise().sum();
  s.aBar.array() -= 2.0 * (fw.a.array().rowwise() * s.gSum.transpose().array());
  s.u.resize(fw.a.rows(), fw.a.cols());
  for (Eigen::Index d = 0; d < dout; ++d) {
    const auto di = static_cast<std::size_t>(d);
    const Mat& t = fw.t[di];
    s.u.array() = (2.0 * t.array()).rowwise() * gVar.col(d).transpose().array();
    s.aBar.noalias() += layer.qSqrt[di].triangularView<Eigen::Lower>() * s.u;
    s.u.array() = (2.0 * fw.a.array()).rowwise() * gVar.col(d).transpose().array();
    g.dS[di].triangularView<Eigen::Lower>() += s.u * t.transpose();
  }
  // kdiag = σ² for every row: ∂/∂log σ² += σ² Σ g.
  g.dTheta[g.dTheta.size() - 1] += layer.kernel.variance() * s.gSum.sum();
  g.r.noalias() += s.aBar * fw.a.transpose();
  // K̄zf = L_Z⁻ᵀ Ā
  sh.lower.transpose().triangularView<Eigen::Upper>().solveInPlace(s.aBar);
  if (dInput != nullptr) {
    dInput->resize(fw.input.rows(), fw.input.cols());
    if (layer.meanW.size() > 0) {
      dInput->noalias() = gMean * layer.meanW.transpose();
    } else {
      dInput->setZero();
    }
  }
  layer.kernel.accumulateGradients(layer.z, fw.input, fw.kzf, s.aBar, g.dTheta, &g.dZ, dInput);
}

void initChunk(const DgpParams& p, ChunkWork& r) {
  r.layers.resize(p.layers.size());
  for (std::size_t l = 0; l < p.layers.size(); ++l) {
    const DgpLayer& layer = p.layers[l];
    LayerGrad& g = r.layers[l];
    const Eigen::Index m = layer.inducing();
    g.dZ.setZero(m, layer.inputDim());
    g.dTheta.setZero(layer.kernel.numParams());
    g.dQMu.setZero(m, layer.outputDim());
    g.dS.resize(static_cast<std::size_t>(layer.outputDim()));
    for (auto& d : g.dS) d.setZero(m, m);
    g.r.setZero(m, m);
  }
  r.dLogNoise.setZero(p.logNoise.size());
  r.lik = 0.0;
}

void runChunk(const DgpParams& p, const std::vector<LayerShared>& shared, ConstMatRef xb, ConstMatRef yb,
              const Vec* weights, double scale, const NoiseDraws& eps, int samples, Eigen::Index row0,
              Eigen::Index rows, bool wantGrad, ChunkWork& out) {
  const std::size_t L = p.layers.size();
  const Eigen::Index P = p.logNoise.size();
  out.fw.resize(L);
  auto& fw = out.fw;
  const auto y = yb.middleRows(row0, rows);
  out.w.resize(rows);
  if (weights != nullptr) {
    out.w = weights->segment(row0, rows);
  } else {
    out.w.setOnes();
  }
  out.w *= scale;  // includes N/|B| and 1/S
  const auto& w = out.w;
  for (int s = 0; s < samples; ++s) {
    fw[0].input = xb.middleRows(row0, rows);
    for (std::size_t l = 0; l < L; ++l) {
      layerForward(p.layers[l], shared[l], fw[l]);
      if (l + 1 < L) {
        const Mat& e = eps[static_cast<std::size_t>(s)][l];
        fw[l + 1].input.resize(rows, fw[l].mean.cols());
        fw[l + 1].input.array() = fw[l].mean.array() + fw[l].var.array().sqrt() * e.middleRows(row0, rows).array();
      }
    }
    const LayerFwd& last = fw[L - 1];
    out.resid2.resize(rows, P);
    out.resid2 = (y - last.mean).array().square();
    for (Eigen::Index j = 0; j < P; ++j) {
      const double n2 = std::exp(p.logNoise[j]);
      out.lik += (w.array() * (-0.5 * std::log(2.0 * std::numbers::pi * n2) -
                               (out.resid2.col(j) + last.var.col(j).array()) / (2.0 * n2)))
                     .sum();
    }
    if (!wantGrad) continue;
    out.gMean.resize(rows, P);
    out.gVar.resize(rows, P);
    for (Eigen::Index j = 0; j < P; ++j) {
      const double n2 = std::exp(p.logNoise[j]);
      out.gMean.col(j).array() = (y.col(j) - last.mean.col(j)).array() * w.array() / n2;
      out.gVar.col(j).array() = w.array() * (-0.5 / n2);
      out.dLogNoise[j] += (w.array() * (-0.5 + (out.resid2.col(j) + last.var.col(j).array()) / (2.0 * n2))).sum();
    }
    for (std::size_t l = L; l-- > 0;) {
      layerBackward(p.layers[l], shared[l], fw[l], out.gMean, out.gVar, out.layers[l], out.back,
                    l > 0 ? &out.dInput : nullptr);
      if (l == 0) break;
      // input of layer l = mean_{l−1} + √var_{l−1} ⊙ ε
      const Mat& e = eps[static_cast<std::size_t>(s)][l - 1];
      const LayerFwd& prev = fw[l - 1];
      out.gMean = out.dInput;
      out.gVar.resize(out.dInput.rows(), out.dInput.cols());
      out.gVar.array() = out.dInput.array() * e.middleRows(row0, rows).array() / (2.0 * prev.var.array().sqrt());
    }
  }
}

Status buildSharedLayer(const DgpLayer& layer, std::size_t l, LayerShared& sh) {
  layer.kernel.matrix(layer.z, layer.z, sh.kzz);
  if (jitteredCholeskyInto(sh.kzz, sh.lower, kBaseJitter, kMaxJitter) < 0.0) {
    return fail("deep GP: Cholesky of the inducing-point kernel matrix of layer " + std::to_string(l + 1) +
                " failed even with jitter 1e-4 (parameters diverged?)");
  }
  return {};
}

// Factorises every layer's Kzz (layers in parallel; each task writes its own slot).
Status buildShared(const DgpParams& p, std::vector<LayerShared>& shared, ThreadPool* pool) {
  shared.resize(p.layers.size());
  std::vector<Status> status(p.layers.size());
  parallelFor(p.layers.size() > 1 ? pool : nullptr, p.layers.size(),
              [&](std::size_t l) { status[l] = buildSharedLayer(p.layers[l], l, shared[l]); });
  for (auto& s : status) {
    if (!s) return s;
  }
  return {};
}

}  // namespace

struct DgpWorkspace::Impl {
  std::vector<LayerShared> shared;
  std::vector<ChunkWork> chunks;
};

DgpWorkspace::DgpWorkspace() : impl(std::make_unique<Impl>()) {}
DgpWorkspace::~DgpWorkspace() = default;
DgpWorkspace::DgpWorkspace(DgpWorkspace&&) noexcept = default;
DgpWorkspace& DgpWorkspace::operator=(DgpWorkspace&&) noexcept = default;

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
    const Eigen::Index m = l.inducing();
    kl += 0.5 * (l.qMu.squaredNorm() - static_cast<double>(m) * static_cast<double>(l.outputDim()));
    for (const auto& s : l.qSqrt) {
      double lowerSq = 0.0;
      for (Eigen::Index j = 0; j < m; ++j) lowerSq += s.col(j).tail(m - j).squaredNorm();
      kl += 0.5 * (lowerSq - s.diagonal().array().square().log().sum());
    }
  }
  return kl;
}

Result<double> dgpElbo(const DgpParams& p, ConstMatRef xb, ConstMatRef yb, const Vec* weights, double dataScale,
                       const NoiseDraws& eps, Vec* grad, ThreadPool* pool) {
  DgpWorkspace workspace;
  return dgpElbo(p, xb, yb, weights, dataScale, eps, grad, pool, workspace);
}

Result<double> dgpElbo(const DgpParams& p, ConstMatRef xb, ConstMatRef yb, const Vec* weights, double dataScale,
                       const NoiseDraws& eps, Vec* grad, ThreadPool* pool, DgpWorkspace& workspace) {
  const Eigen::Index B = xb.rows();
  const std::size_t L = p.layers.size();
  const int samples = L > 1 ? static_cast<int>(eps.size()) : 1;
  if (samples < 1) return fail("deep GP: no noise draws");
  DgpWorkspace::Impl& ws = *workspace.impl;
  if (auto s = buildShared(p, ws.shared, pool); !s) return s.error();
  const std::vector<LayerShared>& shared = ws.shared;

  const int chunks = chunkCount(B);
  ws.chunks.resize(static_cast<std::size_t>(chunks));
  std::vector<ChunkWork>& results = ws.chunks;
  const double scale = dataScale / samples;
  parallelFor(chunks > 1 ? pool : nullptr, static_cast<std::size_t>(chunks), [&](std::size_t c) {
    const Eigen::Index r0 = B * static_cast<Eigen::Index>(c) / chunks;
    const Eigen::Index r1 = B * static_cast<Eigen::Index>(c + 1) / chunks;
    initChunk(p, results[c]);
    runChunk(p, shared, xb, yb, weights, scale, eps, samples, r0, r1 - r0, grad != nullptr, results[c]);
  });
  double lik = 0.0;
  for (std::size_t c = 0; c < static_cast<std::size_t>(chunks); ++c) lik += results[c].lik;
  const double elbo = lik - dgpKl(p);
  if (grad == nullptr) return elbo;

  // Reduce the chunks in a fixed order (deterministic whatever the pool size).
  ChunkWork& total = results[0];
  for (std::size_t c = 1; c < static_cast<std::size_t>(chunks); ++c) {
    for (std::size_t l = 0; l < L; ++l) {
      LayerGrad& a = total.layers[l];
      const LayerGrad& b = results[c].layers[l];
      a.dZ += b.dZ;
      a.dTheta += b.dTheta;
      a.dQMu += b.dQMu;
      a.r += b.r;
      for (std::size_t d = 0; d < a.dS.size(); ++d) a.dS[d] += b.dS[d];
    }
    total.dLogNoise += results[c].dLogNoise;
  }
  grad->resize(paramCount(p));
  std::vector<Eigen::Index> offsets(L + 1, 0);
  for (std::size_t l = 0; l < L; ++l) {
    const DgpLayer& layer = p.layers[l];
    offsets[l + 1] = offsets[l] + layer.z.size() + layer.kernel.numParams() + layer.qMu.size() +
                     static_cast<Eigen::Index>(layer.qSqrt.size()) * layer.inducing() * layer.inducing();
  }
  // Per-layer terms through Kzz, independent across layers (parallel, each writes its own slice).
  parallelFor(L > 1 ? pool : nullptr, L, [&](std::size_t l) {
    const DgpLayer& layer = p.layers[l];
    const LayerShared& sh = shared[l];
    LayerGrad& g = total.layers[l];
    // L̄_Z = −L_Z⁻ᵀ R, then back through the Cholesky into Kzz = k(Z, Z).
    Mat lBar = -g.r;
    sh.lower.transpose().triangularView<Eigen::Upper>().solveInPlace(lBar);
    const Mat kBar = choleskyBackward(sh.lower, lBar);
    layer.kernel.accumulateGradients(layer.z, layer.z, sh.kzz, kBar, g.dTheta, &g.dZ, &g.dZ);
    g.dQMu -= layer.qMu;  // KL
    Eigen::Index o = offsets[l];
    auto put = [&](const auto& m) {
      grad->segment(o, m.size()) = Eigen::Map<const Vec>(m.data(), m.size());
      o += m.size();
    };
    put(g.dZ);
    put(g.dTheta);
    put(g.dQMu);
    for (std::size_t d = 0; d < layer.qSqrt.size(); ++d) {
      // data term (lower triangle, accumulated by the chunks); KL: −S + diag(1/S_ii)
      Mat& dS = g.dS[d];
      dS.triangularView<Eigen::Lower>() -= layer.qSqrt[d];
      dS.diagonal() += layer.qSqrt[d].diagonal().cwiseInverse();
      put(dS);
    }
  });
  grad->tail(p.logNoise.size()) = total.dLogNoise;
  return elbo;
}

Status dgpPredictSamples(const DgpParams& p, ConstMatRef x, int samples, std::uint64_t seed,
                         std::vector<Mat>& means, std::vector<Mat>& vars, ThreadPool* pool) {
  const std::size_t L = p.layers.size();
  const Eigen::Index n = x.rows();
  std::vector<LayerShared> shared;
  if (auto s = buildShared(p, shared, pool); !s) return s.error();
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
