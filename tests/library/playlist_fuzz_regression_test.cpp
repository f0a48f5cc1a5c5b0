// Playlists found by the libFuzzer target tests/fuzz/fuzz_playlist.cpp (kept in
// tests/fuzz/regressions/playlist/), and the reader fixes they led to: whatever parses, written
// back, must parse again to as many tracks and write the identical text.
#include "core/library/playlist_io.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

namespace mp::library {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void expectRoundTrips(const std::vector<PlaylistTrack>& tracks, const std::string& what) {
  const std::string m3u = writeM3u(tracks);
  auto m3uBack = readM3u(m3u, "/music");
  ASSERT_TRUE(m3uBack) << what << ": " << m3uBack.error().message;
  EXPECT_EQ(m3uBack->size(), tracks.size()) << what;
  EXPECT_EQ(writeM3u(*m3uBack), m3u) << what;
  const std::string xspf = writeXspf(tracks, "t");
  auto xspfBack = readXspf(xspf);
  ASSERT_TRUE(xspfBack) << what << ": " << xspfBack.error().message;
  EXPECT_EQ(xspfBack->size(), tracks.size()) << what;
  EXPECT_EQ(writeXspf(*xspfBack, "t"), xspf) << what;
}

TEST(PlaylistFuzzRegressions, EveryFoundInputRoundTrips) {
  const fs::path dir = fs::path(MOODPLANE_SOURCE_DIR) / "tests/fuzz/regressions/playlist";
  int files = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    ++files;
    const std::string text = slurp(e.path());
    if (auto m3u = readM3u(text, "/music")) expectRoundTrips(*m3u, e.path().string() + " as M3U");
    if (auto xspf = readXspf(text)) expectRoundTrips(*xspf, e.path().string() + " as XSPF");
  }
  EXPECT_GT(files, 0);
}

TEST(PlaylistFuzzRegressions, XspfKeepsOnlyLocalFileLocations) {
  // Found by fuzzing: <location/> became a track with an empty path, which no writer can express.
  auto t = readXspf(
      "<playlist><trackList>"
      "<track><location/></track>"
      "<track><location>http://radio.example/stream</location></track>"
      "<track><location>relative/song.mp3</location></track>"
      "<track><location>/abs/bare.mp3</location></track>"
      "<track><location>file:///abs/uri.mp3</location></track>"
      "</trackList></playlist>");
  ASSERT_TRUE(t) << t.error().message;
  ASSERT_EQ(t->size(), 2u);
  EXPECT_EQ((*t)[0].path, "/abs/bare.mp3");
  EXPECT_EQ((*t)[1].path, "/abs/uri.mp3");
}

TEST(PlaylistFuzzRegressions, NulBytesAreRefused) {
  // Found by fuzzing: a NUL (raw, &#0; or %00) read from XSPF made the M3U written from it unreadable.
  EXPECT_FALSE(readXspf(std::string("<playlist><trackList><track><location>file:///a\0b</location>"
                                    "</track></trackList></playlist>",
                                    91)));
  EXPECT_FALSE(readXspf("<playlist><trackList><track><location>file:///a</location><title>x&#0;</title>"
                        "</track></trackList></playlist>"));
  EXPECT_FALSE(readXspf("<playlist><trackList><track><location>file:///a</location><title>&#xD800;</title>"
                        "</track></trackList></playlist>"));
  EXPECT_FALSE(pathFromFileUri("file:///a%00b"));
  EXPECT_FALSE(readM3u("file:///a%00b\n", "/"));
}

TEST(PlaylistFuzzRegressions, ImplausibleDurationsReadAsUnknown) {
  auto m3u = readM3u("#EXTINF:1e300,A - B\n/a.mp3\n#EXTINF:nan,C\n/b.mp3\n#EXTINF:inf,D\n/c.mp3\n#EXTINF:12.5,E\n/d.mp3\n", "/");
  ASSERT_TRUE(m3u) << m3u.error().message;
  ASSERT_EQ(m3u->size(), 4u);
  EXPECT_EQ((*m3u)[0].durationSeconds, 0.0);
  EXPECT_EQ((*m3u)[1].durationSeconds, 0.0);
  EXPECT_EQ((*m3u)[2].durationSeconds, 0.0);
  EXPECT_DOUBLE_EQ((*m3u)[3].durationSeconds, 12.5);
  auto xspf = readXspf("<playlist><trackList><track><location>file:///a</location><duration>1e308</duration>"
                       "</track></trackList></playlist>");
  ASSERT_TRUE(xspf);
  EXPECT_EQ((*xspf)[0].durationSeconds, 0.0);
  expectRoundTrips(*m3u, "durations");
}

TEST(PlaylistFuzzRegressions, ExtinfLabelSplitsOnlyWithBothArtistAndTitle) {
  // Found by fuzzing: " - A title" read as artist "" + title "A title" was written back as
  // "A title", so write∘read was not idempotent.
  auto t = readM3u("#EXTINF:1, - A title\n/a.mp3\n#EXTINF:2,Artist - \n/b.mp3\n#EXTINF:3,Artist - Title\n/c.mp3\n", "/");
  ASSERT_TRUE(t);
  ASSERT_EQ(t->size(), 3u);
  EXPECT_EQ((*t)[0].artist, "");
  EXPECT_EQ((*t)[0].title, " - A title");
  EXPECT_EQ((*t)[1].title, "Artist - ");
  EXPECT_EQ((*t)[2].artist, "Artist");
  EXPECT_EQ((*t)[2].title, "Title");
  expectRoundTrips(*t, "labels");
}

TEST(PlaylistFuzzRegressions, DurationsThatRoundToZeroAreWrittenAsUnknown) {
  // Found by fuzzing: 2 ms was written as "#EXTINF:0", which reads back as unknown (written -1).
  std::vector<PlaylistTrack> t = {{"/a.mp3", "", "x", "", 0.002}, {"/b.mp3", "", "y", "", 0.0001}};
  const std::string m3u = writeM3u(t);
  EXPECT_NE(m3u.find("#EXTINF:-1,x"), std::string::npos) << m3u;
  const std::string xspf = writeXspf(t, "t");
  EXPECT_NE(xspf.find("<duration>2</duration>"), std::string::npos) << xspf;  // 2 ms is kept
  EXPECT_EQ(xspf.find("<duration>0</duration>"), std::string::npos) << xspf;  // 0.1 ms is unknown
  expectRoundTrips(t, "short durations");
}

}  // namespace
}  // namespace mp::library
