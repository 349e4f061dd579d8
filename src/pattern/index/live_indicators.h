// LiveIndicators: which STIX indicators are live - the ones observations are matched
// against - decided in one place for `entente match` and the sightings pipeline.
//
// Versions of indicators are handed in with Add (any STIX objects, in any order, from
// any number of inputs); Live lists the live indicators as IndicatorIndex takes them.
// The rules, from STIX 2.1:
//  - Section 3.6: "A version of a STIX Object is identified uniquely by the combination
//    of its id and modified properties. [...] Implementations MUST consider the version
//    of the STIX Object with the most recent modified value to be the most recent state
//    of the object." So an id's current version is the one whose `modified` is the
//    latest instant (compared as times, whatever their fractional digits); a version
//    without a valid `modified` is older than every version with one; of versions with
//    the same instant, the one added last counts.
//  - Section 3.6: "A value of true in the revoked property indicates that an object
//    (including the current version and all past versions) has been revoked.
//    Revocation is permanent: once an object is marked as revoked, later versions of
//    that object MUST NOT be created." So an id is not live once any version of it says
//    `"revoked": true`, whatever other versions say.
//  - The current version is matched only when its pattern is STIX patterning: its
//    `pattern_type` is "stix", or it has none (STIX 2.0 indicators have none). Its
//    `pattern_version` "2.0" selects STIX 2.0 patterning, anything else 2.1.
//  - Section 4.7 (Indicator): `valid_from` is "the time from which this Indicator is
//    considered a valid indicator", `valid_until` "the time at which this Indicator
//    should no longer be considered a valid indicator [...] If the valid_until property
//    is omitted, then there is no constraint on the latest time for which the Indicator
//    is valid." These count only when LiveOptions::valid_at asks for them: the current
//    version is then live when valid_from <= valid_at < valid_until (a bound that is
//    absent or not a valid timestamp does not constrain).
//  - A version without an id and a pattern (non-empty strings) is refused by Add and
//    counts for nothing.
//
// A sensor that runs while indicators change (issue 14) keeps one LiveIndicators, adds
// the versions stored since its last look, Forgets an id whose versions were deleted (and
// adds back those that remain), and asks Find for what decides each changed id.
//
// Not safe for concurrent use (one writer, or a mutex around it). Live returns values
// the caller owns.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "entente/status.h"
#include "pattern/index/indicator_index.h"

namespace entente::pattern::index {

struct LiveOptions {
  // When set (microseconds since the epoch), only indicators valid at that instant.
  std::optional<int64_t> valid_at;
};

// What decides whether one id is live: its current version and whether any version
// revoked it.
struct IndicatorState {
  IndicatorSpec spec;
  bool revoked = false;
  bool stix = true;  // pattern_type "stix" or none
  std::optional<int64_t> valid_from_us, valid_until_us;
  std::optional<int64_t> created_us;  // `created`, when valid
  std::optional<int64_t> confidence;  // `confidence` (0-100), when an integer in range
  std::string created_by;             // `created_by_ref`, "" when absent

  // Live at `at` (microseconds; no time bound when absent), under the rules above.
  bool LiveAt(std::optional<int64_t> at) const;
};

class LiveIndicators {
 public:
  // Takes one STIX object into account; objects that are not indicators are ignored.
  // Errors: invalid-argument "indicator ID: needs an id and a pattern" (ID "(no id)"
  // when it has none) for an indicator without them, which is then ignored.
  Status Add(const boost::json::object& object);

  // The live indicators, ordered by id.
  std::vector<IndicatorSpec> Live(const LiveOptions& options = {}) const;

  // The state of `id`; nullptr when no version of it was added since it was last
  // forgotten. The pointer is valid until the next Add or Forget.
  const IndicatorState* Find(std::string_view id) const;
  // Drops everything known of `id` (its versions were deleted).
  void Forget(std::string_view id);
  size_t size() const { return by_id_.size(); }

 private:
  struct Entry {
    IndicatorState state;       // of the current version; `revoked` of any version
    bool has_modified = false;  // the current version's `modified` is a valid timestamp
    int64_t modified_us = 0;
  };
  std::map<std::string, Entry, std::less<>> by_id_;
};

}  // namespace entente::pattern::index
