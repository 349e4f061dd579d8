#include "pattern/index/observation.h"

#include <unordered_map>

#include "stix/bundle.h"

namespace entente::pattern::index {
namespace {

std::string_view StringField(const boost::json::object* o, std::string_view key) {
  if (o == nullptr) return {};
  return StringMemberOf(*o, key);
}

bool IsObservedData(const boost::json::object& o) {
  return StringField(&o, "type") == "observed-data";
}

std::string_view AsString(const boost::json::value& v) {
  if (!v.is_string()) return {};
  return {v.get_string().data(), v.get_string().size()};
}

// Builds the observation for one observed-data; `by_id` resolves 2.1 object_refs.
using ById = std::unordered_map<std::string_view, const boost::json::object*>;

// Appends the view of one observed-data; `by_id` resolves 2.1 object_refs. The view's
// span is set by Finish once all objects are in place. False when
// pattern::LoadObservations (STIX 2.1) refuses it: object_refs that is not a list, an
// embedded `objects` (used without object_refs) that is not a dictionary, or neither.
bool FromObservedData(const boost::json::object& od, const ById& by_id, ViewSet* out,
                      std::vector<uint32_t>* starts) {
  ObservationView obs;
  obs.observed_data = &od;
  starts->push_back(static_cast<uint32_t>(out->objects.size()));
  auto& objects = out->objects;
  // The members this needs, in one pass over the observed-data (its keys are unique).
  const boost::json::value *refs = nullptr, *objs = nullptr;
  for (const boost::json::key_value_pair& kv : od) {
    std::string_view k = kv.key();
    if (k == "object_refs") {
      refs = &kv.value();
    } else if (k == "objects") {
      objs = &kv.value();
    } else if (k == "id") {
      obs.id_text = AsString(kv.value());
    } else if (k == "last_observed") {
      obs.last_observed_text = AsString(kv.value());
    }
  }
  // As pattern::LoadObservations (STIX 2.1): the embedded map only without object_refs.
  if (refs == nullptr) {
    if (objs == nullptr || !objs->is_object()) return false;
    for (const auto& kv : objs->get_object()) {
      if (kv.value().is_object()) objects.push_back(&kv.value().get_object());
    }
  } else {
    if (!refs->is_array()) return false;
    for (const boost::json::value& r : refs->get_array()) {
      if (!r.is_string()) continue;
      auto it = by_id.find(std::string_view(r.get_string().data(), r.get_string().size()));
      if (it != by_id.end()) objects.push_back(it->second);
    }
  }
  out->views.push_back(obs);
  return true;
}

// A record pattern::LoadObservations refuses has no observations at all.
void Refuse(ViewSet* out) {
  out->views.clear();
  out->objects.clear();
}

void AddBare(const boost::json::object* o, ViewSet* out, std::vector<uint32_t>* starts) {
  starts->push_back(static_cast<uint32_t>(out->objects.size()));
  out->objects.push_back(o);
  out->views.push_back(ObservationView{});
}

// Points each view's span at its objects (views[i] owns objects[starts[i], starts[i+1])).
void Finish(ViewSet* out, const std::vector<uint32_t>& starts) {
  const boost::json::object* const* base = out->objects.data();
  for (size_t i = 0; i < out->views.size(); ++i) {
    size_t end = i + 1 < starts.size() ? starts[i + 1] : out->objects.size();
    out->views[i].objects = {base + starts[i], end - starts[i]};
  }
}

}  // namespace

ViewSet ViewsOf(const boost::json::value& record) {
  ViewSet set;
  ViewsOf(record, &set);
  return set;
}

void ViewsOf(const boost::json::value& record, ViewSet* out) {
  out->views.clear();
  out->objects.clear();
  thread_local std::vector<uint32_t> starts;
  starts.clear();
  const stix::DocumentItems split = stix::ItemsOf(record);
  if (split.shape == stix::DocumentShape::kObject) {
    const boost::json::object& top = record.get_object();
    std::string_view type = StringField(&top, "type");
    static const ById kNone;
    if (type == "observed-data") {
      if (!FromObservedData(top, kNone, out, &starts)) return Refuse(out);
    } else if (!type.empty()) {
      AddBare(&top, out, &starts);
    }
    Finish(out, starts);
    return;
  }
  // A bundle or an array (anything else carries no items).
  ById by_id;
  bool any_observed_data = false;
  for (const boost::json::value& v : split.items) {
    const boost::json::object* o = v.if_object();
    if (o == nullptr) continue;
    if (IsObservedData(*o)) {
      any_observed_data = true;
      continue;
    }
    std::string_view id = StringField(o, "id");
    if (!id.empty()) by_id.emplace(id, o);
  }
  for (const boost::json::value& v : split.items) {
    const boost::json::object* o = v.if_object();
    if (o == nullptr) continue;
    if (any_observed_data) {
      if (IsObservedData(*o) && !FromObservedData(*o, by_id, out, &starts)) return Refuse(out);
    } else if (!StringField(o, "type").empty()) {
      AddBare(o, out, &starts);
    }
  }
  Finish(out, starts);
}

const boost::json::string* StringAt(const boost::json::object& object,
                                    const std::vector<std::string>& keys) {
  const boost::json::object* o = &object;
  for (size_t i = 0; i < keys.size(); ++i) {
    const boost::json::value* v = o->if_contains(keys[i]);
    if (v == nullptr) return nullptr;
    if (i + 1 == keys.size()) return v->if_string();
    o = v->if_object();
    if (o == nullptr) return nullptr;
  }
  return nullptr;
}

boost::json::object JsonOf(const FlatSco& sco) {
  boost::json::object o;
  o.reserve(2);
  o.emplace("type", sco.type);
  if (sco.key.empty()) {
    o.emplace(sco.property, sco.value);
  } else {
    boost::json::object inner;
    inner.emplace(sco.key, sco.value);
    o.emplace(sco.property, std::move(inner));
  }
  return o;
}

}  // namespace entente::pattern::index
