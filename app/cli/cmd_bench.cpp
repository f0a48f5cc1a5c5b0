// `moodplane-cli bench [DIR] [--json] [--long-file]`: single-threaded front-end throughput on real
// files (CLI.md): decode-only (decodeMono into a no-op sink) vs the full front end (analyzeSong),
// in × realtime on one core, and optionally the peak memory of analysing a generated long file.

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "core/audio/audio_decoder.h"
#include "core/features/song_features.h"
#include "core/mood/mood_analyzer.h"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <numbers>
#include <random>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace mp::cli {
namespace {

struct BenchOptions {
  std::string dir;
  bool json = false;
  bool longFile = false;
  double longMinutes = 60.0;
  std::string model;  ///< empty = the default model
};

std::string defaultDemoDir() {
  fs::path base;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x != nullptr && *x != '\0') base = x;
  else if (const char* h = std::getenv("HOME"); h != nullptr && *h != '\0') base = fs::path(h) / ".cache";
  else base = fs::temp_directory_path();
  return (base / "moodplane" / "demo").string();
}

std::vector<std::string> audioFiles(const std::string& dir) {
  std::vector<std::string> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    std::string ext = it->path().extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    for (const char* e : {".ogg", ".oga", ".opus", ".mp3", ".flac", ".wav", ".aif", ".aiff", ".m4a", ".aac"})
      if (ext == e) files.push_back(it->path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

double seconds(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

/// CPU time of this process (s): "× realtime per core" stays meaningful on a shared, loaded
/// machine where wall time also counts other processes' turns.
double cpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

/// Writes `minutes` of 44.1 kHz stereo 16-bit WAV (decaying tones and noise hits every 250 ms,
/// so the file has realistic onset and segment counts), one second per write.
bool writeLongWav(const std::string& path, double minutes) {
  constexpr int rate = 44100;
  const std::int64_t frames = static_cast<std::int64_t>(minutes * 60.0 * rate);
  std::ofstream f(path, std::ios::binary);
  if (!f) return false;
  auto u32 = [&](std::uint32_t v) { f.write(reinterpret_cast<const char*>(&v), 4); };
  auto u16 = [&](std::uint16_t v) { f.write(reinterpret_cast<const char*>(&v), 2); };
  const std::uint64_t bytes = static_cast<std::uint64_t>(frames) * 4;
  if (bytes + 36 > 0xFFFFFFFFull) return false;
  f.write("RIFF", 4);
  u32(static_cast<std::uint32_t>(36 + bytes));
  f.write("WAVEfmt ", 8);
  u32(16); u16(1); u16(2); u32(rate); u32(rate * 4); u16(4); u16(16);
  f.write("data", 4);
  u32(static_cast<std::uint32_t>(bytes));
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> noise(-1.0f, 1.0f);
  const double scale[] = {220.0, 246.9, 261.6, 293.7, 329.6, 349.2, 392.0, 440.0};
  std::vector<std::int16_t> buf(static_cast<std::size_t>(rate) * 2);
  const std::int64_t noteLen = rate / 4;
  double phase = 0;
  for (std::int64_t start = 0; start < frames; start += rate) {
    const std::int64_t n = std::min<std::int64_t>(rate, frames - start);
    for (std::int64_t i = 0; i < n; ++i) {
      const std::int64_t t = start + i;
      const std::int64_t note = t / noteLen;
      const double inNote = static_cast<double>(t % noteLen) / rate;
      const double freq = scale[note % 8];
      phase += 2.0 * std::numbers::pi * freq / rate;
      if (phase > 2.0 * std::numbers::pi) phase -= 2.0 * std::numbers::pi;
      double v = 0.3 * std::exp(-inNote / 0.15) * std::sin(phase);
      if (note % 4 == 0) v += 0.2 * std::exp(-inNote / 0.03) * noise(rng);
      v += 0.003 * noise(rng);
      const auto s = static_cast<std::int16_t>(std::lround(std::clamp(v, -1.0, 1.0) * 32767.0));
      buf[2 * i] = s;
      buf[2 * i + 1] = s;
    }
    f.write(reinterpret_cast<const char*>(buf.data()), static_cast<std::streamsize>(n * 4));
  }
  return static_cast<bool>(f);
}

/// Analyses `path` in a child process; returns the child's peak resident set (MB) or < 0.
double peakRssOfAnalysis(const std::string& path, double* analysisSeconds) {
  std::fflush(nullptr);
  const auto t0 = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid < 0) return -1.0;
  if (pid == 0) {
    auto song = features::analyzeSong(path, features::FrontEndConfig{});
    if (!song) std::fprintf(stderr, "bench: long file failed: %s\n", song.error().message.c_str());
    _exit(song ? 0 : 1);
  }
  int status = 0;
  struct rusage usage {};
  if (wait4(pid, &status, 0, &usage) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return -1.0;
  *analysisSeconds = seconds(t0);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

int runBench(const BenchOptions& opts) {
  const std::string dir = absolutePath(opts.dir.empty() ? defaultDemoDir() : opts.dir);
  const std::vector<std::string> files = audioFiles(dir);
  if (files.empty()) {
    std::cerr << "moodplane-cli bench: no audio files in " << dir
              << " (fetch the demo library with scripts/fetch-demo-library.sh)\n";
    return kExitFailed;
  }
  const features::FrontEndConfig config;
  audio::DecodeOptions decodeOptions;
  decodeOptions.targetRate = config.sampleRate;
  // The whole per-song cost with the mood model (decode, front end, encoding, GP, tags).
  const std::string modelPath = opts.model.empty() ? defaultModelPath() : opts.model;
  auto analyzer = mood::loadMoodAnalyzer(modelPath);
  std::string predictNote = analyzer ? "model " + modelPath : analyzer.error().message;
  double audioSeconds = 0, decodeSeconds = 0, frontendSeconds = 0, predictSeconds = 0;
  int analysed = 0;
  nlohmann::json failures = nlohmann::json::array();
  for (const std::string& file : files) {
    std::cerr << "bench: " << file << '\n';
    double checksum = 0;  // keeps the no-op sink from being optimised away
    double c0 = cpuSeconds();
    auto stats = audio::decodeMono(file, decodeOptions, [&](std::span<const float> block) {
      if (!block.empty()) checksum += block[0];
    });
    const double dec = cpuSeconds() - c0;
    if (!stats) {
      failures.push_back({{"path", file}, {"error", stats.error().message}});
      continue;
    }
    c0 = cpuSeconds();
    auto song = features::analyzeSong(file, config);
    const double fe = cpuSeconds() - c0;
    if (!song) {
      failures.push_back({{"path", file}, {"error", song.error().message}});
      continue;
    }
    if (analyzer) {
      c0 = cpuSeconds();
      auto predicted = (*analyzer)->analyze(file, nullptr);
      predictSeconds += cpuSeconds() - c0;
      if (!predicted) {
        failures.push_back({{"path", file}, {"error", predicted.error().message}});
        continue;
      }
    }
    audioSeconds += stats->durationSeconds;
    decodeSeconds += dec;
    frontendSeconds += fe;
    ++analysed;
    if (checksum == 12345.678) std::cerr << ' ';
  }
  if (analysed == 0) {
    std::cerr << "moodplane-cli bench: no file could be decoded in " << dir << '\n';
    return kExitFailed;
  }
  const double decodeX = audioSeconds / std::max(decodeSeconds, 1e-9);
  const double frontendX = audioSeconds / std::max(frontendSeconds, 1e-9);
  const double analysisOnly = frontendSeconds - decodeSeconds;
  nlohmann::json out = {{"dir", dir},
                        {"files", analysed},
                        {"audio_seconds", audioSeconds},
                        {"decode_x_realtime", decodeX},
                        {"frontend_x_realtime", frontendX},
                        {"analysis_only_x_realtime", analysisOnly > 0 ? nlohmann::json(audioSeconds / analysisOnly) : nlohmann::json(nullptr)},
                        {"predict_x_realtime", analyzer ? nlohmann::json(audioSeconds / std::max(predictSeconds, 1e-9)) : nlohmann::json(nullptr)},
                        {"predict_note", predictNote},
                        {"ratio_frontend_to_decode", frontendX / decodeX},
                        {"threads", 1},
                        {"timing", "process CPU time"},
                        {"failed", failures}};
  if (opts.longFile) {
    std::error_code ec;
    const fs::path tmp = fs::temp_directory_path() / ("moodplane-bench-" + std::to_string(getpid()));
    fs::create_directories(tmp, ec);
    const std::string wav = (tmp / "long-44100-2-16.wav").string();
    std::cerr << "bench: writing a " << opts.longMinutes << "-minute 44.1 kHz stereo WAV to " << wav << '\n';
    nlohmann::json longJson = {{"minutes", opts.longMinutes}, {"format", "wav 44100 Hz 2 ch 16 bit"}};
    if (!writeLongWav(wav, opts.longMinutes)) {
      longJson["error"] = "could not write " + wav;
    } else {
      double secs = 0;
      const double mb = peakRssOfAnalysis(wav, &secs);
      if (mb < 0) longJson["error"] = "analysis of the long file failed";
      else {
        longJson["peak_rss_mb"] = mb;
        longJson["seconds"] = secs;
        longJson["x_realtime"] = opts.longMinutes * 60.0 / std::max(secs, 1e-9);
      }
    }
    fs::remove_all(tmp, ec);
    out["long_file"] = longJson;
  }
  if (opts.json) {
    printJson(out);
  } else {
    std::printf("files: %d, audio: %.1f s (%s)\n", analysed, audioSeconds, dir.c_str());
    std::printf("decode only:  %8.1f x realtime (one core)\n", decodeX);
    std::printf("front end:    %8.1f x realtime (decode + features + onsets + segments)\n", frontendX);
    std::printf("ratio front end / decode: %.3f\n", frontendX / decodeX);
    if (analyzer) {
      std::printf("predict:      %8.1f x realtime (front end + mood model, %s)\n",
                  out["predict_x_realtime"].get<double>(), predictNote.c_str());
    } else {
      std::printf("predict: n/a (%s)\n", predictNote.c_str());
    }
    if (out.contains("long_file")) std::printf("long file: %s\n", out["long_file"].dump().c_str());
  }
  return failures.empty() ? kExitOk : kExitFailed;
}

}  // namespace

void addBenchCommand(CLI::App& root, CommandRunner& runner) {
  auto opts = std::make_shared<BenchOptions>();
  CLI::App* cmd = root.add_subcommand("bench", "Front-end throughput on real files (single-threaded)");
  cmd->add_option("dir", opts->dir, "Folder of audio files (default: the demo library cache)");
  cmd->add_flag("--json", opts->json, "Print one JSON document to stdout");
  cmd->add_flag("--long-file", opts->longFile, "Also measure peak memory analysing a generated long WAV");
  cmd->add_option("--long-minutes", opts->longMinutes, "Length of the generated long file")
      ->check(CLI::Range(0.1, 300.0));
  cmd->add_option("--model", opts->model, "Mood model for predict_x_realtime (default: the shipped one)");
  cmd->callback([opts, &runner] { runner.run = [opts] { return runBench(*opts); }; });
}

}  // namespace mp::cli
