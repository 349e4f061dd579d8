// cases/hotline_parties: who may speak for whom, for points of contact and the hotline
// (issue 15), and the one way they write objects: through admission/, as a local
// organisation.
//
// An object of the directory or the hotline (a contact, a message, a delivery, an
// acknowledgement, an escalation) counts only when the stored version comes from where
// the organisation named in its created_by_ref lives: made on this node by that
// organisation itself (the row's owner is the local organisation with that identity),
// or received from a peer on which that organisation is declared to live (`peer add
// --recipient`): the row's owner is the peer's pushing organisation (`--local-org`) or
// "peer:<name>" for what this node pulled. Anything else (an organisation of this node
// claiming to be a foreign one, a peer speaking for an organisation not declared on it)
// is stored as any object would be but is ignored by cases/ and shown as ignored.
//
// NodeParties is a plain value (copy it freely); the functions are pure except
// StoreAs, which writes to the store (safe for concurrent use as the Store is).
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "entente/status.h"
#include "policy/policy.h"
#include "store/federation_state.h"
#include "store/store.h"

namespace entente::cases {

// The hotline part's extension definition (docs/cases.md, "Points of contact", "Hotline").
inline constexpr std::string_view kHotlineExtensionId =
    "extension-definition--7d2c9b4e-1a6f-4c3b-8e0d-5f9a2c6b3e02";
// The OASIS Identity Contact Information extension (version 1.0).
inline constexpr std::string_view kContactInfoExtensionId =
    "extension-definition--66e2492a-bbd3-4be6-88f5-cc91a017a498";
// The TLP 2.0 marking-definition id of `tlp` ("" for RED, which the hotline never writes).
std::string_view TlpMarking(policy::Tlp tlp);

// What this node knows about where organisations live.
struct NodeParties {
  std::vector<store::Organisation> orgs;  // this node's organisations
  std::vector<store::Peer> peers;         // its peers, with the organisations declared there
};

// Loads the organisations of `store` and the peers of `federation` (which may be null:
// then no peer is known and only what was made here counts).
Result<NodeParties> LoadNodeParties(store::Store& store, store::FederationState* federation);

// The local organisation whose STIX identity is `identity`, or nullptr.
const store::Organisation* LocalOrgWithIdentity(const NodeParties& parties,
                                                std::string_view identity);

// True when a stored version owned by `owner_org` may speak for the organisation whose
// identity is `identity` (see the file comment). An empty identity speaks for no one.
bool SpeaksFor(const NodeParties& parties, std::string_view owner_org, std::string_view identity);

// A name-based (version 5) UUID in the namespace of the hotline extension, as
// "PREFIX--uuid": the same name always gives the same id (CASES_DESIGN.md principle 4).
std::string HotlineDeterministicId(std::string_view prefix, std::string_view name);

// Admits `obj` through admission/ as the local organisation `org` into *row, ready for
// Store::AddObjects (as StoreAs does, without storing). invalid-argument naming the
// broken rule when admission refuses it.
Status AdmitAs(const store::Collection& collection, const NodeParties& parties,
               const store::Organisation& org, const boost::json::object& obj,
               store::NewObject* row);

// Admits `obj` through admission/ as the local organisation `org` (the operator's
// channel: validated, the authorship rule applied, labelled with the collection's
// default TLP where it carries none) and stores it in `collection`. Returns the outcome
// (kAdded, kDuplicate when this exact version is already stored, or kNotOwner when the
// id belongs to another organisation). invalid-argument naming the broken rule when
// admission refuses it.
Result<store::AddResult> StoreAs(store::Store& store, const store::Collection& collection,
                                 const NodeParties& parties, const store::Organisation& org,
                                 const boost::json::object& obj);

// Small readers of JSON members: the string at `key` ("" when absent or not a string),
// the strings of the array at `key` (non-strings skipped).
std::string JsonString(const boost::json::object& obj, std::string_view key);
std::vector<std::string> JsonStrings(const boost::json::object& obj, std::string_view key);

// The entente audience extension's property-extension object with `recipients`.
boost::json::object AudienceExtension(const std::vector<std::string>& recipients,
                                      const std::vector<std::string>& communities = {});

}  // namespace entente::cases
