#include "store/sqlite_db.h"

#include <mutex>
#include <string>

namespace entente::store {

Status SqliteError(int rc, sqlite3* db, std::string_view op) {
  std::string msg(op);
  msg += ": ";
  msg += (db != nullptr) ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Unavailable(std::move(msg));
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return Status::AlreadyExists(std::move(msg));
      }
      return Status::InvalidArgument(std::move(msg));
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_PROTOCOL:
      return Status::IoError(std::move(msg));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_SCHEMA:
      return Status::Corruption(std::move(msg));
    case SQLITE_NOMEM:
    case SQLITE_TOOBIG:
      return Status::ResourceExhausted(std::move(msg));
    default:
      return Status::Internal(std::move(msg));
  }
}

Statement::~Statement() {
  if (stmt_ != nullptr && owned_) {
    sqlite3_finalize(stmt_);
  } else if (stmt_ != nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
}

Status Statement::Exec(std::string_view op) {
  int rc = Step();
  if (rc == SQLITE_DONE || rc == SQLITE_ROW) return Status::Ok();
  return SqliteError(sqlite3_extended_errcode(sqlite3_db_handle(stmt_)), sqlite3_db_handle(stmt_),
                     op);
}

void ConfigureSqliteOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    // SQLITE_MISUSE here means SQLite is initialised already: keep its defaults.
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    (void)sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
  });
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path, int flags,
                                                     int busy_timeout_ms,
                                                     std::string_view synchronous) {
  ConfigureSqliteOnce();
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Status s = SqliteError(rc, db, "open " + path);
    sqlite3_close_v2(db);
    return s;
  }
  std::unique_ptr<Connection> conn(new Connection(db));
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, busy_timeout_ms);
  // `synchronous` was checked against a fixed list by the caller: no value enters SQL.
  std::string pragmas = "PRAGMA foreign_keys=ON; PRAGMA synchronous=" + std::string(synchronous) +
                        "; PRAGMA temp_store=MEMORY;";
  ENTENTE_RETURN_IF_ERROR(conn->ExecScript(pragmas.c_str(), "set pragmas on " + path));
  return conn;
}

Connection::~Connection() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Result<Statement> Connection::Prepare(std::string_view sql) {
  auto it = cache_.find(std::string(sql));
  if (it != cache_.end()) return Statement(it->second);
  sqlite3_stmt* stmt = nullptr;
  bool cache = cache_.size() < kMaxCached;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              cache ? SQLITE_PREPARE_PERSISTENT : 0, &stmt, nullptr);
  if (rc != SQLITE_OK) return SqliteError(rc, db_, "prepare statement");
  if (!cache) return Statement(stmt, /*owned=*/true);
  cache_.emplace(std::string(sql), stmt);
  return Statement(stmt);
}

Result<int64_t> Connection::PragmaInt(std::string_view name) {
  auto st = Prepare("PRAGMA " + std::string(name));
  if (!st.ok()) return st.status();
  int rc = st->Step();
  if (rc != SQLITE_ROW) return SqliteError(rc, db_, "read " + std::string(name));
  return st->Int(0);
}

Status Connection::ExecScript(const char* sql, std::string_view op) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
  sqlite3_free(err);
  if (rc != SQLITE_OK) return SqliteError(sqlite3_extended_errcode(db_), db_, op);
  return Status::Ok();
}

}  // namespace entente::store
