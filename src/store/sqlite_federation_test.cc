#include "federation/peer_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <filesystem>

#include "common/env.h"

namespace entente::federation {
namespace {

constexpr const char* kCol1 = "11111111-1111-4111-8111-111111111111";

class PeerStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("fed-" + NewUuid4());
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "entente.db").string();
    auto s = PeerStore::Open(path_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  Peer MakePeer(const std::string& name) {
    Peer p;
    p.name = name;
    p.api_root_url = "http://127.0.0.1:1/api/";
    p.token = "ent_x";
    p.jurisdiction = "DE";
    p.pull = {{kCol1, kCol1}};
    return p;
  }
  // Closes the store and replaces its file by one holding only what `sql` makes: the
  // tables as an earlier release left them. Call inside ASSERT_NO_FATAL_FAILURE.
  void ReplaceFileWith(const char* sql) {
    store_.reset();
    std::filesystem::remove(path_);
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
    const std::string error = sqlite3_errmsg(db);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << error;
  }

  std::filesystem::path dir_;
  std::string path_;
  std::unique_ptr<PeerStore> store_;
};

TEST_F(PeerStoreTest, FileIsPrivate) {
  struct stat st {};
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
}

TEST_F(PeerStoreTest, AddGetListRemove) {
  ASSERT_TRUE(store_->AddPeer(MakePeer("b")).ok());
  ASSERT_TRUE(store_->AddPeer(MakePeer("a")).ok());
  EXPECT_EQ(store_->AddPeer(MakePeer("a")).code(), StatusCode::kAlreadyExists);
  Peer bad = MakePeer("c");
  bad.jurisdiction = "xx";
  EXPECT_EQ(store_->AddPeer(bad).code(), StatusCode::kInvalidArgument);
  auto list = store_->ListPeers();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "a");
  auto got = store_->GetPeer("b");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->pull.size(), 1u);
  EXPECT_EQ(store_->GetPeer("zz").status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(store_->RemovePeer("a").ok());
  EXPECT_EQ(store_->RemovePeer("a").code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->ListPeers()->size(), 1u);
}

TEST_F(PeerStoreTest, CheckpointsAreKeptPerPeerDirectionAndLink) {
  CollectionLink link{kCol1, kCol1};
  auto cp = store_->GetCheckpoint("a", Direction::kPull, link);
  ASSERT_TRUE(cp.ok());
  EXPECT_EQ(cp->added_after, "");
  Checkpoint c;
  c.added_after = "2026-01-01T00:00:00.000001Z";
  c.next = "abc";
  ASSERT_TRUE(store_->PutCheckpoint("a", Direction::kPull, link, c).ok());
  Checkpoint p;
  p.pushed_until_us = 42;
  ASSERT_TRUE(store_->PutCheckpoint("a", Direction::kPush, link, p).ok());
  EXPECT_EQ(store_->GetCheckpoint("a", Direction::kPull, link)->next, "abc");
  EXPECT_EQ(store_->GetCheckpoint("a", Direction::kPush, link)->pushed_until_us, 42);
  EXPECT_EQ(store_->GetCheckpoint("b", Direction::kPull, link)->added_after, "");
}

TEST_F(PeerStoreTest, ProvenanceFirstRecordWins) {
  PeerStore::ProvenanceEntry e{"indicator--1", "2026-01-01T00:00:00.000Z", {"de", {"de"}}};
  ASSERT_TRUE(store_->RecordProvenance(kCol1, {e}).ok());
  PeerStore::ProvenanceEntry later{"indicator--1", "2026-01-01T00:00:00.000Z", {"fr", {"fr"}}};
  ASSERT_TRUE(store_->RecordProvenance(kCol1, {later}).ok());
  auto p = store_->GetProvenance(kCol1, "indicator--1", "2026-01-01T00:00:00.000Z");
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE(p->has_value());
  EXPECT_EQ((*p)->origin, "de");
  EXPECT_EQ((*p)->path, std::vector<std::string>{"de"});
  auto none = store_->GetProvenance(kCol1, "indicator--2", "");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST_F(PeerStoreTest, StatusRoundTripAndSurvivesReopen) {
  PeerStatus st;
  st.pulled = 3;
  st.last_error = "unavailable: connection refused";
  ASSERT_TRUE(store_->PutStatus("a", st).ok());
  store_.reset();
  auto reopened = PeerStore::Open(path_);
  ASSERT_TRUE(reopened.ok());
  auto back = (*reopened)->GetStatus("a");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->pulled, 3);
  EXPECT_EQ(back->last_error, "unavailable: connection refused");
  EXPECT_EQ((*reopened)->GetStatus("none")->pulled, 0);
}

TEST_F(PeerStoreTest, PushedVersionsAreRememberedPerLinkUntilDeleted) {
  CollectionLink link{kCol1, "22222222-2222-4222-8222-222222222222"};
  CollectionLink other{kCol1, "33333333-3333-4333-8333-333333333333"};
  // Nothing pushed yet, not even a link.
  EXPECT_FALSE(store_->PushedAs("a", link, "indicator--1", "v1")->has_value());
  Checkpoint c;
  c.pushed_until_us = 7;
  ASSERT_TRUE(
      store_
          ->CommitPush("a", link, c,
                       {{"indicator--1", "v1", ""}, {"email-addr--1", "", "email-addr--hashed"}})
          .ok());
  EXPECT_EQ(store_->GetCheckpoint("a", Direction::kPush, link)->pushed_until_us, 7);
  EXPECT_EQ(store_->PushedAs("a", link, "indicator--1", "v1")->value(), "indicator--1");
  EXPECT_EQ(store_->PushedAs("a", link, "email-addr--1", "")->value(), "email-addr--hashed");
  EXPECT_FALSE(store_->PushedAs("a", link, "indicator--1", "v2")->has_value());
  EXPECT_FALSE(store_->PushedAs("b", link, "indicator--1", "v1")->has_value());
  EXPECT_FALSE(store_->PushedAs("a", other, "indicator--1", "v1")->has_value());

  c.tombstones_until = 5;
  ASSERT_TRUE(store_->CommitDeletions("a", link, c, {{"indicator--1", "v1"}}).ok());
  EXPECT_FALSE(store_->PushedAs("a", link, "indicator--1", "v1")->has_value());
  auto cp = store_->GetCheckpoint("a", Direction::kPush, link);
  EXPECT_EQ(cp->tombstones_until, 5);
  EXPECT_EQ(cp->pushed_until_us, 7);

  // Removing the peer forgets what it holds.
  Peer peer = MakePeer("a");
  ASSERT_TRUE(store_->AddPeer(peer).ok());
  ASSERT_TRUE(store_->RemovePeer("a").ok());
  EXPECT_FALSE(store_->PushedAs("a", link, "email-addr--1", "")->has_value());
}

TEST_F(PeerStoreTest, FilesFromBeforeDeletionsTravelledGainTheirColumns) {
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
  auto s = PeerStore::Open(path_);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  auto cp = (*s)->GetCheckpoint("a", Direction::kPush, {"r", "l"});
  ASSERT_TRUE(cp.ok()) << cp.status().ToString();
  EXPECT_EQ(cp->pushed_until_us, 99);
  EXPECT_EQ(cp->tombstones_until, 0);
  auto st = (*s)->GetStatus("a");
  ASSERT_TRUE(st.ok()) << st.status().ToString();
  EXPECT_EQ(st->pushed, 4);
  EXPECT_EQ(st->deleted, 0);
  s->reset();
  EXPECT_TRUE(PeerStore::Open(path_).ok());  // and opens again
}

TEST_F(PeerStoreTest, ProvenanceOfManyVersionsAndCollectionsIsFoundExactly) {
  std::vector<PeerStore::ProvenanceEntry> entries;
  for (int i = 0; i < 2000; ++i) {
    entries.push_back({"indicator--" + std::to_string(i),
                       "v" + std::to_string(i % 3),
                       {"node-" + std::to_string(i % 7), {"node-" + std::to_string(i % 7), "x"}}});
  }
  ASSERT_TRUE(store_->RecordProvenance(kCol1, entries).ok());
  std::vector<std::pair<std::string_view, std::string_view>> ask;
  for (const auto& e : entries) ask.emplace_back(e.object_id, e.version);
  ask.emplace_back("indicator--1", "v0");  // recorded as v1 only
  auto got = store_->GetProvenances(kCol1, ask);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->size(), entries.size() + 1);
  for (size_t i = 0; i < entries.size(); ++i) {
    ASSERT_TRUE((*got)[i].has_value()) << i;
    EXPECT_EQ((*got)[i]->origin, entries[i].provenance.origin);
    EXPECT_EQ((*got)[i]->path, entries[i].provenance.path);
  }
  EXPECT_FALSE(got->back().has_value());
  auto other = store_->GetProvenance("22222222-2222-4222-8222-222222222222", "indicator--1", "v1");
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other->has_value());  // another collection
}

TEST_F(PeerStoreTest, ProvenanceFromBeforeTheKeyedTableIsMigrated) {
  // The provenance table as releases before fed_provenance_v2 made it.
  ASSERT_NO_FATAL_FAILURE(
      ReplaceFileWith("CREATE TABLE fed_provenance (collection TEXT NOT NULL, object_id TEXT "
                      "NOT NULL, version TEXT NOT NULL, origin TEXT NOT NULL, path TEXT NOT "
                      "NULL, PRIMARY KEY (collection, object_id, version));"
                      "INSERT INTO fed_provenance VALUES ('c', 'indicator--1', 'v1', 'de', "
                      "'[\"de\"]'), ('c', 'indicator--1', 'v2', 'fr', '[\"fr\",\"de\"]');"));
  auto s = PeerStore::Open(path_);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  auto v2 = (*s)->GetProvenance("c", "indicator--1", "v2");
  ASSERT_TRUE(v2.ok()) << v2.status().ToString();
  ASSERT_TRUE(v2->has_value());
  EXPECT_EQ((*v2)->origin, "fr");
  EXPECT_EQ((*v2)->path, (std::vector<std::string>{"fr", "de"}));
  auto v1 = (*s)->GetProvenance("c", "indicator--1", "v1");
  ASSERT_TRUE(v1.ok() && v1->has_value());
  EXPECT_EQ((*v1)->origin, "de");
  // Recording again keeps the migrated row.
  ASSERT_TRUE((*s)->RecordProvenance("c", {{"indicator--1", "v1", {"xx", {"xx"}}}}).ok());
  v1 = (*s)->GetProvenance("c", "indicator--1", "v1");
  ASSERT_TRUE(v1.ok() && v1->has_value());
  EXPECT_EQ((*v1)->origin, "de");
  s->reset();
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
  EXPECT_TRUE(PeerStore::Open(path_).ok());  // and opens again
}

}  // namespace
}  // namespace entente::federation
