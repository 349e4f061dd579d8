#include "federation/peer.h"

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <cctype>

namespace entente::federation {
namespace {

namespace json = boost::json;

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

bool IsHex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool IsStixType(std::string_view s) {
  if (s.size() < 3 || s.size() > 250) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return s.front() != '-' && s.back() != '-';
}

bool IsPropertyName(std::string_view s) {
  if (s.size() < 3 || s.size() > 250) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

Status CheckLink(const CollectionLink& link, std::string_view field) {
  if (!IsUuid(link.remote) || !IsUuid(link.local)) {
    return Status::InvalidArgument("collection ids must be lower-case UUIDs (" +
                                   std::string(field) + ": " + link.remote + ":" + link.local +
                                   ")");
  }
  return Status::Ok();
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

json::array Strings(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

std::string GetString(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::vector<std::string> GetStrings(const json::object& o, std::string_view key) {
  std::vector<std::string> out;
  const json::value* v = o.if_contains(key);
  if (!v || !v->is_array()) return out;
  for (const auto& e : v->get_array()) {
    if (e.is_string()) out.emplace_back(e.get_string());
  }
  return out;
}

json::array Links(const std::vector<CollectionLink>& links) {
  json::array a;
  for (const auto& l : links) a.push_back(json::object{{"remote", l.remote}, {"local", l.local}});
  return a;
}

std::vector<CollectionLink> GetLinks(const json::object& o, std::string_view key) {
  std::vector<CollectionLink> out;
  const json::value* v = o.if_contains(key);
  if (!v || !v->is_array()) return out;
  for (const auto& e : v->get_array()) {
    if (!e.is_object()) continue;
    out.push_back({GetString(e.get_object(), "remote"), GetString(e.get_object(), "local")});
  }
  return out;
}

Result<CollectionLink> ParseLinkText(std::string_view text, std::string_view flag) {
  CollectionLink link;
  const size_t colon = text.find(':');
  std::string first(text.substr(0, colon));
  std::string second =
      colon == std::string_view::npos ? first : std::string(text.substr(colon + 1));
  first = Lower(first);
  second = Lower(second);
  if (!IsUuid(first) || !IsUuid(second)) {
    return Status::InvalidArgument("expected COLLECTION_ID[:COLLECTION_ID] with UUIDs (" +
                                   std::string(flag) + ": " + std::string(text) + ")");
  }
  link.remote = first;
  link.local = second;
  return link;
}

}  // namespace

bool IsPeerName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')) {
      return false;
    }
  }
  return name.front() != '.' && name.front() != '_' && name.front() != '-';
}

Status ValidatePeer(const Peer& peer) {
  if (!IsPeerName(peer.name)) {
    return Status::InvalidArgument("invalid peer name (name: 1-64 of [a-z0-9._-], \"" + peer.name +
                                   "\")");
  }
  const std::string_view url = peer.api_root_url;
  if (!(url.starts_with("http://") || url.starts_with("https://")) || !url.ends_with("/")) {
    return Status::InvalidArgument(
        "the API root URL must be http:// or https:// and end with '/' (url: " + peer.api_root_url +
        ")");
  }
  if (peer.token.empty()) {
    return Status::InvalidArgument("a token is needed to authenticate at the peer (token: empty)");
  }
  if (peer.jurisdiction.size() != 2 ||
      !std::isupper(static_cast<unsigned char>(peer.jurisdiction[0])) ||
      !std::isupper(static_cast<unsigned char>(peer.jurisdiction[1]))) {
    return Status::InvalidArgument(
        "jurisdiction must be ISO 3166-1 alpha-2 (jurisdiction: " + peer.jurisdiction + ")");
  }
  for (const auto& r : peer.recipients) {
    if (!r.starts_with("identity--") || !IsUuid(std::string_view(r).substr(10))) {
      return Status::InvalidArgument("recipients are STIX identity ids (recipient: " + r + ")");
    }
  }
  for (const auto& c : peer.communities) {
    if (c.empty() || c.size() > 128) {
      return Status::InvalidArgument("community names are 1-128 characters (community)");
    }
  }
  for (const auto& l : peer.pull) ENTENTE_RETURN_IF_ERROR(CheckLink(l, "pull"));
  for (const auto& l : peer.push) ENTENTE_RETURN_IF_ERROR(CheckLink(l, "push"));
  bool hashes = false;
  for (const auto& rule : peer.rules) {
    if (rule.object_type != "*" && !IsStixType(rule.object_type)) {
      return Status::InvalidArgument("invalid object type (rule: " + FormatRule(rule) + ")");
    }
    if (!rule.property.empty() && !IsPropertyName(rule.property)) {
      return Status::InvalidArgument("invalid property name (rule: " + FormatRule(rule) + ")");
    }
    if (rule.action == policy::SovereigntyAction::kKeyedHash) hashes = true;
  }
  if (hashes && peer.hash_key.size() < 16) {
    return Status::InvalidArgument(
        "a rule hashes values: a key of at least 16 characters is needed (hash-key)");
  }
  if (!peer.pin_sha256.empty() && !IsHex64(peer.pin_sha256)) {
    return Status::InvalidArgument("pin must be 64 lower-case hex digits (pin-sha256)");
  }
  if (peer.quota < 1) {
    return Status::InvalidArgument("quota must be at least 1 object per round (quota)");
  }
  return Status::Ok();
}

policy::PeerProfile ProfileOf(const Peer& peer) {
  policy::PeerProfile p;
  p.node_name = peer.name;
  p.jurisdiction = peer.jurisdiction;
  p.communities = peer.communities;
  p.recipients = peer.recipients;
  p.rules = peer.rules;
  p.hash_key = peer.hash_key;
  return p;
}

Result<policy::SovereigntyRule> ParseRule(std::string_view text) {
  const size_t eq = text.find('=');
  if (eq == std::string_view::npos) {
    return Status::InvalidArgument(
        "expected TYPE[.PROPERTY]=withhold|redact|hash (rule: " + std::string(text) + ")");
  }
  policy::SovereigntyRule rule;
  std::string_view target = text.substr(0, eq);
  if (!policy::ParseSovereigntyAction(text.substr(eq + 1), &rule.action)) {
    return Status::InvalidArgument(
        "action must be withhold, redact or hash (rule: " + std::string(text) + ")");
  }
  const size_t dot = target.find('.');
  rule.object_type = std::string(target.substr(0, dot));
  if (dot != std::string_view::npos) rule.property = std::string(target.substr(dot + 1));
  if ((rule.object_type != "*" && !IsStixType(rule.object_type)) ||
      (dot != std::string_view::npos && !IsPropertyName(rule.property))) {
    return Status::InvalidArgument("invalid object type or property (rule: " + std::string(text) +
                                   ")");
  }
  if (rule.property.empty() && rule.action != policy::SovereigntyAction::kWithhold) {
    return Status::InvalidArgument("redact and hash need a property (rule: " + std::string(text) +
                                   ")");
  }
  return rule;
}

std::string FormatRule(const policy::SovereigntyRule& rule) {
  std::string out = rule.object_type;
  if (!rule.property.empty()) out += "." + rule.property;
  out += "=";
  out += policy::SovereigntyActionName(rule.action);
  return out;
}

Result<CollectionLink> ParsePullLink(std::string_view text) { return ParseLinkText(text, "pull"); }

Result<CollectionLink> ParsePushLink(std::string_view text) {
  auto link = ParseLinkText(text, "push");
  if (!link.ok()) return link;
  std::swap(link->local, link->remote);  // LOCAL[:REMOTE]
  return link;
}

json::object PeerToJson(const Peer& peer) {
  json::array rules;
  for (const auto& r : peer.rules) rules.emplace_back(FormatRule(r));
  return json::object{{"name", peer.name},
                      {"api_root_url", peer.api_root_url},
                      {"pull", Links(peer.pull)},
                      {"push", Links(peer.push)},
                      {"token", peer.token},
                      {"username", peer.username},
                      {"jurisdiction", peer.jurisdiction},
                      {"communities", Strings(peer.communities)},
                      {"recipients", Strings(peer.recipients)},
                      {"rules", std::move(rules)},
                      {"hash_key", peer.hash_key},
                      {"pin_sha256", peer.pin_sha256},
                      {"pin_pem", peer.pin_pem},
                      {"local_org", peer.local_org},
                      {"quota", peer.quota}};
}

Result<Peer> PeerFromJson(const json::object& o) {
  Peer p;
  p.name = GetString(o, "name");
  p.api_root_url = GetString(o, "api_root_url");
  p.pull = GetLinks(o, "pull");
  p.push = GetLinks(o, "push");
  p.token = GetString(o, "token");
  p.username = GetString(o, "username");
  p.jurisdiction = GetString(o, "jurisdiction");
  p.communities = GetStrings(o, "communities");
  p.recipients = GetStrings(o, "recipients");
  for (const auto& text : GetStrings(o, "rules")) {
    auto rule = ParseRule(text);
    if (!rule.ok()) return Status::Corruption("stored peer rule: " + rule.status().message());
    p.rules.push_back(*rule);
  }
  p.hash_key = GetString(o, "hash_key");
  p.pin_sha256 = GetString(o, "pin_sha256");
  p.pin_pem = GetString(o, "pin_pem");
  p.local_org = GetString(o, "local_org");
  if (const json::value* q = o.if_contains("quota"); q && q->is_int64()) p.quota = q->get_int64();
  return p;
}

}  // namespace entente::federation
