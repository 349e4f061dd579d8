// The little of the SQLite C API the record needs: one connection with its prepared
// statements cached by SQL text, and statements that reset themselves when released.
// (audit/ stands below store/, so it keeps its own.)
//
// Not safe for concurrent use: AuditLog calls it under its mutex. A Stmt borrows a
// cached statement; at most one Stmt per SQL text may be alive at a time. Values are
// always bound as parameters.
#pragma once

#include <sqlite3.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "entente/status.h"

namespace entente::audit {

class Stmt {
 public:
  explicit Stmt(sqlite3_stmt* s) : s_(s) {}
  Stmt(Stmt&& o) noexcept : s_(o.s_) { o.s_ = nullptr; }
  Stmt& operator=(Stmt&& o) noexcept {
    std::swap(s_, o.s_);
    return *this;
  }
  Stmt(const Stmt&) = delete;
  ~Stmt() {
    if (s_ != nullptr) {
      sqlite3_reset(s_);
      sqlite3_clear_bindings(s_);
    }
  }
  void Bind(int i, int64_t v) { sqlite3_bind_int64(s_, i, v); }
  void Bind(int i, std::string_view v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void BindBlob(int i, const void* p, size_t n) {
    sqlite3_bind_blob(s_, i, p, static_cast<int>(n), SQLITE_TRANSIENT);
  }
  void Reset() { sqlite3_reset(s_); }
  int Step() { return sqlite3_step(s_); }
  int64_t Int(int col) const { return sqlite3_column_int64(s_, col); }
  bool IsNull(int col) const { return sqlite3_column_type(s_, col) == SQLITE_NULL; }
  std::string_view Text(int col) const {
    const unsigned char* p = sqlite3_column_text(s_, col);
    if (p == nullptr) return {};
    return {reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(s_, col))};
  }
  std::string_view Blob(int col) const {
    const void* p = sqlite3_column_blob(s_, col);
    if (p == nullptr) return {};
    return {static_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(s_, col))};
  }

 private:
  sqlite3_stmt* s_;
};

class Db {
 public:
  // Opens (creating) `path` in WAL mode with PRAGMA synchronous=`synchronous` (one of
  // FULL, NORMAL, OFF, checked by the caller), waiting `busy_timeout_ms` for other writers.
  static Result<Db> Open(const std::string& path, const std::string& synchronous,
                         int busy_timeout_ms);
  Db(Db&&) noexcept = default;
  Db& operator=(Db&&) noexcept = default;
  ~Db();

  // The cached statement for `sql`, prepared on first use.
  Result<Stmt> Prepare(const std::string& sql) const;
  // Runs statements without parameters.
  Status Exec(const char* sql, const std::string& op) const;
  // A Status for SQLite result `rc` (io-error; corruption for SQLITE_CORRUPT/NOTADB).
  Status Error(int rc, const std::string& op) const;
  // The connection itself, for the checkpointer's WAL hook.
  sqlite3* raw() const { return db_.get(); }

 private:
  Db() = default;
  struct Closer {
    void operator()(sqlite3* db) const;
  };
  std::unique_ptr<sqlite3, Closer> db_;
  std::unique_ptr<std::map<std::string, sqlite3_stmt*>> cache_;
};

}  // namespace entente::audit
