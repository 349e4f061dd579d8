// sensor/indicator_feed.h: the indicators one organisation may read on this node, compiled
// for matching and kept current while a sensor runs (issue 14; docs/telemetry.md).
//
// Load reads every indicator version the requester may read, in every collection it may
// read (the policy gate deciding each version as TAXII does, parts under granular
// markings it may not see left out), into a pattern::index::LiveIndicators, and compiles
// the indicators it decides to match into an IndicatorIndex. Refresh then follows the
// store without stopping the matching threads:
//   - versions stored since the last look (per collection, by date_added) are added, so a
//     new version, a revocation or an indicator that arrived by federation counts at once;
//   - a deleted version (a tombstone) makes its id be read again from the store;
//   - when the set of collections the requester may read changes, everything is read
//     again;
//   - time: an indicator starts being matched when its valid_from arrives, stops when its
//     valid_until passes (STIX 2.1 §4.7) and stops when its decay score falls below the
//     threshold of its kind (pattern/index/decay.h); each id's next such instant waits in
//     a queue, so a Refresh looks only at the ids whose time has come.
// The caller may also suppress indicators (warninglists, with operator overrides):
// FeedOptions::suppress is asked once per current version and its answer is the reason.
//
// Every indicator known and not matched has a reason (Why), one of: "revoked", "not STIX
// patterning", "not valid before T", "expired at T", "decayed (score S < threshold R)",
// the caller's suppression text, or the pattern's compile error.
//
// So that a suppressed match can be told with its reason, the index holds every
// indicator whose pattern it can compile and that is not revoked - also those outside
// their validity, decayed or suppressed; the caller asks Matches(id) of each hit.
//
// Matching threads take snapshot() (lock-free; indicator_index.h). Load, Refresh and the
// accessors run on one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "entente/status.h"
#include "pattern/index/decay.h"
#include "pattern/index/indicator_index.h"
#include "pattern/index/live_indicators.h"
#include "policy/access.h"
#include "store/store.h"

namespace entente::sensor {

struct FeedOptions {
  // When set, indicators whose score falls below their kind's threshold are not matched.
  std::optional<pattern::index::DecayModel> decay;
  // "" to match the indicator, else why not (e.g. "on warninglist X (value)").
  std::function<std::string(const pattern::index::IndicatorState&)> suppress;
  pattern::index::IndexOptions index;
};

// What one Refresh changed.
struct FeedChanges {
  size_t added = 0;    // indicators put in the index (new, or with a new pattern)
  size_t removed = 0;  // indicators taken out of it
  bool reloaded = false;
};

// The counts of the indicators known, by what became of them.
struct FeedCounts {
  size_t matched = 0;
  size_t revoked = 0, not_stix = 0, not_yet_valid = 0, expired = 0, decayed = 0;
  size_t suppressed = 0, not_compiled = 0;
};

class IndicatorFeed {
 public:
  IndicatorFeed(store::Store& store, policy::Requester who, FeedOptions options);

  // Reads everything (see above). Errors: those of the store, or internal when the index
  // cannot be built as a whole.
  Status Load(int64_t now_us);
  // Follows what changed since the last Load or Refresh (see above).
  Result<FeedChanges> Refresh(int64_t now_us);

  std::shared_ptr<const pattern::index::IndexSnapshot> snapshot() const {
    return index_->snapshot();
  }
  // The indicator's created_by_ref ("" when none or unknown).
  std::string_view CreatorOf(std::string_view id) const;
  // Whether a hit on `id` counts; when not, *why (if given) says why.
  bool Matches(std::string_view id, std::string* why = nullptr) const;
  // Why a known indicator is not matched ("" when it is, or is unknown).
  std::string Why(std::string_view id) const;
  FeedCounts Counts() const;

 private:
  struct Mark {
    int64_t added_after_us = 0;
    int64_t tombstone_seq = 0;
  };
  struct Decision {
    std::string why;      // "" when matched
    std::string pattern;  // the pattern in the index ("" when not in it)
    enum Reason {
      kMatched,
      kRevoked,
      kNotStix,
      kNotYet,
      kExpired,
      kDecayed,
      kSuppressed,
      kNotCompiled
    } reason = kMatched;
  };

  Status ReadCollections(std::set<std::string>* readable);
  // What collection `c` got since `mark`: the ids of indicators with versions deleted since
  // and of indicator versions stored since (read into live_); moves the mark.
  Status ReadSince(const std::string& c, Mark* mark, std::set<std::string>* ids,
                   std::set<std::string>* deleted);
  // Reads the versions of `query` the requester may read into live_; adds their ids.
  Status ReadVersions(const store::ObjectQuery& query, std::set<std::string>* ids,
                      int64_t* last_added_us);
  // Re-decides `ids` at `now_us` and publishes the difference in one Add and one Remove.
  Status Decide(const std::set<std::string>& ids, int64_t now_us, FeedChanges* changes);
  Decision DecideOne(const pattern::index::IndicatorState& s, int64_t now_us,
                     std::optional<int64_t>* next_us) const;

  store::Store& store_;
  const policy::Requester who_;
  const FeedOptions options_;
  std::unique_ptr<pattern::index::IndicatorIndex> index_;
  pattern::index::LiveIndicators live_;
  std::map<std::string, Mark, std::less<>> marks_;          // readable collection -> mark
  std::map<std::string, Decision, std::less<>> decisions_;  // id -> its decision
  std::multimap<int64_t, std::string> due_;                 // instant -> id to decide again
};

}  // namespace entente::sensor
