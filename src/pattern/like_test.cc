#include "pattern/like.h"

#include <gtest/gtest.h>
#include <re2/re2.h>

#include <random>
#include <string>
#include <vector>

namespace entente::pattern {
namespace {

// The code points of valid UTF-8 `s`, each as its bytes.
std::vector<std::string> CodePoints(std::string_view s) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
    out.emplace_back(s.substr(i, n));
    i += n;
  }
  return out;
}

// STIX LIKE read straight from its definition, over code points: '%' any run, '_' one,
// anything else itself; the whole value. Independent of the functions under test.
bool LikeOracle(std::string_view like, std::string_view value) {
  std::vector<std::string> p = CodePoints(like), v = CodePoints(value);
  // m[i][j]: p[i…] matches v[j…].
  std::vector<std::vector<char>> m(p.size() + 1, std::vector<char>(v.size() + 1, 0));
  m[p.size()][v.size()] = 1;
  for (size_t i = p.size(); i-- > 0;) {
    for (size_t j = v.size() + 1; j-- > 0;) {
      if (p[i] == "%") {
        m[i][j] = m[i + 1][j] || (j < v.size() && m[i][j + 1]);
      } else if (j < v.size() && (p[i] == "_" || p[i] == v[j])) {
        m[i][j] = m[i + 1][j + 1];
      }
    }
  }
  return m[0][0] != 0;
}

bool RegexSays(std::string_view like, std::string_view value) {
  RE2::Options o;
  o.set_log_errors(false);
  o.set_dot_nl(true);
  RE2 re(LikeToRegex(like), o);
  EXPECT_TRUE(re.ok()) << re.error();
  return RE2::PartialMatch(value, re);  // anchored by the expression itself
}

// What the shape alone says, for every kind but kGeneral.
bool ShapeSays(std::string_view like, std::string_view value) {
  LikeShape s = AnalyzeLike(like);
  switch (s.kind) {
    case LikeShape::Kind::kExact:
      return value == s.literal;
    case LikeShape::Kind::kPrefix:
      return value.starts_with(s.literal);
    case LikeShape::Kind::kSuffix:
      return value.ends_with(s.literal);
    case LikeShape::Kind::kContains:
      return value.find(s.literal) != std::string_view::npos;
    case LikeShape::Kind::kAny:
      return true;
    case LikeShape::Kind::kPercent: {
      bool matches = PercentLikeMatches(like, value);
      // The piece the index searches for occurs whenever the operand matches.
      if (matches) EXPECT_NE(value.find(s.literal), std::string_view::npos);
      return matches;
    }
    case LikeShape::Kind::kGeneral:
      break;
  }
  ADD_FAILURE() << "no shape test for a general operand";
  return false;
}

TEST(LikeTest, RegexIsAnchoredAndEveryOtherByteIsLiteral) {
  EXPECT_EQ(LikeToRegex("%.exe"), "^.*\\.exe\\z");
  EXPECT_EQ(LikeToRegex("a_c(1)%"), "^a.c\\(1\\).*\\z");
  EXPECT_EQ(LikeToRegex("a\nb\x7f"), "^a\\x0ab\\x7f\\z");
  EXPECT_EQ(LikeToRegex("caf\xc3\xa9"), "^caf\xc3\xa9\\z");
  EXPECT_EQ(LikeToRegex(""), "^\\z");
  EXPECT_TRUE(RegexSays("%.exe", "evil.exe"));
  EXPECT_FALSE(RegexSays("%.exe", "evilXexe"));     // '.' is literal
  EXPECT_FALSE(RegexSays("%.exe", "evil.exe\n"));   // no '$' leniency before a newline
  EXPECT_TRUE(RegexSays("a%b", "a\nb"));            // '%' spans newlines
  EXPECT_TRUE(RegexSays("caf_", "caf\xc3\xa9"));    // '_' is one code point
  EXPECT_FALSE(RegexSays("caf__", "caf\xc3\xa9"));  // not one byte
  EXPECT_TRUE(RegexSays("[a-z]+ $1 \\d", "[a-z]+ $1 \\d"));
  EXPECT_FALSE(RegexSays("[a-z]+", "b"));
}

TEST(LikeTest, ShapesOfOperands) {
  using K = LikeShape::Kind;
  EXPECT_EQ(AnalyzeLike("abc").kind, K::kExact);
  EXPECT_EQ(AnalyzeLike("").kind, K::kExact);
  EXPECT_EQ(AnalyzeLike("abc%").kind, K::kPrefix);
  EXPECT_EQ(AnalyzeLike("%%abc").kind, K::kSuffix);
  EXPECT_EQ(AnalyzeLike("%%abc").leading_percents, 2u);
  EXPECT_EQ(AnalyzeLike("%abc%").kind, K::kContains);
  EXPECT_EQ(AnalyzeLike("%abc%").literal, "abc");
  EXPECT_EQ(AnalyzeLike("%%").kind, K::kAny);
  EXPECT_EQ(AnalyzeLike("%%").leading_percents, 2u);
  EXPECT_EQ(AnalyzeLike("%%").trailing_percents, 0u);
  EXPECT_EQ(AnalyzeLike("a%c").kind, K::kPercent);
  EXPECT_EQ(AnalyzeLike("%ab%c%").literal, "ab");  // the longest piece, first of equals
  EXPECT_EQ(AnalyzeLike("x%ab%cd").literal, "ab");
  EXPECT_EQ(AnalyzeLike("ab_").kind, K::kGeneral);
  EXPECT_EQ(AnalyzeLike("%a%_").kind, K::kGeneral);
  EXPECT_EQ(AnalyzeLike("caf\xc3").kind, K::kGeneral);  // not valid UTF-8
}

TEST(LikeTest, PercentOnlyOperands) {
  EXPECT_TRUE(PercentLikeMatches("a%b%c", "abc"));
  EXPECT_TRUE(PercentLikeMatches("a%b%c", "a-b-b-c"));
  EXPECT_FALSE(PercentLikeMatches("a%b%c", "acb"));
  EXPECT_FALSE(PercentLikeMatches("ab%ba", "aba"));  // prefix and suffix may not overlap
  EXPECT_TRUE(PercentLikeMatches("%x%x%", "xx"));
  EXPECT_FALSE(PercentLikeMatches("%x%x%", "x"));
  EXPECT_TRUE(PercentLikeMatches("abc", "abc"));
  EXPECT_FALSE(PercentLikeMatches("abc", "abcd"));
}

TEST(LikeTest, Utf8Validity) {
  EXPECT_TRUE(IsValidUtf8("caf\xc3\xa9 \xf0\x9f\x98\x80"));
  EXPECT_FALSE(IsValidUtf8("caf\xc3"));           // truncated
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // past U+10FFFF
}

// The regular expression and, where there is one, the shape's test answer as LIKE's
// definition does, on random operands and values over characters that matter: the
// wildcards, regex metacharacters, a newline, a control byte, two- and four-byte UTF-8.
TEST(LikeTest, RegexAndShapesAgreeWithTheDefinitionOnRandomInputs) {
  std::mt19937 rng(7);
  const std::vector<std::string> op_parts = {
      "a", "b", "%", "_", ".", "*", "(", "\\", "\n", "\x01", "\xc3\xa9", "\xf0\x9f\x98\x80"};
  const std::vector<std::string> value_parts = {
      "a", "b", "ab", ".", "*", "(", "\\", "\n", "\x01", "\xc3\xa9", "\xf0\x9f\x98\x80", "%", "_"};
  size_t matches = 0, shaped = 0;
  for (int round = 0; round < 2000; ++round) {
    std::string like;
    for (size_t k = rng() % 7; k > 0; --k) like += op_parts[rng() % op_parts.size()];
    for (int v = 0; v < 20; ++v) {
      std::string value;
      for (size_t k = rng() % 8; k > 0; --k) value += value_parts[rng() % value_parts.size()];
      bool want = LikeOracle(like, value);
      matches += want;
      ASSERT_EQ(RegexSays(like, value), want) << "LIKE '" << like << "' on '" << value << "'";
      if (AnalyzeLike(like).kind != LikeShape::Kind::kGeneral) {
        ++shaped;
        ASSERT_EQ(ShapeSays(like, value), want) << "LIKE '" << like << "' on '" << value << "'";
      }
    }
  }
  EXPECT_GT(matches, 1000u);
  EXPECT_GT(shaped, 10000u);
}

}  // namespace
}  // namespace entente::pattern
