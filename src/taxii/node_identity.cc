// The node's identity in the TAXII discovery resource: its JSON form and its checks.
#include "taxii/node_identity.h"

#include <algorithm>

#include "audit/merkle.h"
#include "common/country.h"
#include "stix/identifiers.h"

namespace entente::taxii {
namespace {

namespace json = boost::json;

bool IsNodeName(std::string_view t) {
  if (t.empty() || t.size() > 64) return false;
  return std::all_of(t.begin(), t.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  });
}

Status Malformed(std::string_view member, std::string_view why) {
  return Status::InvalidArgument(std::string(kNodeIdentityMember) + "." + std::string(member) +
                                 ": " + std::string(why));
}

// The string member `name` of `o`: "" when absent; invalid-argument when not a string.
Result<std::string> OptionalString(const json::object& o, std::string_view name) {
  const json::value* v = o.if_contains(name);
  if (v == nullptr) return std::string();
  if (!v->is_string()) return Malformed(name, "not a string");
  return std::string(v->get_string());
}

}  // namespace

json::object NodeIdentityJson(const NodeIdentity& identity) {
  json::object o;
  o["name"] = identity.name;
  if (!identity.jurisdiction.empty()) o["jurisdiction"] = identity.jurisdiction;
  if (!identity.identity.empty()) o["identity"] = identity.identity;
  if (identity.record_key) {
    const audit::PublicKey& k = *identity.record_key;
    o["record_key"] = audit::BytesHex(k.data(), k.size());
    o["record_key_id"] = audit::HashHex(audit::KeyIdOf(k));
  }
  return o;
}

Result<NodeIdentity> NodeIdentityFromDiscovery(const json::object& discovery) {
  const json::value* member = discovery.if_contains(kNodeIdentityMember);
  if (member == nullptr) {
    return Status::NotFound("the discovery resource has no " + std::string(kNodeIdentityMember) +
                            " (not an entente node, or one that does not publish its identity)");
  }
  if (!member->is_object()) {
    return Status::InvalidArgument(std::string(kNodeIdentityMember) + ": not a JSON object");
  }
  const json::object& o = member->get_object();
  NodeIdentity id;
  auto name = OptionalString(o, "name");
  if (!name.ok()) return name.status();
  if (!IsNodeName(*name)) return Malformed("name", "not a node name (1-64 of A-Z a-z 0-9 . _ -)");
  id.name = std::move(*name);
  auto jurisdiction = OptionalString(o, "jurisdiction");
  if (!jurisdiction.ok()) return jurisdiction.status();
  if (!jurisdiction->empty() && !IsAssignedCountryCode(*jurisdiction)) {
    return Malformed("jurisdiction", "not an assigned ISO 3166-1 alpha-2 code");
  }
  id.jurisdiction = std::move(*jurisdiction);
  auto identity = OptionalString(o, "identity");
  if (!identity.ok()) return identity.status();
  if (!identity->empty()) {
    auto parts = stix::SplitIdentifier(*identity);
    if (!parts || parts->type != "identity") return Malformed("identity", "not a STIX identity id");
  }
  id.identity = std::move(*identity);
  auto key = OptionalString(o, "record_key");
  if (!key.ok()) return key.status();
  auto key_id = OptionalString(o, "record_key_id");
  if (!key_id.ok()) return key_id.status();
  if (key->empty() != key_id->empty()) {
    return Malformed(key->empty() ? "record_key" : "record_key_id",
                     "missing (record_key and record_key_id go together)");
  }
  if (!key->empty()) {
    auto bytes = audit::HashFromHex(*key);
    if (!bytes.ok()) return Malformed("record_key", "not 64 hex digits");
    auto claimed = audit::HashFromHex(*key_id);
    if (!claimed.ok()) return Malformed("record_key_id", "not 64 hex digits");
    audit::PublicKey k;
    std::copy(bytes->begin(), bytes->end(), k.begin());
    if (audit::KeyIdOf(k) != *claimed) {
      return Malformed("record_key_id", "not the SHA-256 of record_key");
    }
    id.record_key = k;
  }
  return id;
}

Result<NodeIdentity> ReadNodeIdentity(TaxiiClient& client) {
  auto discovery = client.GetDiscovery();
  if (!discovery.ok()) return discovery.status();
  return NodeIdentityFromDiscovery(*discovery);
}

}  // namespace entente::taxii
