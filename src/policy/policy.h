// policy/: the one gate that decides who may see an object.
//
// Every read path (TAXII objects, object, manifest, versions; CLI export) and, later,
// every egress path to a peer asks this gate; nothing else re-implements the rules.
// The rules are those of docs/sharing-rules.md (TLP 2.0):
//
//   CLEAR         anyone who may read the collection
//   GREEN         members of a trust community the object is shared with; an object
//                 that names no community is shared with the collection's readers
//   AMBER         the named recipient organisations and their declared clients
//   AMBER+STRICT  the named recipient organisations only
//   RED           the named individual recipients only
//
// The organisation that contributed an object (its owner) always sees it. An unknown
// marking never widens access: it counts as AMBER. The audience (communities,
// recipients, individuals) travels inside the object as the entente audience property
// extension (kAudienceExtensionId), so it is standard STIX 2.1.
//
// All functions are pure and safe for concurrent use.
#pragma once

#include <boost/json/fwd.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace entente::policy {

enum class Tlp : int { kClear = 0, kGreen = 1, kAmber = 2, kAmberStrict = 3, kRed = 4 };

// "clear", "green", "amber", "amber+strict", "red".
std::string_view TlpName(Tlp tlp);
// Accepts the names above, case-insensitive, and "white" as an alias of clear.
bool ParseTlp(std::string_view name, Tlp* out);

// The extension-definition id of entente's audience property extension.
inline constexpr std::string_view kAudienceExtensionId =
    "extension-definition--1641d5b9-e8f9-4e50-b7c8-ac882f4d424e";

// The TLP label a marking-definition id stands for (TLP 1.0 and 2.0 ids, docs/sharing-rules.md).
// Returns false for ids that are not TLP markings.
bool TlpOfMarking(std::string_view marking_id, Tlp* out);
// The TLP 2.0 marking-definition id of `tlp` (the OASIS TLP 2.0 extension's ids), what
// entente writes in object_marking_refs of the objects it makes.
std::string_view Tlp2MarkingId(Tlp tlp);

// Who an object is shared with. Identity ids are STIX identity ids.
struct Audience {
  std::vector<std::string> communities;  // trust community names
  std::vector<std::string> recipients;   // organisation identity ids (AMBER, AMBER+STRICT)
  std::vector<std::string> individuals;  // individual identity ids (RED)
  bool empty() const { return communities.empty() && recipients.empty() && individuals.empty(); }
};

// What the gate needs to know about one stored object version.
struct Labels {
  Tlp tlp = Tlp::kAmber;
  Audience audience;
  std::string owner_org;  // id of the organisation that contributed the object
  // Granular markings (granular.h WithheldFor): bit s set when a reader who may see parts
  // of exactly the TLP levels in set s would be left with an invalid object, which is then
  // withheld from it. 0 for objects without granular markings.
  uint32_t withheld_for = 0;
  // True if the object has granular_markings: only such objects can have parts a reader
  // may not see, and only they are parsed again when served (granular.h ViewFor).
  bool granular = false;
};

// Computes the labels of a STIX object: its TLP is the most restrictive TLP marking in
// object_marking_refs (a marking-definition that is not a known TLP counts as AMBER);
// an object with no TLP marking takes `collection_default`. The audience comes from the
// entente audience extension when present; withheld_for and granular from its granular
// markings.
Labels LabelObject(const boost::json::object& obj, Tlp collection_default, std::string owner_org);

// Audience (and Labels::withheld_for and granular) <-> compact JSON text, as stored beside
// an object version ("" when there is nothing to say).
std::string EncodeAudience(const Audience& audience, uint32_t withheld_for = 0,
                           bool granular = false);
Audience DecodeAudience(std::string_view text, uint32_t* withheld_for = nullptr,
                        bool* granular = nullptr);

// The requester of a read, as authenticated by a token.
struct Requester {
  std::string org_id;                    // organisation the token belongs to
  std::string identity_id;               // that organisation's STIX identity id
  std::string client_of;                 // identity id of the organisation it is a client of
  std::vector<std::string> communities;  // trust communities the organisation belongs to
  std::string individual_id;             // identity id of the person holding the token, if any
  // Set only by the CLI working on the node's own data folder (whoever can run it can
  // read the database file anyway); never derived from a token. Tokens of administrators
  // manage the node but do not widen what they may read.
  bool local_operator = false;
};

// True if `who`, already allowed to read the collection, may see an object version
// labelled `labels`: the object-level TLP and audience allow it, and its granular
// markings do not withhold it (withheld_for). Objects the requester may not see must be
// treated as absent.
bool MayRead(const Requester& who, const Labels& labels);

// The TLP levels `who` may see parts of, given the object's audience and owner: bit
// (1 << int(tlp)) is set when the object-level decision (TLP and audience, not
// withheld_for) would let `who` see the object were it labelled `tlp`. Not monotone in general (a
// named recipient outside the communities of a CLEAR object may see its AMBER parts and not its
// GREEN ones), hence a set. A part's markings apply in addition to its object's (STIX 2.1 §7.2.3),
// so a part is never less restricted than the object: WithObjectLevel is applied.
uint8_t VisibleTlps(const Requester& who, const Labels& labels);

// `visible` (a set as above) with every level below `object_tlp` counted as `object_tlp`: a
// reader or peer that may see the object sees a part marked less strictly than the object.
uint8_t WithObjectLevel(uint8_t visible, Tlp object_tlp);

}  // namespace entente::policy
