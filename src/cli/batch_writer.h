// BatchWriter: stores batches of objects on a background thread, so that `entente
// ingest` parses and validates the next batch while the store writes the last one.
//
// At most one batch waits behind the one being written (memory stays bounded at two
// batches). Consecutive batches share one transaction (Store::BeginBulkAdd) until it
// holds `objects_per_transaction` objects or no batch is waiting when one is written:
// a busy writer commits rarely, an idle one never keeps the store locked. The first
// store error stops the writer: later Submit calls and Finish return it, and nothing
// after the last commit before it is kept. Submit and Finish are called from one
// thread; the counters (committed objects only) are read after Finish.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
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
  BatchWriter(store::Store& store, std::string collection_id, size_t objects_per_transaction = 1);
  ~BatchWriter();  // waits for the writes in flight
  BatchWriter(const BatchWriter&) = delete;
  BatchWriter& operator=(const BatchWriter&) = delete;

  // Queues `batch`; blocks while another batch is already waiting. With `spent`, hands
  // back the last batch written since (or an empty one), for the caller to free or
  // reuse: objects allocated by the caller's thread are then freed by it too, so that
  // the two threads do not contend for the allocator's locks.
  Status Submit(std::vector<store::NewObject> batch,
                std::vector<store::NewObject>* spent = nullptr);
  // Waits until every submitted batch is written (or the first error).
  Status Finish();

  int64_t added() const { return added_; }
  int64_t duplicate() const { return duplicate_; }
  // Versions refused because another organisation owns their id (AddOutcome::kNotOwner),
  // and versions stored through an owner override.
  int64_t not_owner() const { return not_owner_; }
  int64_t overridden() const { return overridden_; }

 private:
  void Run();
  // Writes one batch into the open transaction (opening it first); commits when the
  // transaction is full or nothing is waiting. Returns the first store error.
  Status Write(const std::vector<store::NewObject>& batch);

  store::Store& store_;
  const std::string collection_id_;
  const size_t objects_per_transaction_;
  // Used by the thread only: the transaction and what it holds so far.
  std::unique_ptr<store::Store::BulkAdd> bulk_;
  size_t in_transaction_ = 0;
  int64_t pending_added_ = 0, pending_duplicate_ = 0, pending_not_owner_ = 0,
          pending_overridden_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<std::vector<store::NewObject>> queued_;  // guarded by mu_
  std::vector<store::NewObject> spent_;                  // guarded by mu_
  bool writing_ = false;                                 // guarded by mu_
  bool closing_ = false;                                 // guarded by mu_
  Status error_;                                         // guarded by mu_
  int64_t added_ = 0, duplicate_ = 0;                    // written by the thread
  int64_t not_owner_ = 0, overridden_ = 0;               // written by the thread
  std::thread thread_;
};

}  // namespace entente::cli
