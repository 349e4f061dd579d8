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
  if (peer.hop_limit < 1 || peer.hop_limit > kMaxHopLimit) {
    return Status::InvalidArgument("the hop limit must be 1 to " + std::to_string(kMaxHopLimit) +
                                   " (hop-limit)");
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
  p.hop_limit = static_cast<int>(peer.hop_limit);
  return p;
}

Result<policy::SovereigntyRule> ParseRule(std::string_view text) {
  const size_t eq = text.find('=');
  if (eq == std::string_view::npos) {
    return Status::InvalidArgument(
        "expected TYPE[.PROPERTY]=withhold|redact|hash (rule: " + std::string(text) + ")");
  }
  policy::SovereigntyRule rule;
  if (!store::ParseRuleText(text, &rule)) {
    return Status::InvalidArgument(
        "action must be withhold, redact or hash (rule: " + std::string(text) + ")");
  }
  const bool has_property = text.substr(0, eq).find('.') != std::string_view::npos;
  if ((rule.object_type != "*" && !IsStixType(rule.object_type)) ||
      (has_property && !IsPropertyName(rule.property))) {
    return Status::InvalidArgument("invalid object type or property (rule: " + std::string(text) +
                                   ")");
  }
  if (rule.property.empty() && rule.action != policy::SovereigntyAction::kWithhold) {
    return Status::InvalidArgument("redact and hash need a property (rule: " + std::string(text) +
                                   ")");
  }
  return rule;
}

Result<CollectionLink> ParsePullLink(std::string_view text) { return ParseLinkText(text, "pull"); }

Result<CollectionLink> ParsePushLink(std::string_view text) {
  auto link = ParseLinkText(text, "push");
  if (!link.ok()) return link;
  std::swap(link->local, link->remote);  // LOCAL[:REMOTE]
  return link;
}

}  // namespace entente::federation
