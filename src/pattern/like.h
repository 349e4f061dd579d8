// LIKE: the wildcard rules of the STIX LIKE operator, written once for the evaluator
// (pattern::Matcher) and for the compiled index (pattern/index/regex_set).
//
// STIX 2.1 section 9.5: LIKE matches the whole value; '%' stands for any run of
// characters (none included), '_' for exactly one character, and every other character
// for itself. Values and operands are UTF-8, so "a character" is one code point.
//
// Pure functions over the caller's strings, safe from any thread. LikeShape::literal
// points into the operand passed to AnalyzeLike and is valid as long as that is.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace entente::pattern {

// Translates a LIKE operand into a regular expression anchored at both ends ("^…\z"),
// in the syntax RE2 and Hyperscan share: '%' becomes ".*", '_' becomes '.', regular
// expression metacharacters are escaped with '\', control bytes are written "\xNN" and
// every other byte (UTF-8 sequences included) stands for itself. It means what the
// LIKE means when compiled in UTF-8 mode with '.' matching '\n' (RE2 dot_nl, Hyperscan
// HS_FLAG_DOTALL | HS_FLAG_UTF8). An operand that is not valid UTF-8 gives an
// expression RE2 refuses to compile in UTF-8 mode.
std::string LikeToRegex(std::string_view like);

// How a LIKE operand can be tested without a regular expression.
struct LikeShape {
  enum class Kind {
    kExact,     // no wildcard: value == literal
    kPrefix,    // "abc%": value starts with literal
    kSuffix,    // "%abc": value ends with literal
    kContains,  // "%abc%": literal occurs in value
    kAny,       // only '%'s: every value
    kPercent,   // '%' inside as well, no '_': PercentLikeMatches decides, and `literal`
                // (the longest '%'-free piece) occurs in every value that matches
    kGeneral,   // has a '_', or is not valid UTF-8: only LikeToRegex's expression says
  };
  Kind kind = Kind::kGeneral;
  std::string_view literal;      // see Kind; the operand without its end '%'s for kExact…kAny
  size_t leading_percents = 0;   // '%'s the operand starts with
  size_t trailing_percents = 0;  // '%'s it ends with (not counting the leading ones)
};

// The shape of `like` (see LikeShape). Byte-wise tests (==, starts/ends with, find,
// PercentLikeMatches) answer as the LIKE does only for valid UTF-8 operands and values;
// such an operand never has kind kGeneral unless it holds a '_'.
LikeShape AnalyzeLike(std::string_view like);

// Whether `value` matches a LIKE operand whose only wildcard is '%', comparing bytes
// (which for valid UTF-8 operand and value is the same as comparing code points).
bool PercentLikeMatches(std::string_view like, std::string_view value);

// Strictly valid UTF-8: no overlong forms, surrogates or code points past U+10FFFF.
bool IsValidUtf8(std::string_view s);

}  // namespace entente::pattern
