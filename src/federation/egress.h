// federation/egress: the one way a stored object version is prepared to leave this node
// for a peer.
//
// Used by the push (federation/peer_sync) and by `entente peer explain`, so that what
// explain says is what a push does. For one stored version — its JSON, its labels and
// its recorded provenance — PrepareEgress builds the provenance path (origin first: the
// recorded path, else this node; an object owned by a peer's local organisation, or
// stored from a peer, also names that peer), counts the transfers it made to reach this
// node (its hops: the nodes of the path other than this one), asks policy::DecideEgress
// (loops, hop limit, TLP and audience, sovereignty) and gives the object as it would
// leave, with the provenance that travels with it (the path with this node last; a keyed
// copy carries its original's).
//
// Pure functions (the caller reads the store), safe for concurrent use; results own
// their data.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "entente/status.h"
#include "federation/peer.h"
#include "policy/egress.h"
#include "policy/policy.h"
#include "store/federation_state.h"

namespace entente::federation {

struct Egress {
  std::vector<std::string> path;  // the provenance path the gate saw, origin first
  int hops = 0;                   // node-to-node transfers it made to reach this node
  // The provenance it leaves with: `path` with this node last (what the peer records).
  std::vector<std::string> sent_path;
  policy::EgressDecision decision;  // send or withhold, why, what sovereignty changed
  std::string json;                 // decision.object as compact JSON (when sent)
  // The id the peer will hold the object by when sovereignty replaced it (a hashed
  // SCO), else "".
  std::string remote_id;
};

// Prepares the stored version `json` of object `id` (labelled `labels`, with
// `provenance` as recorded, nullopt when it was made here) to leave for the peer
// described by `profile`. `all_peers` are this node's peers (an object owned by one of
// them came from it); `local_node` is this node's name. Errors: corruption when the
// stored JSON is not an object.
Result<Egress> PrepareEgress(const policy::PeerProfile& profile, const std::vector<Peer>& all_peers,
                             const std::string& local_node, std::string_view id,
                             std::string_view json, const policy::Labels& labels,
                             const std::optional<Provenance>& provenance);

}  // namespace entente::federation
