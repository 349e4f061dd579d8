#include "pattern/nfc.h"

#include <unicode/errorcode.h>
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

namespace entente::pattern {
namespace {

bool IsValidUtf8(std::string_view text) {
  int32_t i = 0;
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const auto length = static_cast<int32_t>(text.size());
  while (i < length) {
    UChar32 c;
    U8_NEXT(s, i, length, c);
    if (c < 0) return false;
  }
  return true;
}

const icu::Normalizer2* Nfc() {
  static const icu::Normalizer2* const nfc = [] {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* instance = icu::Normalizer2::getNFCInstance(status);
    return U_SUCCESS(status) ? instance : nullptr;
  }();
  return nfc;
}

}  // namespace

bool IsNfc(std::string_view text) {
  if (IsAscii(text) || text.size() > INT32_MAX || !IsValidUtf8(text)) return true;
  const icu::Normalizer2* nfc = Nfc();
  if (nfc == nullptr) return true;
  UErrorCode status = U_ZERO_ERROR;
  const icu::UnicodeString wide = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  const UBool normal = nfc->isNormalized(wide, status);
  return U_FAILURE(status) || normal;
}

std::string ToNfc(std::string_view text) {
  if (IsNfc(text)) return std::string(text);
  const icu::Normalizer2* nfc = Nfc();
  UErrorCode status = U_ZERO_ERROR;
  const icu::UnicodeString wide = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  const icu::UnicodeString normal = nfc->normalize(wide, status);
  if (U_FAILURE(status)) return std::string(text);
  std::string out;
  normal.toUTF8String(out);
  return out;
}

}  // namespace entente::pattern
