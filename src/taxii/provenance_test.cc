#include "taxii/provenance.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <string>

namespace entente::taxii {
namespace {

boost::json::object Envelope(const std::string& member) {
  return boost::json::parse("{\"objects\":[]" + (member.empty() ? "" : "," + member) + "}")
      .as_object();
}

TEST(EnvelopeProvenance, AbsentIsEmpty) {
  auto p = ParseEnvelopeProvenance(Envelope(""), 10);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->empty());
}

TEST(EnvelopeProvenance, ReadsEachEntryByIdAndVersion) {
  auto p = ParseEnvelopeProvenance(Envelope(R"("x_entente_provenance":[
        {"id":"indicator--1","version":"2026-01-01T00:00:00.000Z","path":["node-a","node-b"]},
        {"id":"email-addr--2","version":"","path":["node-c"]}])"),
                                   2);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  const store::Provenance* one = FindProvenance(*p, "indicator--1", "2026-01-01T00:00:00.000Z");
  ASSERT_NE(one, nullptr);
  EXPECT_EQ(one->origin, "node-a");
  EXPECT_EQ(one->path, (std::vector<std::string>{"node-a", "node-b"}));
  ASSERT_NE(FindProvenance(*p, "email-addr--2", ""), nullptr);
  EXPECT_EQ(FindProvenance(*p, "indicator--1", ""), nullptr);  // another version
}

TEST(EnvelopeProvenance, MalformedIsRefusedNamingTheMember) {
  const std::string long_path = [] {
    std::string s = "[";
    for (size_t i = 0; i <= kMaxProvenancePath; ++i)
      s += (i ? ",\"n" : "\"n") + std::to_string(i) + "\"";
    return s + "]";
  }();
  for (const std::string& bad :
       {std::string(R"({})"), std::string(R"([1])"), std::string(R"([{"id":"x","path":["a"]}])"),
        std::string(R"([{"id":"x","version":"","path":[]}])"),
        std::string(R"([{"id":"x","version":"","path":[""]}])"),
        std::string(R"([{"id":"x","version":"","path":["has space"]}])"),
        std::string(R"([{"id":"x","version":"","path":)") + long_path + "}]"}) {
    auto p = ParseEnvelopeProvenance(Envelope("\"x_entente_provenance\":" + bad), 10);
    ASSERT_FALSE(p.ok()) << bad;
    EXPECT_EQ(p.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(p.status().message().rfind("x_entente_provenance: ", 0), 0u) << p.status().message();
  }
  // No more entries than objects.
  auto many = ParseEnvelopeProvenance(
      Envelope(R"("x_entente_provenance":[{"id":"a","version":"","path":["n"]},
                                           {"id":"b","version":"","path":["n"]}])"),
      1);
  EXPECT_FALSE(many.ok());
}

}  // namespace
}  // namespace entente::taxii
