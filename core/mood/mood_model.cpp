#include "core/mood/mood_model.h"

#include "core/io/archive.h"
#include "core/mood/evaluation.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace mp::mood {

MoodModelConfig::MoodModelConfig() {
  ubm.maxComponents = 64;
  ubm.subsampleFraction = 0.25;
  ubm.maxIterations = 300;
  fisher.encoding = Encoding::Lafv;
  fisher.compact = true;
  dgp.layers = 1;
  dgp.inducing = 100;
  dgp.innerWidth = 5;
  dgp.iterations = 2000;
  dgp.batchSize = 0;
  dgp.ard = false;
  dgp.threads = 1;
  dgp.predictSamples = 100;
  exact.ard = false;
  exact.maxIterations = 100;
}

Status MoodModelConfig::validate() const {
  if (auto s = frontEnd.validate(); !s) return s;
  if (auto s = ubm.validate(); !s) return s;
  if (auto s = fisher.validate(); !s) return s;
  if (pcaDims < 0 || pcaDims > 4096) return fail("pcaDims must be in 0..4096");
  if (songStats == 0 || (songStats & ~kStatAll) != 0) return fail("songStats: unknown statistic groups");
  if (input == InputKind::LldStats && (songStats & kStatHarmony) != 0 && !frontEnd.harmony) {
    return fail("songStats: the harmony statistics need the front end's harmony descriptors");
  }
  if (input == InputKind::LldStats && (songStats & kStatSpectral) != 0 && !frontEnd.spectral) {
    return fail("songStats: the mel, modulation and contrast statistics need the front end's spectral profile");
  }
  if (calibrationFolds < 0 || calibrationFolds == 1 || calibrationFolds > 50) {
    return fail("calibrationFolds must be 0 (off) or 2..50");
  }
  if (auto s = dgp.validate(); !s) return s;
  if (auto s = exact.validate(); !s) return s;
  return {};
}

std::string regressorName(const MoodModelConfig& c) {
  if (c.regressor == RegressorKind::ExactGp) return "exact-gp";
  if (c.dgp.layers == 1) return "svgp";
  return "dgp" + std::to_string(c.dgp.layers);
}

Result<CovarianceCalibration> CovarianceCalibration::fit(ConstMatRef residuals,
                                                         const std::vector<library::MoodEstimate>& predicted) {
  const Eigen::Index n = residuals.rows();
  if (n < 5 || residuals.cols() != 2 || predicted.size() != static_cast<std::size_t>(n)) {
    return fail("calibration needs at least 5 out-of-fold residuals");
  }
  Vec zv(n), za(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const auto& p = predicted[static_cast<std::size_t>(i)];
    if (!(p.covVV > 0.0) || !(p.covAA > 0.0)) return fail("calibration: non-positive predictive variance");
    zv(i) = residuals(i, 0) / std::sqrt(p.covVV);
    za(i) = residuals(i, 1) / std::sqrt(p.covAA);
  }
  if (!zv.allFinite() || !za.allFinite()) return fail("calibration: non-finite residuals");
  CovarianceCalibration c;
  const double kv = std::max(1e-6, zv.squaredNorm() / static_cast<double>(n));
  const double ka = std::max(1e-6, za.squaredNorm() / static_cast<double>(n));
  c.correlation = std::clamp(zv.dot(za) / static_cast<double>(n) / std::sqrt(kv * ka), -0.95, 0.95);
  // Mahalanobis² under Σ' with g = 1: (u² − 2ρuw + w²)/(1 − ρ²), u = z_v/√k_v, w = z_a/√k_a.
  const double rho = c.correlation;
  std::vector<double> m2(static_cast<std::size_t>(n));
  for (Eigen::Index i = 0; i < n; ++i) {
    const double u = zv(i) / std::sqrt(kv), w = za(i) / std::sqrt(ka);
    m2[static_cast<std::size_t>(i)] = (u * u - 2.0 * rho * u * w + w * w) / (1.0 - rho * rho);
  }
  // Scaling Σ' by g divides every m² by g: coverage(g) at level c = share of m² ≤ g·c.
  double bestG = 1.0, bestErr = 1e300;
  for (int k = -60; k <= 60; ++k) {
    const double g = std::exp(0.05 * k);
    double c1 = 0.0, c2 = 0.0;
    for (double v : m2) {
      c1 += v <= g * kEllipse1SigmaMahalanobis2 ? 1.0 : 0.0;
      c2 += v <= g * kEllipse2SigmaMahalanobis2 ? 1.0 : 0.0;
    }
    c1 /= static_cast<double>(n);
    c2 /= static_cast<double>(n);
    const double err = (c1 - kEllipse1SigmaMass) * (c1 - kEllipse1SigmaMass) + (c2 - kEllipse2SigmaMass) * (c2 - kEllipse2SigmaMass);
    if (err < bestErr - 1e-15) {
      bestErr = err;
      bestG = g;
    }
  }
  c.valenceScale = bestG * kv;
  c.arousalScale = bestG * ka;
  c.fitted = true;
  return c;
}

void CovarianceCalibration::apply(library::MoodEstimate& e) const {
  if (!fitted) return;
  const double sv = std::sqrt(std::max(0.0, e.covVV) * valenceScale);
  const double sa = std::sqrt(std::max(0.0, e.covAA) * arousalScale);
  e.covVV = sv * sv;
  e.covAA = sa * sa;
  e.covVA = correlation * sv * sa;
}

Mat normalizeSegments(const SongSegments& song, SegmentNorm norm, const Standardizer& segmentStd) {
  if (norm == SegmentNorm::PerSong) return Standardizer::fit(song.segmentVectors).transform(song.segmentVectors);
  return segmentStd.transform(song.segmentVectors);
}

Result<DiagGmm> fitUbm(const std::vector<const SongSegments*>& songs, const Standardizer& segmentStd,
                       SegmentNorm norm, const VbGmmConfig& config, ThreadPool* pool) {
  Eigen::Index rows = 0;
  for (const auto* s : songs) rows += s->segmentVectors.rows();
  if (rows < 2 || songs.empty()) return fail("UBM: no training segments");
  Mat all(rows, songs.front()->segmentVectors.cols());
  Eigen::Index at = 0;
  for (const auto* s : songs) {
    const Mat z = normalizeSegments(*s, norm, segmentStd);
    all.middleRows(at, z.rows()) = z;
    at += z.rows();
  }
  auto fit = fitVbGmm(all, config, pool);
  if (!fit) return fit.error();
  return std::move(fit->gmm);
}

Result<Vec> MoodEncoderState::encode(const SongSegments& song) const {
  if (song.segmentVectors.rows() == 0) return fail("song has no segments");
  if (song.segmentVectors.cols() != segmentStd.mean.size()) {
    return fail("feature dimension " + std::to_string(song.segmentVectors.cols()) +
                " does not match the model's " + std::to_string(segmentStd.mean.size()));
  }
  Vec z;
  if (input == InputKind::LldStats) {
    z = songStatistics(song, songStats);
  } else {
    z = encoder->encode(normalizeSegments(song, segmentNorm, segmentStd));
  }
  if (pca) z = pca->transform(z.transpose()).transpose();
  z = inputStd.transformRow(z);
  if (!z.allFinite()) return fail("non-finite model input");
  return z;
}

Result<MoodModel> MoodModel::train(const std::vector<const SongSegments*>& songs, ConstMatRef targets,
                                   const MoodModelConfig& config, ThreadPool* pool, const StopFlag* stop,
                                   const DiagGmm* ubm, const std::function<void(const std::string&)>& log) {
  if (auto s = config.validate(); !s) return s.error();
  if (songs.size() < 5) return fail("need at least 5 labelled songs to train");
  if (targets.rows() != static_cast<Eigen::Index>(songs.size()) || targets.cols() != 2) {
    return fail("targets must be songs × 2 (valence, arousal)");
  }
  if (!targets.allFinite()) return fail("targets contain non-finite values");
  const Eigen::Index dims = songs.front()->segmentVectors.cols();
  for (const auto* s : songs) {
    if (s->segmentVectors.cols() != dims || s->segmentVectors.rows() == 0) {
      return fail("training songs have inconsistent or empty segment features");
    }
  }
  auto say = [&log](const std::string& m) {
    if (log) log(m);
  };
  MoodModel m;
  m.config_ = config;
  MoodEncoderState& e = m.enc_;
  e.segmentNorm = config.segmentNorm;
  e.input = config.input;
  e.songStats = config.songStats;
  {
    Eigen::Index rows = 0;
    for (const auto* s : songs) rows += s->segmentVectors.rows();
    Mat all(rows, dims);
    Eigen::Index at = 0;
    for (const auto* s : songs) {
      all.middleRows(at, s->segmentVectors.rows()) = s->segmentVectors;
      at += s->segmentVectors.rows();
    }
    e.segmentStd = Standardizer::fit(all);
  }
  if (stopRequested(stop)) return fail("stopped");
  if (config.input == InputKind::Fisher) {
    DiagGmm g;
    if (ubm != nullptr) {
      if (ubm->dims() != dims) return fail("UBM dimension does not match the features");
      g = *ubm;
    } else {
      VbGmmConfig uc = config.ubm;
      uc.seed = config.seed + 17;
      auto fitted = fitUbm(songs, e.segmentStd, config.segmentNorm, uc, pool);
      if (!fitted) return fitted.error();
      g = std::move(*fitted);
      say("UBM: " + std::to_string(g.components()) + " components");
    }
    e.encoder.emplace(std::move(g), config.fisher);
  }
  if (stopRequested(stop)) return fail("stopped");
  // Raw encodings (before PCA / input standardisation).
  const Eigen::Index n = static_cast<Eigen::Index>(songs.size());
  const Eigen::Index rawDim =
      config.input == InputKind::LldStats ? songStatisticsDim(dims, config.songStats) : e.encoder->dimension();
  Mat raw(n, rawDim);
  parallelFor(pool, songs.size(), [&](std::size_t i) {
    const SongSegments& s = *songs[i];
    raw.row(static_cast<Eigen::Index>(i)) =
        config.input == InputKind::LldStats
            ? songStatistics(s, config.songStats).transpose()
            : e.encoder->encode(normalizeSegments(s, config.segmentNorm, e.segmentStd)).transpose();
  });
  if (!raw.allFinite()) return fail("non-finite encodings");
  if (config.pcaDims > 0 && config.pcaDims < rawDim) {
    auto p = Pca::fit(raw, config.pcaDims);
    if (!p) return p.error();
    e.pca = std::move(*p);
    raw = e.pca->transform(raw);
  }
  e.inputStd = Standardizer::fit(raw);
  const Mat x = e.inputStd.transform(raw);
  if (stopRequested(stop)) return fail("stopped");
  m.baseInputs_ = x;
  m.baseTargets_ = targets;

  if (config.regressor == RegressorKind::DeepGp) {
    gp::DeepGpConfig dc = config.dgp;
    dc.seed = config.seed + 31;
    gp::FitCallbacks cb;
    cb.stop = stop;
    auto fit = gp::DeepGp::fit(x, targets, dc, cb);
    if (!fit) return fit.error();
    m.dgp_ = std::move(*fit);
  } else {
    gp::ExactGpConfig ec = config.exact;
    ec.seed = config.seed + 43;
    for (int j = 0; j < 2; ++j) {
      auto fit = gp::ExactGp::fit(x, targets.col(j), ec);
      if (!fit) return fit.error();
      m.exact_.push_back(std::move(*fit));
    }
  }
  if (config.calibrationFolds > 0) {
    auto cal = m.fitCalibration(x, targets, stop);
    if (!cal) return fail("covariance calibration: " + cal.error().message);
    m.calibration_ = *cal;
    say("calibration: variance scales " + std::to_string(cal->valenceScale) + " / " +
        std::to_string(cal->arousalScale) + ", correlation " + std::to_string(cal->correlation));
  }
  return m;
}

Result<CovarianceCalibration> MoodModel::fitCalibration(ConstMatRef x, ConstMatRef targets, const StopFlag* stop) const {
  // Inner k-fold CV on the training set only. Exact GPs keep the hyperparameters fitted on the
  // whole training set (refitted on each inner part without optimisation: cheap, and the
  // residuals are still out-of-fold); the deep GP is retrained on each inner part.
  const Eigen::Index n = x.rows();
  const int folds = std::min<int>(config_.calibrationFolds, static_cast<int>(n / 2));
  if (folds < 2) return fail("too few songs for calibration");
  const auto assign = kFoldAssignment(static_cast<std::size_t>(n), folds, config_.seed + 53);
  Mat residuals(n, 2);
  std::vector<library::MoodEstimate> predicted(static_cast<std::size_t>(n));
  for (int f = 0; f < folds; ++f) {
    if (stopRequested(stop)) return fail("stopped");
    std::vector<Eigen::Index> in, out;
    for (Eigen::Index i = 0; i < n; ++i) (assign[static_cast<std::size_t>(i)] == f ? out : in).push_back(i);
    const Mat xi = x(in, Eigen::all), yi = targets(in, Eigen::all), xo = x(out, Eigen::all);
    std::vector<library::MoodEstimate> p(out.size());
    if (dgp_) {
      gp::DeepGpConfig dc = config_.dgp;
      dc.seed = config_.seed + 31 + static_cast<std::uint64_t>(f) + 1;
      gp::FitCallbacks cb;
      cb.stop = stop;
      auto fit = gp::DeepGp::fit(xi, yi, dc, cb);
      if (!fit) return fit.error();
      const gp::GpPrediction g = fit->predict(xo, config_.dgp.predictSamples, config_.seed + 7);
      for (std::size_t i = 0; i < out.size(); ++i) {
        const auto r = static_cast<Eigen::Index>(i);
        const Mat& c = g.covariance[i];
        p[i] = {g.mean(r, 0), g.mean(r, 1), c(0, 0), 0.5 * (c(0, 1) + c(1, 0)), c(1, 1)};
      }
    } else {
      Vec mean[2], var[2];
      for (int j = 0; j < 2; ++j) {
        auto fit = gp::ExactGp::withParams(xi, yi.col(j), exact_[static_cast<std::size_t>(j)].config(),
                                           exact_[static_cast<std::size_t>(j)].params());
        if (!fit) return fit.error();
        fit->predict(xo, mean[j], var[j]);
      }
      for (std::size_t i = 0; i < out.size(); ++i) {
        const auto r = static_cast<Eigen::Index>(i);
        p[i] = {mean[0](r), mean[1](r), var[0](r), 0.0, var[1](r)};
      }
    }
    for (std::size_t i = 0; i < out.size(); ++i) {
      const Eigen::Index row = out[i];
      residuals(row, 0) = targets(row, 0) - p[i].valence;
      residuals(row, 1) = targets(row, 1) - p[i].arousal;
      predicted[static_cast<std::size_t>(row)] = p[i];
    }
  }
  return CovarianceCalibration::fit(residuals, predicted);
}

std::vector<library::MoodEstimate> MoodModel::predictInputs(ConstMatRef inputs) const {
  auto out = predictInputsUncalibrated(inputs);
  for (auto& e : out) calibration_.apply(e);
  return out;
}

std::vector<library::MoodEstimate> MoodModel::predictInputsUncalibrated(ConstMatRef inputs) const {
  std::vector<library::MoodEstimate> out(static_cast<std::size_t>(inputs.rows()));
  if (inputs.rows() == 0) return out;
  if (dgp_) {
    const gp::GpPrediction p = dgp_->predict(inputs, config_.dgp.predictSamples, config_.seed + 7);
    for (Eigen::Index i = 0; i < inputs.rows(); ++i) {
      auto& e = out[static_cast<std::size_t>(i)];
      e.valence = p.mean(i, 0);
      e.arousal = p.mean(i, 1);
      const Mat& c = p.covariance[static_cast<std::size_t>(i)];
      e.covVV = c(0, 0);
      e.covVA = 0.5 * (c(0, 1) + c(1, 0));
      e.covAA = c(1, 1);
    }
  } else {
    Vec mv, vv, ma, va;
    exact_[0].predict(inputs, mv, vv);
    exact_[1].predict(inputs, ma, va);
    for (Eigen::Index i = 0; i < inputs.rows(); ++i) {
      auto& e = out[static_cast<std::size_t>(i)];
      e.valence = mv(i);
      e.arousal = ma(i);
      e.covVV = vv(i);
      e.covVA = 0.0;
      e.covAA = va(i);
    }
  }
  return out;
}

Result<library::MoodEstimate> MoodModel::predict(const SongSegments& song) const {
  auto x = enc_.encode(song);
  if (!x) return x.error();
  return predictInputs(x->transpose()).front();
}

// ---------------------------------------------------------------- serialisation

void MoodModel::write(io::ArchiveWriter& w) const {
  const auto& c = config_;
  w.putInt("format_version", kModelFormatVersion);
  w.putString("card", card_);
  w.putString("frontend/fingerprint", c.frontEnd.fingerprint());
  w.putInt("frontend/sample_rate", c.frontEnd.sampleRate);
  w.putInt("frontend/frame_size", c.frontEnd.frameSize);
  w.putInt("frontend/hop_size", c.frontEnd.hopSize);
  w.putDouble("frontend/min_segment_s", c.frontEnd.minSegmentSeconds);
  w.putDouble("frontend/max_segment_s", c.frontEnd.maxSegmentSeconds);
  w.putDouble("frontend/max_song_s", c.frontEnd.maxSongSeconds);
  w.putInt("frontend/harmony", c.frontEnd.harmony ? 1 : 0);
  w.putInt("frontend/spectral", c.frontEnd.spectral ? 1 : 0);
  w.putInt("config/segment_norm", static_cast<int>(c.segmentNorm));
  w.putInt("config/input", static_cast<int>(c.input));
  w.putInt("config/regressor", static_cast<int>(c.regressor));
  w.putInt("config/fisher_encoding", static_cast<int>(c.fisher.encoding));
  w.putInt("config/fisher_intra", c.fisher.intraNormalize ? 1 : 0);
  w.putInt("config/fisher_improved", c.fisher.improved ? 1 : 0);
  w.putInt("config/fisher_compact", c.fisher.compact ? 1 : 0);
  w.putInt("config/pca_dims", c.pcaDims);
  w.putInt("config/predict_samples", c.dgp.predictSamples);
  w.putInt("config/seed", static_cast<std::int64_t>(c.seed));
  w.putInt("config/song_stats", static_cast<std::int64_t>(c.songStats));
  w.putInt("config/calibration_folds", c.calibrationFolds);
  if (calibration_.fitted) {
    w.putDouble("calib/valence_scale", calibration_.valenceScale);
    w.putDouble("calib/arousal_scale", calibration_.arousalScale);
    w.putDouble("calib/correlation", calibration_.correlation);
  }
  w.putVector("segstd/mean", enc_.segmentStd.mean);
  w.putVector("segstd/scale", enc_.segmentStd.scale);
  if (enc_.encoder) {
    const DiagGmm& g = enc_.encoder->gmm();
    w.putVector("ubm/weights", g.weights);
    w.putMatrix("ubm/means", g.means);
    w.putMatrix("ubm/variances", g.variances);
  }
  if (enc_.pca) {
    w.putVector("pca/mean", enc_.pca->mean);
    w.putMatrix("pca/components", enc_.pca->components);
  }
  w.putVector("instd/mean", enc_.inputStd.mean);
  w.putVector("instd/scale", enc_.inputStd.scale);
  if (baseInputs_.rows() > 0) {
    w.putMatrix("base/inputs", baseInputs_);
    w.putMatrix("base/targets", baseTargets_);
  }
  if (dgp_) {
    dgp_->save(w, "dgp/");
  } else {
    exact_[0].save(w, "exact/valence/");
    exact_[1].save(w, "exact/arousal/");
  }
}

std::string MoodModel::bytes() const {
  io::ArchiveWriter w(kModelKind);
  write(w);
  return w.bytes();
}

Status MoodModel::save(const std::string& path) const {
  io::ArchiveWriter w(kModelKind);
  write(w);
  return w.writeFile(path);
}

Result<MoodModel> MoodModel::read(const io::ArchiveReader& r) {
  auto bad = [](const std::string& what) { return fail("invalid mood model: " + what); };
  MoodModel m;
  auto version = r.getInt("format_version");
  if (!version) return bad(version.error().message);
  if (*version != kModelFormatVersion) {
    return bad("format version " + std::to_string(*version) + " (this build reads " +
               std::to_string(kModelFormatVersion) + ")");
  }
  auto card = r.getString("card");
  if (!card) return bad(card.error().message);
  m.card_ = *card;
  auto& c = m.config_;
  auto geti = [&r](const std::string& n, auto& out) -> Status {
    auto v = r.getInt(n);
    if (!v) return v.error();
    out = static_cast<std::remove_reference_t<decltype(out)>>(*v);
    return {};
  };
  auto getd = [&r](const std::string& n, double& out) -> Status {
    auto v = r.getDouble(n);
    if (!v) return v.error();
    out = *v;
    return {};
  };
  int segNorm = 0, input = 0, regressor = 0, fenc = 0, intra = 0, improved = 0, compact = 0;
  std::int64_t seed = 0;
  for (auto st : {geti("frontend/sample_rate", c.frontEnd.sampleRate), geti("frontend/frame_size", c.frontEnd.frameSize),
                  geti("frontend/hop_size", c.frontEnd.hopSize),
                  getd("frontend/min_segment_s", c.frontEnd.minSegmentSeconds),
                  getd("frontend/max_segment_s", c.frontEnd.maxSegmentSeconds),
                  getd("frontend/max_song_s", c.frontEnd.maxSongSeconds), geti("config/segment_norm", segNorm),
                  geti("config/input", input), geti("config/regressor", regressor),
                  geti("config/fisher_encoding", fenc), geti("config/fisher_intra", intra),
                  geti("config/fisher_improved", improved), geti("config/fisher_compact", compact),
                  geti("config/pca_dims", c.pcaDims), geti("config/predict_samples", c.dgp.predictSamples),
                  geti("config/seed", seed)}) {
    if (!st) return bad(st.error().message);
  }
  if (r.has("frontend/harmony")) {  // added in session 3; absent = off
    int harmony = 0;
    if (auto st = geti("frontend/harmony", harmony); !st) return bad(st.error().message);
    if (harmony != 0 && harmony != 1) return bad("frontend/harmony out of range");
    c.frontEnd.harmony = harmony == 1;
  }
  if (r.has("frontend/spectral")) {  // added in session 4; absent = off
    int spectral = 0;
    if (auto st = geti("frontend/spectral", spectral); !st) return bad(st.error().message);
    if (spectral != 0 && spectral != 1) return bad("frontend/spectral out of range");
    c.frontEnd.spectral = spectral == 1;
  }
  if (auto s = c.frontEnd.validate(); !s) return bad(s.error().message);
  auto fp = r.getString("frontend/fingerprint");
  if (!fp) return bad(fp.error().message);
  if (*fp != c.frontEnd.fingerprint()) {
    return fail("the model was trained with a different audio front end (" + *fp + "); retrain it");
  }
  if (segNorm < 0 || segNorm > 1 || input < 0 || input > 1 || regressor < 0 || regressor > 1 || fenc < 0 ||
      fenc > 1 || c.pcaDims < 0 || c.dgp.predictSamples < 1 || c.dgp.predictSamples > 100000) {
    return bad("configuration values out of range");
  }
  c.seed = static_cast<std::uint64_t>(seed);
  // Keys added after format version 1 shipped: optional, defaults = the earlier behaviour.
  if (r.has("config/song_stats")) {
    std::int64_t groups = 0;
    if (auto st = geti("config/song_stats", groups); !st) return bad(st.error().message);
    if (groups <= 0 || (static_cast<std::uint64_t>(groups) & ~static_cast<std::uint64_t>(kStatAll)) != 0) {
      return bad("song statistics groups out of range");
    }
    c.songStats = static_cast<unsigned>(groups);
  }
  if (r.has("config/calibration_folds")) {
    if (auto st = geti("config/calibration_folds", c.calibrationFolds); !st) return bad(st.error().message);
  }
  if (r.has("calib/valence_scale")) {
    double vs = 0.0, as = 0.0, rho = 0.0;
    for (auto st : {getd("calib/valence_scale", vs), getd("calib/arousal_scale", as), getd("calib/correlation", rho)}) {
      if (!st) return bad(st.error().message);
    }
    if (!(vs > 0.0) || !(as > 0.0) || !std::isfinite(vs) || !std::isfinite(as) || !(std::abs(rho) < 1.0)) {
      return bad("calibration values out of range");
    }
    m.calibration_ = CovarianceCalibration{vs, as, rho, true};
  }
  c.segmentNorm = static_cast<SegmentNorm>(segNorm);
  c.input = static_cast<InputKind>(input);
  c.regressor = static_cast<RegressorKind>(regressor);
  c.fisher.encoding = static_cast<Encoding>(fenc);
  c.fisher.intraNormalize = intra != 0;
  c.fisher.improved = improved != 0;
  c.fisher.compact = compact != 0;
  MoodEncoderState& e = m.enc_;
  e.segmentNorm = c.segmentNorm;
  e.input = c.input;
  e.songStats = c.songStats;
  auto sm = r.getVector("segstd/mean");
  auto ss = r.getVector("segstd/scale");
  if (!sm || !ss) return bad("missing segment statistics");
  e.segmentStd = Standardizer{*sm, *ss};
  if (auto s = e.segmentStd.validate(); !s || e.segmentStd.mean.size() < 2) return bad("segment statistics");
  const Eigen::Index dims = e.segmentStd.mean.size();
  Eigen::Index rawDim = c.input == InputKind::LldStats ? songStatisticsDim(dims, c.songStats) : dims;
  if (c.input == InputKind::Fisher) {
    DiagGmm g;
    auto w = r.getVector("ubm/weights");
    auto mu = r.getMatrix("ubm/means");
    auto var = r.getMatrix("ubm/variances");
    if (!w || !mu || !var) return bad("missing UBM");
    g.weights = *w;
    g.means = *mu;
    g.variances = *var;
    if (auto s = g.validate(); !s) return bad("UBM: " + s.error().message);
    if (g.dims() != dims) return bad("UBM dimension disagrees with the segment statistics");
    e.encoder.emplace(std::move(g), c.fisher);
    rawDim = e.encoder->dimension();
  }
  if (r.has("pca/mean")) {
    auto pm = r.getVector("pca/mean");
    auto pc = r.getMatrix("pca/components");
    if (!pm || !pc) return bad("PCA");
    if (pm->size() != rawDim || pc->rows() != rawDim || pc->cols() < 1 || !pm->allFinite() || !pc->allFinite()) {
      return bad("PCA shapes");
    }
    e.pca = Pca{*pm, *pc, Vec::Ones(pc->cols())};
    rawDim = pc->cols();
  }
  auto im = r.getVector("instd/mean");
  auto is = r.getVector("instd/scale");
  if (!im || !is) return bad("missing input statistics");
  e.inputStd = Standardizer{*im, *is};
  if (auto s = e.inputStd.validate(); !s || e.inputStd.mean.size() != rawDim) return bad("input statistics");
  if (c.regressor == RegressorKind::DeepGp) {
    auto g = gp::DeepGp::load(r, "dgp/");
    if (!g) return bad("deep GP: " + g.error().message);
    if (g->inputDim() != rawDim || g->outputDim() != 2) return bad("deep GP shapes");
    c.dgp.layers = g->config().layers;
    m.dgp_ = std::move(*g);
  } else {
    for (const char* name : {"exact/valence/", "exact/arousal/"}) {
      auto g = gp::ExactGp::load(r, name);
      if (!g) return bad(std::string("exact GP: ") + g.error().message);
      if (g->inputDim() != rawDim) return bad("exact GP shapes");
      m.exact_.push_back(std::move(*g));
    }
  }
  if (r.has("base/inputs")) {
    auto bx = r.getMatrix("base/inputs");
    auto by = r.getMatrix("base/targets");
    if (!bx || !by) return bad("base training set");
    if (bx->cols() != rawDim || by->cols() != 2 || by->rows() != bx->rows() || !bx->allFinite() ||
        !by->allFinite()) {
      return bad("base training set shapes");
    }
    m.baseInputs_ = std::move(*bx);
    m.baseTargets_ = std::move(*by);
  } else if (c.regressor == RegressorKind::ExactGp && m.exact_[0].rowNoiseScale().size() == 0 &&
             m.exact_[0].trainingInputs().rows() == m.exact_[1].trainingInputs().rows()) {
    // Files written before "base/…" existed: an exact GP holds its own training set.
    m.baseInputs_ = m.exact_[0].trainingInputs();
    m.baseTargets_.resize(m.baseInputs_.rows(), 2);
    m.baseTargets_.col(0) = m.exact_[0].trainingTargets();
    m.baseTargets_.col(1) = m.exact_[1].trainingTargets();
  }
  return m;
}

MoodModel MoodModel::withDeepGp(gp::DeepGp gp) const {
  MoodModel m = *this;
  m.exact_.clear();
  m.config_.dgp.layers = gp.config().layers;
  m.dgp_ = std::move(gp);
  m.config_.regressor = RegressorKind::DeepGp;
  return m;
}

MoodModel MoodModel::withExactGps(std::vector<gp::ExactGp> gps) const {
  assert(gps.size() == 2);
  MoodModel m = *this;
  m.dgp_.reset();
  m.exact_ = std::move(gps);
  m.config_.regressor = RegressorKind::ExactGp;
  return m;
}

std::string MoodModel::encoderFingerprint() const {
  io::ArchiveWriter w("moodplane-encoder");
  w.putString("frontend", config_.frontEnd.fingerprint());
  w.putInt("segment_norm", static_cast<int>(enc_.segmentNorm));
  w.putInt("input", static_cast<int>(enc_.input));
  w.putInt("fisher", static_cast<int>(config_.fisher.encoding) * 8 + (config_.fisher.intraNormalize ? 4 : 0) +
                         (config_.fisher.improved ? 2 : 0) + (config_.fisher.compact ? 1 : 0));
  w.putVector("segstd/mean", enc_.segmentStd.mean);
  w.putVector("segstd/scale", enc_.segmentStd.scale);
  if (enc_.encoder) {
    w.putVector("ubm/weights", enc_.encoder->gmm().weights);
    w.putMatrix("ubm/means", enc_.encoder->gmm().means);
    w.putMatrix("ubm/variances", enc_.encoder->gmm().variances);
  }
  if (enc_.pca) w.putMatrix("pca/components", enc_.pca->components);
  w.putVector("instd/mean", enc_.inputStd.mean);
  w.putVector("instd/scale", enc_.inputStd.scale);
  const std::string b = w.bytes();
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(io::fnv1a64(b.data(), b.size())));
  return std::string(buf);
}

Result<MoodModel> MoodModel::load(const std::string& path) {
  auto r = io::ArchiveReader::open(path, kModelKind);
  if (!r) return fail("cannot load model " + path + ": " + r.error().message);
  auto m = read(*r);
  if (!m) return fail(path + ": " + m.error().message);
  return m;
}

Result<MoodModel> MoodModel::fromBytes(std::string bytes) {
  auto r = io::ArchiveReader::fromBytes(std::move(bytes), kModelKind);
  if (!r) return fail("cannot load model: " + r.error().message);
  return read(*r);
}

Result<std::string> fileVersionHash(const std::string& path) {
  auto h = hashFile(path);
  if (!h) return h.error();
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(*h));
  return std::string(buf);
}

}  // namespace mp::mood
