#include "stix/identifiers.h"

namespace entente::stix {
namespace {

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool IsUuidForm(std::string_view uuid) {
  if (uuid.size() != 36) return false;
  for (size_t i = 0; i < uuid.size(); ++i) {
    const bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash_position ? uuid[i] != '-' : !IsHex(uuid[i])) return false;
  }
  return true;
}

bool IsRfc4122Variant(std::string_view uuid) {
  if (!IsUuidForm(uuid)) return false;
  const int v = HexValue(uuid[19]);
  return v >= 8 && v <= 11;
}

int UuidVersion(std::string_view uuid) {
  if (!IsUuidForm(uuid)) return -1;
  return HexValue(uuid[14]);
}

bool IsValidTypeName(std::string_view type) {
  if (type.size() < 3 || type.size() > 250) return false;
  char prev = 0;
  for (char c : type) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
    if (c == '-' && prev == '-') return false;
    prev = c;
  }
  return true;
}

bool IsValidPropertyName(std::string_view name) {
  if (name == "id") return true;
  if (name.size() < 3 || name.size() > 250) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

std::optional<IdParts> SplitIdentifier(std::string_view id) {
  const size_t sep = id.find("--");
  if (sep == std::string_view::npos) return std::nullopt;
  IdParts parts{id.substr(0, sep), id.substr(sep + 2)};
  if (!IsValidTypeName(parts.type) || !IsUuidForm(parts.uuid)) return std::nullopt;
  return parts;
}

IdProblem CheckIdentifier(std::string_view id) {
  const auto parts = SplitIdentifier(id);
  if (!parts) return IdProblem::kForm;
  if (!IsRfc4122Variant(parts->uuid)) return IdProblem::kUuidVariant;
  return IdProblem::kOk;
}

}  // namespace entente::stix
