#include "stix/identifiers.h"

#include <array>
#include <cstdint>

namespace entente::stix {
namespace {

// Character classes, one bit each, looked up in a table built at compile time.
constexpr uint8_t kHex = 1;
constexpr uint8_t kTypeChar = 2;      // a-z 0-9 -
constexpr uint8_t kPropertyChar = 4;  // a-z 0-9 _

constexpr std::array<uint8_t, 256> MakeClasses() {
  std::array<uint8_t, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = kHex | kTypeChar | kPropertyChar;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = kTypeChar | kPropertyChar;
  for (int c = 'a'; c <= 'f'; ++c) t[c] |= kHex;
  for (int c = 'A'; c <= 'F'; ++c) t[c] = kHex;
  t['-'] = kTypeChar;
  t['_'] = kPropertyChar;
  return t;
}
constexpr std::array<uint8_t, 256> kClasses = MakeClasses();

bool Is(char c, uint8_t cls) { return (kClasses[static_cast<unsigned char>(c)] & cls) != 0; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The variant nibble of a string already known to have UUID form.
bool VariantBitsAre10(std::string_view uuid) {
  const int v = HexValue(uuid[19]);
  return v >= 8 && v <= 11;
}

}  // namespace

bool IsUuidForm(std::string_view uuid) {
  if (uuid.size() != 36) return false;
  if (uuid[8] != '-' || uuid[13] != '-' || uuid[18] != '-' || uuid[23] != '-') return false;
  bool ok = true;
  for (size_t i : {0, 9, 14, 19, 24}) {
    const size_t end = i == 24 ? 36 : (i == 0 ? 8 : i + 4);
    for (size_t j = i; j < end; ++j) ok &= Is(uuid[j], kHex);
  }
  return ok;
}

bool IsRfc4122Variant(std::string_view uuid) { return IsUuidForm(uuid) && VariantBitsAre10(uuid); }

int UuidVersion(std::string_view uuid) {
  if (!IsUuidForm(uuid)) return -1;
  return HexValue(uuid[14]);
}

bool IsValidTypeName(std::string_view type) {
  if (type.size() < 3 || type.size() > 250) return false;
  if (type[0] < 'a' || type[0] > 'z') return false;  // begins with a letter (section 3.1)
  char prev = 0;
  for (char c : type) {
    if (!Is(c, kTypeChar) || (c == '-' && prev == '-')) return false;
    prev = c;
  }
  return true;
}

bool IsValidPropertyName(std::string_view name) {
  if (name.size() < 3 || name.size() > 250) return name == "id";
  if (name[0] < 'a' || name[0] > 'z') return false;  // begins with a letter (section 3.1)
  bool ok = true;
  for (char c : name) ok &= Is(c, kPropertyChar);
  return ok;
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
  if (!VariantBitsAre10(parts->uuid)) return IdProblem::kUuidVariant;
  return IdProblem::kOk;
}

}  // namespace entente::stix
