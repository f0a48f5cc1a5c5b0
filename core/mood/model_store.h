#pragma once
// The listener's own mood models (issue #7): versioned files in one folder, default
// $XDG_DATA_HOME/moodplane/models/ (or ~/.local/share/moodplane/models/):
//   model-0001.mpmodel, model-0002.mpmodel, …   each a MoodModel archive whose card (JSON) is its
//                                               provenance: base data, ratings used, date,
//                                               parent, CV figures on the ratings, encoder hash
//   current                                     one line: "model-NNNN.mpmodel" or "default"
// Model files are written once (temp file + fsync + link, so a crash leaves either no file or a
// whole one) and never modified; "current" is replaced atomically (temp + fsync + rename), so
// every moment of a crash leaves the old or the new model current, never a broken pointer.
// resolve() is the single place deciding which model file the CLI and the GUI load.
// Plain files, no locking beyond that: two writers racing get distinct numbers (link fails on
// an existing name) and the last pointer swap wins.

#include "core/common/result.h"
#include "core/mood/mood_model.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace mp::mood {

struct StoredModel {
  int number = 0;       ///< NNNN of model-NNNN.mpmodel
  std::string path;     ///< absolute
  nlohmann::json card;  ///< the provenance card (null when it cannot be read)
  bool current = false;
  std::string problem;  ///< non-empty when the file's header or card cannot be read
};

struct ResolvedModel {
  std::string path;       ///< the model file to load
  bool userModel = false; ///< false: the shipped default
  int number = 0;         ///< the user model's number (0 = default)
  std::string warning;    ///< non-empty when the current user model was unusable (fell back)
};

class ModelStore {
 public:
  ModelStore(std::string folder, std::string defaultModelPath);

  /// $XDG_DATA_HOME/moodplane/models (not created).
  static std::string defaultFolder();
  const std::string& folder() const { return folder_; }
  const std::string& defaultModelPath() const { return defaultModel_; }

  /// Every model-NNNN.mpmodel in the folder, ascending. Unreadable files are listed with a problem.
  Result<std::vector<StoredModel>> list() const;
  /// Number of the current user model; 0 = the shipped default (also when there is no pointer).
  Result<int> currentNumber() const;
  /// Path of model NNNN (0 = the default model).
  std::string pathOf(int number) const;
  /// Writes `model` as the next model-NNNN.mpmodel with a card = `provenance` plus
  /// {"format","model","parent","date_utc","encoder","regressor"}, then makes it current.
  Result<StoredModel> commit(const MoodModel& model, const nlohmann::json& provenance);
  /// Makes the current model's parent current (the default when it was trained from the
  /// default). Returns the new current number. Error when the default is current already.
  Result<int> rollback();
  /// Makes the shipped default current (the user's model files are kept).
  Status resetToDefault();
  /// Which model file to load: the current user model if it loads, else the shipped default
  /// (with a warning saying why). Never fails: a missing default is the caller's error on load.
  ResolvedModel resolve() const;

 private:
  Status setCurrent(int number);
  Result<nlohmann::json> readCard(const std::string& path) const;

  std::string folder_;
  std::string defaultModel_;
};

}  // namespace mp::mood
