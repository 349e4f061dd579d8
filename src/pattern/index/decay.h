// Decay: how much an indicator is still worth as it ages, so that old indicators stop
// producing sightings without anyone revoking them (issue 14). In the spirit of MISP's
// polynomial decay model, per kind of observable the indicator's pattern compares:
//
//   score(age) = base * (1 - (age / lifetime) ^ (1 / speed))    for 0 <= age < lifetime
//   score(age) = 0                                             from the lifetime on
//
// `base` is the indicator's STIX `confidence` (0-100) when it has one, else 100; `age`
// runs from its `valid_from` (else `created`). `speed` above 1 keeps the score high for
// longer and then drops it fast; below 1 drops it early. An indicator is matched while its
// score is at least the kind's `threshold`. An addresses' lifetime is short (hosting moves
// on), a file hash's long; the defaults below are a starting point an operator tunes.
//
// The model's text form, one rule per line (blank lines and `#` comments ignored):
//   KIND lifetime=DURATION speed=NUMBER threshold=NUMBER
// KIND is one of ipv4, ipv6, domain, url, email, file, x509, other; DURATION a number
// with s, m, h or d (days), rounded to whole seconds. Each line replaces the default of its
// kind.
//
// Pure values; safe for concurrent reads.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "entente/status.h"

namespace entente::pattern::index {

enum class DecayKind { kIpv4, kIpv6, kDomain, kUrl, kEmail, kFile, kX509, kOther };
inline constexpr size_t kDecayKinds = 8;

// "ipv4", "ipv6", "domain", "url", "email", "file", "x509", "other".
std::string_view DecayKindName(DecayKind kind);

// The kind of the STIX object type a pattern compares ("ipv4-addr" -> kIpv4,
// "file" -> kFile, "x509-certificate" -> kX509, anything unknown -> kOther).
DecayKind DecayKindOfType(std::string_view stix_type);

struct DecayRule {
  int64_t lifetime_us = 0;
  double speed = 1.0;
  double threshold = 0.0;
};

class DecayModel {
 public:
  // The defaults: ipv4/ipv6 30 days, domain and url 90 days, email 180 days, file and x509
  // 2 years, other 1 year; speed 1 (linear) for addresses, 2 for the rest; threshold 30.
  DecayModel();

  // The text form above. Errors: invalid-argument naming the line and what is wrong.
  static Result<DecayModel> Parse(std::string_view text);

  const DecayRule& rule(DecayKind kind) const { return rules_[static_cast<size_t>(kind)]; }

  // The score (0-100) of an indicator of `kind` with confidence `base` (0-100) aged `age_us`.
  double Score(DecayKind kind, double base, int64_t age_us) const;
  // Whether it is still matched: Score >= the kind's threshold.
  bool Alive(DecayKind kind, double base, int64_t age_us) const;

  // The model in its text form, one line per kind (Parse gives the same model back).
  std::string Format() const;

 private:
  std::array<DecayRule, kDecayKinds> rules_;
};

}  // namespace entente::pattern::index
