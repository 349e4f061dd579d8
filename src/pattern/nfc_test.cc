#include "pattern/nfc.h"

#include <gtest/gtest.h>

namespace entente::pattern {
namespace {

// STIX 2.1 §9 (Comparison Operators): strings are compared after NFC normalisation - the composed
// and the decomposed spelling of one character are the same string.
TEST(NfcTest, DecomposedBecomesComposed) {
  EXPECT_EQ(ToNfc("caf\x65\xcc\x81"), "caf\xc3\xa9");  // e + U+0301 -> U+00E9
  EXPECT_FALSE(IsNfc("caf\x65\xcc\x81"));
  EXPECT_TRUE(IsNfc("caf\xc3\xa9"));
}

TEST(NfcTest, AsciiAndComposedTextAreUnchanged) {
  EXPECT_EQ(ToNfc("evil.example.com"), "evil.example.com");
  EXPECT_EQ(ToNfc("\xe6\x9d\xb1\xe4\xba\xac"), "\xe6\x9d\xb1\xe4\xba\xac");  // 東京
  EXPECT_EQ(ToNfc(""), "");
}

// Canonical reordering: two combining marks in non-canonical order are put in order.
TEST(NfcTest, CombiningMarksAreReordered) {
  // a + U+0323 (dot below, ccc 220) + U+0307 (dot above, ccc 230) composes to U+1EA1 U+0307.
  EXPECT_EQ(ToNfc("a\xcc\x87\xcc\xa3"), "\xe1\xba\xa1\xcc\x87");
  EXPECT_EQ(ToNfc("a\xcc\xa3\xcc\x87"), "\xe1\xba\xa1\xcc\x87");
}

// Bytes that are not UTF-8 cannot be normalised and are compared as they are.
TEST(NfcTest, InvalidUtf8IsLeftAlone) {
  EXPECT_TRUE(IsNfc("\xff\xfe"));
  EXPECT_EQ(ToNfc("\xc3"), "\xc3");
}

}  // namespace
}  // namespace entente::pattern
