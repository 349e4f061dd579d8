// Runs every *.json file of one directory (ENTENTE_PATTERN_CASES_DIR): pattern-versus-
// observation behaviour as data. Built twice: over tests/pattern/cases (hand-written) and
// over tests/pattern/reference (ported from the OASIS reference matcher's tests).
//
// A file is either one case or {"source": …, "observations": <shared>, "cases": [case…]}.
// A case:
//   {"pattern": "...", "stix_version": "2.0"|"2.1" (default 2.1),
//    "observations": <bundle | array of objects | one object> (or the file's shared ones),
//    "why": "the clause or reference behaviour checked",
//    and one expectation:
//    "match": true|false,            // the pattern is valid and matches / does not
//    "error": "substring",           // ParsePattern must fail with this text
//    "match_error": "substring",     // valid, but matching fails (kInvalidArgument), e.g. a
//                                    // timestamp comparison against a value that is none
//    "expect": "match"|"no_match"|"parse_error"|"error"   // ported cases: "error" is any
//                                    // failure, at parse time or at match time
//    "skip": "reason"}               // optional: a deliberate difference, not run
// A new case is a new file; a fixed bug leaves a case named after what broke.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "pattern/matcher.h"
#include "pattern/parser.h"

namespace entente::pattern {
namespace {

namespace json = boost::json;

struct Case {
  std::string name;
  json::object spec;
  json::value observations;
};

json::value ReadJson(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream buf;
  buf << in.rdbuf();
  boost::system::error_code ec;
  json::value doc = json::parse(buf.str(), ec);
  if (ec) return json::value(json::string("unreadable: " + ec.message()));
  return doc;
}

std::string TestName(std::string name) {
  for (char& ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return name;
}

std::vector<Case> LoadCases() {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(ENTENTE_PATTERN_CASES_DIR)) {
    if (e.path().extension() == ".json" && e.path().filename() != "differences.json") {
      files.push_back(e.path());
    }
  }
  std::sort(files.begin(), files.end());
  std::vector<Case> out;
  for (const auto& path : files) {
    json::value doc = ReadJson(path);
    std::string stem = path.stem().string();
    if (!doc.is_object()) {
      out.push_back({TestName(stem), json::object{{"unreadable", doc}}, nullptr});
      continue;
    }
    const json::object& o = doc.as_object();
    const json::value* list = o.if_contains("cases");
    if (list == nullptr) {
      out.push_back(
          {TestName(stem), o, o.contains("observations") ? o.at("observations") : nullptr});
      continue;
    }
    json::value shared = o.contains("observations") ? o.at("observations") : nullptr;
    size_t i = 0;
    for (const json::value& c : list->as_array()) {
      const json::object& co = c.as_object();
      out.push_back({TestName(stem + "_" + std::to_string(i++)), co,
                     co.contains("observations") ? co.at("observations") : shared});
    }
  }
  return out;
}

class PatternCase : public testing::TestWithParam<Case> {};

TEST_P(PatternCase, Behaves) {
  const json::object& c = GetParam().spec;
  ASSERT_FALSE(c.contains("unreadable")) << json::serialize(c);
  if (const json::value* skip = c.if_contains("skip")) {
    GTEST_SKIP() << "deliberate difference: " << json::serialize(*skip);
  }
  std::string text(c.at("pattern").as_string());
  StixVersion version = StixVersion::k21;
  if (const json::value* v = c.if_contains("stix_version"); v && v->as_string() == "2.0") {
    version = StixVersion::k20;
  }
  std::string expect;
  if (const json::value* e = c.if_contains("expect")) {
    expect = std::string(e->as_string());
  } else if (c.contains("error")) {
    expect = "parse_error";
  } else if (c.contains("match_error")) {
    expect = "match_error";
  } else {
    expect = c.at("match").as_bool() ? "match" : "no_match";
  }
  SCOPED_TRACE(text);
  ParseOptions options;
  options.version = version;
  Result<Pattern> p = ParsePattern(text, options);
  if (expect == "parse_error" || (expect == "error" && !p.ok())) {
    ASSERT_FALSE(p.ok()) << "expected a parse error";
    if (const json::value* err = c.if_contains("error")) {
      EXPECT_NE(p.status().message().find(std::string(err->as_string())), std::string::npos)
          << p.status().message();
    }
    return;
  }
  ASSERT_TRUE(p.ok()) << FormatParseError(text, p.status());
  Result<Matcher> m = Matcher::Compile(*p);
  if (expect == "error" && !m.ok()) return;
  ASSERT_TRUE(m.ok()) << m.status().message();
  Result<ObservationSet> set = LoadObservations(GetParam().observations, version);
  ASSERT_TRUE(set.ok()) << set.status().message();
  MatchResult r = m->Match(*set);
  if (expect == "error" || expect == "match_error") {
    EXPECT_FALSE(r.matched);
    ASSERT_EQ(r.status.code(), StatusCode::kInvalidArgument) << r.status.message();
    if (const json::value* err = c.if_contains("match_error")) {
      EXPECT_NE(r.status.message().find(std::string(err->as_string())), std::string::npos)
          << r.status.message();
    }
    return;
  }
  EXPECT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.matched, expect == "match");
}

INSTANTIATE_TEST_SUITE_P(Cases, PatternCase, testing::ValuesIn(LoadCases()),
                         [](const testing::TestParamInfo<Case>& info) { return info.param.name; });

}  // namespace
}  // namespace entente::pattern
