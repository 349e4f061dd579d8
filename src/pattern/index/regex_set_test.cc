#include "pattern/index/regex_set.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>
#include <vector>

namespace entente::pattern::index {
namespace {

std::vector<uint32_t> ScanAll(const RegexSet& s, std::string_view v) {
  std::vector<uint32_t> out;
  s.Scan(v, [&](uint32_t id) { out.push_back(id); });
  std::sort(out.begin(), out.end());
  return out;
}

TEST(RegexSetTest, MatchesManyExpressionsInOnePass) {
  std::vector<uint32_t> rejected;
  auto set = RegexSet::Build({{"^https?://[a-z]+\\.evil\\.", false, 1},
                              {"/gate\\.php$", false, 2},
                              {"a.b", false, 3},
                              {"a.b", true, 4}},
                             &rejected);
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_TRUE(rejected.empty());
  EXPECT_EQ(ScanAll(*set, "http://www.evil.example/gate.php"), (std::vector<uint32_t>{1, 2}));
  EXPECT_EQ(ScanAll(*set, "xx http://www.evil.example"), std::vector<uint32_t>{});
  EXPECT_EQ(ScanAll(*set, "a\nb"), std::vector<uint32_t>{4});
  EXPECT_EQ(ScanAll(*set, "axb"), (std::vector<uint32_t>{3, 4}));
}

TEST(RegexSetTest, FallsBackToRe2AndRejectsWhatNeitherCompiles) {
  std::vector<uint32_t> rejected;
  // Hyperscan rejects \b-free lookbehind-free but huge bounded repeats; RE2 accepts them.
  auto set = RegexSet::Build({{"^(ab){1,3000}c", false, 1},
                              {"(a)\\1", false, 2},  // backreference: neither engine
                              {"zz", false, 3}},
                             &rejected);
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(rejected, std::vector<uint32_t>{2});
  EXPECT_EQ(set->size(), 2u);
  EXPECT_EQ(ScanAll(*set, "ababc zz"), (std::vector<uint32_t>{1, 3}));
  EXPECT_EQ(ScanAll(*set, "aa"), std::vector<uint32_t>{});
}

TEST(RegexSetTest, LikeTranslationIsAnchoredAndLiteral) {
  auto re = LikeToRegex("%.exe");
  ASSERT_TRUE(re);
  auto re2 = LikeToRegex("a_c(1)%");
  ASSERT_TRUE(re2);
  std::vector<uint32_t> rejected;
  auto set = RegexSet::Build({{*re, true, 1}, {*re2, true, 2}}, &rejected);
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(ScanAll(*set, "evil.exe"), std::vector<uint32_t>{1});
  EXPECT_EQ(ScanAll(*set, "evilXexe"), std::vector<uint32_t>{});  // '.' is literal
  EXPECT_EQ(ScanAll(*set, "evil.exe.txt"), std::vector<uint32_t>{});
  EXPECT_EQ(ScanAll(*set, "evil.exe\n"), std::vector<uint32_t>{});  // no '$' leniency
  EXPECT_EQ(ScanAll(*set, "abc(1)\nrest"), std::vector<uint32_t>{2});
  EXPECT_EQ(ScanAll(*set, "abbc(1)"), std::vector<uint32_t>{});
  EXPECT_FALSE(LikeToRegex("caf\xc3\xa9_"));  // '_' over multi-byte text stays out
  EXPECT_TRUE(LikeToRegex("caf\xc3\xa9%"));
}

TEST(RegexSetTest, ScansConcurrentlyFromManyThreads) {
  std::vector<uint32_t> rejected;
  auto set = RegexSet::Build({{"evil", false, 1}, {"^x+$", false, 2}}, &rejected);
  ASSERT_TRUE(set.ok());
  std::vector<std::thread> threads;
  std::vector<int> hits(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) hits[t] += static_cast<int>(ScanAll(*set, "so evil").size());
    });
  }
  for (auto& th : threads) th.join();
  for (int h : hits) EXPECT_EQ(h, 2000);
}

}  // namespace
}  // namespace entente::pattern::index
