// stix/: the STIX 2.1 object model — parsing with limits, the specification's MUST
// rules, and the facts about an object that storage and TAXII need.
//
// Knows nothing about HTTP, storage or policy. All functions are pure and safe for
// concurrent use; returned values own their data.
#pragma once

#include <boost/json/value.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "entente/status.h"

namespace entente::stix {

// Limits applied while parsing untrusted JSON.
struct ParseLimits {
  size_t max_bytes = 100 * 1024 * 1024;
  size_t max_depth = 64;  // nesting of arrays/objects
};

// Parses JSON text (RFC 8259, no comments, no trailing commas) within the limits.
// Errors: invalid-argument naming the offset and the problem; resource-exhausted for a
// limit. The value's memory comes from `sp` (default: the global heap); bulk readers
// pass a monotonic resource, which allocates and frees a large document much faster.
Result<boost::json::value> ParseJson(std::string_view text, const ParseLimits& limits = {},
                                     boost::json::storage_ptr sp = {});

// One broken MUST rule.
struct Finding {
  std::string object_id;  // the offending object's id ("" if it has none)
  std::string property;   // JSON path inside the object, e.g. "kill_chain_phases[0].phase_name"
  std::string rule;       // stable rule name, e.g. "id-format", "required-property"
  std::string message;    // one sentence for a person
  // {"object_id":…,"property":…,"rule":…,"message":…} on one line.
  std::string ToJsonLine() const;
};

// Checks an `indicator.pattern`; returns an error message, or nullopt when valid.
// Wired by the caller to the pattern engine so that stix/ does not depend on pattern/.
using PatternChecker = std::function<std::optional<std::string>(
    std::string_view pattern, std::string_view pattern_type, std::string_view pattern_version)>;

struct ValidateOptions {
  PatternChecker check_pattern;  // empty: patterns are not checked
};

// Validates one STIX 2.1 object (any SDO, SRO, SCO, language-content, marking-definition,
// extension-definition) against the specification's MUST rules. Empty = valid.
std::vector<Finding> ValidateObject(const boost::json::object& obj,
                                    const ValidateOptions& options = {});

// Validates a bundle: its own properties, then every object in it.
std::vector<Finding> ValidateBundle(const boost::json::value& bundle,
                                    const ValidateOptions& options = {});

// The facts storage keys an object version by.
struct ObjectKey {
  std::string id;
  std::string type;
  std::string spec_version;  // "2.1"; "2.0" when the object has no spec_version
  std::string version;       // `modified`, else `created`, else ""
  int64_t version_us = 0;    // `version` parsed (microseconds since epoch), 0 when empty
};

// Extracts the key of an object; invalid-argument if id/type are missing or malformed.
Result<ObjectKey> KeyOf(const boost::json::object& obj);

}  // namespace entente::stix
