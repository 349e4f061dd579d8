// federation/peer: the model of one peer node and the rules it is configured with.
//
// A Peer is what this node knows about another node it exchanges objects with: where
// its TAXII API root is, which collections are pulled from it and pushed to it, the
// credentials this node uses there (kept as given, because they are needed to
// authenticate; the database holding them is mode 0600), its jurisdiction, the trust
// communities present there and the organisations living there (who may receive what
// leaves, see policy/egress.h), the sovereignty rules for that jurisdiction, the key of
// keyed hashes, an optional pinned TLS certificate and a per-round quota.
//
// Plain values; the functions are pure and safe for concurrent use.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "entente/status.h"
#include "policy/egress.h"
#include "store/federation_state.h"
#include "store/store.h"
#include "taxii/provenance.h"

namespace entente::federation {

// The records federation keeps in store::FederationState (store/federation_state.h),
// under federation's names.
using CollectionLink = store::CollectionLink;
using Peer = store::Peer;
using Direction = store::SyncDirection;
using Checkpoint = store::Checkpoint;
using PushedVersion = store::PushedVersion;
using PeerStatus = store::PeerStatus;
using Provenance = store::Provenance;

// The largest hop limit a peer may be given: the longest provenance path a node accepts
// from a peer (taxii/provenance.h).
inline constexpr int64_t kMaxHopLimit = static_cast<int64_t>(taxii::kMaxProvenancePath);

// Checks names, URL, ids and rules; invalid-argument naming the field and the rule.
Status ValidatePeer(const Peer& peer);

// What policy::DecideEgress needs to know about the peer.
policy::PeerProfile ProfileOf(const Peer& peer);

// "TYPE[.PROPERTY]=withhold|redact|hash", e.g. "email-addr.value=hash", "user-account=withhold".
Result<policy::SovereigntyRule> ParseRule(std::string_view text);
using store::FormatRule;

// "FIRST[:SECOND]"; SECOND defaults to FIRST. For --pull FIRST is the remote collection,
// for --push FIRST is the local one (see docs/federation.md).
Result<CollectionLink> ParsePullLink(std::string_view text);
Result<CollectionLink> ParsePushLink(std::string_view text);

// Peer <-> JSON (as the federation state keeps it; includes the token).
using store::PeerFromJson;
using store::PeerToJson;

// Peer names: 1-64 characters from [a-z0-9._-], starting with a letter or digit.
bool IsPeerName(std::string_view name);

}  // namespace entente::federation
