// The record told by the store (admission/record.h): issue 16, "Everything that matters is
// recorded ... every object version stored (with the SHA-256 of its canonical JSON, who
// submitted it and how — client, peer, sensor)" and "The log never blocks the node: if it
// cannot be written, the write that triggered it fails cleanly rather than going
// unrecorded."
#include "admission/record.h"

#include <gtest/gtest.h>

#include <sqlite3.h>
#include <map>

#include <boost/json.hpp>
#include <memory>
#include <string>
#include <vector>

#include "audit/stored_batch.h"
#include "common/env.h"
#include "stix/deterministic_id.h"
#include "store/test_util.h"
#include "store/write_observer.h"

namespace entente::admission {
namespace {

using store::testing::TempDir;

boost::json::object Indicator(int n, const std::string& modified = "2024-01-02T00:00:00.000Z",
                              const std::string& extra = "") {
  char id[64];
  std::snprintf(id, sizeof id, "indicator--44444444-4444-4444-8444-%012d", n);
  std::string text = R"({"type":"indicator","spec_version":"2.1","id":")" + std::string(id) +
                     R"(","created":"2024-01-01T00:00:00.000Z","modified":")" + modified +
                     R"(","pattern":"[ipv4-addr:value = '10.0.0.)" + std::to_string(n % 250) +
                     R"(']","pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z")" + extra +
                     "}";
  return boost::json::parse(text).as_object();
}

// A node's store with its record beside it, as `entente` opens them (cli/node_util.cc).
struct Node {
  explicit Node(int busy_timeout_ms = 5000) {
    audit::LogOptions log_options;
    log_options.synchronous = "OFF";
    log_options.busy_timeout_ms = busy_timeout_ms;
    auto log = audit::AuditLog::Open(dir.File("audit.db"), log_options);
    EXPECT_TRUE(log.ok()) << log.status().message();
    record = std::move(log).value();
    store::SqliteOptions options;
    options.create_if_missing = true;
    options.synchronous = "OFF";
    options.observer = std::make_shared<StoreRecorder>(record);
    auto opened = store::OpenSqliteStore(dir.File("entente.db"), options);
    EXPECT_TRUE(opened.ok()) << opened.status().message();
    db = std::move(opened).value();
    collection.id = "11111111-2222-4333-8444-555555555555";
    collection.api_root = "cti";
    collection.default_tlp = policy::Tlp::kAmber;
    collection.readers = collection.writers = {"org-a"};
    EXPECT_TRUE(db->PutApiRoot({"cti", "t", "", 1 << 20}).ok());
    EXPECT_TRUE(db->PutCollection(collection).ok());
  }

  std::vector<store::NewObject> Admit(const Submitter& who, const std::vector<int>& numbers) {
    Admission admission(collection, who, {});
    std::vector<store::NewObject> out;
    for (int n : numbers) {
      store::NewObject o;
      auto refusal = admission.Admit(Indicator(n), &o);
      EXPECT_FALSE(refusal.has_value()) << refusal->Describe();
      out.push_back(std::move(o));
    }
    return out;
  }

  std::vector<audit::RecordedEntry> Entries(audit::EntryKind kind) {
    audit::EntryFilter f;
    f.kind = kind;
    auto listed = record->List(f);
    EXPECT_TRUE(listed.ok()) << listed.status().message();
    return listed.ok() ? *listed : std::vector<audit::RecordedEntry>{};
  }

  // The items of the objects-stored entries, in entry and item order: each kept leaf
  // matched with the item made again from a stored version of the entry's collection
  // added in its time range (audit::ItemOfStoredJson, as `evidence export` makes it). A
  // leaf that no stored version hashes to is a test failure.
  std::vector<audit::StoredItem> Items() {
    std::vector<audit::StoredItem> out;
    for (const auto& e : Entries(audit::EntryKind::kObjectsStored)) {
      const auto& batch = std::get<audit::ObjectsStored>(e.entry.body);
      auto leaves = record->BatchLeaves(e.index);
      EXPECT_TRUE(leaves.ok()) << leaves.status().message();
      if (!leaves.ok()) continue;
      std::map<audit::Hash, std::string> stored;  // leaf -> item text
      store::ObjectQuery q;
      q.collection_id = batch.collection;
      q.added_after_us = batch.added_from_us - 1;
      q.match_last = false;
      q.match_all = true;
      EXPECT_TRUE(db->ScanObjects(q, [&](const store::ObjectRow& row) {
                      if (row.date_added_us > batch.added_to_us) return store::ScanAction::kStop;
                      auto item = audit::ItemOfStoredJson(row.id, row.version, row.json);
                      EXPECT_TRUE(item.ok()) << item.status().message();
                      if (item.ok()) stored.emplace(audit::HashLeaf(*item), *item);
                      return store::ScanAction::kContinue;
                    }).ok());
      for (const audit::Hash& leaf : *leaves) {
        auto it = stored.find(leaf);
        if (it == stored.end()) {
          ADD_FAILURE() << "entry " << e.index << ": a kept leaf no stored version hashes to";
          continue;
        }
        auto item = audit::ParseItem(it->second);
        EXPECT_TRUE(item.ok()) << item.status().message();
        if (item.ok()) out.push_back(*item);
      }
    }
    return out;
  }

  int64_t Count() {
    auto n = db->CountObjects(collection.id);
    EXPECT_TRUE(n.ok());
    return n.ok() ? *n : -1;
  }

  TempDir dir;
  std::shared_ptr<audit::AuditLog> record;
  std::unique_ptr<store::Store> db;
  store::Collection collection;
};

Submitter Client(const std::string& org) {
  Submitter s;
  s.channel = Channel::kClient;
  s.org_id = org;
  return s;
}

TEST(StoreRecorder, EachVersionAddedIsRecordedWithItsHashSubmitterAndChannel) {
  Node node;
  std::vector<store::NewObject> objects = node.Admit(Client("org-a"), {1, 2, 3});
  auto added = node.db->AddObjects(node.collection.id, objects);
  ASSERT_TRUE(added.ok()) << added.status().message();
  // One batch, one entry: its items name each version with the SHA-256 of its canonical
  // JSON (computed independently here: parse the stored text, RFC 8785 form, hash).
  auto batches = node.Entries(audit::EntryKind::kObjectsStored);
  ASSERT_EQ(batches.size(), 1u);
  const auto& body = std::get<audit::ObjectsStored>(batches[0].entry.body);
  EXPECT_EQ(body.collection, node.collection.id);
  EXPECT_EQ(body.submitter, "org-a");
  EXPECT_EQ(body.channel, audit::Channel::kClient);
  EXPECT_EQ(body.count, 3u);
  EXPECT_EQ(body.added_from_us, (*added)[0].date_added_us);
  EXPECT_EQ(body.added_to_us, (*added)[2].date_added_us);
  auto items = node.Items();
  ASSERT_EQ(items.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(items[i].object_id, objects[i].id);
    EXPECT_EQ(items[i].version, "2024-01-02T00:00:00.000Z");
    EXPECT_EQ(items[i].sha256, Sha256Hex(stix::CanonicalJson(boost::json::parse(objects[i].json))));
  }
  // The record finds each version's item by the store's date_added, with a proof to the
  // entry's items_root.
  auto found = node.record->FindStored(
      node.collection.id,
      audit::EncodeItem({objects[1].id, objects[1].version, objects[1].sha256}).value(),
      (*added)[1].date_added_us, node.record->Size());
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].entry_index, batches[0].index);
  EXPECT_EQ((*found)[0].item_index, 1u);
  auto root = audit::HashFromHex(body.items_root);
  ASSERT_TRUE(root.ok());
  EXPECT_TRUE(
      audit::VerifyInclusion(1, 3, audit::HashLeaf((*found)[0].item), (*found)[0].proof, *root)
          .ok());
}

// PrepareRecordItem writes the item of an admitted version directly; its leaf is the
// leaf of EncodeItem's text (the one encoding), for admitted objects and for odd ids,
// and a text that may hold a token secret gets no leaf (the recorder then refuses it).
TEST(PrepareRecordItem, TheLeafIsThatOfTheOneEncoding) {
  Node node;
  for (const store::NewObject& o : node.Admit(Client("org-a"), {1, 2, 3})) {
    ASSERT_EQ(o.record_leaf.size(), 32u);
    const audit::Hash leaf =
        audit::HashLeaf(audit::EncodeItem({o.id, o.version, o.sha256}).value());
    EXPECT_EQ(o.record_leaf, std::string(reinterpret_cast<const char*>(leaf.data()), 32));
  }
  store::NewObject odd;
  odd.id = "x_odd--\"quoted\"";
  odd.version = "";
  odd.json = "{}";
  PrepareRecordItem(&odd);
  const audit::Hash leaf =
      audit::HashLeaf(audit::EncodeItem({odd.id, odd.version, odd.sha256}).value());
  EXPECT_EQ(odd.record_leaf, std::string(reinterpret_cast<const char*>(leaf.data()), 32));
  store::NewObject secret;
  secret.id = "ent_" + std::string(43, 'A');
  secret.json = "{}";
  PrepareRecordItem(&secret);
  EXPECT_TRUE(secret.record_leaf.empty());
}

// A version that did not come through admission (no digest given) is hashed by the
// recorder from the stored text, to the same value.
TEST(StoreRecorder, AVersionWithoutAdmissionsDigestIsHashedFromItsText) {
  Node node;
  std::vector<store::NewObject> objects = node.Admit(Client("org-a"), {4});
  const std::string expected = objects[0].sha256;
  objects[0].sha256.clear();
  ASSERT_TRUE(node.db->AddObjects(node.collection.id, objects).ok());
  auto items = node.Items();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].sha256, expected);
}

TEST(StoreRecorder, DuplicatesAreNotRecordedAgainAndOneAppendServesABatch) {
  Node node;
  ASSERT_TRUE(node.db->AddObjects(node.collection.id, node.Admit(Client("org-a"), {1, 2})).ok());
  const uint64_t before = node.record->Size();
  // 1 and 2 are held already: only 3 is new.
  auto again = node.db->AddObjects(node.collection.id, node.Admit(Client("org-a"), {1, 2, 3}));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)[0].outcome, store::AddOutcome::kDuplicate);
  EXPECT_EQ(node.record->Size(), before + 1);
  auto batches = node.Entries(audit::EntryKind::kObjectsStored);
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_EQ(batches.back().index, before);
  EXPECT_EQ(std::get<audit::ObjectsStored>(batches.back().entry.body).count, 1u);
  auto items = node.Items();
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items.back().object_id, "indicator--44444444-4444-4444-8444-000000000003");
}

TEST(StoreRecorder, PeerAndSensorChannelsAreNamed) {
  Node node;
  Submitter peer;
  peer.channel = Channel::kPeer;
  peer.peer = policy::IngressPeer{"de-cert", "", {}};
  Submitter sensor;
  sensor.channel = Channel::kOperator;
  sensor.org_id = "org-a";
  sensor.sensor = true;
  Submitter local;
  local.channel = Channel::kOperator;
  local.org_id = "org-a";
  ASSERT_TRUE(node.db->AddObjects(node.collection.id, node.Admit(peer, {1})).ok());
  ASSERT_TRUE(node.db->AddObjects(node.collection.id, node.Admit(sensor, {2})).ok());
  ASSERT_TRUE(node.db->AddObjects(node.collection.id, node.Admit(local, {3})).ok());
  auto stored = node.Entries(audit::EntryKind::kObjectsStored);
  ASSERT_EQ(stored.size(), 3u);
  const auto& a = std::get<audit::ObjectsStored>(stored[0].entry.body);
  const auto& b = std::get<audit::ObjectsStored>(stored[1].entry.body);
  const auto& c = std::get<audit::ObjectsStored>(stored[2].entry.body);
  EXPECT_EQ(a.channel, audit::Channel::kPeer);
  EXPECT_EQ(a.submitter, "de-cert");
  EXPECT_EQ(b.channel, audit::Channel::kSensor);
  EXPECT_EQ(c.channel, audit::Channel::kLocal);
  EXPECT_EQ(c.submitter, "org-a");
}

// Versions of one batch from different submitters: one entry each.
TEST(StoreRecorder, ABatchOfTwoSubmittersIsTwoEntries) {
  Node node;
  Submitter peer;
  peer.channel = Channel::kPeer;
  peer.peer = policy::IngressPeer{"de-cert", "", {}};
  auto objects = node.Admit(Client("org-a"), {1, 2});
  auto more = node.Admit(peer, {3});
  objects.push_back(std::move(more[0]));
  ASSERT_TRUE(node.db->AddObjects(node.collection.id, objects).ok());
  auto stored = node.Entries(audit::EntryKind::kObjectsStored);
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(std::get<audit::ObjectsStored>(stored[0].entry.body).count, 2u);
  EXPECT_EQ(std::get<audit::ObjectsStored>(stored[1].entry.body).submitter, "de-cert");
}

TEST(StoreRecorder, BulkAddsAreRecordedToo) {
  Node node;
  auto bulk = node.db->BeginBulkAdd(node.collection.id);
  ASSERT_TRUE(bulk.ok());
  ASSERT_TRUE((*bulk)->Add(node.Admit(Client("org-a"), {1, 2})).ok());
  ASSERT_TRUE((*bulk)->Add(node.Admit(Client("org-a"), {3})).ok());
  ASSERT_TRUE((*bulk)->Commit().ok());
  // One entry per Add (the store tells the observer of each), all committed together.
  EXPECT_EQ(node.Entries(audit::EntryKind::kObjectsStored).size(), 2u);
  EXPECT_EQ(node.Items().size(), 3u);
  EXPECT_EQ(node.Count(), 3);
}

TEST(StoreRecorder, DeletionsAreRecordedByWhomTheWriteActsFor) {
  Node node;
  auto objects = node.Admit(Client("org-a"), {1});
  ASSERT_TRUE(node.db->AddObjects(node.collection.id, objects).ok());
  {
    store::ActingFor acting("org-b");
    auto n = node.db->DeleteObject(node.collection.id, objects[0].id, {}, "org-a");
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(*n, 1);
  }
  auto deleted = node.Entries(audit::EntryKind::kDeletion);
  ASSERT_EQ(deleted.size(), 1u);
  const auto& d = std::get<audit::Deletion>(deleted[0].entry.body);
  EXPECT_EQ(d.object_id, objects[0].id);
  EXPECT_EQ(d.version, objects[0].version);
  EXPECT_EQ(d.by, "org-b");
  EXPECT_EQ(d.reason, "owned by org-a");
  // Outside any scope the writes are the operator's.
  ASSERT_TRUE(node.db->DeleteCollection(node.collection.id).ok());
  auto grants = node.Entries(audit::EntryKind::kGrantChange);
  ASSERT_FALSE(grants.empty());
  const auto& last = std::get<audit::Change>(grants.back().entry.body);
  EXPECT_EQ(last.action, "delete");
  EXPECT_EQ(last.by, "operator");
}

TEST(StoreRecorder, TokensAreRecordedByTheirIdNeverTheirSecretOrItsHash) {
  Node node;
  const std::string secret = NewToken();
  const std::string hash = Sha256Hex(secret);
  store::TokenInfo info;
  info.token_id = "tok_0badf00d";
  info.org_id = "org-a";
  info.label = "ci";
  ASSERT_TRUE(node.db->AddToken(info, hash).ok());
  ASSERT_TRUE(node.db->RevokeToken("tok_0badf00d").ok());
  auto tokens = node.Entries(audit::EntryKind::kTokenChange);
  ASSERT_EQ(tokens.size(), 2u);
  EXPECT_EQ(std::get<audit::Change>(tokens[0].entry.body).subject, "tok_0badf00d");
  EXPECT_EQ(std::get<audit::Change>(tokens[1].entry.body).action, "revoke");
  auto raw = node.record->RawEntries(0, 1000);
  ASSERT_TRUE(raw.ok());
  for (const auto& e : *raw) {
    EXPECT_EQ(e.text.find(secret), std::string::npos);
    EXPECT_EQ(e.text.find(hash), std::string::npos);
  }
}

// A record another writer holds locked: the append times out, the store's write fails and
// the store is left as it was.
TEST(StoreRecorder, AStoreWriteFailsAndRollsBackWhenTheRecordCannotBeWritten) {
  Node node(/*busy_timeout_ms=*/50);
  ASSERT_TRUE(node.db->AddObjects(node.collection.id, node.Admit(Client("org-a"), {1})).ok());
  const uint64_t size = node.record->Size();
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(node.dir.File("audit.db").c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);

  auto added = node.db->AddObjects(node.collection.id, node.Admit(Client("org-a"), {2, 3}));
  EXPECT_FALSE(added.ok());
  EXPECT_EQ(added.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(added.status().message().find("record"), std::string::npos);
  EXPECT_EQ(node.Count(), 1);

  auto bulk = node.db->BeginBulkAdd(node.collection.id);
  ASSERT_TRUE(bulk.ok());
  EXPECT_FALSE((*bulk)->Add(node.Admit(Client("org-a"), {4})).ok());
  EXPECT_TRUE((*bulk)->Commit().ok());  // nothing left to commit
  EXPECT_EQ(node.Count(), 1);

  auto objects = node.Admit(Client("org-a"), {1});
  EXPECT_FALSE(node.db->DeleteObject(node.collection.id, objects[0].id, {}, "").ok());
  EXPECT_EQ(node.Count(), 1);
  store::TokenInfo info{"tok_00000001", "org-a", "", "", 0};
  EXPECT_FALSE(node.db->AddToken(info, Sha256Hex("x")).ok());
  auto tokens = node.db->ListTokens("");
  ASSERT_TRUE(tokens.ok());
  EXPECT_TRUE(tokens->empty());

  ASSERT_EQ(sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(other);
  EXPECT_EQ(node.record->Size(), size);
  // Once the record can be written again, so can the store.
  ASSERT_TRUE(node.db->AddObjects(node.collection.id, node.Admit(Client("org-a"), {2})).ok());
  EXPECT_EQ(node.Count(), 2);
  EXPECT_EQ(node.record->Size(), size + 1);
}

// Two processes append to one record (a CLI command beside `entente serve`): each
// continues from the stored tree rather than from what it last wrote itself.
TEST(StoreRecorder, TwoLogsOnOneFileKeepOneTree) {
  TempDir dir;
  auto a = audit::AuditLog::Open(dir.File("audit.db"));
  auto b = audit::AuditLog::Open(dir.File("audit.db"));
  ASSERT_TRUE(a.ok() && b.ok());
  audit::Entry e{audit::EntryKind::kCaseEvent, audit::ActivityEvent{"case-1", "opened", "x", {}}};
  ASSERT_TRUE((*a)->Append({&e, 1}).ok());
  auto at = (*b)->Append({&e, 1});
  ASSERT_TRUE(at.ok()) << at.status().message();
  EXPECT_EQ(*at, 1u);
  auto again = (*a)->Append({&e, 1});
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(*again, 2u);
  auto reopened = audit::AuditLog::Open(dir.File("audit.db"));
  ASSERT_TRUE(reopened.ok()) << reopened.status().message();
  EXPECT_EQ((*reopened)->Size(), 3u);
}

}  // namespace
}  // namespace entente::admission
