// SQLite connection and statement cache of the record.
#include "audit/sqlite_util.h"

#include <fcntl.h>
#include <unistd.h>

namespace entente::audit {

void Db::Closer::operator()(sqlite3* db) const { sqlite3_close_v2(db); }

Db::~Db() {
  if (cache_) {
    for (auto& [sql, stmt] : *cache_) sqlite3_finalize(stmt);
  }
}

Result<Db> Db::Open(const std::string& path, const std::string& synchronous, int busy_timeout_ms) {
  // A new file is readable by its owner only (the record names organisations and peers).
  if (int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600); fd >= 0) ::close(fd);
  sqlite3* raw = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  Db db;
  db.db_.reset(raw);
  db.cache_ = std::make_unique<std::map<std::string, sqlite3_stmt*>>();
  if (rc != SQLITE_OK) return db.Error(rc, "open " + path);
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, busy_timeout_ms);
  // A cache as large as the store writer's: the entries' subject index is in random order
  // (object ids), and with SQLite's default 2 MB every append past ~100,000 entries reads
  // its pages back from disk.
  std::string pragmas =
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=" + synchronous + "; PRAGMA cache_size=-65536;";
  ENTENTE_RETURN_IF_ERROR(db.Exec(pragmas.c_str(), "set pragmas on " + path));
  return db;
}

Result<Stmt> Db::Prepare(const std::string& sql) const {
  auto it = cache_->find(sql);
  if (it != cache_->end()) return Stmt(it->second);
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v3(db_.get(), sql.c_str(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &s, nullptr);
  if (rc != SQLITE_OK) return Error(rc, "prepare a statement of the record");
  (*cache_)[sql] = s;
  return Stmt(s);
}

Status Db::Exec(const char* sql, const std::string& op) const {
  char* err = nullptr;
  int rc = sqlite3_exec(db_.get(), sql, nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string msg = err != nullptr ? err : sqlite3_errstr(rc);
  sqlite3_free(err);
  if ((rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB) {
    return Status::Corruption(op + ": " + msg);
  }
  return Status::IoError(op + ": " + msg);
}

Status Db::Error(int rc, const std::string& op) const {
  std::string msg = db_ ? sqlite3_errmsg(db_.get()) : sqlite3_errstr(rc);
  if ((rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB) {
    return Status::Corruption(op + ": " + msg);
  }
  return Status::IoError(op + ": " + msg);
}

}  // namespace entente::audit
