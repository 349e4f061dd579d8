// Recorder: how the node's write paths (admission, egress, deletion, organisation and
// token changes, reads of AMBER and RED objects, cases, intake, hotline) put what they do
// into the record. One interface so that the paths do not know where the record lives,
// and tests and benchmarks can substitute one (MemoryRecorder in audit/testing/, a
// NullRecorder for "the record off").
//
// Contract for a caller:
//   1. Build the entries of a change before making it visible, and call Record with all
//      of them (one call per batch: they are appended as one unit, in order).
//   2. If Record fails, do not make the change: fail the write with Record's status
//      (nothing happens unrecorded; the record never blocks silently).
//   3. If the change then fails after Record succeeded, the record shows an attempt
//      that did not happen; record the failure if it matters (a later entry). The
//      record errs toward saying too much, never too little.
// Implementations are safe for concurrent use; Record may block on disk I/O (one
// transaction) and must not be called with a lock held that the record's reader needs.
#pragma once

#include <span>

#include "audit/entry.h"
#include "audit/log.h"
#include "entente/status.h"

namespace entente::audit {

class Recorder {
 public:
  virtual ~Recorder() = default;
  // Appends `entries` as one unit. invalid-argument when an entry cannot enter the
  // record (e.g. it carries a secret: a bug of the caller); io-error when it cannot be
  // written. On any error nothing of `entries` is recorded.
  virtual Status Record(std::span<const Entry> entries) = 0;
};

// Records into an AuditLog, which must outlive it.
class LogRecorder final : public Recorder {
 public:
  explicit LogRecorder(AuditLog& log) : log_(log) {}
  Status Record(std::span<const Entry> entries) override { return log_.Append(entries).status(); }

 private:
  AuditLog& log_;
};

// Records nothing: for measuring what the record costs, and for tools that run without
// one. Still refuses what could not enter the record, so that a path tested with it
// does not break when the record is on.
class NullRecorder final : public Recorder {
 public:
  Status Record(std::span<const Entry> entries) override {
    for (const Entry& e : entries) {
      auto text = EncodeEntry({0, 0, e});
      if (!text.ok()) return text.status();
    }
    return Status::Ok();
  }
};

}  // namespace entente::audit
