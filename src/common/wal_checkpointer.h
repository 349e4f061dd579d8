// WalCheckpointer: copies an SQLite write-ahead log back into the database file on its
// own thread and connection, so that the writer never pays for checkpoints. The store
// (store/sqlite_store.h) and the node's record (audit/log.h) each run one for their file.
//
// The writer connection runs with wal_autocheckpoint off and a WAL hook that calls
// Notify() after each commit with the number of frames in the WAL; at kBytes of frames
// or more the checkpointer wakes up and runs a PASSIVE checkpoint (it never blocks the
// writer or readers; frames still needed by a reader's snapshot are copied on a later
// pass). At kWriterBytes the hook has the writer checkpoint too, as SQLite's own
// autocheckpoint would: a writer that never pauses keeps the background checkpoint
// from ever reaching the end of the log, and SQLite starts writing the log from its
// beginning again only once it has. Without this the log grows by every byte written
// (a 1M-object ingest wrote 850 MB of fresh log file, each new page costing the kernel
// a page allocation); with it the log cycles through the same, cached, file pages.
// Thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "entente/status.h"

struct sqlite3;

namespace entente {

class WalCheckpointer {
 public:
  static constexpr int64_t kBytes = int64_t{16} << 20;        // wakes the checkpointer
  static constexpr int64_t kWriterBytes = int64_t{64} << 20;  // the writer helps past this

  // Opens its own connection to `path` (PRAGMA synchronous=`synchronous`); turns SQLite's
  // own checkpoints off on `writer`, an open connection to the same file in WAL mode
  // that outlives this object, and gives it the WAL hook.
  static Result<std::unique_ptr<WalCheckpointer>> Start(const std::string& path, sqlite3* writer,
                                                        int busy_timeout_ms,
                                                        std::string_view synchronous);
  ~WalCheckpointer();  // removes the hook and stops the thread
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  // Called by the WAL hook (on the writer's thread, inside SQLite): cheap, never blocks
  // on a checkpoint.
  void Notify(int wal_frames);
  int writer_frames() const { return writer_frames_; }

 private:
  WalCheckpointer(sqlite3* conn, sqlite3* writer, int page_size)
      : conn_(conn),
        writer_(writer),
        frames_(static_cast<int>(kBytes / page_size)),
        writer_frames_(static_cast<int>(kWriterBytes / page_size)) {}
  void Run();

  sqlite3* const conn_;               // used by the thread only; closed by the destructor
  sqlite3* const writer_;             // its WAL hook points here until destruction
  const int frames_, writer_frames_;  // kBytes and kWriterBytes in frames of one page
  std::mutex mu_;
  std::condition_variable cv_;
  bool wanted_ = false;    // guarded by mu_
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace entente
