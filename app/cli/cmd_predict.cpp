// `moodplane-cli predict [--model MODEL] FILE… [--json]`: valence, arousal and the 2×2 predictive
// covariance of each file with the given (or the shipped default) model. A file that cannot be
// analysed becomes {"path","error"} and the exit status is 1.

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "core/common/thread_pool.h"
#include "core/mood/mood_analyzer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>

namespace mp::cli {
namespace {

struct PredictOptions {
  std::string model;
  std::vector<std::string> files;
  int jobs = 2;
  bool json = false;
};

int runPredict(const PredictOptions& o) {
  const std::string modelPath = resolveModelPath(o.model, "predict");
  auto analyzer = mood::loadMoodAnalyzer(modelPath);
  if (!analyzer) {
    std::cerr << "moodplane-cli predict: " << analyzer.error().message << '\n';
    return kExitFailed;
  }
  std::vector<Result<library::SongAnalysis>> results(o.files.size(), Result<library::SongAnalysis>(fail("")));
  ThreadPool pool(static_cast<std::size_t>(std::max(1, o.jobs)));
  parallelFor(o.files.size() > 1 ? &pool : nullptr, o.files.size(),
              [&](std::size_t i) { results[i] = (*analyzer)->analyze(o.files[i], nullptr); });
  nlohmann::json out = nlohmann::json::array();
  bool failed = false;
  for (std::size_t i = 0; i < o.files.size(); ++i) {
    const std::string path = absolutePath(o.files[i]);
    if (!results[i]) {
      failed = true;
      out.push_back({{"path", path}, {"error", results[i].error().message}});
      if (!o.json) std::cerr << path << ": error: " << results[i].error().message << '\n';
      continue;
    }
    const auto& m = results[i]->mood;
    out.push_back({{"path", path},
                   {"valence", m.valence},
                   {"arousal", m.arousal},
                   {"cov", {{m.covVV, m.covVA}, {m.covVA, m.covAA}}}});
    if (!o.json) {
      std::printf("%s\tvalence %.3f ± %.3f\tarousal %.3f ± %.3f\n", path.c_str(), m.valence,
                  std::sqrt(std::max(m.covVV, 0.0)), m.arousal, std::sqrt(std::max(m.covAA, 0.0)));
    }
  }
  if (o.json) printJson(out);
  return failed ? kExitFailed : kExitOk;
}

}  // namespace

void addPredictCommand(CLI::App& root, CommandRunner& runner) {
  auto opts = std::make_shared<PredictOptions>();
  CLI::App* cmd = root.add_subcommand("predict", "Predict valence and arousal of audio files");
  cmd->add_option("--model", opts->model, "model file (default: your current retrained model, else the shipped default)");
  cmd->add_option("files", opts->files, "audio files")->required();
  cmd->add_option("--jobs", opts->jobs, "worker threads")->check(CLI::Range(1, 256));
  cmd->add_flag("--json", opts->json, "print JSON");
  cmd->callback([&runner, opts] { runner.run = [opts] { return runPredict(*opts); }; });
}

}  // namespace mp::cli
