// Unicode Normalization Form C for pattern string comparisons.
//
// STIX 2.1 section 9 ("Comparison Operators"): string comparisons are made after both
// sides are normalised to NFC, so "é" written as one code point (U+00E9) equals "e"
// followed by U+0301. The evaluator (matcher.cc) and the compiled index (index/) both
// normalise through this one function so that they agree on every string.
//
// Thread-safe (ICU's NFC instance is immutable and shared). Pure ASCII, and text that
// is already in NFC, comes back unchanged without normalising; text that is not valid
// UTF-8 also comes back unchanged (it cannot be normalised, and comparing its bytes is
// the only meaningful answer).
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace entente::pattern {

// True when `text` is pure ASCII (and so in NFC): eight bytes at a time, inline, because
// the index asks it of every observed string it matches.
inline bool IsAscii(std::string_view text) {
  const char* p = text.data();
  const size_t n = text.size();
  uint64_t bits = 0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    bits |= w;
  }
  for (; i < n; ++i) bits |= static_cast<unsigned char>(p[i]);
  return (bits & 0x8080808080808080ull) == 0;
}

// True when `text` is in NFC already (always true for ASCII and for invalid UTF-8).
bool IsNfc(std::string_view text);

// `text` in NFC.
std::string ToNfc(std::string_view text);

}  // namespace entente::pattern
