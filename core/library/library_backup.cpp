#include "core/library/library_backup.h"

#include "core/library/library_store.h"

#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>

namespace mp::library {
namespace {

namespace fs = std::filesystem;

struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Connection = std::unique_ptr<sqlite3, SqliteCloser>;

Result<Connection> openConnection(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  Connection db(raw);
  if (rc != SQLITE_OK) {
    return fail("cannot open " + path + ": " + (raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, 5000);
  return db;
}

bool isCorruptionCode(int rc) {
  const int primary = rc & 0xff;
  return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB;
}

/// fsync of a file by path (the backup must be on disk before it replaces the old one).
bool syncFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

void removeWithCompanions(const std::string& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-journal", "-wal", "-shm"}) fs::remove(path + suffix, ec);
}

std::string utcStamp() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

/// Copies `from` to `to` through a synced temporary file and a rename.
Status copyAtomically(const std::string& from, const std::string& to) {
  const std::string tmp = to + ".tmp-" + std::to_string(::getpid());
  std::error_code ec;
  fs::copy_file(from, tmp, fs::copy_options::overwrite_existing, ec);
  if (ec || !syncFile(tmp)) {
    fs::remove(tmp, ec);
    return fail("cannot copy " + from + " to " + to + (ec ? ": " + ec.message() : std::string()));
  }
  fs::rename(tmp, to, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return fail("cannot replace " + to + ": " + ec.message());
  }
  return {};
}

/// Removes <target>.tmp-<pid> files left by backups whose process died (e.g. killed mid-copy).
void removeStaleTemporaries(const std::string& target) {
  const fs::path dir = fs::path(target).parent_path();
  const std::string prefix = fs::path(target).filename().string() + ".tmp-";
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir.empty() ? fs::path(".") : dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    const std::string rest = name.substr(prefix.size());
    const pid_t pid = static_cast<pid_t>(std::strtol(rest.c_str(), nullptr, 10));
    if (pid > 0 && pid != ::getpid() && ::kill(pid, 0) != 0 && errno == ESRCH) {
      fs::remove(entry.path(), ec);
    }
  }
}

}  // namespace

std::string backupPathFor(const std::string& databasePath) { return databasePath + ".bak"; }

Status backupLibrary(const std::string& databasePath) {
  const std::string target = backupPathFor(databasePath);
  const std::string tmp = target + ".tmp-" + std::to_string(::getpid());
  removeStaleTemporaries(target);
  removeWithCompanions(tmp);
  auto src = openConnection(databasePath, SQLITE_OPEN_READWRITE);
  if (!src) return src.error();
  auto dst = openConnection(tmp, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!dst) return dst.error();
  auto failure = [&](const std::string& what) -> Status {
    std::string msg = sqlite3_errmsg(dst->get());
    dst->reset();
    removeWithCompanions(tmp);
    return fail("cannot back up " + databasePath + " to " + target + ": " + what + msg +
                " (the previous backup is unchanged)");
  };
  sqlite3_backup* backup = sqlite3_backup_init(dst->get(), "main", src->get(), "main");
  if (backup == nullptr) return failure("");
  int rc = SQLITE_OK;
  for (;;) {
    rc = sqlite3_backup_step(backup, -1);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    break;
  }
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) return failure(std::string(sqlite3_errstr(rc)) + ": ");
  // A self-contained file (no -wal companion), fully synced before it replaces the old backup.
  if (sqlite3_exec(dst->get(), "PRAGMA journal_mode=DELETE", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return failure("");
  }
  dst->reset();
  if (!syncFile(tmp)) {
    removeWithCompanions(tmp);
    return fail("cannot back up " + databasePath + ": cannot sync " + tmp);
  }
  std::error_code ec;
  fs::rename(tmp, target, ec);
  if (ec) {
    removeWithCompanions(tmp);
    return fail("cannot back up " + databasePath + " to " + target + ": " + ec.message());
  }
  return {};
}

DatabaseCheck checkLibraryDatabase(const std::string& databasePath) {
  std::error_code ec;
  if (!fs::exists(databasePath, ec) || (fs::is_regular_file(databasePath, ec) && fs::file_size(databasePath, ec) == 0)) {
    return {DatabaseHealth::Missing, {}};
  }
  if (!fs::is_regular_file(databasePath, ec)) return {DatabaseHealth::Foreign, "not a regular file"};
  {
    std::ifstream in(databasePath, std::ios::binary);
    char header[16] = {};
    in.read(header, sizeof header);
    if (in.gcount() != 16 || std::memcmp(header, "SQLite format 3\0", 16) != 0) {
      return {DatabaseHealth::Damaged, "not a SQLite database (bad header)"};
    }
  }
  auto db = openConnection(databasePath, SQLITE_OPEN_READONLY);
  if (!db) return {DatabaseHealth::Damaged, db.error().message};
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db->get(), "PRAGMA integrity_check", -1, &raw, nullptr);
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> st(raw, sqlite3_finalize);
  if (rc != SQLITE_OK) {
    const std::string msg = sqlite3_errmsg(db->get());
    return {isCorruptionCode(rc) ? DatabaseHealth::Damaged : DatabaseHealth::Healthy, msg};
  }
  std::string firstProblem;
  while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(st.get(), 0));
    const std::string line = text != nullptr ? text : "";
    if (line != "ok" && firstProblem.empty()) firstProblem = line;
  }
  if (rc != SQLITE_DONE) {
    const std::string msg = sqlite3_errmsg(db->get());
    // Anything but corruption (a lock, an I/O error) is not a verdict on the file.
    return {isCorruptionCode(rc) ? DatabaseHealth::Damaged : DatabaseHealth::Healthy, msg};
  }
  if (!firstProblem.empty()) return {DatabaseHealth::Damaged, "integrity check failed: " + firstProblem};
  st.reset();
  auto queryInt = [&](const char* sql) -> std::int64_t {
    sqlite3_stmt* q = nullptr;
    std::int64_t v = -1;
    if (sqlite3_prepare_v2(db->get(), sql, -1, &q, nullptr) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW) {
      v = sqlite3_column_int64(q, 0);
    }
    sqlite3_finalize(q);
    return v;
  };
  const std::int64_t app = queryInt("PRAGMA application_id");
  const std::int64_t tables = queryInt("SELECT count(*) FROM sqlite_master");
  if (app != LibraryStore::kApplicationId && !(app == 0 && tables == 0)) {
    return {DatabaseHealth::Foreign, "a SQLite database but not a Moodplane library"};
  }
  if (queryInt("PRAGMA user_version") > LibraryStore::kSchemaVersion) {
    return {DatabaseHealth::Foreign, "written by a newer Moodplane"};
  }
  return {DatabaseHealth::Healthy, {}};
}

Result<std::string> moveDamagedDatabaseAside(const std::string& databasePath) {
  std::error_code ec;
  if (!fs::exists(databasePath, ec)) return fail("no database at " + databasePath);
  const std::string base = databasePath + ".corrupt-" + utcStamp();
  std::string target = base;
  for (int n = 1; fs::exists(target, ec); ++n) target = base + "-" + std::to_string(n);
  fs::rename(databasePath, target, ec);
  if (ec) return fail("cannot move " + databasePath + " aside: " + ec.message());
  for (const char* suffix : {"-wal", "-shm", "-journal"}) {
    if (fs::exists(databasePath + suffix, ec)) fs::rename(databasePath + suffix, target + suffix, ec);
  }
  return target;
}

Result<std::string> restoreLibraryBackup(const std::string& databasePath) {
  const std::string backup = backupPathFor(databasePath);
  const DatabaseCheck check = checkLibraryDatabase(backup);
  if (check.health == DatabaseHealth::Missing) return fail("there is no backup at " + backup);
  if (check.health != DatabaseHealth::Healthy) {
    return fail("the backup " + backup + " is not usable either (" + check.reason + ")");
  }
  std::string aside;
  std::error_code ec;
  if (fs::exists(databasePath, ec)) {
    auto moved = moveDamagedDatabaseAside(databasePath);
    if (!moved) return moved.error();
    aside = *moved;
  }
  if (Status s = copyAtomically(backup, databasePath); !s) return s.error();
  return aside;
}

Result<std::string> startNewLibrary(const std::string& databasePath) {
  return moveDamagedDatabaseAside(databasePath);
}

}  // namespace mp::library
