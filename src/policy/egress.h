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
// An object is never sent to a node it came from or passed through (provenance), which
// is what stops loops. Sovereignty rules then withhold an object type, redact
// properties, or replace values with keyed hashes (HMAC-SHA-256 under a key the two
// jurisdictions share), so that both sides can still find the same observable without
// disclosing it. When a value is hashed, the object's id (which for SCOs is derived from
// that value) and every reference to a hashed object are replaced with an id derived
// from the same keyed hash, so references stay consistent across objects. An object
// the rules changed must still be valid STIX (the peer validates what it receives): one
// whose required property was redacted is withheld instead.
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

// What this node knows about a peer when deciding egress.
struct PeerProfile {
  std::string node_name;                 // the peer node's name (as in provenance)
  std::string jurisdiction;              // ISO 3166-1 alpha-2
  std::vector<std::string> communities;  // trust communities present on the peer
  std::vector<std::string> recipients;   // identity ids of organisations living there
  std::vector<SovereigntyRule> rules;    // applied in order
  std::string hash_key;                  // secret for kKeyedHash; required if any rule hashes
};

struct EgressDecision {
  bool send = false;
  std::string reason;                // why it is withheld, or "" when sent unchanged
  boost::json::object object;        // the object as it may leave (when send)
  std::vector<std::string> changes;  // what sovereignty changed, e.g. "value: hashed"
};

// Decides whether `obj` (labelled `labels`, having travelled through the nodes in
// `provenance`, origin first) may be sent to `peer`, and in what form.
EgressDecision DecideEgress(const PeerProfile& peer, const Labels& labels,
                            const boost::json::object& obj,
                            const std::vector<std::string>& provenance);

// The keyed hash of a value as it leaves: "hmac-sha256:" + 64 hex digits.
std::string KeyedHash(std::string_view key, std::string_view value);

}  // namespace entente::policy
