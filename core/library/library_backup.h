#pragma once
// Keeping the library database safe: a backup copy refreshed after every successful session,
// a health check that tells a damaged database from other open failures, and the two ways out
// of a damaged one (restore the backup, or start a new library). A damaged file is never
// deleted: it is moved aside as <db>.corrupt-<UTC timestamp> (with its -wal/-shm companions).

#include "core/common/result.h"

#include <string>

namespace mp::library {

/// <db>.bak: where backupLibrary() keeps the copy of `databasePath`.
std::string backupPathFor(const std::string& databasePath);

/// Copies the database (a consistent snapshot, through SQLite's online backup API, so it is safe
/// while other connections read or write) into <db>.bak. The copy is written to a temporary file,
/// synced and renamed over the old backup: a failure (e.g. a full disk) leaves the previous
/// backup in place.
Status backupLibrary(const std::string& databasePath);

enum class DatabaseHealth {
  Missing,  ///< no file (or an empty one): a new library will be created
  Healthy,  ///< a readable Moodplane library
  Damaged,  ///< not a SQLite database, or SQLite reports corruption / failed integrity check
  Foreign,  ///< a healthy SQLite database that is not a Moodplane library, or of a newer schema
};

struct DatabaseCheck {
  DatabaseHealth health = DatabaseHealth::Missing;
  std::string reason;  ///< for Damaged / Foreign: what is wrong, in words
};

/// Examines `databasePath` read-only (the file is never modified): header, PRAGMA
/// integrity_check, application id and schema version.
DatabaseCheck checkLibraryDatabase(const std::string& databasePath);

/// Moves a damaged database (and its -wal / -shm files) aside to
/// <db>.corrupt-<YYYYmmddTHHMMSSZ>[-N]; returns the new path of the main file.
Result<std::string> moveDamagedDatabaseAside(const std::string& databasePath);

/// Replaces the damaged database by its backup (the damaged one is moved aside first). Fails,
/// changing nothing, when there is no healthy backup. Returns where the damaged file went.
Result<std::string> restoreLibraryBackup(const std::string& databasePath);

/// Moves the damaged database aside so the next open creates an empty library. Returns where
/// the damaged file went.
Result<std::string> startNewLibrary(const std::string& databasePath);

}  // namespace mp::library
