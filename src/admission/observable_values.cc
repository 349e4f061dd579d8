#include "admission/observable_values.h"

#include <algorithm>

#include "pattern/index/fast_classify.h"
#include "pattern/nfc.h"
#include "pattern/parser.h"
#include "stix/stix.h"

namespace entente::admission {
namespace {

std::string_view StringOf(const boost::json::object& obj, std::string_view key) {
  const boost::json::value* v = obj.if_contains(key);
  if (v == nullptr || !v->is_string()) return {};
  return v->get_string();
}

void AddString(const pattern::Constant& c, std::vector<std::string>* out) {
  if (c.kind != pattern::Constant::Kind::kString) return;
  out->push_back(pattern::IsNfc(c.text) ? c.text : pattern::ToNfc(c.text));
}

void FromComparisons(const pattern::ComparisonExpr& e, std::vector<std::string>* out) {
  if (e.kind != pattern::ComparisonExpr::Kind::kComparison) {
    for (const auto& child : e.children) FromComparisons(child, out);
    return;
  }
  const pattern::Comparison& c = e.comparison;
  if (c.negated) return;
  if (c.op == pattern::CompareOp::kEqual) AddString(c.value, out);
  if (c.op == pattern::CompareOp::kIn) {
    for (const auto& member : c.set) AddString(member, out);
  }
}

void FromObservations(const pattern::ObservationExpr& e, std::vector<std::string>* out) {
  if (e.kind == pattern::ObservationExpr::Kind::kComparison) {
    FromComparisons(e.comparison, out);
    return;
  }
  for (const auto& child : e.children) FromObservations(child, out);
}

void FromPattern(const boost::json::object& obj, std::vector<std::string>* out) {
  if (StringOf(obj, "pattern_type") != "stix") return;
  const std::string_view text = StringOf(obj, "pattern");
  const pattern::ParseOptions options =
      pattern::IndicatorParseOptions(StringOf(obj, "pattern_version"));
  // Nearly every indicator of a real feed is one comparison: no syntax tree for those.
  pattern::index::Classified one;
  if (pattern::index::FastClassify(text, options, &one)) {
    for (const auto& leaf : one.leaves) {
      if (leaf.op == pattern::index::LeafOp::kEqual) out->push_back(leaf.literal);
    }
    return;
  }
  auto parsed = pattern::ParsePattern(text, options);
  if (parsed.ok()) FromObservations(parsed->root, out);
}

}  // namespace

void ObservableValues(const boost::json::object& obj, std::vector<std::string>* out) {
  out->clear();
  const std::string_view type = StringOf(obj, "type");
  if (type == "indicator") {
    FromPattern(obj, out);
  } else if (type == "sighting") {
    const std::string_view of = StringOf(obj, "sighting_of_ref");
    if (!of.empty()) out->emplace_back(of);
  } else if (type == "relationship") {
    const std::string_view target = StringOf(obj, "target_ref");
    if (!target.empty()) out->emplace_back(target);
  } else if (!obj.contains("created")) {
    // A cyber-observable: STIX 2.1 requires `created` of every SDO, SRO and meta object
    // and defines none on SCOs (section 6), custom ones included.
    const std::string_view value = StringOf(obj, "value");
    if (!value.empty()) out->emplace_back(value);
    const boost::json::value* hashes = obj.if_contains("hashes");
    if (hashes != nullptr && hashes->is_object()) {
      for (const auto& [algorithm, hash] : hashes->get_object()) {
        if (hash.is_string() && !hash.get_string().empty()) out->emplace_back(hash.get_string());
      }
    }
  }
  std::sort(out->begin(), out->end());
  out->erase(std::unique(out->begin(), out->end()), out->end());
}

void ObservableValuesOfJson(std::string_view type, std::string_view json,
                            std::vector<std::string>* out) {
  out->clear();
  // Most stored objects hold nothing: no parse for those.
  if (type != "indicator" && type != "sighting" && type != "relationship" &&
      json.find("\"value\"") == std::string_view::npos &&
      json.find("\"hashes\"") == std::string_view::npos) {
    return;
  }
  auto parsed = stix::ParseJson(json);
  if (!parsed.ok() || !parsed->is_object()) return;
  ObservableValues(parsed->get_object(), out);
}

}  // namespace entente::admission
