// Test cases of the Store contract for the value index (NewObject::values,
// Store::ScanValueHolders), shared by the SQLite store's tests and the in-memory test
// store's tests. Tests only.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "store/store.h"
#include "store/test_util.h"

namespace entente::store::testing {

// "collection id type version value" of every holder of `values`, sorted.
inline std::vector<std::string> HoldersOf(Store& store, const std::vector<std::string>& values) {
  std::vector<std::string> out;
  Status s = store.ScanValueHolders(values, [&](const ValueHolder& h) {
    out.push_back(std::string(h.collection_id) + " " + std::string(h.id) + " " +
                  std::string(h.type) + " " + std::string(h.version) + " " + std::string(h.value));
    return ScanAction::kContinue;
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  std::sort(out.begin(), out.end());
  return out;
}

// Runs every value index case on `store` (which must not hold collections "v-1" or "v-2").
inline void CheckValueIndexContract(Store& store) {
  using Rows = std::vector<std::string>;
  ASSERT_TRUE(store.PutCollection({"v-1", "cti", "T", "", policy::Tlp::kAmber, {}, {}}).ok());
  ASSERT_TRUE(store.PutCollection({"v-2", "cti", "T", "", policy::Tlp::kAmber, {}, {}}).ok());
  NewObject a1 = MakeObject("indicator--a", "v1", 1);
  a1.values = {"192.0.2.1", "x.example"};
  NewObject a2 = MakeObject("indicator--a", "v2", 2);
  a2.values = {"x.example"};
  NewObject b = MakeObject("indicator--b", "v1", 1);
  b.values = {"192.0.2.1"};
  NewObject s = MakeObject("sighting--s", "v1", 1, "sighting");
  s.values = {"indicator--a"};
  ASSERT_TRUE(store.AddObjects("v-1", {a1, a2, s}).ok());
  ASSERT_TRUE(store.AddObjects("v-2", {b}).ok());
  // One row per (version, value); every collection; nothing for an unknown value.
  EXPECT_EQ(HoldersOf(store, {"192.0.2.1"}), (Rows{"v-1 indicator--a indicator v1 192.0.2.1",
                                                   "v-2 indicator--b indicator v1 192.0.2.1"}));
  EXPECT_EQ(
      HoldersOf(store, {"x.example", "indicator--a"}),
      (Rows{"v-1 indicator--a indicator v1 x.example", "v-1 indicator--a indicator v2 x.example",
            "v-1 sighting--s sighting v1 indicator--a"}));
  EXPECT_EQ(HoldersOf(store, {"nowhere.example"}), Rows{});
  EXPECT_EQ(HoldersOf(store, {}), Rows{});
  // A duplicate adds no row.
  ASSERT_TRUE(store.AddObjects("v-2", {b}).ok());
  EXPECT_EQ(HoldersOf(store, {"192.0.2.1"}).size(), 2u);
  // A deleted version's values go with it.
  ASSERT_TRUE(store.DeleteObject("v-1", "indicator--a", {"v1"}, "").ok());
  EXPECT_EQ(
      HoldersOf(store, {"192.0.2.1", "x.example"}),
      (Rows{"v-1 indicator--a indicator v2 x.example", "v-2 indicator--b indicator v1 192.0.2.1"}));
  // A visitor that stops is not called again.
  int calls = 0;
  ASSERT_TRUE(store
                  .ScanValueHolders({"192.0.2.1", "x.example"},
                                    [&](const ValueHolder&) {
                                      ++calls;
                                      return ScanAction::kStop;
                                    })
                  .ok());
  EXPECT_EQ(calls, 1);
}

}  // namespace entente::store::testing
