// Test cases of the Store contract for tombstones (Store::ListTombstones), shared by
// the SQLite store's tests and the in-memory test store's tests. Tests only.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/store.h"
#include "store/test_util.h"

namespace entente::store::testing {

inline std::vector<std::string> TombstoneKeys(const std::vector<Tombstone>& ts) {
  std::vector<std::string> out;
  for (const auto& t : ts) out.push_back(t.id + "@" + t.version);
  return out;
}

// Runs every tombstone case on `store` (which must not hold collections "t-1" or
// "t-2"); `clock` is the store's clock.
inline void CheckTombstoneContract(Store& store, ManualClock& clock) {
  ASSERT_TRUE(store.PutCollection({"t-1", "cti", "T", "", policy::Tlp::kAmber, {}, {}}).ok());
  ASSERT_TRUE(store.PutCollection({"t-2", "cti", "T", "", policy::Tlp::kAmber, {}, {}}).ok());
  EXPECT_EQ(store.ListTombstones("nope", 0, 10).status().code(), StatusCode::kNotFound);
  auto none = store.ListTombstones("t-1", 0, 10);
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_TRUE(none->empty());

  ASSERT_TRUE(store
                  .AddObjects("t-1", {MakeObject("x--1", "v1", 1), MakeObject("x--1", "v2", 2),
                                      MakeObject("y--1", "", 0, "ipv4-addr")})
                  .ok());
  ASSERT_TRUE(store.AddObjects("t-2", {MakeObject("x--1", "v1", 1)}).ok());
  clock.Set(1'700'000'000'000'000 + 10);
  ASSERT_EQ(*store.DeleteObject("t-1", "x--1", {"v1"}, ""), 1);
  ASSERT_EQ(*store.DeleteObject("t-2", "x--1", {}, ""), 1);  // another collection
  ASSERT_EQ(*store.DeleteObject("t-1", "y--1", {}, ""), 1);  // a version-less SCO
  ASSERT_EQ(*store.DeleteObject("t-1", "z--1", {}, ""), 0);  // nothing there: no tombstone

  auto all = store.ListTombstones("t-1", 0, 10);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(TombstoneKeys(*all), (std::vector<std::string>{"x--1@v1", "y--1@"}));
  ASSERT_EQ(all->size(), 2u);
  EXPECT_LT((*all)[0].seq, (*all)[1].seq);
  EXPECT_EQ((*all)[0].deleted_at_us, 1'700'000'000'000'000 + 10);
  EXPECT_EQ(TombstoneKeys(*store.ListTombstones("t-2", 0, 10)),
            std::vector<std::string>{"x--1@v1"});

  // Resuming after a seq, and the limit.
  EXPECT_EQ(TombstoneKeys(*store.ListTombstones("t-1", 0, 1)), std::vector<std::string>{"x--1@v1"});
  EXPECT_EQ(TombstoneKeys(*store.ListTombstones("t-1", (*all)[0].seq, 10)),
            std::vector<std::string>{"y--1@"});
  EXPECT_TRUE(store.ListTombstones("t-1", (*all)[1].seq, 10)->empty());

  // Added again and deleted again: a second tombstone, after the others.
  ASSERT_TRUE(store.AddObjects("t-1", {MakeObject("x--1", "v1", 1)}).ok());
  ASSERT_EQ(*store.DeleteObject("t-1", "x--1", {}, ""), 2);  // v1 and v2
  auto later = store.ListTombstones("t-1", (*all)[1].seq, 10);
  ASSERT_TRUE(later.ok());
  std::vector<std::string> keys = TombstoneKeys(*later);
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(keys, (std::vector<std::string>{"x--1@v1", "x--1@v2"}));
  for (const auto& t : *later) EXPECT_GT(t.seq, (*all)[1].seq);
}

}  // namespace entente::store::testing
