// Warninglists: lists of values known to be benign or too common to mean anything (public
// DNS resolvers, cloud ranges, the most visited domains, hashes that turn up in IOC lists
// by mistake), in the format of MISP's warninglists (`lists/<name>/list.json`: `name`,
// `description`, `version`, `type`, `list`, `matching_attributes`). An indicator whose
// value is on one is flagged when it comes in and is not matched (issue 14), so that one
// careless indicator for 8.8.8.8 does not turn every DNS query into a sighting.
//
// How an entry matches a value, by the list's `type` (as MISP defines them):
//   cidr       the value is an IPv4/IPv6 address or block inside one of the list's
//              addresses or blocks (a bare address is a /32 or /128);
//   string     the value equals an entry, ignoring ASCII case;
//   hostname   the value (or the host of a URL value) equals an entry or is a subdomain
//              of one, ignoring ASCII case and a trailing dot;
//   substring  the value contains an entry, ignoring ASCII case;
//   regex      an entry (RE2 syntax; MISP's are PCRE, and the few that RE2 refuses make
//              the list fail to load with the entry named) matches part of the value.
// `matching_attributes` (MISP attribute types) is kept for display and not used: the
// type decides.
//
// ParseWarninglist is a parser of untrusted input (an operator may load any file): it
// returns errors, never throws, and has a fuzz target. A WarninglistSet is built once
// and then read-only: queries are safe for concurrent use.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "entente/status.h"
#include "pattern/ast.h"
#include "pattern/index/cidr_set.h"

namespace re2 {
class RE2;
}

namespace entente::pattern::index {

enum class WarninglistType { kCidr, kString, kHostname, kSubstring, kRegex };

// "cidr", "string", "hostname", "substring", "regex".
std::string_view WarninglistTypeName(WarninglistType type);

struct Warninglist {
  std::string name;
  std::string description;
  int64_t version = 0;
  WarninglistType type = WarninglistType::kString;
  std::vector<std::string> entries;
  std::vector<std::string> matching_attributes;
};

// One list.json. Errors: invalid-argument naming the member that is missing or of the
// wrong kind, an unknown `type`, or an entry that is not valid for the type (a cidr entry
// that is not an address or block, a regex RE2 refuses).
Result<Warninglist> ParseWarninglist(std::string_view json);

class WarninglistSet {
 public:
  WarninglistSet();
  ~WarninglistSet();
  WarninglistSet(WarninglistSet&&) noexcept;
  WarninglistSet& operator=(WarninglistSet&&) noexcept;

  // Adds a parsed list (entries already checked by ParseWarninglist). Lists added after
  // Build are not queried until Build runs again.
  void Add(Warninglist list);
  void Build();

  const std::vector<Warninglist>& lists() const { return lists_; }

  // The names of the lists `value` is on, each once, in the order the lists were added.
  std::vector<std::string_view> ListsContaining(std::string_view value) const;

 private:
  std::vector<Warninglist> lists_;
  CidrSet cidrs_;
  std::unordered_map<std::string, std::vector<uint32_t>> exact_;      // lower-cased entry
  std::unordered_map<std::string, std::vector<uint32_t>> hostnames_;  // lower-cased, no dot
  std::vector<std::pair<std::string, uint32_t>> substrings_;          // lower-cased
  std::vector<std::pair<std::unique_ptr<re2::RE2>, uint32_t>> regexes_;
};

// A value an indicator's pattern compares with that is on a warninglist.
struct WarninglistHit {
  std::string value;  // the string constant, as written in the pattern (unescaped)
  std::string list;   // the list's `name`

  bool operator==(const WarninglistHit&) const = default;
};

// The values `pattern` (STIX patterning text of `version`) looks for that are on a list of
// `set`: the string constants of every comparison that is not negated and compares with
// `=`, `IN` (each member) or `ISSUBSET` (an address or block, which the cidr lists hold),
// one hit per (value, list), in the order the pattern writes them and then the order of
// the lists. LIKE and MATCHES name no value and are not looked up; neither are `!=`,
// `NOT =` (the value is what the indicator excludes) nor non-string constants.
// A pattern that does not parse (with the default limits) has no hits: admission refuses
// it anyway. Empty at once, without parsing, when `set` holds no list.
std::vector<WarninglistHit> WarninglistHitsOfPattern(const WarninglistSet& set,
                                                     std::string_view pattern, StixVersion version);

// "on warninglist NAME (VALUE)" for each hit, joined by "; ": the first `max_hits`, then
// "; and N more". How every way in tells of a flagged indicator.
std::string DescribeWarninglistHits(const std::vector<WarninglistHit>& hits, size_t max_hits = 5);

}  // namespace entente::pattern::index
