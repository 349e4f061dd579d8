// The STIX 2.x patterning language as a tree (what ParsePattern returns).
//
// A Pattern is a plain value: copyable, movable, immutable once built by the parser,
// safe to share between threads as const. Nothing in it points outside itself; strings
// are owned. Every node keeps `position`, the 0-based byte offset in the pattern text
// where it starts, so that later checks can point at the offending spot.
//
// Shape (STIX 2.1 grammar, section 9 of the specification):
//   Pattern            := ObservationExpr
//   ObservationExpr    := '[' ComparisonExpr ']'                      (kind kComparison)
//                       | ObservationExpr (AND|OR|FOLLOWEDBY) ...      (kAnd/kOr/kFollowedBy,
//                         n-ary: `[a] AND [b] AND [c]` is one node with three children)
//                       | '(' ObservationExpr ')'  qualifiers apply to the group
//                       each with zero or more Qualifiers, applied innermost first
//   ComparisonExpr     := Comparison | ComparisonExpr (AND|OR) ...    (n-ary as above)
//   Comparison         := ObjectPath [NOT] op Constant | EXISTS ObjectPath
// Precedence, tightest first: inside brackets AND over OR; between observation
// expressions AND over OR over FOLLOWEDBY; parentheses group. Qualifiers bind to the
// observation expression (bracket or parenthesised group) written immediately before.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/timestamp.h"

namespace entente::pattern {

// Which STIX version's rules and observed-data shape apply.
enum class StixVersion { k20, k21 };

// One step of an object path after the object type.
struct PathStep {
  enum class Kind {
    kKey,       // .name or .'quoted name' (the first step too: file:name)
    kIndex,     // [n]  (n may be negative in the grammar; negative never matches)
    kAnyIndex,  // [*]  any element of a list
  };
  Kind kind = Kind::kKey;
  std::string key;      // kKey: the property name, unquoted and unescaped
  bool quoted = false;  // kKey: written as a quoted string ('SHA-256')
  int64_t index = 0;    // kIndex
  // True when the value reached after this step is a reference (the key ends in "_ref",
  // or this is an index/[*] step into a list whose key ends in "_refs") AND more steps
  // follow: the evaluator resolves the referenced object before taking the next step.
  bool dereference = false;
};

struct ObjectPath {
  std::string object_type;      // e.g. "file", "network-traffic", "x-custom"
  std::vector<PathStep> steps;  // never empty
  size_t position = 0;
  // Canonical text, e.g. "file:hashes.'SHA-256'", "file:extensions.'x'.sections[*].entropy".
  std::string ToString() const;
};

// A literal value in a pattern.
struct Constant {
  enum class Kind {
    kString,     // '...' with \' and \\ escapes; `text` holds the unescaped value
    kInt,        // `int_value`
    kFloat,      // `float_value`
    kBool,       // true / false -> `bool_value`
    kHex,        // h'0a1B' -> `text` holds the decoded bytes
    kBinary,     // b'AAEC' -> `text` holds the decoded bytes
    kTimestamp,  // t'2016-01-01T00:00:00Z' -> `timestamp`
  };
  Kind kind = Kind::kString;
  std::string text;
  int64_t int_value = 0;
  double float_value = 0;
  bool bool_value = false;
  Timestamp timestamp;
  size_t position = 0;
  // Pattern-syntax form, e.g. "'a\\'b'", "12", "h'0a'", "t'2016-01-01T00:00:00Z'".
  std::string ToString() const;
};

enum class CompareOp {
  kEqual,         // =
  kNotEqual,      // !=
  kLess,          // <
  kGreater,       // >
  kLessEqual,     // <=
  kGreaterEqual,  // >=
  kIn,            // IN (set)
  kLike,          // LIKE 'a%b_'
  kMatches,       // MATCHES 'regex' (RE2 syntax, a subset of PCRE)
  kIsSubset,      // ISSUBSET '10.0.0.0/8'
  kIsSuperset,    // ISSUPERSET '10.0.0.0/24'
  kExists,        // EXISTS path (no constant)
};

// "=", "!=", "<", …, "IN", "LIKE", "MATCHES", "ISSUBSET", "ISSUPERSET", "EXISTS".
const char* CompareOpName(CompareOp op);

struct Comparison {
  ObjectPath path;
  CompareOp op = CompareOp::kEqual;
  bool negated = false;       // written `path NOT op value`
  Constant value;             // unused for kIn and kExists
  std::vector<Constant> set;  // kIn: the members (all of one kind; may be empty)
  size_t position = 0;
};

struct ComparisonExpr {
  enum class Kind { kComparison, kAnd, kOr };
  Kind kind = Kind::kComparison;
  Comparison comparison;                 // kComparison
  std::vector<ComparisonExpr> children;  // kAnd / kOr: two or more
  size_t position = 0;
};

struct Qualifier {
  enum class Kind {
    kWithin,     // WITHIN n SECONDS (n > 0, int or float)
    kRepeats,    // REPEATS n TIMES (n >= 1)
    kStartStop,  // START t'…' STOP t'…' (start < stop)
  };
  Kind kind = Kind::kWithin;
  double within_seconds = 0;
  int64_t repeats = 0;
  Timestamp start;
  Timestamp stop;
  size_t position = 0;
};

struct ObservationExpr {
  enum class Kind { kComparison, kAnd, kOr, kFollowedBy };
  Kind kind = Kind::kComparison;
  ComparisonExpr comparison;              // kComparison: the text between [ and ]
  std::vector<ObservationExpr> children;  // kAnd / kOr / kFollowedBy: two or more, in order
  std::vector<Qualifier> qualifiers;      // applied in order written (innermost first)
  size_t position = 0;
};

struct Pattern {
  ObservationExpr root;
  StixVersion version = StixVersion::k21;
  // Canonical text of the whole pattern (normalised spacing, quoting and parentheses).
  std::string ToString() const;
};

}  // namespace entente::pattern
