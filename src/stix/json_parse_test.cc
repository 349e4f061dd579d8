#include <gtest/gtest.h>

#include <string>

#include "stix/stix.h"

namespace entente::stix {
namespace {

TEST(ParseJsonTest, ParsesAnObject) {
  auto v = ParseJson(R"({"type": "indicator", "n": [1, 2.5, true, null]})");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  ASSERT_TRUE(v->is_object());
  EXPECT_EQ(v->get_object().at("type").get_string(), "indicator");
}

TEST(ParseJsonTest, AllowsSurroundingWhitespace) { EXPECT_TRUE(ParseJson(" \n{}\n ").ok()); }

TEST(ParseJsonTest, RejectsSyntaxErrorsWithOffset) {
  auto v = ParseJson(R"({"a": 1,})");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(v.status().message().find("offset"), std::string::npos) << v.status().message();
}

TEST(ParseJsonTest, RejectsTrailingGarbageAndComments) {
  EXPECT_FALSE(ParseJson("{} x").ok());
  EXPECT_FALSE(ParseJson("{}{}").ok());
  EXPECT_FALSE(ParseJson("{/* c */}").ok());
  EXPECT_FALSE(ParseJson("").ok());
  EXPECT_FALSE(ParseJson("{\"a\": \"\xff\"}").ok());  // invalid UTF-8
}

TEST(ParseJsonTest, EnforcesByteLimit) {
  ParseLimits limits;
  limits.max_bytes = 10;
  auto v = ParseJson(R"({"abcdefghijk": 1})", limits);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(ParseJson("{}", limits).ok());
}

TEST(ParseJsonTest, EnforcesDepthLimit) {
  ParseLimits limits;
  limits.max_depth = 4;
  EXPECT_TRUE(ParseJson("[[[[1]]]]", limits).ok());
  auto v = ParseJson("[[[[[1]]]]]", limits);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kResourceExhausted);
  std::string deep(100000, '[');
  EXPECT_EQ(ParseJson(deep).status().code(), StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace entente::stix
