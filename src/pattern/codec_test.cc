#include "pattern/codec.h"

#include <gtest/gtest.h>

namespace entente::pattern {
namespace {

TEST(CodecTest, Base64) {
  EXPECT_EQ(DecodeBase64("aGVsbG8="), "hello");
  EXPECT_EQ(DecodeBase64("aGk="), "hi");
  EXPECT_EQ(DecodeBase64(""), "");
  EXPECT_FALSE(DecodeBase64("aGk"));
  EXPECT_FALSE(DecodeBase64("a=Gk"));
  EXPECT_FALSE(DecodeBase64("aG!k"));
}

TEST(CodecTest, Hex) {
  EXPECT_EQ(DecodeHex("ffD8"), std::string("\xff\xd8"));
  EXPECT_FALSE(DecodeHex("abc"));
  EXPECT_FALSE(DecodeHex("zz"));
}

TEST(CodecTest, CidrV4) {
  auto net = ParseCidr("10.0.0.0/8");
  auto host = ParseCidr("10.1.2.3");
  auto other = ParseCidr("11.0.0.1/32");
  ASSERT_TRUE(net && host && other);
  EXPECT_TRUE(CidrContains(*net, *host));
  EXPECT_FALSE(CidrContains(*host, *net));
  EXPECT_FALSE(CidrContains(*net, *other));
  EXPECT_FALSE(ParseCidr("10.0.0.0/33"));
  EXPECT_FALSE(ParseCidr("10.0.0/8"));
  EXPECT_FALSE(ParseCidr("example.com"));
}

TEST(CodecTest, CidrV6AndFamiliesDoNotMix) {
  auto net = ParseCidr("2001:0db8:dead:beef:0000:0000:0000:0000/64");
  auto host = ParseCidr("2001:db8:dead:beef::1");
  auto v4 = ParseCidr("0.0.0.0/0");
  ASSERT_TRUE(net && host && v4);
  EXPECT_TRUE(CidrContains(*net, *host));
  EXPECT_FALSE(CidrContains(*v4, *host));
  EXPECT_FALSE(ParseCidr("::1/129"));
}

}  // namespace
}  // namespace entente::pattern
