#include "pattern/parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace entente::pattern {
namespace {

Pattern MustParse(std::string_view text) {
  Result<Pattern> p = ParsePattern(text);
  EXPECT_TRUE(p.ok()) << text << "\n" << FormatParseError(text, p.status());
  return p.ok() ? std::move(p).value() : Pattern();
}

std::string ErrorOf(std::string_view text, const ParseOptions& options = {}) {
  Result<Pattern> p = ParsePattern(text, options);
  EXPECT_FALSE(p.ok()) << text;
  return p.ok() ? std::string() : p.status().message();
}

// The example patterns of STIX 2.1 section 9 (Patterning), as written there.
const std::vector<std::string> kSpecExamples = {
    R"([file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f'])",
    R"([email-message:from_ref.value MATCHES '.+\\@example\\.com$' AND email-message:body_multipart[*].body_raw_ref.name MATCHES '^Final Report.+\\.exe$'])",
    R"([file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f' AND file:mime_type = 'application/x-pdf'])",
    R"([file:hashes.'SHA-256' = 'bf07a7fbb825fc0aae7bf4a1177b2b31fcf8a3feeaf7092761e18c859ee52a9c' OR file:hashes.MD5 = 'cead3f77f6cda6ec00f57d76c9a6879f'] AND [file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f'])",
    R"(([file:hashes.MD5 = '79054025255fb1a26e4bc422aef54eb4'] FOLLOWEDBY [windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\foo\\bar']) WITHIN 300 SECONDS)",
    R"([user-account:account_type = 'unix' AND user-account:user_id = '1007' AND user-account:account_login = 'Peter'] AND [user-account:account_type = 'unix' AND user-account:user_id = '1008' AND user-account:account_login = 'Paul'] AND [user-account:account_type = 'unix' AND user-account:user_id = '1009' AND user-account:account_login = 'Mary'])",
    R"([artifact:mime_type = 'application/vnd.tcpdump.pcap' AND artifact:payload_bin MATCHES '\\xd4\\xc3\\xb2\\xa1\\x02\\x00\\x04\\x00'])",
    R"([file:name = 'foo.dll' AND file:parent_directory_ref.path = 'C:\\Windows\\System32'])",
    R"([file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0])",
    R"([file:mime_type = 'image/bmp' AND file:magic_number_hex = h'ffd8'])",
    R"([network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = '203.0.113.33/32'])",
    R"([network-traffic:dst_ref.type = 'domain-name' AND network-traffic:dst_ref.value = 'example.com'] REPEATS 5 TIMES WITHIN 180 SECONDS)",
    R"([domain-name:value = 'www.5z8.info' AND domain-name:resolves_to_refs[*].value = '198.51.100.1/32'])",
    R"([url:value = 'http://example.com/foo' OR url:value = 'http://example.com/bar'])",
    R"([x509-certificate:issuer = 'CN=WEBMAIL' AND x509-certificate:serial_number = '4c:0b:1d:19:74:86:a7:66:b4:1a:bf:40:27:21:76:28'])",
    R"([windows-registry-key:key = 'HKEY_CURRENT_USER\\Software\\CryptoLocker\\Files' OR windows-registry-key:key = 'HKEY_CURRENT_USER\\Software\\Microsoft\\CurrentVersion\\Run\\CryptoLocker_0388'])",
    R"([(file:name = 'pdf.exe' OR file:size = '371712') AND file:created = t'2014-01-13T07:03:17Z'])",
    R"([email-message:sender_ref.value = 'jdoe@example.com' AND email-message:subject = 'Conference Info'])",
    R"([x-usb-device:usbdrive.serial_number = '575833314133343231313937'])",
    R"([process:command_line MATCHES '^.+>-add GlobalSign.cer -c -s -r localMachine Root$'] FOLLOWEDBY [process:command_line MATCHES '^.+>-add GlobalSign.cer -c -s -r localMachineTrustedPublisher$'] WITHIN 300 SECONDS)",
    R"([network-traffic:dst_ref.value ISSUBSET '2001:0db8:dead:beef:0000:0000:0000:0000/64'])",
    R"(([file:name = 'foo.dll'] AND [win-registry-key:key = 'HKEY_LOCAL_MACHINE\\foo\\bar']) OR [process:name = 'fooproc' OR process:name = 'procfoo'])",
    R"([ipv4-addr:value = '198.51.100.1/32' OR ipv4-addr:value = '203.0.113.33/32' OR ipv6-addr:value = '2001:0db8:dead:beef:dead:beef:dead:0001/128'])",
    R"([file:hashes.MD5 = 'cead3f77f6cda6ec00f57d76c9a6879f'] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z')",
    R"([ipv4-addr:value ISSUBSET '198.51.100.0/24'])",
    R"([file:name NOT = 'x' AND file:size IN (1, 2, 3)])",
    R"([file:name LIKE 'foo%.dl_'])",
    R"([file:created > t'2016-05-12T08:17:27.000Z'])",
    R"([artifact:payload_bin = b'AAECAw=='])",
    R"([x-foo:bar = true])",
    R"([EXISTS file:hashes.MD5])",
    R"([file:extensions.'ntfs-ext'.alternate_data_streams[0].name = 'x'])",
    // A qualifier kind applied again to a parenthesised, already qualified expression.
    R"(([a:b = 1] WITHIN 5 SECONDS REPEATS 2 TIMES) WITHIN 9 SECONDS)",
    R"((([a:b = 1] REPEATS 2 TIMES) REPEATS 3 TIMES) REPEATS 2 TIMES)",
};

TEST(ParserTest, EverySpecExampleParsesAndPrintsStably) {
  for (const std::string& text : kSpecExamples) {
    Pattern p = MustParse(text);
    std::string printed = p.ToString();
    Pattern again = MustParse(printed);
    EXPECT_EQ(again.ToString(), printed) << text;
  }
}

TEST(ParserTest, ComparisonPrecedenceAndOverOr) {
  Pattern p = MustParse("[a:x = 1 OR a:y = 2 AND a:z = 3]");
  const ComparisonExpr& c = p.root.comparison;
  ASSERT_EQ(c.kind, ComparisonExpr::Kind::kOr);
  ASSERT_EQ(c.children.size(), 2u);
  EXPECT_EQ(c.children[1].kind, ComparisonExpr::Kind::kAnd);
}

TEST(ParserTest, ObservationPrecedenceAndOrFollowedBy) {
  Pattern p = MustParse("[a:x = 1] FOLLOWEDBY [a:x = 2] OR [a:x = 3] AND [a:x = 4]");
  ASSERT_EQ(p.root.kind, ObservationExpr::Kind::kFollowedBy);
  ASSERT_EQ(p.root.children.size(), 2u);
  const ObservationExpr& right = p.root.children[1];
  ASSERT_EQ(right.kind, ObservationExpr::Kind::kOr);
  EXPECT_EQ(right.children[1].kind, ObservationExpr::Kind::kAnd);
}

TEST(ParserTest, QualifierBindsToPrecedingObservation) {
  Pattern p = MustParse("[a:x = 1] AND [a:x = 2] WITHIN 5 SECONDS");
  ASSERT_EQ(p.root.kind, ObservationExpr::Kind::kAnd);
  EXPECT_TRUE(p.root.qualifiers.empty());
  EXPECT_EQ(p.root.children[1].qualifiers.size(), 1u);
  Pattern g = MustParse("([a:x = 1] AND [a:x = 2]) WITHIN 5.5 SECONDS REPEATS 2 TIMES");
  ASSERT_EQ(g.root.qualifiers.size(), 2u);
  EXPECT_DOUBLE_EQ(g.root.qualifiers[0].within_seconds, 5.5);
  EXPECT_EQ(g.root.qualifiers[1].repeats, 2);
}

TEST(ParserTest, ObjectPathSteps) {
  Pattern p = MustParse("[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0]");
  const ObjectPath& path = p.root.comparison.comparison.path;
  EXPECT_EQ(path.object_type, "file");
  ASSERT_EQ(path.steps.size(), 5u);
  EXPECT_EQ(path.steps[1].key, "windows-pebinary-ext");
  EXPECT_TRUE(path.steps[1].quoted);
  EXPECT_EQ(path.steps[3].kind, PathStep::Kind::kAnyIndex);
  EXPECT_EQ(path.ToString(), "file:extensions.'windows-pebinary-ext'.sections[*].entropy");
}

TEST(ParserTest, ReferenceStepsAreMarked) {
  Pattern p = MustParse("[network-traffic:dst_ref.value = 'x']");
  EXPECT_TRUE(p.root.comparison.comparison.path.steps[0].dereference);
  Pattern q = MustParse("[domain-name:resolves_to_refs[*].value = 'x']");
  const auto& steps = q.root.comparison.comparison.path.steps;
  EXPECT_FALSE(steps[0].dereference);
  EXPECT_TRUE(steps[1].dereference);
  Pattern r = MustParse("[network-traffic:dst_ref = 'ipv4-addr--x']");
  EXPECT_FALSE(r.root.comparison.comparison.path.steps[0].dereference);
}

TEST(ParserTest, ConstantsDecode) {
  Pattern p = MustParse(
      R"([a:s = 'it\'s' AND a:i = -5 AND a:f = 2.5 AND a:b = false AND a:h = h'0aFF' AND a:bin = b'aGk=' AND a:t = t'2020-01-02T03:04:05Z'])");
  const auto& kids = p.root.comparison.children;
  ASSERT_EQ(kids.size(), 7u);
  EXPECT_EQ(kids[0].comparison.value.text, "it's");
  EXPECT_EQ(kids[1].comparison.value.int_value, -5);
  EXPECT_DOUBLE_EQ(kids[2].comparison.value.float_value, 2.5);
  EXPECT_EQ(kids[3].comparison.value.kind, Constant::Kind::kBool);
  EXPECT_EQ(kids[4].comparison.value.text, std::string("\x0a\xff"));
  EXPECT_EQ(kids[5].comparison.value.text, "hi");
  EXPECT_EQ(kids[6].comparison.value.timestamp.micros, 1577934245000000);
}

TEST(ParserTest, SyntaxErrorsSayWhereAndWhat) {
  EXPECT_EQ(ErrorOf("[file:name = 'a'"),
            "at offset 16: expected ']' or 'AND'/'OR' but found end of pattern");
  EXPECT_EQ(ErrorOf("[file:name 'a']").rfind("at offset 11: expected a comparison operator", 0),
            0u);
  EXPECT_EQ(ErrorOf("file:name = 'a'").rfind("at offset 0: expected '[' or '('", 0), 0u);
  EXPECT_EQ(ErrorOf("[file = 'a']").rfind("at offset 6: expected ':'", 0), 0u);
  EXPECT_EQ(ErrorOf("[file:name = 'a'] [file:name = 'b']").rfind("at offset 18:", 0), 0u);
  EXPECT_NE(ErrorOf("[file:extensions.windows-pebinary-ext.x = 1]").find("quote it"),
            std::string::npos);
  EXPECT_NE(ErrorOf("[a:b = 1] WITHIN SECONDS").find("positive number of seconds"),
            std::string::npos);
  EXPECT_NE(ErrorOf("[a:b = 1] REPEATS 0 TIMES").find("positive integer"), std::string::npos);
  EXPECT_NE(ErrorOf("[a:b = 99999999999999999999]").find("out of range"), std::string::npos);
}

TEST(ParserTest, TypeRules) {
  EXPECT_NE(ErrorOf("[a:b LIKE 5]").find("LIKE takes a string"), std::string::npos);
  EXPECT_NE(ErrorOf("[a:b ISSUBSET 5]").find("ISSUBSET takes a string"), std::string::npos);
  EXPECT_NE(ErrorOf("[a:b ISSUPERSET 'not-an-ip']").find("CIDR"), std::string::npos);
  EXPECT_NE(ErrorOf("[a:b MATCHES t'2020-01-01T00:00:00Z']").find("takes a string"),
            std::string::npos);
  EXPECT_NE(ErrorOf("[a:b > true]").find("cannot compare a boolean"), std::string::npos);
  EXPECT_NE(ErrorOf("[a:b IN (1, 'x')]").find("one type"), std::string::npos);
  EXPECT_NE(ErrorOf("[a:b = h'abc']").find("even number"), std::string::npos);
  EXPECT_NE(ErrorOf("[a:b = b'!!']").find("base64"), std::string::npos);
  EXPECT_NE(ErrorOf("[a:b = t'2020-13-01T00:00:00Z']").find("invalid timestamp"),
            std::string::npos);
  EXPECT_NE(ErrorOf("[a:b = 1] START t'2020-01-02T00:00:00Z' STOP t'2020-01-01T00:00:00Z'")
                .find("STOP must be later"),
            std::string::npos);
  // Backreferences and lookaround are PCRE features RE2 refuses (they are not linear).
  EXPECT_NE(ErrorOf(R"([a:b MATCHES '(a)\\1'])").find("RE2"), std::string::npos);
  EXPECT_NE(ErrorOf("[a:b MATCHES '(?=a)b']").find("RE2"), std::string::npos);
  // Ints and floats mix in a set.
  MustParse("[a:b IN (1, 2.5)]");
}

TEST(ParserTest, LimitsAreResourceExhausted) {
  ParseOptions small;
  small.max_length = 10;
  Result<Pattern> p = ParsePattern("[a:b = 'long enough']", small);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), StatusCode::kResourceExhausted);

  std::string deep(5000, '(');
  deep += "[a:b = 1]" + std::string(5000, ')');
  p = ParsePattern(deep);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(p.status().message().find("nesting"), std::string::npos);

  std::string deep_cmp = "[" + std::string(5000, '(') + "a:b = 1" + std::string(5000, ')') + "]";
  p = ParsePattern(deep_cmp);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), StatusCode::kResourceExhausted);

  ParseOptions few;
  few.max_qualifiers = 2;
  p = ParsePattern(
      "[a:b = 1] WITHIN 5 SECONDS REPEATS 2 TIMES START t'2020-01-01T00:00:00Z' "
      "STOP t'2020-01-02T00:00:00Z'",
      few);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("qualifiers"), std::string::npos);

  p = ParsePattern("[a:b = 1] REPEATS 100000 TIMES");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), StatusCode::kResourceExhausted);
}

TEST(ParserTest, DepthCountsBracketsAndParentheses) {
  ParseOptions options;
  options.max_depth = 4;
  // Three parentheses plus the bracket: four levels, allowed.
  EXPECT_TRUE(ParsePattern("((([a:b = 1])))", options).ok());
  Result<Pattern> p = ParsePattern("(((([a:b = 1]))))", options);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), StatusCode::kResourceExhausted);
  // Long flat chains are not nesting.
  std::string chain = "[a:b = 1]";
  for (int i = 0; i < 50; ++i) chain += " AND [a:b = 1] OR [a:b = 2] FOLLOWEDBY [a:b = 3]";
  EXPECT_TRUE(ParsePattern(chain, options).ok());
}

TEST(ParserTest, RegexSizeIsBoundedPerPattern) {
  // One large counted repetition is fine; a thousand of them exceed the total budget.
  EXPECT_TRUE(ParsePattern(R"([a:b MATCHES '[^a]{1000}\\w{1000}'])").ok());
  std::string many = "[";
  for (int i = 0; i < 1000; ++i)
    many += std::string(i ? " OR " : "") + R"(a:b MATCHES '[^a]{1000}\\w{1000}')";
  many += "]";
  Result<Pattern> p = ParsePattern(many);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(p.status().message().find("too large in total"), std::string::npos);
}

// Issue 11: MATCHES expressions the checker accepted cost up to 0.2 s each to compile
// (large counted repetitions of Unicode classes); each one now has a compile budget.
TEST(ParserTest, CostlyRegexIsRefusedByItsCompileBudget) {
  Result<Pattern> p = ParsePattern(R"([file:name MATCHES '\\p{L}{50}\\p{N}{5,}'])");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(p.status().message().find("too costly to compile"), std::string::npos)
      << p.status().message();
  EXPECT_NE(p.status().message().find("256 KiB"), std::string::npos);
  // A larger budget accepts it.
  ParseOptions generous;
  generous.max_regex_memory = 1 << 20;
  generous.max_regex_program_size = 1'000'000;
  EXPECT_TRUE(ParsePattern(R"([file:name MATCHES '\\p{L}{50}\\p{N}{5,}'])", generous).ok());
}

TEST(ParserTest, ParsePatternCountingReportsTheCompileCost) {
  size_t cost = 1;
  ASSERT_TRUE(ParsePatternCounting("[file:name = 'a']", {}, &cost).ok());
  EXPECT_EQ(cost, 0u);
  ASSERT_TRUE(ParsePatternCounting("[file:name MATCHES '^a+$']", {}, &cost).ok());
  EXPECT_GT(cost, 0u);
  // A refused expression counts as its whole budget.
  ParseOptions options;
  EXPECT_FALSE(ParsePatternCounting(R"([file:name MATCHES '\\p{L}{1,100}'])", options, &cost).ok());
  EXPECT_EQ(cost, options.max_regex_memory / 16);
  // Nothing left to spend: MATCHES is refused before compiling.
  options.max_regex_program_size = 0;
  Result<Pattern> none = ParsePatternCounting("[file:name MATCHES 'a']", options, &cost);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(cost, 0u);
  EXPECT_TRUE(ParsePatternCounting("[file:name = 'a']", options, &cost).ok());
}

TEST(ParserTest, CheckIndicatorPatternCostUsesTheGivenLimits) {
  ParseOptions limits;
  limits.max_regex_program_size = 0;
  PatternCheck check = CheckIndicatorPatternCost("[file:name MATCHES 'a']", "stix", "2.1", limits);
  EXPECT_EQ(check.status.code(), StatusCode::kResourceExhausted);
  check = CheckIndicatorPatternCost("[file:name MATCHES 'a']", "snort", "", limits);
  EXPECT_TRUE(check.status.ok());
  EXPECT_EQ(check.regex_cost, 0u);
}

TEST(ParserTest, FormatParseErrorPutsCaretUnderOffset) {
  std::string text = "[file:name = 'a' AND]";
  Result<Pattern> p = ParsePattern(text);
  ASSERT_FALSE(p.ok());
  std::string formatted = FormatParseError(text, p.status());
  EXPECT_NE(formatted.find("\n[file:name = 'a' AND]\n" + std::string(20, ' ') + "^"),
            std::string::npos)
      << formatted;
}

// STIX 2.1 9.7 and the reference validator ("Duplicate qualifier type encountered"): one
// qualifier of each kind per observation expression; parentheses start a new one.
TEST(ParserTest, SameQualifierTwiceOnOneExpressionIsInvalid) {
  for (const char* text : {
           "[a:b = 1] WITHIN 5 SECONDS WITHIN 6 SECONDS",
           "[a:b = 1] REPEATS 2 TIMES REPEATS 3 TIMES",
           "[a:b = 1] START t'2020-01-01T00:00:00Z' STOP t'2020-01-02T00:00:00Z' "
           "START t'2020-01-01T00:00:00Z' STOP t'2020-01-03T00:00:00Z'",
           "[a:b = 1] WITHIN 5 SECONDS REPEATS 2 TIMES WITHIN 6 SECONDS",
       }) {
    Result<Pattern> p = ParsePattern(text);
    ASSERT_FALSE(p.ok()) << text;
    EXPECT_EQ(p.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(p.status().message().find("a second"), std::string::npos) << p.status().message();
  }
  EXPECT_TRUE(ParsePattern("[a:b = 1] REPEATS 2 TIMES WITHIN 5 SECONDS").ok());
  EXPECT_TRUE(ParsePattern("([a:b = 1] WITHIN 5 SECONDS) WITHIN 6 SECONDS").ok());
  EXPECT_TRUE(ParsePattern("[a:b = 1] WITHIN 5 SECONDS AND [a:b = 2] WITHIN 5 SECONDS").ok());
}

// A hash constant must be a possible value of its algorithm (hashing-algorithm-ov; the
// reference validator's "is not a valid … hash"), for =, != and IN.
TEST(ParserTest, HashConstantMustFitItsAlgorithm) {
  const std::string md5(32, 'a');
  const std::string sha1(40, 'b');
  const std::string sha256(64, 'c');
  const std::string sha512(128, 'd');
  EXPECT_TRUE(ParsePattern("[file:hashes.MD5 = '" + md5 + "']").ok());
  EXPECT_TRUE(ParsePattern("[file:hashes.'SHA-1' = '" + sha1 + "']").ok());
  EXPECT_TRUE(ParsePattern("[file:hashes.'SHA-256' != '" + sha256 + "']").ok());
  EXPECT_TRUE(ParsePattern("[file:hashes.'SHA3-512' IN ('" + sha512 + "')]").ok());
  EXPECT_TRUE(
      ParsePattern("[file:hashes.SSDEEP = '3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C']").ok());
  EXPECT_TRUE(ParsePattern("[file:hashes.MD5 LIKE 'abc%']").ok());     // a pattern, not a value
  EXPECT_TRUE(ParsePattern("[file:hashes.'x-custom' = 'abc']").ok());  // unknown algorithm
  for (const std::string& text : {
           std::string("[file:hashes.MD5 = 'abc']"),
           "[file:hashes.MD5 = '" + std::string(31, 'a') + "g']",
           "[file:hashes.'sha-256' = '" + md5 + "']",
           "[file:hashes.'SHA-512' NOT = '" + sha256 + "']",
           "[file:hashes.'SHA3-256' IN ('" + sha256 + "', 'nope')]",
           std::string("[file:hashes.MD5 = 5]"),
           std::string("[artifact:payload_bin = 'x' AND file:hashes.'SHA-1' = '']"),
       }) {
    Result<Pattern> p = ParsePattern(text);
    ASSERT_FALSE(p.ok()) << text;
    EXPECT_NE(p.status().message().find("hash"), std::string::npos) << p.status().message();
  }
}

// STIX 2.0's grammar writes START/STOP times as plain strings; 2.1 as t'…'.
TEST(ParserTest, Stix20StartStopTakesPlainStrings) {
  ParseOptions v20;
  v20.version = StixVersion::k20;
  const char* plain = "[a:b = 1] START '2016-06-01T00:00:00Z' STOP '2016-07-01T00:00:00Z'";
  Result<Pattern> p = ParsePattern(plain, v20);
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->root.qualifiers.at(0).start.micros, ParseTimestamp("2016-06-01T00:00:00Z")->micros);
  EXPECT_FALSE(ParsePattern(plain).ok());  // 2.1
  EXPECT_FALSE(ParsePattern("[a:b = 1] START 'June' STOP '2016-07-01T00:00:00Z'", v20).ok());
}

TEST(ParserTest, CheckPatternHelpers) {
  EXPECT_EQ(CheckPattern("[file:name = 'a']"), std::nullopt);
  EXPECT_TRUE(CheckPattern("[file:name = ]").has_value());
  EXPECT_EQ(CheckIndicatorPattern("alert tcp any any", "snort", "2.9"), std::nullopt);
  EXPECT_TRUE(CheckIndicatorPattern("[x", "stix", "2.1").has_value());
}

}  // namespace
}  // namespace entente::pattern
