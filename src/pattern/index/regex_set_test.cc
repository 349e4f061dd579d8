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

RegexSpec Spec(std::string expr, uint32_t id, bool dot_all = false, bool exact = false) {
  RegexSpec s;
  s.expression = std::move(expr);
  s.id = id;
  s.dot_all = dot_all;
  s.exact_re2 = exact;
  return s;
}

TEST(RegexSetTest, MatchesManyExpressionsInOnePass) {
  std::vector<uint32_t> rejected;
  auto set = RegexSet::Build({Spec("^https?://[a-z]+\\.evil\\.", 1), Spec("/gate\\.php$", 2),
                              Spec("a.b", 3), Spec("a.b", 4, /*dot_all=*/true)},
                             &rejected);
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_TRUE(rejected.empty());
  EXPECT_EQ(ScanAll(*set, "http://www.evil.example/gate.php"), (std::vector<uint32_t>{1, 2}));
  EXPECT_EQ(ScanAll(*set, "xx http://www.evil.example"), std::vector<uint32_t>{});
  EXPECT_EQ(ScanAll(*set, "a\nb"), std::vector<uint32_t>{4});
  EXPECT_EQ(ScanAll(*set, "axb"), (std::vector<uint32_t>{3, 4}));
  EXPECT_EQ(ScanAll(*set,
                    "a\xc3\xa9"
                    "b"),
            (std::vector<uint32_t>{3, 4}));  // one code point
}

TEST(RegexSetTest, ExactRe2SemanticsWhereHyperscanDiffers) {
  std::vector<uint32_t> rejected;
  // PCRE (and so Hyperscan) lets '$' match before a final newline; RE2 does not.
  auto set =
      RegexSet::Build({Spec("evil$", 1, false, /*exact=*/true), Spec("evil$", 2)}, &rejected);
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(ScanAll(*set, "so evil"), (std::vector<uint32_t>{1, 2}));
  EXPECT_EQ(ScanAll(*set, "so evil\n"), std::vector<uint32_t>{2});
}

TEST(RegexSetTest, FallsBackToRe2AndRejectsWhatNeitherCompiles) {
  std::vector<uint32_t> rejected;
  auto set = RegexSet::Build({Spec("^(ab){1,3000}c", 1),  // too large for Hyperscan
                              Spec("(a)\\1", 2),          // backreference: neither engine
                              Spec("(a)\\1", 5, false, true), Spec("zz", 3)},
                             &rejected);
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  std::sort(rejected.begin(), rejected.end());
  EXPECT_EQ(rejected, (std::vector<uint32_t>{2, 5}));
  EXPECT_EQ(set->size(), 2u);
  EXPECT_EQ(ScanAll(*set, "ababc zz"), (std::vector<uint32_t>{1, 3}));
  EXPECT_EQ(ScanAll(*set, "aa"), std::vector<uint32_t>{});
}

TEST(RegexSetTest, LikeTranslationIsAnchoredAndLiteral) {
  std::vector<uint32_t> rejected;
  auto set =
      RegexSet::Build({Spec(LikeToRegex("%.exe"), 1, true), Spec(LikeToRegex("a_c(1)%"), 2, true),
                       Spec(LikeToRegex("caf_"), 3, true)},
                      &rejected);
  ASSERT_TRUE(set.ok());
  EXPECT_TRUE(rejected.empty());
  EXPECT_EQ(ScanAll(*set, "evil.exe"), std::vector<uint32_t>{1});
  EXPECT_EQ(ScanAll(*set, "evilXexe"), std::vector<uint32_t>{});  // '.' is literal
  EXPECT_EQ(ScanAll(*set, "evil.exe.txt"), std::vector<uint32_t>{});
  EXPECT_EQ(ScanAll(*set, "evil.exe\n"), std::vector<uint32_t>{});  // no '$' leniency
  EXPECT_EQ(ScanAll(*set, "abc(1)\nrest"), std::vector<uint32_t>{2});
  EXPECT_EQ(ScanAll(*set, "abbc(1)"), std::vector<uint32_t>{});
  EXPECT_EQ(ScanAll(*set, "caf\xc3\xa9"), std::vector<uint32_t>{3});  // '_' is a character
  EXPECT_EQ(ScanAll(*set, "cafe"), std::vector<uint32_t>{3});
  EXPECT_EQ(ScanAll(*set, "caf"), std::vector<uint32_t>{});
}

TEST(RegexSetTest, ScansConcurrentlyFromManyThreads) {
  std::vector<uint32_t> rejected;
  auto set = RegexSet::Build({Spec("evil", 1), Spec("^x+$", 2)}, &rejected);
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
