// store/seen.h: "who else saw it" (issue 14) — for an observable value or an indicator, the
// sightings a reader may see, counted by country, sector and day.
//
// Correlation goes through the value index (Store::ScanValueHolders), computed when asked:
// the value leads to the versions holding it, the indicators among them lead (through the
// index of each sighting's sighting_of_ref) to their sightings. Nothing is kept per pair of
// objects. Every object that shapes the answer passes the read gate of every other read
// path: the collection must be readable by the reader (policy::AccessToCollection), the
// version is the newest one it may see (ObjectQuery::visible with policy::MayRead, as TAXII
// and `entente export` read), and only the parts its granular markings let the reader see
// are looked at (policy::ViewFor). So an object the reader may not see changes nothing in
// the answer: the answer is the one the reader would get were that object absent.
//
//   object_id    any object (an indicator, a malware, an observable…) the reader may see
//                some version of stands as the one "indicator" below: its sightings are
//                counted the same way (the dashboard's "who else saw it").
//   indicators   an indicator matches when the newest version of it the reader may see
//                holds the value (and the reader sees its pattern); with an indicator id,
//                when the reader may see some version of it. A sighting of an indicator the
//                reader may not see is not counted, even when the sighting is visible.
//   sightings    per sighting id, the newest version the reader may see (later versions
//                carry the running count, sightings/aggregator.h), whose sighting_of_ref is
//                a matching indicator; one sighting id held in several collections counts
//                once, as its newest `modified`.
//   count        the sighting's `count`, 1 when the reader sees none.
//   day          the UTC date (YYYY-MM-DD) of last_seen, else first_seen, else "unknown".
//   country      the `country` of the first location in where_sighted_refs the reader may
//                see, else "unknown".
//   sector       the first of the `sectors` of the first identity in where_sighted_refs the
//                reader may see (an organisation's own identity, or the sector identity of
//                an anonymised sighting), else "unknown".
//
// Residual channel: the time a lookup takes grows with the number of holders of the value,
// hidden ones included (each is read and refused by the gate).
//
// Seen is a pure function of the store's state; safe for concurrent use as the store is.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "entente/status.h"
#include "policy/policy.h"
#include "store/store.h"

namespace entente::store {

struct SeenQuery {
  std::string value;         // an observable value, or
  std::string indicator_id;  // an indicator id, or
  std::string object_id;     // any object's id (its sightings): exactly one of the three
  std::string api_root;      // only the collections of this API root; empty: every root
  // At most this many sightings (collection, id) of the readable collections are looked
  // at, hidden ones included (0: no bound). The bound is the caller's to state: the
  // report does not say whether it was reached, since reaching it may be the doing of
  // sightings the reader may not see.
  size_t max_sightings = 0;
};

struct SeenReport {
  std::vector<std::string> indicators;  // matching indicator ids, sorted, unique
  int64_t sightings = 0;                // sighting ids counted
  int64_t total = 0;                    // the sum of their counts
  // Sums of counts; each map's values add up to `total`.
  std::map<std::string, int64_t> by_country, by_sector, by_day;
};

// kInvalidArgument when the query sets none or more than one of value, indicator_id and
// object_id, an indicator_id that is not "indicator--…", or an object_id without "--".
Result<SeenReport> Seen(Store& store, const policy::Requester& who, const SeenQuery& query);

// The report as the JSON the CLI (--json), the TAXII endpoint and the dashboard share:
// {"query": {"value"|"indicator": …}, "indicators": [...], "sightings": n, "total": n,
//  "by_country": {...}, "by_sector": {...}, "by_day": {...}} (docs/sightings.md).
boost::json::object SeenJson(const SeenQuery& query, const SeenReport& report);

}  // namespace entente::store
