#include "cli/batch_writer.h"

#include <pthread.h>

#include <utility>

namespace entente::cli {

BatchWriter::BatchWriter(store::Store& store, std::string collection_id,
                         size_t objects_per_transaction)
    : store_(store),
      collection_id_(std::move(collection_id)),
      objects_per_transaction_(objects_per_transaction),
      thread_([this] { Run(); }) {}

BatchWriter::~BatchWriter() { (void)Finish(); }

Status BatchWriter::Submit(std::vector<store::NewObject> batch,
                           std::vector<store::NewObject>* spent) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return !queued_.has_value() || !error_.ok(); });
  if (!error_.ok()) return error_;
  queued_ = std::move(batch);
  if (spent != nullptr) {
    spent->clear();
    spent->swap(spent_);
  }
  cv_.notify_all();
  return Status::Ok();
}

Status BatchWriter::Finish() {
  {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return (!queued_.has_value() && !writing_) || !error_.ok(); });
    closing_ = true;
    cv_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
  std::lock_guard<std::mutex> lock(mu_);
  spent_.clear();
  return error_;
}

void BatchWriter::Run() {
  pthread_setname_np(pthread_self(), "ingest-writer");  // as top -H and perf show it
  for (;;) {
    std::vector<store::NewObject> batch;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return queued_.has_value() || closing_; });
      if (!queued_.has_value()) {  // closing, nothing left (and nothing uncommitted)
        bulk_.reset();
        return;
      }
      batch = std::move(*queued_);
      queued_.reset();
      writing_ = true;
      cv_.notify_all();  // a producer may queue the next batch now
    }
    Status written = Write(batch);
    std::lock_guard<std::mutex> lock(mu_);
    writing_ = false;
    if (spent_.empty()) spent_ = std::move(batch);  // for the producer to free
    if (!written.ok()) {
      bulk_.reset();  // discards what was not committed
      error_ = written;
      queued_.reset();
      cv_.notify_all();
      return;
    }
    cv_.notify_all();
  }
}

Status BatchWriter::Write(const std::vector<store::NewObject>& batch) {
  if (bulk_ == nullptr) {
    auto bulk = store_.BeginBulkAdd(collection_id_);
    if (!bulk.ok()) return bulk.status();
    bulk_ = std::move(bulk).value();
  }
  auto results = bulk_->Add(batch);
  if (!results.ok()) return results.status();
  for (const auto& r : *results) {
    ++(r.outcome == store::AddOutcome::kAdded       ? pending_added_
       : r.outcome == store::AddOutcome::kDuplicate ? pending_duplicate_
                                                    : pending_not_owner_);
    if (!r.overridden_owner.empty()) ++pending_overridden_;
  }
  in_transaction_ += batch.size();
  bool waiting;
  {
    std::lock_guard<std::mutex> lock(mu_);
    waiting = queued_.has_value();
  }
  if (waiting && in_transaction_ < objects_per_transaction_) return Status::Ok();
  ENTENTE_RETURN_IF_ERROR(bulk_->Commit());
  added_ += pending_added_;
  duplicate_ += pending_duplicate_;
  not_owner_ += pending_not_owner_;
  overridden_ += pending_overridden_;
  pending_added_ = pending_duplicate_ = pending_not_owner_ = pending_overridden_ = 0;
  in_transaction_ = 0;
  return Status::Ok();
}

}  // namespace entente::cli
