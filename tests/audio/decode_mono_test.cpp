// decodeMono: downmix, resampling, block delivery, maxSeconds, options validation, the stop
// flag, and constant memory on a very long file.

#include "core/audio/audio_decoder.h"
#include "core/audio/resampler.h"
#include "tests/audio/audio_fixtures.h"
#include "tests/common/temp_dir.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <sys/resource.h>

namespace mp::audio {
namespace {

using test::TempDir;

std::vector<float> decodeAll(const std::string& path, const DecodeOptions& opt, DecodeStats* stats = nullptr) {
  std::vector<float> out;
  auto r = decodeMono(path, opt, [&](std::span<const float> b) { out.insert(out.end(), b.begin(), b.end()); });
  EXPECT_TRUE(r) << (r ? "" : r.error().message);
  if (r && stats != nullptr) *stats = *r;
  return out;
}

TEST(DecodeMono, EightKilohertzMonoIsUpsampled) {
  TempDir dir;
  const std::string path = dir.file("8000-1-16.wav");
  auto tone = [](std::int64_t n, int, int rate) {
    return static_cast<float>(0.4 * std::sin(2 * std::numbers::pi * 1000.0 * static_cast<double>(n) / rate));
  };
  ASSERT_TRUE(test::writeSndfile(path, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 8000, 1, 8000 * 3, tone));
  DecodeStats stats;
  auto mono = decodeAll(path, {}, &stats);
  EXPECT_EQ(stats.info.sampleRate, 8000);
  EXPECT_EQ(stats.info.channels, 1);
  EXPECT_EQ(stats.decodedFrames, 8000 * 3);
  EXPECT_NEAR(static_cast<double>(mono.size()), 22050.0 * 3, 2.0);
  ASSERT_GE(mono.size(), 22050u * 2);
  std::span<const float> mid(mono.data() + 11025, 22050);
  EXPECT_NEAR(test::toneAmplitude(mid, 1000, 22050), 0.4, 0.004);
  EXPECT_LT(test::toneAmplitude(mid, 3000, 22050), 0.004);  // no imaging above the old Nyquist
}

TEST(DecodeMono, SixChannelDownmixAt96k) {
  TempDir dir;
  const std::string path = dir.file("96000-6-float.wav");
  // A 500 Hz sine of amplitude 0.6 in channel 3 only: the mono average has amplitude 0.1.
  auto oneChannel = [](std::int64_t n, int channel, int rate) {
    return channel == 3 ? static_cast<float>(0.6 * std::sin(2 * std::numbers::pi * 500.0 * static_cast<double>(n) / rate))
                        : 0.0f;
  };
  ASSERT_TRUE(test::writeSndfile(path, SF_FORMAT_WAV | SF_FORMAT_FLOAT, 96000, 6, 96000 * 2, oneChannel));
  DecodeStats stats;
  auto mono = decodeAll(path, {}, &stats);
  EXPECT_EQ(stats.info.channels, 6);
  EXPECT_EQ(stats.info.sampleRate, 96000);
  EXPECT_NEAR(static_cast<double>(mono.size()), 22050.0 * 2, 2.0);
  std::span<const float> mid(mono.data() + 11025, 22050);
  EXPECT_NEAR(test::toneAmplitude(mid, 500, 22050), 0.1, 0.001);
  EXPECT_NEAR(test::rms(mid), 0.1 / std::sqrt(2.0), 0.001);
}

TEST(DecodeMono, SameRateIsBitExactDownmix) {
  TempDir dir;
  const std::string path = dir.file("22050-2-float.wav");
  ASSERT_TRUE(test::writeSndfile(path, SF_FORMAT_WAV | SF_FORMAT_FLOAT, 22050, 2, 22050));
  auto mono = decodeAll(path, {});
  ASSERT_EQ(mono.size(), 22050u);
  for (std::size_t n = 0; n < mono.size(); n += 97) {
    const auto i = static_cast<std::int64_t>(n);
    const float expected = (test::twoTone(i, 0, 22050) + test::twoTone(i, 1, 22050)) * 0.5f;
    EXPECT_NEAR(mono[n], expected, 1e-6f);
  }
}

TEST(DecodeMono, BlocksAreFullSizeExceptTheLast) {
  TempDir dir;
  const std::string path = dir.file("44100-2-16.wav");
  ASSERT_TRUE(test::writeSndfile(path, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 44100, 2, 44100 * 2 + 123));
  DecodeOptions opt;
  opt.blockFrames = 1000;
  std::vector<std::size_t> sizes;
  auto r = decodeMono(path, opt, [&](std::span<const float> b) { sizes.push_back(b.size()); });
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_FALSE(sizes.empty());
  for (std::size_t i = 0; i + 1 < sizes.size(); ++i) EXPECT_EQ(sizes[i], 1000u);
  EXPECT_GT(sizes.back(), 0u);
  EXPECT_LE(sizes.back(), 1000u);
  std::int64_t total = 0;
  for (auto s : sizes) total += static_cast<std::int64_t>(s);
  EXPECT_EQ(total, r->outputFrames);
  EXPECT_EQ(r->decodedFrames, 44100 * 2 + 123);
  EXPECT_NEAR(static_cast<double>(total), (44100.0 * 2 + 123) / 2, 2.0);
}

TEST(DecodeMono, MaxSecondsStopsEarly) {
  TempDir dir;
  const std::string path = dir.file("44100-2-16.wav");
  ASSERT_TRUE(test::writeSndfile(path, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 44100, 2, 44100 * 3));
  DecodeOptions opt;
  opt.maxSeconds = 1.25;
  DecodeStats stats;
  auto mono = decodeAll(path, opt, &stats);
  EXPECT_EQ(stats.decodedFrames, 55125);
  EXPECT_DOUBLE_EQ(stats.durationSeconds, 1.25);
  EXPECT_NEAR(static_cast<double>(mono.size()), 22050 * 1.25, 2.0);
}

TEST(DecodeMono, RejectsOutOfRangeOptions) {
  TempDir dir;
  const std::string path = dir.file("44100-1-16.wav");
  ASSERT_TRUE(test::writeSndfile(path, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 44100, 1, 4410));
  auto sink = [](std::span<const float>) { FAIL() << "sink must not be called"; };
  DecodeOptions bad;
  bad.targetRate = 4000;
  EXPECT_FALSE(decodeMono(path, bad, sink));
  bad = {};
  bad.targetRate = 400000;
  EXPECT_FALSE(decodeMono(path, bad, sink));
  bad = {};
  bad.blockFrames = 16;
  EXPECT_FALSE(decodeMono(path, bad, sink));
  bad = {};
  bad.blockFrames = std::size_t{1} << 21;
  EXPECT_FALSE(decodeMono(path, bad, sink));
  bad = {};
  bad.maxSeconds = -1;
  EXPECT_FALSE(decodeMono(path, bad, sink));
  bad = {};
  bad.maxSeconds = std::nan("");
  auto r = decodeMono(path, bad, sink);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("maxSeconds"), std::string::npos);
}

TEST(DecodeMono, StopFlagCancelsPromptly) {
  TempDir dir;
  const std::string path = dir.file("44100-2-16.wav");
  ASSERT_TRUE(test::writeSndfile(path, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 44100, 2, 44100 * 20));
  StopFlag stop;
  DecodeOptions opt;
  opt.blockFrames = 1024;
  std::int64_t afterStop = 0;
  auto r = decodeMono(path, opt, [&](std::span<const float> b) {
    if (stop.requested()) afterStop += static_cast<std::int64_t>(b.size());
    stop.request();  // raised during the first block
  }, &stop);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("cancel"), std::string::npos);
  // At most the rest of one 8192-frame read chunk (4096 output frames) arrives after the request.
  EXPECT_LE(afterStop, 8192);

  StopFlag raised;
  raised.request();
  bool called = false;
  auto r2 = decodeMono(path, opt, [&](std::span<const float>) { called = true; }, &raised);
  EXPECT_FALSE(r2);
  EXPECT_FALSE(called);
}

TEST(Resampler, StreamedChunksMatchOneLongCall) {
  // Chunked streaming through soxr must give the same output length and (to float precision)
  // the same samples as processing the whole signal at once.
  std::vector<float> x(44100);
  for (std::size_t n = 0; n < x.size(); ++n) x[n] = test::twoTone(static_cast<std::int64_t>(n), 0, 44100);
  auto run = [&](std::size_t chunk) {
    auto rs = Resampler::create(44100, 22050, 1);
    EXPECT_TRUE(rs);
    std::vector<float> out;
    auto sink = [&](std::span<const float> b) { out.insert(out.end(), b.begin(), b.end()); };
    for (std::size_t i = 0; i < x.size(); i += chunk)
      EXPECT_TRUE(rs->process(std::span<const float>(x).subspan(i, std::min(chunk, x.size() - i)), sink));
    EXPECT_TRUE(rs->flush(sink));
    return out;
  };
  const auto whole = run(x.size());
  const auto pieces = run(777);
  ASSERT_EQ(whole.size(), pieces.size());
  EXPECT_NEAR(static_cast<double>(whole.size()), 22050.0, 1.0);
  for (std::size_t i = 0; i < whole.size(); ++i) ASSERT_NEAR(whole[i], pieces[i], 1e-5f) << i;
  EXPECT_FALSE(Resampler::create(0, 22050));
}

long maxRssKb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

TEST(DecodeMono, LongFileStreamsInConstantMemory) {
  // Two hours of 8 kHz mono 16-bit WAV (≈115 MB; 20 minutes under sanitizers). Decoded to
  // float at 22.05 kHz it would be ≈635 MB if anything held the whole song.
  const bool sanitizer = std::getenv("MOODPLANE_SANITIZER_BUILD") != nullptr;
  const std::int64_t seconds = sanitizer ? 20 * 60 : 2 * 3600;
  const std::int64_t frames = seconds * 8000;
  TempDir dir;
  const std::string path = dir.file("8000-1-16-long.wav");
  {
    SF_INFO info{};
    info.samplerate = 8000;
    info.channels = 1;
    info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
    SNDFILE* sf = sf_open(path.c_str(), SFM_WRITE, &info);
    ASSERT_NE(sf, nullptr);
    std::vector<short> chunk(8000 * 10);  // 10 s of a 1 kHz square-ish pattern, reused
    for (std::size_t i = 0; i < chunk.size(); ++i) chunk[i] = static_cast<short>((i / 4) % 2 ? 8000 : -8000);
    for (std::int64_t done = 0; done < frames; done += static_cast<std::int64_t>(chunk.size()))
      ASSERT_EQ(sf_writef_short(sf, chunk.data(), static_cast<sf_count_t>(chunk.size())),
                static_cast<sf_count_t>(chunk.size()));
    sf_close(sf);
  }
  const long before = maxRssKb();
  std::int64_t count = 0;
  std::size_t blocks = 0;
  auto r = decodeMono(path, {}, [&](std::span<const float> b) {
    count += static_cast<std::int64_t>(b.size());
    ++blocks;
  });
  ASSERT_TRUE(r) << r.error().message;
  const long grownKb = maxRssKb() - before;
  EXPECT_EQ(r->decodedFrames, frames);
  EXPECT_EQ(r->outputFrames, count);
  EXPECT_NEAR(static_cast<double>(count), static_cast<double>(frames) * 22050.0 / 8000.0, 2.0);
  EXPECT_NEAR(r->durationSeconds, static_cast<double>(seconds), 1e-9);
  const double pcmMb = static_cast<double>(frames) * 2 / 1e6;
  std::cout << "[ INFO     ] " << seconds << " s file (" << pcmMb << " MB PCM): peak RSS grew by "
            << grownKb / 1024.0 << " MB over " << blocks << " blocks\n";
  EXPECT_LT(grownKb, 16 * 1024) << "memory must not grow with the song's length";
}

}  // namespace
}  // namespace mp::audio
