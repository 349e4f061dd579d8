// web/reads.h CountObjects on the SQLite store, whose counts are kept per label
// (store/object_counts.h): for every reader they equal what Browse lists, object by
// object and TLP by TLP, through re-marked versions, recipients, individuals and
// deletions; a reader is never counted an object the gate denies it (issue 17: "every
// page and every JSON call ... goes through the same policy gate as TAXII").
#include <gtest/gtest.h>

#include <array>
#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>

#include "common/env.h"
#include "store/test_util.h"
#include "web/reads.h"

namespace entente::web {
namespace {

namespace json = boost::json;

constexpr char kClear[] = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487";
constexpr char kAmber[] = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421";
constexpr char kRed[] = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";

class CountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::SqliteOptions o;
    o.create_if_missing = true;
    o.synchronous = "OFF";
    auto s = store::OpenSqliteStore(dir_.File("db"), o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    store::ApiRoot root;
    root.name = "api";
    ASSERT_TRUE(store_->PutApiRoot(root).ok());
    store::Collection c;
    c.id = kCollection;
    c.api_root = "api";
    c.title = "shared";
    c.readers = {"alpha", "beta", "gamma"};
    c.writers = {"alpha"};
    ASSERT_TRUE(store_->PutCollection(c).ok());
  }

  // A version of indicator `n` by alpha, marked `marking`, naming `recipients` (AMBER)
  // or `individuals` (RED) in the audience extension.
  void Add(int n, int day, const char* marking, std::vector<std::string> recipients = {},
           std::vector<std::string> individuals = {}) {
    const std::string id = "indicator--00000000-0000-4000-8000-00000000000" + std::to_string(n);
    const std::string version = "2026-01-0" + std::to_string(day) + "T00:00:00.000Z";
    json::object obj{{"type", "indicator"},
                     {"spec_version", "2.1"},
                     {"id", id},
                     {"created", "2026-01-01T00:00:00.000Z"},
                     {"modified", version},
                     {"object_marking_refs", json::array{marking}}};
    if (!recipients.empty() || !individuals.empty()) {
      json::object audience{{"extension_type", "property-extension"}};
      if (!recipients.empty()) audience["recipients"] = json::value_from(recipients);
      if (!individuals.empty()) audience["individuals"] = json::value_from(individuals);
      obj["extensions"] = json::object{{std::string(policy::kAudienceExtensionId), audience}};
    }
    store::NewObject v;
    v.id = id;
    v.type = "indicator";
    v.spec_version = "2.1";
    v.version = version;
    v.version_us = day;
    v.json = json::serialize(obj);
    v.labels = policy::LabelObject(obj, policy::Tlp::kAmber, "alpha");
    auto r = store_->AddObjects(kCollection, {v});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }

  static policy::Requester Org(const std::string& id, const std::string& person = "") {
    policy::OrgFacts facts;
    facts.org_id = id;
    facts.identity_id = "identity--" + id;
    return policy::RequesterFor(facts, person);
  }

  // What Browse lists for `who`, by TLP, every page.
  std::array<int64_t, 5> Listed(const policy::Requester& who) {
    std::array<int64_t, 5> out{};
    BrowseQuery q;
    q.collection_id = kCollection;
    for (;;) {
      auto page = Browse(*store_, who, q);
      EXPECT_TRUE(page.ok());
      if (!page.ok()) return out;
      for (const RowSummary& r : page->rows) ++out[static_cast<int>(r.tlp)];
      if (!page->more) return out;
      q.after_us = page->next_after_us;
    }
  }

  void ExpectCountsAsListed(const std::string& when) {
    for (const policy::Requester& who :
         {Org("alpha"), Org("beta"), Org("gamma"), Org("gamma", "identity--person")}) {
      auto counts = CountObjects(*store_, who, 1000);
      ASSERT_TRUE(counts.ok()) << counts.status().ToString();
      ASSERT_EQ(counts->size(), 1u);
      EXPECT_EQ(counts->front().by_tlp, Listed(who)) << when << " " << who.org_id;
      EXPECT_FALSE(counts->front().capped);
    }
  }

  static constexpr char kCollection[] = "11111111-1111-4111-8111-111111111111";
  store::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(CountsTest, CountsEqualWhatBrowseLists) {
  Add(1, 1, kClear);
  Add(2, 1, kAmber, {"identity--beta"});
  Add(3, 1, kRed, {}, {"identity--person"});
  Add(4, 1, kClear);
  Add(4, 2, kAmber, {"identity--beta"});  // re-marked: beta sees day 2, gamma day 1
  Add(5, 1, kAmber, {"identity--gamma"});
  Add(5, 2, kAmber, {"identity--gamma"});  // a new version with the same labels
  ExpectCountsAsListed("after adds");
  // gamma: 1 and 4 (its CLEAR version) as CLEAR, 5 as AMBER; never 2 or 3.
  auto gamma = CountObjects(*store_, Org("gamma"), 1000);
  ASSERT_TRUE(gamma.ok());
  EXPECT_EQ(gamma->front().by_tlp, (std::array<int64_t, 5>{2, 0, 1, 0, 0}));
  EXPECT_EQ(gamma->front().total, 3);

  ASSERT_TRUE(store_
                  ->DeleteObject(kCollection, "indicator--00000000-0000-4000-8000-000000000004",
                                 {"2026-01-01T00:00:00.000Z"}, "")
                  .ok());
  ASSERT_TRUE(
      store_->DeleteObject(kCollection, "indicator--00000000-0000-4000-8000-000000000001", {}, "")
          .ok());
  ExpectCountsAsListed("after deletions");
}

// The overview's recent sightings: the newest `limit` the reader may see, newest first,
// whatever was added before or around them.
TEST_F(CountsTest, RecentSightingsAreTheNewestVisible) {
  std::vector<store::NewObject> batch;
  for (int i = 0; i < 30; ++i) {
    const std::string id = "sighting--00000000-0000-4000-8000-0000000000" + std::to_string(10 + i);
    json::object obj{{"type", "sighting"},
                     {"spec_version", "2.1"},
                     {"id", id},
                     {"created", "2026-01-01T00:00:00.000Z"},
                     {"modified", "2026-01-01T00:00:00.000Z"},
                     {"sighting_of_ref",
                      "indicator--00000000-0000-4000-8000-0000000000" + std::to_string(10 + i)},
                     {"object_marking_refs", json::array{i % 3 == 2 ? kRed : kClear}}};
    store::NewObject v;
    v.id = id;
    v.type = "sighting";
    v.spec_version = "2.1";
    v.version = "2026-01-01T00:00:00.000Z";
    v.version_us = 1;
    v.json = json::serialize(obj);
    v.labels = policy::LabelObject(obj, policy::Tlp::kAmber, "alpha");
    batch.push_back(std::move(v));
    if (i % 10 == 9) {  // an indicator between them, which is no sighting
      ASSERT_TRUE(store_->AddObjects(kCollection, batch).ok());
      batch.clear();
      Add(i / 10, 1, kClear);
    }
  }
  const int64_t now = SystemClock().NowMicros() + 1'000'000;
  auto recent = RecentSightings(*store_, Org("beta"), now - 24LL * 3600'000'000, now, 10);
  ASSERT_TRUE(recent.ok()) << recent.status().ToString();
  // Visible: i % 3 != 2; the newest ten of them are i = 28, 27, 25, 24, 22, 21, 19, 18, 16, 15.
  std::vector<std::string> got;
  for (const RowSummary& r : *recent) got.push_back(r.id);
  std::vector<std::string> want;
  for (int i : {28, 27, 25, 24, 22, 21, 19, 18, 16, 15}) {
    want.push_back("sighting--00000000-0000-4000-8000-0000000000" + std::to_string(10 + i));
  }
  EXPECT_EQ(got, want);
  ASSERT_FALSE(recent->empty());
  EXPECT_EQ(recent->front().label, "indicator--00000000-0000-4000-8000-000000000038");
}

}  // namespace
}  // namespace entente::web
