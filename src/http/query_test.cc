#include "http/query.h"

#include <gtest/gtest.h>

namespace entente::http {
namespace {

TEST(PercentDecode, DecodesEscapesAndPlus) {
  auto r = PercentDecode("match%5Bid%5D+x%2f", true);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "match[id] x/");
  auto keep_plus = PercentDecode("a+b", false);
  ASSERT_TRUE(keep_plus.ok());
  EXPECT_EQ(*keep_plus, "a+b");
}

TEST(PercentDecode, RejectsBrokenEscapes) {
  EXPECT_FALSE(PercentDecode("abc%", true).ok());
  EXPECT_FALSE(PercentDecode("abc%4", true).ok());
  auto bad = PercentDecode("%zz", true);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("offset 0"), std::string::npos);
}

TEST(ParseQuery, KeepsRepeatedKeysInOrder) {
  auto r = ParseQuery("match[type]=indicator&limit=5&&match%5Btype%5D=malware&flag");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 4u);
  EXPECT_EQ((*r)[0], (QueryParam{"match[type]", "indicator"}));
  EXPECT_EQ((*r)[1], (QueryParam{"limit", "5"}));
  EXPECT_EQ((*r)[2], (QueryParam{"match[type]", "malware"}));
  EXPECT_EQ((*r)[3], (QueryParam{"flag", ""}));
}

TEST(ParseQuery, DecodesTimestampsWithColons) {
  auto r = ParseQuery("added_after=2016-01-01T01%3A01%3A01.000000Z");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].second, "2016-01-01T01:01:01.000000Z");
}

TEST(ParseQuery, LimitsParameterCount) {
  std::string q;
  for (int i = 0; i < 10; ++i) q += "a=1&";
  EXPECT_TRUE(ParseQuery(q, 10).ok());
  auto r = ParseQuery(q + "b=2", 10);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
}

TEST(SplitTarget, SeparatesPathAndQuery) {
  std::string_view path, query;
  SplitTarget("/api/collections/?limit=1", &path, &query);
  EXPECT_EQ(path, "/api/collections/");
  EXPECT_EQ(query, "limit=1");
  SplitTarget("/taxii2/", &path, &query);
  EXPECT_EQ(path, "/taxii2/");
  EXPECT_EQ(query, "");
}

TEST(ExtractToken, Bearer) {
  auto r = ExtractToken("Bearer ent_abc");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "ent_abc");
  EXPECT_TRUE(ExtractToken("bearer   ent_abc  ").ok());
  EXPECT_FALSE(ExtractToken("Bearer ").ok());
  EXPECT_FALSE(ExtractToken("Bearer a b").ok());
}

TEST(ExtractToken, BasicUsesPasswordAsToken) {
  // base64("alice:ent_secret")
  auto r = ExtractToken("Basic YWxpY2U6ZW50X3NlY3JldA==");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "ent_secret");
  // base64("alice") has no colon.
  EXPECT_FALSE(ExtractToken("Basic YWxpY2U=").ok());
  EXPECT_FALSE(ExtractToken("Basic !!!").ok());
  auto other = ExtractToken("Digest abc");
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), StatusCode::kUnauthenticated);
}

TEST(EncodeQueryValue, KeepsUnreservedAndEscapesTheRest) {
  EXPECT_EQ(EncodeQueryValue("2026-01-01T00:00:00.000Z"), "2026-01-01T00%3A00%3A00.000Z");
  EXPECT_EQ(EncodeQueryValue("a b&c=d"), "a%20b%26c%3Dd");
  EXPECT_EQ(EncodeQueryValue("Az09-._~"), "Az09-._~");
  auto back = PercentDecode(EncodeQueryValue("match[id]=x/y\xff"), false);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, "match[id]=x/y\xff");
}

TEST(Authorization, BuiltValuesReadBack) {
  EXPECT_EQ(BearerAuthorization("ent_abc"), "Bearer ent_abc");
  EXPECT_EQ(BasicAuthorization("alice", "ent_secret"), "Basic YWxpY2U6ZW50X3NlY3JldA==");
  auto bearer = ExtractToken(BearerAuthorization("ent_abc"));
  ASSERT_TRUE(bearer.ok());
  EXPECT_EQ(*bearer, "ent_abc");
  auto basic = ExtractToken(BasicAuthorization("anyone", "ent_x:y"));
  ASSERT_TRUE(basic.ok()) << basic.status().ToString();
  EXPECT_EQ(*basic, "ent_x:y");
}

}  // namespace
}  // namespace entente::http
