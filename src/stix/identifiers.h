// STIX identifiers and names: the `type--UUID` identifier form, RFC 4122 UUIDs and the
// type-name and property-name rules of STIX 2.1.
//
// Pure functions over string views, safe from any thread. Returned views point into the
// argument and live as long as it does.
#pragma once

#include <optional>
#include <string_view>

namespace entente::stix {

// The two halves of an identifier.
struct IdParts {
  std::string_view type;
  std::string_view uuid;
};

// True for the canonical 8-4-4-4-12 hexadecimal form (either case).
bool IsUuidForm(std::string_view uuid);
// True when the UUID has the RFC 4122 variant (first hex digit of the 4th group 8-b).
bool IsRfc4122Variant(std::string_view uuid);
// The UUID version (the first hex digit of the 3rd group); -1 if not a UUID.
int UuidVersion(std::string_view uuid);

// A STIX type name: 3-250 characters of a-z, 0-9 and '-', beginning with a letter, with
// no "--".
bool IsValidTypeName(std::string_view type);
// A property name: 3-250 characters of a-z, 0-9 and '_', beginning with a letter ("id"
// is allowed).
bool IsValidPropertyName(std::string_view name);

// Splits "type--uuid" when the type is a valid type name and the uuid has UUID form;
// nullopt otherwise. Does not check the UUID variant.
std::optional<IdParts> SplitIdentifier(std::string_view id);

// Why an identifier is not valid; kOk when it is.
enum class IdProblem { kOk, kForm, kUuidVariant };
IdProblem CheckIdentifier(std::string_view id);

}  // namespace entente::stix
