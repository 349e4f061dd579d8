// log.h and verify.h on real SQLite files: appends, proofs against heads, reopening,
// signed heads, and tampering underneath named by VerifyRecord.
#include "audit/log.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "audit/recorder.h"
#include "audit/testing/memory_recorder.h"
#include "audit/verify.h"
#include "common/fake_clock.h"

namespace entente::audit {
namespace {

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("audit_log_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "audit.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<AuditLog> Open() {
    LogOptions o;
    o.clock = &clock_;
    o.synchronous = "OFF";
    o.busy_timeout_ms = 100;
    auto log = AuditLog::Open(path_, o);
    EXPECT_TRUE(log.ok()) << log.status().ToString();
    return std::move(log).value();
  }
  static Entry Stored(int i) {
    return {EntryKind::kObjectStored,
            ObjectStored{"indicator--" + std::to_string(i), "v", "c", std::string(64, 'b'), "org-a",
                         Channel::kClient}};
  }
  void Sql(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << err;
    sqlite3_free(err);
    sqlite3_close(db);
  }

  std::filesystem::path dir_;
  std::string path_;
  FakeClock clock_{1764720000000000};
};

TEST_F(LogTest, AppendsProveAndResume) {
  auto log = Open();
  std::vector<Entry> batch;
  for (int i = 0; i < 37; ++i) batch.push_back(Stored(i));
  ASSERT_EQ(log->Append(batch).value(), 0u);
  ASSERT_EQ(log->Append(std::vector<Entry>{Stored(99)}).value(), 37u);
  ASSERT_EQ(log->Size(), 38u);
  Hash root = log->Root(38).value();
  auto entries = log->List({}).value();
  ASSERT_EQ(entries.size(), 38u);
  for (const auto& e : entries) {
    Hash leaf = HashLeaf(EncodeEntry(e).value());
    auto proof = log->InclusionProof(e.index, 38).value();
    EXPECT_TRUE(VerifyInclusion(e.index, 38, leaf, proof, root).ok()) << e.index;
  }
  for (uint64_t m = 1; m <= 38; ++m) {
    auto proof = log->ConsistencyProof(m, 38).value();
    EXPECT_TRUE(VerifyConsistency(m, 38, log->Root(m).value(), root, proof).ok()) << m;
  }
  log.reset();
  log = Open();
  EXPECT_EQ(log->Size(), 38u);
  EXPECT_EQ(log->Root(38).value(), root);
  ASSERT_EQ(log->Append(std::vector<Entry>{Stored(100)}).value(), 38u);
  EXPECT_TRUE(
      VerifyConsistency(38, 39, root, log->Root(39).value(), log->ConsistencyProof(38, 39).value())
          .ok());
}

TEST_F(LogTest, FiltersSelect) {
  auto log = Open();
  ASSERT_TRUE(log->Append(std::vector<Entry>{Stored(1), Stored(2)}).ok());
  clock_.Advance(10'000'000);
  ASSERT_TRUE(
      log->Append(std::vector<Entry>{Stored(1),
                                     {EntryKind::kPeerChange, Change{"peer-b", "create", "op"}}})
          .ok());
  EntryFilter f;
  f.subject = "indicator--1";
  EXPECT_EQ(log->List(f).value().size(), 2u);
  f = {};
  f.kind = EntryKind::kPeerChange;
  EXPECT_EQ(log->List(f).value().size(), 1u);
  f = {};
  f.since_us = clock_.NowMicros();
  EXPECT_EQ(log->List(f).value().size(), 2u);
  f.limit = 1;
  EXPECT_EQ(log->List(f).value().at(0).index, 2u);
  f = {};
  f.peer = "peer-b";
  EXPECT_EQ(log->List(f).value().size(), 1u);
  f = {};
  f.organisation = "org-a";
  EXPECT_EQ(log->List(f).value().size(), 3u);
  f.limit = 2;  // applies after the organisation is matched
  auto two = log->List(f).value();
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[1].index, 1u);
  f.organisation = "op";  // the actor of the peer change
  EXPECT_EQ(log->List(f).value().size(), 1u);
}

// A refused entry writes nothing of its batch (the caller then fails its write).
TEST_F(LogTest, ARefusedBatchWritesNothing) {
  auto log = Open();
  std::vector<Entry> batch = {
      Stored(1), {EntryKind::kTokenChange, Change{"tok_1", "create", "op", {{"t", NewToken()}}}}};
  EXPECT_EQ(log->Append(batch).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(log->Size(), 0u);
  EXPECT_TRUE(log->List({}).value().empty());
}

TEST_F(LogTest, AnUnwritableRecordFailsTheAppend) {
  auto log = Open();
  ASSERT_TRUE(log->Append(std::vector<Entry>{Stored(1)}).ok());
  // Another connection holds the write lock past the busy timeout: the append fails
  // with an error, and nothing is half-written.
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  auto r = log->Append(std::vector<Entry>{Stored(2)});
  EXPECT_FALSE(r.ok());
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  EXPECT_EQ(log->Size(), 1u);
  ASSERT_EQ(log->Append(std::vector<Entry>{Stored(3)}).value(), 1u);
  auto report = VerifyRecord(*log, std::nullopt).value();
  EXPECT_EQ(report.entries, 2u);
}

TEST_F(LogTest, SignedHeadsVerifyAndTamperingIsNamed) {
  auto log = Open();
  NodeKey key = NodeKey::Generate();
  std::vector<Entry> batch;
  for (int i = 0; i < 10; ++i) batch.push_back(Stored(i));
  ASSERT_TRUE(log->Append(batch).ok());
  SignedHead h1 = log->SignHead(key).value();
  EXPECT_EQ(h1.head.tree_size, 10u);
  EXPECT_TRUE(VerifyHeadSignature(h1, key.public_key()).ok());
  EXPECT_EQ(ParseSignedHead(FormatSignedHead(h1)).value(), h1);
  SignedHead h2 = log->SignHead(key).value();  // same clock: still strictly later
  EXPECT_GT(h2.head.timestamp_us, h1.head.timestamp_us);
  auto clean = VerifyRecord(*log, key.public_key()).value();
  EXPECT_TRUE(clean.failures.empty()) << clean.failures.at(0);
  EXPECT_EQ(clean.heads, 2u);
  // Another key may not sign this record's heads.
  EXPECT_EQ(log->SignHead(NodeKey::Generate()).status().code(), StatusCode::kPermissionDenied);

  Sql("UPDATE entries SET entry = replace(entry, 'org-a', 'org-x') WHERE idx = 4");
  auto report = VerifyRecord(*log, key.public_key()).value();
  ASSERT_GE(report.failures.size(), 2u);
  EXPECT_NE(report.failures[0].find("entry 4: its text does not hash"), std::string::npos)
      << report.failures[0];
  EXPECT_NE(report.failures.back().find("head #2 (tree size 10): its root"), std::string::npos)
      << report.failures.back();
  auto other = VerifyRecord(*log, NodeKey::Generate().public_key()).value();
  EXPECT_TRUE(std::any_of(other.failures.begin(), other.failures.end(), [](const auto& f) {
    return f.find("head #1 (tree size 10): signed by key") != std::string::npos &&
           f.find("(key swapped?)") != std::string::npos;
  }));
}

// Two writers of one file (`entente serve` and the CLI): each continues the other's tree.
TEST_F(LogTest, TwoWritersShareOneTree) {
  auto a = Open();
  auto b = Open();
  ASSERT_EQ(a->Append(std::vector<Entry>{Stored(1), Stored(2)}).value(), 0u);
  ASSERT_EQ(b->Append(std::vector<Entry>{Stored(3)}).value(), 2u);
  ASSERT_EQ(a->Append(std::vector<Entry>{Stored(4)}).value(), 3u);
  auto report = VerifyRecord(*a, std::nullopt).value();
  EXPECT_EQ(report.tree_size, 4u);
  EXPECT_EQ(report.failures.size(), 1u);  // only: no key to check heads against
  EXPECT_EQ(a->Root(4).value(), report.root);
}

// The recorders of recorder.h: into the log, nowhere, in memory; each refuses a secret.
TEST_F(LogTest, Recorders) {
  auto log = Open();
  LogRecorder to_log(*log);
  NullRecorder nowhere;
  testing::MemoryRecorder memory;
  std::vector<Entry> good = {Stored(1), Stored(2)};
  std::vector<Entry> secret = {
      {EntryKind::kTokenChange, Change{"tok_1", "create", "op", {{"t", NewToken()}}}}};
  for (Recorder* r : std::initializer_list<Recorder*>{&to_log, &nowhere, &memory}) {
    EXPECT_TRUE(r->Record(good).ok());
    EXPECT_EQ(r->Record(secret).code(), StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(log->Size(), 2u);
  EXPECT_EQ(memory.entries().size(), 2u);
  memory.FailWith(Status::IoError("disk full"));
  EXPECT_EQ(memory.Record(good).code(), StatusCode::kIoError);
  EXPECT_EQ(memory.entries().size(), 2u);
}

}  // namespace
}  // namespace entente::audit
