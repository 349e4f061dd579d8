// sightings/aggregator.h: indicator hits in, STIX 2.1 sightings out (issue 14).
//
// A sensor's matches would flood a publisher if each became an object. The aggregator
// keeps one sighting per (indicator, time window) for one sighting organisation: the
// first hit in a window opens it, later hits raise its `count` and widen `first_seen` /
// `last_seen`, and each Flush gives the sightings that changed since the last one as new
// versions of the same STIX object (same id, later `modified`), so a receiver always holds
// the latest count. Windows are aligned to the Unix epoch (an hour by default) and
// placed by the event's own time, not by when it was read.
//
// Who saw it (`where_sighted_refs`, STIX 2.1 §5.2: "Identity or Location objects") follows
// the organisation's choice:
//   kOrganisation       its identity and the location of its country (when it has one),
//                       and the sighting is `created_by_ref` it;
//   kSectorAndCountry   an identity standing for "an organisation of this sector" and a
//                       location for its country, both with ids derived from the sector
//                       and country alone (every organisation of the same sector and
//                       country shares them, so counts by sector and country still add
//                       up), and no `created_by_ref`;
//   kNothing            neither.
// Each sighting carries the TLP marking the organisation chose (AMBER by default) and, in
// entente's audience extension, the indicator's creator as its recipient, so that the
// policy gate lets it travel back toward where the indicator came from and no further
// (docs/sharing-rules.md).
//
// Sighting ids are random (UUIDv4), never derived from the organisation, so that an
// anonymised sighting's id does not let a receiver test which organisation made it. Raw
// telemetry never enters a sighting: no observed_data_refs.
//
// A sighting's first version is given by the first Flush after its first hit, so that it
// travels at once; later versions of an open window at most every `update_every_us`
// (Flush with `all` gives every change, e.g. when the sensor stops).
//
// SaveState/RestoreState carry the open windows across a restart: a sensor saves the state
// in the same transaction as the sightings of the same Flush, with the read positions of
// its logs, so that after a crash it resumes with counts that match what is stored.
//
// Memory is bounded by Expire: a window that ended more than `keep_us` before the given
// time is forgotten, and a later hit for it is counted in late_hits() and dropped rather
// than restarting its count. Not safe for concurrent use (one sensor pipeline owns one).
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/env.h"
#include "entente/status.h"
#include "policy/policy.h"

namespace entente::sightings {

enum class WhereSighted { kOrganisation, kSectorAndCountry, kNothing };

// "organisation", "sector-and-country", "nothing"; ParseWhereSighted accepts the same.
std::string_view WhereSightedName(WhereSighted where);
bool ParseWhereSighted(std::string_view name, WhereSighted* out);

struct SightingOrganisation {
  std::string identity_id;  // its STIX identity ("identity--…")
  std::string sector;       // a STIX industry-sector-ov value, e.g. "energy"
  std::string country;      // ISO 3166-1 alpha-2, e.g. "DE"
};

struct AggregatorOptions {
  int64_t window_us = int64_t{3600} * 1'000'000;
  WhereSighted where = WhereSighted::kOrganisation;
  int64_t keep_us = int64_t{24} * 3600 * 1'000'000;  // how long a closed window is kept
  // The TLP marking-definition of every sighting (TLP 2.0 AMBER by default).
  std::string marking_ref = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421";
  // A sighting that already has a version gets a new one at most this often.
  int64_t update_every_us = 0;
};

class Aggregator {
 public:
  // `random` makes the sighting ids (tests pass a deterministic one); it must outlive this.
  Aggregator(SightingOrganisation organisation, AggregatorOptions options,
             Random& random = SystemRandom());

  // One match of indicator `indicator_id` by an event at `time_us` (microseconds since the
  // epoch). `indicator_creator` is the indicator's created_by_ref ("" when it has none):
  // the recipient of the sighting.
  void Add(std::string_view indicator_id, int64_t time_us, std::string_view indicator_creator = {});

  // The objects to send: for each sighting that changed since the last Flush (and, unless
  // `all`, has no version yet or got its last one update_every_us or more before `now_us`),
  // its new version with `modified` = `now_us` (or 1 ms after its previous version,
  // whichever is later), preceded, the first time they are needed, by the identity and
  // location objects its where_sighted_refs name.
  std::vector<boost::json::object> Flush(int64_t now_us, bool all = false);

  // The state (open windows, what was expired) as JSON, and back. RestoreState replaces
  // the state; errors (invalid-argument naming the member) leave it empty.
  boost::json::object SaveState() const;
  Status RestoreState(const boost::json::object& state);

  // Forgets the windows that ended more than keep_us before `now_us`.
  void Expire(int64_t now_us);

  size_t open_windows() const { return windows_.size(); }
  uint64_t late_hits() const { return late_hits_; }

 private:
  struct Window {
    std::string id;        // "sighting--<uuid4>"
    uint32_t creator = 0;  // the indicator's created_by_ref (creators_), the recipient
    int64_t start_us = 0;
    int64_t first_us = 0, last_us = 0;
    uint64_t count = 0;
    int64_t created_us = 0;   // of the first version given; 0 before it
    int64_t modified_us = 0;  // of the last version given; 0 before the first
    bool changed = false;
  };
  // (indicator id, window start) -> window; found by a view of the id, without a copy.
  // The table is unordered (a hit finds its window without comparing ids down a tree);
  // Flush and SaveState give the windows in key order (id, then start) all the same.
  using Key = std::pair<std::string, int64_t>;
  using KeyView = std::pair<std::string_view, int64_t>;
  static KeyView View(const Key& k) { return {k.first, k.second}; }
  static KeyView View(const KeyView& k) { return k; }
  struct KeyHash {
    using is_transparent = void;
    template <typename K>
    size_t operator()(const K& k) const {
      KeyView v = View(k);
      return std::hash<std::string_view>()(v.first) ^
             (static_cast<size_t>(v.second) * size_t{0x9e3779b97f4a7c15ULL});
    }
  };
  struct KeyEqual {
    using is_transparent = void;
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return View(a) == View(b);
    }
  };
  using Windows = std::unordered_map<Key, Window, KeyHash, KeyEqual>;

  boost::json::object SightingJson(const std::string& indicator_id, const Window& w) const;

  SightingOrganisation organisation_;
  AggregatorOptions options_;
  Random& random_;
  // The entries of windows_ in key order (or only those that changed).
  std::vector<const Windows::value_type*> Sorted(bool changed_only) const;

  // The number of `creator` in creators_, adding it the first time (a feed has few
  // creators and many indicators: each window keeps a number, not a copy).
  uint32_t CreatorNumber(std::string_view creator);
  // 16 random bytes for a new sighting id, drawn from random_ 256 at a time.
  const unsigned char* RandomBytes();

  Windows windows_;
  std::vector<std::string> creators_{""};  // creators_[0] is "" (no created_by_ref)
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> creator_numbers_;
  unsigned char random_pool_[256];
  size_t random_used_ = sizeof random_pool_;
  int64_t forgotten_before_us_ = INT64_MIN;  // windows starting before this were expired
  uint64_t late_hits_ = 0;
  bool where_objects_sent_ = false;  // the identity/location of where_sighted_refs
};

// The identity and location that stand for "an organisation of `sector` in `country`"
// (kSectorAndCountry), with ids derived from sector and country alone (UUIDv5).
boost::json::object SectorIdentity(std::string_view sector, std::string_view country);
boost::json::object CountryLocation(std::string_view country);

}  // namespace entente::sightings
