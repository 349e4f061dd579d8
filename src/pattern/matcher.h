// Matcher: evaluates one parsed Pattern against an ObservationSet.
//
// Compile once, match many: a Matcher is immutable after Compile and safe to use from
// several threads at once (Match is const and keeps its state on the stack). It owns a
// copy of the Pattern and the compiled regular expressions (RE2: linear time, bounded
// memory). Returned MatchResults are plain values.
//
// Semantics (STIX 2.1 section 9, "STIX Patterning", read with the OASIS reference
// matcher cti-pattern-matcher 3.0.0 where the text leaves room; the deliberate
// differences are listed in docs/conformance.md):
//   Comparisons
//   - An object path starts at an SCO of its object type (the "root" object) and walks
//     keys (case-sensitive, so hashes.'SHA-256' ≠ hashes.'sha-256'), list indices and
//     [*]. A step whose key ends in `_ref` (or an index into a `_refs` list) followed by
//     more steps dereferences: 2.0 embedded keys resolve in the same observed-data, 2.1
//     ids anywhere in the input.
//   - A comparison holds for a root object when some value its path reaches passes the
//     test, NOT included (so [*] NOT = 'a' holds when some element differs). A path that
//     reaches nothing passes nothing, negated or not. EXISTS: some non-null value.
//   - A value of another type than the constant is unequal to it: `=` and IN are false,
//     `!=` and every NOT form (NOT =, NOT IN, NOT LIKE, NOT MATCHES, NOT ISSUBSET, …) are
//     true; <, >, <=, >= are false, with or without NOT. IN () is false, NOT IN () true.
//   - Strings compare in Unicode NFC (both sides; constants normalised at Compile), in
//     code-point order. Numbers compare numerically (ints and floats mix; booleans are
//     not numbers). t'…' compares with properties holding RFC 3339 timestamps; a value
//     compared with a timestamp that is a string but not a timestamp makes the whole
//     Match an error (MatchResult::status kInvalidArgument), as in the reference.
//   - Binary data: values of properties named `…_bin` (base64) and `…_hex` are bytes;
//     h'…'/b'…' are bytes. Bytes equal (and order against) a string when the string's
//     code points, each taken as one byte, are those bytes (a code point ≥ 256: unequal,
//     and unordered so NOT < is true). LIKE reads bytes as UTF-8 text; MATCHES runs on
//     the bytes with the operand's code points as bytes (Latin-1; '\\xd4' is one byte).
//   - LIKE: SQL wildcards, % any run, _ one character, everything else literal, whole
//     value. MATCHES: RE2 search anywhere in the value (anchor with ^…$ yourself).
//   - ISSUBSET: the property (address or CIDR) lies inside the constant's CIDR;
//     ISSUPERSET: the property's CIDR (or address) contains the constant. IPv4 and IPv6;
//     a value that is no address of the constant's family passes neither.
//   Inside one observation expression [ … ]
//   - Each comparison selects root objects of its type in one observed-data; AND keeps
//     the objects both sides selected, OR those either did; the observed-data matches
//     when one object remains. So comparisons joined by AND hold for the SAME object
//     (following its references): [ipv4-addr:value = 'x' AND domain-name:value = 'y']
//     never matches, while [ipv4-addr:value = 'x' OR domain-name:value = 'y'] takes
//     either object.
//   Between observation expressions (each match is a "binding": the observations used,
//   with the latest first_observed and the earliest last_observed among them)
//   - An observed-data with number_observed n stands for n observations. A AND B: both
//     match, using no observed-data more than n times in all. A OR B: either.
//   - A FOLLOWEDBY B: as AND, and the latest first_observed on A's side is no later than
//     the earliest last_observed on B's (times can be chosen in order).
//   - WITHIN n SECONDS: one window of n seconds meets every observation's interval
//     [first_observed, last_observed]: latest first − earliest last ≤ n.
//   - START s STOP e: every observation's interval meets [s, e): first < e, last ≥ s.
//   - REPEATS n TIMES: n matches of the expression within those instance limits. Found
//     greedily in first_observed order from each candidate; a WITHIN or START/STOP that
//     follows is searched for directly (exact for a bracketed expression, a heuristic
//     for nested compound expressions).
//   - Time rules never hold for observations without timestamps.
// Bounds: each node keeps at most max_bindings candidate bindings and the whole match
// spends at most max_steps units of work and max_path_values values per path walk. When
// a bound cuts evaluation short and no match was found, the result carries
// kResourceExhausted "pattern too complex …" instead of a wrong "no".
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "entente/status.h"
#include "pattern/ast.h"
#include "pattern/observations.h"

namespace entente::pattern {

struct MatchOptions {
  size_t max_bindings = 1024;       // candidate bindings kept per observation expression
  size_t max_steps = 4'000'000;     // work units per Match call
  size_t max_path_values = 10'000;  // values one object path may reach in one object
};

// One leaf observation expression ([ … ]) and the observation that satisfied it.
struct BindingEntry {
  size_t expression = 0;   // index into Matcher::leaves()
  size_t observation = 0;  // index into ObservationSet::observations()
};

struct MatchResult {
  bool matched = false;
  // kResourceExhausted when evaluation gave up at its bounds; kInvalidArgument when the
  // data cannot be compared as the pattern asks (a timestamp comparison met a value that
  // is not a timestamp). matched is false whenever status is not OK.
  Status status;
  std::vector<BindingEntry> binding;  // one satisfying assignment when matched
};

class Matcher {
 public:
  // Fails only for regular expressions RE2 cannot compile (ParsePattern checks that too).
  static Result<Matcher> Compile(const Pattern& pattern, const MatchOptions& options = {});

  MatchResult Match(const ObservationSet& observations) const;

  // The bracketed observation expressions in pattern order (left to right).
  const std::vector<const ObservationExpr*>& leaves() const;
  const Pattern& pattern() const;

  // {"matched":true,"bindings":[{"expression":0,"pattern":"[file:name = 'a']",
  //   "observed_data":["observed-data--…", …]}, …]}
  std::string BindingsJson(const MatchResult& result, const ObservationSet& observations) const;

  Matcher(Matcher&&) noexcept;
  Matcher& operator=(Matcher&&) noexcept;
  ~Matcher();

  struct Impl;  // opaque: the compiled form

 private:
  explicit Matcher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace entente::pattern
