#pragma once
// Plain, user-facing knobs of a mood model (what `train` and `eval` expose), turned into a
// validated MoodModelConfig in one place.

#include "core/mood/mood_model.h"

#include <string>

namespace mp::mood {

struct ModelOptions {
  int layers = 1;                       ///< DGP layers (1 = SVGP)
  std::string encoding = "lafv";        ///< lafv | global | lld-stats
  std::string regressor = "dgp";        ///< dgp | exact-gp
  int components = 64;                  ///< UBM K_max
  int ubmIterations = 300;
  double ubmFraction = 0.25;
  bool compact = true;                  ///< compact (2K) Fisher vector
  bool intraNormalize = true;
  int pca = 0;                          ///< PCA dims on the encoding (0 = none)
  std::string segmentNorm = "training"; ///< training | per-song
  int iterations = 2000;                ///< Adam steps
  int inducing = 100;
  int batchSize = 0;                    ///< Adam minibatch (0 = full batch)
  int innerWidth = 5;
  bool ard = false;
  double validationFraction = 0.0;      ///< early stopping hold-out share
  double learningRate = 0.01;
  std::string songStats = "baseline";   ///< lld-stats groups: mean,std,between,within,p10,p50,p90,change,rhythm,…,harmony,mel,modulation,contrast
  int calibrationFolds = 0;             ///< inner CV folds for the covariance calibration (0 = off)
  std::uint64_t seed = 0;

  Result<MoodModelConfig> toConfig() const;
};

inline Result<MoodModelConfig> ModelOptions::toConfig() const {
  MoodModelConfig c;
  c.seed = seed;
  c.dgp.layers = layers;
  c.dgp.iterations = iterations;
  c.dgp.inducing = inducing;
  c.dgp.batchSize = batchSize;
  c.dgp.innerWidth = innerWidth;
  c.dgp.ard = ard;
  c.dgp.validationFraction = validationFraction;
  c.dgp.learningRate = learningRate;
  c.exact.ard = ard;
  c.ubm.maxComponents = components;
  c.ubm.maxIterations = ubmIterations;
  c.ubm.subsampleFraction = ubmFraction;
  c.fisher.compact = compact;
  c.fisher.intraNormalize = intraNormalize;
  c.pcaDims = pca;
  auto groups = parseSongStats(songStats);
  if (!groups) return fail("--song-stats: " + groups.error().message);
  c.songStats = *groups;
  c.frontEnd.harmony = (c.songStats & kStatHarmony) != 0;
  c.frontEnd.spectral = (c.songStats & kStatSpectral) != 0;
  c.calibrationFolds = calibrationFolds;
  if (segmentNorm == "training") {
    c.segmentNorm = SegmentNorm::Training;
  } else if (segmentNorm == "per-song") {
    c.segmentNorm = SegmentNorm::PerSong;
  } else {
    return fail("--segment-norm must be training or per-song");
  }
  if (regressor == "dgp") {
    c.regressor = RegressorKind::DeepGp;
  } else if (regressor == "exact-gp") {
    c.regressor = RegressorKind::ExactGp;
  } else {
    return fail("--regressor must be dgp or exact-gp");
  }
  if (encoding == "lld-stats") {
    c.input = InputKind::LldStats;
  } else {
    auto e = parseEncoding(encoding);
    if (!e) return e.error();
    c.input = InputKind::Fisher;
    c.fisher.encoding = *e;
  }
  if (auto s = c.validate(); !s) return s.error();
  return c;
}

}  // namespace mp::mood
