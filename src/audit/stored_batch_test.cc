// Items of an objects-stored batch (stored_batch.h), their place in the record (log.h
// Append/StoredItems/FindStored) and what `log verify` (verify.h) says when they are
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
    for (int i = 0; i < n; ++i) {
      auto proof = ItemProof(texts, i);
      ASSERT_TRUE(proof.ok()) << n << " " << i;
      EXPECT_TRUE(VerifyInclusion(i, n, HashLeaf(texts[i]), *proof, root).ok()) << n << " " << i;
      // The same proof does not hold for a neighbour's place.
      if (n > 1) {
        EXPECT_FALSE(VerifyInclusion((i + 1) % n, n, HashLeaf(texts[i]), *proof, root).ok());
      }
    }
  }
  EXPECT_EQ(SplitItems(JoinItems(Texts(5))), Texts(5));
  EXPECT_TRUE(SplitItems("").empty());
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
    ItemList texts;
    for (int i = from; i < from + n; ++i) EXPECT_TRUE(texts.Add(Item(i)).ok());
    ObjectsStored b;
    b.collection = "col";
    b.submitter = "org-a";
    b.added_from_us = first_us;
    b.added_to_us = first_us + n - 1;
    std::vector<Entry> entries{{EntryKind::kObjectsStored, b}};
    std::vector<ItemList> items{texts};
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
  ItemList list;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(list.Add(Item(i)).ok());
  EXPECT_EQ(ItemsRoot(list), ItemsRoot(texts));
  EXPECT_EQ(list.joined(), JoinItems(texts));
  std::vector<ItemList> items{list};
  ASSERT_TRUE(log_->Append(entries, items).ok());
  const auto stored = std::get<ObjectsStored>(log_->List({})->at(0).entry.body);
  EXPECT_EQ(stored.count, 3u);
  EXPECT_EQ(stored.items_root, HashHex(ItemsRoot(texts)));
  EXPECT_EQ(log_->StoredItems(0).value(), texts);
}

TEST_F(StoredBatchLogTest, AVersionIsFoundByItsDateAddedWithAProof) {
  const uint64_t first = AppendBatch(0, 100, 1'000'000);
  const uint64_t second = AppendBatch(100, 100, 2'000'000);
  const uint64_t size = log_->Size();
  auto found = log_->FindStored("col", Item(150).object_id, 2'000'050, size);
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
  EXPECT_TRUE(log_->FindStored("col", Item(150).object_id, 1'000'050, size)->empty());
  EXPECT_TRUE(log_->FindStored("other", Item(5).object_id, 1'000'005, size)->empty());
  EXPECT_TRUE(log_->FindStored("col", Item(5).object_id, 3'000'000, size)->empty());
  EXPECT_TRUE(log_->FindStored("col", Item(150).object_id, 2'000'050, second)->empty());
  EXPECT_EQ(log_->FindStored("col", Item(5).object_id, 1'000'005, size)->at(0).entry_index, first);
}

TEST_F(StoredBatchLogTest, LogVerifyNamesEditedItems) {
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
  // An item changed (another digest), dropped, or the items deleted.
  Sql("UPDATE stored_items SET items = replace(items, '" + Sha256Hex("12") + "', '" +
      Sha256Hex("x") + "') WHERE idx = " + std::to_string(second));
  EXPECT_NE(failures().find(at + "its 10 stored items do not hash"), std::string::npos);
  Sql("UPDATE stored_items SET items = substr(items, 1, instr(items, char(10)) - 1) WHERE idx "
      "= " +
      std::to_string(second));
  EXPECT_NE(failures().find(at + "its 1 stored items do not hash"), std::string::npos);
  Sql("DELETE FROM stored_items WHERE idx = " + std::to_string(second));
  EXPECT_NE(failures().find(at + "its items are missing"), std::string::npos);
}

}  // namespace
}  // namespace entente::audit
