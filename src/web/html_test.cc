// web/html.h: the one escaping function, and the text helpers beside it.
#include "web/html.h"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

namespace entente::web {
namespace {

TEST(Html, EscapesTheFiveCharactersHtmlGivesAMeaning) {
  // HTML Living Standard §13.1.2.6 (text) and §13.1.2.3 (quoted attribute values).
  EXPECT_EQ(Html("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
  EXPECT_EQ(Html("plain text 1.2.3.4"), "plain text 1.2.3.4");
  EXPECT_EQ(Html(""), "");
}

TEST(Html, KeepsValidUtf8AndReplacesInvalidBytes) {
  EXPECT_EQ(Html("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"),
            "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
  // A lone continuation byte, an overlong '<' (0xC0 0xBC) and a truncated sequence.
  EXPECT_EQ(Html("a\x80"), "a\xEF\xBF\xBD");
  EXPECT_EQ(Html("\xC0\xBC"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(Html("\xE2\x82"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  // An encoded surrogate (U+D800) is not UTF-8.
  EXPECT_EQ(Html("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(Href, EncodesParametersThenEscapes) {
  EXPECT_EQ(Href("/ui/object", {{"collection", "c1"}, {"id", "a&b\"<"}}),
            "/ui/object?collection=c1&amp;id=a%26b%22%3C");
  EXPECT_EQ(Href("/ui/browse", {{"type", ""}, {"tlp", "amber+strict"}}),
            "/ui/browse?tlp=amber%2Bstrict");
}

TEST(PrettyJson, IndentsAndKeepsOrder) {
  auto v = boost::json::parse(R"({"b":1,"a":[true,{"c":"<x>"}],"e":{},"f":[]})");
  EXPECT_EQ(PrettyJson(v),
            "{\n  \"b\": 1,\n  \"a\": [\n    true,\n    {\n      \"c\": \"<x>\"\n    }\n  ],\n"
            "  \"e\": {},\n  \"f\": []\n}");
}

TEST(Thousands, GroupsDigits) {
  EXPECT_EQ(Thousands(0), "0");
  EXPECT_EQ(Thousands(999), "999");
  EXPECT_EQ(Thousands(1000), "1,000");
  EXPECT_EQ(Thousands(1234567), "1,234,567");
  EXPECT_EQ(Thousands(-20000), "-20,000");
}

TEST(WhenText, FormatsUtc) {
  EXPECT_EQ(WhenText(0), "never");
  EXPECT_EQ(WhenText(1'700'000'000'000'000), "2023-11-14 22:13:20 UTC");
}

}  // namespace
}  // namespace entente::web
