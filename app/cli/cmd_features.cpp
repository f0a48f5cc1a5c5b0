// `moodplane-cli features FILE… [--json]`: decode + frame features + onsets + segments (CLI.md).

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "core/audio/tags.h"
#include "core/features/song_features.h"

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace mp::cli {
namespace {

struct FeaturesOptions {
  std::vector<std::string> files;
  bool json = false;
  double maxSeconds = 0.0;
};

nlohmann::json tagsJson(const std::string& path) {
  nlohmann::json t = nlohmann::json::object();
  auto tags = audio::readTags(path);
  if (!tags) return t;
  t["title"] = tags->title;
  t["artist"] = tags->artist;
  t["album"] = tags->album;
  t["genre"] = tags->genre;
  t["year"] = tags->year;
  t["track"] = tags->track;
  return t;
}

int runFeatures(const FeaturesOptions& opts) {
  features::FrontEndConfig config;
  config.maxSongSeconds = opts.maxSeconds;
  if (Status st = config.validate(); !st) {
    std::cerr << "moodplane-cli features: " << st.error().message << '\n';
    return kExitUsage;
  }
  nlohmann::json out = nlohmann::json::array();
  bool anyFailed = false;
  if (!opts.json) std::printf("%-50s %9s %7s %7s %8s  %s\n", "file", "seconds", "frames", "onsets", "segments", "codec");
  for (const std::string& file : opts.files) {
    const std::string path = absolutePath(file);
    std::cerr << "analysing " << path << '\n';
    auto song = features::analyzeSong(path, config);
    if (!song) {
      anyFailed = true;
      out.push_back({{"path", path}, {"error", song.error().message}});
      if (!opts.json) std::printf("%-50s error: %s\n", path.c_str(), song.error().message.c_str());
      continue;
    }
    nlohmann::json segs = nlohmann::json::array();
    for (const auto& [t0, t1] : song->segments) segs.push_back({t0, t1});
    out.push_back({{"path", path},
                   {"duration_s", song->durationSeconds},
                   {"sample_rate", song->info.sampleRate},
                   {"channels", song->info.channels},
                   {"codec", song->info.codec},
                   {"container", song->info.container},
                   {"analysis_rate", config.sampleRate},
                   {"tags", tagsJson(path)},
                   {"lld_names", song->lldNames},
                   {"frames", song->frameCount},
                   {"onsets_s", song->onsetsSeconds},
                   {"segments", segs},
                   {"segment_dims", song->segmentVectors.cols()}});
    if (!opts.json)
      std::printf("%-50s %9.2f %7d %7zu %8zu  %s\n", path.c_str(), song->durationSeconds, song->frameCount,
                  song->onsetsSeconds.size(), song->segments.size(), song->info.codec.c_str());
  }
  if (opts.json) printJson(out);
  return anyFailed ? kExitFailed : kExitOk;
}

}  // namespace

void addFeaturesCommand(CLI::App& root, CommandRunner& runner) {
  auto opts = std::make_shared<FeaturesOptions>();
  CLI::App* cmd = root.add_subcommand("features", "Decode files and print frame features, onsets and segments");
  cmd->add_option("files", opts->files, "Audio files")->required();
  cmd->add_flag("--json", opts->json, "Print one JSON document to stdout");
  cmd->add_option("--max-seconds", opts->maxSeconds, "Analyse at most this much of each file (0 = all)")
      ->check(CLI::Range(0.0, 1e7));
  cmd->callback([opts, &runner] { runner.run = [opts] { return runFeatures(*opts); }; });
}

}  // namespace mp::cli
