#include "pattern/index/fast_classify.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace entente::pattern::index {
namespace {

TEST(FastClassifyTest, TakesTheCommonFeedShapes) {
  for (const std::string& text : std::vector<std::string>{
           "[ipv4-addr:value = '198.51.100.7']", "[domain-name:value='a.example']",
           "[file:hashes.'SHA-256' = '" + std::string(64, 'a') + "']",
           "[file:hashes.MD5 == '" + std::string(32, 'b') + "']", "[url:value LIKE 'http://a/%']",
           "[ipv4-addr:value ISSUBSET '10.0.0.0/8']", "  [ file : name = 'it\\'s' ]\n",
           // STIX 2.1 section 9.4 compares strings in NFC: the leaf holds U+00E9.
           "[file:name = 'cafe\xCC\x81.exe']"}) {
    Classified c;
    ASSERT_TRUE(FastClassify(text, ParseOptions(), &c)) << text;
    auto parsed = ParsePattern(text);
    ASSERT_TRUE(parsed.ok()) << text;
    Classified want = Classify(*parsed);
    EXPECT_EQ(c.kind, want.kind) << text;
    EXPECT_EQ(c.leaves, want.leaves) << text;
    EXPECT_EQ(c.object_types, want.object_types) << text;
  }
  Classified c;
  EXPECT_FALSE(FastClassify("[file:name MATCHES 'a']", ParseOptions(), &c));
  EXPECT_FALSE(FastClassify("[file:name = 'a'] REPEATS 2 TIMES", ParseOptions(), &c));
  EXPECT_FALSE(FastClassify("[network-traffic:src_ref.value = 'a']", ParseOptions(), &c));
  EXPECT_FALSE(FastClassify("[ipv4-addr:value ISSUBSET '10.0.0.0/33']", ParseOptions(), &c));
  EXPECT_FALSE(FastClassify("[file:name = 'a\\x']", ParseOptions(), &c));  // bad escape
  // Binary properties are compared decoded (classify.h): never a leaf.
  EXPECT_FALSE(FastClassify("[artifact:payload_bin = 'TVo=']", ParseOptions(), &c));
  EXPECT_FALSE(FastClassify("[file:magic_number_hex = 'ffd8']", ParseOptions(), &c));
  EXPECT_FALSE(FastClassify("[file:parent_directory_ref = 'directory--1']", ParseOptions(), &c));
  // Hash constants the parser refuses (issue 12; pattern/hash_values.h) go to the parser:
  // wrong length, not hex, not the SSDEEP alphabet; so does a `hashes` key elsewhere in
  // the path. A constant the rule accepts takes the fast path.
  EXPECT_FALSE(FastClassify("[file:hashes.MD5 = 'ab']", ParseOptions(), &c));
  EXPECT_FALSE(
      FastClassify("[file:hashes.MD5 = '" + std::string(31, 'a') + "g']", ParseOptions(), &c));
  EXPECT_FALSE(FastClassify("[file:hashes.SSDEEP = '3:a!:b']", ParseOptions(), &c));
  EXPECT_TRUE(FastClassify("[file:hashes.SSDEEP = '3:a:b']", ParseOptions(), &c));
  EXPECT_FALSE(
      FastClassify("[file:x.hashes.MD5 = '" + std::string(32, 'a') + "']", ParseOptions(), &c));
  EXPECT_TRUE(
      FastClassify("[file:hashes.MD5 = '" + std::string(32, 'A') + "']", ParseOptions(), &c));
  EXPECT_TRUE(FastClassify("[x509-certificate:hashes.'SHA-256' = '" + std::string(64, 'f') + "']",
                           ParseOptions(), &c));
  ASSERT_TRUE(FastClassify("[file:name = 'cafe\xCC\x81']", ParseOptions(), &c));
  EXPECT_EQ(c.leaves[0].literal, "caf\xC3\xA9");
  ParseOptions tight;
  tight.max_length = 10;
  EXPECT_FALSE(FastClassify("[file:name = 'abcdef']", tight, &c));
}

// Whenever the fast path answers, the full parser accepts the text and Classify gives
// the same result - over random near-miss patterns built from pieces that each trip a
// different rule of the lexer or parser.
TEST(FastClassifyTest, AgreesWithTheParserOnRandomText) {
  const std::vector<std::string> starts = {"[", " [", "\n[", "([", "[[", ""};
  const std::vector<std::string> types = {"file", "ipv4-addr", "x-a_b", "AND", "t",   "h",
                                          "1x",   "file2",     "true",  "_x",  "a.b", "-x"};
  const std::vector<std::string> keys = {"name",     "hashes",  "'SHA-256'", "MD5",     "src_ref",
                                         "value",    "a-b",     "STOP",      "'x\\'y'", "'a\\\\b'",
                                         "'bad\\q'", "[0]",     "[*]",       "5",       "h'00'",
                                         "x_ref",    "'q_ref'", "IN",        "''",      "'"};
  const std::vector<std::string> seps = {"", " ", "\t", "\n", "  ", "\v"};
  const std::vector<std::string> ops = {"=",   "==",      "LIKE",  "ISSUBSET", "MATCHES",
                                        "!=",  "<>",      "NOT =", "IN",       "= =",
                                        "===", "LIKE'a'", "<",     "like",     "EXISTS"};
  const std::vector<std::string> values = {"'a'",
                                           "'10.0.0.0/8'",
                                           "'1.2.3.4'",
                                           "'x\\'y'",
                                           "'unterm",
                                           "'bad\\n'",
                                           "'01.2.3.4'",
                                           "('a','b')",
                                           "5",
                                           "'\xc3\xa9'",
                                           "''",
                                           "'::1/128'",
                                           "'10.0.0.0/33'",
                                           "t'2020-01-01T00:00:00Z'",
                                           "'a\\\\'",
                                           "'%'"};
  const std::vector<std::string> tails = {
      "]", "] ", "]]", "] AND [a:b = 'c']", "] REPEATS 2 TIMES", "", " ]", "]x", "] OR", "]\n\t"};
  std::mt19937 rng(3);
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  size_t fast = 0;
  for (int i = 0; i < 200000; ++i) {
    // Mostly well-formed, each part replaced by a random one now and then.
    bool wild = rng() % 3 == 0;
    std::string text = wild ? pick(starts) : "[";
    text += pick(seps) + (wild || rng() % 2 ? pick(types) : "file") + pick(seps) + ":" + pick(seps);
    size_t n = 1 + rng() % 3;
    for (size_t k = 0; k < n; ++k) {
      if (k > 0) text += pick(seps) + (rng() % 8 == 0 ? "" : ".") + pick(seps);
      text += wild || rng() % 2 ? pick(keys) : "name";
    }
    text += pick(seps) + (wild || rng() % 2 ? pick(ops) : "=") + pick(seps);
    text += wild || rng() % 2 ? pick(values) : "'v'";
    text += pick(seps) + (wild ? pick(tails) : "]");
    Classified c;
    if (!FastClassify(text, ParseOptions(), &c)) continue;
    ++fast;
    auto parsed = ParsePattern(text);
    ASSERT_TRUE(parsed.ok()) << "fast path accepted what the parser rejects: " << text << "\n"
                             << parsed.status().ToString();
    Classified want = Classify(*parsed);
    ASSERT_EQ(c.kind, want.kind) << text;
    ASSERT_EQ(c.leaves, want.leaves) << text;
    ASSERT_EQ(c.object_types, want.object_types) << text;
  }
  EXPECT_GT(fast, 10000u);
}

}  // namespace
}  // namespace entente::pattern::index
