// Deterministic identifiers for STIX Cyber-observable Objects (STIX 2.1 section 2.9):
// a UUIDv5 in the namespace 00abedb4-aa42-466c-9c01-fed23315a9b7 over the canonical JSON
// (RFC 8785) of the object's ID-contributing properties, so that two producers who see the
// same observable give it the same id.
//
// The specification makes this a SHOULD, so the validator does not report SCOs whose ids
// were made otherwise; producers in entente (sightings, observation readers) use this.
// Pure functions, safe from any thread.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string>

#include "entente/status.h"

namespace entente::stix {

// "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4" for {"type":"ipv4-addr",
// "value":"198.51.100.3"}. Of `hashes`, only one value contributes: MD5, else SHA-1, else
// SHA-256, else SHA-512, else the first key in canonical order.
// Errors: invalid-argument when `type` is missing, is not an SCO type with ID-contributing
// properties (e.g. process, or a custom type), or none of them is present (the
// specification then asks for a random UUIDv4).
Result<std::string> DeterministicScoId(const boost::json::object& sco);

// RFC 8785 canonical form of a JSON value: object members sorted by key, no whitespace,
// minimal string escapes. Keys are compared by UTF-8 bytes, which matches RFC 8785's
// UTF-16 order except between U+E000..U+FFFF and supplementary characters; non-integer
// numbers use the shortest round-trip form.
std::string CanonicalJson(const boost::json::value& value);
// The same form of `object`, appended to *out.
void AppendCanonicalJson(const boost::json::object& object, std::string* out);

}  // namespace entente::stix
