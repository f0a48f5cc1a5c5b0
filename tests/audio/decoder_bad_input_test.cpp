// Bad input never crashes or hangs: missing, unreadable, directory, empty, random bytes,
// truncated and bit-flipped files either decode correctly (shorter) or give a clear error.

#include "core/audio/audio_decoder.h"
#include "core/audio/format_sniffer.h"
#include "tests/audio/audio_fixtures.h"
#include "tests/common/temp_dir.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <unistd.h>

namespace mp::audio {
namespace {

using test::TempDir;

/// decodeMono with a sink that only counts; returns the Result.
Result<DecodeStats> decodeCount(const std::string& path, std::int64_t* delivered = nullptr) {
  std::int64_t count = 0;
  auto r = decodeMono(path, {}, [&](std::span<const float> b) { count += static_cast<std::int64_t>(b.size()); });
  if (delivered != nullptr) *delivered = count;
  return r;
}

void expectClearError(const std::string& path, const std::string& mustMention) {
  auto dec = AudioDecoder::open(path);
  ASSERT_FALSE(dec);
  EXPECT_NE(dec.error().message.find(mustMention), std::string::npos) << dec.error().message;
  auto r = decodeCount(path);
  ASSERT_FALSE(r);
  EXPECT_FALSE(r.error().message.empty());
}

TEST(DecoderBadInput, MissingFile) {
  TempDir dir;
  expectClearError(dir.file("nope.wav"), "nope.wav");
}

TEST(DecoderBadInput, EmptyFile) {
  TempDir dir;
  test::writeBytes(dir.file("empty.flac"), {});
  expectClearError(dir.file("empty.flac"), "empty");
}

TEST(DecoderBadInput, DirectoryNamedLikeAudio) {
  TempDir dir;
  std::filesystem::create_directory(dir.path() / "x.flac");
  expectClearError(dir.file("x.flac"), "directory");
}

TEST(DecoderBadInput, ParentIsNotADirectory) {
  TempDir dir;
  test::writeBytes(dir.file("file.wav"), {'a', 'b'});
  expectClearError(dir.file("file.wav") + "/inner.wav", "inner.wav");
}

TEST(DecoderBadInput, UnreadableFile) {
  if (::geteuid() == 0) GTEST_SKIP() << "running as root: permission bits are not enforced";
  TempDir dir;
  const std::string path = dir.file("locked.wav");
  ASSERT_TRUE(test::writeSndfile(path, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 8000, 1, 800));
  std::filesystem::permissions(path, std::filesystem::perms::none);
  expectClearError(path, "locked.wav");
}

TEST(DecoderBadInput, RandomBytesAndText) {
  TempDir dir;
  std::mt19937 rng(1234);
  for (std::size_t size : {1u, 7u, 100u, 5000u, 300000u}) {
    std::vector<char> bytes(size);
    for (auto& b : bytes) b = static_cast<char>(rng() & 0xFF);
    const std::string path = dir.file("noise" + std::to_string(size) + ".mp3");
    test::writeBytes(path, bytes);
    SCOPED_TRACE(path);
    expectClearError(path, "noise");
  }
  const std::string text = dir.file("notes.wav");
  const std::string words = "this is a text file, not audio\n";
  test::writeBytes(text, std::vector<char>(words.begin(), words.end()));
  expectClearError(text, "not a recognised audio format");
}

TEST(DecoderBadInput, OnlyAnId3Tag) {
  TempDir dir;
  std::vector<char> tag = {'I', 'D', '3', 4, 0, 0, 0, 0, 0, 20};
  tag.resize(30, 0);
  test::writeBytes(dir.file("tagonly.mp3"), tag);
  expectClearError(dir.file("tagonly.mp3"), "tagonly.mp3");
}

TEST(DecoderBadInput, UnsupportedCodec) {
  // A WAV whose format tag (0x0055 = MPEG layer III in WAV) declares a codec with no audio data.
  TempDir dir;
  const std::string path = dir.file("weird.wav");
  ASSERT_TRUE(test::writeSndfile(path, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 8000, 1, 800));
  auto bytes = test::readBytes(path);
  ASSERT_GT(bytes.size(), 22u);
  bytes[20] = 0x34;  // an unassigned WAVE format tag
  bytes[21] = 0x12;
  test::writeBytes(path, bytes);
  auto r = decodeCount(path);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("weird.wav"), std::string::npos) << r.error().message;
}

struct TruncCase {
  const char* name;
  int sfFormat;
};

TEST(DecoderBadInput, TruncatedFilesDecodeShorterOrFailClearly) {
  TempDir dir;
  const TruncCase cases[] = {
      {"wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16},
      {"flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_16},
      {"mp3", SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III},
      {"ogg", SF_FORMAT_OGG | SF_FORMAT_VORBIS},
      {"opus", SF_FORMAT_OGG | SF_FORMAT_OPUS},
  };
  for (const auto& c : cases) {
    const int rate = (c.sfFormat & SF_FORMAT_SUBMASK) == SF_FORMAT_OPUS ? 48000 : 44100;
    if (!test::canWrite(c.sfFormat, rate)) continue;
    const std::string full = dir.file(std::string("full.") + c.name);
    ASSERT_TRUE(test::writeSndfile(full, c.sfFormat, rate, 2, rate * 4));
    const auto size = std::filesystem::file_size(full);
    for (std::size_t cut : {static_cast<std::size_t>(size / 2), std::size_t{100}, std::size_t{1}}) {
      const std::string path = dir.file("cut" + std::to_string(cut) + "." + c.name);
      test::truncateCopy(full, path, cut);
      SCOPED_TRACE(path);
      std::int64_t delivered = 0;
      auto r = decodeCount(path, &delivered);
      if (r) {
        EXPECT_GT(r->decodedFrames, 0);
        EXPECT_LE(r->durationSeconds, 4.0 + 0.1);
        EXPECT_EQ(r->outputFrames, delivered);
      } else {
        EXPECT_FALSE(r.error().message.empty());
      }
      if (std::string(c.name) == "wav" && cut == size / 2) {
        // Uncompressed: half the bytes is half the audio, exactly decodable.
        ASSERT_TRUE(r) << r.error().message;
        EXPECT_NEAR(r->durationSeconds, 2.0, 0.01);
      }
    }
  }
}

TEST(DecoderBadInput, BitFlippedFilesDoNotCrash) {
  TempDir dir;
  std::mt19937 rng(99);
  const TruncCase cases[] = {
      {"flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_16},
      {"mp3", SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III},
      {"ogg", SF_FORMAT_OGG | SF_FORMAT_VORBIS},
  };
  for (const auto& c : cases) {
    if (!test::canWrite(c.sfFormat)) continue;
    const std::string full = dir.file(std::string("full.") + c.name);
    ASSERT_TRUE(test::writeSndfile(full, c.sfFormat, 44100, 2, 44100 * 3));
    auto bytes = test::readBytes(full);
    for (int trial = 0; trial < 3; ++trial) {
      auto bad = bytes;
      // Corrupt a run of bytes after the first kilobyte (headers mostly intact).
      const std::size_t at = 1024 + rng() % (bad.size() - 2048);
      for (std::size_t i = 0; i < 200 && at + i < bad.size(); ++i) bad[at + i] = static_cast<char>(rng() & 0xFF);
      const std::string path = dir.file("flip" + std::to_string(trial) + "." + c.name);
      test::writeBytes(path, bad);
      SCOPED_TRACE(path);
      auto r = decodeCount(path);
      if (r) {
        EXPECT_GT(r->decodedFrames, 0);
        EXPECT_LE(r->durationSeconds, 3.0 + 0.5);
      } else {
        EXPECT_FALSE(r.error().message.empty());
      }
    }
  }
}

TEST(FormatSniffer, RecognisesMagicAndFrameChains) {
  auto sniff = [](const std::vector<std::uint8_t>& b) { return sniffBuffer(b, static_cast<std::int64_t>(b.size())); };
  std::vector<std::uint8_t> wav = {'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'A', 'V', 'E'};
  EXPECT_EQ(sniff(wav).container, "wav");
  std::vector<std::uint8_t> notWav = {'R', 'I', 'F', 'F', 0, 0, 0, 0, 'A', 'V', 'I', ' '};
  EXPECT_FALSE(sniff(notWav).known);
  // Three MPEG-1 layer III frames, 128 kbit/s, 44.1 kHz, no padding: 417 bytes each.
  std::vector<std::uint8_t> mp3(3 * 417, 0);
  for (int i = 0; i < 3; ++i) {
    mp3[static_cast<std::size_t>(i) * 417 + 0] = 0xFF;
    mp3[static_cast<std::size_t>(i) * 417 + 1] = 0xFB;
    mp3[static_cast<std::size_t>(i) * 417 + 2] = 0x90;
  }
  const auto s = sniff(mp3);
  EXPECT_EQ(s.container, "mp3");
  EXPECT_EQ(s.codec, "mp3");
  // The same frames after an ID3v2 tag of 20 body bytes.
  std::vector<std::uint8_t> tagged = {'I', 'D', '3', 4, 0, 0, 0, 0, 0, 20};
  tagged.resize(30, 0);
  tagged.insert(tagged.end(), mp3.begin(), mp3.end());
  EXPECT_EQ(sniff(tagged).container, "mp3");
  EXPECT_EQ(sniff(tagged).audioOffset, 30);
  // A single sync word in a large buffer of zeros is not a chain.
  std::vector<std::uint8_t> lone(5000, 0);
  lone[100] = 0xFF;
  lone[101] = 0xFB;
  lone[102] = 0x90;
  EXPECT_FALSE(sniff(lone).known);
}

}  // namespace
}  // namespace mp::audio
