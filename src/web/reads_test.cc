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

  // Any object, labelled and indexed as admission labels and indexes it.
  void AddJson(json::object obj) {
    store::NewObject n;
    n.id = std::string(obj.at("id").as_string());
    n.type = std::string(obj.at("type").as_string());
    n.spec_version = "2.1";
    if (const json::value* m = obj.if_contains("modified")) n.version = std::string(m->as_string());
    n.json = json::serialize(obj);
    n.labels = policy::LabelObject(obj, policy::Tlp::kAmber, "alpha");
    admission::ObservableValues(obj, &n.values);
    auto r = store_.AddObjects(collection_, {n});
    ASSERT_TRUE(r.ok()) << r.status().message();
  }

  static json::object Sdo(const std::string& type, const std::string& id, const char* marking,
                          json::object more) {
    json::object o{{"type", type},
                   {"spec_version", "2.1"},
                   {"id", id},
                   {"created", "2026-01-01T00:00:00.000Z"},
                   {"modified", "2026-01-01T00:00:00.000Z"},
                   {"object_marking_refs", json::array{marking}}};
    for (auto& kv : more) o[kv.key()] = kv.value();
    return o;
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

// Browse by trust community (issue 17: "Browse and search objects: by type, value, id,
// TLP, community, collection"): only the objects shared with it, among those the reader
// may see.
TEST_F(ReadsTest, BrowseFiltersByCommunity) {
  auto shared_with = [&](const std::string& id, const char* marking, const char* community) {
    json::object ext{{"extension_type", "property-extension"},
                     {"communities", json::array{community}}};
    AddJson(Sdo("indicator", id, marking,
                {{"pattern", "[ipv4-addr:value = '198.51.100.9']"},
                 {"pattern_type", "stix"},
                 {"valid_from", "2026-01-01T00:00:00Z"},
                 {"extensions", json::object{{policy::kAudienceExtensionId, ext}}}}));
  };
  shared_with("indicator--00000000-0000-4000-8000-000000000a01", kGreen, "health-isac");
  clock_.Advance(1000);
  shared_with("indicator--00000000-0000-4000-8000-000000000a02", kGreen, "energy-isac");
  clock_.Advance(1000);
  Add("ipv4-addr--00000000-0000-4000-8000-000000000a03", "198.51.100.3", kGreen);
  BrowseQuery q = Query();
  q.community = "health-isac";
  // alpha (in no community) reads what it owns; the filter keeps the one shared with it.
  auto page = Browse(store_, Org("alpha"), q);
  ASSERT_TRUE(page.ok()) << page.status().message();
  ASSERT_EQ(page->rows.size(), 1u);
  EXPECT_EQ(page->rows[0].id, "indicator--00000000-0000-4000-8000-000000000a01");
  q.community = "nobody";
  EXPECT_TRUE(Browse(store_, Org("alpha"), q)->rows.empty());
}

// The object page's relationships pointing at it and "who else saw it" count only what
// the reader may see: a hidden relationship or sighting changes no list and no number.
TEST_F(ReadsTest, IncomingRelationshipsAndWhoSawItHideWhatTheGateDenies) {
  const std::string target = "malware--00000000-0000-4000-8000-000000000010";
  const std::string identity = "identity--00000000-0000-4000-8000-000000000011";
  const std::string location = "location--00000000-0000-4000-8000-000000000012";
  AddJson(Sdo("malware", target, kGreen, {{"name", "m"}, {"is_family", false}}));
  AddJson(Sdo("identity", identity, kGreen,
              {{"name", "Energy CERT"}, {"sectors", json::array{"energy"}}}));
  AddJson(Sdo("location", location, kGreen, {{"country", "FR"}}));
  AddJson(Sdo("relationship", "relationship--00000000-0000-4000-8000-000000000021", kGreen,
              {{"relationship_type", "indicates"},
               {"source_ref", "indicator--00000000-0000-4000-8000-000000000031"},
               {"target_ref", target}}));
  AddJson(Sdo("relationship", "relationship--00000000-0000-4000-8000-000000000022", kRed,
              {{"relationship_type", "uses"},
               {"source_ref", "threat-actor--00000000-0000-4000-8000-000000000032"},
               {"target_ref", target}}));
  // A relationship from the object (not to it) is not incoming.
  AddJson(Sdo("relationship", "relationship--00000000-0000-4000-8000-000000000023", kGreen,
              {{"relationship_type", "uses"},
               {"source_ref", target},
               {"target_ref", "attack-pattern--00000000-0000-4000-8000-000000000033"}}));
  const json::array where{json::string(identity), json::string(location)};
  AddJson(Sdo("sighting", "sighting--00000000-0000-4000-8000-000000000041", kGreen,
              {{"sighting_of_ref", target}, {"count", 3}, {"where_sighted_refs", where}}));
  AddJson(Sdo("sighting", "sighting--00000000-0000-4000-8000-000000000042", kRed,
              {{"sighting_of_ref", target}, {"count", 10}, {"where_sighted_refs", where}}));

  auto beta = ReadObject(store_, Beta(), collection_, target);
  ASSERT_TRUE(beta.ok()) << beta.status().message();
  ASSERT_EQ(beta->incoming.size(), 1u);
  EXPECT_EQ(beta->incoming[0].relationship_type, "indicates");
  EXPECT_EQ(beta->incoming[0].source_ref, "indicator--00000000-0000-4000-8000-000000000031");
  EXPECT_FALSE(beta->incoming_more);
  EXPECT_EQ(beta->seen.sightings, 1);
  EXPECT_EQ(beta->seen.total, 3);
  EXPECT_EQ(beta->seen.by_country, (std::map<std::string, int64_t>{{"FR", 3}}));
  EXPECT_EQ(beta->seen.by_sector, (std::map<std::string, int64_t>{{"energy", 3}}));

  // The owner of the TLP:RED ones sees them.
  auto alpha = ReadObject(store_, Org("alpha"), collection_, target);
  ASSERT_TRUE(alpha.ok());
  EXPECT_EQ(alpha->incoming.size(), 2u);
  EXPECT_EQ(alpha->seen.sightings, 2);
  EXPECT_EQ(alpha->seen.total, 13);
}

}  // namespace
}  // namespace entente::web
