#include "sightings/aggregator.h"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/uuid/name_generator_sha1.hpp>
#include <boost/uuid/string_generator.hpp>
#include <boost/uuid/uuid_io.hpp>

#include "common/timestamp.h"

namespace entente::sightings {
namespace json = boost::json;
namespace {

// The namespace of the UUIDv5 ids of the objects that stand for a sector and a country.
// Any entente node derives the same ids, so anonymised sightings from different nodes
// name the same identity and location.
constexpr const char* kAnonymousNamespace = "6c1b3d1e-8f7a-4f4e-9a51-2f0c9d7e5b13";

// created/modified of those objects: fixed, so that every copy is the same version.
constexpr const char* kAnonymousTimestamp = "2020-01-01T00:00:00.000Z";

constexpr int64_t kMillisecond = 1000;

std::string DerivedId(std::string_view type, std::string_view name) {
  static const boost::uuids::name_generator_sha1 kGenerator(
      boost::uuids::string_generator()(kAnonymousNamespace));
  return std::string(type) + "--" + boost::uuids::to_string(kGenerator(name.data(), name.size()));
}

std::string Upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

// The start of the window holding `time_us` (floor division: times before 1970 too).
int64_t WindowStart(int64_t time_us, int64_t window_us) {
  int64_t q = time_us / window_us;
  if (time_us % window_us != 0 && time_us < 0) --q;
  return q * window_us;
}

}  // namespace

std::string_view WhereSightedName(WhereSighted where) {
  switch (where) {
    case WhereSighted::kOrganisation:
      return "organisation";
    case WhereSighted::kSectorAndCountry:
      return "sector-and-country";
    case WhereSighted::kNothing:
      return "nothing";
  }
  return "nothing";
}

bool ParseWhereSighted(std::string_view name, WhereSighted* out) {
  for (WhereSighted w :
       {WhereSighted::kOrganisation, WhereSighted::kSectorAndCountry, WhereSighted::kNothing}) {
    if (name == WhereSightedName(w)) {
      *out = w;
      return true;
    }
  }
  return false;
}

json::object SectorIdentity(std::string_view sector, std::string_view country) {
  const std::string c = Upper(country);
  json::object o;
  o["type"] = "identity";
  o["spec_version"] = "2.1";
  o["id"] = DerivedId("identity", "sector:" + std::string(sector) + "|country:" + c);
  o["created"] = kAnonymousTimestamp;
  o["modified"] = kAnonymousTimestamp;
  o["name"] = "an organisation of sector " + std::string(sector) + " in " + c;
  o["identity_class"] = "class";
  o["sectors"] = json::array{json::string(sector)};
  return o;
}

json::object CountryLocation(std::string_view country) {
  const std::string c = Upper(country);
  json::object o;
  o["type"] = "location";
  o["spec_version"] = "2.1";
  o["id"] = DerivedId("location", "country:" + c);
  o["created"] = kAnonymousTimestamp;
  o["modified"] = kAnonymousTimestamp;
  o["country"] = c;
  return o;
}

Aggregator::Aggregator(SightingOrganisation organisation, AggregatorOptions options, Random& random)
    : organisation_(std::move(organisation)), options_(options), random_(random) {
  if (options_.window_us <= 0) options_.window_us = int64_t{3600} * 1'000'000;
}

void Aggregator::Add(std::string_view indicator_id, int64_t time_us,
                     std::string_view indicator_creator) {
  const int64_t start = WindowStart(time_us, options_.window_us);
  if (start < forgotten_before_us_) {
    ++late_hits_;
    return;
  }
  auto it = windows_.find(KeyView(indicator_id, start));
  if (it == windows_.end())
    it = windows_.emplace(Key(std::string(indicator_id), start), Window()).first;
  Window& w = it->second;
  if (w.count == 0) {
    w.id.reserve(46);
    w.id.assign("sighting--").append(Uuid4FromBytes(RandomBytes()));
    w.start_us = start;
    w.first_us = w.last_us = time_us;
    w.creator = CreatorNumber(indicator_creator);
  }
  w.first_us = std::min(w.first_us, time_us);
  w.last_us = std::max(w.last_us, time_us);
  if (w.count < 999'999'999) ++w.count;  // STIX 2.1 §5.2: count is at most 999,999,999
  w.changed = true;
}

uint32_t Aggregator::CreatorNumber(std::string_view creator) {
  if (creator.empty()) return 0;
  auto it = creator_numbers_.find(creator);
  if (it != creator_numbers_.end()) return it->second;
  const auto number = static_cast<uint32_t>(creators_.size());
  creators_.emplace_back(creator);
  creator_numbers_.emplace(std::string(creator), number);
  return number;
}

const unsigned char* Aggregator::RandomBytes() {
  if (random_used_ + 16 > sizeof random_pool_) {
    random_.Fill(random_pool_, sizeof random_pool_);
    random_used_ = 0;
  }
  const unsigned char* bytes = random_pool_ + random_used_;
  random_used_ += 16;
  return bytes;
}

json::object Aggregator::SightingJson(const std::string& indicator_id, const Window& w) const {
  json::object o;
  o["type"] = "sighting";
  o["spec_version"] = "2.1";
  o["id"] = w.id;
  // created: when the first version was made; every later version keeps it.
  o["created"] = FormatTimestamp(w.created_us, 3);
  o["modified"] = FormatTimestamp(w.modified_us, 3);
  o["sighting_of_ref"] = indicator_id;
  o["first_seen"] = FormatTimestamp(w.first_us, 6);
  o["last_seen"] = FormatTimestamp(w.last_us, 6);
  o["count"] = static_cast<int64_t>(w.count);
  if (!options_.marking_ref.empty()) {
    o["object_marking_refs"] = json::array{json::string(options_.marking_ref)};
  }
  if (w.creator != 0) {
    json::object audience;
    audience["extension_type"] = "property-extension";
    audience["recipients"] = json::array{json::string(creators_[w.creator])};
    o["extensions"] = json::object{{policy::kAudienceExtensionId, std::move(audience)}};
  }
  switch (options_.where) {
    case WhereSighted::kOrganisation: {
      o["created_by_ref"] = organisation_.identity_id;
      json::array where{json::string(organisation_.identity_id)};
      if (!organisation_.country.empty()) {
        where.push_back(CountryLocation(organisation_.country).at("id"));
      }
      o["where_sighted_refs"] = std::move(where);
      break;
    }
    case WhereSighted::kSectorAndCountry:
      o["where_sighted_refs"] =
          json::array{SectorIdentity(organisation_.sector, organisation_.country).at("id"),
                      CountryLocation(organisation_.country).at("id")};
      break;
    case WhereSighted::kNothing:
      break;
  }
  return o;
}

std::vector<const Aggregator::Windows::value_type*> Aggregator::Sorted(bool changed_only) const {
  std::vector<const Windows::value_type*> sorted;
  for (const Windows::value_type& e : windows_) {
    if (!changed_only || e.second.changed) sorted.push_back(&e);
  }
  std::sort(sorted.begin(), sorted.end(),
            [](const Windows::value_type* a, const Windows::value_type* b) {
              return View(a->first) < View(b->first);
            });
  return sorted;
}

std::vector<json::object> Aggregator::Flush(int64_t now_us, bool all) {
  std::vector<json::object> out;
  for (const Windows::value_type* e : Sorted(true)) {
    const Key& key = e->first;
    Window& w = windows_.find(key)->second;
    if (!all && w.modified_us != 0 && now_us < w.modified_us + options_.update_every_us) continue;
    if (!where_objects_sent_) {
      if (options_.where == WhereSighted::kSectorAndCountry) {
        out.push_back(SectorIdentity(organisation_.sector, organisation_.country));
      }
      if (options_.where != WhereSighted::kNothing && !organisation_.country.empty()) {
        out.push_back(CountryLocation(organisation_.country));
      }
      where_objects_sent_ = true;
    }
    // Versions are told apart by `modified` to the millisecond (STIX 2.1 §3.2).
    const int64_t now_ms = WindowStart(now_us, kMillisecond);
    w.modified_us = w.modified_us == 0 ? now_ms : std::max(now_ms, w.modified_us + kMillisecond);
    if (w.created_us == 0) w.created_us = w.modified_us;
    w.changed = false;
    out.push_back(SightingJson(key.first, w));
  }
  return out;
}

void Aggregator::Expire(int64_t now_us) {
  const int64_t horizon = now_us - options_.keep_us;
  for (auto it = windows_.begin(); it != windows_.end();) {
    // A window that ended before the horizon and has nothing left to send is forgotten.
    if (it->second.start_us + options_.window_us <= horizon && !it->second.changed) {
      it = windows_.erase(it);
    } else {
      ++it;
    }
  }
  forgotten_before_us_ = std::max(forgotten_before_us_, WindowStart(horizon, options_.window_us));
}

json::object Aggregator::SaveState() const {
  json::array windows;
  for (const Windows::value_type* e : Sorted(false)) {
    const Key& key = e->first;
    const Window& w = e->second;
    windows.push_back(json::object{{"indicator", key.first},
                                   {"start", w.start_us},
                                   {"id", w.id},
                                   {"creator", creators_[w.creator]},
                                   {"first", w.first_us},
                                   {"last", w.last_us},
                                   {"count", w.count},
                                   {"created", w.created_us},
                                   {"modified", w.modified_us},
                                   {"changed", w.changed}});
  }
  return json::object{{"windows", std::move(windows)},
                      {"forgotten_before", forgotten_before_us_},
                      {"late_hits", late_hits_},
                      {"where_objects_sent", where_objects_sent_}};
}

Status Aggregator::RestoreState(const json::object& state) {
  windows_.clear();
  forgotten_before_us_ = INT64_MIN;
  late_hits_ = 0;
  where_objects_sent_ = false;
  auto fail = [&](std::string_view member) {
    windows_.clear();
    return Status::InvalidArgument("sensor state: `" + std::string(member) +
                                   "` is missing or of the wrong kind");
  };
  auto integer = [](const json::object& o, std::string_view name, int64_t* out) {
    const json::value* v = o.if_contains(name);
    if (v == nullptr || !v->is_number()) return false;
    boost::system::error_code ec;
    *out = v->to_number<int64_t>(ec);
    return !ec;
  };
  auto text = [](const json::object& o, std::string_view name, std::string* out) {
    const json::value* v = o.if_contains(name);
    if (v == nullptr || !v->is_string()) return false;
    *out = std::string(v->get_string());
    return true;
  };
  const json::value* windows = state.if_contains("windows");
  if (windows == nullptr || !windows->is_array()) return fail("windows");
  for (const json::value& entry : windows->get_array()) {
    if (!entry.is_object()) return fail("windows");
    const json::object& e = entry.get_object();
    std::string indicator;
    Window w;
    int64_t count = 0;
    const json::value* changed = e.if_contains("changed");
    if (!text(e, "indicator", &indicator)) return fail("windows[].indicator");
    if (!text(e, "id", &w.id) || !w.id.starts_with("sighting--")) return fail("windows[].id");
    std::string creator;
    if (!text(e, "creator", &creator)) return fail("windows[].creator");
    w.creator = CreatorNumber(creator);
    if (!integer(e, "start", &w.start_us)) return fail("windows[].start");
    if (!integer(e, "first", &w.first_us)) return fail("windows[].first");
    if (!integer(e, "last", &w.last_us)) return fail("windows[].last");
    if (!integer(e, "count", &count) || count < 0) return fail("windows[].count");
    if (!integer(e, "created", &w.created_us)) return fail("windows[].created");
    if (!integer(e, "modified", &w.modified_us)) return fail("windows[].modified");
    if (changed == nullptr || !changed->is_bool()) return fail("windows[].changed");
    w.count = static_cast<uint64_t>(count);
    w.changed = changed->get_bool();
    windows_[Key(std::move(indicator), w.start_us)] = std::move(w);
  }
  int64_t late = 0;
  const json::value* sent = state.if_contains("where_objects_sent");
  if (!integer(state, "forgotten_before", &forgotten_before_us_)) return fail("forgotten_before");
  if (!integer(state, "late_hits", &late) || late < 0) return fail("late_hits");
  if (sent == nullptr || !sent->is_bool()) return fail("where_objects_sent");
  late_hits_ = static_cast<uint64_t>(late);
  where_objects_sent_ = sent->get_bool();
  return Status::Ok();
}

}  // namespace entente::sightings
