// policy/audience.h: the one TLP table — does an object's audience include a recipient.
//
// Both gates ask MatchAudience and nothing else re-states the table: MayRead (policy.h)
// for an organisation reading on this node, DecideEgress (egress.h) for a peer node. A
// recipient on this node is one organisation (and the person holding its token); a peer
// node stands for every organisation and trust community living there.
//
//   TLP            on this node                          a peer node
//   CLEAR          included                              included
//   GREEN          a named community it belongs to;      a named community it hosts;
//                  none named: included (the             none named: the object stays
//                  collection's readers are the group)   on this node
//   AMBER          a named recipient, or a declared      a named recipient lives there
//                  client of one
//   AMBER+STRICT   a named recipient                     a named recipient lives there
//   RED            a named individual                    never forwarded by federation
//
// An identity, community or individual that is empty never matches a list entry (an
// organisation without an identity, a token naming no person), even an empty entry. A
// Tlp value outside the enumeration counts as AMBER, as an unknown marking does.
//
// Everything here is pure and safe for concurrent use. A Recipient only views strings
// owned by the caller, which must outlive the call.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "policy/policy.h"

namespace entente::policy {

enum class Reach {
  kThisNode,  // a reader of the object's collection on this node
  kPeerNode,  // another node, by federation
};

struct Recipient {
  Reach reach = Reach::kThisNode;
  std::span<const std::string> communities;    // trust communities it belongs to / hosts
  std::span<const std::string> organisations;  // identity ids: its own, or those living there
  std::span<const std::string> client_of;      // identity ids they are declared clients of
  std::span<const std::string> individuals;    // identity ids of the persons asking
};

enum class AudienceMatch {
  kIncluded,
  kNoCommunityNamed,  // GREEN naming no community, for a peer node
  kNoSharedCommunity,
  kNotARecipient,    // AMBER, AMBER+STRICT
  kNotAnIndividual,  // RED, on this node
  kRedNeverLeaves,   // RED, for a peer node
};

// Whether an object labelled `tlp` and shared with `audience` reaches `who`. The owner
// and the local operator are MayRead's business, provenance DecideEgress's.
AudienceMatch MatchAudience(Tlp tlp, const Audience& audience, const Recipient& who);

// The levels at which `audience` reaches `who`: bit (1 << int(tlp)) is set when
// MatchAudience(tlp, audience, who) is kIncluded. What granular markings ask for each part.
uint8_t IncludedLevels(const Audience& audience, const Recipient& who);

// `tlp` itself, or AMBER for a value outside the enumeration.
Tlp KnownTlp(Tlp tlp);

// True if `list` holds `value`; an empty value is in no list.
bool Names(std::span<const std::string> list, std::string_view value);

}  // namespace entente::policy
