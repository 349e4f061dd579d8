// policy/ingress: whom this node believes about an object that arrives from a peer node,
// and who owns what it stores from a peer.
//
// The ingress trust rule: a peer speaks for the organisations that live on it and for
// no one else. An object received from a peer is refused when its created_by_ref names
// an organisation of this node (forged provenance: this node made it, or no one did)
// or an organisation that does not live on that peer. An object without a
// created_by_ref claims no creator and passes. What a peer sends is owned, for the read
// gate (Labels::owner_org), by the local organisation whose token that peer uses to
// push here, else by the pseudo-organisation "peer:<name>".
//
// Pure functions, safe for concurrent use; results own their data.
#pragma once

#include <boost/json/fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace entente::policy {

// What the trust rule needs to know about the peer an object came from.
struct IngressPeer {
  std::string name;                     // the peer node's name (as in provenance)
  std::string local_org;                // local organisation the peer pushes as, or ""
  std::vector<std::string> recipients;  // identity ids of the organisations living there
};

enum class IngressVerdict {
  kAccept,
  kForged,     // created_by_ref names an organisation of this node
  kNotOnPeer,  // created_by_ref names an organisation that does not live on the peer
};

struct IngressDecision {
  IngressVerdict verdict = IngressVerdict::kAccept;
  std::string rule;    // "forged-provenance" or "creator-not-on-peer"; "" when accepted
  std::string reason;  // one sentence for the log; "" when accepted
};

// Decides whether `obj`, received from `peer`, may be believed about its creator.
// `local_identities` are the identity ids of this node's own organisations.
IngressDecision DecideIngress(const IngressPeer& peer,
                              const std::vector<std::string>& local_identities,
                              const boost::json::object& obj);

// The authorship rule for what a local organisation submits (a TAXII client, or the
// operator ingesting as an organisation): it speaks for itself and for creators outside
// this node (a relayed vendor report), never for another organisation of this node. An
// object whose created_by_ref names one of `other_local_identities` (the identity ids of
// this node's organisations other than the submitter's) is forged ("forged-creator").
IngressDecision DecideLocalAuthorship(const std::vector<std::string>& other_local_identities,
                                      const boost::json::object& obj);

// The owner recorded for objects stored from the peer `peer_name`: `local_org` when the
// peer pushes as a local organisation, else "peer:<peer_name>".
std::string OwnerForPeer(std::string_view peer_name, std::string_view local_org);

}  // namespace entente::policy
