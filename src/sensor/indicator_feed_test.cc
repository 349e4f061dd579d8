// The feed follows the store as issue 14 asks: new versions, revocations (STIX 2.1 §3.6),
// deletions, valid_from/valid_until (§4.7), decay and suppression change what is matched
// without a reload, and nothing the organisation may not read is ever matched.
#include "sensor/indicator_feed.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "common/timestamp.h"
#include "policy/policy.h"
#include "store/test_util.h"

namespace entente::sensor {
namespace {

namespace json = boost::json;
using store::testing::TempDir;

const int64_t kDay = int64_t{86400} * 1'000'000;
const int64_t kT0 = ParseTimestamp("2026-12-01T00:00:00Z")->micros;

class FeedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::SqliteOptions o;
    o.create_if_missing = true;
    o.synchronous = "NORMAL";
    auto s = store::OpenSqliteStore(dir_.File("db"), o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    ASSERT_TRUE(store_->PutApiRoot({"cti", "CTI", "", 10}).ok());
    ASSERT_TRUE(
        store_->PutCollection({"c-1", "cti", "T", "", policy::Tlp::kClear, {"org-a"}, {"org-a"}})
            .ok());
    ASSERT_TRUE(
        store_->PutCollection({"c-2", "cti", "T", "", policy::Tlp::kClear, {"org-b"}, {"org-b"}})
            .ok());
    who_.org_id = "org-a";
    who_.identity_id = "identity--0a000000-0000-4000-8000-00000000000a";
  }

  // Stores one indicator version in `collection`, owned by `owner`.
  void Put(const std::string& collection, json::object o, const std::string& owner = "org-a",
           policy::Tlp tlp = policy::Tlp::kClear) {
    o.emplace("type", "indicator");
    o.emplace("spec_version", "2.1");
    o.emplace("created", "2026-12-01T00:00:00.000Z");
    o.emplace("modified", "2026-12-01T00:00:00.000Z");
    o.emplace("pattern_type", "stix");
    o.emplace("valid_from", "2026-12-01T00:00:00Z");
    store::NewObject n;
    n.id = std::string(o.at("id").as_string());
    n.type = "indicator";
    n.spec_version = "2.1";
    n.version = std::string(o.at("modified").as_string());
    n.version_us = ParseTimestamp(n.version)->micros;
    n.json = json::serialize(o);
    n.labels = policy::LabelObject(o, tlp, owner);
    auto r = store_->AddObjects(collection, {n});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }

  // The indicators matching one IPv4 address now (the hits that count; `all` for every
  // hit of the index, suppressed ones too).
  std::vector<std::string> Hits(const IndicatorFeed& feed, std::string_view address,
                                bool all = false) {
    json::value record =
        json::parse(R"([{"type":"ipv4-addr","value":")" + std::string(address) + R"("}])");
    std::vector<pattern::index::Hit> hits;
    feed.snapshot()->MatchRecord(record, &hits);
    std::vector<std::string> ids;
    for (const auto& h : hits) {
      if (all || feed.Matches(h.indicator)) ids.emplace_back(h.indicator);
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  TempDir dir_;
  std::unique_ptr<store::Store> store_;
  policy::Requester who_;
};

const char* kA = "indicator--a0000000-0000-4000-8000-000000000001";
const char* kB = "indicator--b0000000-0000-4000-8000-000000000002";

json::object Indicator(const char* id, const char* address) {
  return json::object{{"id", id},
                      {"pattern", std::string("[ipv4-addr:value = '") + address + "']"}};
}

TEST_F(FeedTest, NewVersionsRevocationsAndDeletionsFollowWithoutReload) {
  Put("c-1", Indicator(kA, "192.0.2.1"));
  IndicatorFeed feed(*store_, who_, {});
  ASSERT_TRUE(feed.Load(kT0).ok());
  EXPECT_EQ(Hits(feed, "192.0.2.1"), std::vector<std::string>{kA});

  // A new version with another pattern replaces the old one (§3.6: the latest modified).
  json::object v2 = Indicator(kA, "192.0.2.2");
  v2["modified"] = "2026-12-01T01:00:00.000Z";
  Put("c-1", v2);
  Put("c-1", Indicator(kB, "192.0.2.3"));
  auto changes = feed.Refresh(kT0);
  ASSERT_TRUE(changes.ok());
  EXPECT_FALSE(changes->reloaded);
  EXPECT_EQ(changes->added, 2u);
  EXPECT_TRUE(Hits(feed, "192.0.2.1").empty());
  EXPECT_EQ(Hits(feed, "192.0.2.2"), std::vector<std::string>{kA});
  EXPECT_EQ(Hits(feed, "192.0.2.3"), std::vector<std::string>{kB});

  // Revoked: not matched again, whatever comes later.
  json::object v3 = Indicator(kA, "192.0.2.2");
  v3["modified"] = "2026-12-01T02:00:00.000Z";
  v3["revoked"] = true;
  Put("c-1", v3);
  ASSERT_TRUE(feed.Refresh(kT0).ok());
  EXPECT_TRUE(Hits(feed, "192.0.2.2", /*all=*/true).empty());  // out of the index
  EXPECT_EQ(feed.Why(kA), "revoked");

  // Deleted: gone.
  ASSERT_TRUE(store_->DeleteObject("c-1", kB, {}, "").ok());
  changes = feed.Refresh(kT0);
  ASSERT_TRUE(changes.ok());
  EXPECT_EQ(changes->removed, 1u);
  EXPECT_TRUE(Hits(feed, "192.0.2.3").empty());
}

// Deleting the current version makes the previous one current again.
TEST_F(FeedTest, DeletingTheCurrentVersionFallsBackToThePreviousOne) {
  Put("c-1", Indicator(kA, "192.0.2.1"));
  json::object v2 = Indicator(kA, "192.0.2.2");
  v2["modified"] = "2026-12-01T01:00:00.000Z";
  Put("c-1", v2);
  IndicatorFeed feed(*store_, who_, {});
  ASSERT_TRUE(feed.Load(kT0).ok());
  EXPECT_EQ(Hits(feed, "192.0.2.2"), std::vector<std::string>{kA});
  ASSERT_TRUE(store_->DeleteObject("c-1", kA, {"2026-12-01T01:00:00.000Z"}, "").ok());
  ASSERT_TRUE(feed.Refresh(kT0).ok());
  EXPECT_TRUE(Hits(feed, "192.0.2.2").empty());
  EXPECT_EQ(Hits(feed, "192.0.2.1"), std::vector<std::string>{kA});
}

TEST_F(FeedTest, ValidityWindowIsFollowedInTime) {
  json::object later = Indicator(kA, "192.0.2.1");
  later["valid_from"] = "2026-12-03T00:00:00Z";
  later["valid_until"] = "2026-12-05T00:00:00Z";
  Put("c-1", later);
  IndicatorFeed feed(*store_, who_, {});
  ASSERT_TRUE(feed.Load(kT0).ok());
  EXPECT_TRUE(Hits(feed, "192.0.2.1").empty());
  EXPECT_EQ(feed.Why(kA), "not valid before 2026-12-03T00:00:00.000Z");
  ASSERT_TRUE(feed.Refresh(kT0 + 2 * kDay).ok());  // valid_from is inclusive
  EXPECT_EQ(Hits(feed, "192.0.2.1"), std::vector<std::string>{kA});
  ASSERT_TRUE(feed.Refresh(kT0 + 4 * kDay - 1).ok());
  EXPECT_EQ(Hits(feed, "192.0.2.1"), std::vector<std::string>{kA});
  ASSERT_TRUE(feed.Refresh(kT0 + 4 * kDay).ok());  // valid_until is exclusive
  EXPECT_TRUE(Hits(feed, "192.0.2.1").empty());
  EXPECT_EQ(feed.Why(kA), "expired at 2026-12-05T00:00:00.000Z");
  EXPECT_EQ(feed.Counts().expired, 1u);
}

// Decay (pattern/index/decay.h): an IPv4 indicator of confidence 50 under the default
// model (lifetime 30 days, speed 1, threshold 30) scores 50 * (1 - age / 30 days), so it
// falls below 30 after 12 days.
TEST_F(FeedTest, DecayedIndicatorsStopBeingMatched) {
  json::object o = Indicator(kA, "192.0.2.1");
  o["confidence"] = 50;
  Put("c-1", o);
  FeedOptions options;
  options.decay = pattern::index::DecayModel();
  IndicatorFeed feed(*store_, who_, options);
  ASSERT_TRUE(feed.Load(kT0 + 11 * kDay).ok());
  EXPECT_EQ(Hits(feed, "192.0.2.1"), std::vector<std::string>{kA});
  ASSERT_TRUE(feed.Refresh(kT0 + 13 * kDay).ok());
  EXPECT_TRUE(Hits(feed, "192.0.2.1").empty());
  EXPECT_EQ(feed.Why(kA).rfind("decayed (ipv4 score ", 0), 0u) << feed.Why(kA);
  EXPECT_EQ(feed.Counts().decayed, 1u);
}

TEST_F(FeedTest, SuppressedIndicatorsCarryTheCallersReason) {
  Put("c-1", Indicator(kA, "8.8.8.8"));
  Put("c-1", Indicator(kB, "192.0.2.1"));
  FeedOptions options;
  options.suppress = [](const pattern::index::IndicatorState& s) {
    return s.spec.pattern.find("8.8.8.8") != std::string::npos
               ? std::string("on warninglist List of known Google DNS resolvers (8.8.8.8)")
               : std::string();
  };
  IndicatorFeed feed(*store_, who_, options);
  ASSERT_TRUE(feed.Load(kT0).ok());
  EXPECT_TRUE(Hits(feed, "8.8.8.8").empty());
  EXPECT_EQ(Hits(feed, "192.0.2.1"), std::vector<std::string>{kB});
  EXPECT_EQ(feed.Why(kA), "on warninglist List of known Google DNS resolvers (8.8.8.8)");
  // The index still finds it, so that the suppressed match is told with its reason.
  EXPECT_EQ(Hits(feed, "8.8.8.8", /*all=*/true), std::vector<std::string>{kA});
  std::string why;
  EXPECT_FALSE(feed.Matches(kA, &why));
  EXPECT_EQ(why, feed.Why(kA));
  EXPECT_EQ(feed.Counts().suppressed, 1u);
  EXPECT_EQ(feed.Counts().matched, 1u);
}

// The gate decides: an indicator in a collection the organisation may not read, or one
// marked TLP:RED by another organisation, is never matched - and appears when a grant
// gives the organisation the collection.
TEST_F(FeedTest, OnlyWhatTheOrganisationMayReadIsMatched) {
  Put("c-2", Indicator(kA, "192.0.2.1"), "org-b");
  Put("c-1", Indicator(kB, "192.0.2.2"), "org-b", policy::Tlp::kRed);
  IndicatorFeed feed(*store_, who_, {});
  ASSERT_TRUE(feed.Load(kT0).ok());
  EXPECT_TRUE(Hits(feed, "192.0.2.1", /*all=*/true).empty());
  EXPECT_TRUE(Hits(feed, "192.0.2.2", /*all=*/true).empty());
  EXPECT_EQ(feed.CreatorOf(kA), "");
  EXPECT_EQ(feed.Why(kA), "");  // not even known
  ASSERT_TRUE(store_
                  ->PutCollection(
                      {"c-2", "cti", "T", "", policy::Tlp::kClear, {"org-a", "org-b"}, {"org-b"}})
                  .ok());
  auto changes = feed.Refresh(kT0);
  ASSERT_TRUE(changes.ok());
  EXPECT_TRUE(changes->reloaded);
  EXPECT_EQ(Hits(feed, "192.0.2.1"), std::vector<std::string>{kA});
  EXPECT_TRUE(Hits(feed, "192.0.2.2").empty());
}

}  // namespace
}  // namespace entente::sensor
