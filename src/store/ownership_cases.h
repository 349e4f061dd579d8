// Test cases of the Store contract for ownership (only an id's owner adds versions of
// it, STIX 2.1 §3.6; unversioned objects are kept one copy per owner) and for scans with
// a visibility filter (first/last are the oldest/newest version the filter accepts),
// shared by the SQLite store's tests and the in-memory test store's tests. Tests only.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/store.h"
#include "store/test_util.h"

namespace entente::store::testing {

inline NewObject OwnedBy(NewObject o, const std::string& owner, policy::Tlp tlp) {
  o.labels.owner_org = owner;
  o.labels.tlp = tlp;
  return o;
}

// "id@version/owner" of each row `query` visits, in order.
inline std::vector<std::string> ScanKeys(Store& store, const ObjectQuery& query) {
  std::vector<std::string> out;
  Status s = store.ScanObjects(query, [&](const ObjectRow& r) {
    out.push_back(std::string(r.id) + "@" + std::string(r.version) + "/" + r.labels.owner_org);
    return ScanAction::kContinue;
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

// Runs every ownership case on `store` (which must not hold collection "o-1").
inline void CheckOwnershipContract(Store& store) {
  using Keys = std::vector<std::string>;
  const auto kClear = policy::Tlp::kClear;
  const auto kRed = policy::Tlp::kRed;
  ASSERT_TRUE(store.PutCollection({"o-1", "cti", "T", "", policy::Tlp::kAmber, {}, {}}).ok());
  auto add = [&](NewObject o) {
    auto r = store.AddObjects("o-1", {std::move(o)});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() && r->size() == 1 ? (*r)[0] : AddResult{};
  };

  // A versioned id belongs to the organisation that stored it first.
  const AddResult x1 = add(OwnedBy(MakeObject("x--1", "v1", 1), "org-a", kClear));
  ASSERT_EQ(x1.outcome, AddOutcome::kAdded);
  for (const char* v : {"v2", "v1"}) {  // a new version, and the same version
    const AddResult r = add(OwnedBy(MakeObject("x--1", v, v[1] - '0'), "org-b", kClear));
    EXPECT_EQ(r.outcome, AddOutcome::kNotOwner) << v;
    EXPECT_EQ(r.date_added_us, 0) << "nothing about the stored version is told";
    EXPECT_TRUE(r.overridden_owner.empty());
  }
  EXPECT_EQ(add(OwnedBy(MakeObject("x--1", "v2", 2), "org-a", kClear)).outcome, AddOutcome::kAdded);
  const AddResult again = add(OwnedBy(MakeObject("x--1", "v1", 1), "org-a", kClear));
  EXPECT_EQ(again.outcome, AddOutcome::kDuplicate);
  EXPECT_EQ(again.date_added_us, x1.date_added_us);
  // An override stores the version as the owner's, and says whose it was.
  NewObject forced = OwnedBy(MakeObject("x--1", "v3", 3), "admin", kClear);
  forced.override_owner = true;
  const AddResult overridden = add(forced);
  EXPECT_EQ(overridden.outcome, AddOutcome::kAdded);
  EXPECT_EQ(overridden.overridden_owner, "org-a");
  ObjectQuery all;
  all.collection_id = "o-1";
  all.ids = {"x--1"};
  all.match_all = true;
  EXPECT_EQ(ScanKeys(store, all), (Keys{"x--1@v1/org-a", "x--1@v2/org-a", "x--1@v3/org-a"}));
  // The owner's own override is no override.
  forced = OwnedBy(MakeObject("x--1", "v4", 4), "org-a", kClear);
  forced.override_owner = true;
  EXPECT_TRUE(add(forced).overridden_owner.empty());

  // An unversioned object: one copy per owner, "already present" only for one's own.
  const AddResult ya = add(OwnedBy(MakeObject("y--1", "", 0, "ipv4-addr"), "org-a", kRed));
  const AddResult yb = add(OwnedBy(MakeObject("y--1", "", 0, "ipv4-addr"), "org-b", kClear));
  EXPECT_EQ(ya.outcome, AddOutcome::kAdded);
  EXPECT_EQ(yb.outcome, AddOutcome::kAdded);
  EXPECT_GT(yb.date_added_us, ya.date_added_us);
  const AddResult yb2 = add(OwnedBy(MakeObject("y--1", "", 0, "ipv4-addr"), "org-b", kClear));
  EXPECT_EQ(yb2.outcome, AddOutcome::kDuplicate);
  EXPECT_EQ(yb2.date_added_us, yb.date_added_us);
  // The copies are the versions, in date_added order.
  ObjectQuery y;
  y.collection_id = "o-1";
  y.ids = {"y--1"};
  EXPECT_EQ(ScanKeys(store, y), Keys{"y--1@/org-b"});
  y.match_last = false;
  y.match_first = true;
  EXPECT_EQ(ScanKeys(store, y), Keys{"y--1@/org-a"});
  // Deleting one owner's copy leaves the other's.
  EXPECT_EQ(*store.DeleteObject("o-1", "y--1", {""}, "org-b"), 1);
  y.match_all = true;
  EXPECT_EQ(ScanKeys(store, y), Keys{"y--1@/org-a"});

  // With a visibility filter, first/last are the oldest/newest version it accepts.
  add(OwnedBy(MakeObject("z--1", "v1", 1), "org-a", kRed));
  add(OwnedBy(MakeObject("z--1", "v2", 2), "org-a", kClear));
  add(OwnedBy(MakeObject("w--1", "v1", 1), "org-a", kClear));
  add(OwnedBy(MakeObject("z--1", "v3", 3), "org-a", kClear));
  add(OwnedBy(MakeObject("z--1", "v4", 4), "org-a", kRed));
  ObjectQuery z;
  z.collection_id = "o-1";
  z.types = {"indicator"};
  z.ids = {"z--1", "w--1"};
  EXPECT_EQ(ScanKeys(store, z), (Keys{"w--1@v1/org-a", "z--1@v4/org-a"}));
  z.visible = [](const policy::Labels& l) { return l.tlp != policy::Tlp::kRed; };
  EXPECT_EQ(ScanKeys(store, z), (Keys{"w--1@v1/org-a", "z--1@v3/org-a"}));
  z.match_last = false;
  z.match_first = true;
  EXPECT_EQ(ScanKeys(store, z), (Keys{"z--1@v2/org-a", "w--1@v1/org-a"}));
  z.match_last = true;
  EXPECT_EQ(ScanKeys(store, z), (Keys{"z--1@v2/org-a", "w--1@v1/org-a", "z--1@v3/org-a"}));
  z.match_first = z.match_last = false;
  z.version_us = {4, 2};  // an explicit version the filter refuses is absent
  EXPECT_EQ(ScanKeys(store, z), Keys{"z--1@v2/org-a"});
  z.version_us.clear();
  z.match_all = true;
  EXPECT_EQ(ScanKeys(store, z), (Keys{"z--1@v2/org-a", "w--1@v1/org-a", "z--1@v3/org-a"}));
  // Without ids, in date_added order through the whole collection.
  ObjectQuery every;
  every.collection_id = "o-1";
  every.visible = [](const policy::Labels& l) { return l.tlp != policy::Tlp::kRed; };
  EXPECT_EQ(ScanKeys(store, every), (Keys{"x--1@v4/org-a", "w--1@v1/org-a", "z--1@v3/org-a"}));
}

}  // namespace entente::store::testing
