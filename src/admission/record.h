// admission/record: the node's record (audit/) told of every write that matters by the
// store itself, so that no way in can store, delete or reconfigure without an entry.
//
// StoreRecorder is the store's WriteObserver (store/write_observer.h): inside each write
// transaction, before the store commits, it appends the write's entries to the record in
// one append (one record transaction per store batch, not per object), and an append
// that fails fails the store's write, which then rolls back. Entries:
//   - objects-stored, one per submitter and channel of the batch (audit/stored_batch.h),
//     listing each version the batch actually added (not duplicates, not refused
//     versions) with the SHA-256 of its canonical JSON (NewObject::sha256 as admission
//     computed it; computed here from the stored text when empty), its submitter and
//     channel as admission set them (NewObject::submitter/channel; a version that did not
//     come through admission is recorded as "local", submitted by its owner);
//   - deletion for each version deleted, by store::ActingFor::Current();
//   - organisation-change, token-change (by public token id: the store never hands the
//     observer a secret, and the record refuses anything shaped like one), grant-change
//     for a collection's grants, peer-change, and sovereignty-change when a peer's rules
//     are set, each by store::ActingFor::Current().
// The order and its one window (record committed, store not: an entry for a write that
// then did not happen, never the reverse) are in docs/record.md.
//
// Safe for concurrent use (the AuditLog serialises appends). The recorder shares the
// log; the log outlives every store it observes.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "admission/admission.h"
#include "audit/log.h"
#include "store/write_observer.h"

namespace entente::admission {

// SHA-256 of `data` as 64 lower-case hex digits (common/env.h Sha256Hex's answer), through
// OpenSSL, whose SHA-256 uses the processor's SHA extensions where it has them: every
// admitted object is hashed on the ingest path.
std::string ObjectSha256Hex(std::string_view data);

// Fills `object`'s sha256 (of its json, which admission makes canonical) and record_leaf
// (the leaf hash of its item); on an item that cannot be encoded, leaves record_leaf
// empty (the recorder then makes the item, and fails the write with the reason).
void PrepareRecordItem(store::NewObject* object);

// The restricted-read entry of a read of `row` by `reader` (with token `token_id`, "" for
// the local operator) through `via` ("taxii", "export", …) when the version is AMBER,
// AMBER+STRICT or RED; nullopt for CLEAR and GREEN, whose reads are not recorded.
std::optional<audit::Entry> RestrictedReadOf(const store::ObjectRow& row, std::string reader,
                                             std::string token_id, std::string via);

// The record's name of a submitter's channel ("client", "peer", "sensor", "local").
std::string_view RecordChannelName(const Submitter& submitter);

class StoreRecorder final : public store::WriteObserver {
 public:
  explicit StoreRecorder(std::shared_ptr<audit::AuditLog> log) : log_(std::move(log)) {}

  Status ObjectsAdded(std::string_view collection_id, const std::vector<store::NewObject>& objects,
                      const std::vector<store::AddResult>& results) override;
  Status VersionsDeleted(std::string_view collection_id, std::string_view id,
                         const std::vector<std::string>& removed,
                         std::string_view owner_org) override;
  Status ConfigChanged(const store::ConfigChange& change) override;

  audit::AuditLog& log() { return *log_; }

 private:
  // Appends `entries` (nothing when empty); an error names the record so the failed write
  // says why it failed.
  Status AppendAll(const std::vector<audit::Entry>& entries);

  std::shared_ptr<audit::AuditLog> log_;
};

// The recorder's error for a write the record refused: unavailable, "the node's record
// cannot be written (...); nothing was changed". What callers show to a TAXII client is
// the HTTP layer's generic text for the code, never the path of the file.
Status RecordUnavailable(const Status& cause);

}  // namespace entente::admission
