#include "core/mood/mood_analyzer.h"

#include "core/audio/tags.h"
#include "core/mood/mood_model.h"

#include <algorithm>

namespace mp::mood {
namespace {

/// A loaded model applied to audio files. Every member is read-only after construction, so
/// analyze() is safe to call from several threads at once.
class MoodAnalyzer final : public library::SongAnalyzer {
 public:
  MoodAnalyzer(MoodModel model, std::string version) : model_(std::move(model)), version_(std::move(version)) {}

  Result<library::SongAnalysis> analyze(const std::string& path, const StopFlag* stop) const override {
    auto f = features::analyzeSong(path, model_.config().frontEnd, stop);
    if (!f) return f.error();
    const SongSegments seg = fromFeatures(*f);
    auto x = model_.encoder().encode(seg);
    if (!x) return fail(path + ": " + x.error().message);
    library::SongAnalysis a;
    if (auto tags = audio::readTags(path); tags) a.tags = *tags;
    a.durationSeconds = f->durationSeconds;
    a.codec = f->info.codec;
    a.mood = model_.predictInputs(x->transpose()).front();
    a.modelVersion = version_;
    a.encoding.resize(static_cast<std::size_t>(x->size()));
    std::transform(x->begin(), x->end(), a.encoding.begin(), [](double v) { return static_cast<float>(v); });
    return a;
  }

  std::string version() const override { return version_; }

 private:
  MoodModel model_;
  std::string version_;
};

}  // namespace

Result<std::unique_ptr<library::SongAnalyzer>> loadMoodAnalyzer(const std::string& modelPath) {
  auto model = MoodModel::load(modelPath);
  if (!model) return model.error();
  auto version = moodAnalyzerVersion(modelPath, *model);
  if (!version) return version.error();
  std::unique_ptr<library::SongAnalyzer> a = std::make_unique<MoodAnalyzer>(std::move(*model), std::move(*version));
  return a;
}

Result<std::string> moodAnalyzerVersion(const std::string& modelPath, const MoodModel& model) {
  auto hash = fileVersionHash(modelPath);
  if (!hash) return hash.error();
  return "mood-" + *hash + "-" + model.config().frontEnd.fingerprint();
}

}  // namespace mp::mood
