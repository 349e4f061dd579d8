// The federation's state and object provenance in the SQLite store's file, including
// files written by earlier releases (their own fed_ tables on a separate connection).
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include "store/federation_state.h"
#include "store/store.h"
#include "store/test_util.h"

namespace entente::store {
namespace {

using testing::MakeObject;
using testing::TempDir;

constexpr const char* kCol1 = "11111111-1111-4111-8111-111111111111";

class SqliteFederationTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(Open()); }

  // (Re)opens the store and the federation state on path_.
  void Open() {
    state_.reset();
    store_.reset();
    SqliteOptions o;
    o.create_if_missing = true;
    o.synchronous = "NORMAL";
    auto s = OpenSqliteStore(path_, o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    auto f = OpenSqliteFederationState(*store_);
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    state_ = std::move(*f);
  }
  void AddCollection(const std::string& id) {
    Collection c;
    c.id = id;
    c.api_root = "cti";
    c.title = id;
    ASSERT_TRUE(store_->PutCollection(c).ok());
  }
  Peer MakePeer(const std::string& name) {
    Peer p;
    p.name = name;
    p.api_root_url = "http://127.0.0.1:1/api/";
    p.token = "ent_x";
    p.jurisdiction = "DE";
    p.pull = {{kCol1, kCol1}};
    p.rules = {{"email-addr", "value", policy::SovereigntyAction::kKeyedHash}};
    return p;
  }
  static NewObject FromPeer(const std::string& id, const std::string& version,
                            Provenance provenance) {
    NewObject o = MakeObject(id, version, 0);
    o.provenance = std::move(provenance);
    return o;
  }
  std::optional<Provenance> ProvenanceOf(std::string_view collection, std::string_view id,
                                         std::string_view version) {
    auto got = store_->GetProvenances(collection, {{id, version}});
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    return got.ok() ? got->front() : std::nullopt;
  }
  // Closes everything and replaces the file by one holding only what `sql` makes: the
  // tables as an earlier release left them. Call inside ASSERT_NO_FATAL_FAILURE.
  void ReplaceFileWith(const char* sql) {
    state_.reset();
    store_.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path_ + suffix).c_str());
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
    const std::string error = sqlite3_errmsg(db);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << error;
  }

  TempDir dir_;
  std::string path_ = dir_.File("entente.db");
  std::unique_ptr<Store> store_;
  std::unique_ptr<FederationState> state_;
};

TEST_F(SqliteFederationTest, AFileOthersCouldReadBecomesPrivate) {
  state_.reset();
  store_.reset();
  ASSERT_EQ(::chmod(path_.c_str(), 0644), 0);
  ASSERT_NO_FATAL_FAILURE(Open());
  struct stat st {};
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(SqliteFederationTest, AddGetListRemove) {
  ASSERT_TRUE(state_->AddPeer(MakePeer("b")).ok());
  ASSERT_TRUE(state_->AddPeer(MakePeer("a")).ok());
  EXPECT_EQ(state_->AddPeer(MakePeer("a")).code(), StatusCode::kAlreadyExists);
  auto list = state_->ListPeers();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "a");
  auto got = state_->GetPeer("b");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->pull.size(), 1u);
  ASSERT_EQ(got->rules.size(), 1u);
  EXPECT_EQ(FormatRule(got->rules[0]), "email-addr.value=hash");
  EXPECT_EQ(state_->GetPeer("zz").status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(state_->RemovePeer("a").ok());
  EXPECT_EQ(state_->RemovePeer("a").code(), StatusCode::kNotFound);
  EXPECT_EQ(state_->ListPeers()->size(), 1u);
}

TEST_F(SqliteFederationTest, CheckpointsAreKeptPerPeerDirectionAndLink) {
  CollectionLink link{kCol1, kCol1};
  auto cp = state_->GetCheckpoint("a", SyncDirection::kPull, link);
  ASSERT_TRUE(cp.ok());
  EXPECT_EQ(cp->added_after, "");
  Checkpoint c;
  c.added_after = "2026-01-01T00:00:00.000001Z";
  c.next = "abc";
  ASSERT_TRUE(state_->PutCheckpoint("a", SyncDirection::kPull, link, c).ok());
  Checkpoint p;
  p.pushed_until_us = 42;
  ASSERT_TRUE(state_->PutCheckpoint("a", SyncDirection::kPush, link, p).ok());
  EXPECT_EQ(state_->GetCheckpoint("a", SyncDirection::kPull, link)->next, "abc");
  EXPECT_EQ(state_->GetCheckpoint("a", SyncDirection::kPush, link)->pushed_until_us, 42);
  EXPECT_EQ(state_->GetCheckpoint("b", SyncDirection::kPull, link)->added_after, "");
}

TEST_F(SqliteFederationTest, StatusRoundTripAndSurvivesReopen) {
  PeerStatus st;
  st.pulled = 3;
  st.last_error = "unavailable: connection refused";
  ASSERT_TRUE(state_->PutStatus("a", st).ok());
  ASSERT_NO_FATAL_FAILURE(Open());
  auto back = state_->GetStatus("a");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->pulled, 3);
  EXPECT_EQ(back->last_error, "unavailable: connection refused");
  EXPECT_EQ(state_->GetStatus("none")->pulled, 0);
}

TEST_F(SqliteFederationTest, WitnessedHeadsAndAlarmsSurviveReopenAndGoWithThePeer) {
  Peer p = MakePeer("a");
  p.log_key = std::string(64, 'e');
  ASSERT_TRUE(state_->AddPeer(p).ok());
  for (uint64_t n : {3u, 7u, 12u}) {
    ASSERT_TRUE(state_
                    ->KeepWitnessedHead(
                        "a", {int64_t(n), n, "head-" + std::to_string(n), std::string(64, 'f')})
                    .ok());
  }
  ASSERT_TRUE(state_->RaiseWitnessAlarm("a", {5, "peer a: forked", "{}"}).ok());
  ASSERT_NO_FATAL_FAILURE(Open());
  EXPECT_EQ(state_->GetPeer("a").value().log_key, std::string(64, 'e'));
  auto first = state_->WitnessedHeads("a", false, 1).value();
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].head, "head-3");
  auto last2 = state_->WitnessedHeads("a", true, 2).value();
  ASSERT_EQ(last2.size(), 2u);
  EXPECT_EQ(last2[0].tree_size, 7u);  // oldest first
  EXPECT_EQ(last2[1].tree_size, 12u);
  EXPECT_EQ(state_->WitnessedHeads("a", false, 0).value().size(), 3u);
  auto alarms = state_->WitnessAlarms("a").value();
  ASSERT_EQ(alarms.size(), 1u);
  EXPECT_EQ(alarms[0].message, "peer a: forked");
  EXPECT_TRUE(state_->WitnessedHeads("b", true, 1).value().empty());
  ASSERT_TRUE(state_->RemovePeer("a").ok());
  EXPECT_TRUE(state_->WitnessedHeads("a", false, 0).value().empty());
  EXPECT_TRUE(state_->WitnessAlarms("a").value().empty());
}

TEST_F(SqliteFederationTest, PushedVersionsAreRememberedPerLinkUntilDeleted) {
  CollectionLink link{kCol1, "22222222-2222-4222-8222-222222222222"};
  CollectionLink other{kCol1, "33333333-3333-4333-8333-333333333333"};
  // Nothing pushed yet, not even a link.
  EXPECT_FALSE(state_->PushedAs("a", link, "indicator--1", "v1")->has_value());
  Checkpoint c;
  c.pushed_until_us = 7;
  ASSERT_TRUE(
      state_
          ->CommitPush("a", link, c,
                       {{"indicator--1", "v1", ""}, {"email-addr--1", "", "email-addr--hashed"}})
          .ok());
  EXPECT_EQ(state_->GetCheckpoint("a", SyncDirection::kPush, link)->pushed_until_us, 7);
  EXPECT_EQ(state_->PushedAs("a", link, "indicator--1", "v1")->value(), "indicator--1");
  EXPECT_EQ(state_->PushedAs("a", link, "email-addr--1", "")->value(), "email-addr--hashed");
  EXPECT_FALSE(state_->PushedAs("a", link, "indicator--1", "v2")->has_value());
  EXPECT_FALSE(state_->PushedAs("b", link, "indicator--1", "v1")->has_value());
  EXPECT_FALSE(state_->PushedAs("a", other, "indicator--1", "v1")->has_value());

  c.tombstones_until = 5;
  ASSERT_TRUE(state_->CommitDeletions("a", link, c, {{"indicator--1", "v1"}}).ok());
  EXPECT_FALSE(state_->PushedAs("a", link, "indicator--1", "v1")->has_value());
  auto cp = state_->GetCheckpoint("a", SyncDirection::kPush, link);
  EXPECT_EQ(cp->tombstones_until, 5);
  EXPECT_EQ(cp->pushed_until_us, 7);

  // Removing the peer forgets what it holds.
  ASSERT_TRUE(state_->AddPeer(MakePeer("a")).ok());
  ASSERT_TRUE(state_->RemovePeer("a").ok());
  EXPECT_FALSE(state_->PushedAs("a", link, "email-addr--1", "")->has_value());
}

TEST_F(SqliteFederationTest, ProvenanceIsStoredWithTheVersionAndTheFirstWins) {
  ASSERT_NO_FATAL_FAILURE(AddCollection(kCol1));
  const std::string v = "2026-01-01T00:00:00.000Z";
  auto added = store_->AddObjects(
      kCol1, {FromPeer("indicator--1", v, {"de", {"de"}}), MakeObject("indicator--2", v, 0)});
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  // The same version again, from elsewhere: neither the object nor its provenance change.
  added = store_->AddObjects(kCol1, {FromPeer("indicator--1", v, {"fr", {"fr"}})});
  ASSERT_TRUE(added.ok());
  EXPECT_EQ((*added)[0].outcome, AddOutcome::kDuplicate);
  EXPECT_EQ(ProvenanceOf(kCol1, "indicator--1", v), (Provenance{"de", {"de"}}));
  EXPECT_EQ(ProvenanceOf(kCol1, "indicator--2", v), std::nullopt);  // made here
  EXPECT_EQ(ProvenanceOf(kCol1, "indicator--3", ""), std::nullopt);
  // Provenance is history: it outlives the version.
  ASSERT_EQ(*store_->DeleteObject(kCol1, "indicator--1", {}, ""), 1);
  EXPECT_EQ(ProvenanceOf(kCol1, "indicator--1", v), (Provenance{"de", {"de"}}));
}

TEST_F(SqliteFederationTest, ProvenanceGoesWhenItsVersionsTransactionDoes) {
  ASSERT_NO_FATAL_FAILURE(AddCollection(kCol1));
  {
    auto bulk = store_->BeginBulkAdd(kCol1);
    ASSERT_TRUE(bulk.ok());
    ASSERT_TRUE((*bulk)->Add({FromPeer("indicator--1", "v1", {"de", {"de"}})}).ok());
    // Destroyed without Commit: the version and its provenance are both discarded.
  }
  EXPECT_EQ(*store_->CountObjects(kCol1), 0);
  EXPECT_EQ(ProvenanceOf(kCol1, "indicator--1", "v1"), std::nullopt);
  auto bulk = store_->BeginBulkAdd(kCol1);
  ASSERT_TRUE(bulk.ok());
  ASSERT_TRUE((*bulk)->Add({FromPeer("indicator--1", "v1", {"fr", {"fr", "de"}})}).ok());
  ASSERT_TRUE((*bulk)->Commit().ok());
  EXPECT_EQ(ProvenanceOf(kCol1, "indicator--1", "v1"), (Provenance{"fr", {"fr", "de"}}));
}

TEST_F(SqliteFederationTest, ProvenanceOfManyVersionsAndCollectionsIsFoundExactly) {
  ASSERT_NO_FATAL_FAILURE(AddCollection(kCol1));
  std::vector<NewObject> objects;
  for (int i = 0; i < 2000; ++i) {
    const std::string node = "node-" + std::to_string(i % 7);
    objects.push_back(FromPeer("indicator--" + std::to_string(i), "v" + std::to_string(i % 3),
                               {node, {node, "x"}}));
  }
  ASSERT_TRUE(store_->AddObjects(kCol1, objects).ok());
  std::vector<std::pair<std::string_view, std::string_view>> ask;
  for (const auto& o : objects) ask.emplace_back(o.id, o.version);
  ask.emplace_back("indicator--1", "v0");  // stored as v1 only
  auto got = store_->GetProvenances(kCol1, ask);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->size(), objects.size() + 1);
  for (size_t i = 0; i < objects.size(); ++i) {
    ASSERT_TRUE((*got)[i].has_value()) << i;
    EXPECT_EQ(*(*got)[i], *objects[i].provenance) << i;
  }
  EXPECT_FALSE(got->back().has_value());
  // Another collection.
  EXPECT_EQ(ProvenanceOf("22222222-2222-4222-8222-222222222222", "indicator--1", "v1"),
            std::nullopt);
}

TEST_F(SqliteFederationTest, FilesFromBeforeDeletionsTravelledGainTheirColumns) {
  // The tables as the first federation release made them.
  ASSERT_NO_FATAL_FAILURE(
      ReplaceFileWith("CREATE TABLE fed_checkpoints (peer TEXT NOT NULL, direction TEXT NOT "
                      "NULL, remote_collection TEXT NOT NULL, local_collection TEXT NOT "
                      "NULL, added_after TEXT NOT NULL DEFAULT '', next_cursor TEXT NOT NULL "
                      "DEFAULT '', next_last TEXT NOT NULL DEFAULT '', pushed_until_us "
                      "INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (peer, direction, "
                      "remote_collection, local_collection));"
                      "INSERT INTO fed_checkpoints VALUES ('a', 'push', 'r', 'l', '', '', "
                      "'', 99);"
                      "CREATE TABLE fed_status (peer TEXT PRIMARY KEY, last_attempt_us "
                      "INTEGER NOT NULL DEFAULT 0, last_success_us INTEGER NOT NULL DEFAULT "
                      "0, lag_us INTEGER NOT NULL DEFAULT 0, last_error TEXT NOT NULL "
                      "DEFAULT '', pulled INTEGER NOT NULL DEFAULT 0, pushed INTEGER NOT "
                      "NULL DEFAULT 0, withheld INTEGER NOT NULL DEFAULT 0, refused INTEGER "
                      "NOT NULL DEFAULT 0, failures INTEGER NOT NULL DEFAULT 0);"
                      "INSERT INTO fed_status (peer, pushed) VALUES ('a', 4);"));
  ASSERT_NO_FATAL_FAILURE(Open());
  auto cp = state_->GetCheckpoint("a", SyncDirection::kPush, {"r", "l"});
  ASSERT_TRUE(cp.ok()) << cp.status().ToString();
  EXPECT_EQ(cp->pushed_until_us, 99);
  EXPECT_EQ(cp->tombstones_until, 0);
  auto st = state_->GetStatus("a");
  ASSERT_TRUE(st.ok()) << st.status().ToString();
  EXPECT_EQ(st->pushed, 4);
  EXPECT_EQ(st->deleted, 0);
  ASSERT_NO_FATAL_FAILURE(Open());  // and opens again
}

TEST_F(SqliteFederationTest, ProvenanceFromBeforeTheKeyedTableIsMigrated) {
  // The provenance table as releases before fed_provenance_v2 made it.
  ASSERT_NO_FATAL_FAILURE(
      ReplaceFileWith("CREATE TABLE fed_provenance (collection TEXT NOT NULL, object_id TEXT "
                      "NOT NULL, version TEXT NOT NULL, origin TEXT NOT NULL, path TEXT NOT "
                      "NULL, PRIMARY KEY (collection, object_id, version));"
                      "INSERT INTO fed_provenance VALUES ('c', 'indicator--1', 'v1', 'de', "
                      "'[\"de\"]'), ('c', 'indicator--1', 'v2', 'fr', '[\"fr\",\"de\"]');"));
  ASSERT_NO_FATAL_FAILURE(Open());
  EXPECT_EQ(ProvenanceOf("c", "indicator--1", "v2"), (Provenance{"fr", {"fr", "de"}}));
  EXPECT_EQ(ProvenanceOf("c", "indicator--1", "v1"), (Provenance{"de", {"de"}}));
  // Storing the version again from elsewhere keeps the migrated row.
  ASSERT_NO_FATAL_FAILURE(AddCollection("c"));
  ASSERT_TRUE(store_->AddObjects("c", {FromPeer("indicator--1", "v1", {"xx", {"xx"}})}).ok());
  EXPECT_EQ(ProvenanceOf("c", "indicator--1", "v1"), (Provenance{"de", {"de"}}));
  state_.reset();
  store_.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(
      sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master WHERE name = 'fed_provenance'", -1,
                         &st, nullptr),
      SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(st, 0), 0);  // the old table is gone
  sqlite3_finalize(st);
  sqlite3_close(db);
  ASSERT_NO_FATAL_FAILURE(Open());  // and opens again
}

TEST_F(SqliteFederationTest, OnlyAnSqliteStoreCarriesTheSqliteState) {
  class NotSqlite final : public Store {
   public:
    Status PutSettings(const NodeSettings&) override { return Status::Ok(); }
    Result<NodeSettings> GetSettings() override { return NodeSettings(); }
    Status PutOrganisation(const Organisation&) override { return Status::Ok(); }
    Result<Organisation> GetOrganisation(std::string_view) override { return Organisation(); }
    Result<std::vector<Organisation>> ListOrganisations() override {
      return std::vector<Organisation>();
    }
    Status DeleteOrganisation(std::string_view) override { return Status::Ok(); }
    Status AddToken(const TokenInfo&, std::string_view) override { return Status::Ok(); }
    Result<TokenInfo> FindTokenByHash(std::string_view) override { return TokenInfo(); }
    Result<std::vector<TokenInfo>> ListTokens(std::string_view) override {
      return std::vector<TokenInfo>();
    }
    Status RevokeToken(std::string_view) override { return Status::Ok(); }
    Status PutApiRoot(const ApiRoot&) override { return Status::Ok(); }
    Result<std::vector<ApiRoot>> ListApiRoots() override { return std::vector<ApiRoot>(); }
    Status PutCollection(const Collection&) override { return Status::Ok(); }
    Result<Collection> GetCollection(std::string_view) override { return Collection(); }
    Result<std::vector<Collection>> ListCollections(std::string_view) override {
      return std::vector<Collection>();
    }
    Status DeleteCollection(std::string_view) override { return Status::Ok(); }
    Result<std::vector<AddResult>> AddObjects(std::string_view,
                                              const std::vector<NewObject>&) override {
      return std::vector<AddResult>();
    }
    Result<std::vector<AddResult>> AddObjectsAndCheckpoint(std::string_view,
                                                           const std::vector<NewObject>&,
                                                           std::string_view,
                                                           std::string_view) override {
      return std::vector<AddResult>();
    }
    Result<std::string> GetCheckpoint(std::string_view) override { return std::string(); }
    Status ScanValueHolders(const std::vector<std::string>&,
                            const std::function<ScanAction(const ValueHolder&)>&) override {
      return Status::Ok();
    }
    Status ScanObjects(const ObjectQuery&,
                       const std::function<ScanAction(const ObjectRow&)>&) override {
      return Status::Ok();
    }
    Result<int64_t> DeleteObject(std::string_view, std::string_view,
                                 const std::vector<std::string>&, std::string_view) override {
      return int64_t{0};
    }
    Result<int64_t> CountObjects(std::string_view) override { return int64_t{0}; }
    Result<std::vector<Tombstone>> ListTombstones(std::string_view, int64_t, size_t) override {
      return std::vector<Tombstone>();
    }
    Status PutStatus(const StatusRecord&) override { return Status::Ok(); }
    Result<StatusRecord> GetStatus(std::string_view) override { return StatusRecord(); }
    Result<std::vector<StatusRecord>> ListPendingStatuses() override {
      return std::vector<StatusRecord>();
    }
    Result<std::vector<std::optional<Provenance>>> GetProvenances(
        std::string_view,
        const std::vector<std::pair<std::string_view, std::string_view>>& v) override {
      return std::vector<std::optional<Provenance>>(v.size());
    }
  } other;
  EXPECT_EQ(OpenSqliteFederationState(other).status().code(), StatusCode::kInvalidArgument);
}

TEST(PeerRecordsTest, PeerSurvivesItsJsonForm) {
  Peer p;
  p.name = "cert-de";
  p.api_root_url = "https://cert.example:9440/api/";
  p.pull = {{"r", "l"}};
  p.push = {{"r2", "l2"}};
  p.token = "ent_secret";
  p.username = "u";
  p.jurisdiction = "DE";
  p.communities = {"eu-csirts"};
  p.recipients = {"identity--1"};
  p.rules = {{"email-addr", "value", policy::SovereigntyAction::kKeyedHash},
             {"user-account", "", policy::SovereigntyAction::kWithhold}};
  p.hash_key = "k";
  p.pin_sha256 = "ab";
  p.pin_pem = "pem";
  p.local_org = "org";
  p.quota = 7;
  auto back = PeerFromJson(PeerToJson(p));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(PeerToJson(*back), PeerToJson(p));
  boost::json::object bad = PeerToJson(p);
  bad["rules"] = boost::json::array{"email-addr.value"};
  EXPECT_EQ(PeerFromJson(bad).status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace entente::store
