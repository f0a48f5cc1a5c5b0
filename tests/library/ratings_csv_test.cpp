// Ratings CSV (core/library/ratings_csv.h): RFC 4180 parsing, per-line problems, export → import
// round trip through the database, matching by path and by artist + title, and the CLI.

#include "core/library/library_store.h"
#include "core/library/ratings_csv.h"
#include "tests/common/temp_dir.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>

namespace mp::library {
namespace {

namespace fs = std::filesystem;

void writeFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

TEST(RatingsCsv, ParsesQuotingCrlfBomAndAnyColumnOrder) {
  const std::string text =
      "\xEF\xBB\xBF" "Artist,TITLE,path,arousal,valence\r\n"
      "\"The \"\"Band\"\"\",\"Song, with comma\",/m/a.flac,0.25,0.75\r\n"
      "\r\n"
      "Solo,\"Two\nlines\",,1,0\n"
      "X,Y,/m/z.mp3, 0.5 ,0.125";  // no final newline
  auto p = parseRatingsCsv(text);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_TRUE(p->problems.empty()) << p->problems[0].message;
  ASSERT_EQ(p->rows.size(), 3u);
  EXPECT_EQ(p->rows[0].artist, "The \"Band\"");
  EXPECT_EQ(p->rows[0].title, "Song, with comma");
  EXPECT_EQ(p->rows[0].path, "/m/a.flac");
  EXPECT_DOUBLE_EQ(p->rows[0].valence, 0.75);
  EXPECT_DOUBLE_EQ(p->rows[0].arousal, 0.25);
  EXPECT_EQ(p->rows[0].line, 2u);
  EXPECT_EQ(p->rows[1].title, "Two\nlines");
  EXPECT_EQ(p->rows[1].line, 4u);
  EXPECT_EQ(p->rows[2].line, 6u);  // the quoted line break counted
  EXPECT_DOUBLE_EQ(p->rows[2].arousal, 0.5);
}

TEST(RatingsCsv, BadLinesAreReportedWithTheirLineNumbers) {
  const std::string text =
      "path,title,artist,valence,arousal\n"
      "/m/ok.mp3,,,0.5,0.5\n"          // 2 ok
      "/m/a.mp3,,,abc,0.5\n"           // 3 not a number
      "/m/b.mp3,,,0.5,1.5\n"           // 4 out of range
      "/m/c.mp3,,,-0.1,0.5\n"          // 5 out of range
      "/m/d.mp3,,,nan,0.5\n"           // 6 NaN
      "/m/e.mp3,,,0.5\n"               // 7 field count
      ",,,0.5,0.5\n"                   // 8 no key
      "/m/f.mp3,,,0.5x,0.5\n"          // 9 trailing junk
      "/m/g.mp3,,,,0.5\n"              // 10 empty
      "/m/h.mp3,\"open,,0.5,0.5\n";    // 11 unterminated quote
  auto p = parseRatingsCsv(text);
  ASSERT_TRUE(p.ok()) << p.error().message;
  ASSERT_EQ(p->rows.size(), 1u);
  EXPECT_EQ(p->rows[0].path, "/m/ok.mp3");
  std::vector<std::size_t> lines;
  for (const auto& pr : p->problems) lines.push_back(pr.line);
  EXPECT_EQ(lines, (std::vector<std::size_t>{3, 4, 5, 6, 7, 8, 9, 10, 11}));
  EXPECT_NE(p->problems[0].message.find("not a number"), std::string::npos);
  EXPECT_NE(p->problems[1].message.find("outside [0, 1]"), std::string::npos);
  // Whole-file errors: no header, wrong header, binary.
  EXPECT_FALSE(parseRatingsCsv("").ok());
  EXPECT_FALSE(parseRatingsCsv("a,b,c\n1,2,3\n").ok());
  EXPECT_FALSE(parseRatingsCsv(std::string("path,valence,arousal\0\x01", 22)).ok());
}

TEST(RatingsCsv, FormatParseRoundTripIsExactOnRandomRows) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const std::string alphabet = "ab ,\"\n\r'é\t";
  std::vector<RatingsCsvRow> rows;
  for (int i = 0; i < 200; ++i) {
    RatingsCsvRow r;
    r.line = 0;
    for (int k = 0; k < 6; ++k) r.title += alphabet[rng() % alphabet.size()];
    r.title = "t" + r.title + "t";  // no leading/trailing blanks (trimmed on import)
    r.artist = "A" + std::to_string(i) + "\"";
    r.path = "/music/" + std::to_string(i) + ",x.mp3";
    r.valence = u(rng);
    r.arousal = i == 0 ? 0.0 : (i == 1 ? 1.0 : u(rng));
    rows.push_back(r);
  }
  auto p = parseRatingsCsv(formatRatingsCsv(rows));
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE(p->problems.empty()) << p->problems[0].message;
  ASSERT_EQ(p->rows.size(), rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(p->rows[i].title, rows[i].title);
    EXPECT_EQ(p->rows[i].artist, rows[i].artist);
    EXPECT_EQ(p->rows[i].path, rows[i].path);
    EXPECT_EQ(p->rows[i].valence, rows[i].valence);  // bit-exact (shortest round-trip form)
    EXPECT_EQ(p->rows[i].arousal, rows[i].arousal);
  }
}

TEST(RatingsCsv, RandomBytesNeverCrash) {
  std::mt19937_64 rng(11);
  for (int i = 0; i < 300; ++i) {
    std::string text = "path,title,artist,valence,arousal\n";
    const int len = static_cast<int>(rng() % 200);
    const std::string alphabet = "\",\r\n0.5-1e9abc\x00\xff";
    for (int k = 0; k < len; ++k) text += alphabet[rng() % (alphabet.size() + 1) % alphabet.size()];
    auto p = parseRatingsCsv(text);
    if (p) {
      for (const auto& r : p->rows) {
        EXPECT_GE(r.valence, 0.0);
        EXPECT_LE(r.valence, 1.0);
      }
    }
  }
}

class RatingsDb : public ::testing::Test {
 protected:
  void SetUp() override {
    db = dir.file("lib.sqlite");
    auto store = LibraryStore::open(db);
    ASSERT_TRUE(store.ok());
    auto add = [&](const std::string& path, const std::string& artist, const std::string& title) {
      SongRecord s;
      s.path = path;
      s.contentHash = "hash-" + path;
      s.tags.artist = artist;
      s.tags.title = title;
      s.status = AnalysisStatus::Done;
      s.prediction = MoodEstimate{0.5, 0.5, 0.01, 0, 0.01};
      s.modelVersion = "m";
      ASSERT_TRUE((*store)->upsertSong(s).ok());
    };
    add("/music/one, \"quoted\".flac", "The \"Band\"", "One, Two");
    add("/music/two.mp3", "Solo", "Second");
    add("/music/three.mp3", "Solo", "Third");
    add("/other/disc2/three.mp3", "solo ", "THIRD");  // same tags, another file
  }
  test::TempDir dir;
  std::string db;
};

TEST_F(RatingsDb, ExportImportRoundTripThroughTheDatabase) {
  auto store = LibraryStore::open(db);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->setRating("/music/one, \"quoted\".flac", 0.123456789, 0.9).ok());
  ASSERT_TRUE((*store)->setRating("/music/two.mp3", 0.0, 1.0).ok());
  const std::string csv = dir.file("ratings.csv");
  auto n = exportRatingsCsv(**store, csv);
  ASSERT_TRUE(n.ok()) << n.error().message;
  EXPECT_EQ(*n, 2u);
  // Into a fresh library holding the same files: every rating comes back exactly.
  const std::string db2 = dir.file("lib2.sqlite");
  fs::copy_file(db, db2);
  {
    auto s2 = LibraryStore::open(db2);
    ASSERT_TRUE(s2.ok());
    ASSERT_TRUE((*s2)->clearRating("/music/one, \"quoted\".flac").ok());
    ASSERT_TRUE((*s2)->clearRating("/music/two.mp3").ok());
    EXPECT_EQ(*(*s2)->ratingCount(), 0);
    auto r = importRatingsCsv(**s2, csv);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->imported, 2u);
    EXPECT_EQ(r->byPath, 2u);
    EXPECT_TRUE(r->problems.empty());
    auto one = (*s2)->rating("/music/one, \"quoted\".flac");
    ASSERT_TRUE(one.ok() && one->has_value());
    EXPECT_EQ((*one)->valence, 0.123456789);
    EXPECT_EQ((*one)->arousal, 0.9);
    auto two = (*s2)->rating("/music/two.mp3");
    ASSERT_TRUE(two.ok() && two->has_value());
    EXPECT_EQ((*two)->valence, 0.0);
    EXPECT_EQ((*two)->arousal, 1.0);
  }
}

TEST_F(RatingsDb, ImportMatchesTagsWhenThePathIsUnknownAndReportsBadLines) {
  const std::string csv = dir.file("in.csv");
  writeFile(csv,
            "path,title,artist,valence,arousal\n"
            "/elsewhere/2.mp3,Second,SOLO,0.2,0.3\n"      // 2 by tags (case-insensitive)
            ",Third,Solo,0.4,0.6\n"                       // 3 by tags: both files with those tags
            "/music/two.mp3,,,0.7,abc\n"                  // 4 bad number
            "/nowhere.mp3,Nothing,Nobody,0.5,0.5\n"       // 5 unknown song
            "/music/two.mp3,,,2,0.5\n");                  // 6 out of range
  auto store = LibraryStore::open(db);
  ASSERT_TRUE(store.ok());
  auto r = importRatingsCsv(**store, csv);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->rows, 5u);
  EXPECT_EQ(r->imported, 2u);
  EXPECT_EQ(r->byTags, 2u);
  EXPECT_EQ(r->songsRated, 3u);
  ASSERT_EQ(r->problems.size(), 3u);
  EXPECT_EQ(r->problems[0].line, 4u);
  EXPECT_EQ(r->problems[1].line, 5u);
  EXPECT_NE(r->problems[1].message.find("no library song"), std::string::npos);
  EXPECT_EQ(r->problems[2].line, 6u);
  EXPECT_DOUBLE_EQ((*(*store)->rating("/music/two.mp3"))->valence, 0.2);
  EXPECT_DOUBLE_EQ((*(*store)->rating("/other/disc2/three.mp3"))->arousal, 0.6);
  EXPECT_EQ(*(*store)->ratingCount(), 3);
  // Missing, empty and binary files are clear errors.
  EXPECT_FALSE(importRatingsCsv(**store, dir.file("missing.csv")).ok());
  writeFile(dir.file("empty.csv"), "");
  EXPECT_FALSE(importRatingsCsv(**store, dir.file("empty.csv")).ok());
  writeFile(dir.file("bin.csv"), std::string("\x00\x01\x02garbage", 10));
  EXPECT_FALSE(importRatingsCsv(**store, dir.file("bin.csv")).ok());
  EXPECT_EQ(*(*store)->ratingCount(), 3);
}

// ---------------------------------------------------------------- CLI

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') q += "'\\''";
    else q += c;
  }
  return q + "'";
}

struct CliResult {
  int code = -1;
  std::string out;
};

CliResult runCli(const test::TempDir& dir, const std::vector<std::string>& args) {
  std::string cmd = "XDG_DATA_HOME=" + quote(dir.file("xdg")) + " " + quote(MOODPLANE_CLI_PATH);
  for (const auto& a : args) cmd += " " + quote(a);
  cmd += " >" + quote(dir.file("out")) + " 2>/dev/null";
  const int status = std::system(cmd.c_str());
  CliResult r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(dir.file("out"));
  r.out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return r;
}

TEST_F(RatingsDb, CliExportImportAndUsageErrors) {
  if (!fs::exists(MOODPLANE_CLI_PATH)) GTEST_SKIP() << "moodplane-cli not built";
  {
    auto store = LibraryStore::open(db);
    ASSERT_TRUE((*store)->setRating("/music/two.mp3", 0.25, 0.75).ok());
  }
  const std::string csv = dir.file("out.csv");
  auto r = runCli(dir, {"ratings", "export", "--out", csv, "--db", db, "--json"});
  ASSERT_EQ(r.code, 0);
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["ratings"], 1);
  EXPECT_EQ(j["out"], csv);
  writeFile(dir.file("bad.csv"), "path,title,artist,valence,arousal\n/music/three.mp3,,,0.5,0.5\n/music/two.mp3,,,x,1\n");
  r = runCli(dir, {"ratings", "import", dir.file("bad.csv"), "--db", db, "--json"});
  EXPECT_EQ(r.code, 1);  // some lines failed, the rest stored
  j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["imported"], 1);
  ASSERT_EQ(j["problems"].size(), 1u);
  EXPECT_EQ(j["problems"][0]["line"], 3);
  r = runCli(dir, {"ratings", "import", csv, "--db", db, "--json"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(runCli(dir, {"ratings"}).code, 2);
  EXPECT_EQ(runCli(dir, {"ratings", "export", "--db", db}).code, 2);
  EXPECT_EQ(runCli(dir, {"ratings", "import"}).code, 2);
  EXPECT_EQ(runCli(dir, {"ratings", "import", dir.file("missing.csv"), "--db", db}).code, 1);
}

}  // namespace
}  // namespace mp::library
