#include "pattern/index/classify.h"

#include <algorithm>

#include "pattern/index/cidr_set.h"
#include "pattern/nfc.h"

namespace entente::pattern::index {

bool IsBinaryProperty(std::string_view key) {
  auto ends_with = [&](std::string_view suffix) {
    return key.size() >= suffix.size() && key.substr(key.size() - suffix.size()) == suffix;
  };
  return ends_with("_bin") || ends_with("_hex");
}

bool IsReferenceProperty(std::string_view key) {
  auto ends_with = [&](std::string_view suffix) {
    return key.size() >= suffix.size() && key.substr(key.size() - suffix.size()) == suffix;
  };
  return ends_with("_ref") || ends_with("_refs");
}

namespace {

// Appends the leaves `c` stands for; false when `c` is not a leaf.
bool LeavesOf(const Comparison& c, std::vector<Leaf>* out) {
  if (c.negated) return false;
  Leaf base;
  base.object_type = c.path.object_type;
  for (const PathStep& s : c.path.steps) {
    if (s.kind != PathStep::Kind::kKey || s.dereference) return false;
    base.keys.push_back(s.key);
  }
  if (base.keys.empty() || IsBinaryProperty(base.keys.back()) ||
      IsReferenceProperty(base.keys.back())) {
    return false;
  }
  // Strings compare after NFC normalisation (STIX 2.1 section 9.4): the leaf keeps its
  // constant normalised, and the index normalises what it observes (index_part.cc).
  auto add = [&](LeafOp op, const std::string& literal) {
    Leaf l = base;
    l.op = op;
    l.literal = ToNfc(literal);
    out->push_back(std::move(l));
  };
  switch (c.op) {
    case CompareOp::kEqual:
      if (c.value.kind != Constant::Kind::kString) return false;
      add(LeafOp::kEqual, c.value.text);
      return true;
    case CompareOp::kIn:
      if (c.set.empty()) return false;
      for (const Constant& m : c.set) {
        if (m.kind != Constant::Kind::kString) return false;
      }
      for (const Constant& m : c.set) add(LeafOp::kEqual, m.text);
      return true;
    case CompareOp::kIsSubset:
      if (c.value.kind != Constant::Kind::kString || !ParseIpBlock(c.value.text)) return false;
      add(LeafOp::kIsSubset, c.value.text);
      return true;
    case CompareOp::kLike:
      if (c.value.kind != Constant::Kind::kString) return false;
      add(LeafOp::kLike, c.value.text);
      return true;
    case CompareOp::kMatches:
      if (c.value.kind != Constant::Kind::kString) return false;
      add(LeafOp::kMatches, c.value.text);
      return true;
    default:
      return false;
  }
}

// Collects the leaves of a comparison expression; `all_leaves` turns false at the first
// comparison that is not a leaf; `only_or` at the first AND.
void Walk(const ComparisonExpr& e, std::vector<Leaf>* leaves, std::vector<std::string>* types,
          bool* all_leaves, bool* only_or) {
  if (e.kind == ComparisonExpr::Kind::kComparison) {
    types->push_back(e.comparison.path.object_type);
    if (*all_leaves && !LeavesOf(e.comparison, leaves)) *all_leaves = false;
    return;
  }
  if (e.kind == ComparisonExpr::Kind::kAnd) *only_or = false;
  for (const ComparisonExpr& c : e.children) Walk(c, leaves, types, all_leaves, only_or);
}

void Walk(const ObservationExpr& e, std::vector<Leaf>* leaves, std::vector<std::string>* types,
          bool* all_leaves, bool* only_or) {
  if (e.kind == ObservationExpr::Kind::kComparison) {
    Walk(e.comparison, leaves, types, all_leaves, only_or);
    return;
  }
  for (const ObservationExpr& c : e.children) Walk(c, leaves, types, all_leaves, only_or);
}

}  // namespace

Classified Classify(const Pattern& pattern) {
  Classified out;
  bool all_leaves = true, only_or = true;
  Walk(pattern.root, &out.leaves, &out.object_types, &all_leaves, &only_or);
  std::sort(out.object_types.begin(), out.object_types.end());
  out.object_types.erase(std::unique(out.object_types.begin(), out.object_types.end()),
                         out.object_types.end());
  if (!all_leaves || out.leaves.empty()) {
    out.kind = PatternClass::kGated;
    out.leaves.clear();
    return out;
  }
  const ObservationExpr& root = pattern.root;
  bool single = root.kind == ObservationExpr::Kind::kComparison && root.qualifiers.empty();
  out.kind = single && only_or ? PatternClass::kSimple : PatternClass::kPrefiltered;
  return out;
}

}  // namespace entente::pattern::index
