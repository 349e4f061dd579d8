#include "store/checkpointer.h"

#include <pthread.h>

namespace entente::store {
namespace {

int WalHook(void* arg, sqlite3* db, const char* schema, int pages) {
  static_cast<Checkpointer*>(arg)->Notify(pages);
  if (pages >= Checkpointer::kWriterPages) {
    // The background checkpoints are not keeping the WAL short (a long read, or a slow
    // disk): checkpoint here so that the WAL does not grow without bound.
    (void)sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  }
  return SQLITE_OK;
}

}  // namespace

Result<std::unique_ptr<Checkpointer>> Checkpointer::Start(const std::string& path,
                                                          Connection& writer, int busy_timeout_ms,
                                                          std::string_view synchronous) {
  auto conn = Connection::Open(path, SQLITE_OPEN_READWRITE, busy_timeout_ms, synchronous);
  if (!conn.ok()) return conn.status();
  std::unique_ptr<Checkpointer> c(new Checkpointer(std::move(conn).value(), writer.db()));
  ENTENTE_RETURN_IF_ERROR(
      writer.ExecScript("PRAGMA wal_autocheckpoint=0", "hand checkpoints over"));
  sqlite3_wal_hook(writer.db(), WalHook, c.get());
  c->thread_ = std::thread([p = c.get()] { p->Run(); });
  return c;
}

Checkpointer::~Checkpointer() {
  sqlite3_wal_hook(writer_, nullptr, nullptr);
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Checkpointer::Notify(int wal_pages) {
  if (wal_pages < kPages) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    wanted_ = true;
  }
  cv_.notify_one();
}

void Checkpointer::Run() {
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
    (void)sqlite3_wal_checkpoint_v2(conn_->db(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr,
                                    nullptr);
  }
}

}  // namespace entente::store
