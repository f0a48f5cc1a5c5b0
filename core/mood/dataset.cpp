#include "core/mood/dataset.h"

namespace mp::mood {

Result<LabelledFeatures> loadLabelledFeatures(const std::string& labelsCsv, LabelFormat format,
                                              const std::string& audioDir,
                                              const features::FrontEndConfig& frontEnd,
                                              const FeatureCache& cache, ThreadPool* pool,
                                              const std::function<void(const std::string&)>& log,
                                              const StopFlag* stop) {
  auto set = readLabelledSet(labelsCsv, format, audioDir);
  if (!set) return set.error();
  LabelledFeatures out;
  for (const auto& id : set->missingAudio) out.failed.emplace_back(id, "no audio file for this id in " + audioDir);
  std::vector<std::string> paths;
  for (const auto& s : set->songs) paths.push_back(s.audioPath);
  if (log) log("extracting features of " + std::to_string(paths.size()) + " files (cache: " + cache.dir() + ")");
  std::size_t lastReport = 0;
  auto results = cache.getAll(paths, frontEnd, pool, [&](const Progress& p) {
    if (log && (p.done == p.total || p.done >= lastReport + 50)) {
      lastReport = p.done;
      log("features " + std::to_string(p.done) + "/" + std::to_string(p.total));
    }
  }, stop);
  std::vector<std::size_t> good;
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (!results[i]) {
      out.failed.emplace_back(paths[i], results[i].error().message);
      continue;
    }
    good.push_back(i);
  }
  out.targets.resize(static_cast<Eigen::Index>(good.size()), 2);
  for (std::size_t j = 0; j < good.size(); ++j) {
    const std::size_t i = good[j];
    const auto& l = set->songs[i].label;
    out.songs.push_back(std::move(*results[i]));
    out.paths.push_back(paths[i]);
    out.ids.push_back(l.id);
    out.targets.row(static_cast<Eigen::Index>(j)) << l.valence, l.arousal;
    int q = quadrantOf(l.valence, l.arousal);
    if (l.quadrant.size() == 2 && (l.quadrant[0] == 'Q' || l.quadrant[0] == 'q') && l.quadrant[1] >= '1' &&
        l.quadrant[1] <= '4') {
      q = l.quadrant[1] - '0';
    }
    out.quadrants.push_back(q);
  }
  if (out.songs.empty()) return fail("no labelled song could be analysed");
  return out;
}

}  // namespace mp::mood
