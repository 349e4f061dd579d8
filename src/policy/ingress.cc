#include "policy/ingress.h"

#include <boost/json/object.hpp>

#include "policy/audience.h"

namespace entente::policy {

IngressDecision DecideIngress(const IngressPeer& peer,
                              const std::vector<std::string>& local_identities,
                              const boost::json::object& obj) {
  IngressDecision d;
  const boost::json::value* by = obj.if_contains("created_by_ref");
  if (by == nullptr || !by->is_string()) return d;  // claims no creator
  const std::string_view creator(by->get_string());
  if (Names(local_identities, creator)) {
    d.verdict = IngressVerdict::kForged;
    d.rule = "forged-provenance";
    d.reason = "forged provenance: created_by_ref " + std::string(creator) +
               " is an organisation of this node";
  } else if (!Names(peer.recipients, creator)) {
    d.verdict = IngressVerdict::kNotOnPeer;
    d.rule = "creator-not-on-peer";
    d.reason =
        "created_by_ref " + std::string(creator) + " is not an organisation living on the peer";
  }
  return d;
}

IngressDecision DecideLocalAuthorship(const std::vector<std::string>& other_local_identities,
                                      const boost::json::object& obj) {
  IngressDecision d;
  const boost::json::value* by = obj.if_contains("created_by_ref");
  if (by == nullptr || !by->is_string()) return d;
  const std::string_view creator(by->get_string());
  if (Names(other_local_identities, creator)) {
    d.verdict = IngressVerdict::kForged;
    d.rule = "forged-creator";
    // The id is the submitter's own text; not repeating it keeps the answer free of
    // anything about another organisation.
    d.reason =
        "created_by_ref names another organisation of this node: a submitter may name as "
        "creator only itself or an identity outside this node (STIX 2.1 §3.6)";
  }
  return d;
}

std::string OwnerForPeer(std::string_view peer_name, std::string_view local_org) {
  if (!local_org.empty()) return std::string(local_org);
  return "peer:" + std::string(peer_name);
}

}  // namespace entente::policy
