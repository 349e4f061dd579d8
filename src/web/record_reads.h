// web/record_reads.h: what the dashboard reads of the node's record (audit/, docs/record.md)
// and of what federation keeps about each peer's record and egress (docs/dashboard.md,
// "Record" and "Peers"). A companion of web/reads.h.
//
// Who sees what follows /x-entente/log (taxii/log_route.h), the record's one other door:
//   - an administrator organisation reads every entry, filtered and paged on the server;
//   - any other organisation reads only receipts (taxii/receipt.h: the entries of object
//     versions it submitted or deleted, while it may still read them), and only up to the
//     newest signed head (the live size would let it time the node's activity entry by
//     entry; the head's size is told to any authenticated caller anyway). An entry that
//     is not its receipt is skipped as if absent: nothing in the page (rows, cursor,
//     "more") depends on entries it may not read beyond what the head tells.
//   - the newest signed head goes to every signed-in organisation (as GET
//     /x-entente/log/head does).
// Peers' witness state and "withheld recently" are node configuration and go to
// administrators only; the caller (web/handler.h) checks that.
//
// Every read is bounded: a record page examines at most `budget` entries (one SQL query
// with LIMIT, AuditLog::List), a withheld list at most `budget` object versions.
// Safe for concurrent use as AuditLog, Store and FederationState are. Results own their data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "audit/entry.h"
#include "audit/head.h"
#include "audit/log.h"
#include "entente/status.h"
#include "policy/policy.h"
#include "store/federation_state.h"
#include "store/store.h"

namespace entente::web {

struct RecordQuery {
  std::string subject;  // an object id, a peer, … ("" = any)
  std::optional<audit::EntryKind> kind;
  std::string organisation;  // EntryOrganisations holds it ("" = any)
  std::string peer;          // EntryPeers holds it ("" = any)
  uint64_t from = 0;         // the first index examined (the cursor)
  size_t limit = 50;         // entries a page
  size_t budget = 2000;      // entries examined at most for one page
};

struct RecordRow {
  audit::RecordedEntry entry;
  std::string text;  // its canonical JSON (what the tree's leaf hashes)
  audit::Hash leaf_hash{};
  // RFC 9162 2.1.3 inclusion proof of the entry in the tree of the newest signed head
  // (empty, proof_size 0, for an entry the head does not cover yet): what
  // /x-entente/log/inclusion answers, so that the page's claim can be checked.
  std::vector<audit::Hash> proof;
  uint64_t proof_size = 0;
};

struct RecordPage {
  std::vector<RecordRow> rows;  // in index order
  bool more = false;            // examine on from `next_from`
  uint64_t next_from = 0;
  bool receipts_only = false;  // the reader is not an administrator
  uint64_t bound = 0;          // entries below this index were examinable (administrators: all)
  std::optional<audit::SignedHead> head;  // the newest signed head, nullopt: none yet
};

// One page of the record as organisation `org_id` (reading as `who`, an administrator
// when `admin`) may read it, each entry with its inclusion proof to the newest head.
Result<RecordPage> ReadRecord(audit::AuditLog& log, store::Store& store,
                              const policy::Requester& who, const std::string& org_id, bool admin,
                              const RecordQuery& query);

// One peer as `entente peer list` (WITNESS column) and `peer show` describe its record.
struct PeerWitness {
  store::Peer peer;
  store::PeerStatus status;
  std::string summary;  // "-" never witnessed, "ok N" newest head kept, "ALARM (k)"
  std::vector<store::WitnessedHead> heads;  // the newest few, oldest first
  std::vector<store::WitnessAlarm> alarms;  // the newest few, oldest first
  size_t alarm_count = 0;
};

// Every peer with its witness state (administrators only; the caller checks). `heads`
// and `alarms` bound what is kept of each peer.
Result<std::vector<PeerWitness>> ReadPeerWitness(store::FederationState& peers, size_t heads,
                                                 size_t alarms);

// An object version kept from a peer, and by which rule (the gate's reason).
struct WithheldRow {
  std::string collection_id;
  std::string id;
  std::string type;
  std::string version;
  int64_t date_added_us = 0;
  std::string reason;
};

struct WithheldReport {
  store::Peer peer;
  store::PeerStatus status;  // its `withheld` counter: what the pushes kept back
  // The record's egress-decision entries about the peer among the newest `budget`
  // entries (empty while the push does not record its decisions).
  std::vector<audit::RecordedEntry> recorded;
  bool record_available = false;
  // The push's decision, as the rules stand now, for the versions added to the peer's
  // push collections in the window, at most `budget` examined (those the reader may see).
  std::vector<WithheldRow> now;
  size_t examined = 0;
  bool capped = false;
  int64_t since_us = 0;
};

// "Withheld recently and by which rule" for `peer_name` (administrators only; the caller
// checks): not-found "no such peer" for an unknown one. `log` may be null (no record).
Result<WithheldReport> ReadWithheld(store::Store& store, store::FederationState& peers,
                                    audit::AuditLog* log, const policy::Requester& who,
                                    const std::string& peer_name, int64_t since_us, size_t budget);

}  // namespace entente::web
