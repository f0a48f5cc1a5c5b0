// Decoding every supported format from generated fixtures: AudioInfo, duration, and content
// (per-format tolerances; lossless formats are compared sample by sample).

#include "core/audio/audio_decoder.h"
#include "tests/audio/audio_fixtures.h"
#include "tests/common/temp_dir.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>

namespace mp::audio {
namespace {

using test::TempDir;

struct FormatCase {
  const char* name;      // also the fixture file name stem
  const char* ext;       // deliberately ordinary extension
  int sfFormat;          // 0: written with FFmpeg (encoder below)
  const char* encoder;   // FFmpeg encoder for sfFormat == 0
  int rate;
  const char* codec;     // expected AudioInfo::codec
  const char* container; // expected AudioInfo::container
  double durationTol;    // seconds
  double ampTol;         // relative tolerance on tone amplitudes
  double sampleTol;      // max |decoded - reference| for lossless formats, < 0: lossy
};

// Test names and failure messages show the case's name, not its bytes.
void PrintTo(const FormatCase& c, std::ostream* os) { *os << c.name; }

constexpr double kSeconds = 3.0;

const FormatCase kCases[] = {
    {"wav16", "wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, nullptr, 44100, "pcm_s16", "wav", 0.0, 0.01, 1.0 / 32768 + 1e-6},
    {"wavfloat", "wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, nullptr, 44100, "pcm_f32", "wav", 0.0, 0.01, 1e-7},
    {"aiff16", "aiff", SF_FORMAT_AIFF | SF_FORMAT_PCM_16, nullptr, 44100, "pcm_s16", "aiff", 0.0, 0.01, 1.0 / 32768 + 1e-6},
    {"flac16", "flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_16, nullptr, 44100, "flac", "flac", 0.0, 0.01, 1.0 / 32768 + 1e-6},
    {"vorbis", "ogg", SF_FORMAT_OGG | SF_FORMAT_VORBIS, nullptr, 44100, "vorbis", "ogg", 0.03, 0.08, -1},
    {"opus", "opus", SF_FORMAT_OGG | SF_FORMAT_OPUS, nullptr, 48000, "opus", "ogg", 0.03, 0.08, -1},
    {"mp3", "mp3", SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III, nullptr, 44100, "mp3", "mp3", 0.06, 0.08, -1},
    {"aac", "m4a", 0, "aac", 44100, "aac", "mp4", 0.06, 0.08, -1},
    {"alac", "m4a", 0, "alac", 44100, "alac", "mp4", 0.001, 0.01, 1.0 / 32768 + 1e-6},
};

class DecoderFormat : public ::testing::TestWithParam<FormatCase> {
 protected:
  /// Writes the fixture; returns "" or a reason to skip.
  std::string makeFixture(const FormatCase& c) {
    path_ = dir_.file(std::string(c.name) + "." + c.ext);
    const auto frames = static_cast<std::int64_t>(kSeconds * c.rate);
    if (c.sfFormat != 0) {
      if (!test::canWrite(c.sfFormat, c.rate, 2)) return std::string("this libsndfile cannot write ") + c.name;
      return test::writeSndfile(path_, c.sfFormat, c.rate, 2, frames) ? "" : "libsndfile failed to write";
    }
    const std::string err = test::writeFfmpegMp4(path_, c.encoder, c.rate, 2, frames);
    return err.empty() ? "" : "FFmpeg cannot write " + std::string(c.name) + ": " + err;
  }
  TempDir dir_;
  std::string path_;
};

TEST_P(DecoderFormat, InfoDurationAndSamples) {
  const FormatCase& c = GetParam();
  if (auto why = makeFixture(c); !why.empty()) GTEST_SKIP() << why;
  auto dec = AudioDecoder::open(path_);
  ASSERT_TRUE(dec) << dec.error().message;
  const AudioInfo& info = (*dec)->info();
  EXPECT_EQ(info.codec, c.codec);
  EXPECT_EQ(info.container, c.container);
  EXPECT_EQ(info.sampleRate, c.rate);
  EXPECT_EQ(info.channels, 2);

  // Read everything in odd-sized pieces and compare with the generator.
  std::vector<float> all;
  std::vector<float> buf(2 * 1000);
  while (true) {
    auto n = (*dec)->read(buf.data(), 1000);
    ASSERT_TRUE(n) << n.error().message;
    if (*n == 0) break;
    all.insert(all.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(*n * 2));
  }
  const double seconds = static_cast<double>(all.size() / 2) / c.rate;
  EXPECT_NEAR(seconds, kSeconds, c.durationTol + 1e-9);
  if (c.sampleTol >= 0) {
    ASSERT_EQ(all.size(), static_cast<std::size_t>(2 * kSeconds * c.rate));
    double worst = 0.0;
    for (std::size_t i = 0; i < all.size(); ++i) {
      const auto n = static_cast<std::int64_t>(i / 2);
      worst = std::max(worst, std::abs(static_cast<double>(all[i]) - test::twoTone(n, static_cast<int>(i % 2), c.rate)));
    }
    EXPECT_LE(worst, c.sampleTol);
  }
}

TEST_P(DecoderFormat, DecodeMonoTonesAndLevel) {
  const FormatCase& c = GetParam();
  if (auto why = makeFixture(c); !why.empty()) GTEST_SKIP() << why;
  std::vector<float> mono;
  std::size_t calls = 0;
  DecodeOptions opt;  // 22050 Hz, 8192-frame blocks
  auto stats = decodeMono(path_, opt, [&](std::span<const float> b) {
    ++calls;
    mono.insert(mono.end(), b.begin(), b.end());
  });
  ASSERT_TRUE(stats) << stats.error().message;
  EXPECT_EQ(stats->outputFrames, static_cast<std::int64_t>(mono.size()));
  EXPECT_EQ(calls, (mono.size() + opt.blockFrames - 1) / opt.blockFrames);
  EXPECT_NEAR(stats->durationSeconds, kSeconds, c.durationTol + 1e-9);
  EXPECT_NEAR(static_cast<double>(mono.size()) / 22050.0, stats->durationSeconds, 2.0 / 22050);
  EXPECT_EQ(stats->info.sampleRate, c.rate);

  // One second from the middle (whole periods of both tones at 22050 Hz).
  ASSERT_GE(mono.size(), 22050u * 2);
  std::span<const float> mid(mono.data() + 22050 / 2, 22050);
  const double a440 = test::toneAmplitude(mid, 440, 22050);
  const double a1000 = test::toneAmplitude(mid, 1000, 22050);
  const double a700 = test::toneAmplitude(mid, 700, 22050);
  EXPECT_NEAR(a440, test::kMonoAmp440, c.ampTol * test::kMonoAmp440);
  EXPECT_NEAR(a1000, test::kMonoAmp1000, c.ampTol * test::kMonoAmp1000);
  EXPECT_LT(a700, 0.01 * test::kMonoAmp440);
  EXPECT_NEAR(test::rms(mid), test::monoTwoToneRms(), c.ampTol * test::monoTwoToneRms());
}

INSTANTIATE_TEST_SUITE_P(AllFormats, DecoderFormat, ::testing::ValuesIn(kCases),
                         [](const auto& p) { return std::string(p.param.name); });

// Content, not extension, decides: an MP3 named .wav, an Opus named .ogg, a FLAC named .mp3,
// an AAC/M4A named .flac.
struct Disguise {
  const char* name;
  int sfFormat;
  int rate;
  const char* disguisedExt;
  const char* codec;
};

TEST(DecoderContentDetection, ExtensionIsIgnored) {
  TempDir dir;
  const Disguise cases[] = {
      {"mp3_as_wav", SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III, 44100, "wav", "mp3"},
      {"opus_as_ogg", SF_FORMAT_OGG | SF_FORMAT_OPUS, 48000, "ogg", "opus"},
      {"flac_as_mp3", SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 44100, "mp3", "flac"},
      {"wav_as_flac", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 44100, "flac", "pcm_s16"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    if (!test::canWrite(c.sfFormat, c.rate)) {
      std::cout << "[ SKIPPED  ] " << c.name << ": this libsndfile cannot write it\n";
      continue;
    }
    const std::string path = dir.file(std::string(c.name) + "." + c.disguisedExt);
    ASSERT_TRUE(test::writeSndfile(path, c.sfFormat, c.rate, 2, c.rate * 2));
    auto dec = AudioDecoder::open(path);
    ASSERT_TRUE(dec) << dec.error().message;
    EXPECT_EQ((*dec)->info().codec, c.codec);
    std::vector<float> mono;
    auto stats = decodeMono(path, {}, [&](std::span<const float> b) { mono.insert(mono.end(), b.begin(), b.end()); });
    ASSERT_TRUE(stats) << stats.error().message;
    EXPECT_NEAR(stats->durationSeconds, 2.0, 0.06);
    ASSERT_GE(mono.size(), 22050u + 11025u);
    std::span<const float> mid(mono.data() + 11025 / 2, 22050);
    EXPECT_NEAR(test::toneAmplitude(mid, 440, 22050), test::kMonoAmp440, 0.08 * test::kMonoAmp440);
  }
  // AAC in MP4 named .flac goes to FFmpeg.
  const std::string m4a = dir.file("aac_as_flac.flac");
  const std::string err = test::writeFfmpegMp4(m4a, "aac", 44100, 2, 44100 * 2);
  if (!err.empty()) GTEST_SKIP() << "FFmpeg cannot write AAC: " << err;
  auto dec = AudioDecoder::open(m4a);
  ASSERT_TRUE(dec) << dec.error().message;
  EXPECT_EQ((*dec)->info().codec, "aac");
}

}  // namespace
}  // namespace mp::audio
