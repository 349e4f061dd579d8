#include "cases/hotline_parties.h"

#include <boost/json/array.hpp>
#include <boost/uuid/name_generator_sha1.hpp>
#include <boost/uuid/uuid_io.hpp>
#include <optional>

#include "admission/admission.h"

namespace entente::cases {

std::string_view TlpMarking(policy::Tlp tlp) {
  return tlp == policy::Tlp::kRed ? std::string_view() : policy::Tlp2MarkingId(tlp);
}

Result<NodeParties> LoadNodeParties(store::Store& store, store::FederationState* federation) {
  NodeParties parties;
  auto orgs = store.ListOrganisations();
  if (!orgs.ok()) return orgs.status();
  parties.orgs = std::move(*orgs);
  if (federation != nullptr) {
    auto peers = federation->ListPeers();
    if (!peers.ok()) return peers.status();
    parties.peers = std::move(*peers);
  }
  return parties;
}

const store::Organisation* LocalOrgWithIdentity(const NodeParties& parties,
                                                std::string_view identity) {
  if (identity.empty()) return nullptr;
  for (const store::Organisation& org : parties.orgs) {
    if (org.identity_id == identity) return &org;
  }
  return nullptr;
}

bool SpeaksFor(const NodeParties& parties, std::string_view owner_org, std::string_view identity) {
  if (identity.empty() || owner_org.empty()) return false;
  // Made here: the owner is the organisation itself.
  for (const store::Organisation& org : parties.orgs) {
    if (org.id == owner_org) {
      if (org.identity_id == identity) return true;
      break;  // a local organisation may still be a peer's pushing organisation
    }
  }
  // From a peer on which the organisation is declared to live.
  for (const store::Peer& peer : parties.peers) {
    const bool from_peer = (!peer.local_org.empty() && peer.local_org == owner_org) ||
                           (owner_org.size() == peer.name.size() + 5 &&
                            owner_org.substr(0, 5) == "peer:" && owner_org.substr(5) == peer.name);
    if (!from_peer) continue;
    for (const std::string& r : peer.recipients) {
      if (r == identity) return true;
    }
  }
  return false;
}

std::string HotlineDeterministicId(std::string_view prefix, std::string_view name) {
  // The namespace is the UUID of the hotline extension definition.
  static const boost::uuids::name_generator_sha1 kGenerator(
      boost::uuids::uuid{{0x7d, 0x2c, 0x9b, 0x4e, 0x1a, 0x6f, 0x4c, 0x3b, 0x8e, 0x0d, 0x5f, 0x9a,
                          0x2c, 0x6b, 0x3e, 0x02}});
  const boost::uuids::uuid id = kGenerator(name.data(), name.size());
  return std::string(prefix) + "--" + boost::uuids::to_string(id);
}

Status AdmitAs(const store::Collection& collection, const NodeParties& parties,
               const store::Organisation& org, const boost::json::object& obj,
               store::NewObject* row) {
  admission::Submitter as;
  as.channel = admission::Channel::kOperator;
  as.org_id = org.id;
  for (const store::Organisation& o : parties.orgs) {
    if (o.id != org.id && !o.identity_id.empty()) as.local_identities.push_back(o.identity_id);
  }
  admission::Admission admission(collection, std::move(as),
                                 admission::Options{admission::NodeValidateOptions(), 0, nullptr});
  if (std::optional<admission::Refusal> refusal = admission.Admit(obj, row)) {
    return Status::InvalidArgument("refused by admission: " + refusal->Describe());
  }
  return Status::Ok();
}

Result<store::AddResult> StoreAs(store::Store& store, const store::Collection& collection,
                                 const NodeParties& parties, const store::Organisation& org,
                                 const boost::json::object& obj) {
  store::NewObject row;
  ENTENTE_RETURN_IF_ERROR(AdmitAs(collection, parties, org, obj, &row));
  auto added = store.AddObjects(collection.id, {row});
  if (!added.ok()) return added.status();
  return added->at(0);
}

std::string JsonString(const boost::json::object& obj, std::string_view key) {
  const boost::json::value* v = obj.if_contains(key);
  if (v != nullptr && v->is_string()) return std::string(v->get_string());
  return "";
}

std::vector<std::string> JsonStrings(const boost::json::object& obj, std::string_view key) {
  std::vector<std::string> out;
  const boost::json::value* v = obj.if_contains(key);
  if (v == nullptr || !v->is_array()) return out;
  for (const boost::json::value& item : v->get_array()) {
    if (item.is_string()) out.emplace_back(item.get_string());
  }
  return out;
}

boost::json::object AudienceExtension(const std::vector<std::string>& recipients,
                                      const std::vector<std::string>& communities) {
  boost::json::object ext;
  ext["extension_type"] = "property-extension";
  if (!recipients.empty()) {
    boost::json::array r;
    for (const std::string& id : recipients) r.emplace_back(id);
    ext["recipients"] = std::move(r);
  }
  if (!communities.empty()) {
    boost::json::array c;
    for (const std::string& name : communities) c.emplace_back(name);
    ext["communities"] = std::move(c);
  }
  return ext;
}

}  // namespace entente::cases
