#pragma once
// Thin RAII wrappers over the sqlite3 C API: a connection and a prepared statement.
// Every failure becomes an mp::Error carrying sqlite's message; nothing throws.
// One SqliteDb per thread (SQLite's connection rule); statements belong to their connection.

#include "core/common/result.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace mp::library {

class SqliteStatement {
 public:
  SqliteStatement() = default;
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~SqliteStatement();
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&& other) noexcept;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  /// Resets the statement and clears its bindings (call before re-use).
  void reset();
  // Bind by 1-based index.
  void bind(int index, std::int64_t value);
  void bind(int index, int value) { bind(index, static_cast<std::int64_t>(value)); }
  void bind(int index, double value);
  void bind(int index, std::string_view text);
  void bindNull(int index);
  void bindBlob(int index, const void* data, std::size_t bytes);
  /// Binds NULL when `text` is empty.
  void bindTextOrNull(int index, std::string_view text);

  /// One step: true = a row is available, false = done; an error otherwise.
  Result<bool> step();
  /// Steps to completion, discarding rows.
  Status run();

  bool isNull(int column) const;
  std::int64_t int64(int column) const;
  double real(int column) const;
  std::string text(int column) const;
  std::vector<float> floatBlob(int column) const;

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

class SqliteDb {
 public:
  /// Opens (creating when `create`) the database file. Does not read or write it yet.
  static Result<std::unique_ptr<SqliteDb>> open(const std::string& path, bool create);
  /// Takes ownership of an open connection (use open()).
  explicit SqliteDb(sqlite3* db) : db_(db) {}
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  sqlite3* handle() const { return db_; }
  /// Executes one or more SQL statements without results.
  Status exec(const std::string& sql);
  Result<SqliteStatement> prepare(const std::string& sql);
  /// Runs a query returning one integer (first column of the first row), e.g. a PRAGMA.
  Result<std::int64_t> queryInt(const std::string& sql);
  std::string lastError() const;
  std::int64_t lastInsertRowId() const;
  int changes() const;
  bool autocommit() const;

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace mp::library
