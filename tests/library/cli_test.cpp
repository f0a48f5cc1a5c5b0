// moodplane-cli query / rate / export (and index once a mood model can be loaded) on a database
// filled through LibraryStore: JSON contract, ranking, exit codes 0/1/2, untouched foreign files.

#include "core/library/library_store.h"
#include "core/library/playlist_io.h"
#include "tests/common/temp_dir.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/wait.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace mp::library {
namespace {

namespace fs = std::filesystem;

struct CliResult {
  int code = -1;
  std::string out;
  std::string err;
};

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') q += "'\\''";
    else q += c;
  }
  return q + "'";
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

CliResult runCli(const test::TempDir& dir, const std::vector<std::string>& args) {
  std::string cmd = quote(MOODPLANE_CLI_PATH);
  for (const auto& a : args) cmd += " " + quote(a);
  const fs::path out = dir.path() / "cli.out", err = dir.path() / "cli.err";
  // A private XDG_DATA_HOME keeps the user's real library out of reach.
  cmd = "XDG_DATA_HOME=" + quote(dir.file("xdg")) + " " + cmd + " >" + quote(out.string()) + " 2>" +
        quote(err.string());
  const int status = std::system(cmd.c_str());
  CliResult r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

class CliLibrary : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(MOODPLANE_CLI_PATH)) GTEST_SKIP() << "moodplane-cli not built at " << MOODPLANE_CLI_PATH;
    db = dir.file("lib.sqlite");
    auto store = LibraryStore::open(db);
    ASSERT_TRUE(store) << store.error().message;
    auto add = [&](const std::string& name, std::optional<MoodEstimate> pred, const std::string& title) {
      SongRecord s;
      s.path = "/music/" + name;
      s.contentHash = "hash-" + name;
      s.tags.title = title;
      s.tags.artist = "Artist & Co";
      s.durationSeconds = 200;
      s.prediction = pred;
      s.status = pred ? AnalysisStatus::Done : AnalysisStatus::Pending;
      s.modelVersion = "m";
      ASSERT_TRUE((*store)->upsertSong(s));
    };
    add("happy sure.mp3", MoodEstimate{0.85, 0.85, 1e-4, 0, 1e-4}, "Sure");
    add("happy vague.mp3", MoodEstimate{0.75, 0.7, 0.05, 0.01, 0.05}, "Vague");
    add("sad.mp3", MoodEstimate{0.1, 0.2, 1e-3, 0, 1e-3}, "Sad");
    add("pending.mp3", std::nullopt, "Not analysed");
  }
  test::TempDir dir;
  std::string db;
};

TEST_F(CliLibrary, QueryRanksByProbabilityWithJson) {
  auto r = runCli(dir, {"query", "--region", "0.5,0.5,1,1", "--db", db, "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto doc = nlohmann::json::parse(r.out);
  ASSERT_TRUE(doc.is_array());
  ASSERT_EQ(doc.size(), 2u) << r.out;
  EXPECT_EQ(doc[0]["path"], "/music/happy sure.mp3");
  EXPECT_EQ(doc[1]["path"], "/music/happy vague.mp3");
  EXPECT_GT(doc[0]["probability"].get<double>(), doc[1]["probability"].get<double>());
  EXPECT_NEAR(doc[0]["probability"].get<double>(), 1.0, 1e-6);
  for (const char* key : {"path", "title", "artist", "valence", "arousal", "probability"}) {
    EXPECT_TRUE(doc[0].contains(key)) << key;
  }
  // --k limits, the readable table works too.
  r = runCli(dir, {"query", "--region", "0.5,0.5,1,1", "--db", db, "--k", "1", "--json"});
  EXPECT_EQ(nlohmann::json::parse(r.out).size(), 1u);
  r = runCli(dir, {"query", "--region", "1,1,0.5,0.5", "--db", db});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("happy sure"), std::string::npos);
}

TEST_F(CliLibrary, RateThenQueryUsesTheRating) {
  auto r = runCli(dir, {"rate", "/music/sad.mp3", "--valence", "0.9", "--arousal", "0.95", "--db", db, "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["path"], "/music/sad.mp3");
  EXPECT_DOUBLE_EQ(doc["valence"].get<double>(), 0.9);
  auto store = LibraryStore::open(db);
  ASSERT_TRUE(store);
  auto rating = (*store)->rating("/music/sad.mp3");
  ASSERT_TRUE(rating && rating->has_value());
  EXPECT_DOUBLE_EQ((*rating)->arousal, 0.95);
  r = runCli(dir, {"query", "--region", "0.5,0.5,1,1", "--db", db, "--json"});
  doc = nlohmann::json::parse(r.out);
  ASSERT_EQ(doc.size(), 3u);
  bool found = false;
  for (const auto& item : doc) found = found || item["path"] == "/music/sad.mp3";
  EXPECT_TRUE(found);
}

TEST_F(CliLibrary, RateRejectsBadInput) {
  EXPECT_EQ(runCli(dir, {"rate", "/music/sad.mp3", "--valence", "1.5", "--arousal", "0.5", "--db", db}).code, 2);
  EXPECT_EQ(runCli(dir, {"rate", "/music/sad.mp3", "--valence", "abc", "--arousal", "0.5", "--db", db}).code, 2);
  EXPECT_EQ(runCli(dir, {"rate", "/music/sad.mp3", "--valence", "0.5", "--db", db}).code, 2);
  auto r = runCli(dir, {"rate", "/music/unknown.mp3", "--valence", "0.5", "--arousal", "0.5", "--db", db});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("not in the library"), std::string::npos) << r.err;
}

TEST_F(CliLibrary, ExportWritesPlaylistsThatReadBack) {
  for (const std::string fmt : {"m3u", "xspf"}) {
    const std::string out = dir.file("calm & happy." + fmt);
    auto r = runCli(dir, {"export", "--region", "0.5,0.5,1,1", "--format", fmt, "--out", out, "--db", db,
                          "--min-prob", "0.01", "--json"});
    ASSERT_EQ(r.code, 0) << r.err;
    auto doc = nlohmann::json::parse(r.out);
    EXPECT_EQ(doc["out"], out);
    EXPECT_EQ(doc["tracks"], 2);
    auto tracks = loadPlaylistFile(out);
    ASSERT_TRUE(tracks) << tracks.error().message;
    ASSERT_EQ(tracks->size(), 2u);
    EXPECT_EQ((*tracks)[0].path, "/music/happy sure.mp3");
    EXPECT_EQ((*tracks)[0].title, "Sure");
    EXPECT_EQ((*tracks)[0].artist, "Artist & Co");
    EXPECT_NEAR((*tracks)[0].durationSeconds, 200, 1e-6);
  }
}

TEST_F(CliLibrary, UsageErrorsExitTwoAndFailuresExitOne) {
  EXPECT_EQ(runCli(dir, {"query", "--db", db}).code, 2);
  EXPECT_EQ(runCli(dir, {"query", "--region", "0.5,0.5,1", "--db", db}).code, 2);
  EXPECT_EQ(runCli(dir, {"query", "--region", "a,b,c,d", "--db", db}).code, 2);
  EXPECT_EQ(runCli(dir, {"query", "--region", "0,0,1,1", "--db", db, "--bogus"}).code, 2);
  EXPECT_EQ(runCli(dir, {"export", "--region", "0,0,1,1", "--format", "pls", "--out", dir.file("x"), "--db", db}).code, 2);
  EXPECT_EQ(runCli(dir, {"export", "--region", "0,0,1,1", "--format", "m3u", "--out", dir.file("no/dir/x.m3u"), "--db", db}).code, 1);
  EXPECT_EQ(runCli(dir, {"query", "--region", "0,0,1,1", "--db", dir.file("missing.sqlite")}).code, 1);
  EXPECT_FALSE(fs::exists(dir.file("missing.sqlite"))) << "query does not create databases";
}

TEST_F(CliLibrary, ForeignFileAsDatabaseIsRefusedAndUntouched) {
  const std::string notes = dir.file("notes.txt");
  {
    std::ofstream out(notes);
    out << "my notes\n";
  }
  auto r = runCli(dir, {"query", "--region", "0,0,1,1", "--db", notes});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("not a SQLite database"), std::string::npos) << r.err;
  EXPECT_EQ(slurp(notes), "my notes\n");
  r = runCli(dir, {"rate", "/music/sad.mp3", "--valence", "0.5", "--arousal", "0.5", "--db", notes});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(slurp(notes), "my notes\n");
}

void writeSineWav(const fs::path& path, double seconds, double freq) {
  constexpr int kRate = 22050;
  const int frames = static_cast<int>(seconds * kRate);
  std::vector<std::int16_t> pcm(static_cast<std::size_t>(frames));
  for (int i = 0; i < frames; ++i) {
    pcm[static_cast<std::size_t>(i)] = static_cast<std::int16_t>(8000 * std::sin(2 * M_PI * freq * i / kRate));
  }
  auto u32 = [](std::uint32_t v) { return std::string(reinterpret_cast<const char*>(&v), 4); };
  auto u16 = [](std::uint16_t v) { return std::string(reinterpret_cast<const char*>(&v), 2); };
  const auto dataBytes = static_cast<std::uint32_t>(frames * 2);
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << "RIFF" << u32(36 + dataBytes) << "WAVEfmt " << u32(16) << u16(1) << u16(1) << u32(kRate)
      << u32(kRate * 2) << u16(2) << u16(16) << "data" << u32(dataBytes);
  out.write(reinterpret_cast<const char*>(pcm.data()), dataBytes);
}

TEST(CliIndex, TagsOnlyIndexIsIncrementalAndReportsFailures) {
  if (!fs::exists(MOODPLANE_CLI_PATH)) GTEST_SKIP() << "moodplane-cli not built";
  test::TempDir dir;
  const fs::path music = dir.path() / "music dir";
  writeSineWav(music / "a.wav", 1.0, 440);
  writeSineWav(music / "sub" / "b.wav", 2.0, 220);
  {
    std::ofstream bad(music / "broken.wav", std::ios::binary);
    bad << "RIFFjunkWAVEjunkjunkjunk";  // a WAV header with nothing behind it
  }
  const std::string db = dir.file("lib.sqlite");
  auto r = runCli(dir, {"index", music.string(), "--db", db, "--tags-only", "--jobs", "2", "--json"});
  EXPECT_EQ(r.code, 1) << "a failed file makes the exit status 1\n" << r.err;
  auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["files"], 3);
  EXPECT_EQ(doc["analysed"], 2);
  ASSERT_EQ(doc["failed"].size(), 1u);
  EXPECT_EQ(doc["failed"][0]["path"], (music / "broken.wav").string());
  EXPECT_FALSE(doc["failed"][0]["reason"].get<std::string>().empty());
  {
    auto store = LibraryStore::open(db);
    ASSERT_TRUE(store);
    auto b = (*store)->songByPath((music / "sub" / "b.wav").string());
    ASSERT_TRUE(b && b->has_value());
    EXPECT_NEAR((*b)->durationSeconds, 2.0, 1e-3);
    EXPECT_EQ((*b)->status, AnalysisStatus::Pending) << "no model: tags only";
    EXPECT_FALSE((*b)->prediction);
  }
  // Rescan: nothing analysed, the broken file is not retried.
  r = runCli(dir, {"index", music.string(), "--db", db, "--tags-only", "--json"});
  EXPECT_EQ(r.code, 0) << r.err;
  doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["unchanged"], 3);
  EXPECT_EQ(doc["analysed"], 0);
  EXPECT_TRUE(doc["failed"].empty());
  // The indexed songs can be rated through the CLI.
  r = runCli(dir, {"rate", (music / "a.wav").string(), "--valence", "0.2", "--arousal", "0.3", "--db", db});
  EXPECT_EQ(r.code, 0) << r.err;
}

TEST(CliIndex, BadModelOrFolderFailsCleanly) {
  if (!fs::exists(MOODPLANE_CLI_PATH)) GTEST_SKIP() << "moodplane-cli not built";
  test::TempDir dir;
  const fs::path music = dir.path() / "music";
  writeSineWav(music / "a.wav", 0.5, 440);
  const std::string model = dir.file("corrupt.mpmodel");
  {
    std::ofstream out(model, std::ios::binary);
    out << "definitely not a model";
  }
  const std::string db = dir.file("lib.sqlite");
  auto r = runCli(dir, {"index", music.string(), "--db", db, "--model", model});
  EXPECT_EQ(r.code, 1);
  EXPECT_FALSE(r.err.empty());
  r = runCli(dir, {"index", dir.file("no such folder"), "--db", db, "--tags-only"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("not a readable folder"), std::string::npos) << r.err;
  EXPECT_EQ(runCli(dir, {"index", "--db", db}).code, 2);
  EXPECT_EQ(runCli(dir, {"index", music.string(), "--jobs", "-3", "--db", db}).code, 2);
  // A foreign file given as the database is refused and left alone.
  const std::string notes = dir.file("notes.txt");
  {
    std::ofstream out(notes);
    out << "keep me";
  }
  r = runCli(dir, {"index", music.string(), "--db", notes, "--tags-only"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(slurp(notes), "keep me");
}

}  // namespace
}  // namespace mp::library
