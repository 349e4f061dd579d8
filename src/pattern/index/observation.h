// ObservationView: the SCOs one observation shows - what one observed-data reports, or
// one bare SCO - found in a JSON record without copying it. The index's fast path reads
// these; the exact evaluator reads pattern::ObservationSet, loaded from the same record
// only when needed.
//
// A view only points into JSON it does not own: the record must outlive it. It is a
// plain value; reading it from several threads is safe.
//
// A record (one JSON value) splits as pattern::LoadObservations splits it (its items are
// stix::ItemsOf's):
//   - a bundle or a JSON array: one view per observed-data in it; when it holds no
//     observed-data, one view per object with a "type";
//   - one observed-data: one view;
//   - any other object with a "type" (a bare SCO): one view of that object.
// An observed-data's SCOs are the objects its STIX 2.1 `object_refs` name elsewhere in the
// record (unresolved refs are ignored), or without object_refs its STIX 2.0 `objects` map.
// A record LoadObservations refuses (an observed-data whose object_refs is not a list, or
// that has neither object_refs nor an `objects` dictionary) yields no views, so that the
// fast path reports nothing where the evaluator reports an error.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace entente::pattern::index {

struct ObservationView {
  // The observed-data the objects come from; null for bare SCOs.
  const boost::json::object* observed_data = nullptr;
  // The SCOs, in the order the observed-data lists them (points into a ViewSet).
  std::span<const boost::json::object* const> objects;
  // The observed-data's `id` and `last_observed` strings ("" when absent or not strings),
  // read while splitting the record.
  std::string_view id_text, last_observed_text;

  // observed-data `id`, or "" when there is none.
  std::string_view id() const { return id_text; }
  // observed-data `last_observed`, or "" when there is none.
  std::string_view last_observed() const { return last_observed_text; }
};

// The member `key` of `object`, or nullptr: object::if_contains, but small objects (all
// that STIX records hold in practice) are searched inline, without a call into the JSON
// library per lookup. Keys of a parsed object are unique, so the answer is the same.
inline const boost::json::value* MemberOf(const boost::json::object& object, std::string_view key) {
  constexpr size_t kInlineMembers = 16;
  if (object.size() > kInlineMembers) return object.if_contains(key);
  for (const boost::json::key_value_pair& kv : object) {
    std::string_view k = kv.key();
    if (k.size() == key.size() &&
        std::char_traits<char>::compare(k.data(), key.data(), k.size()) == 0) {
      return &kv.value();
    }
  }
  return nullptr;
}

// The string member `key` of `object` (nullptr when absent or not a string).
inline std::string_view StringMemberOf(const boost::json::object& object, std::string_view key) {
  const boost::json::value* v = MemberOf(object, key);
  if (v == nullptr || !v->is_string()) return {};
  return {v->get_string().data(), v->get_string().size()};
}

// One SCO given as plain values instead of JSON, for callers that hold their
// observables typed (telemetry) and would otherwise build JSON only to be read back:
//   key empty:      {"type": type, property: value}          e.g. ipv4-addr, value
//   key non-empty:  {"type": type, property: {key: value}}   e.g. file, hashes, SHA-256
// `property` is never "type" or "". The views belong to the caller. JsonOf gives the
// object it stands for; the index answers for a FlatSco exactly as for that object.
struct FlatSco {
  std::string_view type;
  std::string_view property;
  std::string_view key;
  std::string_view value;
};

boost::json::object JsonOf(const FlatSco& sco);

// The views of one record. Reusable: ViewsOf clears it but keeps its capacity, so that
// matching a stream allocates nothing per record in the steady state.
struct ViewSet {
  std::vector<ObservationView> views;
  std::vector<const boost::json::object*> objects;  // storage behind the views' spans
};

// Splits one record into views (see above); anything else yields none.
void ViewsOf(const boost::json::value& record, ViewSet* out);
ViewSet ViewsOf(const boost::json::value& record);

// The string at `keys` inside `object` (e.g. {"hashes", "SHA-256"}), or nullptr when a
// step is missing or the value is not a string.
const boost::json::string* StringAt(const boost::json::object& object,
                                    const std::vector<std::string>& keys);

}  // namespace entente::pattern::index
