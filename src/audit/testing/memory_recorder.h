// A Recorder that keeps entries in memory, for tests of the paths that record: what they
// recorded, in order, and a switch to make Record fail (to test that the write fails).
//
// Safe for concurrent use (one mutex).
#pragma once

#include <mutex>
#include <vector>

#include "audit/recorder.h"

namespace entente::audit::testing {

class MemoryRecorder final : public Recorder {
 public:
  Status Record(std::span<const Entry> entries) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!fail_.ok()) return fail_;
    for (const Entry& e : entries) {
      auto text = EncodeEntry({0, 0, e});
      if (!text.ok()) return text.status();
    }
    entries_.insert(entries_.end(), entries.begin(), entries.end());
    return Status::Ok();
  }
  // Every later Record returns `status` (Status::Ok() to succeed again).
  void FailWith(Status status) {
    std::lock_guard<std::mutex> lock(mu_);
    fail_ = std::move(status);
  }
  std::vector<Entry> entries() const {
    std::lock_guard<std::mutex> lock(mu_);
    return entries_;
  }

 private:
  mutable std::mutex mu_;
  Status fail_;
  std::vector<Entry> entries_;
};

}  // namespace entente::audit::testing
