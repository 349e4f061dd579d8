// taxii/node_identity.h: the node's identity, published in its TAXII 2.1 discovery
// resource (GET /taxii2/) as one custom property, so that a partner learns the key the
// node signs its record's heads with in the one place every TAXII 2.1 server has
// (TAXII 2.1 §8.2.1: the Discovery API is /taxii2/ at the root of the server):
//
//   "x_entente_node": {"name": "cert-fr", "jurisdiction": "FR",
//                      "identity": "identity--…",
//                      "record_key": "<64 hex>", "record_key_id": "<64 hex>"}
//
// TAXII 2.1 §7.1.1 allows it: "A TAXII resource MAY have any number of Custom
// Properties", whose names are lower-case ASCII letters, digits and underscores, 3 to
// 250 characters, prefixed "x_"; and a client that does not understand one "MAY silently
// ignore non-understood properties and continue processing the message" — any TAXII
// client reads the resource as before.
//
// Members: the node's name and jurisdiction (`entente init --name --jurisdiction`); the
// STIX identity id of the organisation operating the node (its first administrator
// organisation by id, the one `ingest` and `case` act as by default; absent when it has
// none); the Ed25519 public key of the node's record (audit/node_key.h) and its key id,
// SHA-256 of the key's 32 bytes, as signed heads name it (absent when the server runs
// without a record). Nothing else: a hostile partner learns no organisation list, no
// counts, no collections from it (the rest of the discovery resource is TAXII's own).
//
// Pure functions and one blocking read through a TaxiiClient; results own their data.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "audit/head.h"
#include "entente/status.h"
#include "taxii/client.h"

namespace entente::taxii {

inline constexpr std::string_view kNodeIdentityMember = "x_entente_node";

struct NodeIdentity {
  std::string name;          // the node's name, 1-64 of A-Z a-z 0-9 . _ -
  std::string jurisdiction;  // ISO 3166-1 alpha-2, or "" when the node has none set
  std::string identity;      // STIX identity id of the operating organisation, or ""
  std::optional<audit::PublicKey> record_key;  // none: the node serves no record

  bool operator==(const NodeIdentity&) const = default;
};

// The value of the x_entente_node member for `identity` (empty members left out).
boost::json::object NodeIdentityJson(const NodeIdentity& identity);

// The identity a discovery resource publishes: not-found when it has no x_entente_node
// member (another TAXII server, or an entente node older than this member);
// invalid-argument naming the member when it is malformed — a name that is not a node
// name, a jurisdiction that is not an assigned country code, an identity that is not a
// STIX identity id, a key that is not 64 hex digits, or a key id that is not the SHA-256
// of the key (a key id that does not match is never trusted).
Result<NodeIdentity> NodeIdentityFromDiscovery(const boost::json::object& discovery);

// GET /taxii2/ on the server `client` talks to, and the identity it publishes (as
// NodeIdentityFromDiscovery; the client's errors otherwise).
Result<NodeIdentity> ReadNodeIdentity(TaxiiClient& client);

}  // namespace entente::taxii
