// Runs every tests/stix_conformance/cases/**/*.json file through stix::ValidateObject:
// the validator's behaviour on the specification's MUST rules, as data.
//
// Each file is one object:
//   {"clause": "STIX 2.1 section and the rule in a few words",   // required
//    "object": { ...one STIX object... },
//    "valid": true | false,
//    "rule": "ipv4-format",        // when valid is false: a finding with this rule...
//    "property": "value",          // ...optionally at this property path...
//    "message": "substring"}       // ...optionally whose message holds this text
// A valid case expects no finding at all. A new case is a new file.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "stix/stix.h"

namespace entente::stix {
namespace {

namespace json = boost::json;

std::vector<std::filesystem::path> CaseFiles() {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(ENTENTE_STIX_CASES_DIR)) {
    if (e.path().extension() == ".json") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string Describe(const std::vector<Finding>& findings) {
  std::string out;
  for (const Finding& f : findings) out += "  " + f.ToJsonLine() + "\n";
  return out.empty() ? "  (none)\n" : out;
}

class StixCase : public testing::TestWithParam<std::filesystem::path> {};

TEST_P(StixCase, Behaves) {
  std::ifstream in(GetParam());
  ASSERT_TRUE(in) << GetParam();
  std::stringstream buf;
  buf << in.rdbuf();
  auto doc = ParseJson(buf.str());
  ASSERT_TRUE(doc.ok()) << GetParam() << ": " << doc.status().ToString();
  ASSERT_TRUE(doc->is_object()) << GetParam();
  const json::object& c = doc->get_object();

  const json::value* clause = c.if_contains("clause");
  ASSERT_TRUE(clause && clause->is_string() && !clause->get_string().empty())
      << GetParam() << ": every case quotes the clause it checks";
  const json::value* object = c.if_contains("object");
  ASSERT_TRUE(object && object->is_object()) << GetParam() << ": no object";
  const json::value* valid = c.if_contains("valid");
  ASSERT_TRUE(valid && valid->is_bool()) << GetParam() << ": valid is true or false";

  const std::vector<Finding> findings = ValidateObject(object->get_object());
  SCOPED_TRACE(std::string(clause->get_string()));
  if (valid->get_bool()) {
    EXPECT_TRUE(findings.empty()) << "expected no finding, got:\n" << Describe(findings);
    return;
  }
  const json::value* rule = c.if_contains("rule");
  ASSERT_TRUE(rule && rule->is_string()) << GetParam() << ": an invalid case names its rule";
  const json::value* property = c.if_contains("property");
  const json::value* message = c.if_contains("message");
  const bool found = std::any_of(findings.begin(), findings.end(), [&](const Finding& f) {
    if (f.rule != std::string_view(rule->get_string())) return false;
    if (property && f.property != std::string_view(property->as_string())) return false;
    if (message && f.message.find(std::string(message->as_string())) == std::string::npos) {
      return false;
    }
    return true;
  });
  EXPECT_TRUE(found) << "expected rule " << rule->get_string()
                     << (property ? " at " + std::string(property->as_string()) : "") << ", got:\n"
                     << Describe(findings);
}

std::string CaseName(const testing::TestParamInfo<std::filesystem::path>& info) {
  std::string name = std::filesystem::relative(info.param, ENTENTE_STIX_CASES_DIR).string();
  name = name.substr(0, name.size() - 5);  // ".json"
  for (char& ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Cases, StixCase, testing::ValuesIn(CaseFiles()), CaseName);

}  // namespace
}  // namespace entente::stix
