// Rule by rule: the common properties, names, references, markings and extensions.
#include <gtest/gtest.h>

#include "stix/stix.h"
#include "stix/test_util.h"

namespace entente::stix {
namespace {

using testing::Breaks;
using testing::Describe;
using testing::Obj;
using testing::RulesOf;
using testing::With;

constexpr char kUuid[] = "6ba7b810-9dad-41d1-b0b4-00c04fd430c8";

boost::json::object Campaign() {
  return Obj(R"({
    "type": "campaign", "spec_version": "2.1",
    "id": "campaign--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061",
    "created": "2016-05-12T08:17:27.000Z", "modified": "2016-05-12T08:17:27.000Z",
    "name": "Green Group Attacks Against Finance",
    "created_by_ref": "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff",
    "labels": ["finance"], "confidence": 50, "lang": "en", "revoked": false,
    "external_references": [{"source_name": "capec", "external_id": "CAPEC-163"}],
    "object_marking_refs": ["marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"],
    "x_acme_score": 7
  })");
}

TEST(CommonPropertiesTest, ValidCampaignHasNoFindings) {
  const auto findings = ValidateObject(Campaign());
  EXPECT_TRUE(findings.empty()) << Describe(findings);
}

TEST(CommonPropertiesTest, RequiredCommonProperties) {
  for (const char* name : {"id", "spec_version", "created", "modified"}) {
    SCOPED_TRACE(name);
    EXPECT_TRUE(Breaks(With(Campaign(), name, ""), "required-property", name));
  }
  EXPECT_EQ(RulesOf(With(Campaign(), "type", "")), std::vector<std::string>{"required-property"});
}

TEST(CommonPropertiesTest, TypeName) {
  auto o = With(Campaign(), "type", R"("X_Campaign")");
  EXPECT_TRUE(Breaks(o, "type-name", "type"));
  EXPECT_TRUE(Breaks(With(Campaign(), "type", "7"), "type-string", "type"));
}

TEST(CommonPropertiesTest, IdForm) {
  EXPECT_TRUE(Breaks(With(Campaign(), "id", R"("campaign-0c7b5b88")"), "identifier-format", "id"));
  EXPECT_TRUE(Breaks(With(Campaign(), "id", R"("campaign--0c7b5b88-8ff7-4a4d-0a9d-feb398cd0061")"),
                     "identifier-uuid", "id"));
  EXPECT_TRUE(Breaks(With(Campaign(), "id", R"("indicator--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061")"),
                     "id-type-mismatch", "id"));
}

TEST(CommonPropertiesTest, SpecVersion) {
  EXPECT_TRUE(Breaks(With(Campaign(), "spec_version", R"("2.0")"), "spec-version", "spec_version"));
  EXPECT_TRUE(Breaks(With(Campaign(), "spec_version", "2.1"), "type-string", "spec_version"));
}

TEST(CommonPropertiesTest, TimestampsAndPrecision) {
  EXPECT_TRUE(Breaks(With(Campaign(), "created", R"("2016-05-12 08:17:27.000Z")"),
                     "timestamp-format", "created"));
  EXPECT_TRUE(Breaks(With(Campaign(), "modified", R"("2016-05-12T08:17:27Z")"),
                     "timestamp-precision", "modified"));
  // Microsecond precision is finer than a millisecond: fine.
  EXPECT_TRUE(RulesOf(With(Campaign(), "modified", R"("2016-05-12T08:17:27.000001Z")")).empty());
  EXPECT_TRUE(Breaks(With(Campaign(), "modified", R"("2016-05-12T08:17:26.999Z")"),
                     "modified-before-created", "modified"));
}

TEST(CommonPropertiesTest, SimpleCommonTypes) {
  EXPECT_TRUE(Breaks(With(Campaign(), "revoked", R"("no")"), "type-boolean", "revoked"));
  EXPECT_TRUE(Breaks(With(Campaign(), "labels", R"("finance")"), "type-list", "labels"));
  EXPECT_TRUE(Breaks(With(Campaign(), "labels", "[]"), "empty-list", "labels"));
  EXPECT_TRUE(Breaks(With(Campaign(), "labels", "[1]"), "type-string", "labels[0]"));
  EXPECT_TRUE(Breaks(With(Campaign(), "confidence", "101"), "range", "confidence"));
  EXPECT_TRUE(Breaks(With(Campaign(), "confidence", "-1"), "range", "confidence"));
  EXPECT_TRUE(Breaks(With(Campaign(), "confidence", "50.5"), "type-integer", "confidence"));
  EXPECT_TRUE(RulesOf(With(Campaign(), "confidence", "100")).empty());
  EXPECT_TRUE(Breaks(With(Campaign(), "lang", "1"), "type-string", "lang"));
}

TEST(CommonPropertiesTest, ExternalReferences) {
  EXPECT_TRUE(Breaks(With(Campaign(), "external_references", R"([{"url": "https://x.example"}])"),
                     "required-property", "external_references[0].source_name"));
  EXPECT_TRUE(Breaks(With(Campaign(), "external_references", R"([{"source_name": "a"}])"),
                     "external-reference", "external_references[0]"));
  EXPECT_TRUE(RulesOf(With(Campaign(), "external_references",
                           R"([{"source_name": "a", "description": "d"}])"))
                  .empty());
  EXPECT_TRUE(Breaks(With(Campaign(), "external_references",
                          R"([{"source_name": "a", "url": "u", "hashes": {"SHA-1": "zz"}}])"),
                     "hash-value", "external_references[0].hashes.SHA-1"));
}

TEST(CommonPropertiesTest, ReferenceTargets) {
  EXPECT_TRUE(Breaks(
      With(Campaign(), "created_by_ref", R"("organization--f431f809-377b-45e0-aa1c-6a4751cae5ff")"),
      "ref-type", "created_by_ref"));
  EXPECT_TRUE(Breaks(With(Campaign(), "object_marking_refs",
                          R"(["identity--f431f809-377b-45e0-aa1c-6a4751cae5ff"])"),
                     "ref-type", "object_marking_refs[0]"));
  EXPECT_TRUE(Breaks(With(Campaign(), "object_marking_refs", R"(["tlp-green"])"),
                     "identifier-format", "object_marking_refs[0]"));
}

TEST(CommonPropertiesTest, GenericReferenceRule) {
  // An unlisted *_ref / *_refs property still has to hold identifiers...
  EXPECT_TRUE(Breaks(With(Campaign(), "acme_owner_ref", R"("bob")"), "identifier-format",
                     "acme_owner_ref"));
  EXPECT_TRUE(
      Breaks(With(Campaign(), "acme_peer_refs", R"("identity--)" + std::string(kUuid) + "\""),
             "type-list", "acme_peer_refs"));
  EXPECT_TRUE(
      RulesOf(With(Campaign(), "acme_peer_refs", R"(["identity--)" + std::string(kUuid) + "\"]"))
          .empty());
  // ...but custom x_ properties are the producer's business.
  EXPECT_TRUE(RulesOf(With(Campaign(), "x_mitre_data_source_ref", R"("")")).empty());
}

TEST(CommonPropertiesTest, PropertyNames) {
  EXPECT_TRUE(Breaks(With(Campaign(), "xy", "1"), "property-name", "xy"));
  EXPECT_TRUE(Breaks(With(Campaign(), "x-acme", "1"), "property-name", "x-acme"));
  EXPECT_TRUE(Breaks(With(Campaign(), "xAcme", "1"), "property-name", "xAcme"));
  EXPECT_TRUE(RulesOf(With(Campaign(), "x_acme_anything", R"({"nested-Key": [1]})")).empty());
}

TEST(CommonPropertiesTest, GranularMarkings) {
  const std::string marking = R"("marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da")";
  EXPECT_TRUE(RulesOf(With(Campaign(), "granular_markings",
                           R"([{"marking_ref": )" + marking +
                               R"(, "selectors": ["name", "labels.[0]",
                                   "external_references.[0].source_name"]},
                                 {"lang": "en", "selectors": ["name"]}])"))
                  .empty());
  EXPECT_TRUE(
      Breaks(With(Campaign(), "granular_markings",
                  R"([{"marking_ref": )" + marking + R"(, "lang": "en", "selectors": ["name"]}])"),
             "granular-marking", "granular_markings[0]"));
  EXPECT_TRUE(Breaks(With(Campaign(), "granular_markings", R"([{"selectors": ["name"]}])"),
                     "granular-marking", "granular_markings[0]"));
  EXPECT_TRUE(Breaks(With(Campaign(), "granular_markings", R"([{"lang": "en"}])"),
                     "required-property", "granular_markings[0].selectors"));
  EXPECT_TRUE(Breaks(With(Campaign(), "granular_markings", R"([{"lang": "en", "selectors": []}])"),
                     "empty-list", "granular_markings[0].selectors"));
  for (const char* bad : {"description", "labels.[1]", "labels.[x]", "name.[0]", "labels..[0]",
                          "external_references.[0].url"}) {
    SCOPED_TRACE(bad);
    EXPECT_TRUE(Breaks(With(Campaign(), "granular_markings",
                            R"([{"lang": "en", "selectors": [")" + std::string(bad) + "\"]}]"),
                       "granular-selector", "granular_markings[0].selectors[0]"));
  }
}

TEST(CommonPropertiesTest, Extensions) {
  const std::string def = "extension-definition--" + std::string(kUuid);
  EXPECT_TRUE(
      RulesOf(With(Campaign(), "extensions",
                   R"({")" + def + R"(": {"extension_type": "property-extension", "rank": 1}})"))
          .empty());
  EXPECT_TRUE(Breaks(With(Campaign(), "extensions", R"({"acme": {}})"), "extension-name",
                     "extensions.acme"));
  EXPECT_TRUE(Breaks(With(Campaign(), "extensions", R"({"extension-definition--1234": {}})"),
                     "extension-name", "extensions.extension-definition--1234"));
  EXPECT_TRUE(Breaks(With(Campaign(), "extensions", R"({")" + def + R"(": 3})"), "type-object",
                     "extensions." + def));
  EXPECT_TRUE(Breaks(
      With(Campaign(), "extensions", R"({")" + def + R"(": {"extension_type": "new-thing"}})"),
      "enum", "extensions." + def + ".extension_type"));
  EXPECT_TRUE(Breaks(With(Campaign(), "extensions", "{}"), "empty-dictionary", "extensions"));
  EXPECT_TRUE(Breaks(With(Campaign(), "extensions", R"({")" + def + R"(": {}})"),
                     "empty-dictionary", "extensions." + def));
}

TEST(CommonPropertiesTest, GenericValueRules) {
  EXPECT_TRUE(Breaks(With(Campaign(), "x_acme_list", "[]"), "empty-list", "x_acme_list"));
  EXPECT_TRUE(Breaks(With(Campaign(), "x_acme_note", "null"), "null-value", "x_acme_note"));
  EXPECT_TRUE(
      Breaks(With(Campaign(), "x_acme_magic_hex", R"("abc")"), "hex-format", "x_acme_magic_hex"));
  EXPECT_TRUE(RulesOf(With(Campaign(), "x_acme_magic_hex", R"("00ff")")).empty());
  EXPECT_TRUE(Breaks(With(Campaign(), "x_acme_blob_bin", R"("not base64")"), "binary-format",
                     "x_acme_blob_bin"));
  EXPECT_TRUE(RulesOf(With(Campaign(), "x_acme_blob_bin", R"("aGk=")")).empty());
  // One problem, one finding, even when a generic and a specific rule both see it.
  EXPECT_EQ(RulesOf(With(Campaign(), "labels", "[]")), std::vector<std::string>{"empty-list"});
}

TEST(CommonPropertiesTest, CustomObjectsNeedOnlyTypeAndId) {
  auto o =
      Obj(R"({"type": "x-acme-widget", "id": "x-acme-widget--6ba7b810-9dad-41d1-b0b4-00c04fd430c8",
                   "x_size": 3})");
  EXPECT_TRUE(RulesOf(o).empty()) << Describe(ValidateObject(o));
  EXPECT_TRUE(Breaks(With(o, "created", R"("yesterday")"), "timestamp-format", "created"));
  EXPECT_TRUE(Breaks(With(o, "spec_version", R"("2.0")"), "spec-version", "spec_version"));
  EXPECT_TRUE(Breaks(With(o, "type", R"("x_acme")"), "type-name", "type"));
  EXPECT_TRUE(Breaks(With(o, "id", ""), "required-property", "id"));
}

TEST(CommonPropertiesTest, FindingCarriesObjectIdAndJsonLine) {
  const auto findings = ValidateObject(With(Campaign(), "confidence", "200"));
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].object_id, "campaign--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061");
  auto line = ParseJson(findings[0].ToJsonLine());
  ASSERT_TRUE(line.ok());
  EXPECT_EQ(line->at("rule").as_string(), "range");
  EXPECT_EQ(line->at("property").as_string(), "confidence");
  EXPECT_EQ(findings[0].ToJsonLine().find('\n'), std::string::npos);
}

}  // namespace
}  // namespace entente::stix
