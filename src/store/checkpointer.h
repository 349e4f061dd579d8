// Checkpointer: copies the SQLite write-ahead log back into the database file on its
// own thread and connection, so that the writer never pays for checkpoints.
//
// The writer connection runs with wal_autocheckpoint off and a WAL hook that calls
// Notify() after each commit with the number of pages in the WAL; at kPages or more the
// checkpointer wakes up and runs a PASSIVE checkpoint (it never blocks the writer or
// readers; frames still needed by a reader's snapshot are copied on a later pass).
// If the WAL reaches kWriterPages (checkpoints falling behind), the hook asks the writer
// to checkpoint itself, as SQLite's own autocheckpoint would. Thread-safe.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "store/sqlite_db.h"

namespace entente::store {

class Checkpointer {
 public:
  static constexpr int kPages = 8192;              // 32 MiB of 4 KiB pages
  static constexpr int kWriterPages = 8 * kPages;  // the writer helps past this

  // Opens its own connection to `path`; `writer` gets the WAL hook.
  static Result<std::unique_ptr<Checkpointer>> Start(const std::string& path, Connection& writer,
                                                     int busy_timeout_ms,
                                                     std::string_view synchronous);
  ~Checkpointer();  // removes the hook and stops the thread
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Called by the WAL hook (on the writer's thread, inside SQLite): cheap, never blocks
  // on a checkpoint.
  void Notify(int wal_pages);

 private:
  Checkpointer(std::unique_ptr<Connection> conn, sqlite3* writer)
      : conn_(std::move(conn)), writer_(writer) {}
  void Run();

  std::unique_ptr<Connection> conn_;  // used by the thread only
  sqlite3* const writer_;             // its WAL hook points here until destruction
  std::mutex mu_;
  std::condition_variable cv_;
  bool wanted_ = false;    // guarded by mu_
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace entente::store
