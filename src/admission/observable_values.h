// admission/observable_values.h: the observable values an object holds, for the store's
// value index (store.h NewObject::values; "who else saw it", store/seen.h).
//
// One rule for every way an object is indexed, at admission and in the store's schema
// migration (cli/node_util.cc hands ObservableValuesOfJson to SqliteOptions):
//   indicator (pattern_type "stix")  every string constant the pattern compares with `=`
//                                    or `IN`, not negated, in any observation expression
//                                    (kept in Unicode NFC as the pattern engine compares,
//                                    STIX 2.1 section 9.4); nothing for other pattern types
//                                    or a pattern that does not parse;
//   sighting                         its sighting_of_ref;
//   relationship                     its target_ref (so the relationships pointing at an
//                                    object are found from the object, as its sightings
//                                    are; store schema version 7);
//   a cyber-observable (SCO: an       its `value` when it is a string, and every string of
//   object without `created`)        its `hashes`.
// Values are indexed exactly as they are written: a keyed hash that a sovereignty rule
// put in place of a value (docs/sharing-rules.md) is a string like any other, so two
// objects holding the same keyed hash correlate. Duplicates are dropped; the order is
// unspecified. Pure functions, safe from any thread.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace entente::admission {

// Replaces *out with the values `obj` holds.
void ObservableValues(const boost::json::object& obj, std::vector<std::string>* out);

// The same for an object given as its type and stored JSON text (a text that does not
// parse holds nothing).
void ObservableValuesOfJson(std::string_view type, std::string_view json,
                            std::vector<std::string>* out);

}  // namespace entente::admission
