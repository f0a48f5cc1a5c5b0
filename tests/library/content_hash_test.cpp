// Content hash: XXH64 reference vectors, and audio-payload hashing that ignores tag edits in
// WAV, MP3 (ID3v2/ID3v1/APE) and FLAC containers while seeing every audio change.

#include "core/library/content_hash.h"
#include "tests/common/temp_dir.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <random>

namespace mp::library {
namespace {

std::string le32(std::uint32_t v) {
  return std::string{static_cast<char>(v & 255), static_cast<char>((v >> 8) & 255),
                     static_cast<char>((v >> 16) & 255), static_cast<char>((v >> 24) & 255)};
}
std::string noise(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}
void write(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}
std::string wav(const std::string& pcm, const std::string& listInfo) {
  std::string fmt = "fmt " + le32(16) + std::string("\x01\x00\x01\x00", 4) + le32(8000) + le32(16000) +
                    std::string("\x02\x00\x10\x00", 4);
  std::string list = listInfo.empty() ? "" : "LIST" + le32(static_cast<std::uint32_t>(listInfo.size())) + listInfo +
                                                 (listInfo.size() % 2 ? std::string(1, '\0') : "");
  std::string data = "data" + le32(static_cast<std::uint32_t>(pcm.size())) + pcm;
  std::string body = "WAVE" + fmt + list + data;
  return "RIFF" + le32(static_cast<std::uint32_t>(body.size())) + body;
}
std::string id3v2(std::size_t payload) {
  std::string h = "ID3";
  h += '\x04';
  h += '\x00';
  h += '\x00';
  h += static_cast<char>((payload >> 21) & 0x7F);
  h += static_cast<char>((payload >> 14) & 0x7F);
  h += static_cast<char>((payload >> 7) & 0x7F);
  h += static_cast<char>(payload & 0x7F);
  return h + noise(payload, static_cast<unsigned>(payload));
}
std::string id3v1(const std::string& title) {
  std::string t = "TAG" + title;
  t.resize(128, '\0');
  return t;
}
std::string flac(const std::string& frames, std::size_t commentBytes) {
  std::string streaminfo = std::string("\x00\x00\x00\x22", 4) + noise(34, 1);
  std::string comment = std::string(1, '\x84') + static_cast<char>((commentBytes >> 16) & 255) +
                        static_cast<char>((commentBytes >> 8) & 255) + static_cast<char>(commentBytes & 255) +
                        noise(commentBytes, static_cast<unsigned>(commentBytes));
  return "fLaC" + streaminfo + comment + frames;
}

TEST(ContentHash, Xxh64ReferenceVectors) {
  EXPECT_EQ(xxh64("", 0), 0xEF46DB3751D8E999ULL);
  EXPECT_EQ(xxh64("a", 1), 0xD24EC4F1A98C6E5BULL);
  EXPECT_EQ(xxh64("abc", 3), 0x44BC2CF5AD770999ULL);
}

TEST(ContentHash, Xxh64SeesEveryByteOfLongInputs) {
  std::string s = noise(1000, 3);
  const auto h = xxh64(s.data(), s.size());
  for (std::size_t i : {0u, 31u, 32u, 500u, 999u}) {
    std::string t = s;
    t[i] ^= 1;
    EXPECT_NE(xxh64(t.data(), t.size()), h) << i;
  }
  EXPECT_NE(xxh64(s.data(), s.size(), 1), h);
}

TEST(ContentHash, WavTagEditKeepsHashAudioEditChangesIt) {
  test::TempDir dir;
  const std::string p = dir.file("a.wav");
  const std::string pcm = noise(50000, 9);
  write(p, wav(pcm, "INFOINAM" + le32(5) + "Title"));
  auto h1 = contentHash(p);
  ASSERT_TRUE(h1) << h1.error().message;
  write(p, wav(pcm, "INFOINAM" + le32(19) + "A much longer title"));
  EXPECT_EQ(*contentHash(p), *h1);
  write(p, wav(pcm, ""));
  EXPECT_EQ(*contentHash(p), *h1);
  std::string pcm2 = pcm;
  pcm2[25000] ^= 4;
  write(p, wav(pcm2, ""));
  EXPECT_NE(*contentHash(p), *h1);
  auto range = audioPayloadRange(p);
  ASSERT_TRUE(range);
  EXPECT_EQ(range->length, 50000);
}

TEST(ContentHash, Mp3Id3AndApeTagsAreIgnored) {
  test::TempDir dir;
  const std::string p = dir.file("a.mp3");
  const std::string frames = noise(40000, 11);
  write(p, id3v2(300) + frames + id3v1("Old"));
  const auto h1 = *contentHash(p);
  write(p, id3v2(5000) + frames + id3v1("New title"));
  EXPECT_EQ(*contentHash(p), h1);
  write(p, frames);
  EXPECT_EQ(*contentHash(p), h1);
  const std::string apeBody = noise(100, 5);
  std::string footer = "APETAGEX" + le32(2000) + le32(static_cast<std::uint32_t>(apeBody.size() + 32)) + le32(1) +
                       le32(0) + std::string(8, '\0');
  write(p, frames + apeBody + footer + id3v1("x"));
  EXPECT_EQ(*contentHash(p), h1);
  std::string changed = frames;
  changed[100] ^= 1;
  write(p, id3v2(300) + changed + id3v1("Old"));
  EXPECT_NE(*contentHash(p), h1);
}

TEST(ContentHash, FlacMetadataBlocksAreIgnored) {
  test::TempDir dir;
  const std::string p = dir.file("a.flac");
  const std::string frames = noise(30000, 12);
  write(p, flac(frames, 40));
  const auto h1 = *contentHash(p);
  write(p, flac(frames, 4000));
  EXPECT_EQ(*contentHash(p), h1);
  write(p, flac(noise(30000, 13), 40));
  EXPECT_NE(*contentHash(p), h1);
}

TEST(ContentHash, LargeFilesAreSampledButMiddleChangesCount) {
  test::TempDir dir;
  const std::string p = dir.file("big.mp3");
  std::string big = noise(8 << 20, 21);
  write(p, big);
  const auto h1 = *contentHash(p);
  big[4 << 20] ^= 1;  // inside the hashed middle MiB
  write(p, big);
  EXPECT_NE(*contentHash(p), h1);
}

TEST(ContentHash, MissingFileIsAnError) {
  test::TempDir dir;
  EXPECT_FALSE(contentHash(dir.file("nope.mp3")));
  EXPECT_FALSE(contentHash(dir.path().string()));
}

}  // namespace
}  // namespace mp::library
