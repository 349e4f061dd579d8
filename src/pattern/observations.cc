#include "pattern/observations.h"

#include <algorithm>
#include <utility>

#include "common/timestamp.h"
#include "stix/bundle.h"

namespace entente::pattern {
namespace {

namespace json = boost::json;

std::optional<int64_t> TimeOf(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  Result<Timestamp> ts = ParseTimestamp(std::string_view(v->get_string()));
  if (!ts.ok()) return std::nullopt;
  return ts->micros;
}

std::string_view TypeOf(const json::object& o) {
  const json::value* v = o.if_contains("type");
  if (v == nullptr || !v->is_string()) return {};
  return v->get_string();
}

}  // namespace

const json::object* ObservationSet::Resolve(const Observation& obs, std::string_view ref) const {
  if (!obs.local.empty()) {
    auto it = obs.local.find(std::string(ref));
    if (it != obs.local.end()) return it->second;
  }
  auto it = by_id_.find(std::string(ref));
  return it == by_id_.end() ? nullptr : it->second;
}

Result<ObservationSet> LoadObservations(const json::value& input, StixVersion version) {
  return LoadObservations(json::value(input), version);
}

Result<ObservationSet> LoadObservations(json::value&& input, StixVersion version) {
  ObservationSet set;
  auto doc = std::make_shared<const json::value>(std::move(input));
  set.doc_ = doc;
  const stix::DocumentItems split = stix::ItemsOf(*doc);
  if (split.shape == stix::DocumentShape::kUnknown) {
    return Status::InvalidArgument("observations: expected a bundle, an array or an object");
  }
  if (split.objects_not_a_list) {
    return Status::InvalidArgument("bundle: 'objects' must be an array");
  }
  std::vector<const json::object*> top;
  for (const json::value& v : split.items) {
    if (v.is_object()) top.push_back(&v.get_object());
  }
  for (const json::object* o : top) {
    const json::value* id = o->if_contains("id");
    if (id != nullptr && id->is_string()) set.by_id_.emplace(std::string(id->get_string()), o);
  }
  bool any_observed_data = false;
  for (const json::object* o : top) {
    if (TypeOf(*o) != "observed-data") continue;
    any_observed_data = true;
    Observation obs;
    if (const json::value* id = o->if_contains("id"); id != nullptr && id->is_string()) {
      obs.id = std::string(id->get_string());
    }
    obs.first_observed = TimeOf(*o, "first_observed");
    obs.last_observed = TimeOf(*o, "last_observed");
    if (!obs.last_observed) obs.last_observed = obs.first_observed;
    if (!obs.first_observed) obs.first_observed = obs.last_observed;
    if (const json::value* n = o->if_contains("number_observed")) {
      if (n->is_int64() && n->get_int64() >= 1) obs.number_observed = n->get_int64();
      if (n->is_uint64() && n->get_uint64() >= 1) {
        obs.number_observed = static_cast<int64_t>(std::min<uint64_t>(n->get_uint64(), 1u << 30));
      }
    }
    const json::value* embedded = o->if_contains("objects");
    const json::value* refs = o->if_contains("object_refs");
    bool use_embedded = embedded != nullptr && (refs == nullptr || version == StixVersion::k20);
    if (use_embedded) {
      if (!embedded->is_object()) {
        return Status::InvalidArgument("observed-data " + obs.id +
                                       ": 'objects' must be a dictionary of objects");
      }
      for (const auto& kv : embedded->get_object()) {
        if (!kv.value().is_object()) continue;
        const json::object* sco = &kv.value().get_object();
        obs.local.emplace(std::string(kv.key()), sco);
        obs.objects.push_back(sco);
      }
    } else if (refs != nullptr) {
      if (!refs->is_array()) {
        return Status::InvalidArgument("observed-data " + obs.id +
                                       ": 'object_refs' must be a list of identifiers");
      }
      for (const json::value& r : refs->get_array()) {
        if (!r.is_string()) continue;
        auto it = set.by_id_.find(std::string(r.get_string()));
        if (it != set.by_id_.end()) obs.objects.push_back(it->second);
      }
    } else {
      return Status::InvalidArgument("observed-data " + obs.id +
                                     ": needs 'object_refs' (2.1) or 'objects' (2.0)");
    }
    set.observations_.push_back(std::move(obs));
  }
  if (!any_observed_data) {
    for (const json::object* o : top) {
      Observation obs;
      if (const json::value* id = o->if_contains("id"); id != nullptr && id->is_string()) {
        obs.id = std::string(id->get_string());
      }
      obs.objects.push_back(o);
      set.observations_.push_back(std::move(obs));
    }
  }
  return set;
}

}  // namespace entente::pattern
