// LibraryStore on the sqlite3 C API.
//
// Identification: PRAGMA application_id = 'MOOD' (0x4D4F4F44); schema version: PRAGMA user_version.
// Opening never writes before the file has been validated: a non-empty file must start with the
// SQLite header, pass PRAGMA quick_check, carry our application id (or be an empty SQLite
// database) and have a schema version this build knows; otherwise open() fails and the file is
// left byte-for-byte untouched.
//
// Schema history (every database, new ones included, walks the same migration chain):
//   v1: songs(id, path UNIQUE, size, mtime_ns, content_hash, title, artist, album, genre, year,
//             track, duration)
//       analysis(song_id PK -> songs ON DELETE CASCADE, model_version, valence, arousal, cov_vv,
//                cov_va, cov_aa, status 0 pending / 1 done / 2 failed, failure_reason, encoding)
//       ratings(path PK, valence, arousal, rated_at)
//   v2: songs.codec; ratings re-keyed by content hash AND path (both unique; a rating is found by
//       the song's content hash first, then by its path, so it survives moves and re-analysis);
//       playlists(id, name, created_at) + playlist_entries(playlist_id, position, song_id).
// Ratings are never deleted with their song: re-adding the file brings its rating back.

#include "core/library/library_store.h"

#include "core/library/sqlite_db.h"

#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>
#include <map>

namespace mp::library {
namespace {

namespace fs = std::filesystem;

constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE songs(
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL UNIQUE,
  size INTEGER NOT NULL DEFAULT 0,
  mtime_ns INTEGER NOT NULL DEFAULT 0,
  content_hash TEXT,
  title TEXT, artist TEXT, album TEXT, genre TEXT,
  year INTEGER NOT NULL DEFAULT 0,
  track INTEGER NOT NULL DEFAULT 0,
  duration REAL NOT NULL DEFAULT 0);
CREATE INDEX songs_hash ON songs(content_hash);
CREATE TABLE analysis(
  song_id INTEGER PRIMARY KEY REFERENCES songs(id) ON DELETE CASCADE,
  model_version TEXT,
  valence REAL, arousal REAL, cov_vv REAL, cov_va REAL, cov_aa REAL,
  status INTEGER NOT NULL DEFAULT 0,
  failure_reason TEXT,
  encoding BLOB);
CREATE TABLE ratings(
  path TEXT PRIMARY KEY,
  valence REAL NOT NULL, arousal REAL NOT NULL,
  rated_at INTEGER NOT NULL DEFAULT 0);
)sql";

constexpr const char* kMigrateV1ToV2 = R"sql(
ALTER TABLE songs ADD COLUMN codec TEXT;
CREATE TABLE ratings_v2(
  id INTEGER PRIMARY KEY,
  content_hash TEXT UNIQUE,
  path TEXT NOT NULL UNIQUE,
  valence REAL NOT NULL, arousal REAL NOT NULL,
  rated_at INTEGER NOT NULL DEFAULT 0);
INSERT OR IGNORE INTO ratings_v2(content_hash, path, valence, arousal, rated_at)
  SELECT s.content_hash, r.path, r.valence, r.arousal, r.rated_at
  FROM ratings r LEFT JOIN songs s ON s.path = r.path;
DROP TABLE ratings;
ALTER TABLE ratings_v2 RENAME TO ratings;
CREATE TABLE playlists(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL DEFAULT 0);
CREATE TABLE playlist_entries(
  playlist_id INTEGER NOT NULL REFERENCES playlists(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  song_id INTEGER NOT NULL REFERENCES songs(id) ON DELETE CASCADE,
  PRIMARY KEY(playlist_id, position));
CREATE INDEX playlist_entries_song ON playlist_entries(song_id);
)sql";

constexpr const char* kSongColumns = R"sql(
  s.id, s.path, s.size, s.mtime_ns, s.content_hash, s.title, s.artist, s.album, s.genre, s.year,
  s.track, s.duration, s.codec, a.model_version, a.status, a.failure_reason, a.valence, a.arousal,
  a.cov_vv, a.cov_va, a.cov_aa, COALESCE(rh.valence, rp.valence), COALESCE(rh.arousal, rp.arousal)
FROM songs s
LEFT JOIN analysis a ON a.song_id = s.id
LEFT JOIN ratings rh ON rh.content_hash = s.content_hash
LEFT JOIN ratings rp ON rp.path = s.path
)sql";

std::int64_t nowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

SongRecord readSong(const SqliteStatement& st) {
  SongRecord s;
  s.id = st.int64(0);
  s.path = st.text(1);
  s.size = st.int64(2);
  s.mtimeNs = st.int64(3);
  s.contentHash = st.text(4);
  s.tags.title = st.text(5);
  s.tags.artist = st.text(6);
  s.tags.album = st.text(7);
  s.tags.genre = st.text(8);
  s.tags.year = static_cast<int>(st.int64(9));
  s.tags.track = static_cast<int>(st.int64(10));
  s.durationSeconds = st.real(11);
  s.tags.durationSeconds = s.durationSeconds;
  s.codec = st.text(12);
  s.modelVersion = st.text(13);
  const std::int64_t status = st.isNull(14) ? 0 : st.int64(14);
  s.status = status == 1   ? AnalysisStatus::Done
             : status == 2 ? AnalysisStatus::Failed
                           : AnalysisStatus::Pending;
  s.failureReason = st.text(15);
  if (s.status == AnalysisStatus::Done && !st.isNull(16) && !st.isNull(17)) {
    MoodEstimate m;
    m.valence = st.real(16);
    m.arousal = st.real(17);
    m.covVV = st.real(18);
    m.covVA = st.real(19);
    m.covAA = st.real(20);
    s.prediction = m;
  }
  if (!st.isNull(21) && !st.isNull(22)) {
    MoodEstimate r;
    r.valence = st.real(21);
    r.arousal = st.real(22);
    s.rating = r;
  }
  return s;
}

int statusCode(AnalysisStatus s) {
  switch (s) {
    case AnalysisStatus::Pending: return 0;
    case AnalysisStatus::Done: return 1;
    case AnalysisStatus::Failed: return 2;
  }
  return 0;
}

/// Reads the first bytes of an existing file to tell a SQLite database from anything else
/// without letting SQLite touch it.
Status checkSqliteHeader(const std::string& path, bool& exists, bool& empty) {
  std::error_code ec;
  exists = fs::exists(path, ec);
  empty = true;
  if (!exists) return {};
  if (!fs::is_regular_file(path, ec)) return fail(path + " is not a regular file");
  const auto size = fs::file_size(path, ec);
  if (ec) return fail("cannot read " + path + ": " + ec.message());
  empty = size == 0;
  if (empty) return {};
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("cannot read " + path);
  char header[16] = {};
  in.read(header, sizeof header);
  if (in.gcount() != 16 || std::memcmp(header, "SQLite format 3\0", 16) != 0) {
    return fail(path + " is not a SQLite database (the file was left untouched)");
  }
  return {};
}

class SqliteLibraryStore final : public LibraryStore {
 public:
  SqliteLibraryStore(std::string path, std::unique_ptr<SqliteDb> db)
      : path_(std::move(path)), db_(std::move(db)) {}

  Status init(bool existing) {
    if (existing) {
      if (Status s = validate(); !s) return s;
    }
    if (Status s = db_->exec("PRAGMA foreign_keys=ON"); !s) return s;
    auto mode = db_->prepare("PRAGMA journal_mode=WAL");
    if (!mode) return mode.error();
    if (auto r = mode->step(); !r) return r.error();
    mode = SqliteStatement();
    if (Status s = db_->exec("PRAGMA synchronous=NORMAL"); !s) return s;
    return migrate();
  }

  Result<std::vector<SongRecord>> songs() override {
    auto st = db_->prepare(std::string("SELECT ") + kSongColumns + " ORDER BY s.id");
    if (!st) return st.error();
    std::vector<SongRecord> out;
    for (;;) {
      auto row = st->step();
      if (!row) return row.error();
      if (!*row) break;
      out.push_back(readSong(*st));
    }
    return out;
  }

  Result<std::optional<SongRecord>> songByPath(const std::string& path) override {
    return oneSong(std::string("SELECT ") + kSongColumns + " WHERE s.path = ?1",
                   [&](SqliteStatement& st) { st.bind(1, path); });
  }

  Result<std::optional<SongRecord>> songById(std::int64_t id) override {
    return oneSong(std::string("SELECT ") + kSongColumns + " WHERE s.id = ?1",
                   [&](SqliteStatement& st) { st.bind(1, id); });
  }

  Result<std::int64_t> upsertSong(const SongRecord& song) override {
    if (song.path.empty()) return fail("a song needs a path");
    if (Status s = db_->exec("SAVEPOINT upsert_song"); !s) return s.error();
    auto id = upsertSongInner(song);
    if (!id) {
      (void)db_->exec("ROLLBACK TO upsert_song; RELEASE upsert_song");
      return id;
    }
    if (Status s = db_->exec("RELEASE upsert_song"); !s) return s.error();
    return id;
  }

  Status removeSong(std::int64_t id) override {
    auto st = cached(removeSong_, "DELETE FROM songs WHERE id = ?1");
    if (!st) return st.error();
    (*st)->bind(1, id);
    return (*st)->run();
  }

  Status setRating(const std::string& path, double valence, double arousal) override {
    if (!std::isfinite(valence) || !std::isfinite(arousal) || valence < 0 || valence > 1 ||
        arousal < 0 || arousal > 1) {
      return fail("a rating's valence and arousal must lie in [0, 1]");
    }
    auto song = songByPath(path);
    if (!song) return song.error();
    if (!song->has_value()) return fail("no song at " + path + " in the library");
    if (Status s = db_->exec("SAVEPOINT set_rating"); !s) return s;
    auto body = [&]() -> Status {
      auto del = db_->prepare("DELETE FROM ratings WHERE path = ?1 OR content_hash = ?2");
      if (!del) return del.error();
      del->bind(1, path);
      del->bindTextOrNull(2, (*song)->contentHash);
      if (Status s = del->run(); !s) return s;
      auto ins = db_->prepare(
          "INSERT INTO ratings(content_hash, path, valence, arousal, rated_at) "
          "VALUES(?1, ?2, ?3, ?4, ?5)");
      if (!ins) return ins.error();
      ins->bindTextOrNull(1, (*song)->contentHash);
      ins->bind(2, path);
      ins->bind(3, valence);
      ins->bind(4, arousal);
      ins->bind(5, nowSeconds());
      return ins->run();
    };
    if (Status s = body(); !s) {
      (void)db_->exec("ROLLBACK TO set_rating; RELEASE set_rating");
      return s;
    }
    return db_->exec("RELEASE set_rating");
  }

  Status clearRating(const std::string& path) override {
    auto song = songByPath(path);
    if (!song) return song.error();
    auto del = db_->prepare("DELETE FROM ratings WHERE path = ?1 OR content_hash = ?2");
    if (!del) return del.error();
    del->bind(1, path);
    if (song->has_value()) {
      del->bindTextOrNull(2, (*song)->contentHash);
    } else {
      del->bindNull(2);
    }
    return del->run();
  }

  Result<std::optional<MoodEstimate>> rating(const std::string& path) override {
    auto song = songByPath(path);
    if (!song) return song.error();
    if (song->has_value()) return (*song)->rating;
    auto st = db_->prepare("SELECT valence, arousal FROM ratings WHERE path = ?1");
    if (!st) return st.error();
    st->bind(1, path);
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) return std::optional<MoodEstimate>{};
    MoodEstimate m;
    m.valence = st->real(0);
    m.arousal = st->real(1);
    return std::optional<MoodEstimate>{m};
  }

  Result<std::int64_t> ratingCount() override { return db_->queryInt("SELECT count(*) FROM ratings"); }

  Result<std::vector<float>> encoding(std::int64_t songId) override {
    auto st = db_->prepare("SELECT encoding FROM analysis WHERE song_id = ?1");
    if (!st) return st.error();
    st->bind(1, songId);
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) return std::vector<float>{};
    return st->floatBlob(0);
  }

  Result<std::vector<Playlist>> playlists() override {
    auto st = db_->prepare("SELECT id, name FROM playlists ORDER BY id");
    if (!st) return st.error();
    std::vector<Playlist> out;
    std::map<std::int64_t, std::size_t> index;
    for (;;) {
      auto row = st->step();
      if (!row) return row.error();
      if (!*row) break;
      index[st->int64(0)] = out.size();
      out.push_back(Playlist{st->int64(0), st->text(1), {}});
    }
    auto en = db_->prepare(
        "SELECT playlist_id, song_id FROM playlist_entries ORDER BY playlist_id, position");
    if (!en) return en.error();
    for (;;) {
      auto row = en->step();
      if (!row) return row.error();
      if (!*row) break;
      auto it = index.find(en->int64(0));
      if (it != index.end()) out[it->second].songIds.push_back(en->int64(1));
    }
    return out;
  }

  Result<std::int64_t> savePlaylist(const Playlist& playlist) override {
    if (Status s = db_->exec("SAVEPOINT save_playlist"); !s) return s.error();
    auto body = [&]() -> Result<std::int64_t> {
      std::int64_t id = playlist.id;
      if (id == 0) {
        auto ins = db_->prepare("INSERT INTO playlists(name, created_at) VALUES(?1, ?2)");
        if (!ins) return ins.error();
        ins->bind(1, playlist.name);
        ins->bind(2, nowSeconds());
        if (Status s = ins->run(); !s) return s.error();
        id = db_->lastInsertRowId();
      } else {
        auto up = db_->prepare("UPDATE playlists SET name = ?1 WHERE id = ?2");
        if (!up) return up.error();
        up->bind(1, playlist.name);
        up->bind(2, id);
        if (Status s = up->run(); !s) return s.error();
        if (db_->changes() == 0) return fail("no playlist with id " + std::to_string(id));
        auto del = db_->prepare("DELETE FROM playlist_entries WHERE playlist_id = ?1");
        if (!del) return del.error();
        del->bind(1, id);
        if (Status s = del->run(); !s) return s.error();
      }
      auto en = db_->prepare(
          "INSERT INTO playlist_entries(playlist_id, position, song_id) VALUES(?1, ?2, ?3)");
      if (!en) return en.error();
      for (std::size_t i = 0; i < playlist.songIds.size(); ++i) {
        en->reset();
        en->bind(1, id);
        en->bind(2, static_cast<std::int64_t>(i));
        en->bind(3, playlist.songIds[i]);
        if (Status s = en->run(); !s) {
          return fail("cannot add song " + std::to_string(playlist.songIds[i]) +
                      " to the playlist: " + s.error().message);
        }
      }
      return id;
    };
    auto id = body();
    if (!id) {
      (void)db_->exec("ROLLBACK TO save_playlist; RELEASE save_playlist");
      return id;
    }
    if (Status s = db_->exec("RELEASE save_playlist"); !s) return s.error();
    return id;
  }

  Status removePlaylist(std::int64_t id) override {
    auto st = db_->prepare("DELETE FROM playlists WHERE id = ?1");
    if (!st) return st.error();
    st->bind(1, id);
    return st->run();
  }

  Status beginTransaction() override { return db_->exec("BEGIN IMMEDIATE"); }
  Status commit() override { return db_->exec("COMMIT"); }
  Status rollback() override { return db_->exec("ROLLBACK"); }
  bool inTransaction() const override { return !db_->autocommit(); }
  const std::string& databasePath() const override { return path_; }

 private:
  Status validate() {
    // quick_check reads every page; a corrupt file or a non-database fails here, before any write.
    auto qc = db_->prepare("PRAGMA quick_check");
    if (!qc) return fail(path_ + " is not a readable SQLite database (left untouched): " + qc.error().message);
    std::string firstProblem;
    for (;;) {
      auto row = qc->step();
      if (!row) return fail(path_ + " is damaged (left untouched): " + row.error().message);
      if (!*row) break;
      const std::string msg = qc->text(0);
      if (msg != "ok" && firstProblem.empty()) firstProblem = msg;
    }
    if (!firstProblem.empty()) {
      return fail(path_ + " failed the integrity check (left untouched): " + firstProblem);
    }
    // One statement, so one read snapshot: read separately, a migration committed by another
    // connection between the two reads looked like "tables but no application id".
    auto ids = db_->prepare(
        "SELECT (SELECT application_id FROM pragma_application_id), (SELECT count(*) FROM sqlite_master)");
    if (!ids) return ids.error();
    auto idRow = ids->step();
    if (!idRow) return idRow.error();
    if (!*idRow) return fail(path_ + ": cannot read the application id");
    const std::int64_t app = ids->int64(0);
    const std::int64_t tables = ids->int64(1);
    ids = SqliteStatement();
    if (app != kApplicationId && !(app == 0 && tables == 0)) {
      return fail(path_ + " is a SQLite database but not a Moodplane library (left untouched)");
    }
    auto version = db_->queryInt("PRAGMA user_version");
    if (!version) return version.error();
    if (*version > kSchemaVersion) {
      return fail(path_ + " was written by a newer Moodplane (schema " + std::to_string(*version) +
                  ", this build knows " + std::to_string(kSchemaVersion) + "); left untouched");
    }
    return {};
  }

  Status migrate() {
    auto version = db_->queryInt("PRAGMA user_version");
    if (!version) return version.error();
    if (*version == kSchemaVersion) return {};
    if (Status s = db_->exec("BEGIN IMMEDIATE"); !s) return s;
    // Another connection may have migrated between our read and taking the write lock: read the
    // version again under the lock, so two processes opening a fresh library both succeed.
    version = db_->queryInt("PRAGMA user_version");
    if (!version) {
      (void)db_->exec("ROLLBACK");
      return version.error();
    }
    if (*version == kSchemaVersion) return db_->exec("COMMIT");
    auto steps = [&]() -> Status {
      std::int64_t v = *version;
      if (v == 0) {
        if (Status s = db_->exec(kSchemaV1); !s) return s;
        v = 1;
      }
      if (v == 1) {
        if (Status s = db_->exec(kMigrateV1ToV2); !s) return s;
        v = 2;
      }
      if (v != kSchemaVersion) return fail("no migration from schema " + std::to_string(v));
      return db_->exec("PRAGMA application_id=" + std::to_string(kApplicationId) +
                       "; PRAGMA user_version=" + std::to_string(kSchemaVersion));
    };
    if (Status s = steps(); !s) {
      (void)db_->exec("ROLLBACK");
      return fail("cannot migrate " + path_ + ": " + s.error().message);
    }
    return db_->exec("COMMIT");
  }

  template <class BindFn>
  Result<std::optional<SongRecord>> oneSong(const std::string& sql, BindFn&& bindArgs) {
    auto st = db_->prepare(sql);
    if (!st) return st.error();
    bindArgs(*st);
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) return std::optional<SongRecord>{};
    return std::optional<SongRecord>{readSong(*st)};
  }

  Result<SqliteStatement*> cached(std::optional<SqliteStatement>& slot, const char* sql) {
    if (!slot) {
      auto st = db_->prepare(sql);
      if (!st) return st.error();
      slot.emplace(std::move(*st));
    }
    slot->reset();
    return &*slot;
  }

  Result<std::int64_t> upsertSongInner(const SongRecord& song) {
    std::int64_t id = song.id;
    if (id != 0) {
      auto old = songById(id);
      if (!old) return old.error();
      if (!old->has_value()) return fail("no song with id " + std::to_string(id));
      auto up = cached(updateSong_,
                       "UPDATE songs SET path=?1, size=?2, mtime_ns=?3, content_hash=?4, title=?5, "
                       "artist=?6, album=?7, genre=?8, year=?9, track=?10, duration=?11, codec=?12 "
                       "WHERE id=?13");
      if (!up) return up.error();
      bindSong(**up, song);
      (*up)->bind(13, id);
      if (Status s = (*up)->run(); !s) return s.error();
      if ((*old)->path != song.path) {
        // A move: the rating follows the file (it is also found through the content hash).
        auto mv = db_->prepare("UPDATE OR IGNORE ratings SET path = ?1 WHERE path = ?2");
        if (!mv) return mv.error();
        mv->bind(1, song.path);
        mv->bind(2, (*old)->path);
        if (Status s = mv->run(); !s) return s.error();
      }
    } else {
      auto ins = cached(insertSong_,
                        "INSERT INTO songs(path, size, mtime_ns, content_hash, title, artist, album, "
                        "genre, year, track, duration, codec) "
                        "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) "
                        "ON CONFLICT(path) DO UPDATE SET size=excluded.size, "
                        "mtime_ns=excluded.mtime_ns, content_hash=excluded.content_hash, "
                        "title=excluded.title, artist=excluded.artist, album=excluded.album, "
                        "genre=excluded.genre, year=excluded.year, track=excluded.track, "
                        "duration=excluded.duration, codec=excluded.codec RETURNING id");
      if (!ins) return ins.error();
      bindSong(**ins, song);
      auto row = (*ins)->step();
      if (!row) return row.error();
      if (!*row) return fail("database error: no id returned for " + song.path);
      id = (*ins)->int64(0);
      if (Status s = (*ins)->run(); !s) return s.error();
    }
    auto an = cached(
        upsertAnalysis_,
        "INSERT INTO analysis(song_id, model_version, valence, arousal, cov_vv, cov_va, cov_aa, "
        "status, failure_reason, encoding) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
        "ON CONFLICT(song_id) DO UPDATE SET model_version=excluded.model_version, "
        "valence=excluded.valence, arousal=excluded.arousal, cov_vv=excluded.cov_vv, "
        "cov_va=excluded.cov_va, cov_aa=excluded.cov_aa, status=excluded.status, "
        "failure_reason=excluded.failure_reason, encoding=CASE WHEN excluded.encoding IS NULL "
        "AND excluded.status = 1 AND analysis.model_version IS excluded.model_version "
        "THEN analysis.encoding ELSE excluded.encoding END");
    if (!an) return an.error();
    SqliteStatement& st = **an;
    st.bind(1, id);
    st.bindTextOrNull(2, song.modelVersion);
    if (song.status == AnalysisStatus::Done && song.prediction) {
      st.bind(3, song.prediction->valence);
      st.bind(4, song.prediction->arousal);
      st.bind(5, song.prediction->covVV);
      st.bind(6, song.prediction->covVA);
      st.bind(7, song.prediction->covAA);
    } else {
      for (int i = 3; i <= 7; ++i) st.bindNull(i);
    }
    st.bind(8, statusCode(song.status));
    st.bindTextOrNull(9, song.failureReason);
    if (song.encoding.empty()) {
      st.bindNull(10);
    } else {
      st.bindBlob(10, song.encoding.data(), song.encoding.size() * sizeof(float));
    }
    if (Status s = st.run(); !s) return s.error();
    return id;
  }

  static void bindSong(SqliteStatement& st, const SongRecord& song) {
    st.bind(1, song.path);
    st.bind(2, song.size);
    st.bind(3, song.mtimeNs);
    st.bindTextOrNull(4, song.contentHash);
    st.bind(5, song.tags.title);
    st.bind(6, song.tags.artist);
    st.bind(7, song.tags.album);
    st.bind(8, song.tags.genre);
    st.bind(9, song.tags.year);
    st.bind(10, song.tags.track);
    st.bind(11, song.durationSeconds);
    st.bind(12, song.codec);
  }

  std::string path_;
  std::unique_ptr<SqliteDb> db_;  // declared before the statements: destroyed after them
  std::optional<SqliteStatement> insertSong_;
  std::optional<SqliteStatement> updateSong_;
  std::optional<SqliteStatement> upsertAnalysis_;
  std::optional<SqliteStatement> removeSong_;
};

}  // namespace

Result<std::unique_ptr<LibraryStore>> LibraryStore::open(const std::string& path) {
  bool exists = false;
  bool empty = true;
  if (Status s = checkSqliteHeader(path, exists, empty); !s) return s.error();
  // Setting WAL mode and migrating a fresh file can report SQLITE_BUSY without consulting the busy
  // handler while another connection does the same; init() is idempotent, so retry for a while.
  for (int attempt = 0;; ++attempt) {
    auto db = SqliteDb::open(path, /*create=*/!exists);
    if (!db) return db.error();
    auto store = std::make_unique<SqliteLibraryStore>(path, std::move(*db));
    Status s = store->init(exists && !empty);
    if (s) return std::unique_ptr<LibraryStore>(std::move(store));
    if (attempt >= 250 || s.error().message.find("database is locked") == std::string::npos) {
      return s.error();
    }
    store.reset();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace mp::library
