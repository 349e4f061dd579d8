#include "pattern/index/classify.h"

#include <gtest/gtest.h>

#include "pattern/parser.h"

namespace entente::pattern::index {
namespace {

Classified Of(std::string_view text) {
  auto p = ParsePattern(text);
  EXPECT_TRUE(p.ok()) << text << ": " << p.status().ToString();
  if (!p.ok()) return {};
  return Classify(*p);
}

TEST(ClassifyTest, OrOfPositiveStringComparisonsIsSimple) {
  Classified c =
      Of("[ipv4-addr:value = '1.2.3.4' OR domain-name:value IN ('a.example', "
         "'b.example') OR file:hashes.'SHA-256' = 'ab' OR url:value LIKE '%/gate%' "
         "OR url:value MATCHES '^https?://' OR ipv6-addr:value ISSUBSET '2001:db8::/32']");
  EXPECT_EQ(c.kind, PatternClass::kSimple);
  ASSERT_EQ(c.leaves.size(), 7u);
  EXPECT_EQ(c.leaves[0], (Leaf{"ipv4-addr", {"value"}, LeafOp::kEqual, "1.2.3.4"}));
  EXPECT_EQ(c.leaves[2], (Leaf{"domain-name", {"value"}, LeafOp::kEqual, "b.example"}));
  EXPECT_EQ(c.leaves[3], (Leaf{"file", {"hashes", "SHA-256"}, LeafOp::kEqual, "ab"}));
  EXPECT_EQ(c.leaves[4].op, LeafOp::kLike);
  EXPECT_EQ(c.leaves[5].op, LeafOp::kMatches);
  EXPECT_EQ(c.leaves[6].op, LeafOp::kIsSubset);
  EXPECT_EQ(c.object_types,
            (std::vector<std::string>{"domain-name", "file", "ipv4-addr", "ipv6-addr", "url"}));
}

TEST(ClassifyTest, AndOrSeveralObservationsOrQualifiersArePrefiltered) {
  EXPECT_EQ(Of("[file:name = 'a' AND file:size = 3]").kind, PatternClass::kGated);
  EXPECT_EQ(Of("[file:name = 'a' AND file:hashes.MD5 = 'b']").kind, PatternClass::kPrefiltered);
  EXPECT_EQ(Of("[file:name = 'a'] AND [domain-name:value = 'b']").kind, PatternClass::kPrefiltered);
  EXPECT_EQ(Of("[file:name = 'a'] REPEATS 2 TIMES").kind, PatternClass::kPrefiltered);
  EXPECT_EQ(Of("[file:name = 'a'] OR [file:name = 'b']").kind, PatternClass::kPrefiltered);
}

TEST(ClassifyTest, NegationRefsListsAndOtherOperatorsAreGated) {
  for (const char* text :
       {"[file:name NOT = 'a']", "[file:name != 'a']", "[file:size > 10]",
        "[network-traffic:dst_ref.value = '1.2.3.4']", "[email-message:to_refs[*].value = 'a']",
        "[file:name = 'a' OR file:size = 3]", "[network-traffic:dst_port = 443]",
        "[ipv4-addr:value ISSUPERSET '10.0.0.0/8']", "[artifact:payload_bin MATCHES '^MZ']",
        "[file:name IN ('a', 'b') AND file:x = 'c' "
        "OR file:name NOT LIKE 'x%']"}) {
    Classified c = Of(text);
    EXPECT_EQ(c.kind, PatternClass::kGated) << text;
    EXPECT_TRUE(c.leaves.empty()) << text;
    EXPECT_FALSE(c.object_types.empty()) << text;
  }
  EXPECT_EQ(Of("[network-traffic:dst_ref.value = '1.2.3.4']").object_types,
            std::vector<std::string>{"network-traffic"});
}

}  // namespace
}  // namespace entente::pattern::index
