#include "core/mood/library_retrain.h"

#include "core/mood/mood_analyzer.h"

#include <filesystem>

namespace mp::mood {

std::set<std::string> compatibleModelVersions(const ModelStore& models, const MoodModel& model) {
  std::set<std::string> out;
  const std::string fingerprint = model.encoderFingerprint();
  const std::string frontEnd = model.config().frontEnd.fingerprint();
  auto add = [&](const std::string& path) {
    if (auto hash = fileVersionHash(path)) out.insert("mood-" + *hash + "-" + frontEnd);
  };
  if (auto list = models.list()) {
    for (const StoredModel& m : *list) {
      if (m.problem.empty() && m.card.is_object() && m.card.value("encoder", std::string()) == fingerprint) add(m.path);
    }
  }
  std::error_code ec;
  if (std::filesystem::is_regular_file(models.defaultModelPath(), ec)) {
    if (auto def = MoodModel::load(models.defaultModelPath()); def && def->encoderFingerprint() == fingerprint) {
      add(models.defaultModelPath());
    }
  }
  return out;
}

namespace {

/// The stored encoding of `song` as a model input, or why it cannot be used.
Result<Vec> usableEncoding(library::LibraryStore& db, const library::SongRecord& song, const MoodModel& model,
                           const std::set<std::string>& compatibleVersions) {
  if (song.status != library::AnalysisStatus::Done) return fail("not analysed yet (run `moodplane-cli index`)");
  if (compatibleVersions.count(song.modelVersion) == 0) {
    return fail("analysed by another encoder (" + song.modelVersion + "); run `moodplane-cli index` first");
  }
  auto enc = db.encoding(song.id);
  if (!enc) return enc.error();
  if (enc->empty()) return fail("no stored encoding (run `moodplane-cli index`)");
  if (static_cast<Eigen::Index>(enc->size()) != model.encoder().inputDim()) {
    return fail("stored encoding has " + std::to_string(enc->size()) + " values, the model expects " +
                std::to_string(model.encoder().inputDim()));
  }
  Vec x(static_cast<Eigen::Index>(enc->size()));
  for (std::size_t i = 0; i < enc->size(); ++i) x(static_cast<Eigen::Index>(i)) = (*enc)[i];
  if (!x.allFinite()) return fail("stored encoding is not finite");
  return x;
}

}  // namespace

Result<GatheredRatings> gatherRatings(library::LibraryStore& db, const MoodModel& model,
                                      const std::set<std::string>& compatibleVersions) {
  auto songs = db.songs();
  if (!songs) return songs.error();
  GatheredRatings g;
  for (const auto& s : *songs) {
    if (!s.rating) continue;
    auto x = usableEncoding(db, s, model, compatibleVersions);
    if (!x) {
      g.skipped.emplace_back(s.path, x.error().message);
      continue;
    }
    g.ratings.push_back(RatedInput{std::move(*x), s.rating->valence, s.rating->arousal, s.path});
  }
  return g;
}

Result<RepredictReport> repredictLibrary(library::LibraryStore& db, const MoodModel& model,
                                         const std::string& modelVersion,
                                         const std::set<std::string>& compatibleVersions) {
  auto songs = db.songs();
  if (!songs) return songs.error();
  RepredictReport report;
  std::vector<library::SongRecord> todo;
  std::vector<Vec> inputs;
  for (auto& s : *songs) {
    auto x = usableEncoding(db, s, model, compatibleVersions);
    if (!x) {
      if (s.status == library::AnalysisStatus::Done) ++report.skipped;
      continue;
    }
    inputs.push_back(std::move(*x));
    todo.push_back(std::move(s));
  }
  Mat x(static_cast<Eigen::Index>(inputs.size()), model.encoder().inputDim());
  for (std::size_t i = 0; i < inputs.size(); ++i) x.row(static_cast<Eigen::Index>(i)) = inputs[i].transpose();
  const auto predictions = model.predictInputs(x);
  if (Status s = db.beginTransaction(); !s) return s.error();
  for (std::size_t i = 0; i < todo.size(); ++i) {
    library::SongRecord& rec = todo[i];
    rec.prediction = predictions[i];
    rec.modelVersion = modelVersion;
    rec.encoding.resize(static_cast<std::size_t>(inputs[i].size()));
    for (Eigen::Index j = 0; j < inputs[i].size(); ++j) rec.encoding[static_cast<std::size_t>(j)] = static_cast<float>(inputs[i](j));
    if (auto id = db.upsertSong(rec); !id) {
      (void)db.rollback();
      return fail("re-predicting " + rec.path + ": " + id.error().message);
    }
  }
  if (Status s = db.commit(); !s) {
    (void)db.rollback();
    return s.error();
  }
  report.repredicted = todo.size();
  return report;
}

Result<LibraryRetrainReport> retrainLibrary(library::LibraryStore& db, ModelStore& models, const RetrainConfig& config,
                                            ThreadPool* pool, const StopFlag* stop, const ProgressFn& progress) {
  if (Status s = config.validate(); !s) return s.error();
  LibraryRetrainReport report;
  const ResolvedModel resolved = models.resolve();
  report.warning = resolved.warning;
  report.parentPath = resolved.path;
  auto current = MoodModel::load(resolved.path);
  if (!current) return current.error();
  const std::set<std::string> compatible = compatibleModelVersions(models, *current);
  auto gathered = gatherRatings(db, *current, compatible);
  if (!gathered) return gathered.error();
  report.skipped = std::move(gathered->skipped);
  if (gathered->ratings.empty()) {
    return fail("no usable ratings: rate songs of the library first (" + std::to_string(report.skipped.size()) +
                " rated songs have no usable encoding)");
  }
  auto result = retrain(*current, gathered->ratings, config, pool, stop, progress);
  if (!result) return result.error();
  if (stopRequested(stop)) return fail("retraining cancelled");
  report.figures = result->figures;

  nlohmann::json base = nlohmann::json::object();
  {
    auto parentCard = nlohmann::json::parse(current->card(), nullptr, false);
    if (parentCard.is_object()) {
      if (parentCard.contains("base")) {
        base = parentCard["base"];
      } else if (parentCard.contains("data")) {
        base = {{"data", parentCard["data"]}, {"model", resolved.path}};
      }
    }
    base["songs"] = current->baseInputs().rows();
  }
  nlohmann::json provenance = {{"kind", "retrained"},
                               {"base", base},
                               {"ratings_used", gathered->ratings.size()},
                               {"ratings_skipped", report.skipped.size()},
                               {"rating_weight", config.ratingWeight},
                               {"iterations", config.iterations},
                               {"database", db.databasePath()},
                               {"figures", figuresJson(result->figures)}};
  auto stored = models.commit(result->model, provenance);
  if (!stored) return stored.error();
  report.model = std::move(*stored);
  // The committed file's own version (its card differs from the in-memory model's).
  auto version = moodAnalyzerVersion(report.model.path, result->model);
  if (!version) return version.error();
  report.modelVersion = *version;
  std::set<std::string> usable = compatible;
  usable.insert(report.modelVersion);
  auto repredicted = repredictLibrary(db, result->model, report.modelVersion, usable);
  if (!repredicted) return fail("the new model is current but re-predicting the library failed: " + repredicted.error().message);
  report.repredict = *repredicted;
  return report;
}

}  // namespace mp::mood
