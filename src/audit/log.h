// The node's append-only record: entries (entry.h) in their own SQLite file (by
// convention DATA/audit.db, WAL), the hashes of every complete subtree of their RFC 9162
// Merkle tree (merkle.h), and the signed tree heads (head.h) made of it.
//
// Thread-safety: an AuditLog is safe for concurrent use; one mutex serialises every call
// (appends are one SQLite transaction each, reads are short). Several processes may
// append to one file (`entente serve` and the CLI): each append reads the stored tree's
// size under SQLite's write lock and continues from there. Size() and the proofs see
// what this object last appended or opened.
//
// Failure: Append writes all of its entries or none. When it returns an error the caller
// must fail the write the entries record (nothing happens unrecorded).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "audit/entry.h"
#include "audit/head.h"
#include "audit/merkle.h"
#include "audit/node_key.h"
#include "audit/stored_batch.h"
#include "common/env.h"
#include "entente/status.h"

namespace entente::audit {

struct LogOptions {
  Clock* clock = &SystemClock();
  // PRAGMA synchronous: "FULL" (default: an append survives power loss once it returns),
  // "NORMAL" or "OFF" (benchmarks, tests).
  std::string synchronous = "FULL";
  // How long an append waits for another writer of the file before it fails.
  int busy_timeout_ms = 5000;
};

// Which entries List returns (every condition given must hold), in index order.
struct EntryFilter {
  std::string subject;            // EntrySubject equals this (an object id, a peer, …)
  std::optional<EntryKind> kind;  // this kind only
  std::string organisation;       // EntryOrganisations holds this
  std::string peer;               // EntryPeers holds this
  int64_t since_us = 0;           // appended at or after
  uint64_t after_index = 0;       // index >= this
  size_t limit = 0;               // at most this many (0: no limit)
};

// A row of the entries table as stored, for verification: nothing parsed or checked.
struct RawEntry {
  uint64_t index = 0;
  int64_t time_us = 0;
  std::string kind;
  std::string subject;
  std::string text;  // the entry's canonical JSON, whose leaf hash the tree holds
};

// An item of an objects-stored entry with its proof to the entry's items_root.
struct StoredVersionProof {
  uint64_t entry_index = 0;
  uint64_t item_index = 0;
  uint64_t item_count = 0;
  std::string item;  // the item's text (stored_batch.h), as asked for
  std::vector<Hash> proof;
};

class AuditLog {
 public:
  // Opens the record at `path`, creating the file and its tables when absent.
  static Result<std::unique_ptr<AuditLog>> Open(const std::string& path, LogOptions options = {});
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Appends `entries` in one transaction, each with the next index and the clock's time;
  // returns the index of the first. `items[i]` are the items' leaves (stored_batch.h) of
  // entries[i] when it is an objects-stored entry, kept beside it (empty for the other
  // kinds; `items` may be empty when no entry is objects-stored); Append sets such an
  // entry's `count` and `items_root` from them. invalid-argument (nothing written)
  // when an entry cannot be encoded (e.g. it carries a token secret) or an objects-stored
  // entry has no items list; io-error when it cannot be written.
  Result<uint64_t> Append(std::span<const Entry> entries, std::span<const ItemLeaves> items = {});

  uint64_t Size();
  // MTH of the first `size` entries (size <= Size()).
  Result<Hash> Root(uint64_t size);
  Result<std::vector<Hash>> InclusionProof(uint64_t index, uint64_t size);
  Result<std::vector<Hash>> ConsistencyProof(uint64_t size1, uint64_t size2);

  Result<std::vector<RecordedEntry>> List(const EntryFilter& filter);

  // The item leaves kept with objects-stored entry `index` (not-found when none), as
  // stored: nothing is checked (`log verify` checks them against the entry).
  Result<std::vector<Hash>> BatchLeaves(uint64_t index);
  // Where `item` (stored_batch.h ItemOfStoredJson: the item of a version as the store
  // holds it) is among the batches that the store added to `collection` around
  // `added_us` (the version's date_added), in entries below `size`, each with its proof
  // to its entry's items_root. Usually one; empty when no batch of the record holds that
  // item (never stored while the record was written, or the stored version changed).
  Result<std::vector<StoredVersionProof>> FindStored(std::string_view collection,
                                                     std::string_view item, int64_t added_us,
                                                     uint64_t size);

  // Signs the head of the whole log now with `key`, stores it and returns it. Its time
  // is the clock's, or one microsecond after the last head's if the clock is behind.
  // permission-denied when this log's heads were signed by another key (the key file
  // was swapped): `log verify` says more.
  Result<SignedHead> SignHead(const NodeKey& key);
  // Every stored head, oldest first, with its sequence number (1, 2, …).
  Result<std::vector<std::pair<int64_t, SignedHead>>> Heads();
  // The newest stored head (the highest sequence number), nullopt when none was signed.
  Result<std::optional<SignedHead>> LatestHead();
  // The public key this log's heads are signed with, once one was signed.
  Result<std::optional<PublicKey>> LogKey();

  // For verification: up to `limit` rows of the entries table with index >= `from`, in
  // index order, as stored; and the stored node (level, index), not-found when absent.
  Result<std::vector<RawEntry>> RawEntries(uint64_t from, size_t limit);
  Result<Hash> StoredNode(unsigned level, uint64_t index);
  // How many leaves (level-0 nodes) the stored tree holds.
  Result<uint64_t> StoredLeaves();

 private:
  class Impl;
  explicit AuditLog(std::unique_ptr<Impl> impl);
  Result<SignedHead> SignHeadLocked(const NodeKey& key);  // in SignHead's transaction
  std::mutex mu_;
  std::unique_ptr<Impl> impl_;  // guarded by mu_
};

}  // namespace entente::audit
