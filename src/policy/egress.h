// policy/egress: what may leave this node for one peer, and in what form.
//
// The same gate as the read path (policy.h), applied to a peer node instead of a local
// organisation, plus the sovereignty rules that apply to the peer's jurisdiction:
//
//   CLEAR         sent
//   GREEN         sent if the peer hosts a trust community the object is shared with;
//                 a GREEN object that names no community stays on this node
//   AMBER(+STRICT) sent if a named recipient organisation lives on the peer
//   RED           never forwarded by federation
//
// (This is policy/audience.h's one table, which the read gate asks too.)
// An object is never sent to a node it came from or passed through (provenance), nor
// relayed further than the peer's hop limit allows; together these stop loops and bound
// how far a relay carries what it received. Parts under granular markings the peer may not
// receive are then taken out (granular.h, by the same table per part; an object that would
// be left invalid, or that hides what decides its sharing, is withheld), and each removed
// part is listed in `changes`. Sovereignty rules then withhold an object type, redact
// properties, or replace values with keyed hashes (HMAC-SHA-256 under a key the two
// jurisdictions share), so that both sides can still find the same observable without
// disclosing it. When a value is hashed, the object's id (which for SCOs is derived from
// that value) and every reference to a hashed object are replaced with an id derived
// from the same keyed hash, so references stay consistent across objects. An object
// the rules changed must still be valid STIX (the peer validates what it receives): one
// whose required property was redacted is withheld instead.
//
// Nothing is transformed twice: a value that already is a keyed hash (IsKeyedHash) is
// not hashed again, and an id or reference that already is a keyed id (IsKeyedId) is
// not keyed again, whatever key made it. So a keyed copy that travels on (a relay, a
// ring) leaves every node as it arrived, and the gate is idempotent: deciding again on
// what it let out changes nothing more.
//
// Pure functions, safe for concurrent use.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "policy/policy.h"

namespace entente::policy {

enum class SovereigntyAction { kWithhold, kRedact, kKeyedHash };

// "withhold", "redact", "hash"; ParseSovereigntyAction accepts the same names.
std::string_view SovereigntyActionName(SovereigntyAction action);
bool ParseSovereigntyAction(std::string_view name, SovereigntyAction* out);

struct SovereigntyRule {
  std::string object_type;  // e.g. "email-addr", "user-account"; "*" matches every type
  std::string property;     // top-level property, e.g. "value"; "" = the whole object
  SovereigntyAction action = SovereigntyAction::kWithhold;
};

// How many node-to-node transfers a relayed object may have made before this node
// forwards it no further, unless the peer is configured otherwise (docs/federation.md).
inline constexpr int kDefaultHopLimit = 8;

// What this node knows about a peer when deciding egress.
struct PeerProfile {
  std::string node_name;                 // the peer node's name (as in provenance)
  std::string jurisdiction;              // ISO 3166-1 alpha-2
  std::vector<std::string> communities;  // trust communities present on the peer
  std::vector<std::string> recipients;   // identity ids of organisations living there
  std::vector<SovereigntyRule> rules;    // applied in order
  std::string hash_key;                  // secret for kKeyedHash; required if any rule hashes
  // An object that reached this node after this many transfers (or more) is not sent to
  // the peer; objects made here (0 transfers) always may be. At least 1.
  int hop_limit = kDefaultHopLimit;
};

struct EgressDecision {
  bool send = false;
  std::string reason;  // why it is withheld, or "" when sent unchanged
  // When sent: the row of the TLP table that lets it leave for the peer, e.g.
  // "TLP:AMBER: named recipient identity--… lives on cert-de" (what the node's record
  // keeps as the reason of a `sent` decision).
  std::string allowed_by;
  boost::json::object object;  // the object as it may leave (when send)
  std::vector<std::string>
      changes;  // parts removed, then what sovereignty changed ("value: hashed")
};

// Decides whether `obj` (labelled `labels`, having travelled through the nodes in
// `provenance`, origin first, in `hops` node-to-node transfers; 0 when made here) may be
// sent to `peer`, and in what form. Provenance comes first, then the hop limit, then
// TLP and audience, then granular markings, then the sovereignty rules.
EgressDecision DecideEgress(const PeerProfile& peer, const Labels& labels,
                            const boost::json::object& obj,
                            const std::vector<std::string>& provenance, int hops = 0);

// The keyed hash of a value as it leaves: "hmac-sha256:" + 64 lower-case hex digits.
std::string KeyedHash(std::string_view key, std::string_view value);

// True if `value` has the form KeyedHash gives: "hmac-sha256:" + 64 lower-case hex.
bool IsKeyedHash(std::string_view value);

// The id a keyed copy of object `id` gets under `key`: the same type, and a UUID (version
// 4 layout) taken from the keyed hash of `id`, whose last 4 bytes are a check over the
// first 12 that anyone can verify without the key (IsKeyedId), so that a keyed id is
// recognised wherever it travels (a random UUID passes the check with probability 2^-32).
std::string KeyedId(std::string_view key, std::string_view id);

// True if `id` is "TYPE--UUID" whose UUID KeyedId could have made (under any key).
bool IsKeyedId(std::string_view id);

}  // namespace entente::policy
