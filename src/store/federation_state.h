// store/federation_state: the federation's durable state behind one interface.
//
// A FederationState keeps what federation/ needs to survive a restart: the configured
// peers (with the credentials this node presents there, kept as given because they are
// needed to authenticate), per-peer per-collection checkpoints in both directions, the
// versions each peer acknowledged (so that their deletions follow them there), and
// per-peer status. The provenance of object versions is not here: it is stored with the
// version it describes (store.h, NewObject::provenance). The types below are plain
// values; federation/ gives them its own names (federation/peer.h) and the rules
// (federation::ValidatePeer), which callers apply before AddPeer/PutPeer.
//
// Implementations are safe for concurrent use; a call that returns OK has committed.
// OpenSqliteFederationState keeps it in the tables prefixed fed_ of the SQLite store's
// file, written through the store's single writer and transactions.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "entente/status.h"
#include "policy/egress.h"

namespace entente::store {

class Store;

// One collection pair: `remote` on the peer, `local` on this node.
struct CollectionLink {
  std::string remote;
  std::string local;
  bool operator==(const CollectionLink&) const = default;
};

// What this node knows about another node it exchanges objects with (see
// federation/peer.h for the meaning of each field and the rules they follow).
struct Peer {
  std::string name;          // this node's name for it; also its name in provenance
  std::string api_root_url;  // e.g. "https://cert.example:9440/api/"
  std::vector<CollectionLink> pull;
  std::vector<CollectionLink> push;
  std::string token;                     // Bearer token this node presents there
  std::string username;                  // when set, HTTP Basic with this user name and the token
  std::string jurisdiction;              // ISO 3166-1 alpha-2, upper case
  std::vector<std::string> communities;  // trust communities present there
  std::vector<std::string> recipients;   // identity ids of organisations living there
  std::vector<policy::SovereigntyRule> rules;
  std::string hash_key;    // key of keyed hashes ("hash" rules)
  std::string pin_sha256;  // SHA-256 of the peer's DER certificate, 64 lower-case hex
  std::string pin_pem;     // or a pinned certificate in PEM form
  std::string local_org;   // local organisation whose token the peer uses to push here
  int64_t quota = 10000;   // objects pulled and pushed per sync round, each way
  // Objects that reached this node after this many transfers (or more) are not pushed
  // to the peer (policy::PeerProfile::hop_limit).
  int64_t hop_limit = policy::kDefaultHopLimit;
  // The public key (64 lower-case hex digits, Ed25519) the peer signs its record's heads
  // with (federation/witness.h): configured, read from the peer's published identity
  // when it was added, or empty until pinned at first sight.
  std::string log_key;
  // When `entente peer add` read log_key from the peer's identity (its TAXII discovery
  // resource, taxii/node_identity.h: trust on first use), in microseconds since the
  // epoch; 0 when log_key was configured (--log-key) or is empty.
  int64_t log_key_read_us = 0;
};

enum class SyncDirection { kPull, kPush };

// Where a collection link resumes.
struct Checkpoint {
  // Pull: the last X-TAXII-Date-Added-Last seen (the next added_after), and the `next`
  // cursor of an unfinished paging, if any.
  std::string added_after;
  std::string next;
  // X-TAXII-Date-Added-Last of the newest page read through `next` (becomes added_after
  // when the paging ends).
  std::string next_last;
  // Push: date_added (microseconds) of the last local row handled, and the seq of the
  // last local tombstone handled (Tombstone::seq).
  int64_t pushed_until_us = 0;
  int64_t tombstones_until = 0;
};

// One version a peer acknowledged, as the peer holds it.
struct PushedVersion {
  std::string id;
  std::string version;
  std::string remote_id;  // the id it has on the peer when sovereignty changed it; else ""
};

// A signed head of a peer's record this node fetched and checked (federation/witness.h),
// kept as evidence: its text form (audit/head.h FormatSignedHead), its tree size and the
// public key (64 hex digits) it verified with.
struct WitnessedHead {
  int64_t seen_us = 0;
  uint64_t tree_size = 0;
  std::string head;
  std::string public_key;
};

// What a witnessing node saw that cannot be honest: two heads of a peer inconsistent
// with each other, a head that does not extend the one kept before, a changed key.
// `evidence`: the heads involved (JSON), so that anyone can check the claim.
struct WitnessAlarm {
  int64_t time_us = 0;
  std::string message;
  std::string evidence;
};

struct PeerStatus {
  int64_t last_attempt_us = 0;
  int64_t last_success_us = 0;
  int64_t lag_us = 0;  // age of the newest object pulled, at the time it was pulled
  std::string last_error;
  int64_t pulled = 0;    // objects stored from the peer (new versions)
  int64_t pushed = 0;    // objects sent and acknowledged
  int64_t withheld = 0;  // objects the gate kept from the peer
  int64_t refused = 0;   // objects received and refused
  int64_t failures = 0;  // consecutive failed rounds
  int64_t deleted = 0;   // deletions sent and acknowledged
};

class FederationState {
 public:
  virtual ~FederationState() = default;

  // Peers. AddPeer fails with already-exists for a known name; PutPeer replaces.
  virtual Status AddPeer(const Peer& peer) = 0;
  virtual Status PutPeer(const Peer& peer) = 0;
  virtual Result<Peer> GetPeer(std::string_view name) = 0;  // not-found when unknown
  virtual Result<std::vector<Peer>> ListPeers() = 0;        // by name
  // Removes the peer, its checkpoints, status and what it acknowledged (not-found when
  // unknown).
  virtual Status RemovePeer(std::string_view name) = 0;

  // An empty checkpoint when none was recorded.
  virtual Result<Checkpoint> GetCheckpoint(std::string_view peer, SyncDirection dir,
                                           const CollectionLink& link) = 0;
  virtual Status PutCheckpoint(std::string_view peer, SyncDirection dir, const CollectionLink& link,
                               const Checkpoint& cp) = 0;

  // Moves a push checkpoint and records the versions the peer just acknowledged, in one
  // transaction (a crash leaves neither or both).
  virtual Status CommitPush(std::string_view peer, const CollectionLink& link, const Checkpoint& cp,
                            const std::vector<PushedVersion>& pushed) = 0;
  // The id under which version (id, version) of link.local was acknowledged by the peer
  // in link.remote, or nullopt when it never was (or its deletion was already sent).
  virtual Result<std::optional<std::string>> PushedAs(std::string_view peer,
                                                      const CollectionLink& link,
                                                      std::string_view id,
                                                      std::string_view version) = 0;
  // Moves a push checkpoint past tombstones handled and forgets the pushed versions
  // (id, version) the peer deleted, in one transaction.
  virtual Status CommitDeletions(
      std::string_view peer, const CollectionLink& link, const Checkpoint& cp,
      const std::vector<std::pair<std::string, std::string>>& deleted) = 0;

  virtual Result<PeerStatus> GetStatus(std::string_view peer) = 0;  // zeroes when none yet
  virtual Status PutStatus(std::string_view peer, const PeerStatus& status) = 0;

  // Witnessing (federation/witness.h). Heads are kept in the order given; WitnessedHeads
  // returns the last `limit` of them when `newest`, else the first `limit` (0: all),
  // oldest first either way. Alarms: oldest first. RemovePeer forgets both.
  virtual Status KeepWitnessedHead(std::string_view peer, const WitnessedHead& head) = 0;
  virtual Result<std::vector<WitnessedHead>> WitnessedHeads(std::string_view peer, bool newest,
                                                            size_t limit) = 0;
  virtual Status RaiseWitnessAlarm(std::string_view peer, const WitnessAlarm& alarm) = 0;
  virtual Result<std::vector<WitnessAlarm>> WitnessAlarms(std::string_view peer) = 0;
};

// The federation state in the file of `store`, which must come from OpenSqliteStore
// (invalid-argument otherwise) and must outlive the result. Creates the fed_ tables
// when missing, adds the columns files from earlier releases lack, and makes the file
// mode 0600 (peer tokens are kept there as given).
Result<std::unique_ptr<FederationState>> OpenSqliteFederationState(Store& store);

// The JSON form a peer is kept in (it includes the token). PeerFromJson reads what
// PeerToJson wrote; a rule it cannot read is kCorruption.
boost::json::object PeerToJson(const Peer& peer);
Result<Peer> PeerFromJson(const boost::json::object& obj);

// A sovereignty rule as text, "TYPE[.PROPERTY]=withhold|redact|hash", and back. The
// parse checks the form only (federation::ParseRule checks names too); false when the
// text has no '=' or an unknown action.
std::string FormatRule(const policy::SovereigntyRule& rule);
bool ParseRuleText(std::string_view text, policy::SovereigntyRule* out);

}  // namespace entente::store
