// store/seen.h: the value index and "who else saw it", through the read gate.
#include "store/seen.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <string>
#include <vector>

#include "common/timestamp.h"
#include "policy/access.h"
#include "store/test_util.h"
#include "store/value_index_cases.h"

namespace entente::store {
namespace {

using testing::TempDir;

constexpr const char* kValue = "198.51.100.7";
constexpr const char* kIdA = "identity--aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
constexpr const char* kIdB = "identity--bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb";
constexpr const char* kI1 = "indicator--11111111-1111-4111-8111-111111111111";
constexpr const char* kI2 = "indicator--22222222-2222-4222-8222-222222222222";
constexpr const char* kI3 = "indicator--33333333-3333-4333-8333-333333333333";
constexpr const char* kOrgIdentity = "identity--cccccccc-cccc-4ccc-8ccc-cccccccccccc";
constexpr const char* kLocationDe = "location--dddddddd-dddd-4ddd-8ddd-dddddddddddd";

policy::Requester Reader(const std::string& org, const std::string& identity) {
  policy::OrgFacts facts;
  facts.org_id = org;
  facts.identity_id = identity;
  return policy::RequesterFor(facts, "");
}

SeenQuery ByValue(const std::string& value, const std::string& root = "") {
  SeenQuery q;
  q.value = value;
  q.api_root = root;
  return q;
}

SeenQuery ByIndicator(const std::string& id) {
  SeenQuery q;
  q.indicator_id = id;
  return q;
}

NewObject Object(const std::string& type, const std::string& id, const std::string& modified,
                 const std::string& body, policy::Tlp tlp, std::vector<std::string> values) {
  NewObject o;
  o.id = id;
  o.type = type;
  o.spec_version = "2.1";
  o.version = modified;
  o.version_us = ParseTimestamp(modified)->micros;
  o.json = R"({"type":")" + type + R"(","spec_version":"2.1","id":")" + id +
           R"(","created":"2026-01-01T00:00:00.000Z","modified":")" + modified + "\"" + body + "}";
  o.labels.tlp = tlp;
  o.labels.owner_org = "org-a";
  o.values = std::move(values);
  return o;
}

NewObject IndicatorOf(const std::string& id, policy::Tlp tlp) {
  return Object("indicator", id, "2026-01-01T00:00:00.000Z",
                R"(,"pattern_type":"stix","pattern":"[ipv4-addr:value = ')" + std::string(kValue) +
                    R"(']","valid_from":"2026-01-01T00:00:00Z")",
                tlp, {kValue});
}

NewObject SightingOf(const std::string& id, const std::string& of, const std::string& modified,
                     int count, policy::Tlp tlp, const std::string& where = "") {
  return Object("sighting", id, modified,
                R"(,"sighting_of_ref":")" + of + R"(","count":)" + std::to_string(count) +
                    R"(,"first_seen":"2026-03-04T10:00:00Z","last_seen":"2026-03-04T10:59:00Z")" +
                    where,
                tlp, {of});
}

class SeenTest : public ::testing::Test {
 protected:
  // Two collections: c-1 read by org-a and org-b, c-2 by org-a only. Everything is owned
  // by org-a; `with_hidden` adds what org-b may not see.
  std::unique_ptr<Store> Build(const std::string& file, bool with_hidden) {
    SqliteOptions o;
    o.create_if_missing = true;
    o.synchronous = "OFF";
    auto opened = OpenSqliteStore(dir_.File(file), o);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    std::unique_ptr<Store> s = std::move(opened).value();
    EXPECT_TRUE(s->PutApiRoot({"cti", "", "", 1 << 20}).ok());
    EXPECT_TRUE(
        s->PutCollection({"c-1", "cti", "T", "", policy::Tlp::kGreen, {"org-a", "org-b"}, {}})
            .ok());
    EXPECT_TRUE(s->PutCollection({"c-2", "cti", "T", "", policy::Tlp::kGreen, {"org-a"}, {}}).ok());
    const std::string where =
        R"(,"where_sighted_refs":[")" + std::string(kOrgIdentity) + R"(",")" + kLocationDe + "\"]";
    using policy::Tlp;
    std::vector<NewObject> c1 = {
        IndicatorOf(kI1, Tlp::kGreen),
        Object("identity", kOrgIdentity, "2026-01-01T00:00:00.000Z",
               R"(,"name":"X","identity_class":"organization","sectors":["energy"])", Tlp::kGreen,
               {}),
        Object("location", kLocationDe, "2026-01-01T00:00:00.000Z", R"(,"country":"DE")",
               Tlp::kGreen, {}),
        // Three versions of one sighting: the reader counts the newest it may see.
        SightingOf("sighting--00000000-0000-4000-8000-000000000001", kI1,
                   "2026-03-04T10:10:00.000Z", 3, Tlp::kGreen, where),
        SightingOf("sighting--00000000-0000-4000-8000-000000000001", kI1,
                   "2026-03-04T11:00:00.000Z", 5, Tlp::kGreen, where),
        SightingOf("sighting--00000000-0000-4000-8000-000000000003", kI1,
                   "2026-03-05T11:00:00.000Z", 2, Tlp::kClear),
    };
    if (with_hidden) {
      c1.push_back(IndicatorOf(kI2, Tlp::kAmber));
      c1.push_back(SightingOf("sighting--00000000-0000-4000-8000-000000000001", kI1,
                              "2026-03-04T12:00:00.000Z", 100, Tlp::kAmber, where));
      c1.push_back(SightingOf("sighting--00000000-0000-4000-8000-000000000002", kI1,
                              "2026-03-04T12:00:00.000Z", 7, Tlp::kAmber));
      // A sighting org-b may see, of an indicator it may not see.
      c1.push_back(SightingOf("sighting--00000000-0000-4000-8000-000000000004", kI2,
                              "2026-03-04T12:00:00.000Z", 11, Tlp::kGreen, where));
    }
    auto added = s->AddObjects("c-1", c1);
    EXPECT_TRUE(added.ok()) << added.status().ToString();
    if (with_hidden) {
      added = s->AddObjects("c-2", {IndicatorOf(kI3, Tlp::kGreen),
                                    SightingOf("sighting--00000000-0000-4000-8000-000000000005",
                                               kI3, "2026-03-06T12:00:00.000Z", 13, Tlp::kGreen)});
      EXPECT_TRUE(added.ok()) << added.status().ToString();
    }
    return s;
  }

  static SeenReport Ask(Store& s, const policy::Requester& who, const SeenQuery& q) {
    auto r = Seen(s, who, q);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : SeenReport();
  }

  TempDir dir_;
};

TEST_F(SeenTest, ValueIndexContract) {
  SqliteOptions o;
  o.create_if_missing = true;
  o.synchronous = "OFF";
  auto s = OpenSqliteStore(dir_.File("contract"), o);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  testing::CheckValueIndexContract(**s);
}

TEST_F(SeenTest, ValueIndexHasOneRowPerVersionAndValueAndForgetsDeletedVersions) {
  auto s = Build("db", true);
  std::vector<std::string> holders;
  auto scan = [&](const std::vector<std::string>& values) {
    holders.clear();
    Status st = s->ScanValueHolders(values, [&](const ValueHolder& h) {
      holders.push_back(std::string(h.collection_id) + " " + std::string(h.id) + " " +
                        std::string(h.type));
      return ScanAction::kContinue;
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    std::sort(holders.begin(), holders.end());
  };
  scan({kValue});
  EXPECT_EQ(holders, (std::vector<std::string>{"c-1 " + std::string(kI1) + " indicator",
                                               "c-1 " + std::string(kI2) + " indicator",
                                               "c-2 " + std::string(kI3) + " indicator"}));
  scan({kI3});
  EXPECT_EQ(holders.size(), 1u);
  auto removed = s->DeleteObject("c-2", kI3, {}, "");
  ASSERT_TRUE(removed.ok());
  scan({kValue});
  EXPECT_EQ(holders.size(), 2u);
  ASSERT_TRUE(s->DeleteCollection("c-2").ok());
  scan({kI3});
  EXPECT_TRUE(holders.empty());
}

TEST_F(SeenTest, CountsWhatTheOwnerMaySee) {
  auto s = Build("db", true);
  SeenReport r = Ask(*s, Reader("org-a", kIdA), ByValue(kValue));
  EXPECT_EQ(r.indicators, (std::vector<std::string>{kI1, kI2, kI3}));
  // Newest version of sighting 1 (100), 2 (7), 3 (2), 4 (11), 5 (13).
  EXPECT_EQ(r.sightings, 5);
  EXPECT_EQ(r.total, 133);
  EXPECT_EQ(r.by_country, (std::map<std::string, int64_t>{{"DE", 111}, {"unknown", 22}}));
  EXPECT_EQ(r.by_sector, (std::map<std::string, int64_t>{{"energy", 111}, {"unknown", 22}}));
  EXPECT_EQ(r.by_day, (std::map<std::string, int64_t>{{"2026-03-04", 133}}));
}

// The header's promise: "the answer is the one the reader would get were that object
// absent" — for a value, for a visible indicator, and for a hidden one.
TEST_F(SeenTest, WhatTheReaderMayNotSeeChangesNothing) {
  auto full = Build("full", true);
  auto visible_only = Build("visible", false);
  const policy::Requester b = Reader("org-b", kIdB);
  for (const SeenQuery& q :
       {ByValue(kValue), ByIndicator(kI1), ByIndicator(kI2), ByIndicator(kI3), ByValue(kI1)}) {
    const SeenReport seen = Ask(*full, b, q);
    const SeenReport absent = Ask(*visible_only, b, q);
    EXPECT_EQ(boost::json::serialize(SeenJson(q, seen)),
              boost::json::serialize(SeenJson(q, absent)))
        << q.value << q.indicator_id;
  }
  SeenReport r = Ask(*full, b, ByValue(kValue));
  EXPECT_EQ(r.indicators, std::vector<std::string>{kI1});
  EXPECT_EQ(r.sightings, 2);
  EXPECT_EQ(r.total, 7);  // 5 (the newest GREEN version of sighting 1) + 2
  EXPECT_EQ(r.by_country, (std::map<std::string, int64_t>{{"DE", 5}, {"unknown", 2}}));
  EXPECT_EQ(r.by_sector, (std::map<std::string, int64_t>{{"energy", 5}, {"unknown", 2}}));
  EXPECT_EQ(r.by_day, (std::map<std::string, int64_t>{{"2026-03-04", 7}}));
  EXPECT_TRUE(Ask(*full, b, ByIndicator(kI2)).indicators.empty());
}

TEST_F(SeenTest, ARootLimitsTheCollectionsAndQueriesAreChecked) {
  auto s = Build("db", true);
  const policy::Requester a = Reader("org-a", kIdA);
  EXPECT_TRUE(Ask(*s, a, ByValue(kValue, "other")).indicators.empty());
  EXPECT_EQ(Ask(*s, a, ByIndicator(kI1)).total, 100 + 7 + 2);
  EXPECT_EQ(Seen(*s, a, SeenQuery()).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Seen(*s, a,
                 [] {
                   SeenQuery q = ByValue("x");
                   q.indicator_id = kI1;
                   return q;
                 }())
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Seen(*s, a, ByIndicator("sighting--1")).status().code(), StatusCode::kInvalidArgument);
}

// Only the parts a reader may see are looked at (policy::ViewFor): a sighting whose count
// and where_sighted_refs are TLP:RED parts counts once, from nowhere known, for a reader
// outside them.
TEST_F(SeenTest, GranularPartsTheReaderMayNotSeeAreNotLookedAt) {
  auto s = Build("db", false);
  const std::string red = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";
  NewObject hidden_parts =
      SightingOf("sighting--00000000-0000-4000-8000-000000000009", kI1, "2026-03-04T11:00:00.000Z",
                 40, policy::Tlp::kGreen,
                 R"(,"where_sighted_refs":[")" + std::string(kOrgIdentity) + R"(",")" +
                     kLocationDe + R"("],"granular_markings":[{"marking_ref":")" + red +
                     R"(","selectors":["count","where_sighted_refs"]}])");
  hidden_parts.labels = policy::LabelObject(boost::json::parse(hidden_parts.json).as_object(),
                                            policy::Tlp::kGreen, "org-a");
  ASSERT_TRUE(hidden_parts.labels.granular);
  ASSERT_TRUE(s->AddObjects("c-1", {hidden_parts}).ok());
  // Before: sightings 1 (5, DE, energy) and 3 (2, unknown).
  SeenReport b = Ask(*s, Reader("org-b", kIdB), ByValue(kValue));
  EXPECT_EQ(b.sightings, 3);
  EXPECT_EQ(b.total, 5 + 2 + 1);
  EXPECT_EQ(b.by_country, (std::map<std::string, int64_t>{{"DE", 5}, {"unknown", 3}}));
  // Its owner sees the parts.
  SeenReport a = Ask(*s, Reader("org-a", kIdA), ByValue(kValue));
  EXPECT_EQ(a.total, 5 + 2 + 40);
  EXPECT_EQ(a.by_country, (std::map<std::string, int64_t>{{"DE", 45}, {"unknown", 2}}));
}

// Schema version 6 indexes the versions stored before it, through the extractor.
TEST_F(SeenTest, MigrationIndexesVersionsStoredBefore) {
  { auto s = Build("db", true); }
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(dir_.File("db").c_str(), &db), SQLITE_OK);
    // Back to version 5: without the value index, nor what versions 7 and 8 add.
    ASSERT_EQ(sqlite3_exec(db,
                           "DROP TABLE object_values; DROP TABLE object_counts; "
                           "DROP TABLE object_mixed; DROP INDEX objects_type_added; "
                           "PRAGMA user_version = 5;",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  SqliteOptions o;
  auto without = OpenSqliteStore(dir_.File("db"), o);
  EXPECT_FALSE(without.ok());
  int calls = 0;
  o.extract_values = [&calls](std::string_view type, std::string_view json,
                              std::vector<std::string>* out) {
    ++calls;
    out->clear();
    if (type == "indicator" && json.find(kValue) != std::string_view::npos) out->push_back(kValue);
  };
  auto with = OpenSqliteStore(dir_.File("db"), o);
  ASSERT_TRUE(with.ok()) << with.status().ToString();
  EXPECT_GT(calls, 0);
  int holders = 0;
  ASSERT_TRUE((*with)
                  ->ScanValueHolders({kValue},
                                     [&](const ValueHolder&) {
                                       ++holders;
                                       return ScanAction::kContinue;
                                     })
                  .ok());
  EXPECT_EQ(holders, 3);
}

// The sightings of any object (SeenQuery::object_id), counted through the same gate: a
// sighting the reader may not see, or held in a collection it may not read, adds nothing.
TEST_F(SeenTest, SightingsOfAnyObject) {
  auto s = Build("db", true);
  constexpr const char* kMalware = "malware--44444444-4444-4444-8444-444444444444";
  const std::string where_de =
      R"(,"where_sighted_refs":[")" + std::string(kOrgIdentity) + R"(",")" + kLocationDe + "\"]";
  using policy::Tlp;
  ASSERT_TRUE(
      s->AddObjects("c-1", {Object("malware", kMalware, "2026-01-01T00:00:00.000Z",
                                   R"(,"name":"m","is_family":false)", Tlp::kGreen, {}),
                            SightingOf("sighting--00000000-0000-4000-8000-0000000000a1", kMalware,
                                       "2026-03-04T10:00:00.000Z", 4, Tlp::kGreen, where_de),
                            SightingOf("sighting--00000000-0000-4000-8000-0000000000a2", kMalware,
                                       "2026-03-04T10:00:00.000Z", 7, Tlp::kAmber, where_de)})
          .ok());
  ASSERT_TRUE(
      s->AddObjects("c-2", {SightingOf("sighting--00000000-0000-4000-8000-0000000000a3", kMalware,
                                       "2026-03-04T10:00:00.000Z", 9, Tlp::kGreen)})
          .ok());
  SeenQuery q;
  q.object_id = kMalware;
  SeenReport b = Ask(*s, Reader("org-b", kIdB), q);
  EXPECT_EQ(b.indicators, std::vector<std::string>{kMalware});
  EXPECT_EQ(b.sightings, 1);
  EXPECT_EQ(b.total, 4);
  EXPECT_EQ(b.by_country, (std::map<std::string, int64_t>{{"DE", 4}}));
  EXPECT_EQ(b.by_sector, (std::map<std::string, int64_t>{{"energy", 4}}));
  SeenReport a = Ask(*s, Reader("org-a", kIdA), q);
  EXPECT_EQ(a.sightings, 3);
  EXPECT_EQ(a.total, 4 + 7 + 9);
  EXPECT_EQ(a.by_country, (std::map<std::string, int64_t>{{"DE", 11}, {"unknown", 9}}));
  // At most one sighting looked at.
  q.max_sightings = 1;
  EXPECT_EQ(Ask(*s, Reader("org-a", kIdA), q).sightings, 1);
  // An object the reader may not see has no sightings for it.
  SeenQuery hidden;
  hidden.object_id = kI2;  // TLP:AMBER, not for org-b
  EXPECT_EQ(Ask(*s, Reader("org-b", kIdB), hidden).sightings, 0);
  SeenQuery two = q;
  two.value = kValue;
  EXPECT_EQ(Seen(*s, Reader("org-a", kIdA), two).status().code(), StatusCode::kInvalidArgument);
}

// Schema version 7 adds the relationships stored before it to the value index (their
// target_ref), through the extractor.
TEST_F(SeenTest, MigrationIndexesRelationshipsStoredBefore) {
  constexpr const char* kRel = "relationship--55555555-5555-4555-8555-555555555555";
  {
    auto s = Build("db", false);
    // Stored without its value, as a version-6 node stored relationships.
    ASSERT_TRUE(s->AddObjects("c-1", {Object("relationship", kRel, "2026-01-01T00:00:00.000Z",
                                             R"(,"relationship_type":"indicates","source_ref":")" +
                                                 std::string(kI1) + R"(","target_ref":")" +
                                                 kOrgIdentity + "\"",
                                             policy::Tlp::kGreen, {})})
                    .ok());
  }
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(dir_.File("db").c_str(), &db), SQLITE_OK);
    // Back to version 6: without what version 8 adds either (the object counts, the index
    // by type), which its migration makes again.
    ASSERT_EQ(sqlite3_exec(db,
                           "DROP TABLE object_counts; DROP TABLE object_mixed; "
                           "DROP INDEX objects_type_added; PRAGMA user_version = 6;",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  SqliteOptions o;
  o.extract_values = [](std::string_view type, std::string_view json,
                        std::vector<std::string>* out) {
    out->clear();
    if (type == "relationship" && json.find(kOrgIdentity) != std::string_view::npos) {
      out->push_back(kOrgIdentity);
    }
  };
  auto with = OpenSqliteStore(dir_.File("db"), o);
  ASSERT_TRUE(with.ok()) << with.status().ToString();
  std::vector<std::string> holders;
  ASSERT_TRUE((*with)
                  ->ScanValueHolders({kOrgIdentity},
                                     [&](const ValueHolder& h) {
                                       holders.push_back(std::string(h.id));
                                       return ScanAction::kContinue;
                                     })
                  .ok());
  EXPECT_EQ(holders, std::vector<std::string>{kRel});
}

}  // namespace
}  // namespace entente::store
