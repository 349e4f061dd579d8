// The in-memory test store keeps the Store contract for tombstones, and a deleted
// version can be added again.
#include "taxii/testing/memory_store.h"

#include <gtest/gtest.h>

#include "store/ownership_cases.h"
#include "store/scan_order_cases.h"
#include "store/test_util.h"
#include "store/tombstone_cases.h"
#include "store/value_index_cases.h"

namespace entente::taxii::testing {
namespace {

TEST(MemoryStoreTest, TombstoneContract) {
  store::testing::ManualClock clock;
  MemoryStore s(clock);
  store::testing::CheckTombstoneContract(s, clock);
}

TEST(MemoryStoreTest, ValueIndexContract) {
  MemoryStore s;
  store::testing::CheckValueIndexContract(s);
}

TEST(MemoryStoreTest, ScanOrderContract) {
  MemoryStore s;
  store::testing::CheckScanOrderContract(s);
}

TEST(MemoryStoreTest, OwnershipContract) {
  MemoryStore s;
  store::testing::CheckOwnershipContract(s);
}

TEST(MemoryStoreTest, DeletedVersionCanBeAddedAgainAndLastIsRecomputed) {
  MemoryStore s;
  ASSERT_TRUE(s.PutCollection({"c", "cti", "C", "", policy::Tlp::kAmber, {}, {}}).ok());
  ASSERT_TRUE(s.AddObjects("c", {store::testing::MakeObject("x--1", "v1", 1),
                                 store::testing::MakeObject("x--1", "v2", 2)})
                  .ok());
  ASSERT_EQ(*s.DeleteObject("c", "x--1", {"v2"}, ""), 1);
  store::ObjectQuery last;
  last.collection_id = "c";
  std::vector<std::string> seen;
  ASSERT_TRUE(s.ScanObjects(last, [&](const store::ObjectRow& r) {
                 seen.emplace_back(r.version);
                 return store::ScanAction::kContinue;
               }).ok());
  EXPECT_EQ(seen, std::vector<std::string>{"v1"});  // v1 is the last version now
  auto again = s.AddObjects("c", {store::testing::MakeObject("x--1", "v2", 2)});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)[0].outcome, store::AddOutcome::kAdded);
}

}  // namespace
}  // namespace entente::taxii::testing
