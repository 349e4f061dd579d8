// Runs every tests/pattern/cases/*.json file: pattern-versus-observation behaviour as data.
//
// Each file is one object:
//   {"pattern": "...", "stix_version": "2.0"|"2.1" (default 2.1),
//    "observations": <bundle | array of objects | one object>,
//    "match": true|false,                 // expected outcome when the pattern is valid
//    "error": "substring"}                // optional: ParsePattern must fail with this text
// A new case is a new file; a fixed bug leaves a case named after what broke.
#include <gtest/gtest.h>

#include <boost/json.hpp>
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

std::vector<std::filesystem::path> CaseFiles() {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::directory_iterator(ENTENTE_PATTERN_CASES_DIR)) {
    if (e.path().extension() == ".json") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

class PatternCase : public testing::TestWithParam<std::filesystem::path> {};

TEST_P(PatternCase, Behaves) {
  std::ifstream in(GetParam());
  ASSERT_TRUE(in) << GetParam();
  std::stringstream buf;
  buf << in.rdbuf();
  boost::system::error_code ec;
  json::value doc = json::parse(buf.str(), ec);
  ASSERT_FALSE(ec) << GetParam() << ": " << ec.message();
  const json::object& c = doc.as_object();
  std::string text(c.at("pattern").as_string());
  StixVersion version = StixVersion::k21;
  if (const json::value* v = c.if_contains("stix_version"); v && v->as_string() == "2.0") {
    version = StixVersion::k20;
  }
  ParseOptions options;
  options.version = version;
  Result<Pattern> p = ParsePattern(text, options);
  if (const json::value* err = c.if_contains("error")) {
    ASSERT_FALSE(p.ok()) << "expected a parse error for " << text;
    EXPECT_NE(p.status().message().find(std::string(err->as_string())), std::string::npos)
        << p.status().message();
    return;
  }
  ASSERT_TRUE(p.ok()) << FormatParseError(text, p.status());
  Result<Matcher> m = Matcher::Compile(*p);
  ASSERT_TRUE(m.ok()) << m.status().message();
  Result<ObservationSet> set = LoadObservations(c.at("observations"), version);
  ASSERT_TRUE(set.ok()) << set.status().message();
  MatchResult r = m->Match(*set);
  EXPECT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.matched, c.at("match").as_bool()) << text;
}

INSTANTIATE_TEST_SUITE_P(Cases, PatternCase, testing::ValuesIn(CaseFiles()),
                         [](const testing::TestParamInfo<std::filesystem::path>& info) {
                           std::string name = info.param.stem().string();
                           for (char& ch : name) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace entente::pattern
