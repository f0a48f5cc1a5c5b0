#include "core/mood/evaluation.h"

#include "core/mood/labels.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <numeric>
#include <random>

namespace mp::mood {

MeanStd meanStd(const std::vector<double>& v) {
  MeanStd out;
  if (v.empty()) return out;
  out.mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
  if (v.size() > 1) {
    double ss = 0.0;
    for (double x : v) ss += (x - out.mean) * (x - out.mean);
    out.std = std::sqrt(ss / static_cast<double>(v.size() - 1));
  }
  return out;
}

double rSquared(ConstVecRef y, ConstVecRef yhat) {
  const double ssRes = (y - yhat).squaredNorm();
  const double ssTot = (y.array() - y.mean()).matrix().squaredNorm();
  return ssTot > 0.0 ? 1.0 - ssRes / ssTot : 0.0;
}

namespace {
double pearson(ConstVecRef a, ConstVecRef b) {
  const Vec ca = a.array() - a.mean();
  const Vec cb = b.array() - b.mean();
  const double den = ca.norm() * cb.norm();
  return den > 0.0 ? ca.dot(cb) / den : 0.0;
}
}  // namespace

double macroF1(const std::vector<int>& truth, const std::vector<int>& predicted, int classes) {
  double sum = 0.0;
  int counted = 0;
  for (int c = 1; c <= classes; ++c) {
    double tp = 0, fp = 0, fn = 0;
    for (std::size_t i = 0; i < truth.size(); ++i) {
      const bool t = truth[i] == c, p = predicted[i] == c;
      tp += (t && p) ? 1 : 0;
      fp += (!t && p) ? 1 : 0;
      fn += (t && !p) ? 1 : 0;
    }
    if (tp + fn == 0 && fp == 0) continue;  // class absent from both
    sum += (tp == 0) ? 0.0 : 2 * tp / (2 * tp + fp + fn);
    ++counted;
  }
  return counted > 0 ? sum / counted : 0.0;
}

FoldMetrics regressionMetrics(ConstMatRef truth, const std::vector<library::MoodEstimate>& pred,
                              const std::vector<int>& trueQuadrants) {
  const Eigen::Index n = truth.rows();
  Vec pv(n), pa(n);
  FoldMetrics m;
  double nlpd = 0.0;
  int in1 = 0, in2 = 0;
  std::vector<int> pq(static_cast<std::size_t>(n));
  for (Eigen::Index i = 0; i < n; ++i) {
    const auto& e = pred[static_cast<std::size_t>(i)];
    pv(i) = e.valence;
    pa(i) = e.arousal;
    const double dv = truth(i, 0) - e.valence, da = truth(i, 1) - e.arousal;
    const double vv = std::max(e.covVV, 1e-12), aa = std::max(e.covAA, 1e-12);
    double va = e.covVA;
    const double lim = 0.999 * std::sqrt(vv * aa);
    va = std::clamp(va, -lim, lim);
    const double det = vv * aa - va * va;
    const double maha = (aa * dv * dv - 2 * va * dv * da + vv * da * da) / det;
    nlpd += 0.5 * (maha + std::log(det)) + std::log(2 * M_PI);
    in1 += maha <= kEllipse1SigmaMahalanobis2 ? 1 : 0;
    in2 += maha <= kEllipse2SigmaMahalanobis2 ? 1 : 0;
    pq[static_cast<std::size_t>(i)] = quadrantOf(e.valence, e.arousal);
  }
  m.r2Valence = rSquared(truth.col(0), pv);
  m.r2Arousal = rSquared(truth.col(1), pa);
  m.rmseValence = std::sqrt((truth.col(0) - pv).squaredNorm() / static_cast<double>(n));
  m.rmseArousal = std::sqrt((truth.col(1) - pa).squaredNorm() / static_cast<double>(n));
  m.pearsonValence = pearson(truth.col(0), pv);
  m.pearsonArousal = pearson(truth.col(1), pa);
  m.nlpd = nlpd / static_cast<double>(n);
  m.coverage1 = static_cast<double>(in1) / static_cast<double>(n);
  m.coverage2 = static_cast<double>(in2) / static_cast<double>(n);
  m.quadrantF1 = macroF1(trueQuadrants, pq, 4);
  return m;
}

double goodmanKruskalGamma(ConstMatRef truth, ConstMatRef predicted) {
  const Eigen::Index n = truth.rows();
  if (n < 3) return 0.0;
  double total = 0.0;
  int queries = 0;
  std::vector<double> dt, dp;
  for (Eigen::Index q = 0; q < n; ++q) {
    dt.clear();
    dp.clear();
    for (Eigen::Index j = 0; j < n; ++j) {
      if (j == q) continue;
      dt.push_back((truth.row(j) - truth.row(q)).norm());
      dp.push_back((predicted.row(j) - truth.row(q)).norm());
    }
    double conc = 0, disc = 0;
    for (std::size_t a = 0; a < dt.size(); ++a) {
      for (std::size_t b = a + 1; b < dt.size(); ++b) {
        const double s = (dt[a] - dt[b]) * (dp[a] - dp[b]);
        if (s > 0) {
          conc += 1;
        } else if (s < 0) {
          disc += 1;
        }
      }
    }
    if (conc + disc > 0) {
      total += (conc - disc) / (conc + disc);
      ++queries;
    }
  }
  return queries > 0 ? total / queries : 0.0;
}

Status EvalConfig::validate() const {
  if (folds < 2 || folds > 100) return fail("folds must be in 2..100");
  if (gammaFolds < 0 || gammaFolds == 1 || gammaFolds > 100) return fail("gamma folds must be 0 or 2..100");
  return {};
}

std::vector<int> kFoldAssignment(std::size_t n, int folds, std::uint64_t seed) {
  std::vector<std::size_t> idx(n);
  std::iota(idx.begin(), idx.end(), 0);
  std::mt19937_64 rng(seed);
  std::shuffle(idx.begin(), idx.end(), rng);
  std::vector<int> fold(n);
  for (std::size_t i = 0; i < n; ++i) fold[idx[i]] = static_cast<int>(i % static_cast<std::size_t>(folds));
  return fold;
}

Result<EvalSpec> makeSpec(const std::string& model, const std::string& encoding, const MoodModelConfig& base) {
  EvalSpec s;
  s.model = model;
  s.encoding = encoding;
  s.config = base;
  // Report which song statistics a non-baseline LLD input uses, e.g. "lld-stats[mean,std,p90]".
  if (encoding == "lld-stats" && base.songStats != kStatBaseline) {
    s.encoding.append(1, '[').append(songStatsName(base.songStats)).append(1, ']');
  }
  if (model == "exact-gp") {
    s.config.regressor = RegressorKind::ExactGp;
    if (encoding == "lld-stats") {
      s.config.input = InputKind::LldStats;
      return s;
    }
  } else if (model == "svgp" || model == "dgp" || (model.size() == 4 && model.rfind("dgp", 0) == 0 &&
                                                   model[3] >= '1' && model[3] <= '9')) {
    s.config.regressor = RegressorKind::DeepGp;
    s.config.dgp.layers = model == "svgp" ? 1 : (model == "dgp" ? 2 : model[3] - '0');
  } else {
    return fail("unknown model '" + model + "' (expected exact-gp, svgp, dgp2, dgp3)");
  }
  if (encoding == "lld-stats") {
    s.config.input = InputKind::LldStats;
    return s;
  }
  auto e = parseEncoding(encoding);
  if (!e) return e.error();
  s.config.input = InputKind::Fisher;
  s.config.fisher.encoding = *e;
  return s;
}

namespace {

/// Predictions of every spec for the test part of one split.
Result<std::vector<std::vector<library::MoodEstimate>>> runSplit(
    const std::vector<SongSegments>& songs, ConstMatRef targets, const std::vector<std::size_t>& train,
    const std::vector<std::size_t>& test, const std::vector<EvalSpec>& specs, std::uint64_t seed, ThreadPool* pool,
    const StopFlag* stop, std::vector<double>& seconds) {
  std::vector<const SongSegments*> trainSongs, testSongs;
  Mat y(static_cast<Eigen::Index>(train.size()), 2);
  for (std::size_t i = 0; i < train.size(); ++i) {
    trainSongs.push_back(&songs[train[i]]);
    y.row(static_cast<Eigen::Index>(i)) = targets.row(static_cast<Eigen::Index>(train[i]));
  }
  for (std::size_t i : test) testSongs.push_back(&songs[i]);
  // One UBM per distinct (segment normalisation, UBM config) among the specs, fitted on the
  // training part only.
  std::map<int, DiagGmm> ubms;
  std::vector<std::vector<library::MoodEstimate>> out;
  for (std::size_t s = 0; s < specs.size(); ++s) {
    const auto t0 = std::chrono::steady_clock::now();
    MoodModelConfig cfg = specs[s].config;
    cfg.seed = seed;
    const DiagGmm* ubm = nullptr;
    if (cfg.input == InputKind::Fisher) {
      const int key = static_cast<int>(cfg.segmentNorm) * 100000 + cfg.ubm.maxComponents;
      if (!ubms.count(key)) {
        Standardizer segStd;
        {
          Eigen::Index rows = 0;
          for (const auto* p : trainSongs) rows += p->segmentVectors.rows();
          Mat all(rows, trainSongs.front()->segmentVectors.cols());
          Eigen::Index at = 0;
          for (const auto* p : trainSongs) {
            all.middleRows(at, p->segmentVectors.rows()) = p->segmentVectors;
            at += p->segmentVectors.rows();
          }
          segStd = Standardizer::fit(all);
        }
        VbGmmConfig uc = cfg.ubm;
        uc.seed = seed + 17;
        auto g = fitUbm(trainSongs, segStd, cfg.segmentNorm, uc, pool);
        if (!g) return g.error();
        ubms.emplace(key, std::move(*g));
      }
      ubm = &ubms.at(key);
    }
    auto model = MoodModel::train(trainSongs, y, cfg, pool, stop, ubm);
    if (!model) return fail(specs[s].model + "/" + specs[s].encoding + ": " + model.error().message);
    Mat x(static_cast<Eigen::Index>(test.size()), model->encoder().inputDim());
    for (std::size_t i = 0; i < test.size(); ++i) {
      auto e = model->encoder().encode(*testSongs[i]);
      if (!e) return e.error();
      x.row(static_cast<Eigen::Index>(i)) = e->transpose();
    }
    out.push_back(model->predictInputs(x));
    seconds[s] += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  return out;
}

}  // namespace

Result<std::vector<EvalResult>> evaluateModels(const std::vector<SongSegments>& songs, ConstMatRef targets,
                                               const std::vector<int>& quadrants,
                                               const std::vector<EvalSpec>& specs, const EvalConfig& config,
                                               ThreadPool* pool, const StopFlag* stop,
                                               const std::function<void(const std::string&)>& log) {
  if (auto s = config.validate(); !s) return s.error();
  const std::size_t n = songs.size();
  if (n < static_cast<std::size_t>(2 * config.folds)) return fail("too few songs for the number of folds");
  if (targets.rows() != static_cast<Eigen::Index>(n) || quadrants.size() != n) return fail("labels and songs disagree");
  for (const auto& s : specs) {
    if (auto st = s.config.validate(); !st) return st.error();
  }
  auto say = [&log](const std::string& m) {
    if (log) log(m);
  };
  std::vector<std::vector<FoldMetrics>> perSpec(specs.size());
  std::vector<std::vector<double>> gammas(specs.size());
  std::vector<double> seconds(specs.size(), 0.0);
  // When the gamma protocol uses the same number of folds, γ comes from the same splits.
  const bool shared = config.gammaFolds == config.folds;
  for (int pass = 0; pass < 2; ++pass) {
    const int folds = pass == 0 ? config.folds : config.gammaFolds;
    if (folds == 0 || (pass == 1 && shared)) continue;
    const auto assign = kFoldAssignment(n, folds, config.seed + static_cast<std::uint64_t>(pass));
    for (int f = 0; f < folds; ++f) {
      if (stopRequested(stop)) return fail("stopped");
      std::vector<std::size_t> train, test;
      for (std::size_t i = 0; i < n; ++i) (assign[i] == f ? test : train).push_back(i);
      auto preds = runSplit(songs, targets, train, test, specs, config.seed + static_cast<std::uint64_t>(f), pool,
                            stop, seconds);
      if (!preds) return preds.error();
      Mat truth(static_cast<Eigen::Index>(test.size()), 2);
      std::vector<int> q;
      for (std::size_t i = 0; i < test.size(); ++i) {
        truth.row(static_cast<Eigen::Index>(i)) = targets.row(static_cast<Eigen::Index>(test[i]));
        q.push_back(quadrants[test[i]]);
      }
      for (std::size_t s = 0; s < specs.size(); ++s) {
        const auto& p = (*preds)[s];
        if (pass == 0) {
          perSpec[s].push_back(regressionMetrics(truth, p, q));
          const auto& m = perSpec[s].back();
          if (shared) {
            Mat pm(static_cast<Eigen::Index>(p.size()), 2);
            for (std::size_t i = 0; i < p.size(); ++i) pm.row(static_cast<Eigen::Index>(i)) << p[i].valence, p[i].arousal;
            gammas[s].push_back(goodmanKruskalGamma(truth, pm));
          }
          say(specs[s].model + "/" + specs[s].encoding + " fold " + std::to_string(f + 1) + "/" +
              std::to_string(folds) + ": R2 v " + std::to_string(m.r2Valence) + " a " + std::to_string(m.r2Arousal) +
              " F1 " + std::to_string(m.quadrantF1) + " cov1 " + std::to_string(m.coverage1) + " cov2 " + std::to_string(m.coverage2) +
              " nlpd " + std::to_string(m.nlpd) + (shared ? " gamma " + std::to_string(gammas[s].back()) : ""));
        } else {
          Mat pm(static_cast<Eigen::Index>(p.size()), 2);
          for (std::size_t i = 0; i < p.size(); ++i) pm.row(static_cast<Eigen::Index>(i)) << p[i].valence, p[i].arousal;
          gammas[s].push_back(goodmanKruskalGamma(truth, pm));
          say(specs[s].model + "/" + specs[s].encoding + " gamma fold " + std::to_string(f + 1) + ": " +
              std::to_string(gammas[s].back()));
        }
      }
    }
  }
  std::vector<EvalResult> out;
  for (std::size_t s = 0; s < specs.size(); ++s) {
    EvalResult r;
    r.model = specs[s].model;
    r.encoding = specs[s].encoding;
    auto col = [&](double FoldMetrics::*field) {
      std::vector<double> v;
      for (const auto& m : perSpec[s]) v.push_back(m.*field);
      return meanStd(v);
    };
    r.r2Valence = col(&FoldMetrics::r2Valence);
    r.r2Arousal = col(&FoldMetrics::r2Arousal);
    r.rmseValence = col(&FoldMetrics::rmseValence);
    r.rmseArousal = col(&FoldMetrics::rmseArousal);
    r.pearsonValence = col(&FoldMetrics::pearsonValence);
    r.pearsonArousal = col(&FoldMetrics::pearsonArousal);
    r.nlpd = col(&FoldMetrics::nlpd);
    r.coverage1 = col(&FoldMetrics::coverage1);
    r.coverage2 = col(&FoldMetrics::coverage2);
    r.quadrantF1 = col(&FoldMetrics::quadrantF1);
    r.gamma = meanStd(gammas[s]);
    r.seconds = seconds[s];
    out.push_back(r);
  }
  return out;
}

}  // namespace mp::mood
