// Items of an objects-stored batch (stored_batch.h), their place in the record (log.h
// Append/BatchLeaves/FindStored) and what `log verify` (verify.h) says when they are
// edited underneath. Issue 16: "every object version stored (with the SHA-256 of its
// canonical JSON ...)" and "Changing, deleting, reordering or inserting any entry ... is
// detected by `log verify`".
#include "audit/stored_batch.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>

#include "audit/log.h"
#include "audit/node_key.h"
#include "audit/verify.h"
#include "common/env.h"

namespace entente::audit {
namespace {

// MTH written from RFC 9162 2.1.1 literally (split at the largest power of two below n),
// the independent path the items tree is checked against.
Hash LiteralMth(const std::vector<std::string>& d, size_t from, size_t to) {
  const size_t n = to - from;
  if (n == 0) return EmptyRoot();
  if (n == 1) return HashLeaf(d[from]);
  size_t k = 1;
  while (k * 2 < n) k *= 2;
  return HashChildren(LiteralMth(d, from, from + k), LiteralMth(d, from + k, to));
}

StoredItem Item(int n) {
  char id[64];
  std::snprintf(id, sizeof id, "indicator--00000000-0000-4000-8000-%012d", n);
  return {id, "2026-12-03T00:00:00.000Z", Sha256Hex(std::to_string(n))};
}

std::vector<std::string> Texts(int count) {
  std::vector<std::string> out;
  for (int i = 0; i < count; ++i) out.push_back(EncodeItem(Item(i)).value());
  return out;
}

std::vector<Hash> Leaves(const std::vector<std::string>& texts) {
  std::vector<Hash> out;
  for (const auto& t : texts) out.push_back(HashLeaf(t));
  return out;
}

TEST(StoredBatch, ItemsHaveOneEncoding) {
  const std::string text = EncodeItem(Item(7)).value();
  EXPECT_EQ(text, "{\"id\":\"indicator--00000000-0000-4000-8000-000000000007\",\"sha256\":\"" +
                      Sha256Hex("7") + "\",\"version\":\"2026-12-03T00:00:00.000Z\"}");
  auto back = ParseItem(text);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->object_id, Item(7).object_id);
  // Reordered members, spaces, another case of hex: each a different text, refused.
  EXPECT_FALSE(
      ParseItem("{\"sha256\":\"" + Sha256Hex("7") + "\",\"id\":\"x\",\"version\":\"\"}").ok());
  EXPECT_FALSE(ParseItem(text.substr(0, text.size() - 1) + " }").ok());
  StoredItem upper = Item(7);
  for (char& c : upper.sha256) c = static_cast<char>(std::toupper(c));
  EXPECT_FALSE(EncodeItem(upper).ok());
  StoredItem secret = Item(7);
  secret.object_id = "ent_" + std::string(43, 'A');
  EXPECT_FALSE(EncodeItem(secret).ok());
  // Text that needs escaping takes the general writer; both ways give RFC 8785 text.
  StoredItem odd = Item(7);
  odd.object_id = "x-\"quoted\"\n--é";
  auto odd_text = EncodeItem(odd);
  ASSERT_TRUE(odd_text.ok());
  EXPECT_NE(odd_text->find("\"id\":\"x-\\\"quoted\\\"\\n--é\""), std::string::npos) << *odd_text;
  EXPECT_EQ(ParseItem(*odd_text)->object_id, odd.object_id);
}

TEST(StoredBatch, RootAndProofsAgreeWithTheLiteralRfcForEverySize) {
  for (int n = 0; n <= 70; ++n) {
    const auto texts = Texts(n);
    const Hash root = ItemsRoot(texts);
    ASSERT_EQ(root, LiteralMth(texts, 0, texts.size())) << n;
    ASSERT_EQ(ItemsRoot(Leaves(texts)), root) << n;
    for (int i = 0; i < n; ++i) {
      auto proof = ItemProof(Leaves(texts), i);
      ASSERT_TRUE(proof.ok()) << n << " " << i;
      EXPECT_TRUE(VerifyInclusion(i, n, HashLeaf(texts[i]), *proof, root).ok()) << n << " " << i;
      // The same proof does not hold for a neighbour's place.
      if (n > 1) {
        EXPECT_FALSE(VerifyInclusion((i + 1) % n, n, HashLeaf(texts[i]), *proof, root).ok());
      }
    }
  }
  EXPECT_EQ(DecodeLeaves(EncodeLeaves(Leaves(Texts(5)))).value(), Leaves(Texts(5)));
  EXPECT_TRUE(DecodeLeaves("")->empty());
  EXPECT_EQ(DecodeLeaves(std::string(33, 'x')).status().code(), StatusCode::kCorruption);
}

TEST(StoredBatch, TheItemOfAStoredVersionIsMadeFromItsCanonicalForm) {
  // The digest is of the canonical text (RFC 8785): members sorted, no spaces, whatever
  // the stored text's layout.
  const std::string canonical = R"({"id":"x--1","type":"x","value":"a\nb"})";
  auto item = ItemOfStoredJson("x--1", "", R"({ "value": "a\nb", "type": "x", "id": "x--1" })");
  ASSERT_TRUE(item.ok());
  EXPECT_EQ(*item, EncodeItem({"x--1", "", Sha256Hex(canonical)}).value());
  EXPECT_EQ(ItemOfStoredJson("x--1", "", "[1]").status().code(), StatusCode::kInvalidArgument);
}

class StoredBatchLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("stored_batch_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "audit.db").string();
    LogOptions o;
    o.synchronous = "OFF";
    log_ = AuditLog::Open(path_, o).value();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // One batch of `n` items added to "col" at date_added from `first_us`, one µs apart.
  uint64_t AppendBatch(int from, int n, int64_t first_us) {
    ItemLeaves texts;
    for (int i = from; i < from + n; ++i) EXPECT_TRUE(texts.Add(Item(i)).ok());
    ObjectsStored b;
    b.collection = "col";
    b.submitter = "org-a";
    b.added_from_us = first_us;
    b.added_to_us = first_us + n - 1;
    std::vector<Entry> entries{{EntryKind::kObjectsStored, b}};
    std::vector<ItemLeaves> items{texts};
    auto at = log_->Append(entries, items);
    EXPECT_TRUE(at.ok()) << at.status().message();
    return at.ok() ? *at : 0;
  }

  void Sql(const std::string& statement) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db, statement.c_str(), nullptr, nullptr, &error), SQLITE_OK)
        << (error ? error : "");
    sqlite3_free(error);
    sqlite3_close(db);
  }

  std::filesystem::path dir_;
  std::string path_;
  std::unique_ptr<AuditLog> log_;
};

TEST_F(StoredBatchLogTest, AnEntryCommitsToTheItemsItCameWith) {
  auto texts = Texts(3);
  ObjectsStored b;
  b.collection = "col";
  b.count = 7;
  b.items_root = HashHex(ItemsRoot(Texts(2)));  // another batch's root: replaced
  std::vector<Entry> entries{{EntryKind::kObjectsStored, b}};
  EXPECT_EQ(log_->Append(entries).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(log_->Size(), 0u);
  ItemLeaves list;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(list.Add(Item(i)).ok());
  EXPECT_EQ(ItemsRoot(list.leaves()), ItemsRoot(texts));
  std::vector<ItemLeaves> items{list};
  ASSERT_TRUE(log_->Append(entries, items).ok());
  const auto stored = std::get<ObjectsStored>(log_->List({})->at(0).entry.body);
  EXPECT_EQ(stored.count, 3u);
  EXPECT_EQ(stored.items_root, HashHex(ItemsRoot(texts)));
  EXPECT_EQ(log_->BatchLeaves(0).value(), Leaves(texts)) << "the leaves are kept, not the texts";
}

TEST_F(StoredBatchLogTest, AVersionIsFoundByItsDateAddedWithAProof) {
  const uint64_t first = AppendBatch(0, 100, 1'000'000);
  const uint64_t second = AppendBatch(100, 100, 2'000'000);
  const uint64_t size = log_->Size();
  auto item = [](int n) { return EncodeItem(Item(n)).value(); };
  auto found = log_->FindStored("col", item(150), 2'000'050, size);
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].entry_index, second);
  EXPECT_EQ((*found)[0].item_index, 50u);
  auto stored = log_->List({});
  ASSERT_TRUE(stored.ok());
  const auto& body = std::get<ObjectsStored>((*stored)[1].entry.body);
  EXPECT_TRUE(VerifyInclusion(50, 100, HashLeaf((*found)[0].item), (*found)[0].proof,
                              HashFromHex(body.items_root).value())
                  .ok());
  // In the first batch's time range but not among its items; another collection; a
  // time no batch covers; a batch beyond the size asked about.
  EXPECT_EQ((*found)[0].item, item(150));
  // In the first batch's time range but not among its items; another collection; a
  // time no batch covers; a batch beyond the size asked about; the same id with another
  // digest (the stored version changed).
  EXPECT_TRUE(log_->FindStored("col", item(150), 1'000'050, size)->empty());
  EXPECT_TRUE(log_->FindStored("other", item(5), 1'000'005, size)->empty());
  EXPECT_TRUE(log_->FindStored("col", item(5), 3'000'000, size)->empty());
  EXPECT_TRUE(log_->FindStored("col", item(150), 2'000'050, second)->empty());
  StoredItem changed = Item(5);
  changed.sha256 = Sha256Hex("changed");
  EXPECT_TRUE(log_->FindStored("col", EncodeItem(changed).value(), 1'000'005, size)->empty());
  EXPECT_EQ(log_->FindStored("col", item(5), 1'000'005, size)->at(0).entry_index, first);
}

TEST_F(StoredBatchLogTest, LogVerifyNamesEditedLeaves) {
  AppendBatch(0, 10, 1'000'000);
  const uint64_t second = AppendBatch(10, 10, 2'000'000);
  const NodeKey key = NodeKey::Generate();
  ASSERT_TRUE(log_->SignHead(key).ok());
  {
    auto clean = VerifyRecord(*log_, key.public_key());
    ASSERT_TRUE(clean.ok()) << clean.status().message();
    for (const auto& f : clean->failures) ADD_FAILURE() << f;
  }

  auto failures = [&] {
    log_.reset();
    LogOptions o;
    o.synchronous = "OFF";
    log_ = AuditLog::Open(path_, o).value();
    auto report = VerifyRecord(*log_, key.public_key());
    EXPECT_TRUE(report.ok()) << report.status().message();
    std::string all = report.ok() ? "" : report.status().ToString();
    if (report.ok()) {
      for (const auto& f : report->failures) all += f + "\n";
    }
    return all;
  };
  const std::string at = "entry " + std::to_string(second) + ": ";
  // A leaf changed (one byte), two leaves swapped, a leaf dropped, or the leaves deleted.
  const std::string where = " WHERE idx = " + std::to_string(second);
  Sql("UPDATE batch_leaves SET leaves = substr(leaves, 1, 40) || x'00' || substr(leaves, 42)" +
      where);
  EXPECT_NE(failures().find(at + "its 10 kept item leaves do not hash"), std::string::npos);
  Sql("UPDATE batch_leaves SET leaves = (SELECT leaves FROM batch_leaves WHERE idx = 0)" + where);
  EXPECT_NE(failures().find(at + "its 10 kept item leaves do not hash"), std::string::npos)
      << "another batch's leaves";
  Sql("UPDATE batch_leaves SET leaves = substr(leaves, 33, 32) || substr(leaves, 1, 32) || "
      "substr(leaves, 65) WHERE idx = 0");
  EXPECT_NE(failures().find("entry 0: its 10 kept item leaves do not hash"), std::string::npos)
      << "reordered";
  Sql("UPDATE batch_leaves SET leaves = substr(leaves, 33)" + where);
  EXPECT_NE(failures().find(at + "it counts 10 items but 9 item leaves are kept"),
            std::string::npos);
  Sql("UPDATE batch_leaves SET leaves = substr(leaves, 2)" + where);
  EXPECT_NE(failures().find(at + "its item leaves: a batch's kept leaves are 287 bytes"),
            std::string::npos);
  Sql("DELETE FROM batch_leaves" + where);
  EXPECT_NE(failures().find(at + "its item leaves are missing"), std::string::npos);
}

// A record written before the leaves-only format kept the items' texts in stored_items:
// opening it keeps their leaves instead, and its proofs still hold.
TEST_F(StoredBatchLogTest, ARecordThatKeptItemTextsIsConverted) {
  const uint64_t first = AppendBatch(0, 5, 1'000'000);
  std::string joined;
  for (const auto& t : Texts(5)) joined += (joined.empty() ? "" : "\n") + t;
  log_.reset();
  Sql("CREATE TABLE stored_items(idx INTEGER PRIMARY KEY, collection TEXT NOT NULL, added_from "
      "INTEGER NOT NULL, added_to INTEGER NOT NULL, items BLOB NOT NULL)");
  Sql("DELETE FROM batch_leaves");
  Sql("INSERT INTO stored_items VALUES(" + std::to_string(first) + ", 'col', 1000000, 1000004, '" +
      joined + "')");
  LogOptions o;
  o.synchronous = "OFF";
  log_ = AuditLog::Open(path_, o).value();
  EXPECT_EQ(log_->BatchLeaves(first).value(), Leaves(Texts(5)));
  auto found = log_->FindStored("col", Texts(5)[3], 1'000'003, log_->Size());
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].item_index, 3u);
  const NodeKey key = NodeKey::Generate();
  ASSERT_TRUE(log_->SignHead(key).ok());
  auto report = VerifyRecord(*log_, key.public_key());
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->failures.empty());
}

}  // namespace
}  // namespace entente::audit
