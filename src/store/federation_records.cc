// The JSON form of peers and the text form of sovereignty rules (federation_state.h).
#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include "store/federation_state.h"

namespace entente::store {
namespace {

namespace json = boost::json;

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

}  // namespace

std::string FormatRule(const policy::SovereigntyRule& rule) {
  std::string out = rule.object_type;
  if (!rule.property.empty()) out += "." + rule.property;
  out += "=";
  out += policy::SovereigntyActionName(rule.action);
  return out;
}

bool ParseRuleText(std::string_view text, policy::SovereigntyRule* out) {
  const size_t eq = text.find('=');
  if (eq == std::string_view::npos) return false;
  policy::SovereigntyRule rule;
  if (!policy::ParseSovereigntyAction(text.substr(eq + 1), &rule.action)) return false;
  const std::string_view target = text.substr(0, eq);
  const size_t dot = target.find('.');
  rule.object_type = std::string(target.substr(0, dot));
  if (dot != std::string_view::npos) rule.property = std::string(target.substr(dot + 1));
  *out = std::move(rule);
  return true;
}

json::object PeerToJson(const Peer& peer) {
  json::array rules;
  for (const auto& r : peer.rules) rules.emplace_back(FormatRule(r));
  json::object o{{"name", peer.name},
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
                 {"quota", peer.quota},
                 {"hop_limit", peer.hop_limit}};
  if (!peer.log_key.empty()) o["log_key"] = peer.log_key;
  if (peer.log_key_read_us != 0) o["log_key_read_us"] = peer.log_key_read_us;
  return o;
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
    policy::SovereigntyRule rule;
    if (!ParseRuleText(text, &rule)) {
      return Status::Corruption(
          "stored peer rule: expected TYPE[.PROPERTY]=withhold|redact|hash (" + text + ")");
    }
    p.rules.push_back(std::move(rule));
  }
  p.hash_key = GetString(o, "hash_key");
  p.pin_sha256 = GetString(o, "pin_sha256");
  p.log_key = GetString(o, "log_key");
  if (const json::value* t = o.if_contains("log_key_read_us"); t && t->is_int64()) {
    p.log_key_read_us = t->get_int64();
  }
  p.pin_pem = GetString(o, "pin_pem");
  p.local_org = GetString(o, "local_org");
  if (const json::value* q = o.if_contains("quota"); q && q->is_int64()) p.quota = q->get_int64();
  // Peers stored by earlier releases have none: the default.
  if (const json::value* h = o.if_contains("hop_limit"); h && h->is_int64()) {
    p.hop_limit = h->get_int64();
  }
  return p;
}

}  // namespace entente::store
