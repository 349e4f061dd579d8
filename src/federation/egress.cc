#include "federation/egress.h"

#include <boost/json/serialize.hpp>

#include "policy/audience.h"
#include "policy/ingress.h"
#include "stix/stix.h"

namespace entente::federation {
namespace {

std::vector<std::string> PathOf(const std::optional<Provenance>& provenance,
                                const std::vector<Peer>& all_peers, const std::string& local_node,
                                std::string_view owner_org) {
  std::vector<std::string> path;
  if (provenance.has_value()) path = provenance->path;
  for (const Peer& p : all_peers) {
    if (owner_org == policy::OwnerForPeer(p.name, p.local_org) && !policy::Names(path, p.name)) {
      path.insert(path.begin(), p.name);
    }
  }
  if (path.empty()) path.push_back(local_node);
  return path;
}

}  // namespace

Result<Egress> PrepareEgress(const policy::PeerProfile& profile, const std::vector<Peer>& all_peers,
                             const std::string& local_node, std::string_view id,
                             std::string_view json, const policy::Labels& labels,
                             const std::optional<Provenance>& provenance) {
  auto parsed = stix::ParseJson(json);
  if (!parsed.ok() || !parsed->is_object()) {
    return Status::Corruption("stored object " + std::string(id) + " does not parse");
  }
  Egress out;
  out.path = PathOf(provenance, all_peers, local_node, labels.owner_org);
  for (const std::string& node : out.path) {
    if (node != local_node) ++out.hops;
  }
  out.decision = policy::DecideEgress(profile, labels, parsed->get_object(), out.path, out.hops);
  if (!out.decision.send) return out;
  out.sent_path = out.path;
  if (out.sent_path.back() != local_node) out.sent_path.push_back(local_node);
  if (const boost::json::value* sent_id = out.decision.object.if_contains("id");
      sent_id && sent_id->is_string() && sent_id->get_string() != id) {
    out.remote_id = std::string(sent_id->get_string());
  }
  out.json = boost::json::serialize(out.decision.object);
  return out;
}

}  // namespace entente::federation
