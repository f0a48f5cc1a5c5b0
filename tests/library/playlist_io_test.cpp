// M3U / XSPF writers and readers: round trips with awkward paths and text, and bad input.

#include "core/library/playlist_io.h"
#include "tests/common/temp_dir.h"

#include <gtest/gtest.h>

#include <fstream>

namespace mp::library {
namespace {

std::vector<PlaylistTrack> awkwardTracks() {
  return {
      {"/music/with space/Ünïcödé – 日本語.flac", "Sigur Rós", "Hoppípolla", "Takk...", 268.0},
      {"/music/a&b<c>d\"e'f/%20#?.mp3", "AC/DC & <Friends>", "Rock 'n' \"Roll\"", "a&b", 181.0},
      {"/music/plain.ogg", "", "No Artist", "", 0.0},
      {"/music/emoji 🎵/x+y=z;.opus", "Björk", "Jóga", "", 305.0},
  };
}

void expectSame(const std::vector<PlaylistTrack>& a, const std::vector<PlaylistTrack>& b, bool album) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].path, b[i].path);
    EXPECT_EQ(a[i].artist, b[i].artist);
    EXPECT_EQ(a[i].title, b[i].title);
    if (album) {
      EXPECT_EQ(a[i].album, b[i].album);
    }
    EXPECT_NEAR(a[i].durationSeconds, b[i].durationSeconds, 1e-9);
  }
}

TEST(PlaylistIo, M3uRoundTrip) {
  const auto tracks = awkwardTracks();
  const std::string text = writeM3u(tracks);
  EXPECT_EQ(text.rfind("#EXTM3U\n", 0), 0u);
  EXPECT_NE(text.find("#EXTINF:268,Sigur Rós - Hoppípolla\n"), std::string::npos);
  EXPECT_NE(text.find("#EXTINF:-1,No Artist\n"), std::string::npos);
  auto back = readM3u(text, "/elsewhere");
  ASSERT_TRUE(back) << back.error().message;
  expectSame(tracks, *back, false);
}

TEST(PlaylistIo, XspfRoundTripEscapesAndEncodes) {
  const auto tracks = awkwardTracks();
  const std::string text = writeXspf(tracks, "Calm & <bright>");
  EXPECT_NE(text.find("<title>Calm &amp; &lt;bright&gt;</title>"), std::string::npos);
  EXPECT_NE(text.find("file:///music/with%20space/%C3%9Cn"), std::string::npos);
  EXPECT_NE(text.find("a%26b%3Cc%3Ed%22e%27f/%2520%23%3F.mp3"), std::string::npos);
  EXPECT_EQ(text.find("with space"), std::string::npos);
  auto back = readXspf(text);
  ASSERT_TRUE(back) << back.error().message;
  expectSame(tracks, *back, true);
}

TEST(PlaylistIo, FilesRoundTripAtomically) {
  test::TempDir dir;
  const auto tracks = awkwardTracks();
  for (auto fmt : {PlaylistFormat::M3u, PlaylistFormat::Xspf}) {
    const std::string path = dir.file(fmt == PlaylistFormat::M3u ? "p.m3u" : "p.xspf");
    ASSERT_TRUE(savePlaylistFile(path, tracks, fmt));
    EXPECT_FALSE(std::filesystem::exists(path + ".tmp-moodplane"));
    auto back = loadPlaylistFile(path);
    ASSERT_TRUE(back) << back.error().message;
    expectSame(tracks, *back, fmt == PlaylistFormat::Xspf);
  }
  EXPECT_FALSE(savePlaylistFile(dir.file("no/such/dir/p.m3u"), tracks, PlaylistFormat::M3u));
}

TEST(PlaylistIo, M3uReaderResolvesRelativeAndUriEntries) {
  auto r = readM3u("song one.mp3\r\n../up/two.flac\nfile:///abs/three%20x.ogg\n# comment\n\n", "/lists/p");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].path, "/lists/p/song one.mp3");
  EXPECT_EQ((*r)[1].path, "/lists/up/two.flac");
  EXPECT_EQ((*r)[2].path, "/abs/three x.ogg");
}

TEST(PlaylistIo, BadInputIsAnError) {
  EXPECT_FALSE(readXspf("this is not xml at all"));
  EXPECT_FALSE(readXspf("<playlist><trackList><track><location>file:///a"));
  EXPECT_FALSE(readXspf("<playlist><trackList><track><location>file:///a%zz</location></track></trackList></playlist>"));
  EXPECT_FALSE(readXspf("<playlist><trackList><track><location>&bogus;</location></track></trackList></playlist>"));
  EXPECT_FALSE(readM3u("#EXTINF:abc,x\n/a.mp3\n", "/"));
  EXPECT_FALSE(readM3u(std::string("\x7f" "ELF\0\0\0", 7), "/"));
  EXPECT_FALSE(pathFromFileUri("http://example.com/a.mp3"));
  EXPECT_FALSE(parsePlaylistFormat("pls"));
  EXPECT_TRUE(parsePlaylistFormat("XSPF"));
  test::TempDir dir;
  EXPECT_FALSE(loadPlaylistFile(dir.file("missing.m3u")));
}

TEST(PlaylistIo, FileUriRoundTrip) {
  for (const std::string p : {"/a b/c", "/ä/ö/ü", "/100%/x", "/q?#&=+;,"}) {
    auto back = pathFromFileUri(fileUri(p));
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, p);
  }
  EXPECT_EQ(*pathFromFileUri("file://localhost/x/y"), "/x/y");
}

}  // namespace
}  // namespace mp::library
