#include "stix/deterministic_id.h"

#include <algorithm>
#include <boost/uuid/name_generator_sha1.hpp>
#include <boost/uuid/uuid_io.hpp>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <span>
#include <string_view>
#include <vector>

namespace entente::stix {
namespace {

namespace json = boost::json;

// True when one of the 8 bytes of `w` is below 0x20, '"' or '\\': the bytes JSON escapes
// (the usual "has zero byte" and "has byte less than" word tricks, exact for existence;
// bytes of 0x80 and above, UTF-8's, never match).
bool NeedsEscape8(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
  const uint64_t below_space = (w - kOnes * 0x20) & ~w & kHigh;
  const uint64_t q = w ^ (kOnes * '"');
  const uint64_t b = w ^ (kOnes * '\\');
  const uint64_t quote = (q - kOnes) & ~q & kHigh;
  const uint64_t backslash = (b - kOnes) & ~b & kHigh;
  return (below_space | quote | backslash) != 0;
}

// True when no byte of `s` needs an escape: eight bytes at a time, the last (partial) word
// read again as the string's final eight bytes when it is that long.
bool NothingToEscape(std::string_view s) {
  const size_t n = s.size();
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    if (NeedsEscape8(w)) return false;
  }
  if (i == n) return true;
  if (n >= 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + n - 8, 8);
    return !NeedsEscape8(w);
  }
  for (; i < n; ++i) {
    const auto u = static_cast<unsigned char>(s[i]);
    if (u < 0x20 || u == '"' || u == '\\') return false;
  }
  return true;
}

void AppendString(std::string& out, std::string_view s) {
  if (NothingToEscape(s)) {  // nearly every string of a STIX object: one copy
    const size_t at = out.size();
    out.resize(at + s.size() + 2);
    char* p = out.data() + at;
    p[0] = '"';
    std::memcpy(p + 1, s.data(), s.size());
    p[s.size() + 1] = '"';
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  size_t run = 0;  // start of the characters not yet written, which need no escape
  for (size_t i = 0; i < s.size(); ++i) {
    // Eight bytes at a time while none needs an escape (nearly all of a STIX object).
    while (i + 8 <= s.size()) {
      uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      if (NeedsEscape8(w)) break;
      i += 8;
    }
    if (i >= s.size()) break;
    const auto u = static_cast<unsigned char>(s[i]);
    if (u >= 0x20 && u != '"' && u != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (s[i]) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += "\\u00";
        out.push_back(kHex[u >> 4]);
        out.push_back(kHex[u & 0xf]);
    }
  }
  out.append(s.data() + run, s.size() - run);
  out.push_back('"');
}

void AppendCanonical(std::string& out, const json::value& v);

void AppendCanonicalObject(std::string& out, const json::object& o) {
  // Members sorted by key: on the stack for objects of up to 32 members (nearly every
  // STIX object), which the record hashes one by one on the ingest path.
  const json::key_value_pair* small[32];
  std::vector<const json::key_value_pair*> large;
  const json::key_value_pair** members = small;
  if (o.size() > 32) {
    large.resize(o.size());
    members = large.data();
  }
  size_t n = 0;
  for (const json::key_value_pair& kv : o) members[n++] = &kv;
  // Insertion sort, the first bytes compared inline: for a dozen short keys, most of
  // which differ in their first byte, several times faster than std::sort's calls.
  for (size_t i = 1; i < n; ++i) {
    const json::key_value_pair* m = members[i];
    const std::string_view k = m->key();
    size_t j = i;
    while (j > 0) {
      const std::string_view p = members[j - 1]->key();
      const bool after = !p.empty() && !k.empty() && p[0] != k[0]
                             ? static_cast<unsigned char>(p[0]) > static_cast<unsigned char>(k[0])
                             : p > k;
      if (!after) break;
      members[j] = members[j - 1];
      --j;
    }
    members[j] = m;
  }
  out.push_back('{');
  bool first = true;
  for (const json::key_value_pair* kv : std::span(members, n)) {
    if (!first) out.push_back(',');
    first = false;
    AppendString(out, kv->key());
    out.push_back(':');
    AppendCanonical(out, kv->value());
  }
  out.push_back('}');
}

void AppendCanonical(std::string& out, const json::value& v) {
  char buf[64];
  switch (v.kind()) {
    case json::kind::null:
      out += "null";
      return;
    case json::kind::bool_:
      out += v.get_bool() ? "true" : "false";
      return;
    case json::kind::int64: {
      auto r = std::to_chars(buf, buf + sizeof buf, v.get_int64());
      out.append(buf, r.ptr);
      return;
    }
    case json::kind::uint64: {
      auto r = std::to_chars(buf, buf + sizeof buf, v.get_uint64());
      out.append(buf, r.ptr);
      return;
    }
    case json::kind::double_: {
      const double d = v.get_double();
      if (d == static_cast<double>(static_cast<int64_t>(d)) && d > -9.0e15 && d < 9.0e15) {
        auto r = std::to_chars(buf, buf + sizeof buf, static_cast<int64_t>(d));
        out.append(buf, r.ptr);
      } else {
        auto r = std::to_chars(buf, buf + sizeof buf, d);
        out.append(buf, r.ptr);
      }
      return;
    }
    case json::kind::string:
      AppendString(out, v.get_string());
      return;
    case json::kind::array: {
      out.push_back('[');
      bool first = true;
      for (const json::value& item : v.get_array()) {
        if (!first) out.push_back(',');
        first = false;
        AppendCanonical(out, item);
      }
      out.push_back(']');
      return;
    }
    case json::kind::object: {
      AppendCanonicalObject(out, v.get_object());
      return;
    }
  }
}

struct ContributingProperties {
  std::string_view type;
  std::initializer_list<std::string_view> properties;
};

// STIX 2.1 section 6: the ID-contributing properties of each SCO type (process has none).
const ContributingProperties kContributing[] = {
    {"artifact", {"hashes", "payload_bin"}},
    {"autonomous-system", {"number"}},
    {"directory", {"path"}},
    {"domain-name", {"value"}},
    {"email-addr", {"value"}},
    {"email-message", {"from_ref", "subject", "body"}},
    {"file", {"hashes", "name", "extensions", "parent_directory_ref"}},
    {"ipv4-addr", {"value"}},
    {"ipv6-addr", {"value"}},
    {"mac-addr", {"value"}},
    {"mutex", {"name"}},
    {"network-traffic",
     {"start", "end", "src_ref", "dst_ref", "src_port", "dst_port", "protocols", "extensions"}},
    {"software", {"name", "cpe", "swid", "vendor", "version"}},
    {"url", {"value"}},
    {"user-account", {"account_type", "user_id", "account_login"}},
    {"windows-registry-key", {"key", "values"}},
    {"x509-certificate", {"hashes", "serial_number"}},
};

// The one hash that contributes to an id.
json::value OneHash(const json::value& hashes) {
  if (!hashes.is_object() || hashes.get_object().empty()) return hashes;
  const json::object& h = hashes.get_object();
  for (std::string_view preferred : {"MD5", "SHA-1", "SHA-256", "SHA-512"}) {
    if (const json::value* v = h.if_contains(preferred)) {
      json::object one;
      one[preferred] = *v;
      return one;
    }
  }
  const json::key_value_pair* first = nullptr;
  for (const json::key_value_pair& kv : h) {
    if (!first || std::string_view(kv.key()) < std::string_view(first->key())) first = &kv;
  }
  json::object one;
  one[first->key()] = first->value();
  return one;
}

}  // namespace

std::string CanonicalJson(const json::value& value) {
  std::string out;
  AppendCanonical(out, value);
  return out;
}

void AppendCanonicalJson(const json::object& object, std::string* out) {
  AppendCanonicalObject(*out, object);
}

Result<std::string> DeterministicScoId(const json::object& sco) {
  const json::value* type = sco.if_contains("type");
  if (!type || !type->is_string()) {
    return Status::InvalidArgument("type: required-property: the object has no string type");
  }
  const std::string_view type_name(type->get_string());
  const ContributingProperties* spec = nullptr;
  for (const ContributingProperties& c : kContributing) {
    if (c.type == type_name) spec = &c;
  }
  if (!spec) {
    return Status::InvalidArgument("type: " + std::string(type_name) +
                                   " has no ID-contributing properties; use a random id");
  }
  json::object contributing;
  for (std::string_view name : spec->properties) {
    const json::value* v = sco.if_contains(name);
    if (!v) continue;
    contributing[name] = name == "hashes" ? OneHash(*v) : *v;
  }
  if (contributing.empty()) {
    return Status::InvalidArgument(std::string(type_name) +
                                   ": none of the ID-contributing properties is present; use a "
                                   "random id");
  }
  static const boost::uuids::name_generator_sha1 kGenerator(
      boost::uuids::uuid{{0x00, 0xab, 0xed, 0xb4, 0xaa, 0x42, 0x46, 0x6c, 0x9c, 0x01, 0xfe, 0xd2,
                          0x33, 0x15, 0xa9, 0xb7}});
  const std::string canonical = CanonicalJson(contributing);
  const boost::uuids::uuid id = kGenerator(canonical.data(), canonical.size());
  return std::string(type_name) + "--" + boost::uuids::to_string(id);
}

}  // namespace entente::stix
