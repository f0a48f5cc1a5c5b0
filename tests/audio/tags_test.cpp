// readTags: tags written with TagLib into generated files read back; tagless files give empty
// tags (not an error); bad paths and non-audio give errors, never crashes.

#include "core/audio/tags.h"
#include "tests/audio/audio_fixtures.h"
#include "tests/common/temp_dir.h"

#include <gtest/gtest.h>
#include <taglib/fileref.h>
#include <taglib/tag.h>

#include <filesystem>
#include <iostream>
#include <random>

namespace mp::audio {
namespace {

using test::TempDir;

struct TagCase {
  const char* ext;
  int sfFormat;  // 0: AAC in M4A through FFmpeg
  int rate;
};

bool writeTagsWithTagLib(const std::string& path) {
  TagLib::FileRef ref(path.c_str());
  if (ref.isNull() || ref.tag() == nullptr) return false;
  TagLib::Tag* t = ref.tag();
  t->setTitle(TagLib::String("Ünïcode Title", TagLib::String::UTF8));
  t->setArtist("The Artist");
  t->setAlbum("An Album");
  t->setGenre("Ambient");
  t->setYear(2012);
  t->setTrack(7);
  return ref.save();
}

TEST(Tags, WrittenTagsReadBack) {
  TempDir dir;
  const TagCase cases[] = {
      {"flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 44100},
      {"mp3", SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III, 44100},
      {"ogg", SF_FORMAT_OGG | SF_FORMAT_VORBIS, 44100},
      {"opus", SF_FORMAT_OGG | SF_FORMAT_OPUS, 48000},
      {"m4a", 0, 44100},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.ext);
    const std::string path = dir.file(std::string("tagged.") + c.ext);
    if (c.sfFormat == 0) {
      const std::string err = test::writeFfmpegMp4(path, "aac", c.rate, 2, c.rate * 2);
      if (!err.empty()) {
        std::cout << "[ SKIPPED  ] m4a: " << err << "\n";
        continue;
      }
    } else if (!test::canWrite(c.sfFormat, c.rate)) {
      std::cout << "[ SKIPPED  ] " << c.ext << ": this libsndfile cannot write it\n";
      continue;
    } else {
      ASSERT_TRUE(test::writeSndfile(path, c.sfFormat, c.rate, 2, c.rate * 2));
    }
    ASSERT_TRUE(writeTagsWithTagLib(path));
    auto tags = readTags(path);
    ASSERT_TRUE(tags) << tags.error().message;
    EXPECT_EQ(tags->title, "Ünïcode Title");
    EXPECT_EQ(tags->artist, "The Artist");
    EXPECT_EQ(tags->album, "An Album");
    EXPECT_EQ(tags->genre, "Ambient");
    EXPECT_EQ(tags->year, 2012);
    EXPECT_EQ(tags->track, 7);
    EXPECT_NEAR(tags->durationSeconds, 2.0, 0.1);
  }
}

TEST(Tags, TaglessFilesGiveEmptyTags) {
  TempDir dir;
  for (int fmt : {SF_FORMAT_WAV | SF_FORMAT_PCM_16, SF_FORMAT_FLAC | SF_FORMAT_PCM_16, SF_FORMAT_AIFF | SF_FORMAT_PCM_16}) {
    const std::string path = dir.file("plain" + std::to_string(fmt));  // no extension at all
    ASSERT_TRUE(test::writeSndfile(path, fmt, 44100, 2, 44100 * 3));
    auto tags = readTags(path);
    ASSERT_TRUE(tags) << tags.error().message;
    EXPECT_TRUE(tags->title.empty());
    EXPECT_TRUE(tags->artist.empty());
    EXPECT_TRUE(tags->album.empty());
    EXPECT_EQ(tags->year, 0);
    EXPECT_EQ(tags->track, 0);
    EXPECT_NEAR(tags->durationSeconds, 3.0, 0.01);
  }
}

TEST(Tags, ContentDecidesNotExtension) {
  TempDir dir;
  const std::string path = dir.file("really_flac.mp3");
  ASSERT_TRUE(test::writeSndfile(path, SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 44100, 2, 44100));
  {
    const std::string proper = dir.file("proper.flac");
    std::filesystem::copy_file(path, proper);
    ASSERT_TRUE(writeTagsWithTagLib(proper));
    std::filesystem::copy_file(proper, path, std::filesystem::copy_options::overwrite_existing);
  }
  auto tags = readTags(path);
  ASSERT_TRUE(tags) << tags.error().message;
  EXPECT_EQ(tags->artist, "The Artist");
}

TEST(Tags, BadInputGivesErrors) {
  TempDir dir;
  EXPECT_FALSE(readTags(dir.file("missing.flac")));
  std::filesystem::create_directory(dir.path() / "x.flac");
  auto d = readTags(dir.file("x.flac"));
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().message.find("directory"), std::string::npos);
  test::writeBytes(dir.file("empty.mp3"), {});
  EXPECT_FALSE(readTags(dir.file("empty.mp3")));
  std::mt19937 rng(7);
  std::vector<char> noise(20000);
  for (auto& b : noise) b = static_cast<char>(rng() & 0xFF);
  test::writeBytes(dir.file("noise.mp3"), noise);
  EXPECT_FALSE(readTags(dir.file("noise.mp3")));
  EXPECT_FALSE(readTags(dir.file("noise.mp3") + "/below"));
}

TEST(Tags, TruncatedFilesDoNotCrash) {
  TempDir dir;
  for (int fmt : {SF_FORMAT_FLAC | SF_FORMAT_PCM_16, SF_FORMAT_OGG | SF_FORMAT_VORBIS,
                  SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III, SF_FORMAT_WAV | SF_FORMAT_PCM_16}) {
    if (!test::canWrite(fmt)) continue;
    const std::string full = dir.file("full" + std::to_string(fmt));
    ASSERT_TRUE(test::writeSndfile(full, fmt, 44100, 2, 44100 * 2));
    ASSERT_TRUE(writeTagsWithTagLib(full));
    const auto size = std::filesystem::file_size(full);
    for (std::size_t cut : {static_cast<std::size_t>(size / 2), std::size_t{100}, std::size_t{5}}) {
      const std::string path = full + "_cut" + std::to_string(cut);
      test::truncateCopy(full, path, cut);
      auto tags = readTags(path);  // must return (either way), not crash
      if (tags) {
        EXPECT_GE(tags->durationSeconds, 0.0);
      } else {
        EXPECT_FALSE(tags.error().message.empty());
      }
    }
  }
}

}  // namespace
}  // namespace mp::audio
