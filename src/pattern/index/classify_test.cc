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
         "'b.example') OR file:hashes.'SHA-256' = '" +
         std::string(64, 'a') +
         "' OR url:value LIKE '%/gate%' "
         "OR url:value MATCHES '^https?://' OR ipv6-addr:value ISSUBSET '2001:db8::/32']");
  EXPECT_EQ(c.kind, PatternClass::kSimple);
  ASSERT_EQ(c.leaves.size(), 7u);
  EXPECT_EQ(c.leaves[0], (Leaf{"ipv4-addr", {"value"}, LeafOp::kEqual, "1.2.3.4"}));
  EXPECT_EQ(c.leaves[2], (Leaf{"domain-name", {"value"}, LeafOp::kEqual, "b.example"}));
  EXPECT_EQ(c.leaves[3],
            (Leaf{"file", {"hashes", "SHA-256"}, LeafOp::kEqual, std::string(64, 'a')}));
  EXPECT_EQ(c.leaves[4].op, LeafOp::kLike);
  EXPECT_EQ(c.leaves[5].op, LeafOp::kMatches);
  EXPECT_EQ(c.leaves[6].op, LeafOp::kIsSubset);
  EXPECT_EQ(c.object_types,
            (std::vector<std::string>{"domain-name", "file", "ipv4-addr", "ipv6-addr", "url"}));
}

TEST(ClassifyTest, AndOrSeveralObservationsOrQualifiersArePrefiltered) {
  EXPECT_EQ(Of("[file:name = 'a' AND file:size = 3]").kind, PatternClass::kGated);
  EXPECT_EQ(Of("[file:name = 'a' AND file:hashes.MD5 = '" + std::string(32, 'b') + "']").kind,
            PatternClass::kPrefiltered);
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

// STIX 2.1 section 9.4: a binary property (`_bin`, base64; `_hex`) is compared as bytes,
// also with a string constant (its code points as bytes, as the reference matcher does):
// the evaluator decodes first, so no comparison on one is a leaf of the index.
TEST(ClassifyTest, BinaryPropertiesAreNeverLeaves) {
  for (const char* text :
       {"[artifact:payload_bin = 'TVo=']", "[artifact:payload_bin LIKE 'TV%']",
        "[artifact:payload_bin MATCHES '^MZ']", "[file:magic_number_hex = 'ffd8']",
        "[x-thing:data_hex IN ('00', '01')]"}) {
    Classified c = Of(text);
    EXPECT_EQ(c.kind, PatternClass::kGated) << text;
    EXPECT_TRUE(c.leaves.empty()) << text;
  }
  EXPECT_EQ(Of("[file:name_binx = 'a']").kind, PatternClass::kSimple);
}

// A path ending in a reference property: the OASIS reference matcher resolves it (so
// [file:parent_directory_ref = 'directory--…'] never holds there), entente's evaluator
// compares the identifier; either way the evaluator decides, not the index.
TEST(ClassifyTest, ReferencePropertiesAreNeverLeaves) {
  for (const char* text :
       {"[file:parent_directory_ref = 'directory--1']",
        "[email-message:from_ref LIKE 'email-addr--%']", "[x-thing:extra_refs = 'x--1']"}) {
    EXPECT_EQ(Of(text).kind, PatternClass::kGated) << text;
  }
  EXPECT_EQ(Of("[file:x_reference = 'a']").kind, PatternClass::kSimple);
}

// STIX 2.1 section 9.4: strings are compared after Unicode NFC normalisation, so a leaf
// keeps its constant in NFC ("e" + U+0301 becomes U+00E9) for =, IN, LIKE and MATCHES.
TEST(ClassifyTest, LeafConstantsAreKeptInNfc) {
  Classified c =
      Of("[file:name = 'cafe\xCC\x81' OR file:name IN ('re\xCC\x81sume\xCC\x81') OR "
         "file:name LIKE 'cafe\xCC\x81%' OR file:name MATCHES '^cafe\xCC\x81']");
  ASSERT_EQ(c.leaves.size(), 4u);
  EXPECT_EQ(c.leaves[0].literal, "caf\xC3\xA9");
  EXPECT_EQ(c.leaves[1].literal, "r\xC3\xA9sum\xC3\xA9");
  EXPECT_EQ(c.leaves[2].literal, "caf\xC3\xA9%");
  EXPECT_EQ(c.leaves[3].literal, "^caf\xC3\xA9");
}

}  // namespace
}  // namespace entente::pattern::index
