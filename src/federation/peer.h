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

namespace entente::federation {

// One collection pair: `remote` on the peer, `local` on this node.
struct CollectionLink {
  std::string remote;
  std::string local;
  bool operator==(const CollectionLink&) const = default;
};

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
};

// Checks names, URL, ids and rules; invalid-argument naming the field and the rule.
Status ValidatePeer(const Peer& peer);

// What policy::DecideEgress needs to know about the peer.
policy::PeerProfile ProfileOf(const Peer& peer);

// "TYPE[.PROPERTY]=withhold|redact|hash", e.g. "email-addr.value=hash", "user-account=withhold".
Result<policy::SovereigntyRule> ParseRule(std::string_view text);
std::string FormatRule(const policy::SovereigntyRule& rule);

// "FIRST[:SECOND]"; SECOND defaults to FIRST. For --pull FIRST is the remote collection,
// for --push FIRST is the local one (see docs/federation.md).
Result<CollectionLink> ParsePullLink(std::string_view text);
Result<CollectionLink> ParsePushLink(std::string_view text);

// Peer <-> JSON (as stored by PeerStore; includes the token).
boost::json::object PeerToJson(const Peer& peer);
Result<Peer> PeerFromJson(const boost::json::object& obj);

// Peer names: 1-64 characters from [a-z0-9._-], starting with a letter or digit.
bool IsPeerName(std::string_view name);

}  // namespace entente::federation
