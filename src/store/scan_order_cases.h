// Test cases of the Store contract for the order of ScanObjects (ObjectQuery::
// newest_first), shared by the SQLite store's tests and the in-memory test store's tests:
// newest first visits exactly the rows oldest first visits, in the reverse order, with
// every filter (type, added_after, visibility with match[version]=last). Tests only.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "store/store.h"
#include "store/test_util.h"

namespace entente::store::testing {

// "id version" of the rows `query` visits, in order.
inline std::vector<std::string> Visited(Store& store, const ObjectQuery& query) {
  std::vector<std::string> out;
  Status s = store.ScanObjects(query, [&](const ObjectRow& row) {
    out.push_back(std::string(row.id) + " " + std::string(row.version));
    return ScanAction::kContinue;
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

// Runs the cases on `store` (which must not hold a collection "o-1").
inline void CheckScanOrderContract(Store& store) {
  ASSERT_TRUE(store.PutCollection({"o-1", "cti", "O", "", policy::Tlp::kAmber, {}, {}}).ok());
  std::vector<NewObject> batch;
  for (int i = 0; i < 12; ++i) {
    const std::string type = i % 3 == 0 ? "sighting" : "indicator";
    NewObject o =
        MakeObject(type + "--" + std::to_string(i % 8), "v" + std::to_string(i), i + 1, type);
    o.labels.tlp = i % 4 == 1 ? policy::Tlp::kRed : policy::Tlp::kClear;
    batch.push_back(std::move(o));
  }
  ASSERT_TRUE(store.AddObjects("o-1", batch).ok());
  std::vector<std::string> all = Visited(store, [] {
    ObjectQuery q;
    q.collection_id = "o-1";
    q.match_all = true;
    return q;
  }());
  ASSERT_EQ(all.size(), 12u);
  int64_t third_added = 0;  // date_added of the third row
  {
    int n = 0;
    ObjectQuery q;
    q.collection_id = "o-1";
    q.match_all = true;
    ASSERT_TRUE(store
                    .ScanObjects(q,
                                 [&](const ObjectRow& row) {
                                   if (++n == 3) third_added = row.date_added_us;
                                   return ScanAction::kContinue;
                                 })
                    .ok());
  }
  policy::Requester reader;
  reader.org_id = "org-z";
  for (int variant = 0; variant < 4; ++variant) {
    ObjectQuery q;
    q.collection_id = "o-1";
    if (variant == 0) q.match_all = true;
    if (variant >= 1) q.types = {"sighting"};
    if (variant == 2) q.added_after_us = third_added;
    if (variant == 3) {
      q.types = {};
      q.visible = [&reader](const policy::Labels& l) { return policy::MayRead(reader, l); };
    }
    std::vector<std::string> forward = Visited(store, q);
    q.newest_first = true;
    std::vector<std::string> backward = Visited(store, q);
    std::reverse(backward.begin(), backward.end());
    EXPECT_EQ(backward, forward) << "variant " << variant;
    EXPECT_FALSE(forward.empty()) << "variant " << variant;
  }
}

}  // namespace entente::store::testing
