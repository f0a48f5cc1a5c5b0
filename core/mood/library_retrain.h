#pragma once
// Retraining against the library database (issue #7), the whole headless sequence shared by
// `moodplane-cli retrain` and the GUI's background job:
//   1. load the model ModelStore::resolve() picks (the listener's current model or the default);
//   2. gather the rated songs' stored encodings from the database: an encoding is usable only
//      when the song was analysed by a model with the same encoder (encoderFingerprint()), so
//      nothing is decoded; songs without one are reported and skipped;
//   3. retrain() (retrainer.h) — a raised StopFlag ends here with an error, nothing written;
//   4. ModelStore::commit(): the new model file, then the "current" pointer swapped atomically;
//   5. re-predict every song with a usable encoding and write predictions + modelVersion in ONE
//      transaction (a crash leaves the old predictions; the next retrain or index repairs them).
// Ratings are only read, never written, so they survive every step and every crash.

#include "core/common/cancel.h"
#include "core/common/result.h"
#include "core/common/thread_pool.h"
#include "core/library/library_store.h"
#include "core/mood/model_store.h"
#include "core/mood/retrainer.h"

#include <set>
#include <string>
#include <utility>
#include <vector>

namespace mp::mood {

struct GatheredRatings {
  std::vector<RatedInput> ratings;                          ///< usable, label = path
  std::vector<std::pair<std::string, std::string>> skipped; ///< (path, reason)
};

/// Analyser versions (SongRecord::modelVersion) of every known model file — the store's models
/// and the shipped default — whose encoder equals `model`'s: their stored encodings are valid.
std::set<std::string> compatibleModelVersions(const ModelStore& models, const MoodModel& model);

/// The rated songs of the library whose stored encodings `model` can use.
Result<GatheredRatings> gatherRatings(library::LibraryStore& db, const MoodModel& model,
                                      const std::set<std::string>& compatibleVersions);

struct RepredictReport {
  std::size_t repredicted = 0;  ///< songs given the new prediction and modelVersion
  std::size_t skipped = 0;      ///< songs without a usable encoding (left for the next index)
};

/// Predicts every song with a usable stored encoding with `model` and writes prediction +
/// `modelVersion` (the encoding is kept) in one transaction.
Result<RepredictReport> repredictLibrary(library::LibraryStore& db, const MoodModel& model,
                                         const std::string& modelVersion,
                                         const std::set<std::string>& compatibleVersions);

struct LibraryRetrainReport {
  RetrainFigures figures;
  StoredModel model;          ///< the committed model (now current)
  std::string parentPath;     ///< the model it was retrained from
  std::string modelVersion;   ///< analyser version written to the songs
  std::vector<std::pair<std::string, std::string>> skipped;  ///< ratings not used (path, reason)
  RepredictReport repredict;
  std::string warning;        ///< from ModelStore::resolve() (a broken current model)
};

/// Steps 1–5 above.
Result<LibraryRetrainReport> retrainLibrary(library::LibraryStore& db, ModelStore& models,
                                            const RetrainConfig& config, ThreadPool* pool = nullptr,
                                            const StopFlag* stop = nullptr, const ProgressFn& progress = {});

}  // namespace mp::mood
