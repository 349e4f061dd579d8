#include "policy/egress.h"

#include <sodium.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <span>

#include "policy/audience.h"
#include "policy/granular.h"
#include "stix/stix.h"

namespace entente::policy {
namespace {

namespace json = boost::json;

std::string_view TypeOfId(std::string_view id) {
  size_t sep = id.find("--");
  return sep == std::string_view::npos ? std::string_view() : id.substr(0, sep);
}

bool RuleMatchesType(const SovereigntyRule& rule, std::string_view type) {
  return rule.object_type == "*" || rule.object_type == type;
}

constexpr std::string_view kKeyedHashPrefix = "hmac-sha256:";
constexpr std::string_view kKeyedIdTagDomain = "entente-keyed-id-tag:";

// The check KeyedId puts in bytes 12..15 of a keyed UUID: SHA-256 of a domain string and
// bytes 0..11 (version and variant bits included), first 4 bytes.
void KeyedIdTag(const unsigned char* uuid12, unsigned char* tag4) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(kKeyedIdTagDomain.data()),
                            kKeyedIdTagDomain.size());
  crypto_hash_sha256_update(&st, uuid12, 12);
  crypto_hash_sha256_final(&st, digest);
  std::copy(digest, digest + 4, tag4);
}

bool IsLowerHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

int HexDigit(char c) { return c <= '9' ? c - '0' : c - 'a' + 10; }

// True if some rule hashes objects of this type (their ids are then keyed too).
bool TypeIsHashed(const PeerProfile& peer, std::string_view type) {
  return std::any_of(peer.rules.begin(), peer.rules.end(), [&](const SovereigntyRule& r) {
    return r.action == SovereigntyAction::kKeyedHash && RuleMatchesType(r, type);
  });
}

bool TypeIsWithheld(const PeerProfile& peer, std::string_view type) {
  return std::any_of(peer.rules.begin(), peer.rules.end(), [&](const SovereigntyRule& r) {
    return r.action == SovereigntyAction::kWithhold && r.property.empty() &&
           RuleMatchesType(r, type);
  });
}

// Rewrites references (`*_ref` strings, `*_refs` lists) to objects whose ids are keyed,
// and drops references to withheld types so that nothing names what did not leave.
void RewriteRefs(const PeerProfile& peer, json::object& obj, std::vector<std::string>* changes) {
  for (auto& [key, value] : obj) {
    std::string_view k = key;
    const bool single = k.size() > 4 && k.substr(k.size() - 4) == "_ref";
    const bool list = k.size() > 5 && k.substr(k.size() - 5) == "_refs";
    if (single && value.is_string()) {
      std::string_view target = value.get_string();
      if (TypeIsHashed(peer, TypeOfId(target)) && !IsKeyedId(target)) {
        value = KeyedId(peer.hash_key, target);
        changes->push_back(std::string(k) + ": reference keyed");
      }
    } else if (list && value.is_array()) {
      json::array kept;
      for (auto& item : value.get_array()) {
        if (!item.is_string()) {
          kept.push_back(item);
          continue;
        }
        std::string_view target = item.get_string();
        std::string_view type = TypeOfId(target);
        if (TypeIsWithheld(peer, type)) {
          changes->push_back(std::string(k) + ": reference to withheld " + std::string(type) +
                             " removed");
        } else if (TypeIsHashed(peer, type) && !IsKeyedId(target)) {
          kept.emplace_back(KeyedId(peer.hash_key, target));
          changes->push_back(std::string(k) + ": reference keyed");
        } else {
          kept.push_back(item);
        }
      }
      value = std::move(kept);
    } else if (value.is_object() && k != "extensions") {
      RewriteRefs(peer, value.get_object(), changes);
    }
  }
}

// The first entry of `a` that `b` holds too ("" when none; an empty entry never counts).
std::string FirstShared(std::span<const std::string> a, std::span<const std::string> b) {
  for (const std::string& x : a) {
    if (Names(b, x)) return x;
  }
  return "";
}

// Why the TLP table lets an object labelled `tlp` for `audience` leave for `peer` (whose
// organisations and communities `node` lists), once MatchAudience has said it does.
std::string AllowedBy(Tlp tlp, const Audience& audience, const Recipient& node,
                      const std::string& peer) {
  switch (KnownTlp(tlp)) {
    case Tlp::kClear:
      return "TLP:CLEAR: disclosure is not limited";
    case Tlp::kGreen:
      return "TLP:GREEN: trust community " + FirstShared(audience.communities, node.communities) +
             " is present on " + peer;
    case Tlp::kAmber:
    case Tlp::kAmberStrict:
      return std::string(KnownTlp(tlp) == Tlp::kAmber ? "TLP:AMBER" : "TLP:AMBER+STRICT") +
             ": named recipient " + FirstShared(audience.recipients, node.organisations) +
             " lives on " + peer;
    case Tlp::kRed:
      break;  // never included for a peer
  }
  return "";
}

EgressDecision Withheld(std::string reason) {
  EgressDecision d;
  d.send = false;
  d.reason = std::move(reason);
  return d;
}

}  // namespace

std::string_view SovereigntyActionName(SovereigntyAction action) {
  switch (action) {
    case SovereigntyAction::kWithhold:
      return "withhold";
    case SovereigntyAction::kRedact:
      return "redact";
    case SovereigntyAction::kKeyedHash:
      return "hash";
  }
  return "withhold";
}

bool ParseSovereigntyAction(std::string_view name, SovereigntyAction* out) {
  if (name == "withhold")
    *out = SovereigntyAction::kWithhold;
  else if (name == "redact")
    *out = SovereigntyAction::kRedact;
  else if (name == "hash")
    *out = SovereigntyAction::kKeyedHash;
  else
    return false;
  return true;
}

std::string KeyedId(std::string_view key, std::string_view id) {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  static constexpr std::string_view kDomain = "entente-keyed-id:";
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(kDomain.data()),
                                kDomain.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(id.data()), id.size());
  crypto_auth_hmacsha256_final(&st, mac);
  mac[6] = static_cast<unsigned char>((mac[6] & 0x0f) | 0x40);
  mac[8] = static_cast<unsigned char>((mac[8] & 0x3f) | 0x80);
  KeyedIdTag(mac, mac + 12);
  char uuid[37];
  std::snprintf(uuid, sizeof uuid,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", mac[0],
                mac[1], mac[2], mac[3], mac[4], mac[5], mac[6], mac[7], mac[8], mac[9], mac[10],
                mac[11], mac[12], mac[13], mac[14], mac[15]);
  std::string out(TypeOfId(id));
  out += "--";
  out.append(uuid, 36);
  return out;
}

bool IsKeyedId(std::string_view id) {
  const size_t sep = id.find("--");
  if (sep == std::string_view::npos) return false;
  const std::string_view uuid = id.substr(sep + 2);
  if (uuid.size() != 36) return false;
  std::string hex;
  for (size_t i = 0; i < uuid.size(); ++i) {
    const bool dash_place = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash_place != (uuid[i] == '-')) return false;
    if (!dash_place) hex += uuid[i];
  }
  if (!IsLowerHex(hex)) return false;
  unsigned char bytes[16];
  for (size_t n = 0; n < sizeof bytes; ++n) {
    bytes[n] = static_cast<unsigned char>(HexDigit(hex[2 * n]) * 16 + HexDigit(hex[2 * n + 1]));
  }
  if ((bytes[6] & 0xf0) != 0x40 || (bytes[8] & 0xc0) != 0x80) return false;
  unsigned char tag[4];
  KeyedIdTag(bytes, tag);
  return std::equal(tag, tag + 4, bytes + 12);
}

bool IsKeyedHash(std::string_view value) {
  return value.size() == kKeyedHashPrefix.size() + 64 &&
         value.substr(0, kKeyedHashPrefix.size()) == kKeyedHashPrefix &&
         IsLowerHex(value.substr(kKeyedHashPrefix.size()));
}

std::string KeyedHash(std::string_view key, std::string_view value) {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(value.data()),
                                value.size());
  crypto_auth_hmacsha256_final(&st, mac);
  char hex[crypto_auth_hmacsha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
  return std::string("hmac-sha256:") + hex;
}

EgressDecision DecideEgress(const PeerProfile& peer, const Labels& labels, const json::object& obj,
                            const std::vector<std::string>& provenance, int hops) {
  std::string_view id;
  if (const json::value* v = obj.if_contains("id"); v != nullptr && v->is_string()) {
    id = v->get_string();
  }
  // Provenance is not an audience: a peer is never sent what came from or through a
  // node of its name, whatever the name. A keyed copy carries the provenance of its
  // original, so it never goes back to where the original came from either.
  if (std::find(provenance.begin(), provenance.end(), peer.node_name) != provenance.end()) {
    if (IsKeyedId(id)) {
      return Withheld("a keyed copy of an object that came from or through " + peer.node_name +
                      " (provenance)");
    }
    return Withheld("came from or through " + peer.node_name + " (provenance)");
  }
  // A relay carries what it received only so far.
  if (hops > 0 && hops >= peer.hop_limit) {
    return Withheld("hop limit: it reached this node after " + std::to_string(hops) +
                    (hops == 1 ? " hop" : " hops") + "; the hop limit towards " + peer.node_name +
                    " is " + std::to_string(peer.hop_limit));
  }
  Recipient node;
  node.reach = Reach::kPeerNode;
  node.communities = peer.communities;
  node.organisations = peer.recipients;
  switch (MatchAudience(labels.tlp, labels.audience, node)) {
    case AudienceMatch::kIncluded:
      break;
    case AudienceMatch::kNoCommunityNamed:
      return Withheld("TLP:GREEN without a named trust community stays on this node");
    case AudienceMatch::kNoSharedCommunity:
      return Withheld("TLP:GREEN: no community it is shared with lives on " + peer.node_name);
    case AudienceMatch::kNotARecipient:
      return Withheld(std::string("TLP:") +
                      (KnownTlp(labels.tlp) == Tlp::kAmberStrict ? "AMBER+STRICT" : "AMBER") +
                      ": no named recipient lives on " + peer.node_name);
    case AudienceMatch::kNotAnIndividual:  // not for a peer; withheld all the same
    case AudienceMatch::kRedNeverLeaves:
      return Withheld("TLP:RED is never forwarded by federation");
  }

  std::string_view type;
  if (const json::value* t = obj.if_contains("type"); t != nullptr && t->is_string()) {
    type = t->get_string();
  }
  EgressDecision d;
  d.allowed_by = AllowedBy(labels.tlp, labels.audience, node, peer.node_name);
  // Granular markings: the parts the peer may not receive stay here (granular.h); the
  // sovereignty rules then apply to what is left.
  const uint8_t peer_sees = WithObjectLevel(IncludedLevels(labels.audience, node), labels.tlp);
  PartRemoval parts =
      RemoveHiddenParts(obj, [peer_sees](Tlp tlp) { return InTlpSet(peer_sees, tlp); });
  if (!parts.withheld.empty()) return Withheld("granular markings: " + parts.withheld);
  for (const std::string& part : parts.removed) {
    d.changes.push_back(part + ": removed (granular marking; " + peer.node_name +
                        " may not receive it)");
  }
  const json::object& shareable = parts.removed.empty() ? obj : parts.object;
  d.object = shareable;
  const size_t granular_changes = d.changes.size();
  for (const SovereigntyRule& rule : peer.rules) {
    if (!RuleMatchesType(rule, type)) continue;
    if (rule.property.empty()) {
      if (rule.action == SovereigntyAction::kWithhold) {
        return Withheld("sovereignty: " + std::string(type) + " may not leave for " +
                        peer.jurisdiction);
      }
      continue;  // whole-object hashing only keys the id (below)
    }
    json::value* v = d.object.if_contains(rule.property);
    if (v == nullptr) continue;
    switch (rule.action) {
      case SovereigntyAction::kWithhold:
        return Withheld("sovereignty: " + std::string(type) + "." + rule.property +
                        " may not leave for " + peer.jurisdiction);
      case SovereigntyAction::kRedact:
        d.object.erase(rule.property);
        // The granular markings that named it go with it, as with a hidden part.
        DropSelectorsOf(d.object, rule.property);
        d.changes.push_back(rule.property + ": redacted");
        break;
      case SovereigntyAction::kKeyedHash:
        if (v->is_string() && IsKeyedHash(v->get_string())) {
          // Never hashed twice: a keyed copy relayed on leaves as it arrived.
          d.changes.push_back(rule.property + ": already a keyed hash, not hashed again");
          break;
        }
        if (peer.hash_key.empty()) {
          return Withheld("sovereignty: " + rule.property + " must be hashed but peer " +
                          peer.node_name + " has no hash key");
        }
        *v = KeyedHash(peer.hash_key, v->is_string() ? std::string_view(v->get_string())
                                                     : std::string_view(json::serialize(*v)));
        d.changes.push_back(rule.property + ": hashed");
        break;
    }
  }
  if (TypeIsHashed(peer, type)) {
    if (peer.hash_key.empty()) {
      return Withheld("sovereignty: " + std::string(type) + " must be hashed but peer " +
                      peer.node_name + " has no hash key");
    }
    if (json::value* out_id = d.object.if_contains("id");
        out_id != nullptr && out_id->is_string()) {
      if (IsKeyedId(out_id->get_string())) {
        d.changes.push_back("id: already keyed, not keyed again");
      } else {
        *out_id = KeyedId(peer.hash_key, out_id->get_string());
        d.changes.push_back("id: keyed");
      }
    }
  }
  RewriteRefs(peer, d.object, &d.changes);
  if (d.changes.size() > granular_changes) {
    // The peer checks what it receives like a client's POST: an object the rules left
    // invalid (a redacted required property) would be refused there, so it stays here.
    // Only findings the changes introduced count: the object as stored is this node's
    // business.
    const auto before = stix::ValidateObject(shareable);
    for (const stix::Finding& f : stix::ValidateObject(d.object)) {
      const bool is_new = std::none_of(before.begin(), before.end(), [&](const stix::Finding& b) {
        return b.property == f.property && b.rule == f.rule;
      });
      if (is_new) {
        return Withheld("sovereignty: " + d.changes[granular_changes] +
                        " leaves an invalid object (" + f.property + ": " + f.rule + ")");
      }
    }
  }
  d.send = true;
  return d;
}

}  // namespace entente::policy
