// Rule by rule: relationship and sighting.
#include <gtest/gtest.h>

#include <string>

#include "stix/stix.h"
#include "stix/test_util.h"

namespace entente::stix {
namespace {

using testing::Breaks;
using testing::Describe;
using testing::Obj;
using testing::RulesOf;
using testing::With;

boost::json::object Relationship() {
  return Obj(R"({
    "type": "relationship", "spec_version": "2.1",
    "id": "relationship--44298a74-ba52-4f0c-87a3-1824e67d7fad",
    "created": "2016-04-06T20:06:37.000Z", "modified": "2016-04-06T20:06:37.000Z",
    "relationship_type": "indicates",
    "source_ref": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
    "target_ref": "malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b",
    "start_time": "2016-04-06T20:06:37Z", "stop_time": "2016-04-07T20:06:37Z"
  })");
}

boost::json::object Sighting() {
  return Obj(R"({
    "type": "sighting", "spec_version": "2.1",
    "id": "sighting--ee20065d-2555-424f-ad9e-0f8428623c75",
    "created": "2016-04-06T20:08:31.000Z", "modified": "2016-04-06T20:08:31.000Z",
    "sighting_of_ref": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
    "count": 0, "summary": false,
    "first_seen": "2016-04-06T20:08:31Z", "last_seen": "2016-04-06T20:08:31Z",
    "observed_data_refs": ["observed-data--b67d30ff-02ac-498a-92f9-32f845f448cf"],
    "where_sighted_refs": ["identity--b67d30ff-02ac-498a-92f9-32f845f448ff",
                           "location--b67d30ff-02ac-498a-92f9-32f845f448ff"]
  })");
}

TEST(SroTest, ValidRelationship) {
  const auto f = ValidateObject(Relationship());
  EXPECT_TRUE(f.empty()) << Describe(f);
}

TEST(SroTest, RelationshipRules) {
  for (const char* name : {"relationship_type", "source_ref", "target_ref"}) {
    SCOPED_TRACE(name);
    EXPECT_TRUE(Breaks(With(Relationship(), name, ""), "required-property", name));
  }
  EXPECT_TRUE(Breaks(With(Relationship(), "relationship_type", R"("Indicates")"),
                     "relationship-type-format", "relationship_type"));
  EXPECT_TRUE(RulesOf(With(Relationship(), "relationship_type", R"("x-acme-funds")")).empty());
  EXPECT_TRUE(Breaks(With(Relationship(), "source_ref", R"("indicator")"), "identifier-format",
                     "source_ref"));
  EXPECT_TRUE(Breaks(
      With(Relationship(), "target_ref", R"("relationship--44298a74-ba52-4f0c-87a3-1824e67d7fad")"),
      "ref-type", "target_ref"));
  EXPECT_TRUE(Breaks(With(Relationship(), "source_ref",
                          R"("marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da")"),
                     "ref-type", "source_ref"));
  // SCOs and custom objects are fine ends.
  EXPECT_TRUE(RulesOf(With(Relationship(), "target_ref",
                           R"("ipv4-addr--44298a74-ba52-4f0c-87a3-1824e67d7fad")"))
                  .empty());
  EXPECT_TRUE(RulesOf(With(Relationship(), "target_ref",
                           R"("x-mitre-tactic--44298a74-ba52-4f0c-87a3-1824e67d7fad")"))
                  .empty());
  EXPECT_TRUE(Breaks(With(Relationship(), "stop_time", R"("2016-04-06T20:06:37Z")"),
                     "stop-time-before-start-time", "stop_time"));
}

TEST(SroTest, ValidSighting) {
  const auto f = ValidateObject(Sighting());
  EXPECT_TRUE(f.empty()) << Describe(f);
}

TEST(SroTest, SightingRules) {
  EXPECT_TRUE(
      Breaks(With(Sighting(), "sighting_of_ref", ""), "required-property", "sighting_of_ref"));
  EXPECT_TRUE(RulesOf(With(Sighting(), "count", "999999999")).empty());
  EXPECT_TRUE(Breaks(
      With(Sighting(), "sighting_of_ref", R"("ipv4-addr--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f")"),
      "ref-type", "sighting_of_ref"));
  EXPECT_TRUE(RulesOf(With(Sighting(), "sighting_of_ref",
                           R"("x-acme-alert--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f")"))
                  .empty());
  EXPECT_TRUE(Breaks(With(Sighting(), "count", "1000000000"), "range", "count"));
  EXPECT_TRUE(Breaks(With(Sighting(), "count", "-1"), "range", "count"));
  EXPECT_TRUE(Breaks(With(Sighting(), "last_seen", R"("2016-04-06T20:08:30Z")"),
                     "last-seen-before-first-seen", "last_seen"));
  EXPECT_TRUE(Breaks(With(Sighting(), "observed_data_refs",
                          R"(["indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"])"),
                     "ref-type", "observed_data_refs[0]"));
  EXPECT_TRUE(Breaks(With(Sighting(), "where_sighted_refs",
                          R"(["malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"])"),
                     "ref-type", "where_sighted_refs[0]"));
  EXPECT_TRUE(Breaks(With(Sighting(), "summary", "1"), "type-boolean", "summary"));
}

}  // namespace
}  // namespace entente::stix
