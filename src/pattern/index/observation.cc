#include "pattern/index/observation.h"

#include <unordered_map>

namespace entente::pattern::index {
namespace {

std::string_view StringField(const boost::json::object* o, std::string_view key) {
  if (o == nullptr) return {};
  const boost::json::value* v = o->if_contains(key);
  if (v == nullptr || !v->is_string()) return {};
  const boost::json::string& s = v->get_string();
  return {s.data(), s.size()};
}

bool IsObservedData(const boost::json::object& o) {
  return StringField(&o, "type") == "observed-data";
}

// Builds the observation for one observed-data; `by_id` resolves 2.1 object_refs.
ObservationView FromObservedData(
    const boost::json::object& od,
    const std::unordered_map<std::string_view, const boost::json::object*>& by_id) {
  ObservationView obs;
  obs.observed_data = &od;
  // As pattern::LoadObservations (STIX 2.1): the embedded map only without object_refs.
  const boost::json::value* refs = od.if_contains("object_refs");
  const boost::json::value* objs = od.if_contains("objects");
  if (refs == nullptr && objs != nullptr && objs->is_object()) {
    for (const auto& kv : objs->get_object()) {
      if (kv.value().is_object()) obs.objects.push_back(&kv.value().get_object());
    }
  }
  if (refs != nullptr && refs->is_array()) {
    for (const boost::json::value& r : refs->get_array()) {
      if (!r.is_string()) continue;
      auto it = by_id.find(std::string_view(r.get_string().data(), r.get_string().size()));
      if (it != by_id.end()) obs.objects.push_back(it->second);
    }
  }
  return obs;
}

}  // namespace

std::string_view ObservationView::id() const { return StringField(observed_data, "id"); }

std::string_view ObservationView::last_observed() const {
  return StringField(observed_data, "last_observed");
}

std::vector<ObservationView> ViewsOf(const boost::json::value& record) {
  std::vector<ObservationView> out;
  const boost::json::array* items = record.if_array();
  if (items == nullptr) {
    const boost::json::object* top = record.if_object();
    if (top == nullptr) return out;
    std::string_view type = StringField(top, "type");
    if (type != "bundle") {
      static const std::unordered_map<std::string_view, const boost::json::object*> kNone;
      if (type == "observed-data") {
        out.push_back(FromObservedData(*top, kNone));
      } else if (!type.empty()) {
        ObservationView v;
        v.objects.push_back(top);
        out.push_back(std::move(v));
      }
      return out;
    }
    const boost::json::value* objects = top->if_contains("objects");
    if (objects == nullptr || !objects->is_array()) return out;
    items = &objects->get_array();
  }
  std::unordered_map<std::string_view, const boost::json::object*> by_id;
  bool any_observed_data = false;
  for (const boost::json::value& v : *items) {
    const boost::json::object* o = v.if_object();
    if (o == nullptr) continue;
    if (IsObservedData(*o)) {
      any_observed_data = true;
      continue;
    }
    std::string_view id = StringField(o, "id");
    if (!id.empty()) by_id.emplace(id, o);
  }
  for (const boost::json::value& v : *items) {
    const boost::json::object* o = v.if_object();
    if (o == nullptr) continue;
    if (any_observed_data) {
      if (IsObservedData(*o)) out.push_back(FromObservedData(*o, by_id));
    } else if (!StringField(o, "type").empty()) {
      ObservationView view;
      view.objects.push_back(o);
      out.push_back(std::move(view));
    }
  }
  return out;
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

}  // namespace entente::pattern::index
