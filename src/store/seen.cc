#include "store/seen.h"

#include <algorithm>
#include <boost/json/array.hpp>
#include <optional>
#include <set>
#include <string_view>
#include <tuple>
#include <utility>

#include "common/timestamp.h"
#include "policy/access.h"
#include "policy/granular.h"
#include "stix/stix.h"

namespace entente::store {
namespace {

namespace json = boost::json;

std::string_view StringOf(const json::object& obj, std::string_view key) {
  const json::value* v = obj.if_contains(key);
  if (v == nullptr || !v->is_string()) return {};
  return v->get_string();
}

int64_t MicrosOf(std::string_view text) {
  auto t = ParseTimestamp(text);
  return t.ok() ? t->micros : INT64_MIN;
}

// The newest version of an object the reader may see in one collection, as the reader
// receives it (granular parts it may not see taken out).
struct VisibleVersion {
  std::string collection_id;
  std::string version;
  json::object object;
};

class SeenRun {
 public:
  SeenRun(Store& store, const policy::Requester& who) : store_(store), who_(who) {}

  // The collections the reader may read, of one API root or of all.
  Status ListReadable(const std::string& api_root) {
    std::vector<std::string> roots;
    if (!api_root.empty()) {
      roots.push_back(api_root);
    } else {
      auto all = store_.ListApiRoots();
      if (!all.ok()) return all.status();
      for (const auto& r : *all) roots.push_back(r.name);
    }
    for (const auto& root : roots) {
      auto colls = store_.ListCollections(root);
      if (!colls.ok()) return colls.status();
      for (const auto& c : *colls) {
        if (policy::AccessToCollection(who_, c.readers, c.writers).can_read) {
          readable_.insert(c.id);
        }
      }
    }
    return Status::Ok();
  }

  bool Readable(std::string_view collection_id) const {
    return readable_.count(std::string(collection_id)) != 0;
  }
  const std::set<std::string>& readable() const { return readable_; }

  // The newest version of `id` (of `type`) the reader may see in `collection_id`.
  Result<std::optional<VisibleVersion>> Newest(const std::string& collection_id,
                                               const std::string& id, const std::string& type) {
    ObjectQuery q;
    q.collection_id = collection_id;
    q.ids = {id};
    q.types = {type};
    q.match_last = true;
    q.visible = [this](const policy::Labels& labels) { return policy::MayRead(who_, labels); };
    std::optional<VisibleVersion> out;
    Status s = store_.ScanObjects(q, [&](const ObjectRow& row) {
      if (!policy::MayRead(who_, row.labels)) return ScanAction::kContinue;
      policy::ReaderView view = policy::ViewFor(who_, row.labels, row.json);
      if (view.withheld) return ScanAction::kContinue;
      auto parsed =
          stix::ParseJson(view.rewritten.empty() ? row.json : std::string_view(view.rewritten));
      if (!parsed.ok() || !parsed->is_object()) return ScanAction::kContinue;
      out =
          VisibleVersion{collection_id, std::string(row.version), std::move(parsed->get_object())};
      return ScanAction::kStop;
    });
    // A collection removed since it was listed holds nothing.
    if (s.code() == StatusCode::kNotFound) return std::optional<VisibleVersion>();
    if (!s.ok()) return s;
    return out;
  }

  // The newest version of `id` the reader may see in any readable collection (by
  // `modified`), cached; nullopt when it may see none.
  Result<const json::object*> Lookup(const std::string& id, const std::string& type) {
    auto cached = lookups_.find(id);
    if (cached != lookups_.end()) return cached->second ? &*cached->second : nullptr;
    std::optional<json::object> best;
    int64_t best_at = INT64_MIN;
    for (const auto& coll : readable_) {
      auto one = Newest(coll, id, type);
      if (!one.ok()) return one.status();
      if (!one->has_value()) continue;
      const int64_t at = MicrosOf(StringOf((*one)->object, "modified"));
      if (!best || at > best_at) {
        best = std::move((*one)->object);
        best_at = at;
      }
    }
    auto [it, inserted] = lookups_.emplace(id, std::move(best));
    return it->second ? &*it->second : nullptr;
  }

 private:
  Store& store_;
  const policy::Requester& who_;
  std::set<std::string> readable_;
  std::map<std::string, std::optional<json::object>> lookups_;
};

std::string TypeOfId(std::string_view id) {
  const size_t dash = id.find("--");
  return dash == std::string_view::npos ? std::string() : std::string(id.substr(0, dash));
}

// Where one sighting was seen: (country, sector), "unknown" for what the reader cannot see.
Result<std::pair<std::string, std::string>> WhereOf(SeenRun& run, const json::object& sighting) {
  std::string country = "unknown", sector = "unknown";
  bool have_country = false, have_sector = false;
  const json::value* refs = sighting.if_contains("where_sighted_refs");
  if (refs == nullptr || !refs->is_array()) return std::make_pair(country, sector);
  for (const json::value& ref : refs->get_array()) {
    if (!ref.is_string()) continue;
    const std::string id(ref.get_string());
    const std::string type = TypeOfId(id);
    if ((type == "location" && have_country) || (type == "identity" && have_sector)) continue;
    if (type != "location" && type != "identity") continue;
    auto obj = run.Lookup(id, type);
    if (!obj.ok()) return obj.status();
    if (*obj == nullptr) continue;
    if (type == "location") {
      const std::string_view c = StringOf(**obj, "country");
      if (!c.empty()) country = std::string(c);
      have_country = true;
    } else {
      const json::value* sectors = (*obj)->if_contains("sectors");
      if (sectors != nullptr && sectors->is_array() && !sectors->get_array().empty() &&
          sectors->get_array()[0].is_string()) {
        sector = std::string(sectors->get_array()[0].get_string());
      }
      have_sector = true;
    }
  }
  return std::make_pair(country, sector);
}

std::string DayOf(const json::object& sighting) {
  for (std::string_view key : {"last_seen", "first_seen"}) {
    auto t = ParseTimestamp(StringOf(sighting, key));
    if (t.ok()) return FormatTimestamp(t->micros, 0).substr(0, 10);
  }
  return "unknown";
}

}  // namespace

Result<SeenReport> Seen(Store& store, const policy::Requester& who, const SeenQuery& query) {
  const int given = static_cast<int>(!query.value.empty()) +
                    static_cast<int>(!query.indicator_id.empty()) +
                    static_cast<int>(!query.object_id.empty());
  if (given != 1) {
    return Status::InvalidArgument("give either a value, an indicator id or an object id");
  }
  if (!query.indicator_id.empty() && TypeOfId(query.indicator_id) != "indicator") {
    return Status::InvalidArgument("not an indicator id: " + query.indicator_id);
  }
  if (!query.object_id.empty() && TypeOfId(query.object_id).empty()) {
    return Status::InvalidArgument("not an object id: " + query.object_id);
  }
  // The object whose sightings are counted, of any type, or an indicator.
  const std::string& one_id = query.object_id.empty() ? query.indicator_id : query.object_id;
  const std::string one_type = query.object_id.empty() ? "indicator" : TypeOfId(query.object_id);
  SeenRun run(store, who);
  ENTENTE_RETURN_IF_ERROR(run.ListReadable(query.api_root));

  // 1. The indicators: every (collection, id) worth a look, then the newest version of
  // each the reader may see.
  std::set<std::pair<std::string, std::string>> candidates;
  std::set<std::tuple<std::string, std::string, std::string>> holding;  // (coll, id, version)
  if (!query.value.empty()) {
    Status s = store.ScanValueHolders({query.value}, [&](const ValueHolder& h) {
      if (h.type == "indicator" && run.Readable(h.collection_id)) {
        candidates.emplace(h.collection_id, h.id);
        holding.emplace(h.collection_id, h.id, h.version);
      }
      return ScanAction::kContinue;
    });
    if (!s.ok()) return s;
  } else {
    for (const auto& coll : run.readable()) candidates.emplace(coll, one_id);
  }
  std::set<std::string> indicators;
  for (const auto& [coll, id] : candidates) {
    auto newest = run.Newest(coll, id, query.value.empty() ? one_type : "indicator");
    if (!newest.ok()) return newest.status();
    if (!newest->has_value()) continue;
    if (!query.value.empty()) {
      // Its newest visible version must hold the value, with the pattern in sight.
      if (holding.count({coll, id, (*newest)->version}) == 0) continue;
      if (!(*newest)->object.contains("pattern")) continue;
    }
    indicators.insert(id);
  }

  SeenReport report;
  report.indicators.assign(indicators.begin(), indicators.end());
  if (indicators.empty()) return report;

  // 2. Their sightings, through the index of sighting_of_ref.
  std::set<std::pair<std::string, std::string>> sighting_keys;  // (collection, id)
  Status s = store.ScanValueHolders(report.indicators, [&](const ValueHolder& h) {
    if (h.type == "sighting" && run.Readable(h.collection_id)) {
      sighting_keys.emplace(h.collection_id, h.id);
    }
    return query.max_sightings != 0 && sighting_keys.size() >= query.max_sightings
               ? ScanAction::kStop
               : ScanAction::kContinue;
  });
  if (!s.ok()) return s;
  // Per sighting id, its newest version the reader may see across collections.
  std::map<std::string, std::pair<int64_t, json::object>> newest_sightings;
  for (const auto& [coll, id] : sighting_keys) {
    auto newest = run.Newest(coll, id, "sighting");
    if (!newest.ok()) return newest.status();
    if (!newest->has_value()) continue;
    json::object& obj = (*newest)->object;
    const int64_t at = MicrosOf(StringOf(obj, "modified"));
    auto it = newest_sightings.find(id);
    if (it == newest_sightings.end() || at > it->second.first) {
      newest_sightings[id] = {at, std::move(obj)};
    }
  }

  // 3. Counted.
  for (const auto& [id, entry] : newest_sightings) {
    const json::object& sighting = entry.second;
    if (indicators.count(std::string(StringOf(sighting, "sighting_of_ref"))) == 0) continue;
    int64_t count = 1;
    const json::value* c = sighting.if_contains("count");
    if (c != nullptr && c->is_int64() && c->get_int64() >= 0) count = c->get_int64();
    if (c != nullptr && c->is_uint64()) count = static_cast<int64_t>(c->get_uint64());
    auto where = WhereOf(run, sighting);
    if (!where.ok()) return where.status();
    ++report.sightings;
    report.total += count;
    report.by_country[where->first] += count;
    report.by_sector[where->second] += count;
    report.by_day[DayOf(sighting)] += count;
  }
  return report;
}

json::object SeenJson(const SeenQuery& query, const SeenReport& report) {
  json::object q;
  if (!query.value.empty()) q["value"] = query.value;
  if (!query.indicator_id.empty()) q["indicator"] = query.indicator_id;
  if (!query.object_id.empty()) q["object"] = query.object_id;
  json::object out;
  out["query"] = std::move(q);
  json::array indicators;
  for (const auto& id : report.indicators) indicators.emplace_back(id);
  out["indicators"] = std::move(indicators);
  out["sightings"] = report.sightings;
  out["total"] = report.total;
  auto counts = [](const std::map<std::string, int64_t>& m) {
    json::object o;
    for (const auto& [k, v] : m) o[k] = v;
    return o;
  };
  out["by_country"] = counts(report.by_country);
  out["by_sector"] = counts(report.by_sector);
  out["by_day"] = counts(report.by_day);
  return out;
}

}  // namespace entente::store
