#include "pattern/index/regex_set.h"

#include <gtest/gtest.h>
#include <re2/re2.h>

#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "pattern/like.h"

namespace entente::pattern::index {
namespace {

std::vector<uint32_t> ScanAll(const RegexSet& s, std::string_view v) {
  std::vector<uint32_t> out;
  s.Scan(v, [&](uint32_t id) { out.push_back(id); });
  std::sort(out.begin(), out.end());
  return out;
}

// ScanMany's answer for each value, sorted, duplicates removed.
std::vector<std::vector<uint32_t>> ScanManyAll(const RegexSet& s,
                                               const std::vector<std::string>& values) {
  std::vector<std::string_view> views(values.begin(), values.end());
  std::vector<std::vector<uint32_t>> out(values.size());
  s.ScanMany(views, [&](uint32_t k, uint32_t id) { out.at(k).push_back(id); });
  for (auto& ids : out) {
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  }
  return out;
}

// Scan's answer, duplicates removed.
std::vector<uint32_t> ScanUnique(const RegexSet& s, std::string_view v) {
  std::vector<uint32_t> out = ScanAll(s, v);
  out.erase(std::unique(out.begin(), out.end()), out.end());
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

// STIX LIKE as pattern::Matcher decides it: pattern::LikeToRegex's expression, RE2 in
// UTF-8 with '.' matching '\n'.
bool LikeReference(const std::string& like, const std::string& value) {
  RE2::Options o;
  o.set_log_errors(false);
  o.set_dot_nl(true);
  RE2 r(LikeToRegex(like), o);
  return r.ok() && RE2::FullMatch(value, r);
}

TEST(RegexSetTest, LikeSpecsTakeTheLiteralPathWhenTheyCan) {
  EXPECT_EQ(LikeSpec("abc", 0).literal_kind, LiteralKind::kExact);
  EXPECT_EQ(LikeSpec("abc%", 0).literal_kind, LiteralKind::kPrefix);
  EXPECT_EQ(LikeSpec("%%abc", 0).literal_kind, LiteralKind::kSuffix);
  EXPECT_EQ(LikeSpec("%abc%", 0).literal_kind, LiteralKind::kContains);
  EXPECT_EQ(LikeSpec("%%", 0).literal_kind, LiteralKind::kAny);
  EXPECT_EQ(LikeSpec("", 0).literal_kind, LiteralKind::kExact);
  EXPECT_EQ(LikeSpec("a%c", 0).literal_kind, LiteralKind::kLike);
  EXPECT_EQ(LikeSpec("%ab%c%", 0).literal, "ab");
  EXPECT_EQ(LikeSpec("ab_", 0).literal_kind, LiteralKind::kNone);
  EXPECT_TRUE(LikeSpec("ab_", 0).utf8);
  EXPECT_FALSE(LikeSpec("%a%_", 0).literal_kind == LiteralKind::kLike);
  EXPECT_EQ(LikeSpec("caf\xc3", 0).literal_kind, LiteralKind::kNone);  // invalid UTF-8
  EXPECT_TRUE(LikeSpec("caf\xc3", 0).utf8);
}

// Every LIKE shape (literal tests, trimmed expressions, '_' in UTF-8) answers as the
// evaluator does, on random operands and values, several specs per set.
TEST(RegexSetTest, LikeSpecsAgreeWithTheEvaluatorOnRandomInputs) {
  std::mt19937 rng(5);
  const std::vector<std::string> op_parts = {"a", "b", "%", "_", "\xc3\xa9", ".", "\n"};
  const std::vector<std::string> value_parts = {"a", "b", "\xc3\xa9", ".", "\n", "ab"};
  size_t matches = 0;
  for (int round = 0; round < 300; ++round) {
    std::vector<std::string> likes;
    std::vector<RegexSpec> specs;
    for (uint32_t i = 0; i < 8; ++i) {
      std::string like;
      size_t n = rng() % 6;
      for (size_t k = 0; k < n; ++k) like += op_parts[rng() % op_parts.size()];
      likes.push_back(like);
      specs.push_back(LikeSpec(like, i));
    }
    // Two MATCHES found by their atoms share the literal database with the LIKEs.
    specs.push_back(Spec("(?i)aab", 8, false, true));
    specs.push_back(Spec("b\\.a", 9, false, true));
    RE2 m8("(?i)aab"), m9("b\\.a");
    std::vector<uint32_t> rejected;
    auto set = RegexSet::Build(specs, &rejected);
    ASSERT_TRUE(set.ok());
    ASSERT_TRUE(rejected.empty());
    EXPECT_EQ(set->filtered_count(), 2u);
    std::vector<std::string> values;
    for (int v = 0; v < 40; ++v) {
      std::string value;
      size_t n = rng() % 7;
      // Some values longer than ScanMany joins (scanned alone there).
      if (v % 10 == 9) n = 60 + rng() % 100;
      for (size_t k = 0; k < n; ++k) value += value_parts[rng() % value_parts.size()];
      values.push_back(value);
      std::vector<uint32_t> want;
      for (uint32_t i = 0; i < likes.size(); ++i) {
        if (LikeReference(likes[i], value)) want.push_back(i);
      }
      if (RE2::PartialMatch(value, m8)) want.push_back(8);
      if (RE2::PartialMatch(value, m9)) want.push_back(9);
      std::vector<uint32_t> got = ScanAll(*set, value);
      got.erase(std::unique(got.begin(), got.end()), got.end());
      matches += want.size();
      ASSERT_EQ(got, want) << "value '" << value << "'";
    }
    // All the round's values (twice over) through ScanMany answer as Scan did.
    values.insert(values.end(), values.begin(), values.end());
    auto many = ScanManyAll(*set, values);
    for (size_t v = 0; v < values.size(); ++v) {
      ASSERT_EQ(many[v], ScanUnique(*set, values[v])) << "ScanMany, value '" << values[v] << "'";
    }
  }
  EXPECT_GT(matches, 1000u);
}

// MATCHES specs (exact RE2), whichever path each takes - RE2 prefilter atoms in a
// caseless literal database, Hyperscan prefilter, or RE2 alone - answer as RE2 does,
// including case-insensitive expressions on text with the Kelvin sign and long s (which
// Unicode case folding matches with 'k' and 's') and other non-ASCII letters.
TEST(RegexSetTest, ExactRe2SpecsAgreeWithRe2OnRandomInputs) {
  const std::vector<std::string> parts = {"gate",
                                          "(?i)GATE",
                                          "php",
                                          "\\.exe$",
                                          "^http",
                                          "(?i)ks+",
                                          "caf\xc3\xa9",
                                          "(?i)CAF\xc3\x89",
                                          "[a-z]{3}",
                                          "evil|bad",
                                          "x+y",
                                          "(?i:abc)def",
                                          "s.k",
                                          "^.{2}$",
                                          "(?i)sk",
                                          "(?i)kiss",
                                          "[\\x{212A}k]iss",
                                          "(?i:task)",
                                          "\\d{2}",
                                          "ok",
                                          "(a|bb)c"};
  const std::vector<std::string> texts = {"gate",
                                          "GATE",
                                          "Gate",
                                          ".exe",
                                          "http://",
                                          "ks",
                                          "KS",
                                          "\xe2\x84\xaa",  // Kelvin sign
                                          "\xc5\xbf",      // long s
                                          "\xe2\x84\xaaiss",
                                          "ta\xc5\xbfk",
                                          "caf\xc3\xa9",
                                          "CAF\xc3\x89",
                                          "xy",
                                          "ABCdef",
                                          "12",
                                          "bbc",
                                          "evil",
                                          "ok",
                                          "-",
                                          "php"};
  std::mt19937 rng(9);
  size_t matches = 0, filtered = 0;
  for (int round = 0; round < 200; ++round) {
    std::vector<RegexSpec> specs;
    std::vector<std::unique_ptr<RE2>> refs;
    for (uint32_t i = 0; i < 6; ++i) {
      std::string expr = parts[rng() % parts.size()];
      if (rng() % 2) expr += parts[rng() % parts.size()];
      RegexSpec sp = Spec(expr, i, false, true);
      specs.push_back(sp);
      RE2::Options o;
      o.set_log_errors(false);
      o.set_max_mem(1 << 20);
      refs.push_back(std::make_unique<RE2>(expr, o));
      ASSERT_TRUE(refs.back()->ok()) << expr;
    }
    std::vector<uint32_t> rejected;
    auto set = RegexSet::Build(specs, &rejected);
    ASSERT_TRUE(set.ok());
    ASSERT_TRUE(rejected.empty());
    filtered += set->filtered_count();
    std::vector<std::string> values;
    for (int v = 0; v < 30; ++v) {
      std::string value;
      size_t n = 1 + rng() % 4;
      if (v % 10 == 9) n = 40 + rng() % 40;  // longer than ScanMany joins
      for (size_t k = 0; k < n; ++k) value += texts[rng() % texts.size()];
      values.push_back(value);
      std::vector<uint32_t> want;
      for (uint32_t i = 0; i < refs.size(); ++i) {
        if (RE2::PartialMatch(value, *refs[i])) want.push_back(i);
      }
      std::vector<uint32_t> got = ScanAll(*set, value);
      got.erase(std::unique(got.begin(), got.end()), got.end());
      matches += want.size();
      std::string exprs;
      for (const auto& sp : specs) exprs += " /" + sp.expression + "/";
      ASSERT_EQ(got, want) << "value '" << value << "' expressions" << exprs;
    }
    auto many = ScanManyAll(*set, values);
    for (size_t v = 0; v < values.size(); ++v) {
      ASSERT_EQ(many[v], ScanUnique(*set, values[v])) << "ScanMany, value '" << values[v] << "'";
    }
  }
  EXPECT_GT(matches, 500u);
  EXPECT_GT(filtered, 300u);  // the atom path is exercised
}

// ScanMany joins short values with a 0xFF byte and scans them once: literals found in
// several values, many times in one value, next to the separator, shared by several
// specs, and values holding 0xFF themselves (scanned alone) must answer as Scan does.
TEST(RegexSetTest, ScanManyAnswersAsScanValueByValue) {
  std::mt19937 rng(11);
  const std::vector<std::string> likes = {"evil%", "%.php",  "%gate%", "a%b%c", "x",
                                          "%x%",   "%gate%", "ab",     "%ab",   "ab%",
                                          "%%",    "",       "a%a%a%a"};
  const std::vector<std::string> parts = {"evil", ".php", "gate", "a", "b", "c", "x", "\xff", "ab"};
  size_t matches = 0;
  for (int round = 0; round < 200; ++round) {
    std::vector<RegexSpec> specs;
    for (uint32_t i = 0; i < 6; ++i) specs.push_back(LikeSpec(likes[rng() % likes.size()], i));
    std::vector<uint32_t> rejected;
    auto set = RegexSet::Build(specs, &rejected);
    ASSERT_TRUE(set.ok());
    std::vector<std::string> values;
    for (int v = 0; v < 50; ++v) {
      std::string value;
      size_t n = rng() % 6;
      if (v % 16 == 15) n = 100 + rng() % 50;  // over kMaxBatchedValue bytes
      for (size_t k = 0; k < n; ++k) value += parts[rng() % parts.size()];
      values.push_back(value);
    }
    auto many = ScanManyAll(*set, values);
    for (size_t v = 0; v < values.size(); ++v) {
      std::vector<uint32_t> want = ScanUnique(*set, values[v]);
      matches += want.size();
      ASSERT_EQ(many[v], want) << "value '" << values[v] << "'";
    }
  }
  EXPECT_GT(matches, 2000u);
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
