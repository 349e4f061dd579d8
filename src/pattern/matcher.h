// Matcher: evaluates one parsed Pattern against an ObservationSet.
//
// Compile once, match many: a Matcher is immutable after Compile and safe to use from
// several threads at once (Match is const and keeps its state on the stack). It owns a
// copy of the Pattern and the compiled regular expressions (RE2: linear time, bounded
// memory). Returned MatchResults are plain values.
//
// Semantics chosen (STIX 2.1 section 9, "Pattern Expressions"):
//   Comparisons
//   - An object path starts at an SCO of its object type and walks keys (case-sensitive,
//     so hashes.'SHA-256' ≠ hashes.'sha-256'), list indices and [*]. A step whose key ends
//     in `_ref` (or an index into a `_refs` list) followed by more steps dereferences:
//     2.0 embedded keys resolve in the same observed-data, 2.1 ids anywhere in the input.
//   - A comparison is true when some value the path reaches satisfies it; `NOT op` is
//     true when some value of a comparable type does not satisfy `op`. A missing property
//     or a value of an incomparable type (string vs number, …) never satisfies anything,
//     negated or not. EXISTS is true when the path reaches any non-null value.
//   - Strings compare by bytes (code-point order). Numbers compare numerically (ints and
//     floats mix). t'…' compares with properties holding RFC 3339 timestamps. h'…'/b'…'
//     compare bytes with a property decoded from base64 (name ending in `_bin`), from hex
//     (ending in `_hex`), or with the raw bytes of another string.
//   - LIKE: SQL wildcards, % any run, _ one character, everything else literal, whole
//     value. MATCHES: RE2 search anywhere in the value (anchor with ^…$ yourself); on
//     a `_bin` property, on its base64-decoded bytes (Latin-1: '\\xd4' is one byte).
//   - ISSUBSET: the property (address or CIDR) lies inside the constant's CIDR;
//     ISSUPERSET: the property's CIDR contains the constant. IPv4 and IPv6.
//   Inside one observation expression [ … ]
//   - Everything is evaluated against the SCOs of ONE observed-data. A sub-expression
//     whose comparisons all name the same object type must hold for ONE SCO (so
//     [file:name = 'a' AND file:size = 3] needs one file with both); where types mix,
//     AND/OR combine the per-type results over that observed-data.
//   Between observation expressions (each match is a "binding": the set of observed-data
//   used, with the earliest first_observed and the latest last_observed among them)
//   - A AND B: both match, using disjoint sets of observed-data. A OR B: either.
//   - A FOLLOWEDBY B: disjoint, and every observed-data of A's binding ended
//     (last_observed) no later than any of B's began (first_observed).
//   - WITHIN n SECONDS: latest last_observed − earliest first_observed ≤ n seconds.
//   - START s STOP e: s ≤ every first_observed and every last_observed < e.
//   - REPEATS n TIMES: disjoint matches of the expression whose number_observed add up
//     to n (an observed-data with number_observed 3 counts three times). Candidates are
//     grown greedily in first_observed order from each starting match; exact for a
//     bracketed expression, a heuristic for nested compound expressions.
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
  Status status;                      // non-OK (kResourceExhausted) when evaluation gave up
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
