#include "admission/observable_values.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

namespace entente::admission {
namespace {

std::vector<std::string> Of(const std::string& json) {
  std::vector<std::string> out{"stale"};
  ObservableValues(boost::json::parse(json).as_object(), &out);
  return out;
}

std::string Indicator(const std::string& pattern, const std::string& type = "stix") {
  return R"({"type":"indicator","pattern_type":")" + type + R"(","pattern":")" + pattern + "\"}";
}

using Values = std::vector<std::string>;

TEST(ObservableValues, OneComparisonTakesTheFastPath) {
  EXPECT_EQ(Of(Indicator("[ipv4-addr:value = '198.51.100.7']")), Values{"198.51.100.7"});
  EXPECT_EQ(Of(Indicator("[file:hashes.'SHA-256' = "
                         "'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']")),
            Values{"aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f"});
}

// "values compared with = / IN": every observation expression, not only the first; IN
// gives each member; negated comparisons and other operators give nothing.
TEST(ObservableValues, EqualityAndInAnywhereInThePattern) {
  EXPECT_EQ(Of(Indicator("[domain-name:value = 'b.example' OR domain-name:value IN "
                         "('a.example', 'c.example')] FOLLOWEDBY [ipv4-addr:value = "
                         "'192.0.2.1'] WITHIN 60 SECONDS")),
            (Values{"192.0.2.1", "a.example", "b.example", "c.example"}));
  EXPECT_EQ(Of(Indicator("[domain-name:value NOT = 'x.example' AND domain-name:value != "
                         "'y.example' AND domain-name:value LIKE '%.example']")),
            Values{});
  EXPECT_EQ(Of(Indicator("[network-traffic:dst_port = 443 AND network-traffic:dst_ref.value = "
                         "'192.0.2.9']")),
            Values{"192.0.2.9"});
}

TEST(ObservableValues, OtherPatternLanguagesAndBrokenPatternsHoldNothing) {
  EXPECT_EQ(Of(Indicator("alert tcp any any -> any any", "snort")), Values{});
  EXPECT_EQ(Of(Indicator("[ipv4-addr:value = ")), Values{});
}

// A keyed hash from a sovereignty rule is indexed as the string it is.
TEST(ObservableValues, KeyedHashesAreStringsLikeAnyOther) {
  const std::string keyed = "hmac-sha256:0f3c5b6e";
  EXPECT_EQ(Of(Indicator("[ipv4-addr:value = '" + keyed + "']")), Values{keyed});
}

TEST(ObservableValues, SightingsScosAndTheRest) {
  EXPECT_EQ(Of(R"({"type":"sighting","sighting_of_ref":"indicator--1"})"), Values{"indicator--1"});
  // A relationship is found from what it points at (its target_ref), not from its source.
  EXPECT_EQ(Of(R"({"type":"relationship","created":"2026-01-01T00:00:00Z",)"
               R"("relationship_type":"indicates","source_ref":"indicator--1",)"
               R"("target_ref":"malware--2"})"),
            Values{"malware--2"});
  EXPECT_EQ(Of(R"({"type":"file","hashes":{"MD5":"aa","SHA-1":"bb","SHA-256":"aa"}})"),
            (Values{"aa", "bb"}));
  EXPECT_EQ(Of(R"({"type":"ipv4-addr","value":"192.0.2.1"})"), Values{"192.0.2.1"});
  EXPECT_EQ(Of(R"({"type":"identity","created":"2026-01-01T00:00:00Z","value":"y"})"), Values{});
  EXPECT_EQ(Of(R"({"type":"x-custom-sdo","created":"2026-01-01T00:00:00Z","value":"y"})"),
            Values{});
  EXPECT_EQ(Of(R"({"type":"x-custom-sco","value":"y"})"), Values{"y"});
}

TEST(ObservableValues, FromStoredJson) {
  std::vector<std::string> out;
  ObservableValuesOfJson("ipv4-addr", R"({"type":"ipv4-addr","value":"192.0.2.1"})", &out);
  EXPECT_EQ(out, Values{"192.0.2.1"});
  ObservableValuesOfJson("ipv4-addr", "{not json", &out);
  EXPECT_EQ(out, Values{});
  ObservableValuesOfJson("report", R"({"type":"report","created":"x","value":"y"})", &out);
  EXPECT_EQ(out, Values{});
  ObservableValuesOfJson(
      "relationship", R"({"type":"relationship","created":"x","target_ref":"malware--2"})", &out);
  EXPECT_EQ(out, Values{"malware--2"});
}

}  // namespace
}  // namespace entente::admission
