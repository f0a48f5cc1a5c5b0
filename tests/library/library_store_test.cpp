// LibraryStore: schema creation and migration, refusal of foreign/corrupt files (left untouched),
// songs/analysis round trip, ratings keyed by hash and path, playlists, transactions.

#include "core/library/library_store.h"
#include "tests/common/temp_dir.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>
#include <vector>

namespace mp::library {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

std::string readBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void execRaw(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  const std::string msg = err != nullptr ? err : "";
  sqlite3_free(err);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << msg;
}

long long queryRaw(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  long long v = -1;
  if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

SongRecord makeSong(const std::string& path, const std::string& hash, double v, double a) {
  SongRecord s;
  s.path = path;
  s.size = 1234;
  s.mtimeNs = 987654321;
  s.contentHash = hash;
  s.tags.title = "Title of " + path;
  s.tags.artist = "Artist";
  s.tags.album = "Album";
  s.tags.year = 1999;
  s.tags.track = 7;
  s.durationSeconds = 201.5;
  s.codec = "flac";
  s.status = AnalysisStatus::Done;
  s.prediction = MoodEstimate{v, a, 0.01, 0.002, 0.02};
  s.modelVersion = "m1";
  return s;
}

TEST(LibraryStore, CreatesCurrentSchemaInWalMode) {
  TempDir dir;
  const std::string db = dir.file("lib.sqlite");
  {
    auto store = LibraryStore::open(db);
    ASSERT_TRUE(store) << store.error().message;
  }
  EXPECT_EQ(queryRaw(db, "PRAGMA user_version"), LibraryStore::kSchemaVersion);
  EXPECT_EQ(queryRaw(db, "PRAGMA application_id"), LibraryStore::kApplicationId);
  // journal_mode is persistent for WAL: a fresh connection reports it.
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &raw), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(raw, "PRAGMA journal_mode", -1, &st, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), "wal");
  sqlite3_finalize(st);
  sqlite3_close(raw);
  // Reopening an up-to-date database works.
  EXPECT_TRUE(LibraryStore::open(db));
}

TEST(LibraryStore, MigratesHandMadeVersion1Database) {
  TempDir dir;
  const std::string db = dir.file("old.sqlite");
  // A v1 library as the first release wrote it (ratings keyed by path only, no codec/playlists).
  execRaw(db, R"sql(
    PRAGMA application_id = 1297043268;
    CREATE TABLE songs(id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, size INTEGER NOT NULL DEFAULT 0,
      mtime_ns INTEGER NOT NULL DEFAULT 0, content_hash TEXT, title TEXT, artist TEXT, album TEXT,
      genre TEXT, year INTEGER NOT NULL DEFAULT 0, track INTEGER NOT NULL DEFAULT 0,
      duration REAL NOT NULL DEFAULT 0);
    CREATE INDEX songs_hash ON songs(content_hash);
    CREATE TABLE analysis(song_id INTEGER PRIMARY KEY REFERENCES songs(id) ON DELETE CASCADE,
      model_version TEXT, valence REAL, arousal REAL, cov_vv REAL, cov_va REAL, cov_aa REAL,
      status INTEGER NOT NULL DEFAULT 0, failure_reason TEXT, encoding BLOB);
    CREATE TABLE ratings(path TEXT PRIMARY KEY, valence REAL NOT NULL, arousal REAL NOT NULL,
      rated_at INTEGER NOT NULL DEFAULT 0);
    INSERT INTO songs(id, path, size, mtime_ns, content_hash, title, artist, duration)
      VALUES(1, '/music/a.flac', 100, 5, 'h1:aaaa:100', 'Song A', 'Band', 180.0);
    INSERT INTO analysis(song_id, model_version, valence, arousal, cov_vv, cov_va, cov_aa, status)
      VALUES(1, 'old-model', 0.8, 0.3, 0.01, 0.0, 0.02, 1);
    INSERT INTO ratings(path, valence, arousal, rated_at) VALUES('/music/a.flac', 0.9, 0.1, 42);
    PRAGMA user_version = 1;
  )sql");
  ASSERT_EQ(queryRaw(db, "PRAGMA user_version"), 1);

  auto store = LibraryStore::open(db);
  ASSERT_TRUE(store) << store.error().message;
  EXPECT_EQ(queryRaw(db, "PRAGMA user_version"), 2);
  auto song = (*store)->songByPath("/music/a.flac");
  ASSERT_TRUE(song);
  ASSERT_TRUE(song->has_value());
  EXPECT_EQ((*song)->tags.title, "Song A");
  EXPECT_EQ((*song)->status, AnalysisStatus::Done);
  ASSERT_TRUE((*song)->prediction);
  EXPECT_DOUBLE_EQ((*song)->prediction->valence, 0.8);
  EXPECT_EQ((*song)->modelVersion, "old-model");
  // The v1 rating was re-keyed by the song's content hash and still found.
  ASSERT_TRUE((*song)->rating);
  EXPECT_DOUBLE_EQ((*song)->rating->valence, 0.9);
  EXPECT_EQ(queryRaw(db, "SELECT count(*) FROM ratings WHERE content_hash = 'h1:aaaa:100'"), 1);
  // v2 features work on the migrated database.
  Playlist pl;
  pl.name = "after migration";
  pl.songIds = {(*song)->id};
  EXPECT_TRUE((*store)->savePlaylist(pl));
  SongRecord updated = **song;
  updated.codec = "flac";
  EXPECT_TRUE((*store)->upsertSong(updated));
}

TEST(LibraryStore, RefusesNonDatabaseFileAndLeavesItUntouched) {
  TempDir dir;
  const std::string path = dir.file("notes.sqlite");
  {
    std::ofstream out(path, std::ios::binary);
    out << "These are my precious notes, not a database.\n";
    for (int i = 0; i < 1000; ++i) out << "line " << i << '\n';
  }
  const std::string before = readBytes(path);
  auto store = LibraryStore::open(path);
  ASSERT_FALSE(store);
  EXPECT_NE(store.error().message.find("not a SQLite database"), std::string::npos)
      << store.error().message;
  EXPECT_EQ(readBytes(path), before);
  EXPECT_FALSE(fs::exists(path + "-wal"));
}

TEST(LibraryStore, RefusesForeignSqliteDatabaseAndLeavesItUntouched) {
  TempDir dir;
  const std::string path = dir.file("other-app.db");
  execRaw(path, "CREATE TABLE contacts(name TEXT); INSERT INTO contacts VALUES('alice');");
  const std::string before = readBytes(path);
  auto store = LibraryStore::open(path);
  ASSERT_FALSE(store);
  EXPECT_NE(store.error().message.find("not a Moodplane library"), std::string::npos)
      << store.error().message;
  EXPECT_EQ(readBytes(path), before);
}

TEST(LibraryStore, RefusesNewerSchema) {
  TempDir dir;
  const std::string path = dir.file("future.sqlite");
  { ASSERT_TRUE(LibraryStore::open(path)); }
  execRaw(path, "PRAGMA user_version = 99;");
  const std::string before = readBytes(path);
  auto store = LibraryStore::open(path);
  ASSERT_FALSE(store);
  EXPECT_NE(store.error().message.find("newer"), std::string::npos) << store.error().message;
  EXPECT_EQ(readBytes(path), before);
}

TEST(LibraryStore, RefusesCorruptDatabaseAndLeavesItUntouched) {
  TempDir dir;
  const std::string path = dir.file("lib.sqlite");
  {
    auto store = LibraryStore::open(path);
    ASSERT_TRUE(store);
    ASSERT_TRUE((*store)->beginTransaction());
    for (int i = 0; i < 300; ++i) {
      ASSERT_TRUE((*store)->upsertSong(makeSong("/m/song" + std::to_string(i) + ".mp3",
                                                "h" + std::to_string(i), 0.5, 0.5)));
    }
    ASSERT_TRUE((*store)->commit());
  }
  ASSERT_FALSE(fs::exists(path + "-wal")) << "the last connection checkpoints on close";
  // Overwrite the interior of the file (b-tree pages) with garbage, keep the header.
  std::string bytes = readBytes(path);
  ASSERT_GT(bytes.size(), 4096u * 4);
  for (std::size_t i = 4096 + 100; i < bytes.size() - 4096; i += 7) bytes[i] = static_cast<char>(i * 31);
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << bytes;
  }
  auto store = LibraryStore::open(path);
  ASSERT_FALSE(store);
  EXPECT_NE(store.error().message.find("left untouched"), std::string::npos) << store.error().message;
  EXPECT_EQ(readBytes(path), bytes);
}

TEST(LibraryStore, OpenFailsClearlyForDirectoryAndMissingFolder) {
  TempDir dir;
  EXPECT_FALSE(LibraryStore::open(dir.path().string()));
  EXPECT_FALSE(LibraryStore::open(dir.file("no/such/folder/lib.sqlite")));
}

TEST(LibraryStore, SongRoundTripAndUpsertByPath) {
  TempDir dir;
  auto store = LibraryStore::open(dir.file("lib.sqlite"));
  ASSERT_TRUE(store);
  LibraryStore& s = **store;
  SongRecord a = makeSong("/music/ä b&c.flac", "hash-a", 0.2, 0.7);
  a.encoding = {1.0f, -2.5f, 3.25f};
  auto id = s.upsertSong(a);
  ASSERT_TRUE(id) << id.error().message;
  auto got = s.songByPath(a.path);
  ASSERT_TRUE(got && got->has_value());
  const SongRecord& g = **got;
  EXPECT_EQ(g.id, *id);
  EXPECT_EQ(g.size, a.size);
  EXPECT_EQ(g.mtimeNs, a.mtimeNs);
  EXPECT_EQ(g.contentHash, a.contentHash);
  EXPECT_EQ(g.tags.title, a.tags.title);
  EXPECT_EQ(g.tags.year, 1999);
  EXPECT_EQ(g.tags.track, 7);
  EXPECT_EQ(g.codec, "flac");
  EXPECT_DOUBLE_EQ(g.durationSeconds, 201.5);
  ASSERT_TRUE(g.prediction);
  EXPECT_DOUBLE_EQ(g.prediction->covVA, 0.002);
  EXPECT_TRUE(g.encoding.empty()) << "encodings are loaded on demand only";
  auto enc = s.encoding(*id);
  ASSERT_TRUE(enc);
  EXPECT_EQ(*enc, a.encoding);

  // Upsert by path keeps the id; an empty encoding keeps the stored one (same model, Done).
  SongRecord b = a;
  b.encoding.clear();
  b.tags.title = "New title";
  auto id2 = s.upsertSong(b);
  ASSERT_TRUE(id2);
  EXPECT_EQ(*id2, *id);
  EXPECT_EQ((*s.songByPath(a.path))->tags.title, "New title");
  EXPECT_EQ(*s.encoding(*id), a.encoding);
  // A failure clears prediction and encoding.
  b.status = AnalysisStatus::Failed;
  b.failureReason = "corrupt";
  b.prediction.reset();
  ASSERT_TRUE(s.upsertSong(b));
  auto failed = s.songByPath(a.path);
  EXPECT_EQ((*failed)->status, AnalysisStatus::Failed);
  EXPECT_EQ((*failed)->failureReason, "corrupt");
  EXPECT_FALSE((*failed)->prediction);
  EXPECT_TRUE(s.encoding(*id)->empty());

  ASSERT_TRUE(s.removeSong(*id));
  EXPECT_FALSE(s.songByPath(a.path)->has_value());
}

TEST(LibraryStore, RatingsFollowContentHashAndPath) {
  TempDir dir;
  auto store = LibraryStore::open(dir.file("lib.sqlite"));
  ASSERT_TRUE(store);
  LibraryStore& s = **store;
  auto id = s.upsertSong(makeSong("/m/a.mp3", "hash-a", 0.5, 0.5));
  ASSERT_TRUE(id);
  EXPECT_FALSE(s.setRating("/m/not-there.mp3", 0.5, 0.5)) << "rating needs a known song";
  EXPECT_FALSE(s.setRating("/m/a.mp3", 1.5, 0.5));
  EXPECT_FALSE(s.setRating("/m/a.mp3", 0.5, -0.1));
  ASSERT_TRUE(s.setRating("/m/a.mp3", 0.9, 0.2));
  ASSERT_TRUE(s.setRating("/m/a.mp3", 0.8, 0.3));  // replaces
  EXPECT_EQ(*s.ratingCount(), 1);

  // Move (same id, new path): found by hash and the rating's path follows.
  SongRecord moved = **s.songByPath("/m/a.mp3");
  moved.path = "/m/sub/a.mp3";
  ASSERT_TRUE(s.upsertSong(moved));
  auto r = s.rating("/m/sub/a.mp3");
  ASSERT_TRUE(r && r->has_value());
  EXPECT_DOUBLE_EQ((*r)->valence, 0.8);

  // Re-analysis with a different content hash at the same path: found by path.
  SongRecord reencoded = **s.songByPath("/m/sub/a.mp3");
  reencoded.contentHash = "hash-a2";
  reencoded.prediction = MoodEstimate{0.1, 0.1, 0.01, 0, 0.01};
  ASSERT_TRUE(s.upsertSong(reencoded));
  r = s.rating("/m/sub/a.mp3");
  ASSERT_TRUE(r && r->has_value());
  EXPECT_DOUBLE_EQ((*r)->arousal, 0.3);

  // Removing the song keeps the rating; re-adding the file brings it back.
  ASSERT_TRUE(s.removeSong(*id));
  EXPECT_EQ(*s.ratingCount(), 1);
  SongRecord again = makeSong("/m/sub/a.mp3", "hash-a2", 0.5, 0.5);
  ASSERT_TRUE(s.upsertSong(again));
  EXPECT_TRUE((*s.songByPath("/m/sub/a.mp3"))->rating);

  ASSERT_TRUE(s.clearRating("/m/sub/a.mp3"));
  EXPECT_EQ(*s.ratingCount(), 0);
  EXPECT_FALSE((*s.songByPath("/m/sub/a.mp3"))->rating);
}

TEST(LibraryStore, ConcurrentOpensOfAFreshDatabaseAllSucceed) {
  // The GUI's connection and the scan worker's (or two processes) may create the library at the
  // same moment: the migration must not run twice.
  for (int round = 0; round < 10; ++round) {
    TempDir dir;
    const std::string db = dir.file("lib.sqlite");
    std::vector<std::string> errors(4);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < errors.size(); ++t) {
      threads.emplace_back([&, t] {
        auto store = LibraryStore::open(db);
        if (!store) errors[t] = store.error().message;
      });
    }
    for (auto& th : threads) th.join();
    for (const auto& e : errors) EXPECT_EQ(e, "") << "round " << round;
    EXPECT_EQ(queryRaw(db, "PRAGMA user_version"), LibraryStore::kSchemaVersion);
  }
}

TEST(LibraryStore, RatingIsVisibleToAnotherConnectionImmediately) {
  TempDir dir;
  const std::string db = dir.file("lib.sqlite");
  auto writer = LibraryStore::open(db);
  ASSERT_TRUE(writer);
  ASSERT_TRUE((*writer)->upsertSong(makeSong("/m/a.mp3", "hash-a", 0.5, 0.5)));
  auto reader = LibraryStore::open(db);
  ASSERT_TRUE(reader);
  ASSERT_TRUE((*writer)->setRating("/m/a.mp3", 0.25, 0.75));
  auto r = (*reader)->rating("/m/a.mp3");
  ASSERT_TRUE(r && r->has_value());
  EXPECT_DOUBLE_EQ((*r)->arousal, 0.75);
}

TEST(LibraryStore, PlaylistsKeepOrderAndRejectUnknownSongs) {
  TempDir dir;
  auto store = LibraryStore::open(dir.file("lib.sqlite"));
  ASSERT_TRUE(store);
  LibraryStore& s = **store;
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 4; ++i) ids.push_back(*s.upsertSong(makeSong("/m/" + std::to_string(i), "h" + std::to_string(i), 0.5, 0.5)));
  Playlist p{0, "calm", {ids[2], ids[0], ids[3]}};
  auto pid = s.savePlaylist(p);
  ASSERT_TRUE(pid);
  auto all = s.playlists();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].name, "calm");
  EXPECT_EQ((*all)[0].songIds, p.songIds);
  p.id = *pid;
  p.name = "calmer";
  p.songIds = {ids[1], ids[2]};
  ASSERT_TRUE(s.savePlaylist(p));
  all = s.playlists();
  EXPECT_EQ((*all)[0].songIds, p.songIds);
  EXPECT_EQ((*all)[0].name, "calmer");
  // Unknown song id: error, playlist unchanged.
  Playlist bad = p;
  bad.songIds = {ids[0], 999999};
  EXPECT_FALSE(s.savePlaylist(bad));
  EXPECT_EQ((*s.playlists())[0].songIds, p.songIds);
  // Removing a song drops it from playlists.
  ASSERT_TRUE(s.removeSong(ids[1]));
  EXPECT_EQ((*s.playlists())[0].songIds, std::vector<std::int64_t>{ids[2]});
  ASSERT_TRUE(s.removePlaylist(*pid));
  EXPECT_TRUE(s.playlists()->empty());
}

TEST(LibraryStore, RollbackDiscardsTheBatch) {
  TempDir dir;
  auto store = LibraryStore::open(dir.file("lib.sqlite"));
  ASSERT_TRUE(store);
  LibraryStore& s = **store;
  ASSERT_TRUE(s.beginTransaction());
  EXPECT_TRUE(s.inTransaction());
  ASSERT_TRUE(s.upsertSong(makeSong("/m/x", "hx", 0.5, 0.5)));
  ASSERT_TRUE(s.rollback());
  EXPECT_FALSE(s.inTransaction());
  EXPECT_TRUE(s.songs()->empty());
}

}  // namespace
}  // namespace mp::library
