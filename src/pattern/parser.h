// ParsePattern: STIX patterning text -> Pattern (ast.h), with the spec's type rules.
//
// Pure functions, safe from any thread. A pattern is untrusted input: its length, the
// nesting depth of brackets/parentheses/operators, the number of comparisons, of
// observation expressions and of qualifiers, and the size of IN sets are all bounded by
// ParseOptions; exceeding one is a kResourceExhausted error, never a crash or a stack
// overflow. Any other problem is kInvalidArgument. Every error message starts with
// "at offset N: " (0-based byte offset into the text) and says what was found and what
// was expected, e.g. "at offset 12: expected ']' but found 'AND'"; FormatParseError
// turns it into the pattern echoed with a caret under that offset.
//
// Type rules checked here (beyond the grammar):
//   - IN sets hold constants of one kind (ints and floats mix as numbers);
//   - LIKE, MATCHES, ISSUBSET, ISSUPERSET take a string; MATCHES must compile with RE2
//     within a compile budget (ParseOptions::max_regex_memory per expression,
//     max_regex_program_size for all of a pattern's; beyond either, kResourceExhausted);
//     ISSUBSET/ISSUPERSET need an IPv4 or IPv6 address or CIDR ("10.0.0.0/8", "::1/128");
//   - <, >, <=, >= take no booleans; h'…' needs an even number of hex digits; b'…' must
//     be valid base64; t'…' must be a valid RFC 3339 UTC timestamp;
//   - WITHIN takes a positive number of seconds, REPEATS a positive integer, START must be
//     before STOP; at most one qualifier of each kind on one observation expression
//     (WITHIN … WITHIN is refused; "([a] WITHIN 5 SECONDS) WITHIN 9 SECONDS" qualifies a
//     group and is fine), as the reference validator requires;
//   - a constant compared (=, !=, IN) with hashes.<algorithm> must be a possible value of
//     that algorithm (pattern/hash_values.h: MD5 32 hex digits, SHA-256 64, …);
//   - START/STOP take t'…'; in STIX 2.0 mode also the plain strings of the 2.0 grammar;
//   - otherwise both STIX versions accept the same grammar; `version` is recorded in
//     Pattern::version and selects the observed-data shape at evaluation time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "entente/status.h"
#include "pattern/ast.h"

namespace entente::pattern {

struct ParseOptions {
  StixVersion version = StixVersion::k21;
  size_t max_length = 64 * 1024;  // bytes of pattern text
  int max_depth = 64;             // nesting of '(' and '[' (each counts one level)
  size_t max_comparisons = 1024;  // comparisons in the whole pattern
  size_t max_observations = 256;  // bracketed observation expressions
  size_t max_qualifiers = 64;     // WITHIN / REPEATS / START-STOP, whole pattern
  int64_t max_repeats = 1000;     // largest n in REPEATS n TIMES
  size_t max_set_size = 4096;     // members of one IN set
  size_t max_path_steps = 32;     // steps of one object path
  // The compile cost of MATCHES expressions, which grows with counted repetitions of
  // large classes (`\p{L}{50}` compiles about 60,000 RE2 instructions in 40 ms here):
  // RE2's memory budget for one expression (RE2 stops compiling beyond it, after
  // about 1-2 ms at this size), and the sum of the compiled sizes (RE2 program
  // instructions) of all of a pattern's; an expression over its memory budget counts
  // as max_regex_memory / 16 instructions. A pattern whose total already reached the
  // sum compiles no further expression.
  size_t max_regex_memory = 256 * 1024;
  size_t max_regex_program_size = 20'000;
};

Result<Pattern> ParsePattern(std::string_view text, const ParseOptions& options = {});

// ParsePattern that also tells what its MATCHES expressions cost to compile (RE2
// instructions, as counted against max_regex_program_size), whether it succeeds or not.
Result<Pattern> ParsePatternCounting(std::string_view text, const ParseOptions& options,
                                     size_t* regex_cost);

// Multi-line, human-readable form of a ParsePattern error for `text`:
//   <message>
//   <text>
//   <spaces>^
// (text longer than 120 bytes is shown as a window around the offset).
std::string FormatParseError(std::string_view text, const Status& error);

// For stix::ValidateOptions::check_pattern: nullopt when `text` parses (STIX 2.1),
// otherwise the error message.
std::optional<std::string> CheckPattern(std::string_view text);

// The options for an indicator's pattern_version: "2.0" selects STIX 2.0, anything
// else 2.1; the limits are the defaults.
ParseOptions IndicatorParseOptions(std::string_view pattern_version);

// Same with an indicator's pattern_type and pattern_version: types other than "stix"
// are not checked (nullopt); the options are IndicatorParseOptions(pattern_version).
std::optional<std::string> CheckIndicatorPattern(std::string_view text,
                                                 std::string_view pattern_type,
                                                 std::string_view pattern_version);

// An indicator pattern's check with the given limits (their `version` is replaced by
// the one pattern_version selects), and the compile cost it incurred.
struct PatternCheck {
  Status status;          // ok, or the parse error
  size_t regex_cost = 0;  // RE2 instructions compiled (ParsePatternCounting)
};
PatternCheck CheckIndicatorPatternCost(std::string_view text, std::string_view pattern_type,
                                       std::string_view pattern_version, ParseOptions limits);

}  // namespace entente::pattern
