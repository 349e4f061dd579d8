#include "pattern/index/value_table.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace entente::pattern::index {
namespace {

std::vector<uint32_t> Lookup(const ValueTable& t, uint32_t field, std::string_view v) {
  std::vector<uint32_t> out;
  t.ForEach(field, v, [&](uint32_t i) { out.push_back(i); });
  return out;
}

TEST(ValueTableTest, FindsExactKeysOnly) {
  ValueTableBuilder b;
  b.Add(1, "evil.example", 7);
  b.Add(2, "evil.example", 8);  // same value, other field
  b.Add(1, "", 9);              // empty value is a key like any other
  ValueTable t;
  ASSERT_TRUE(b.Build(&t));
  EXPECT_EQ(t.key_count(), 3u);
  EXPECT_EQ(Lookup(t, 1, "evil.example"), std::vector<uint32_t>{7});
  EXPECT_EQ(Lookup(t, 2, "evil.example"), std::vector<uint32_t>{8});
  EXPECT_EQ(Lookup(t, 1, ""), std::vector<uint32_t>{9});
  EXPECT_TRUE(Lookup(t, 3, "evil.example").empty());
  EXPECT_TRUE(Lookup(t, 1, "evil.exampl").empty());
  EXPECT_TRUE(Lookup(t, 1, "EVIL.example").empty());
}

TEST(ValueTableTest, SharedKeysKeepDistinctSortedPostings) {
  ValueTableBuilder b;
  b.Add(1, "1.2.3.4", 30);
  b.Add(1, "1.2.3.4", 10);
  b.Add(1, "1.2.3.4", 30);  // same indicator twice (e.g. "a = x OR a = x")
  b.Add(1, "1.2.3.4", 20);
  ValueTable t;
  ASSERT_TRUE(b.Build(&t));
  EXPECT_EQ(Lookup(t, 1, "1.2.3.4"), (std::vector<uint32_t>{10, 20, 30}));
}

TEST(ValueTableTest, EmptyTableFindsNothing) {
  ValueTable t;
  EXPECT_TRUE(Lookup(t, 0, "x").empty());
  ValueTableBuilder b;
  ASSERT_TRUE(b.Build(&t));
  EXPECT_TRUE(Lookup(t, 0, "x").empty());
}

TEST(ValueTableTest, AgreesWithStdMapOnRandomKeys) {
  std::mt19937_64 rng(42);
  std::map<std::pair<uint32_t, std::string>, std::set<uint32_t>> want;
  ValueTableBuilder b;
  auto random_value = [&] {
    std::string s(rng() % 20, 'a');
    for (char& c : s) c = static_cast<char>('a' + rng() % 4);  // many collisions of prefixes
    return s;
  };
  for (uint32_t i = 0; i < 20000; ++i) {
    uint32_t field = rng() % 3;
    std::string v = random_value();
    b.Add(field, v, i % 5000);
    want[{field, v}].insert(i % 5000);
  }
  ValueTable t;
  ASSERT_TRUE(b.Build(&t));
  EXPECT_EQ(t.key_count(), want.size());
  for (const auto& [k, ids] : want) {
    auto got = Lookup(t, k.first, k.second);
    EXPECT_EQ(std::set<uint32_t>(got.begin(), got.end()), ids) << k.second;
    EXPECT_EQ(got.size(), ids.size());
  }
  for (int i = 0; i < 20000; ++i) {
    uint32_t field = rng() % 4;
    std::string v = random_value() + "z";
    EXPECT_TRUE(Lookup(t, field, v).empty());
  }
  // The staged lookup (control bytes, then tags, then keys) finds exactly the same,
  // present keys and absent ones alike.
  for (int i = 0; i < 40000; ++i) {
    uint32_t field = rng() % 4;
    std::string v = random_value() + (i % 2 ? "z" : "");
    uint64_t h = HashKey(field, v);
    uint32_t slot = t.FirstTagMatch(h, t.FirstMetaMatch(h));
    std::vector<uint32_t> staged;
    t.ForEachFrom(field, v, h, slot, [&](uint32_t n) { staged.push_back(n); });
    EXPECT_EQ(staged, Lookup(t, field, v)) << v;
  }
}

// Control bytes are scanned 16 at a time: tables smaller than one group, runs of
// occupied slots that wrap past the end of the table and runs longer than a group must
// answer as a plain map does, through both the direct and the staged lookup.
TEST(ValueTableTest, SmallFullAndWrappingTablesAgreeWithStdMap) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 300; ++round) {
    size_t n = 1 + rng() % 70;
    std::map<std::pair<uint32_t, std::string>, std::set<uint32_t>> want;
    ValueTableBuilder b;
    for (uint32_t i = 0; i < n; ++i) {
      uint32_t field = rng() % 2;
      std::string v = std::to_string(rng() % (2 * n));
      b.Add(field, v, i);
      want[{field, v}].insert(i);
    }
    ValueTable t;
    ASSERT_TRUE(b.Build(&t));
    for (uint32_t field = 0; field < 3; ++field) {
      for (size_t k = 0; k < 3 * n; ++k) {
        std::string v = std::to_string(k);
        auto it = want.find({field, v});
        std::vector<uint32_t> expect;
        if (it != want.end()) expect.assign(it->second.begin(), it->second.end());
        ASSERT_EQ(Lookup(t, field, v), expect) << n << " " << v;
        uint64_t h = HashKey(field, v);
        std::vector<uint32_t> staged;
        t.ForEachFrom(field, v, h, t.FirstTagMatch(h, t.FirstMetaMatch(h)),
                      [&](uint32_t x) { staged.push_back(x); });
        ASSERT_EQ(staged, expect) << n << " " << v;
      }
    }
  }
}

TEST(ValueTableTest, SameBytesIsStringEquality) {
  std::mt19937_64 rng(3);
  for (int i = 0; i < 20000; ++i) {
    std::string a(rng() % 40, 'x');
    for (char& c : a) c = static_cast<char>(rng() % 3);
    std::string b = a;
    if (rng() % 2 && !b.empty()) b[rng() % b.size()] ^= static_cast<char>(1 + rng() % 2);
    if (rng() % 8 == 0) b.push_back('\0');
    ASSERT_EQ(SameBytes(a, b), a == b) << a.size();
  }
}

TEST(ValueTableTest, HashDependsOnFieldAndEveryByte) {
  EXPECT_NE(HashKey(1, "abc"), HashKey(2, "abc"));
  std::string s(40, 'x');
  uint64_t h = HashKey(0, s);
  for (size_t i = 0; i < s.size(); ++i) {
    std::string t = s;
    t[i] = 'y';
    EXPECT_NE(HashKey(0, t), h) << i;
  }
}

}  // namespace
}  // namespace entente::pattern::index
