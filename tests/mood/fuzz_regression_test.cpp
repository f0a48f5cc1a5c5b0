// Model files found by the libFuzzer target tests/fuzz/fuzz_model.cpp, kept as regressions in
// tests/fuzz/regressions/model/: each must either be refused with an error, or load, save and
// load again to the same bytes (the fuzz target's property). Like the target, each file is tried
// as it is and with its archive checksum repaired (fuzz::withValidArchiveChecksum).
#include "core/mood/mood_model.h"
#include "tests/fuzz/fuzz_support.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>

namespace mp::mood {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST(ModelFuzzRegressions, EveryFoundInputIsRefusedOrRoundTrips) {
  const fs::path dir = fs::path(MOODPLANE_SOURCE_DIR) / "tests/fuzz/regressions/model";
  int files = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    ++files;
    const std::string raw = slurp(e.path());
    for (const std::string& input : {raw, fuzz::withValidArchiveChecksum(raw)}) {
      auto model = MoodModel::fromBytes(input);
      if (!model) continue;
      const std::string bytes = model->bytes();
      auto again = MoodModel::fromBytes(bytes);
      ASSERT_TRUE(again) << e.path() << ": " << again.error().message;
      EXPECT_EQ(again->bytes(), bytes) << e.path();
    }
  }
  EXPECT_GT(files, 0);
}

TEST(ModelFuzzRegressions, ExactGpTargetsThatOverflowTheScaleAreRefused) {
  // Found by fuzzing: targets near ±1e308 made the standard deviation infinite; the model loaded,
  // but saving it wrote NaN targets that could never be loaded again.
  const fs::path file = fs::path(MOODPLANE_SOURCE_DIR) / "tests/fuzz/regressions/model/exact-gp-target-overflow";
  auto model = MoodModel::fromBytes(fuzz::withValidArchiveChecksum(slurp(file)));
  ASSERT_FALSE(model);
  EXPECT_NE(model.error().message.find("out of range"), std::string::npos) << model.error().message;

  Mat x(3, 1);
  x << 0.0, 0.5, 1.0;
  Vec y(3);
  y << 1e308, -1e308, 0.0;
  Vec theta = Vec::Zero(3);  // log lengthscale, log signal variance, log noise variance
  auto gp = gp::ExactGp::withParams(x, y, gp::ExactGpConfig{}, theta);
  EXPECT_FALSE(gp);
  y << 1.0, -1.0, 0.0;
  EXPECT_TRUE(gp::ExactGp::withParams(x, y, gp::ExactGpConfig{}, theta));
}

TEST(ModelFuzzRegressions, ExactGpKeepsItsTargetsExactly) {
  // Found by fuzzing (clang build): the exact GP saved y = ystd·scale + mean, recomputed from its
  // standardised targets, which drifts by an ulp on some values, so save -> load -> save changed
  // the bytes. It now keeps and saves the targets as given.
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  Mat x(100, 1);
  Vec y(100);
  for (int i = 0; i < 100; ++i) {
    x(i, 0) = i / 100.0;
    y[i] = u(rng);
  }
  auto gp = gp::ExactGp::withParams(x, y, gp::ExactGpConfig{}, Vec::Zero(3));
  ASSERT_TRUE(gp) << gp.error().message;
  EXPECT_TRUE((gp->trainingTargets().array() == y.array()).all());
  io::ArchiveWriter first("gp");
  gp->save(first, "g/");
  auto reader = io::ArchiveReader::fromBytes(first.bytes());
  ASSERT_TRUE(reader);
  auto again = gp::ExactGp::load(*reader, "g/");
  ASSERT_TRUE(again);
  io::ArchiveWriter second("gp");
  again->save(second, "g/");
  EXPECT_EQ(second.bytes(), first.bytes());
}

}  // namespace
}  // namespace mp::mood
