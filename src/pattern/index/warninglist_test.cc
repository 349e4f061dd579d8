// Warninglists in MISP's format: real excerpts of four of MISP's lists (testdata/, CC0)
// and one list per matching type.
#include "pattern/index/warninglist.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace entente::pattern::index {
namespace {

std::string Slurp(const std::string& name) {
  std::ifstream in(std::string(ENTENTE_WARNINGLIST_TESTDATA) + "/" + name);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

WarninglistSet RealLists() {
  WarninglistSet set;
  for (const char* f : {"public-dns-v4.json", "amazon-aws.json", "cloudflare-top100k.json",
                        "ti-falsepositives.json"}) {
    auto list = ParseWarninglist(Slurp(f));
    EXPECT_TRUE(list.ok()) << f << ": " << list.status().ToString();
    if (list.ok()) set.Add(std::move(list).value());
  }
  set.Build();
  return set;
}

using Names = std::vector<std::string_view>;

TEST(Warninglist, RealListsLoadWithTheirMetadata) {
  WarninglistSet set = RealLists();
  ASSERT_EQ(set.lists().size(), 4u);
  EXPECT_EQ(set.lists()[0].name, "List of known IPv4 public DNS resolvers");
  EXPECT_EQ(set.lists()[0].type, WarninglistType::kCidr);
  EXPECT_EQ(set.lists()[0].version, 20240615);
  EXPECT_FALSE(set.lists()[0].matching_attributes.empty());
  EXPECT_EQ(set.lists()[2].type, WarninglistType::kString);
}

// MISP's cidr type: an address inside an entry (a bare address counts as /32), an address
// inside a block, a block inside a block; the host of a URL is an address too.
TEST(Warninglist, CidrListsHoldAddressesAndBlocks) {
  WarninglistSet set = RealLists();
  const std::string_view dns = "List of known IPv4 public DNS resolvers";
  const std::string_view aws = "List of known Amazon AWS IP address ranges";
  EXPECT_EQ(set.ListsContaining("8.8.8.8"), Names{dns});
  EXPECT_EQ(set.ListsContaining("8.8.8.9"), Names{});
  EXPECT_EQ(set.ListsContaining("1.178.17.3"), Names{aws});     // in 1.178.16.0/20
  EXPECT_EQ(set.ListsContaining("1.178.16.0/24"), Names{aws});  // a block inside
  EXPECT_EQ(set.ListsContaining("1.178.0.0/16"), Names{});      // wider than the entry
  EXPECT_EQ(set.ListsContaining("http://8.8.8.8/dns-query"), Names{dns});
  EXPECT_EQ(set.ListsContaining("not an address"), Names{});
}

// MISP's string type: the whole value, ignoring case (hashes are written either way).
TEST(Warninglist, StringListsMatchWholeValuesIgnoringCase) {
  WarninglistSet set = RealLists();
  const std::string_view fp =
      "Hashes that are often included in IOC lists but are false positives.";
  EXPECT_EQ(set.ListsContaining("00014cb6ebc0e2fb3f83dec061fc8ac1"), Names{fp});
  EXPECT_EQ(set.ListsContaining("00014CB6EBC0E2FB3F83DEC061FC8AC1"), Names{fp});
  EXPECT_EQ(set.ListsContaining("00014cb6ebc0e2fb3f83dec061fc8ac"), Names{});
  EXPECT_EQ(set.ListsContaining("github.com").size(), 1u);
  EXPECT_EQ(set.ListsContaining("www.github.com"), Names{});  // string, not hostname
}

Warninglist Make(WarninglistType type, std::string name, std::vector<std::string> entries) {
  Warninglist l;
  l.name = std::move(name);
  l.type = type;
  l.entries = std::move(entries);
  return l;
}

// MISP's hostname type: the name or any subdomain of it, also as the host of a URL.
TEST(Warninglist, HostnameSubstringAndRegexLists) {
  WarninglistSet set;
  set.Add(Make(WarninglistType::kHostname, "hosts", {"Example.org."}));
  set.Add(Make(WarninglistType::kSubstring, "subs", {"sinkhole"}));
  set.Add(Make(WarninglistType::kRegex, "re", {"^10\\.0\\.[0-9]+\\.[0-9]+$"}));
  set.Build();
  EXPECT_EQ(set.ListsContaining("example.org"), Names{"hosts"});
  EXPECT_EQ(set.ListsContaining("a.b.EXAMPLE.org."), Names{"hosts"});
  EXPECT_EQ(set.ListsContaining("https://user@cdn.example.org:8443/x?y"), Names{"hosts"});
  EXPECT_EQ(set.ListsContaining("badexample.org"), Names{});
  EXPECT_EQ(set.ListsContaining("dns.SINKHOLE.example.net"), Names{"subs"});
  EXPECT_EQ(set.ListsContaining("10.0.3.4"), Names{"re"});
  EXPECT_EQ(set.ListsContaining("sinkhole.example.org"), (Names{"hosts", "subs"}));
}

// Bad input: each refusal names the member at fault.
TEST(Warninglist, BadFilesAreRefusedNamingTheMember) {
  struct Case {
    const char* text;
    const char* says;
  } cases[] = {
      {"[]", "one JSON object"},
      {"{\"type\":\"cidr\",\"list\":[]}", "`name`"},
      {"{\"name\":\"x\",\"list\":[]}", "`type`"},
      {"{\"name\":\"x\",\"type\":\"glob\",\"list\":[]}", "glob"},
      {"{\"name\":\"x\",\"type\":\"cidr\"}", "`list`"},
      {"{\"name\":\"x\",\"type\":\"cidr\",\"list\":[\"300.1.1.1\"]}", "list[0]"},
      {"{\"name\":\"x\",\"type\":\"string\",\"list\":[\"a\",7]}", "list[1]"},
      {"{\"name\":\"x\",\"type\":\"regex\",\"list\":[\"(?<=a)b\"]}", "RE2"},
      {"{\"name\":\"x\",\"type\":\"string\",\"list\":[],\"version\":\"1\"}", "`version`"},
      {"{\"name\":", "warninglist"},
  };
  for (const Case& c : cases) {
    auto r = ParseWarninglist(c.text);
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_NE(r.status().message().find(c.says), std::string::npos)
        << c.text << ": " << r.status().ToString();
  }
}

// The values an indicator looks for, against real lists: `=` and each member of `IN`
// (STIX 2.1 section 9.5: "=" compares with the constant, IN with each member of the set),
// ISSUBSET's block against the cidr lists; what an indicator excludes or only describes
// by LIKE / MATCHES is not a value it looks for.
TEST(Warninglist, HitsOfAPatternNameEachValueAndList) {
  WarninglistSet set = RealLists();
  const std::string dns = "List of known IPv4 public DNS resolvers";
  const std::string aws = "List of known Amazon AWS IP address ranges";
  const std::string top = "Top 100,000 domains from Cloudflare Radar";
  const std::string fp = "Hashes that are often included in IOC lists but are false positives.";
  using Hits = std::vector<WarninglistHit>;
  EXPECT_EQ(WarninglistHitsOfPattern(set, "[ipv4-addr:value = '8.8.8.8']", StixVersion::k21),
            (Hits{{"8.8.8.8", dns}}));
  EXPECT_EQ(WarninglistHitsOfPattern(set, "[ipv4-addr:value = '203.0.113.9']", StixVersion::k21),
            Hits{});
  EXPECT_EQ(WarninglistHitsOfPattern(set,
                                     "[domain-name:value IN ('evil.example', 'github.com')] AND "
                                     "[file:hashes.MD5 = '00014cb6ebc0e2fb3f83dec061fc8ac1']",
                                     StixVersion::k21),
            (Hits{{"github.com", top}, {"00014cb6ebc0e2fb3f83dec061fc8ac1", fp}}));
  EXPECT_EQ(WarninglistHitsOfPattern(set,
                                     "[network-traffic:dst_ref.value ISSUBSET '1.178.16.0/24' OR "
                                     "ipv4-addr:value = '8.8.8.8'] WITHIN 60 SECONDS",
                                     StixVersion::k21),
            (Hits{{"1.178.16.0/24", aws}, {"8.8.8.8", dns}}));
  // Written twice, told once.
  EXPECT_EQ(
      WarninglistHitsOfPattern(
          set, "[ipv4-addr:value = '8.8.8.8'] OR [ipv4-addr:value = '8.8.8.8']", StixVersion::k21),
      (Hits{{"8.8.8.8", dns}}));
  // Excluded or not a value: no hit.
  EXPECT_EQ(WarninglistHitsOfPattern(set, "[ipv4-addr:value != '8.8.8.8']", StixVersion::k21),
            Hits{});
  EXPECT_EQ(WarninglistHitsOfPattern(set, "[ipv4-addr:value NOT = '8.8.8.8']", StixVersion::k21),
            Hits{});
  EXPECT_EQ(
      WarninglistHitsOfPattern(set, "[domain-name:value LIKE 'github.com']", StixVersion::k21),
      Hits{});
  EXPECT_EQ(WarninglistHitsOfPattern(set, "[domain-name:value MATCHES '^github\\.com$']",
                                     StixVersion::k21),
            Hits{});
  // STIX 2.0 patterns (the 2.0 START/STOP strings) parse in 2.0 mode.
  EXPECT_EQ(WarninglistHitsOfPattern(set,
                                     "[ipv4-addr:value = '8.8.8.8'] START '2016-01-01T00:00:00Z' "
                                     "STOP '2016-02-01T00:00:00Z'",
                                     StixVersion::k20),
            (Hits{{"8.8.8.8", dns}}));
  // Text that is no pattern, and a node without lists.
  EXPECT_EQ(WarninglistHitsOfPattern(set, "[ipv4-addr:value = '8.8.8.8'", StixVersion::k21),
            Hits{});
  EXPECT_EQ(
      WarninglistHitsOfPattern(WarninglistSet(), "[ipv4-addr:value = '8.8.8.8']", StixVersion::k21),
      Hits{});
}

TEST(Warninglist, DescribeNamesListAndValue) {
  std::vector<WarninglistHit> hits = {{"8.8.8.8", "dns"}, {"github.com", "top"}};
  EXPECT_EQ(DescribeWarninglistHits(hits),
            "on warninglist dns (8.8.8.8); on warninglist top "
            "(github.com)");
  EXPECT_EQ(DescribeWarninglistHits(hits, 1), "on warninglist dns (8.8.8.8); and 1 more");
  EXPECT_EQ(DescribeWarninglistHits({}), "");
}

// A value on two lists is one hit per list, in the order the lists were added.
TEST(Warninglist, AValueOnTwoListsIsAHitPerList) {
  WarninglistSet set;
  set.Add(Make(WarninglistType::kHostname, "hosts", {"example.org"}));
  set.Add(Make(WarninglistType::kSubstring, "subs", {"sinkhole"}));
  set.Build();
  EXPECT_EQ(WarninglistHitsOfPattern(set, "[url:value = 'http://sinkhole.example.org/a']",
                                     StixVersion::k21),
            (std::vector<WarninglistHit>{{"http://sinkhole.example.org/a", "hosts"},
                                         {"http://sinkhole.example.org/a", "subs"}}));
}

}  // namespace
}  // namespace entente::pattern::index
