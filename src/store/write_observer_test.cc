// The store's WriteObserver (store/write_observer.h): told of each write inside its
// transaction, before COMMIT, and able to refuse it: "The log never blocks the node: if it
// cannot be written, the write that triggered it fails cleanly rather than going
// unrecorded." (issue 16). The observer here is a fake that records what it is told and
// fails on demand; admission/record_test.cc has the real record behind it.
#include "store/write_observer.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "store/federation_state.h"
#include "store/test_util.h"

namespace entente::store {
namespace {

using testing::MakeObject;
using testing::TempDir;

class FakeObserver final : public WriteObserver {
 public:
  Status ObjectsAdded(std::string_view collection_id, const std::vector<NewObject>& objects,
                      const std::vector<AddResult>& results) override {
    for (size_t i = 0; i < objects.size(); ++i) {
      if (results[i].outcome == AddOutcome::kAdded) {
        told.push_back("added " + std::string(collection_id) + " " + objects[i].id + " by " +
                       objects[i].submitter + "/" + objects[i].channel);
      }
    }
    return Answer();
  }
  Status VersionsDeleted(std::string_view, std::string_view id,
                         const std::vector<std::string>& removed, std::string_view) override {
    for (const auto& v : removed) {
      told.push_back("deleted " + std::string(id) + " " + v + " by " + ActingFor::Current());
    }
    return Answer();
  }
  Status ConfigChanged(const ConfigChange& change) override {
    std::string fields;
    for (const auto& [k, v] : change.fields) fields += " " + k + "=" + v;
    told.push_back("changed " + change.id + " " + change.action + fields);
    return Answer();
  }

  bool fail = false;
  std::vector<std::string> told;

 private:
  Status Answer() { return fail ? Status::Unavailable("the record refuses") : Status::Ok(); }
};

struct Fixture {
  Fixture() {
    SqliteOptions options;
    options.create_if_missing = true;
    options.synchronous = "OFF";
    options.observer = observer;
    auto opened = OpenSqliteStore(dir.File("entente.db"), options);
    EXPECT_TRUE(opened.ok());
    db = std::move(opened).value();
    EXPECT_TRUE(db->PutApiRoot({"cti", "t", "", 1 << 20}).ok());
    EXPECT_TRUE(db->PutCollection({"c1", "cti", "t", "", policy::Tlp::kGreen, {"a"}, {"a"}}).ok());
    observer->told.clear();
  }
  TempDir dir;
  std::shared_ptr<FakeObserver> observer = std::make_shared<FakeObserver>();
  std::unique_ptr<Store> db;
};

TEST(WriteObserver, IsToldOfTheVersionsAddedNotOfDuplicates) {
  Fixture f;
  NewObject a = MakeObject("indicator--1", "2024-01-01T00:00:00.000Z", 1);
  a.submitter = "a";
  a.channel = "client";
  ASSERT_TRUE(f.db->AddObjects("c1", {a}).ok());
  NewObject b = MakeObject("indicator--2", "2024-01-01T00:00:00.000Z", 1);
  ASSERT_TRUE(f.db->AddObjects("c1", {a, b}).ok());
  EXPECT_EQ(f.observer->told, (std::vector<std::string>{"added c1 indicator--1 by a/client",
                                                        "added c1 indicator--2 by /"}));
}

TEST(WriteObserver, ARefusalRollsEveryKindOfWriteBack) {
  Fixture f;
  ASSERT_TRUE(
      f.db->AddObjects("c1", {MakeObject("indicator--1", "2024-01-01T00:00:00.000Z", 1)}).ok());
  ASSERT_TRUE(f.db->AddToken({"tok_1", "a", "", "", 0}, "00").ok());
  f.observer->fail = true;

  EXPECT_FALSE(
      f.db->AddObjects("c1", {MakeObject("indicator--2", "2024-01-01T00:00:00.000Z", 1)}).ok());
  EXPECT_FALSE(f.db->AddObjectsAndCheckpoint(
                       "c1", {MakeObject("indicator--3", "2024-01-01T00:00:00.000Z", 1)}, "s", "7")
                   .ok());
  auto bulk = f.db->BeginBulkAdd("c1");
  ASSERT_TRUE(bulk.ok());
  EXPECT_FALSE((*bulk)->Add({MakeObject("indicator--4", "2024-01-01T00:00:00.000Z", 1)}).ok());
  EXPECT_TRUE((*bulk)->Commit().ok());
  EXPECT_FALSE(f.db->DeleteObject("c1", "indicator--1", {}, "").ok());
  EXPECT_FALSE(f.db->PutOrganisation({"b", "B", "DE", "", "", "", {}, false}).ok());
  EXPECT_FALSE(f.db->AddToken({"tok_2", "a", "", "", 0}, "01").ok());
  EXPECT_FALSE(f.db->RevokeToken("tok_1").ok());
  EXPECT_FALSE(f.db->PutCollection({"c2", "cti", "t", "", policy::Tlp::kGreen, {}, {}}).ok());
  EXPECT_FALSE(f.db->DeleteCollection("c1").ok());

  auto n = f.db->CountObjects("c1");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1);
  auto checkpoint = f.db->GetCheckpoint("s");
  ASSERT_TRUE(checkpoint.ok());
  EXPECT_EQ(*checkpoint, "");
  auto tombstones = f.db->ListTombstones("c1", 0, 10);
  ASSERT_TRUE(tombstones.ok());
  EXPECT_TRUE(tombstones->empty());
  EXPECT_EQ(f.db->GetOrganisation("b").status().code(), StatusCode::kNotFound);
  auto tokens = f.db->ListTokens("");
  ASSERT_TRUE(tokens.ok());
  ASSERT_EQ(tokens->size(), 1u);
  EXPECT_EQ((*tokens)[0].token_id, "tok_1");
  EXPECT_EQ(f.db->GetCollection("c2").status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(f.db->GetCollection("c1").ok());

  auto peers = OpenSqliteFederationState(*f.db);
  ASSERT_TRUE(peers.ok()) << peers.status().message();
  Peer p;
  p.name = "de";
  p.token = "secret-token";
  p.hash_key = "secret-key";
  EXPECT_FALSE((*peers)->AddPeer(p).ok());
  EXPECT_EQ((*peers)->GetPeer("de").status().code(), StatusCode::kNotFound);
}

TEST(WriteObserver, PeerChangesNameNoCredentialAndDeletionsNameWhoActs) {
  Fixture f;
  auto peers = OpenSqliteFederationState(*f.db);
  ASSERT_TRUE(peers.ok());
  Peer p;
  p.name = "de";
  p.api_root_url = "https://de.example/api/";
  p.token = "secret-token";
  p.hash_key = "secret-key";
  p.rules = {{"email-addr", "value", policy::SovereigntyAction::kKeyedHash}};
  ASSERT_TRUE((*peers)->AddPeer(p).ok());
  ASSERT_TRUE((*peers)->RemovePeer("de").ok());
  ASSERT_EQ(f.observer->told.size(), 2u);
  EXPECT_NE(f.observer->told[0].find("rules=[\"email-addr.value:hash\"]"), std::string::npos)
      << f.observer->told[0];
  EXPECT_NE(f.observer->told[0].find("url=https://de.example/api/"), std::string::npos);
  for (const auto& t : f.observer->told) {
    EXPECT_EQ(t.find("secret"), std::string::npos) << t;
  }
  EXPECT_EQ(f.observer->told[1], "changed de remove");

  ASSERT_TRUE(
      f.db->AddObjects("c1", {MakeObject("indicator--1", "2024-01-01T00:00:00.000Z", 1)}).ok());
  {
    ActingFor outer("org-x");
    {
      ActingFor inner("org-y");
      ASSERT_TRUE(f.db->DeleteObject("c1", "indicator--1", {}, "").ok());
    }
    EXPECT_EQ(ActingFor::Current(), "org-x");
  }
  EXPECT_EQ(ActingFor::Current(), "operator");
  EXPECT_EQ(f.observer->told.back(), "deleted indicator--1 2024-01-01T00:00:00.000Z by org-y");
}

}  // namespace
}  // namespace entente::store
