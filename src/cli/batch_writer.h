// BatchWriter: stores batches of objects on a background thread, so that `entente
// ingest` parses and validates the next batch while the store writes the last one.
//
// At most one batch waits behind the one being written (memory stays bounded at two
// batches). The first store error stops the writer: later Submit calls and Finish return
// it, and nothing after the failed batch is written. Submit and Finish are called from
// one thread; the counters are read after Finish.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "entente/status.h"
#include "store/store.h"

namespace entente::cli {

class BatchWriter {
 public:
  BatchWriter(store::Store& store, std::string collection_id);
  ~BatchWriter();  // waits for the writes in flight
  BatchWriter(const BatchWriter&) = delete;
  BatchWriter& operator=(const BatchWriter&) = delete;

  // Queues `batch`; blocks while another batch is already waiting.
  Status Submit(std::vector<store::NewObject> batch);
  // Waits until every submitted batch is written (or the first error).
  Status Finish();

  int64_t added() const { return added_; }
  int64_t duplicate() const { return duplicate_; }

 private:
  void Run();

  store::Store& store_;
  const std::string collection_id_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<std::vector<store::NewObject>> queued_;  // guarded by mu_
  bool writing_ = false;                                 // guarded by mu_
  bool closing_ = false;                                 // guarded by mu_
  Status error_;                                         // guarded by mu_
  int64_t added_ = 0, duplicate_ = 0;                    // written by the thread
  std::thread thread_;
};

}  // namespace entente::cli
