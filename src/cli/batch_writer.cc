#include "cli/batch_writer.h"

#include <pthread.h>

#include <utility>

namespace entente::cli {

BatchWriter::BatchWriter(store::Store& store, std::string collection_id)
    : store_(store), collection_id_(std::move(collection_id)), thread_([this] { Run(); }) {}

BatchWriter::~BatchWriter() { (void)Finish(); }

Status BatchWriter::Submit(std::vector<store::NewObject> batch) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return !queued_.has_value() || !error_.ok(); });
  if (!error_.ok()) return error_;
  queued_ = std::move(batch);
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
  return error_;
}

void BatchWriter::Run() {
  pthread_setname_np(pthread_self(), "ingest-writer");  // as top -H and perf show it
  for (;;) {
    std::vector<store::NewObject> batch;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return queued_.has_value() || closing_; });
      if (!queued_.has_value()) return;  // closing, nothing left
      batch = std::move(*queued_);
      queued_.reset();
      writing_ = true;
      cv_.notify_all();  // a producer may queue the next batch now
    }
    auto results = store_.AddObjects(collection_id_, batch);
    std::lock_guard<std::mutex> lock(mu_);
    writing_ = false;
    if (!results.ok()) {
      error_ = results.status();
      queued_.reset();
      cv_.notify_all();
      return;
    }
    for (const auto& r : *results) {
      if (r.outcome == store::AddOutcome::kAdded) {
        ++added_;
      } else {
        ++duplicate_;
      }
    }
    cv_.notify_all();
  }
}

}  // namespace entente::cli
