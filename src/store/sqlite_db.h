// sqlite_db: a thin layer over the SQLite C API for the store.
//
// A Connection owns one sqlite3 handle and a cache of its prepared statements, keyed
// by SQL text. A Connection is NOT safe for concurrent use: exactly one thread uses it
// at a time (the store hands connections out under its own locks). A Statement is a
// borrowed, already prepared statement; when it goes out of scope it is reset and its
// bindings cleared, so the cached statement is ready for the next user. Values are
// always bound as parameters; SQL text never carries values.
//
// String views returned by Statement::Text stay valid until the next Step, Reset or the
// Statement's destruction.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "entente/status.h"

namespace entente::store {

// Maps a SQLite result code to a Status; `op` names the operation that failed.
Status SqliteError(int rc, sqlite3* db, std::string_view op);

class Statement {
 public:
  Statement() = default;
  // `owned`: finalize on destruction instead of resetting (statements not cached).
  explicit Statement(sqlite3_stmt* stmt, bool owned = false) : stmt_(stmt), owned_(owned) {}
  Statement(Statement&& other) noexcept : stmt_(other.stmt_), owned_(other.owned_) {
    other.stmt_ = nullptr;
  }
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  ~Statement();

  // Parameters are 1-based, as in SQLite.
  void Bind(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  void Bind(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  // Binds without copying; `v` must outlive the statement's next Step.
  void BindStatic(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  }
  void BindNull(int i) { sqlite3_bind_null(stmt_, i); }

  // Makes the statement ready to step again; bindings stay until rebound.
  void Reset() { sqlite3_reset(stmt_); }
  // Returns SQLITE_ROW, SQLITE_DONE or an error code.
  int Step() { return sqlite3_step(stmt_); }
  // Steps a statement that returns no rows; maps errors with `op`.
  Status Exec(std::string_view op);

  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  std::string_view Text(int col) const {
    const unsigned char* p = sqlite3_column_text(stmt_, col);
    if (p == nullptr) return {};
    return {reinterpret_cast<const char*>(p),
            static_cast<size_t>(sqlite3_column_bytes(stmt_, col))};
  }
  std::string String(int col) const { return std::string(Text(col)); }

  sqlite3_stmt* raw() const { return stmt_; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  bool owned_ = false;
};

// Sets SQLite's process-wide options once, before its first use: no global memory
// statistics (a mutex taken on every allocation) and multi-thread mode (each
// connection is used by one thread at a time, which Connection's users guarantee).
// Later calls do nothing; if SQLite was already initialised, its defaults stay.
void ConfigureSqliteOnce();

class Connection {
 public:
  // Opens `path` (flags as sqlite3_open_v2) and applies the per-connection pragmas.
  static Result<std::unique_ptr<Connection>> Open(const std::string& path, int flags,
                                                  int busy_timeout_ms,
                                                  std::string_view synchronous);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // The cached prepared statement for `sql`, preparing it on first use. Past
  // kMaxCached distinct texts, new statements are prepared for one use only.
  static constexpr size_t kMaxCached = 128;
  Result<Statement> Prepare(std::string_view sql);
  // Runs one or more statements without parameters (schema, pragmas, BEGIN/COMMIT).
  Status ExecScript(const char* sql, std::string_view op);
  // The integer value of `PRAGMA name` (page_size, user_version, ...).
  Result<int64_t> PragmaInt(std::string_view name);

  sqlite3* db() const { return db_; }
  int64_t Changes() const { return sqlite3_changes64(db_); }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}

  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

}  // namespace entente::store
