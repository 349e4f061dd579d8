// web/reads.h: everything the dashboard reads from the store, through the policy gate.
//
// This is the only part of web/ that reads objects. Every read is the read TAXII makes
// (taxii/handler.cc, taxii/pages.h): a collection the reader may not read
// (policy::AccessToCollection) does not exist for it; object rows pass
// ObjectQuery::visible = policy::MayRead (so "newest" is the newest version the reader
// may see) and policy::MayRead again; what is shown of a row is its reader's view
// (policy::ViewFor, granular markings). Searches by value go through the value index
// (Store::ScanValueHolders, as store/seen.h) and keep a holder only when the newest
// version the reader may see, as the reader sees it, still holds the value. So an object
// the gate denies changes no answer here: every function gives what it would give were
// the object absent (not-found for ReadObject, in both cases with the same message).
//
// Every function is bounded (see the limits beside each); none loads a collection.
// Pure functions of the store's state, safe for concurrent use as the store is; results
// own their data.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "entente/status.h"
#include "policy/access.h"
#include "policy/policy.h"
#include "store/seen.h"
#include "store/store.h"

namespace entente::web {

// One object version as a list shows it (from the reader's view of it).
struct RowSummary {
  std::string collection_id;
  std::string collection_title;
  std::string id;
  std::string type;
  std::string version;  // "" when the object has neither modified nor created
  int64_t date_added_us = 0;
  policy::Tlp tlp = policy::Tlp::kAmber;
  std::string label;  // its name, value or pattern, whichever it has first ("" if none)
};

// The collections (of every API root) the reader may read, by root then title.
Result<std::vector<store::Collection>> ReadableCollections(store::Store& store,
                                                           const policy::Requester& who);

struct CollectionCounts {
  store::Collection collection;
  std::array<int64_t, 5> by_tlp{};  // indexed by int(policy::Tlp)
  int64_t total = 0;
  bool capped = false;  // the budget ran out: the counts are a lower bound
};

// Per readable collection, its objects (the newest version of each id the reader may
// see) by TLP, exact (Store::CountVisibleObjects: on SqliteStore from counts kept per
// label, plus the objects whose versions carry different labels, read one by one);
// `budget` bounds the rows read per collection (capped when it runs out).
Result<std::vector<CollectionCounts>> CountObjects(store::Store& store,
                                                   const policy::Requester& who, size_t budget);

struct HourlyCounts {
  int64_t first_hour_us = 0;    // start of the first bucket (a whole UTC hour)
  std::vector<int64_t> counts;  // versions added per hour, oldest first
  bool capped = false;          // more than `cap` versions: the counts stop there
};

// Object versions the reader may see, added to its readable collections per UTC hour, in
// the `hours` hours up to and including the one holding `now_us`; only those of `types`
// when it is not empty (through the store's index by collection, type and date_added).
// Each hour counts up to `cap` versions (then `capped`).
Result<HourlyCounts> AddedPerHour(store::Store& store, const policy::Requester& who, int64_t now_us,
                                  int hours, size_t cap, std::vector<std::string> types = {});

// The newest `limit` sightings the reader may see, added after `since_us` (up to the
// time `now_us`), newest first: read newest first through the store's index by
// collection, type and date_added, so the cost is about `limit` rows per collection
// (plus the sightings it may not see among the newest): docs/benchmarks.md, "Dashboard".
Result<std::vector<RowSummary>> RecentSightings(store::Store& store, const policy::Requester& who,
                                                int64_t since_us, int64_t now_us, size_t limit);

struct BrowseQuery {
  std::string collection_id;
  std::string type;                 // "" = any
  std::optional<policy::Tlp> tlp;   // nullopt = any
  std::string community;            // "" = any; else objects shared with this trust community
  std::optional<int64_t> after_us;  // the cursor: rows added after this
  size_t limit = 50;
  size_t budget = 5000;  // visible rows examined at most for one page
};

struct BrowsePage {
  std::vector<RowSummary> rows;
  bool more = false;
  int64_t next_after_us = 0;  // the cursor of the following page (when `more`)
};

// One page of a collection (newest version of each id the reader may see, oldest added
// first). not-found when the collection is absent or not readable. The cursor is always
// the date_added of a row the reader may see.
Result<BrowsePage> Browse(store::Store& store, const policy::Requester& who,
                          const BrowseQuery& query);

// The objects whose newest visible version holds `value` (value index), at most `limit`.
Result<std::vector<RowSummary>> SearchValue(store::Store& store, const policy::Requester& who,
                                            const std::string& value, size_t limit);

// The newest visible version of `id` in each readable collection that holds one.
Result<std::vector<RowSummary>> FindById(store::Store& store, const policy::Requester& who,
                                         const std::string& id);

// A relationship pointing at an object, as the reader sees it.
struct IncomingRelationship {
  RowSummary relationship;
  std::string relationship_type;
  std::string source_ref;
};

struct ObjectDetail {
  RowSummary summary;  // of the newest version the reader may see
  store::Collection collection;
  policy::Labels labels;
  std::string json;  // that version as the reader may receive it
  // The versions the reader may see, oldest first: (version, date_added); the version
  // is "" for an object with neither modified nor created.
  std::vector<std::pair<std::string, int64_t>> versions;
  std::optional<store::Provenance> provenance;            // of the newest; nullopt: made here
  std::vector<std::pair<std::string, std::string>> refs;  // (property, id) it points at
  std::vector<RowSummary> sightings;                      // sightings of it, newest first
  // Relationships whose target_ref is this object (found through the value index), the
  // newest version of each the reader may see whose view still points here, newest first.
  std::vector<IncomingRelationship> incoming;
  bool incoming_more = false;  // more visible ones than kMaxIncoming: the first are shown
  // "Who else saw it": the sightings of it the reader may see, by country and sector of
  // where they were seen (store/seen.h, SeenQuery::object_id), from at most
  // kMaxSeenSightings sightings looked at.
  store::SeenReport seen;
};

// The bounds of the object page's lists (docs/dashboard.md states them).
inline constexpr size_t kMaxIncoming = 50;           // relationships shown
inline constexpr size_t kMaxIncomingExamined = 200;  // relationships (collection, id) looked at
inline constexpr size_t kMaxSeenSightings = 500;     // sightings counted at most

// The object `id` in `collection_id` as the reader may see it; not-found (message
// "no such object") when the collection or the object is absent or hidden. The lists
// looked at through the value index (sightings, relationships pointing at it, "who else
// saw it") are bounded by how many entries are looked at, hidden ones included; what the
// page shows of them is computed from visible ones only, and the bounds are stated, never
// signalled, so that reaching one says nothing about objects the reader may not see.
Result<ObjectDetail> ReadObject(store::Store& store, const policy::Requester& who,
                                const std::string& collection_id, const std::string& id);

}  // namespace entente::web
