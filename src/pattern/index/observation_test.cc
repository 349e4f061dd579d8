#include "pattern/index/observation.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <string>

namespace entente::pattern::index {
namespace {

TEST(ObservationTest, StixTwoZeroEmbeddedObjects) {
  auto v = boost::json::parse(R"({"type":"observed-data","id":"observed-data--1",
    "last_observed":"2024-01-01T00:00:00Z",
    "objects":{"0":{"type":"ipv4-addr","value":"1.2.3.4"},"1":{"type":"file","name":"a"}}})");
  auto set = ViewsOf(v);
  const auto& views = set.views;
  ASSERT_EQ(views.size(), 1u);
  EXPECT_EQ(views[0].id(), "observed-data--1");
  EXPECT_EQ(views[0].last_observed(), "2024-01-01T00:00:00Z");
  ASSERT_EQ(views[0].objects.size(), 2u);
  EXPECT_EQ(views[0].objects[1]->at("name").as_string(), "a");
}

TEST(ObservationTest, StixTwoOneBundleResolvesRefs) {
  auto v = boost::json::parse(R"({"type":"bundle","id":"bundle--1","objects":[
    {"type":"observed-data","id":"observed-data--1","object_refs":["ipv4-addr--a","x--missing"]},
    {"type":"ipv4-addr","id":"ipv4-addr--a","value":"1.2.3.4"},
    {"type":"observed-data","id":"observed-data--2","object_refs":["domain-name--b"]},
    {"type":"domain-name","id":"domain-name--b","value":"evil.example"}]})");
  auto set = ViewsOf(v);
  const auto& views = set.views;
  ASSERT_EQ(views.size(), 2u);
  EXPECT_EQ(views[0].id(), "observed-data--1");
  ASSERT_EQ(views[0].objects.size(), 1u);  // the unresolvable ref is ignored
  EXPECT_EQ(views[0].objects[0]->at("value").as_string(), "1.2.3.4");
  EXPECT_EQ(views[1].objects[0]->at("value").as_string(), "evil.example");
}

TEST(ObservationTest, BareScosAndScoBundles) {
  auto one = boost::json::parse(R"({"type":"url","value":"http://x/"})");
  auto set = ViewsOf(one);
  const auto& views = set.views;
  ASSERT_EQ(views.size(), 1u);
  EXPECT_EQ(views[0].id(), "");
  EXPECT_EQ(views[0].objects.size(), 1u);
  auto many = boost::json::parse(R"([{"type":"url","value":"a"},{"type":"url","value":"b"},3])");
  EXPECT_EQ(ViewsOf(many).views.size(), 2u);
  EXPECT_TRUE(ViewsOf(boost::json::parse("42")).views.empty());
  EXPECT_TRUE(ViewsOf(boost::json::parse(R"({"no":"type"})")).views.empty());
}

// STIX 2.1 section 4.14: an observed-data's object_refs is a list of identifiers (and
// one of object_refs / the deprecated objects is required). pattern::LoadObservations
// refuses a record breaking this, so the index must see no observation in it at all -
// not even in the other, valid observed-data of the same bundle.
TEST(ObservationTest, RecordsTheEvaluatorRefusesHaveNoViews) {
  const char* good = R"({"type":"observed-data","id":"observed-data--ok",
    "object_refs":["ipv4-addr--a"]},{"type":"ipv4-addr","id":"ipv4-addr--a","value":"1.2.3.4"})";
  for (const char* bad : {R"({"type":"observed-data","id":"observed-data--x","object_refs":"x"})",
                          R"({"type":"observed-data","id":"observed-data--x"})",
                          R"({"type":"observed-data","id":"observed-data--x","objects":[1]})"}) {
    auto v = boost::json::parse(std::string(R"({"type":"bundle","id":"bundle--1","objects":[)") +
                                good + "," + bad + "]}");
    EXPECT_TRUE(ViewsOf(v).views.empty()) << bad;
    EXPECT_TRUE(ViewsOf(boost::json::parse(bad)).views.empty()) << bad;
  }
  auto fine = boost::json::parse(std::string(R"({"type":"bundle","id":"bundle--1","objects":[)") +
                                 good + "]}");
  EXPECT_EQ(ViewsOf(fine).views.size(), 1u);
}

TEST(ObservationTest, StringAtFollowsKeysAndWantsAString) {
  auto v = boost::json::parse(R"({"type":"file","hashes":{"SHA-256":"ab"},"size":3})");
  const auto& o = v.as_object();
  ASSERT_NE(StringAt(o, {"hashes", "SHA-256"}), nullptr);
  EXPECT_EQ(*StringAt(o, {"hashes", "SHA-256"}), "ab");
  EXPECT_EQ(StringAt(o, {"hashes", "MD5"}), nullptr);
  EXPECT_EQ(StringAt(o, {"size"}), nullptr);
  EXPECT_EQ(StringAt(o, {"hashes"}), nullptr);
  EXPECT_EQ(StringAt(o, {"size", "x"}), nullptr);
}

}  // namespace
}  // namespace entente::pattern::index
