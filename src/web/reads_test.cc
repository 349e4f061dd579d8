// web/reads.h: every dashboard read answers as if the objects the gate denies were absent.
#include "web/reads.h"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "admission/observable_values.h"
#include "common/fake_clock.h"
#include "taxii/testing/memory_store.h"

namespace entente::web {
namespace {

namespace json = boost::json;

constexpr char kGreen[] = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb";
constexpr char kRed[] = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";

class ReadsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::ApiRoot root;
    root.name = "api";
    ASSERT_TRUE(store_.PutApiRoot(root).ok());
    store::Collection c;
    c.id = "11111111-1111-4111-8111-111111111111";
    c.api_root = "api";
    c.title = "shared";
    c.readers = {"alpha", "beta"};
    c.writers = {"alpha"};
    ASSERT_TRUE(store_.PutCollection(c).ok());
    collection_ = c.id;
  }

  void Add(const std::string& id, const std::string& value, const char* marking) {
    json::object obj{{"type", "ipv4-addr"},
                     {"spec_version", "2.1"},
                     {"id", id},
                     {"value", value},
                     {"object_marking_refs", json::array{marking}}};
    store::NewObject n;
    n.id = id;
    n.type = "ipv4-addr";
    n.spec_version = "2.1";
    n.json = json::serialize(obj);
    n.labels = policy::LabelObject(obj, policy::Tlp::kAmber, "alpha");
    admission::ObservableValues(obj, &n.values);
    auto r = store_.AddObjects(collection_, {n});
    ASSERT_TRUE(r.ok()) << r.status().message();
  }

  static policy::Requester Org(const std::string& id) {
    policy::OrgFacts facts;
    facts.org_id = id;
    facts.identity_id = "identity--" + id;
    return policy::RequesterFor(facts, "");
  }
  static policy::Requester Beta() { return Org("beta"); }
  BrowseQuery Query(size_t limit = 50) const {
    BrowseQuery q;
    q.collection_id = collection_;
    q.limit = limit;
    return q;
  }

  FakeClock clock_;
  taxii::testing::MemoryStore store_{clock_};
  std::string collection_;
};

TEST_F(ReadsTest, ADeniedObjectIsAbsentFromEveryRead) {
  const std::string green = "ipv4-addr--00000000-0000-4000-8000-000000000001";
  const std::string red = "ipv4-addr--00000000-0000-4000-8000-000000000002";
  Add(green, "203.0.113.1", kGreen);
  Add(red, "203.0.113.2", kRed);
  const policy::Requester beta = Beta();
  policy::Labels red_labels;
  red_labels.tlp = policy::Tlp::kRed;
  ASSERT_FALSE(policy::MayRead(beta, red_labels));

  auto counts = CountObjects(store_, beta, 100);
  ASSERT_TRUE(counts.ok());
  ASSERT_EQ(counts->size(), 1u);
  EXPECT_EQ(counts->front().total, 1);
  EXPECT_EQ(counts->front().by_tlp[static_cast<int>(policy::Tlp::kRed)], 0);

  auto page = Browse(store_, beta, Query());
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->rows.size(), 1u);
  EXPECT_EQ(page->rows[0].id, green);
  EXPECT_EQ(page->rows[0].label, "203.0.113.1");

  auto by_value = SearchValue(store_, beta, "203.0.113.2", 10);
  ASSERT_TRUE(by_value.ok());
  EXPECT_TRUE(by_value->empty());
  auto visible = SearchValue(store_, beta, "203.0.113.1", 10);
  ASSERT_TRUE(visible.ok());
  ASSERT_EQ(visible->size(), 1u);

  auto by_id = FindById(store_, beta, red);
  ASSERT_TRUE(by_id.ok());
  EXPECT_TRUE(by_id->empty());

  auto hidden = ReadObject(store_, beta, collection_, red);
  auto absent =
      ReadObject(store_, beta, collection_, "ipv4-addr--00000000-0000-4000-8000-0000000000ff");
  ASSERT_FALSE(hidden.ok());
  ASSERT_FALSE(absent.ok());
  EXPECT_EQ(hidden.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(hidden.status().code(), absent.status().code());
  EXPECT_EQ(hidden.status().message(), absent.status().message());

  auto hourly = AddedPerHour(store_, beta, clock_.NowMicros(), 24, 1000);
  ASSERT_TRUE(hourly.ok());
  int64_t sum = 0;
  for (int64_t n : hourly->counts) sum += n;
  EXPECT_EQ(sum, 1);

  // The owner sees both.
  auto alpha = Org("alpha");
  auto own = CountObjects(store_, alpha, 100);
  ASSERT_TRUE(own.ok());
  EXPECT_EQ(own->front().total, 2);
}

TEST_F(ReadsTest, ACollectionNotReadableDoesNotExist) {
  const policy::Requester gamma = Org("gamma");
  auto list = ReadableCollections(store_, gamma);
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->empty());
  auto page = Browse(store_, gamma, Query());
  EXPECT_EQ(page.status().code(), StatusCode::kNotFound);
  BrowseQuery nope = Query();
  nope.collection_id = "nope";
  auto missing = Browse(store_, gamma, nope);
  EXPECT_EQ(missing.status().message(), page.status().message());
}

TEST_F(ReadsTest, BrowsePagesWithACursorOfVisibleRows) {
  for (int i = 0; i < 5; ++i) {
    clock_.Advance(1000);
    Add("ipv4-addr--00000000-0000-4000-8000-00000000001" + std::to_string(i),
        "198.51.100." + std::to_string(i), i % 2 ? kRed : kGreen);
  }
  BrowseQuery q = Query(2);
  auto first = Browse(store_, Beta(), q);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->rows.size(), 2u);
  EXPECT_TRUE(first->more);
  EXPECT_EQ(first->next_after_us, first->rows.back().date_added_us);
  q.after_us = first->next_after_us;
  auto second = Browse(store_, Beta(), q);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->rows.size(), 1u);
  EXPECT_FALSE(second->more);
}

}  // namespace
}  // namespace entente::web
