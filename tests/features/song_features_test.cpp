// End to end: generated WAV files through analyzeSong, and the `features` CLI command.

#include "core/features/frame_analyzer.h"
#include "core/features/song_features.h"
#include "tests/common/temp_dir.h"
#include "tests/features/signals.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace mp::features {
namespace {

TEST(AnalyzeSong, GeneratedWavEndToEnd) {
  mp::test::TempDir dir;
  const auto seq = mp::test::noteSequence(77, 40, 44100);
  const std::string path = dir.file("notes-44100-2-16.wav");
  ASSERT_TRUE(mp::test::writeWav(path, seq.audio, 44100, 2));
  auto song = analyzeSong(path, FrontEndConfig{});
  ASSERT_TRUE(song.ok()) << song.error().message;
  const double duration = seq.audio.size() / 44100.0;
  EXPECT_NEAR(song->durationSeconds, duration, 0.01);
  EXPECT_EQ(song->info.sampleRate, 44100);
  EXPECT_EQ(song->info.channels, 2);
  EXPECT_NEAR(song->frameCount, duration * 22050.0 / 512.0, 2.0);
  EXPECT_EQ(song->lldNames, FrameAnalyzer::lldNames());
  const OnsetScore score = scoreOnsets(seq.onsets, song->onsetsSeconds, 0.05);
  std::printf("analyzeSong on WAV: onset F=%.3f P=%.3f R=%.3f\n", score.fMeasure, score.precision, score.recall);
  EXPECT_GE(score.fMeasure, 0.9);
  ASSERT_FALSE(song->segments.empty());
  EXPECT_DOUBLE_EQ(song->segments.front().first, 0.0);
  EXPECT_NEAR(song->segments.back().second, song->durationSeconds, 1e-9);
  EXPECT_EQ(song->segmentVectors.rows(), static_cast<Eigen::Index>(song->segments.size()));
  EXPECT_EQ(song->segmentVectors.cols(), 140);
  EXPECT_EQ(song->segmentVectorNames.size(), 140u);
  EXPECT_TRUE(song->segmentVectors.allFinite());
  EXPECT_TRUE((song->segmentVectors.rightCols(70).array() >= 0).all());  // std columns
}

TEST(AnalyzeSong, SilentFileHasNoOnsetsAndOneSegmentPerTwoSeconds) {
  mp::test::TempDir dir;
  const std::string path = dir.file("silence-22050-1-16.wav");
  ASSERT_TRUE(mp::test::writeWav(path, std::vector<float>(22050 * 5, 0.0f), 22050));
  auto song = analyzeSong(path, FrontEndConfig{});
  ASSERT_TRUE(song.ok()) << song.error().message;
  EXPECT_TRUE(song->onsetsSeconds.empty());
  EXPECT_EQ(song->segments.size(), 3u);  // 5 s split into parts of at most 2 s
  EXPECT_TRUE(song->segmentVectors.allFinite());
}

TEST(AnalyzeSong, BadInputsAreErrors) {
  mp::test::TempDir dir;
  const std::string shortWav = dir.file("short-22050-1-16.wav");
  ASSERT_TRUE(mp::test::writeWav(shortWav, mp::test::sine(440, 0.5, 0.05), 22050));
  auto tooShort = analyzeSong(shortWav, FrontEndConfig{});
  ASSERT_FALSE(tooShort.ok());
  EXPECT_NE(tooShort.error().message.find("too short"), std::string::npos) << tooShort.error().message;

  const std::string text = dir.file("notes.wav");
  std::ofstream(text) << "this is not audio at all\n";
  EXPECT_FALSE(analyzeSong(text, FrontEndConfig{}).ok());
  EXPECT_FALSE(analyzeSong(dir.file("missing.flac"), FrontEndConfig{}).ok());

  // A truncated WAV (header promises more data than present) still analyses what is there.
  const std::string full = dir.file("full.wav");
  ASSERT_TRUE(mp::test::writeWav(full, mp::test::sine(440, 0.5, 2.0), 22050));
  const auto bytes = std::filesystem::file_size(full);
  std::filesystem::resize_file(full, bytes / 2);
  auto truncated = analyzeSong(full, FrontEndConfig{});
  if (truncated.ok()) {
    EXPECT_NEAR(truncated->durationSeconds, 1.0, 0.05);
  }

  FrontEndConfig bad;
  bad.hopSize = 0;
  EXPECT_FALSE(analyzeSong(full, bad).ok());
}

struct CommandResult {
  int exitCode = -1;
  std::string out;
};

CommandResult runCli(const std::string& args) {
  CommandResult r;
  const std::string cmd = std::string(MOODPLANE_CLI_PATH) + " " + args + " 2>/dev/null";
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return r;
  std::array<char, 4096> buf{};
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) r.out.append(buf.data(), n);
  const int status = pclose(pipe);
  r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

TEST(FeaturesCli, JsonOutputAndErrors) {
  if (!std::filesystem::exists(MOODPLANE_CLI_PATH)) GTEST_SKIP() << "moodplane-cli not built";
  mp::test::TempDir dir;
  const auto seq = mp::test::noteSequence(8, 15, 22050);
  const std::string good = dir.file("notes-22050-1-16.wav");
  ASSERT_TRUE(mp::test::writeWav(good, seq.audio, 22050));
  const std::string bad = dir.file("bad.mp3");
  std::ofstream(bad) << "garbage";

  const CommandResult ok = runCli("features --json '" + good + "'");
  EXPECT_EQ(ok.exitCode, 0);
  const auto doc = nlohmann::json::parse(ok.out, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << ok.out;
  ASSERT_TRUE(doc.is_array());
  ASSERT_EQ(doc.size(), 1u);
  const auto& f = doc[0];
  EXPECT_EQ(f["path"], std::filesystem::absolute(good).lexically_normal().string());
  EXPECT_NEAR(f["duration_s"].get<double>(), seq.audio.size() / 22050.0, 0.01);
  EXPECT_EQ(f["sample_rate"], 22050);
  EXPECT_EQ(f["channels"], 1);
  EXPECT_TRUE(f["codec"].is_string());
  EXPECT_TRUE(f["tags"].is_object());
  EXPECT_EQ(f["lld_names"].size(), 70u);
  EXPECT_GT(f["frames"].get<int>(), 0);
  const auto onsets = f["onsets_s"].get<std::vector<double>>();
  EXPECT_GE(scoreOnsets(seq.onsets, onsets, 0.05).fMeasure, 0.85);
  ASSERT_TRUE(f["segments"].is_array());
  ASSERT_FALSE(f["segments"].empty());
  EXPECT_EQ(f["segments"][0].size(), 2u);

  const CommandResult mixed = runCli("features --json '" + good + "' '" + bad + "'");
  EXPECT_EQ(mixed.exitCode, 1);
  const auto doc2 = nlohmann::json::parse(mixed.out, nullptr, false);
  ASSERT_FALSE(doc2.is_discarded()) << mixed.out;
  ASSERT_EQ(doc2.size(), 2u);
  EXPECT_TRUE(doc2[0].contains("frames"));
  EXPECT_TRUE(doc2[1].contains("error"));
  EXPECT_EQ(doc2[1]["path"], std::filesystem::absolute(bad).lexically_normal().string());

  EXPECT_EQ(runCli("features --no-such-option '" + good + "'").exitCode, 2);
  EXPECT_EQ(runCli("features").exitCode, 2);
  EXPECT_EQ(runCli("bench --json '" + dir.path().string() + "/nothing-here'").exitCode, 1);
}

}  // namespace
}  // namespace mp::features
