#include "web/reads.h"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <map>
#include <set>

#include "admission/observable_values.h"
#include "policy/granular.h"

namespace entente::web {

namespace {

namespace json = boost::json;

constexpr int64_t kHourUs = 3600LL * 1'000'000;
constexpr size_t kMaxVersions = 100;
constexpr size_t kMaxSightings = 50;
constexpr size_t kMaxHolders = 200;

std::function<bool(const policy::Labels&)> Gate(const policy::Requester& who) {
  return [&who](const policy::Labels& labels) { return policy::MayRead(who, labels); };
}

// The reader's view of a row as JSON (nullopt when withheld or not an object).
std::optional<json::object> ViewObject(const policy::Requester& who, const store::ObjectRow& row,
                                       std::string* text = nullptr) {
  policy::ReaderView view = policy::ViewFor(who, row.labels, row.json);
  if (view.withheld) return std::nullopt;
  std::string_view shown = view.rewritten.empty() ? row.json : std::string_view(view.rewritten);
  boost::system::error_code ec;
  json::value v = json::parse(shown, ec);
  if (ec || !v.is_object()) return std::nullopt;
  if (text != nullptr) *text = std::string(shown);
  return std::move(v.get_object());
}

std::string LabelOf(const json::object& obj) {
  for (const char* key : {"name", "value", "pattern"}) {
    if (const json::value* v = obj.if_contains(key); v != nullptr && v->is_string()) {
      return std::string(v->get_string());
    }
  }
  return "";
}

RowSummary Summarise(const store::Collection& c, const store::ObjectRow& row,
                     const json::object& view) {
  RowSummary s;
  s.collection_id = c.id;
  s.collection_title = c.title;
  s.id = std::string(row.id);
  s.type = std::string(row.type);
  s.version = std::string(row.version);
  s.date_added_us = row.date_added_us;
  s.tlp = row.labels.tlp;
  s.label = LabelOf(view);
  return s;
}

// The newest version of `id` in `c` the reader may see, summarised, with its view.
Result<std::optional<std::pair<RowSummary, json::object>>> Newest(store::Store& store,
                                                                  const policy::Requester& who,
                                                                  const store::Collection& c,
                                                                  const std::string& id) {
  store::ObjectQuery q;
  q.collection_id = c.id;
  q.ids = {id};
  q.visible = Gate(who);
  std::optional<std::pair<RowSummary, json::object>> found;
  Status s = store.ScanObjects(q, [&](const store::ObjectRow& row) {
    if (!policy::MayRead(who, row.labels)) return store::ScanAction::kContinue;
    if (auto view = ViewObject(who, row)) found.emplace(Summarise(c, row, *view), *view);
    return store::ScanAction::kContinue;
  });
  if (!s.ok()) return s;
  return found;
}

Result<std::map<std::string, store::Collection>> ReadableById(store::Store& store,
                                                              const policy::Requester& who) {
  auto list = ReadableCollections(store, who);
  if (!list.ok()) return list.status();
  std::map<std::string, store::Collection> out;
  for (auto& c : *list) out.emplace(c.id, std::move(c));
  return out;
}

bool NewestFirst(const RowSummary& a, const RowSummary& b) {
  return a.date_added_us > b.date_added_us;
}

}  // namespace

Result<std::vector<store::Collection>> ReadableCollections(store::Store& store,
                                                           const policy::Requester& who) {
  auto roots = store.ListApiRoots();
  if (!roots.ok()) return roots.status();
  std::vector<store::Collection> out;
  for (const auto& root : *roots) {
    auto list = store.ListCollections(root.name);
    if (!list.ok()) return list.status();
    std::vector<store::Collection> here;
    for (auto& c : *list) {
      if (policy::AccessToCollection(who, c.readers, c.writers).can_read) {
        here.push_back(std::move(c));
      }
    }
    std::sort(here.begin(), here.end(),
              [](const auto& a, const auto& b) { return a.title < b.title; });
    for (auto& c : here) out.push_back(std::move(c));
  }
  return out;
}

Result<std::vector<CollectionCounts>> CountObjects(store::Store& store,
                                                   const policy::Requester& who, size_t budget) {
  auto list = ReadableCollections(store, who);
  if (!list.ok()) return list.status();
  std::vector<CollectionCounts> out;
  for (auto& c : *list) {
    auto counted = store.CountVisibleObjects(c.id, Gate(who), budget);
    if (!counted.ok()) return counted.status();
    CollectionCounts counts;
    counts.by_tlp = counted->by_tlp;
    for (int64_t n : counts.by_tlp) counts.total += n;
    counts.capped = counted->capped;
    counts.collection = std::move(c);
    out.push_back(std::move(counts));
  }
  return out;
}

Result<HourlyCounts> AddedPerHour(store::Store& store, const policy::Requester& who, int64_t now_us,
                                  int hours, size_t cap_per_hour, std::vector<std::string> types) {
  HourlyCounts out;
  const int64_t this_hour = now_us - now_us % kHourUs;
  out.first_hour_us = this_hour - static_cast<int64_t>(hours - 1) * kHourUs;
  out.counts.assign(static_cast<size_t>(hours), 0);
  auto list = ReadableCollections(store, who);
  if (!list.ok()) return list.status();
  // One bounded scan per hour and collection: a busy hour stops at its cap without
  // leaving the hours after it uncounted.
  for (int h = 0; h < hours; ++h) {
    const int64_t start = out.first_hour_us + static_cast<int64_t>(h) * kHourUs;
    int64_t& n = out.counts[static_cast<size_t>(h)];
    for (const auto& c : *list) {
      if (static_cast<size_t>(n) == cap_per_hour) break;
      store::ObjectQuery q;
      q.collection_id = c.id;
      q.added_after_us = start - 1;
      q.match_last = false;
      q.match_all = true;
      q.types = types;
      q.visible = Gate(who);
      Status s = store.ScanObjects(q, [&](const store::ObjectRow& row) {
        if (row.date_added_us >= start + kHourUs) return store::ScanAction::kStop;
        if (!policy::MayRead(who, row.labels)) return store::ScanAction::kContinue;
        if (static_cast<size_t>(n) == cap_per_hour) {
          out.capped = true;
          return store::ScanAction::kStop;
        }
        ++n;
        return store::ScanAction::kContinue;
      });
      if (!s.ok()) return s;
    }
  }
  return out;
}

Result<std::vector<RowSummary>> RecentSightings(store::Store& store, const policy::Requester& who,
                                                int64_t since_us, int64_t now_us, size_t limit) {
  auto list = ReadableCollections(store, who);
  if (!list.ok()) return list.status();
  std::vector<RowSummary> out;
  // One scan per collection, newest first, through the store's index by (collection,
  // type, date_added): it stops at the newest `limit` sightings the reader may see, so
  // its cost does not grow with the sightings added in the window.
  for (const auto& c : *list) {
    size_t here = 0;
    store::ObjectQuery q;
    q.collection_id = c.id;
    q.added_after_us = since_us;
    q.types = {"sighting"};
    q.visible = Gate(who);
    q.newest_first = true;
    Status s = store.ScanObjects(q, [&](const store::ObjectRow& row) {
      if (here == limit) return store::ScanAction::kStop;
      if (row.date_added_us > now_us) return store::ScanAction::kContinue;
      if (!policy::MayRead(who, row.labels)) return store::ScanAction::kContinue;
      auto view = ViewObject(who, row);
      if (!view) return store::ScanAction::kContinue;
      RowSummary r = Summarise(c, row, *view);
      if (const json::value* ref = view->if_contains("sighting_of_ref");
          ref != nullptr && ref->is_string()) {
        r.label = std::string(ref->get_string());
      }
      out.push_back(std::move(r));
      ++here;
      return store::ScanAction::kContinue;
    });
    if (!s.ok()) return s;
  }
  std::sort(out.begin(), out.end(), NewestFirst);
  if (out.size() > limit) out.resize(limit);
  return out;
}

Result<BrowsePage> Browse(store::Store& store, const policy::Requester& who,
                          const BrowseQuery& query) {
  auto c = store.GetCollection(query.collection_id);
  if (!c.ok()) {
    if (c.status().code() == StatusCode::kNotFound) return Status::NotFound("no such collection");
    return c.status();
  }
  if (!policy::AccessToCollection(who, c->readers, c->writers).can_read) {
    return Status::NotFound("no such collection");
  }
  BrowsePage page;
  store::ObjectQuery q;
  q.collection_id = c->id;
  q.added_after_us = query.after_us;
  if (!query.type.empty()) q.types = {query.type};
  q.visible = Gate(who);
  size_t examined = 0;
  int64_t last_visible_us = 0;
  Status s = store.ScanObjects(q, [&](const store::ObjectRow& row) {
    if (!policy::MayRead(who, row.labels)) return store::ScanAction::kContinue;
    if (page.rows.size() == query.limit || examined == query.budget) {
      page.more = true;
      return store::ScanAction::kStop;
    }
    ++examined;
    last_visible_us = row.date_added_us;
    if (query.tlp && row.labels.tlp != *query.tlp) return store::ScanAction::kContinue;
    if (!query.community.empty()) {
      const auto& communities = row.labels.audience.communities;
      if (std::find(communities.begin(), communities.end(), query.community) == communities.end()) {
        return store::ScanAction::kContinue;
      }
    }
    if (auto view = ViewObject(who, row)) page.rows.push_back(Summarise(*c, row, *view));
    return store::ScanAction::kContinue;
  });
  if (!s.ok()) return s;
  if (page.more) page.next_after_us = last_visible_us;
  return page;
}

Result<std::vector<RowSummary>> SearchValue(store::Store& store, const policy::Requester& who,
                                            const std::string& value, size_t limit) {
  std::vector<RowSummary> out;
  if (value.empty()) return out;
  auto readable = ReadableById(store, who);
  if (!readable.ok()) return readable.status();
  std::set<std::pair<std::string, std::string>> candidates;  // (collection, id)
  Status s = store.ScanValueHolders({value}, [&](const store::ValueHolder& h) {
    if (readable->count(std::string(h.collection_id)) == 0) return store::ScanAction::kContinue;
    candidates.emplace(h.collection_id, h.id);
    return candidates.size() == kMaxHolders ? store::ScanAction::kStop
                                            : store::ScanAction::kContinue;
  });
  if (!s.ok()) return s;
  std::vector<std::string> values;
  for (const auto& [coll, id] : candidates) {
    auto newest = Newest(store, who, readable->at(coll), id);
    if (!newest.ok()) return newest.status();
    if (!newest->has_value()) continue;
    // The version as the reader sees it must hold the value itself.
    const auto& [summary, view] = **newest;
    admission::ObservableValues(view, &values);
    if (std::find(values.begin(), values.end(), value) == values.end()) continue;
    out.push_back(summary);
  }
  std::sort(out.begin(), out.end(), NewestFirst);
  if (out.size() > limit) out.resize(limit);
  return out;
}

Result<std::vector<RowSummary>> FindById(store::Store& store, const policy::Requester& who,
                                         const std::string& id) {
  std::vector<RowSummary> out;
  auto list = ReadableCollections(store, who);
  if (!list.ok()) return list.status();
  for (const auto& c : *list) {
    auto newest = Newest(store, who, c, id);
    if (!newest.ok()) return newest.status();
    if (newest->has_value()) out.push_back((*newest)->first);
  }
  return out;
}

Result<ObjectDetail> ReadObject(store::Store& store, const policy::Requester& who,
                                const std::string& collection_id, const std::string& id) {
  const Status absent = Status::NotFound("no such object");
  auto c = store.GetCollection(collection_id);
  if (!c.ok()) return c.status().code() == StatusCode::kNotFound ? absent : c.status();
  if (!policy::AccessToCollection(who, c->readers, c->writers).can_read) return absent;
  ObjectDetail d;
  store::ObjectQuery q;
  q.collection_id = c->id;
  q.ids = {id};
  q.match_last = false;
  q.match_all = true;
  q.visible = Gate(who);
  std::optional<json::object> newest_view;
  Status s = store.ScanObjects(q, [&](const store::ObjectRow& row) {
    if (!policy::MayRead(who, row.labels)) return store::ScanAction::kContinue;
    std::string text;
    auto view = ViewObject(who, row, &text);
    if (!view) return store::ScanAction::kContinue;
    d.versions.emplace_back(std::string(row.version), row.date_added_us);
    if (d.versions.size() > kMaxVersions) d.versions.erase(d.versions.begin());
    d.summary = Summarise(*c, row, *view);
    d.labels = row.labels;
    d.json = std::move(text);
    newest_view = std::move(view);
    return store::ScanAction::kContinue;
  });
  if (!s.ok()) return s;
  if (!newest_view) return absent;
  d.collection = std::move(*c);
  // Where it came from (recorded with the version; nullopt: made here).
  auto prov = store.GetProvenances(d.collection.id, {{d.summary.id, d.summary.version}});
  if (!prov.ok()) return prov.status();
  if (!prov->empty()) d.provenance = prov->front();
  // The references it makes, as the reader sees it.
  for (const auto& kv : *newest_view) {
    const std::string key(kv.key());
    if (key.size() > 4 && key.ends_with("_ref") && kv.value().is_string()) {
      d.refs.emplace_back(key, std::string(kv.value().get_string()));
    } else if (key.size() > 5 && key.ends_with("_refs") && kv.value().is_array()) {
      for (const auto& v : kv.value().get_array()) {
        if (v.is_string()) d.refs.emplace_back(key, std::string(v.get_string()));
      }
    }
  }
  // Sightings of it: the value index holds each sighting's sighting_of_ref.
  auto readable = ReadableById(store, who);
  if (!readable.ok()) return readable.status();
  std::set<std::pair<std::string, std::string>> candidates;
  s = store.ScanValueHolders({id}, [&](const store::ValueHolder& h) {
    if (h.type == "sighting" && readable->count(std::string(h.collection_id)) > 0) {
      candidates.emplace(h.collection_id, h.id);
    }
    return candidates.size() == kMaxHolders ? store::ScanAction::kStop
                                            : store::ScanAction::kContinue;
  });
  if (!s.ok()) return s;
  for (const auto& [coll, sid] : candidates) {
    auto newest = Newest(store, who, readable->at(coll), sid);
    if (!newest.ok()) return newest.status();
    if (!newest->has_value()) continue;
    const json::value* ref = (*newest)->second.if_contains("sighting_of_ref");
    if (ref == nullptr || !ref->is_string() || ref->get_string() != id) continue;
    d.sightings.push_back((*newest)->first);
  }
  std::sort(d.sightings.begin(), d.sightings.end(), NewestFirst);
  if (d.sightings.size() > kMaxSightings) d.sightings.resize(kMaxSightings);
  // Relationships pointing at it: the value index holds each relationship's target_ref.
  std::set<std::pair<std::string, std::string>> relationships;
  s = store.ScanValueHolders({id}, [&](const store::ValueHolder& h) {
    if (h.type == "relationship" && readable->count(std::string(h.collection_id)) > 0) {
      relationships.emplace(h.collection_id, h.id);
    }
    return relationships.size() == kMaxIncomingExamined ? store::ScanAction::kStop
                                                        : store::ScanAction::kContinue;
  });
  if (!s.ok()) return s;
  for (const auto& [coll, rid] : relationships) {
    auto newest = Newest(store, who, readable->at(coll), rid);
    if (!newest.ok()) return newest.status();
    if (!newest->has_value()) continue;
    const json::object& view = (*newest)->second;
    const json::value* target = view.if_contains("target_ref");
    if (target == nullptr || !target->is_string() || target->get_string() != id) continue;
    IncomingRelationship in;
    in.relationship = (*newest)->first;
    auto text_of = [&view](std::string_view key) {
      const json::value* v = view.if_contains(key);
      return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
    };
    in.relationship_type = text_of("relationship_type");
    in.source_ref = text_of("source_ref");
    d.incoming.push_back(std::move(in));
  }
  std::sort(d.incoming.begin(), d.incoming.end(),
            [](const IncomingRelationship& a, const IncomingRelationship& b) {
              return NewestFirst(a.relationship, b.relationship);
            });
  if (d.incoming.size() > kMaxIncoming) {
    d.incoming.resize(kMaxIncoming);
    d.incoming_more = true;
  }
  // Who else saw it, through the gate of store/seen.h.
  store::SeenQuery seen;
  seen.object_id = id;
  seen.max_sightings = kMaxSeenSightings;
  auto report = store::Seen(store, who, seen);
  if (!report.ok()) return report.status();
  d.seen = std::move(*report);
  return d;
}

}  // namespace entente::web
