// The rules of live_indicators.h, one test each, in the order the header states them.
#include "pattern/index/live_indicators.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <string>
#include <vector>

#include "common/timestamp.h"

namespace entente::pattern::index {
namespace {

constexpr char kId[] = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f";

boost::json::object Indicator(std::string modified, std::string pattern = "[url:value = 'a']",
                              const char* extra = "{}") {
  boost::json::object o = boost::json::parse(extra).as_object();
  o["type"] = "indicator";
  o["spec_version"] = "2.1";
  o["id"] = kId;
  o["created"] = "2024-01-01T00:00:00.000Z";
  o["modified"] = modified;
  o["pattern"] = pattern;
  o["pattern_type"] = "stix";
  o["valid_from"] = "2024-01-01T00:00:00Z";
  return o;
}

// The patterns of the live indicators.
std::vector<std::string> LivePatterns(const LiveIndicators& l, const LiveOptions& o = {}) {
  std::vector<std::string> out;
  for (const IndicatorSpec& s : l.Live(o)) out.push_back(s.pattern);
  return out;
}

using Patterns = std::vector<std::string>;

// "Implementations MUST consider the version of the STIX Object with the most recent
// modified value to be the most recent state of the object" - in whatever order the
// versions arrive.
TEST(LiveIndicatorsTest, TheMostRecentModifiedIsTheCurrentVersion) {
  LiveIndicators l;
  ASSERT_TRUE(l.Add(Indicator("2024-03-01T00:00:00.000Z", "[url:value = 'march']")).ok());
  ASSERT_TRUE(l.Add(Indicator("2024-05-01T00:00:00.000Z", "[url:value = 'may']")).ok());
  ASSERT_TRUE(l.Add(Indicator("2024-04-01T00:00:00.000Z", "[url:value = 'april']")).ok());
  EXPECT_EQ(LivePatterns(l), Patterns{"[url:value = 'may']"});
  EXPECT_EQ(l.Live().at(0).id, kId);
}

// `modified` values are compared as instants: ".5Z" is after "Z" of the same second,
// although the text "…00Z" sorts after "…00.5Z".
TEST(LiveIndicatorsTest, ModifiedIsComparedAsATimeNotAsText) {
  LiveIndicators l;
  ASSERT_TRUE(l.Add(Indicator("2024-01-01T00:00:00.5Z", "[url:value = 'later']")).ok());
  ASSERT_TRUE(l.Add(Indicator("2024-01-01T00:00:00Z", "[url:value = 'earlier']")).ok());
  EXPECT_EQ(LivePatterns(l), Patterns{"[url:value = 'later']"});
}

TEST(LiveIndicatorsTest, WithoutAValidModifiedAVersionIsTheOldestAndTiesGoToTheLast) {
  LiveIndicators l;
  ASSERT_TRUE(l.Add(Indicator("2024-01-01T00:00:00Z", "[url:value = 'dated']")).ok());
  ASSERT_TRUE(l.Add(Indicator("yesterday", "[url:value = 'undated']")).ok());
  EXPECT_EQ(LivePatterns(l), Patterns{"[url:value = 'dated']"});
  ASSERT_TRUE(l.Add(Indicator("2024-01-01T00:00:00.000Z", "[url:value = 'same instant']")).ok());
  EXPECT_EQ(LivePatterns(l), Patterns{"[url:value = 'same instant']"});
}

// "A value of true in the revoked property indicates that an object (including the
// current version and all past versions) has been revoked. Revocation is permanent".
TEST(LiveIndicatorsTest, ARevokedVersionRevokesTheIdForGood) {
  LiveIndicators newest_revoked;
  ASSERT_TRUE(newest_revoked.Add(Indicator("2024-01-01T00:00:00Z")).ok());
  ASSERT_TRUE(
      newest_revoked
          .Add(Indicator("2024-02-01T00:00:00Z", "[url:value = 'a']", R"({"revoked":true})"))
          .ok());
  EXPECT_TRUE(newest_revoked.Live().empty());
  // A later version that says otherwise (which the creator MUST NOT make) changes nothing.
  LiveIndicators later_unrevoked;
  ASSERT_TRUE(
      later_unrevoked
          .Add(Indicator("2024-02-01T00:00:00Z", "[url:value = 'a']", R"({"revoked":true})"))
          .ok());
  ASSERT_TRUE(
      later_unrevoked
          .Add(Indicator("2024-03-01T00:00:00Z", "[url:value = 'a']", R"({"revoked":false})"))
          .ok());
  EXPECT_TRUE(later_unrevoked.Live().empty());
  // Only the boolean true revokes.
  LiveIndicators not_boolean;
  ASSERT_TRUE(
      not_boolean
          .Add(Indicator("2024-02-01T00:00:00Z", "[url:value = 'a']", R"({"revoked":"true"})"))
          .ok());
  EXPECT_EQ(LivePatterns(not_boolean).size(), 1u);
}

// The current version decides the pattern language: an older STIX version does not
// stand in for a newer one in another language.
TEST(LiveIndicatorsTest, TheCurrentVersionMustBeStixPatterning) {
  LiveIndicators l;
  ASSERT_TRUE(l.Add(Indicator("2024-01-01T00:00:00Z")).ok());
  boost::json::object sigma = Indicator("2024-02-01T00:00:00Z", "title: x");
  sigma["pattern_type"] = "sigma";
  ASSERT_TRUE(l.Add(sigma).ok());
  EXPECT_TRUE(l.Live().empty());

  LiveIndicators no_type;  // a STIX 2.0 indicator has no pattern_type
  boost::json::object v20 = Indicator("2024-01-01T00:00:00Z");
  v20.erase("pattern_type");
  v20["pattern_version"] = "2.0";
  ASSERT_TRUE(no_type.Add(v20).ok());
  ASSERT_EQ(no_type.Live().size(), 1u);
  EXPECT_EQ(no_type.Live()[0].version, StixVersion::k20);

  LiveIndicators not_a_string;
  boost::json::object odd = Indicator("2024-01-01T00:00:00Z");
  odd["pattern_type"] = 1;
  ASSERT_TRUE(not_a_string.Add(odd).ok());
  EXPECT_TRUE(not_a_string.Live().empty());
}

TEST(LiveIndicatorsTest, ValidityCountsOnlyWhenAskedFor) {
  LiveIndicators l;
  ASSERT_TRUE(l.Add(Indicator("2024-01-01T00:00:00Z", "[url:value = 'a']",
                              R"({"valid_until":"2024-06-01T00:00:00Z"})"))
                  .ok());
  auto at = [](const char* t) { return LiveOptions{ParseTimestamp(t)->micros}; };
  EXPECT_EQ(LivePatterns(l).size(), 1u);
  EXPECT_TRUE(LivePatterns(l, at("2023-12-31T23:59:59Z")).empty());  // before valid_from
  EXPECT_EQ(LivePatterns(l, at("2024-01-01T00:00:00Z")).size(), 1u);
  EXPECT_EQ(LivePatterns(l, at("2024-05-31T23:59:59.999Z")).size(), 1u);
  EXPECT_TRUE(LivePatterns(l, at("2024-06-01T00:00:00Z")).empty());  // valid_until excluded
  // "If the valid_until property is omitted, then there is no constraint on the latest
  // time for which the Indicator is valid."
  LiveIndicators open;
  ASSERT_TRUE(open.Add(Indicator("2024-01-01T00:00:00Z")).ok());
  EXPECT_EQ(LivePatterns(open, at("2999-01-01T00:00:00Z")).size(), 1u);
}

TEST(LiveIndicatorsTest, IndicatorsWithoutIdOrPatternAreRefusedAndCountForNothing) {
  LiveIndicators l;
  ASSERT_TRUE(l.Add(Indicator("2024-01-01T00:00:00Z")).ok());
  Status s = l.Add(Indicator("2024-02-01T00:00:00Z", ""));
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), std::string("indicator ") + kId + ": needs an id and a pattern");
  boost::json::object no_id = Indicator("2024-02-01T00:00:00Z");
  no_id.erase("id");
  EXPECT_EQ(l.Add(no_id).message(), "indicator (no id): needs an id and a pattern");
  EXPECT_EQ(LivePatterns(l), Patterns{"[url:value = 'a']"});
  // Other objects are not indicators' business.
  EXPECT_TRUE(l.Add(boost::json::parse(R"({"type":"malware","id":"x"})").as_object()).ok());
  EXPECT_EQ(l.Live().size(), 1u);
}

TEST(LiveIndicatorsTest, LiveIndicatorsComeOrderedById) {
  LiveIndicators l;
  for (const char* id : {"indicator--c", "indicator--a", "indicator--b"}) {
    boost::json::object o = Indicator("2024-01-01T00:00:00Z");
    o["id"] = id;
    ASSERT_TRUE(l.Add(o).ok());
  }
  std::vector<std::string> ids;
  for (const IndicatorSpec& s : l.Live()) ids.push_back(s.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"indicator--a", "indicator--b", "indicator--c"}));
}

}  // namespace
}  // namespace entente::pattern::index
