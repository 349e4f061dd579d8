// federation/peer_sync: one sync round with one peer — pull, then push.
//
// Pull (per --pull link): GET the remote collection's objects, every version
// (match[version]=all), page by page from the checkpoint (added_after = last
// X-TAXII-Date-Added-Last, or the saved `next` cursor),
// at most `quota` objects per round. Every received object goes through the one way in
// (admission::Admission, as an object from this peer: the MUST rules, size and depth
// limits, and policy::DecideIngress) and is refused — logged and counted, never stored —
// when it is invalid, when its created_by_ref names an organisation that does not live
// on that peer, or when it claims to be made by an organisation of this node (forged
// provenance; a version this node already holds counts as a duplicate). Admitted
// objects are labelled (the local collection's default TLP, owned by
// policy::OwnerForPeer) and stored with their provenance (this peer) by
// Store::AddObjects, in one transaction (a version already held is not stored again),
// every commit_every objects and at the end of the round. The checkpoint advances only
// after the store has committed.
//
// Push (per --push link): scan the local collection from the push checkpoint (every
// version, in date_added order), prepare each version for the peer (federation/egress:
// its provenance path and policy::DecideEgress), POST what may leave in envelopes of at most
// page_size objects, and advance the checkpoint once the peer has answered with a complete status
// resource (a "pending" one is polled until it completes), recording which versions the peer
// acknowledged (FederationState::CommitPush, every commit_every objects and at the end of the
// round: a crash in between sends those pages again, and the peer has them already). Objects that
// came from this peer (provenance, or owned by the peer's local organisation) never go back to it,
// and objects that reached this node in hop_limit transfers or more go no further. Each envelope
// carries, beside its objects, the provenance of each one (TAXII 2.1 §7.1 custom property
// "x_entente_provenance": [{"id", "version", "path"}], see taxii/provenance.h), which an entente
// peer records with what it stores and any other TAXII server ignores.
//
// Deletions (per --push link, after the objects): read the local collection's
// tombstones from the push link's tombstone checkpoint and, for each deleted version
// the peer acknowledged, send DELETE …/objects/{id}/?match[version]=… (under the id
// the peer holds it by). A version deleted and then stored again here is not deleted
// there. A peer that never received the version is not asked; one that answers 404
// already lacks it. The checkpoint advances as the peer answers, so a deletion is
// sent once (again only if a crash falls between the answer and the commit).
//
// Within a round the next page is fetched (pull) or read and gated (push) on a helper
// thread while the current one is stored or sent, so the two nodes work at the same
// time; checkpoints still move strictly in order, after the store or the peer answered.
//
// Every wait (the polls of a pending status) goes through the Clock. A PeerSyncer is used
// by one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "audit/log.h"
#include "common/env.h"
#include "entente/status.h"
#include "federation/peer.h"
#include "stix/stix.h"
#include "store/federation_state.h"
#include "store/store.h"
#include "taxii/client.h"

namespace entente::federation {

struct SyncLimits {
  size_t page_size = 1000;                     // objects per GET page and per POST envelope
  size_t max_object_bytes = 10 * 1024 * 1024;  // one serialized object
  size_t max_envelope_bytes = 1024 * 1024;     // one POST body (halved on 413)
  stix::ValidateOptions validate;
  // How long a pushed envelope the peer answered "pending" is awaited (its status
  // polled) before the round fails and the envelope is sent again later.
  int64_t pending_wait_ms = 60'000;
  // Pull stores checked objects, and push records acknowledged versions, with the
  // checkpoint at least this often (in objects) and at the end of every round.
  size_t commit_every = 10'000;
  // The node's record (audit/log.h): every version a push reads is recorded as an
  // egress-decision (sent, redacted, hashed or withheld, with the gate's reason) in one
  // append per page, before anything of the page leaves; when the record cannot be
  // written the page is not sent and the round fails. Null: not recorded.
  std::shared_ptr<audit::AuditLog> record;
};

struct RoundReport {
  int64_t pulled = 0;      // new versions stored
  int64_t duplicates = 0;  // versions received that were already held
  int64_t refused = 0;     // received and refused
  int64_t pushed = 0;      // sent and acknowledged
  int64_t withheld = 0;    // kept from the peer by the gate
  int64_t rejected_by_peer = 0;
  int64_t deleted = 0;  // deletions sent to the peer and acknowledged (200 or 404)
  // The quota ran out in a direction: more may be waiting, start the next round at once.
  bool more = false;
  int64_t lag_us = -1;  // now - date_added on the peer of the newest object pulled; -1 none
};

using LogFn = std::function<void(const std::string& line)>;

class PeerSyncer {
 public:
  // `local_node` is this node's name (the origin recorded for objects made here).
  PeerSyncer(store::Store& store, store::FederationState& peers, std::string local_node, Peer peer,
             SyncLimits limits, std::unique_ptr<taxii::TaxiiClient> client, LogFn log,
             Clock& clock = SystemClock());

  // Runs one round; the report counts what was done even when an error stopped it.
  Status RunRound(RoundReport* report);

  const Peer& peer() const { return peer_; }

 private:
  Status Pull(const CollectionLink& link, int64_t* budget, RoundReport* report);
  Status Push(const CollectionLink& link, int64_t* budget, RoundReport* report);
  Status PushDeletions(const CollectionLink& link, int64_t* budget, RoundReport* report);
  // One object about to leave: its JSON as sent, and the version the peer will hold.
  struct Outgoing {
    std::string json;
    PushedVersion version;
    std::vector<std::string> path;  // its provenance as it leaves, origin first, this node last
    bool acknowledged = false;
  };
  // One page of the push scan after the gate: what leaves, and how far the scan got.
  struct PushPage {
    std::vector<Outgoing> outgoing;
    size_t rows = 0;  // versions read (sent or withheld)
    int64_t last_date_added_us = 0;
    int64_t withheld = 0;
  };
  // Reads up to `want` versions added after `after_us` and asks the gate about each.
  // Runs on a helper thread while the previous page is sent: it touches only the
  // stores (safe for concurrent use) and the log.
  Result<PushPage> PreparePushPage(const CollectionLink& link, int64_t after_us, size_t want,
                                   const policy::PeerProfile& profile,
                                   const std::vector<Peer>& all_peers);
  // POSTs objects[begin, end) as one envelope and marks what the peer accepted; on 413
  // halves it, and skips (logging) an object the peer refuses as too large on its own.
  Status SendObjects(const std::string& remote, std::vector<Outgoing>& objects, size_t begin,
                     size_t end, RoundReport* report);
  // Polls the peer's status resource until it is complete (or pending_wait_ms passes).
  Result<taxii::StatusResource> AwaitStatus(const std::string& status_id);
  // True if this exact version is already stored in `collection`; the store's error when
  // it cannot tell.
  Result<bool> HeldLocally(const std::string& collection, const stix::ObjectKey& key);
  void Log(const std::string& line);

  store::Store& store_;
  store::FederationState& peers_;
  std::string local_node_;
  Peer peer_;
  SyncLimits limits_;
  std::unique_ptr<taxii::TaxiiClient> client_;
  LogFn log_;
  Clock& clock_;
  std::vector<std::string> local_identities_;  // identity ids of this node's organisations
};

}  // namespace entente::federation
