#include "store/checkpointer.h"

#include <pthread.h>

#include <algorithm>

namespace entente::store {
namespace {

int WalHook(void* arg, sqlite3* db, const char* schema, int frames) {
  auto* c = static_cast<Checkpointer*>(arg);
  c->Notify(frames);
  if (frames >= c->writer_frames()) {
    // Copy what the background passes have not, so that the next transaction can
    // start the log again from its beginning (SQLITE_BUSY while the checkpointer runs:
    // the next commit tries again).
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
  auto page_size = writer.PragmaInt("page_size");
  if (!page_size.ok()) return page_size.status();
  std::unique_ptr<Checkpointer> c(new Checkpointer(
      std::move(conn).value(), writer.db(), static_cast<int>(std::max<int64_t>(*page_size, 512))));
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

void Checkpointer::Notify(int wal_frames) {
  if (wal_frames < frames_) return;
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
