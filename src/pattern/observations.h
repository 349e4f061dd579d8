// ObservationSet: the observed-data a pattern is matched against, loaded once from JSON.
//
// Accepts a bundle ({"type":"bundle","objects":[…]}), a JSON array of objects, or one
// object, split as stix::ItemsOf says. Each observed-data object becomes one Observation:
//   - STIX 2.0 shape: an embedded `objects` dictionary keyed "0", "1", …; `_ref`/`_refs`
//     values inside are those keys (resolved within the same observed-data);
//   - STIX 2.1 shape: `object_refs` naming SCOs by id that are found in the same bundle
//     or array; `_ref`/`_refs` values are SCO ids resolved across the whole input.
// Either shape is accepted whatever the requested StixVersion (2.1 still allows the
// deprecated `objects`); `version` decides which one wins when both are present.
// first_observed/last_observed/number_observed are read when present and valid.
// When the input holds no observed-data at all, every top-level object becomes its own
// Observation without timestamps (so `entente pattern match` works on bare SCOs; time
// qualifiers and FOLLOWEDBY never match those).
//
// The set owns a copy of the JSON; the pointers it hands out stay valid as long as the
// set lives (moving the set keeps them valid). Immutable after loading; safe to share
// between threads as const.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/json.hpp>

#include "entente/status.h"
#include "pattern/ast.h"

namespace entente::pattern {

struct Observation {
  std::string id;  // observed-data id; a bare object's own id ("" when it has none)
  std::optional<int64_t> first_observed;  // micros since the epoch
  std::optional<int64_t> last_observed;
  int64_t number_observed = 1;
  std::vector<const boost::json::object*> objects;  // the SCOs this observation shows
  // STIX 2.0 embedded objects by key; empty for the 2.1 shape.
  std::unordered_map<std::string, const boost::json::object*> local;
};

class ObservationSet {
 public:
  const std::vector<Observation>& observations() const { return observations_; }
  // Resolves a `_ref` value seen inside an object of `obs`: the embedded key first, then
  // an SCO id from the input. nullptr when it names nothing.
  const boost::json::object* Resolve(const Observation& obs, std::string_view ref) const;

 private:
  friend Result<ObservationSet> LoadObservations(boost::json::value&&, StixVersion);
  std::shared_ptr<const boost::json::value> doc_;
  std::vector<Observation> observations_;
  std::unordered_map<std::string, const boost::json::object*> by_id_;
};

// Errors (kInvalidArgument): input is not an object/array/bundle; an observed-data has
// neither `objects` nor `object_refs`, or they have the wrong JSON type.
Result<ObservationSet> LoadObservations(const boost::json::value& input, StixVersion version);
// Same, taking the document over instead of copying it.
Result<ObservationSet> LoadObservations(boost::json::value&& input, StixVersion version);

}  // namespace entente::pattern
