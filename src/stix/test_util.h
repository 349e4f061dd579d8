// Test helpers for stix/ unit tests: build objects from JSON text and list the rule
// names of findings. Test-only; not part of entente_stix.
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "stix/stix.h"

namespace entente::stix::testing {

// Parses JSON text that the test author knows to be an object.
inline boost::json::object Obj(std::string_view text) {
  auto v = ParseJson(text);
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  if (!v.ok() || !v->is_object()) return {};
  return std::move(v->get_object());
}

// `base` with property `key` set to the JSON value `value` (or removed when empty).
inline boost::json::object With(boost::json::object base, std::string_view key,
                                std::string_view value) {
  if (value.empty()) {
    base.erase(key);
    return base;
  }
  auto v = ParseJson(value);
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  if (v.ok()) base[key] = std::move(*v);
  return base;
}

inline std::vector<std::string> Rules(const std::vector<Finding>& findings) {
  std::vector<std::string> out;
  for (const Finding& f : findings) out.push_back(f.rule);
  return out;
}

inline std::string Describe(const std::vector<Finding>& findings) {
  std::string out;
  for (const Finding& f : findings) out += f.ToJsonLine() + "\n";
  return out;
}

// The rules broken by `obj`, e.g. {"required-property"}.
inline std::vector<std::string> RulesOf(const boost::json::object& obj,
                                        const ValidateOptions& options = {}) {
  return Rules(ValidateObject(obj, options));
}

// True when `obj` breaks `rule` at `property`.
inline bool Breaks(const boost::json::object& obj, std::string_view rule,
                   std::string_view property) {
  for (const Finding& f : ValidateObject(obj)) {
    if (f.rule == rule && f.property == property) return true;
  }
  return false;
}

}  // namespace entente::stix::testing
