// federation/peer_store: the federation state kept in the node's SQLite file.
//
// Tables of their own (prefix fed_) in DIR/entente.db, on a separate sqlite3
// connection (WAL, busy_timeout): the configured peers, per-peer per-collection
// checkpoints, the provenance of object versions that came from peers, which versions
// each peer acknowledged (so that their deletions follow them), and per-peer status. Bound
// parameters only. Opening the store makes the file mode 0600 because peer tokens are kept there as
// given.
//
// A PeerStore is safe for concurrent use (one mutex around its connection).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "entente/status.h"
#include "federation/peer.h"

struct sqlite3;

namespace entente::federation {

enum class Direction { kPull, kPush };

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
  // last local tombstone handled (store::Tombstone::seq).
  int64_t pushed_until_us = 0;
  int64_t tombstones_until = 0;
};

// One version a peer acknowledged, as the peer holds it.
struct PushedVersion {
  std::string id;
  std::string version;
  std::string remote_id;  // the id it has on the peer when sovereignty changed it; else ""
};

// Where an object version came from: the origin node first, then the nodes it passed
// through to reach this one.
struct Provenance {
  std::string origin;
  std::vector<std::string> path;  // includes origin as its first element
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

class PeerStore {
 public:
  // Opens `db_path` (created if missing) and creates the fed_ tables.
  static Result<std::unique_ptr<PeerStore>> Open(const std::string& db_path);
  ~PeerStore();
  PeerStore(const PeerStore&) = delete;
  PeerStore& operator=(const PeerStore&) = delete;

  // Peers. AddPeer fails with already-exists for a known name; PutPeer replaces.
  Status AddPeer(const Peer& peer);
  Status PutPeer(const Peer& peer);
  Result<Peer> GetPeer(std::string_view name);
  Result<std::vector<Peer>> ListPeers();
  // Removes the peer, its checkpoints and status (provenance stays: it is history).
  Status RemovePeer(std::string_view name);

  Result<Checkpoint> GetCheckpoint(std::string_view peer, Direction dir,
                                   const CollectionLink& link);
  Status PutCheckpoint(std::string_view peer, Direction dir, const CollectionLink& link,
                       const Checkpoint& cp);

  // Moves a push checkpoint and records the versions the peer just acknowledged, in one
  // transaction (a crash leaves neither or both).
  Status CommitPush(std::string_view peer, const CollectionLink& link, const Checkpoint& cp,
                    const std::vector<PushedVersion>& pushed);
  // The id under which version (id, version) of link.local was acknowledged by the peer
  // in link.remote, or nullopt when it never was (or its deletion was already sent).
  Result<std::optional<std::string>> PushedAs(std::string_view peer, const CollectionLink& link,
                                              std::string_view id, std::string_view version);
  // Moves a push checkpoint past tombstones handled and forgets the pushed versions
  // (id, version) the peer deleted, in one transaction.
  Status CommitDeletions(std::string_view peer, const CollectionLink& link, const Checkpoint& cp,
                         const std::vector<std::pair<std::string, std::string>>& deleted);
  // The 64-bit key fed_pushed and fed_provenance_v2 use for a version (the first 8 bytes
  // of SHA-256 of "id\nversion"; a collision would only send one needless DELETE, and
  // provenance lookups compare the id and version too).
  static int64_t VersionKey(std::string_view id, std::string_view version);

  // Records provenance for versions stored from a peer; an existing row is kept.
  struct ProvenanceEntry {
    std::string object_id;
    std::string version;
    Provenance provenance;
  };
  Status RecordProvenance(std::string_view collection, const std::vector<ProvenanceEntry>& entries);
  // nullopt when the version has no recorded provenance (it was made here).
  Result<std::optional<Provenance>> GetProvenance(std::string_view collection,
                                                  std::string_view object_id,
                                                  std::string_view version);
  // The same for many versions at once (one read transaction, one prepared statement):
  // the i-th result belongs to versions[i] (id, version).
  Result<std::vector<std::optional<Provenance>>> GetProvenances(
      std::string_view collection,
      const std::vector<std::pair<std::string_view, std::string_view>>& versions);

  Result<PeerStatus> GetStatus(std::string_view peer);  // zeroes when none yet
  Status PutStatus(std::string_view peer, const PeerStatus& status);

 private:
  explicit PeerStore(sqlite3* db) : db_(db) {}
  Status Exec(const char* sql);
  // Sets SQLite's automatic checkpoints on this connection to 64 MiB of log. Called by Open.
  Status SetAutoCheckpoint();
  // Moves rows of the fed_provenance table of earlier versions (keyed by the id text)
  // into fed_provenance_v2 and drops it, in one transaction. Called by Open.
  Status MigrateProvenance();
  // The caller holds mu_.
  Status PutCheckpointLocked(std::string_view peer, Direction dir, const CollectionLink& link,
                             const Checkpoint& cp);
  // The number of a push link (0 when unknown and !create). The caller holds mu_.
  Result<int64_t> LinkSeq(std::string_view peer, const CollectionLink& link, bool create);
  std::mutex mu_;
  sqlite3* db_;
};

}  // namespace entente::federation
