#include "common/wal_checkpointer.h"

#include <pthread.h>
#include <sqlite3.h>

#include <algorithm>

namespace entente {
namespace {

int WalHook(void* arg, sqlite3* db, const char* schema, int frames) {
  auto* c = static_cast<WalCheckpointer*>(arg);
  c->Notify(frames);
  if (frames >= c->writer_frames()) {
    // Copy what the background passes have not, so that the next transaction can
    // start the log again from its beginning (SQLITE_BUSY while the checkpointer runs:
    // the next commit tries again).
    (void)sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  }
  return SQLITE_OK;
}

Status Failed(sqlite3* db, const std::string& what) {
  return Status::IoError(what + ": " + (db != nullptr ? sqlite3_errmsg(db) : "out of memory"));
}

}  // namespace

Result<std::unique_ptr<WalCheckpointer>> WalCheckpointer::Start(const std::string& path,
                                                                sqlite3* writer,
                                                                int busy_timeout_ms,
                                                                std::string_view synchronous) {
  // The writer's page size, for the thresholds in frames.
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(writer, "PRAGMA page_size", -1, &st, nullptr) != SQLITE_OK) {
    return Failed(writer, "read the page size of " + path);
  }
  const int page_size = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 4096;
  sqlite3_finalize(st);
  sqlite3* conn = nullptr;
  if (sqlite3_open_v2(path.c_str(), &conn, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK) {
    Status s = Failed(conn, "open " + path + " for checkpoints");
    sqlite3_close_v2(conn);
    return s;
  }
  sqlite3_busy_timeout(conn, busy_timeout_ms);
  std::unique_ptr<WalCheckpointer> c(new WalCheckpointer(conn, writer, std::max(page_size, 512)));
  // `synchronous` was checked against a fixed list by the caller: no value enters SQL.
  const std::string pragma = "PRAGMA synchronous=" + std::string(synchronous);
  if (sqlite3_exec(conn, pragma.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    return Failed(conn, "set the checkpointer's pragmas on " + path);
  }
  if (sqlite3_exec(writer, "PRAGMA wal_autocheckpoint=0", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return Failed(writer, "hand checkpoints over on " + path);
  }
  sqlite3_wal_hook(writer, WalHook, c.get());
  c->thread_ = std::thread([p = c.get()] { p->Run(); });
  return c;
}

WalCheckpointer::~WalCheckpointer() {
  sqlite3_wal_hook(writer_, nullptr, nullptr);
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  sqlite3_close_v2(conn_);
}

void WalCheckpointer::Notify(int wal_frames) {
  if (wal_frames < frames_) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    wanted_ = true;
  }
  cv_.notify_one();
}

void WalCheckpointer::Run() {
  pthread_setname_np(pthread_self(), "wal-checkpoint");  // as top -H and perf show it
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return wanted_ || stopping_; });
      if (stopping_) return;
      wanted_ = false;
    }
    // Errors (SQLITE_BUSY while another checkpoint runs) only mean "try on the next
    // notification"; the WAL keeps every committed transaction meanwhile.
    (void)sqlite3_wal_checkpoint_v2(conn_, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  }
}

}  // namespace entente
