#include "cases/intake_rules.h"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "cases/intake_rate.h"

namespace entente::cases {
namespace {

IntakeReport Report(const char* cls, const char* sector, const char* country) {
  IntakeReport r;
  r.description = "x";
  r.rsit = *NormaliseRsit(cls, "");
  r.victim.sector = sector;
  r.victim.country = country;
  return r;
}

// Issue 15: "routed by documented rules (sector, country, RSIT class) to the responsible
// organisation or peer node"; the brief: first match wins, and a default.
TEST(IntakeRules, FirstMatchWinsThenDefault) {
  auto config = ParseIntakeConfig(R"({"routes": [
      {"name": "energy-fr", "sector": "Energy", "country": "fr", "to": "org:cert-energy"},
      {"name": "ddos-any", "rsit_class": "ddos", "to": "peer:cert-de"},
      {"name": "fr", "country": "FR", "to": "org:cert-fr"}],
    "default": "org:national", "dedupe_window_seconds": 60, "rate_per_second": 2, "burst": 3})");
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->routes[1].rsit_class, "availability");  // the synonym, normalised
  ReporterFacts reporter{"acme", "identity--x", "Energy", "FR"};
  EXPECT_EQ(Route(*config, Report("fraud", "energy", "FR"), reporter).rule, "energy-fr");
  // Both the first and the third rule match: the first wins.
  EXPECT_EQ(Route(*config, Report("availability", "energy", "FR"), reporter).to, "org:cert-energy");
  EXPECT_EQ(Route(*config, Report("availability", "health", "FR"), reporter).to, "peer:cert-de");
  EXPECT_EQ(Route(*config, Report("fraud", "health", "FR"), reporter).rule, "fr");
  auto none = Route(*config, Report("fraud", "health", "DE"), reporter);
  EXPECT_EQ(none.to, "org:national");
  EXPECT_EQ(none.rule, "default");
  // A report without a victim sector and country is routed on the reporter's.
  EXPECT_EQ(Route(*config, Report("fraud", "", ""), reporter).rule, "energy-fr");
  // The file round-trips.
  auto again = ParseIntakeConfig(boost::json::serialize(IntakeConfigToJson(*config)));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->routes, config->routes);
  EXPECT_EQ(again->dedupe_window_seconds, 60);
}

TEST(IntakeRules, BadConfigurationIsNamed) {
  EXPECT_NE(ParseIntakeConfig(R"({"routes": [{"name": "a", "to": "cert-fr"}]})")
                .status()
                .message()
                .find("routes[0]: a route target is org:ORG-ID or peer:PEER-NAME"),
            std::string::npos);
  EXPECT_NE(ParseIntakeConfig(R"({"routes": [{"name": "a", "to": "org:x", "rsit_class": "zz"}]})")
                .status()
                .message()
                .find("unknown RSIT class"),
            std::string::npos);
  EXPECT_NE(ParseIntakeConfig(R"({"routes": [{"name": "a", "to": "org:x"}, {"name": "a",
                                  "to": "org:y"}]})")
                .status()
                .message()
                .find("duplicate name a"),
            std::string::npos);
  EXPECT_FALSE(ParseIntakeConfig(R"({"rate_per_second": -1})").ok());
  EXPECT_FALSE(ParseIntakeConfig(R"({"colour": 1})").ok());
  // A peer's organisation is named by its identity id.
  EXPECT_TRUE(CheckRouteTarget("peer:bonn/identity--0f0f0f0f-0000-4000-8000-000000000002").ok());
  EXPECT_FALSE(CheckRouteTarget("peer:bonn/cert-de").ok());
  EXPECT_FALSE(CheckRouteTarget("peer:/identity--0f0f0f0f-0000-4000-8000-000000000002").ok());
  EXPECT_NE(ParseIntakeConfig(R"({"forward": {"collection": "c", "within_seconds": 60}})")
                .status()
                .message()
                .find("forward: forward.as"),
            std::string::npos);
  EXPECT_FALSE(ParseIntakeConfig(R"({"forward": {"collection": "c", "as": "x", "to": 1}})").ok());
}

// The forward member round-trips through the file.
TEST(IntakeRules, ForwardConfigurationRoundTrips) {
  auto c = ParseIntakeConfig(
      R"({"forward": {"collection": "c-1", "as": "cert-fr", "within_seconds": 900}})");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->forward.collection, "c-1");
  EXPECT_EQ(c->forward.as, "cert-fr");
  EXPECT_EQ(c->forward.within_seconds, 900);
  auto again = ParseIntakeConfig(boost::json::serialize(IntakeConfigToJson(*c)));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->forward, c->forward);
  EXPECT_FALSE(IntakeConfigToJson(IntakeConfig{}).contains("forward"));
}

// Issue 15: "a flood of intake reports from one reporter is rate-limited ... and does
// not delay others".
TEST(IntakeRate, EachReporterSpendsItsOwnBucket) {
  RateLimiter limiter;
  const int64_t t0 = 1'000'000'000;
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.Take("flood", t0, 2, 3));
  int64_t retry = 0;
  EXPECT_FALSE(limiter.Take("flood", t0, 2, 3, &retry));
  EXPECT_EQ(retry, 500'000);  // one token at 2 a second
  EXPECT_TRUE(limiter.Take("other", t0, 2, 3));
  EXPECT_FALSE(limiter.Take("flood", t0 + 499'999, 2, 3));
  EXPECT_TRUE(limiter.Take("flood", t0 + 1'000'000, 2, 3));
  EXPECT_TRUE(limiter.Take("anyone", t0, 0, 0));  // rate 0: no limit
}

}  // namespace
}  // namespace entente::cases
