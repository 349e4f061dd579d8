// taxii/provenance: the provenance of the objects of a TAXII envelope, as entente nodes
// send it to each other.
//
// TAXII carries no provenance, so a pushing entente node adds one custom property to the
// envelope it POSTs (TAXII 2.1 §7.1 allows custom properties in TAXII resources; a server
// that does not understand one may ignore it, as every other TAXII server does with
// this one):
//
//   "x_entente_provenance": [{"id": ID, "version": VERSION, "path": [NODE, ...]}, ...]
//
// one entry per object: the id and version it is sent under (version = its `modified`,
// else `created`, else ""), and the nodes it came from and through, origin first, the
// sender last. The objects themselves are not changed. The receiving node records the
// path with what it stores, so that it never sends the object back to a node on it and
// relays it only within its hop limits (docs/federation.md). A claim can only restrict
// where an object goes next, never widen who may see it.
//
// A puller asks for the same member on a page of GET …/objects/ with the request header
// `X-Entente-Provenance: path` (other TAXII servers ignore the header; without it the
// page is exactly as before).
//
// Pure functions, safe for concurrent use; results own their data.
#pragma once

#include <boost/json/object.hpp>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "entente/status.h"
#include "store/store.h"

namespace entente::taxii {

inline constexpr std::string_view kProvenanceMember = "x_entente_provenance";
// The longest path accepted (also the largest hop limit a peer may be given).
inline constexpr size_t kMaxProvenancePath = 64;

inline constexpr std::string_view kProvenanceHeader = "X-Entente-Provenance";
inline constexpr std::string_view kProvenanceHeaderValue = "path";

// (id, version) -> the provenance claimed for it.
using EnvelopeProvenance = std::map<std::pair<std::string, std::string>, store::Provenance>;

// Reads the envelope's provenance member; an empty map when there is none. At most
// `max_entries` entries. Errors: invalid-argument naming the member and the rule when
// it is present but malformed (not an array of {id, version, path} with 1 to
// kMaxProvenancePath node names of 1 to 128 printable ASCII characters).
Result<EnvelopeProvenance> ParseEnvelopeProvenance(const boost::json::object& envelope,
                                                   size_t max_entries);

// One object of a page as it leaves, for the member.
struct ProvenanceEntry {
  std::string id;
  std::string version;
  std::vector<std::string> path;  // origin first, the sending node last
};

// The member's JSON text: `"x_entente_provenance":[…]` (no surrounding braces).
std::string ProvenanceMemberJson(const std::vector<ProvenanceEntry>& entries);

// The path version (id, version) of `collection_id` leaves `local_node` with: the path
// the store recorded (none: made here) with `local_node` added last.
Result<std::vector<ProvenanceEntry>> OutgoingProvenance(
    store::Store& store, std::string_view collection_id, std::string_view local_node,
    const std::vector<std::pair<std::string, std::string>>& versions);

// The provenance claimed for (id, version), or nullptr.
const store::Provenance* FindProvenance(const EnvelopeProvenance& provenance, std::string_view id,
                                        std::string_view version);

}  // namespace entente::taxii
