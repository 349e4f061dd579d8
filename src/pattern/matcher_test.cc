#include "pattern/matcher.h"

#include <gtest/gtest.h>

#include <string>

#include "pattern/parser.h"

namespace entente::pattern {
namespace {

namespace json = boost::json;

// Matches `text` against `observations` (JSON text); fails the test on parse errors.
MatchResult RunMatch(std::string_view text, std::string_view observations,
                     StixVersion version = StixVersion::k21, const MatchOptions& options = {}) {
  Result<Pattern> p = ParsePattern(text);
  EXPECT_TRUE(p.ok()) << p.status().message();
  if (!p.ok()) return {};
  Result<Matcher> m = Matcher::Compile(*p, options);
  EXPECT_TRUE(m.ok());
  Result<ObservationSet> set = LoadObservations(json::parse(observations), version);
  EXPECT_TRUE(set.ok()) << set.status().message();
  if (!m.ok() || !set.ok()) return {};
  return m->Match(*set);
}

bool Matches(std::string_view text, std::string_view observations,
             StixVersion version = StixVersion::k21) {
  return RunMatch(text, observations, version).matched;
}

// A STIX 2.1 bundle with one observed-data over the given SCOs (JSON objects text).
std::string Bundle21(const std::string& scos, const std::string& refs,
                     const std::string& first = "2020-01-01T00:00:00Z",
                     const std::string& last = "2020-01-01T00:00:00Z", int n = 1) {
  return R"({"type":"bundle","id":"bundle--1","objects":[)" + scos +
         R"(,{"type":"observed-data","id":"observed-data--1","first_observed":")" + first +
         R"(","last_observed":")" + last + R"(","number_observed":)" + std::to_string(n) +
         R"(,"object_refs":[)" + refs + "]}]}";
}

const char* kFile =
    R"({"type":"file","id":"file--1","name":"foo.dll","size":4096,
        "hashes":{"SHA-256":"aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f",
                  "MD5":"cead3f77f6cda6ec00f57d76c9a6879f"},"magic_number_hex":"FFD8",
        "created":"2014-01-13T07:03:17Z","parent_directory_ref":"directory--1",
        "extensions":{"windows-pebinary-ext":{"sections":[{"entropy":6.5},{"entropy":7.5}]}}})";
const char* kDir = R"({"type":"directory","id":"directory--1","path":"C:\\Windows\\System32"})";

std::string FileBundle() {
  return Bundle21(std::string(kFile) + "," + kDir, R"("file--1","directory--1")");
}

TEST(MatcherTest, Equality) {
  EXPECT_TRUE(Matches("[file:name = 'foo.dll']", FileBundle()));
  EXPECT_FALSE(Matches("[file:name = 'Foo.dll']", FileBundle()));
  EXPECT_TRUE(Matches("[file:name != 'bar.dll']", FileBundle()));
  EXPECT_TRUE(Matches("[file:size = 4096]", FileBundle()));
  EXPECT_FALSE(Matches("[file:size = '4096']", FileBundle()));  // string vs number
  EXPECT_FALSE(Matches("[file:nope != 'x']", FileBundle()));    // missing never matches
}

TEST(MatcherTest, HashKeysAreCaseSensitive) {
  EXPECT_TRUE(
      Matches("[file:hashes.'SHA-256' = "
              "'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
              FileBundle()));
  EXPECT_FALSE(
      Matches("[file:hashes.'sha-256' = "
              "'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
              FileBundle()));
  EXPECT_TRUE(Matches("[file:hashes.MD5 = 'cead3f77f6cda6ec00f57d76c9a6879f']", FileBundle()));
}

TEST(MatcherTest, Ordering) {
  EXPECT_TRUE(Matches("[file:size > 4000]", FileBundle()));
  EXPECT_TRUE(Matches("[file:size <= 4096]", FileBundle()));
  EXPECT_FALSE(Matches("[file:size < 4096]", FileBundle()));
  EXPECT_TRUE(Matches("[file:size >= 4095.5]", FileBundle()));
  EXPECT_TRUE(Matches("[file:name < 'goo']", FileBundle()));
  EXPECT_TRUE(Matches("[file:created = t'2014-01-13T07:03:17.000Z']", FileBundle()));
  EXPECT_TRUE(Matches("[file:created < t'2015-01-01T00:00:00Z']", FileBundle()));
}

TEST(MatcherTest, NotNegatesTheOperator) {
  EXPECT_TRUE(Matches("[file:name NOT = 'bar.dll']", FileBundle()));
  EXPECT_FALSE(Matches("[file:name NOT = 'foo.dll']", FileBundle()));
  EXPECT_FALSE(Matches("[file:name NOT LIKE 'foo%']", FileBundle()));
  EXPECT_FALSE(Matches("[file:missing NOT = 'x']", FileBundle()));
}

TEST(MatcherTest, InSet) {
  EXPECT_TRUE(Matches("[file:name IN ('a', 'foo.dll')]", FileBundle()));
  EXPECT_FALSE(Matches("[file:name IN ('a', 'b')]", FileBundle()));
  EXPECT_TRUE(Matches("[file:size NOT IN (1, 2)]", FileBundle()));
  EXPECT_FALSE(Matches("[file:size IN ()]", FileBundle()));
}

TEST(MatcherTest, LikeEscapesEverythingButWildcards) {
  EXPECT_TRUE(Matches("[file:name LIKE 'foo%']", FileBundle()));
  EXPECT_TRUE(Matches("[file:name LIKE 'fo_.dll']", FileBundle()));
  EXPECT_FALSE(Matches("[file:name LIKE 'fo_']", FileBundle()));
  EXPECT_FALSE(Matches("[file:name LIKE 'foo.dl']", FileBundle()));   // whole value
  EXPECT_FALSE(Matches("[file:name LIKE 'foo.dl+']", FileBundle()));  // '+' is literal
  EXPECT_FALSE(Matches("[file:name LIKE 'foo_dll.*']", FileBundle()));
}

TEST(MatcherTest, MatchesIsAnUnanchoredRe2Search) {
  EXPECT_TRUE(Matches("[file:name MATCHES 'o+\\\\.d']", FileBundle()));
  EXPECT_TRUE(Matches("[file:name MATCHES '^foo\\\\.dll$']", FileBundle()));
  EXPECT_FALSE(Matches("[file:name MATCHES '^oo']", FileBundle()));
  EXPECT_FALSE(Matches("[file:size MATCHES '4096']", FileBundle()));  // not a string
}

TEST(MatcherTest, MatchesOnBinaryPropertyUsesBytes) {
  std::string art = Bundle21(
      R"({"type":"artifact","id":"artifact--1","payload_bin":"1MOyoQIABAA="})", R"("artifact--1")");
  EXPECT_TRUE(
      Matches(R"([artifact:payload_bin MATCHES '\\xd4\\xc3\\xb2\\xa1\\x02\\x00\\x04\\x00'])", art));
  EXPECT_TRUE(Matches("[artifact:payload_bin = h'd4c3b2a102000400']", art));
  EXPECT_TRUE(Matches("[artifact:payload_bin = b'1MOyoQIABAA=']", art));
  EXPECT_FALSE(Matches("[artifact:payload_bin = h'd4c3']", art));
}

TEST(MatcherTest, HexAgainstHexProperty) {
  EXPECT_TRUE(Matches("[file:magic_number_hex = h'ffd8']", FileBundle()));
  EXPECT_FALSE(Matches("[file:magic_number_hex = h'ffd9']", FileBundle()));
}

TEST(MatcherTest, ListsAndExtensions) {
  EXPECT_TRUE(
      Matches("[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0]", FileBundle()));
  EXPECT_FALSE(
      Matches("[file:extensions.'windows-pebinary-ext'.sections[0].entropy > 7.0]", FileBundle()));
  EXPECT_TRUE(
      Matches("[file:extensions.'windows-pebinary-ext'.sections[1].entropy > 7.0]", FileBundle()));
  EXPECT_FALSE(
      Matches("[file:extensions.'windows-pebinary-ext'.sections[5].entropy > 0]", FileBundle()));
  EXPECT_FALSE(
      Matches("[file:extensions.'windows-pebinary-ext'.sections[-1].entropy > 0]", FileBundle()));
}

TEST(MatcherTest, ExistsAndRefs) {
  EXPECT_TRUE(Matches("[EXISTS file:hashes.MD5]", FileBundle()));
  EXPECT_FALSE(Matches("[EXISTS file:hashes.SHA1]", FileBundle()));
  EXPECT_TRUE(
      Matches(R"([file:parent_directory_ref.path = 'C:\\Windows\\System32'])", FileBundle()));
  EXPECT_TRUE(Matches("[file:parent_directory_ref = 'directory--1']", FileBundle()));
}

std::string Traffic21() {
  return Bundle21(
      R"({"type":"ipv4-addr","id":"ipv4-addr--1","value":"198.51.100.7"},
         {"type":"ipv6-addr","id":"ipv6-addr--1","value":"2001:db8:dead:beef::1"},
         {"type":"domain-name","id":"domain-name--1","value":"example.com",
          "resolves_to_refs":["ipv4-addr--1","ipv6-addr--1"]},
         {"type":"network-traffic","id":"network-traffic--1","dst_ref":"ipv4-addr--1",
          "src_ref":"ipv6-addr--1","dst_port":443,"protocols":["tcp"]})",
      R"("ipv4-addr--1","ipv6-addr--1","domain-name--1","network-traffic--1")");
}

TEST(MatcherTest, CidrSubsetSuperset) {
  EXPECT_TRUE(Matches("[ipv4-addr:value ISSUBSET '198.51.100.0/24']", Traffic21()));
  EXPECT_FALSE(Matches("[ipv4-addr:value ISSUBSET '198.51.101.0/24']", Traffic21()));
  EXPECT_TRUE(Matches("[network-traffic:dst_ref.value ISSUBSET '198.0.0.0/8']", Traffic21()));
  EXPECT_TRUE(Matches(
      "[network-traffic:src_ref.value ISSUBSET '2001:0db8:dead:beef:0000:0000:0000:0000/64']",
      Traffic21()));
  EXPECT_FALSE(Matches("[network-traffic:src_ref.value ISSUBSET '0.0.0.0/0']", Traffic21()));
  EXPECT_TRUE(Matches("[ipv4-addr:value ISSUPERSET '198.51.100.7']", Traffic21()));
  EXPECT_FALSE(Matches("[ipv4-addr:value ISSUPERSET '198.51.100.0/24']", Traffic21()));
}

TEST(MatcherTest, RefsListsDereference) {
  EXPECT_TRUE(Matches("[domain-name:resolves_to_refs[*].value = '198.51.100.7']", Traffic21()));
  EXPECT_TRUE(
      Matches("[domain-name:resolves_to_refs[1].value = '2001:db8:dead:beef::1']", Traffic21()));
  EXPECT_FALSE(
      Matches("[domain-name:resolves_to_refs[0].value = '2001:db8:dead:beef::1']", Traffic21()));
  EXPECT_TRUE(
      Matches("[network-traffic:dst_ref.type = 'ipv4-addr' AND "
              "network-traffic:dst_port = 443]",
              Traffic21()));
}

TEST(MatcherTest, SameTypeAndNeedsOneObject) {
  std::string two = Bundle21(
      R"({"type":"file","id":"file--a","name":"a","size":1},
         {"type":"file","id":"file--b","name":"b","size":2})",
      R"("file--a","file--b")");
  EXPECT_TRUE(Matches("[file:name = 'a' AND file:size = 1]", two));
  EXPECT_FALSE(Matches("[file:name = 'a' AND file:size = 2]", two));
  EXPECT_TRUE(Matches("[file:name = 'a' OR file:size = 2]", two));
  // Mixed types: comparisons joined by AND hold for one object (the reference matcher
  // intersects the sets of root objects each comparison selects), so two types never
  // meet; OR unites the sets, so either object will do.
  std::string mixed = Bundle21(
      R"({"type":"file","id":"file--a","name":"a"},
         {"type":"process","id":"process--a","name":"p"})",
      R"("file--a","process--a")");
  EXPECT_FALSE(Matches("[file:name = 'a' AND process:name = 'p']", mixed));
  EXPECT_TRUE(Matches("[file:name = 'a' OR process:name = 'q']", mixed));
  EXPECT_TRUE(Matches("[file:name = 'b' OR process:name = 'p']", mixed));
  EXPECT_FALSE(Matches("[file:name = 'b' OR process:name = 'q']", mixed));
  // (a AND b) OR c: the AND still needs one object, the OR may take another type.
  EXPECT_TRUE(Matches("[(file:name = 'a' AND process:name = 'p') OR process:name = 'p']", mixed));
  EXPECT_FALSE(Matches("[file:name = 'a' AND (process:name = 'p' OR file:name = 'x')]", mixed));
}

// STIX 2.0: embedded objects keyed "0", "1", refs by those keys.
const char* kObserved20 = R"([
  {"type":"observed-data","id":"observed-data--a","first_observed":"2020-01-01T00:00:00Z",
   "last_observed":"2020-01-01T00:00:10Z","number_observed":1,
   "objects":{"0":{"type":"ipv4-addr","value":"10.0.0.5"},
              "1":{"type":"network-traffic","dst_ref":"0","dst_port":53,"protocols":["udp"]}}},
  {"type":"observed-data","id":"observed-data--b","first_observed":"2020-01-01T00:01:00Z",
   "last_observed":"2020-01-01T00:01:00Z","number_observed":2,
   "objects":{"0":{"type":"domain-name","value":"evil.example"}}}
])";

TEST(MatcherTest, Stix20EmbeddedObjects) {
  EXPECT_TRUE(
      Matches("[network-traffic:dst_ref.value = '10.0.0.5']", kObserved20, StixVersion::k20));
  EXPECT_TRUE(
      Matches("[network-traffic:dst_ref.value ISSUBSET '10.0.0.0/8' AND "
              "network-traffic:dst_port = 53]",
              kObserved20, StixVersion::k20));
  EXPECT_FALSE(
      Matches("[network-traffic:dst_ref.value = '10.0.0.6']", kObserved20, StixVersion::k20));
}

TEST(MatcherTest, ObservationOperators) {
  auto v = StixVersion::k20;
  EXPECT_TRUE(Matches("[ipv4-addr:value = '10.0.0.5'] AND [domain-name:value = 'evil.example']",
                      kObserved20, v));
  // AND needs two different observed-data.
  EXPECT_FALSE(Matches("[ipv4-addr:value = '10.0.0.5'] AND [network-traffic:dst_port = 53]",
                       kObserved20, v));
  EXPECT_TRUE(Matches("[ipv4-addr:value = '1.1.1.1'] OR [domain-name:value = 'evil.example']",
                      kObserved20, v));
  EXPECT_TRUE(
      Matches("[ipv4-addr:value = '10.0.0.5'] FOLLOWEDBY [domain-name:value = 'evil.example']",
              kObserved20, v));
  EXPECT_FALSE(
      Matches("[domain-name:value = 'evil.example'] FOLLOWEDBY [ipv4-addr:value = '10.0.0.5']",
              kObserved20, v));
}

TEST(MatcherTest, Qualifiers) {
  auto v = StixVersion::k20;
  const char* both = "([ipv4-addr:value = '10.0.0.5'] AND [domain-name:value = 'evil.example'])";
  // WITHIN (reference): one window of n seconds meets every observation's
  // [first_observed, last_observed]: latest first (01:00) − earliest last (00:10) = 50 s.
  EXPECT_TRUE(Matches(std::string(both) + " WITHIN 50 SECONDS", kObserved20, v));
  EXPECT_FALSE(Matches(std::string(both) + " WITHIN 49 SECONDS", kObserved20, v));
  EXPECT_TRUE(Matches("[domain-name:value = 'evil.example'] REPEATS 2 TIMES", kObserved20, v));
  EXPECT_FALSE(Matches("[domain-name:value = 'evil.example'] REPEATS 3 TIMES", kObserved20, v));
  EXPECT_TRUE(
      Matches("[ipv4-addr:value = '10.0.0.5' OR domain-name:value = 'evil.example'] "
              "REPEATS 3 TIMES",
              kObserved20, v));
  // START/STOP (reference): the observation's interval [00:00, 00:10] meets [start, stop):
  // it may touch start, not stop.
  EXPECT_TRUE(
      Matches("[ipv4-addr:value = '10.0.0.5'] START t'2020-01-01T00:00:10Z' "
              "STOP t'2020-01-01T00:00:11Z'",
              kObserved20, v));
  EXPECT_TRUE(
      Matches("[ipv4-addr:value = '10.0.0.5'] START t'2019-12-31T00:00:00Z' "
              "STOP t'2020-01-01T00:00:01Z'",
              kObserved20, v));
  EXPECT_FALSE(
      Matches("[ipv4-addr:value = '10.0.0.5'] START t'2019-12-31T00:00:00Z' "
              "STOP t'2020-01-01T00:00:00Z'",
              kObserved20, v));
  EXPECT_FALSE(
      Matches("[ipv4-addr:value = '10.0.0.5'] START t'2020-01-01T00:00:11Z' "
              "STOP t'2020-01-01T00:01:00Z'",
              kObserved20, v));
}

// STIX 2.1 9.5 / the reference: a value of another type than the constant is not equal
// to it: `=` is false, `!=` and the NOT forms are true; ordering is false either way; a
// path that reaches nothing passes nothing.
TEST(MatcherTest, OtherTypeIsUnequal) {
  EXPECT_FALSE(Matches("[file:size = 'big']", FileBundle()));
  EXPECT_TRUE(Matches("[file:size != 'big']", FileBundle()));
  EXPECT_TRUE(Matches("[file:size NOT = 'big']", FileBundle()));
  EXPECT_TRUE(Matches("[file:size NOT IN ('a', 'b')]", FileBundle()));
  EXPECT_TRUE(Matches("[file:size NOT LIKE 'a%']", FileBundle()));
  EXPECT_TRUE(Matches("[file:size NOT MATCHES '^a']", FileBundle()));
  EXPECT_TRUE(Matches("[file:name NOT ISSUBSET '10.0.0.0/8']", FileBundle()));
  EXPECT_TRUE(Matches("[file:name != 12]", FileBundle()));
  EXPECT_FALSE(Matches("[file:name < 12]", FileBundle()));
  EXPECT_FALSE(Matches("[file:name NOT < 12]", FileBundle()));
  EXPECT_FALSE(Matches("[file:nope != 'x']", FileBundle()));
  EXPECT_FALSE(Matches("[file:nope NOT IN ()]", FileBundle()));
}

TEST(MatcherTest, EmptySets) {
  EXPECT_FALSE(Matches("[file:name IN ()]", FileBundle()));
  EXPECT_TRUE(Matches("[file:name NOT IN ()]", FileBundle()));
  EXPECT_TRUE(Matches("[file:size NOT IN ()]", FileBundle()));
}

// STIX 2.1 9.5: strings compare after NFC normalisation, both sides.
TEST(MatcherTest, StringsCompareInNfc) {
  std::string b = Bundle21(R"({"type":"file","id":"file--n","name":"cafe\u0301"})", R"("file--n")");
  EXPECT_TRUE(Matches("[file:name = 'café']", b));
  EXPECT_FALSE(Matches("[file:name != 'café']", b));
  EXPECT_TRUE(Matches("[file:name IN ('x', 'café')]", b));
  EXPECT_TRUE(Matches("[file:name LIKE 'caf_']", b));
  EXPECT_TRUE(Matches("[file:name MATCHES '^caf.$']", b));
  EXPECT_TRUE(Matches("[file:name >= 'café']", b));
}

// The reference's binary rules: `_bin`/`_hex` values are bytes; a string equals them when
// its code points, one byte each, are those bytes; MATCHES runs on the bytes.
TEST(MatcherTest, BinaryAgainstStrings) {
  std::string b =
      Bundle21(R"({"type":"artifact","id":"artifact--1","payload_bin":"aGVsbG8=","x_hex":"e9ff"})",
               R"("artifact--1")");
  EXPECT_TRUE(Matches("[artifact:payload_bin = 'hello']", b));
  EXPECT_TRUE(Matches("[artifact:payload_bin = h'68656c6c6f']", b));
  EXPECT_TRUE(Matches("[artifact:payload_bin = b'aGVsbG8=']", b));
  EXPECT_TRUE(Matches("[artifact:payload_bin LIKE 'he%']", b));
  EXPECT_TRUE(Matches("[artifact:payload_bin MATCHES 'l+o$']", b));
  EXPECT_TRUE(Matches("[artifact:x_hex = 'éÿ']", b));  // U+00E9 U+00FF as bytes
  EXPECT_TRUE(Matches("[artifact:x_hex MATCHES '^\\\\xe9']", b));
  EXPECT_FALSE(Matches("[artifact:x_hex = 'Ω']", b));  // code point ≥ 256: never equal
  EXPECT_TRUE(Matches("[artifact:x_hex != 'Ω']", b));
  EXPECT_TRUE(Matches("[artifact:x_hex NOT > 'Ω']", b));  // cannot order: false, NOT true
}

// Timestamps in the data that are not timestamps make the match an error (the reference
// raises "Invalid timestamp in JSON"), wherever the comparison sits in the pattern.
TEST(MatcherTest, TimestampComparisonOnBadDataIsAnError) {
  std::string b = Bundle21(R"({"type":"file","id":"file--t","name":"x","created":"yesterday"})",
                           R"("file--t")");
  for (const char* text :
       {"[file:created = t'2020-01-01T00:00:00Z']", "[file:created > t'2020-01-01T00:00:00Z']",
        "[file:created IN (t'2020-01-01T00:00:00Z')]",
        "[file:name = 'x'] OR [file:created != t'2020-01-01T00:00:00Z']"}) {
    MatchResult r = RunMatch(text, b);
    EXPECT_FALSE(r.matched) << text;
    EXPECT_EQ(r.status.code(), StatusCode::kInvalidArgument) << text;
    EXPECT_NE(r.status.message().find("yesterday"), std::string::npos) << r.status.message();
  }
  MatchResult ok = RunMatch("[file:name = 'x']", b);
  EXPECT_TRUE(ok.matched);
  EXPECT_TRUE(ok.status.ok());
}

// An observed-data with number_observed n stands for n observations (the reference binds
// observation expressions to distinct instances).
TEST(MatcherTest, NumberObservedCountsInstances) {
  std::string two = Bundle21(R"({"type":"ipv4-addr","id":"ipv4-addr--1","value":"1.2.3.4"},
                                {"type":"domain-name","id":"domain-name--1","value":"x.com"})",
                             R"("ipv4-addr--1","domain-name--1")", "2020-01-01T00:00:00Z",
                             "2020-01-01T00:00:00Z", 2);
  EXPECT_TRUE(Matches("[ipv4-addr:value = '1.2.3.4'] AND [domain-name:value = 'x.com']", two));
  EXPECT_TRUE(Matches("[ipv4-addr:value = '1.2.3.4'] REPEATS 2 TIMES", two));
  EXPECT_FALSE(Matches("[ipv4-addr:value = '1.2.3.4'] REPEATS 3 TIMES", two));
  std::string one = Bundle21(R"({"type":"ipv4-addr","id":"ipv4-addr--1","value":"1.2.3.4"},
                                {"type":"domain-name","id":"domain-name--1","value":"x.com"})",
                             R"("ipv4-addr--1","domain-name--1")");
  EXPECT_FALSE(Matches("[ipv4-addr:value = '1.2.3.4'] AND [domain-name:value = 'x.com']", one));
  // One observed-data seen a thousand times satisfies REPEATS 1000 on its own, and the
  // answer names it once.
  std::string many =
      Bundle21(R"({"type":"ipv4-addr","id":"ipv4-addr--1","value":"1.2.3.4"})", R"("ipv4-addr--1")",
               "2020-01-01T00:00:00Z", "2020-01-01T00:00:00Z", 1000);
  MatchResult r = RunMatch("[ipv4-addr:value = '1.2.3.4'] REPEATS 1000 TIMES", many);
  EXPECT_TRUE(r.matched);
  EXPECT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.binding.size(), 1u);
}

// REPEATS followed by WITHIN looks for repetitions that fit one window, not only the first
// ones found.
TEST(MatcherTest, RepeatsWithinFindsAWindow) {
  std::string objects = R"({"type":"bundle","id":"bundle--1","objects":[
    {"type":"ipv4-addr","id":"ipv4-addr--1","value":"1.2.3.4"},)";
  const char* times[] = {"2020-01-01T00:00:00Z", "2020-01-01T01:00:00Z", "2020-01-01T02:00:00Z",
                         "2020-01-01T02:00:05Z", "2020-01-01T02:00:09Z"};
  for (int i = 0; i < 5; ++i) {
    objects += R"({"type":"observed-data","id":"observed-data--)" + std::to_string(i) +
               R"(","first_observed":")" + times[i] + R"(","last_observed":")" + times[i] +
               R"(","number_observed":1,"object_refs":["ipv4-addr--1"]})";
    objects += i < 4 ? "," : "]}";
  }
  EXPECT_TRUE(Matches("[ipv4-addr:value = '1.2.3.4'] REPEATS 3 TIMES WITHIN 10 SECONDS", objects));
  EXPECT_FALSE(Matches("[ipv4-addr:value = '1.2.3.4'] REPEATS 3 TIMES WITHIN 8 SECONDS", objects));
  EXPECT_FALSE(Matches("[ipv4-addr:value = '1.2.3.4'] REPEATS 4 TIMES WITHIN 10 SECONDS", objects));
  EXPECT_TRUE(
      Matches("[ipv4-addr:value = '1.2.3.4'] REPEATS 2 TIMES START t'2020-01-01T01:00:00Z' "
              "STOP t'2020-01-01T02:00:01Z'",
              objects));
  EXPECT_FALSE(
      Matches("[ipv4-addr:value = '1.2.3.4'] REPEATS 3 TIMES START t'2020-01-01T01:00:00Z' "
              "STOP t'2020-01-01T02:00:01Z'",
              objects));
}

TEST(MatcherTest, BareObjectsWithoutObservedData) {
  EXPECT_TRUE(Matches("[file:name = 'x']", R"({"type":"file","id":"file--1","name":"x"})"));
  EXPECT_FALSE(Matches("[file:name = 'x'] WITHIN 5 SECONDS",
                       R"({"type":"file","id":"file--1","name":"x"})"));
}

TEST(MatcherTest, BindingsJsonNamesObservedData) {
  Result<Pattern> p = ParsePattern(
      "[ipv4-addr:value = '10.0.0.5'] FOLLOWEDBY [domain-name:value = 'evil.example']");
  ASSERT_TRUE(p.ok());
  Result<Matcher> m = Matcher::Compile(*p);
  ASSERT_TRUE(m.ok());
  Result<ObservationSet> set = LoadObservations(json::parse(kObserved20), StixVersion::k20);
  ASSERT_TRUE(set.ok());
  MatchResult r = m->Match(*set);
  ASSERT_TRUE(r.matched);
  json::value out = json::parse(m->BindingsJson(r, *set));
  EXPECT_EQ(out.at("matched"), true);
  const json::array& b = out.at("bindings").as_array();
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[0].at("observed_data").as_array()[0], "observed-data--a");
  EXPECT_EQ(b[1].at("observed_data").as_array()[0], "observed-data--b");
  EXPECT_EQ(b[1].at("pattern"), "[domain-name:value = 'evil.example']");
}

TEST(MatcherTest, HostilePatternStaysBounded) {
  // 64 observed-data that all match; 12-way AND would need 64^12 combinations.
  std::string arr = "[";
  for (int i = 0; i < 64; ++i) {
    if (i > 0) arr += ",";
    arr += R"({"type":"observed-data","id":"observed-data--)" + std::to_string(i) +
           R"(","first_observed":"2020-01-01T00:00:00Z","last_observed":"2020-01-01T00:00:00Z",)"
           R"("number_observed":1,"objects":{"0":{"type":"x","v":1}}})";
  }
  arr += "]";
  std::string pat;
  for (int i = 0; i < 70; ++i) pat += (i ? " AND " : "") + std::string("[x:v = 1]");
  MatchResult r = RunMatch(pat, arr, StixVersion::k20);
  EXPECT_FALSE(r.matched);  // 70 distinct observed-data do not exist
  EXPECT_EQ(r.status.code(), StatusCode::kResourceExhausted) << r.status.ToString();

  std::string small;
  for (int i = 0; i < 3; ++i) small += (i ? " AND " : "") + std::string("[x:v = 1]");
  EXPECT_TRUE(RunMatch(small, arr, StixVersion::k20).matched);
}

TEST(MatcherTest, ReferenceFanOutOnTenKilobytesStaysBounded) {
  // One ~10 KB observed-data: 60 objects, each referring to 10 others, so a path through
  // four `_refs[*]` steps reaches 10^4 values per object, and 300 such regex comparisons.
  std::string objects;
  for (int i = 0; i < 60; ++i) {
    if (i > 0) objects += ",";
    objects +=
        "\"" + std::to_string(i) + R"(":{"type":"x","s":"aaaaaaaaaaaaaaaaaaaa","child_refs":[)";
    for (int j = 0; j < 60; j += 6) objects += (j ? ",\"" : "\"") + std::to_string(j) + "\"";
    objects += "]}";
  }
  std::string obs = R"([{"type":"observed-data","id":"observed-data--1","number_observed":1,)"
                    R"("first_observed":"2020-01-01T00:00:00Z","objects":{)" +
                    objects + "}}]";
  EXPECT_LT(obs.size(), 12000u);
  std::string pat = "[";
  for (int i = 0; i < 300; ++i) {
    pat += (i ? " OR " : "") +
           std::string(
               "x:child_refs[*].child_refs[*].child_refs[*].child_refs[*].s MATCHES '(a|aa)*b'");
  }
  pat += "]";
  MatchResult r = RunMatch(pat, obs, StixVersion::k20);
  EXPECT_FALSE(r.matched);
  EXPECT_EQ(r.status.code(), StatusCode::kResourceExhausted);
  // The same shape that does match is found before the budget runs out.
  EXPECT_TRUE(
      RunMatch("[x:child_refs[*].child_refs[*].s MATCHES '^a+$']", obs, StixVersion::k20).matched);
}

}  // namespace
}  // namespace entente::pattern
