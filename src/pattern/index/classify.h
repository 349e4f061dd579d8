// Classify: which parts of a parsed pattern the compiled index can answer by itself.
//
// A "leaf" is a comparison the index's fast structures decide exactly on one object:
//   path = 'string'            (and IN ('a', 'b') as one leaf per member) -> hash table
//   path ISSUBSET 'ip-or-cidr'                                             -> CIDR set
//   path LIKE 'text'                                                       -> Hyperscan
//   path MATCHES 'regex'                                                   -> Hyperscan + RE2
// where the path is the object type followed only by plain keys (file:hashes.'SHA-256',
// not refs, not list indexes), the comparison is not negated, and the property is
// neither a binary one (`_bin` / `_hex`: the evaluator decodes those before comparing,
// and compares them with a string constant's code points, STIX 2.1 section 9.4) nor a
// reference (`_ref` / `_refs`: whether its identifier text or the object it names is
// compared is the evaluator's to say; the OASIS reference matcher resolves it). A leaf's
// string constant is kept in Unicode NFC (section 9.4 compares strings after NFC
// normalisation; the index normalises observed strings the same way).
//
// A pattern is then
//   kSimple      - one bracketed observation expression, no qualifier, whose comparison
//                  is one leaf or an OR of leaves: it matches an observation exactly when
//                  some leaf holds on some object, so the index answers alone;
//   kPrefiltered - every comparison is a leaf, in any structure (AND, several observation
//                  expressions, qualifiers): no negation anywhere, so a match needs at
//                  least one leaf to hold; the index finds candidates through the leaves
//                  and the exact evaluator decides;
//   kGated       - anything else (NOT, !=, <, EXISTS, refs, lists, non-string
//                  constants...): any comparison needs an object of its type, so the
//                  exact evaluator runs on observations holding an object of one of the
//                  pattern's types.
// Pure functions, safe from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "pattern/ast.h"

namespace entente::pattern::index {

enum class LeafOp { kEqual, kIsSubset, kLike, kMatches };

struct Leaf {
  std::string object_type;
  std::vector<std::string> keys;  // property path, e.g. {"hashes", "SHA-256"}
  LeafOp op = LeafOp::kEqual;
  std::string literal;  // the string constant (unescaped)

  bool operator==(const Leaf&) const = default;
};

enum class PatternClass { kSimple, kPrefiltered, kGated };

struct Classified {
  PatternClass kind = PatternClass::kGated;
  std::vector<Leaf> leaves;               // kSimple / kPrefiltered
  std::vector<std::string> object_types;  // every type the pattern names, sorted, unique
};

Classified Classify(const Pattern& pattern);

// True for a property name ending in `_bin` or `_hex` (a binary property, STIX 2.1
// section 2.5 / 2.9): never a leaf.
bool IsBinaryProperty(std::string_view key);
// True for a property name ending in `_ref` or `_refs` (a reference, STIX 2.1 section
// 2.11): never the end of a leaf's path.
bool IsReferenceProperty(std::string_view key);

}  // namespace entente::pattern::index
