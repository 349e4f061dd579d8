// Rule by rule: marking-definition, extension-definition, language-content.
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

boost::json::object TlpGreen() {
  return Obj(R"({
    "type": "marking-definition", "spec_version": "2.1",
    "id": "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
    "created": "2017-01-20T00:00:00.000Z",
    "definition_type": "tlp", "name": "TLP:GREEN", "definition": {"tlp": "green"}
  })");
}

boost::json::object Statement() {
  return Obj(R"({
    "type": "marking-definition", "spec_version": "2.1",
    "id": "marking-definition--fa42a846-8d90-4e51-bc29-71d5b4802168",
    "created": "2017-06-01T00:00:00.000Z",
    "created_by_ref": "identity--c78cb6e5-0c4b-4611-8297-d1b8b55e40b5",
    "definition_type": "statement",
    "definition": {"statement": "Copyright 2015-2025, The MITRE Corporation."}
  })");
}

TEST(MetaTest, ValidMarkingDefinitions) {
  for (const auto& o : {TlpGreen(), Statement()}) {
    const auto f = ValidateObject(o);
    EXPECT_TRUE(f.empty()) << Describe(f);
  }
  // Marking definitions are not versioned: no modified needed.
  EXPECT_FALSE(TlpGreen().contains("modified"));
}

TEST(MetaTest, MarkingDefinitionRules) {
  EXPECT_TRUE(Breaks(With(TlpGreen(), "created", ""), "required-property", "created"));
  EXPECT_TRUE(Breaks(With(Statement(), "object_marking_refs",
                          R"(["marking-definition--fa42a846-8d90-4e51-bc29-71d5b4802168"])"),
                     "marking-self-reference", "object_marking_refs[0]"));
  EXPECT_TRUE(RulesOf(With(Statement(), "object_marking_refs",
                           R"(["marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"])"))
                  .empty());
  EXPECT_TRUE(
      Breaks(With(Statement(), "granular_markings",
                  R"([{"marking_ref": "marking-definition--fa42a846-8d90-4e51-bc29-71d5b4802168",
                               "selectors": ["definition"]}])"),
             "marking-self-reference", "granular_markings[0].marking_ref"));
  EXPECT_TRUE(Breaks(With(Statement(), "definition", ""), "required-property", "definition"));
  EXPECT_TRUE(Breaks(With(Statement(), "definition", R"({"text": "x"})"), "required-property",
                     "definition.statement"));
  EXPECT_TRUE(
      Breaks(With(TlpGreen(), "definition", R"({"tlp": "purple"})"), "enum", "definition.tlp"));
  EXPECT_TRUE(
      Breaks(With(TlpGreen(), "definition", R"({"tlp": "red"})"), "tlp-builtin", "definition.tlp"));
  EXPECT_TRUE(Breaks(
      With(TlpGreen(), "id", R"("marking-definition--fa42a846-8d90-4e51-bc29-71d5b4802168")"),
      "tlp-builtin", "id"));
  // A marking defined only through an extension (e.g. the TLP 2.0 extension) is valid.
  auto ext = Obj(R"({
    "type": "marking-definition", "spec_version": "2.1",
    "id": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "created": "2022-10-01T00:00:00.000Z", "name": "TLP:GREEN",
    "extensions": {"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":
                   {"extension_type": "property-extension", "tlp_2_0": "green"}}
  })");
  EXPECT_TRUE(RulesOf(ext).empty()) << Describe(ValidateObject(ext));
}

boost::json::object ExtensionDefinition() {
  return Obj(R"({
    "type": "extension-definition", "spec_version": "2.1",
    "id": "extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e",
    "created_by_ref": "identity--11b76a96-5d2b-45e0-8a5a-f6994f370731",
    "created": "2014-02-20T09:16:08.989Z", "modified": "2014-02-20T09:16:08.989Z",
    "name": "Extension Foo Bar", "schema": "https://www.example.com/schema-foo-1a/v1/",
    "version": "1.2.1", "extension_types": ["property-extension"]
  })");
}

TEST(MetaTest, ExtensionDefinition) {
  const auto f = ValidateObject(ExtensionDefinition());
  EXPECT_TRUE(f.empty()) << Describe(f);
  for (const char* name : {"created_by_ref", "name", "schema", "version", "extension_types"}) {
    SCOPED_TRACE(name);
    EXPECT_TRUE(Breaks(With(ExtensionDefinition(), name, ""), "required-property", name));
  }
  EXPECT_TRUE(Breaks(With(ExtensionDefinition(), "extension_types", R"(["new-widget"])"), "enum",
                     "extension_types[0]"));
  EXPECT_TRUE(Breaks(With(ExtensionDefinition(), "extension_types", "[]"), "empty-list",
                     "extension_types"));
}

boost::json::object LanguageContent() {
  return Obj(R"({
    "type": "language-content", "spec_version": "2.1",
    "id": "language-content--b86bd89f-98bb-4fa9-8cb2-9ad421da981d",
    "created": "2017-02-08T21:31:22.007Z", "modified": "2017-02-08T21:31:22.007Z",
    "object_ref": "campaign--12a111f0-b824-4baf-a224-83b80237a094",
    "object_modified": "2017-02-08T21:31:22.007Z",
    "contents": {"de": {"name": "Bank Angriff 1"}, "fr": {"name": "Attaque Bank 1"}}
  })");
}

TEST(MetaTest, LanguageContent) {
  const auto f = ValidateObject(LanguageContent());
  EXPECT_TRUE(f.empty()) << Describe(f);
  EXPECT_TRUE(Breaks(With(LanguageContent(), "object_ref", ""), "required-property", "object_ref"));
  EXPECT_TRUE(Breaks(With(LanguageContent(), "contents", ""), "required-property", "contents"));
  EXPECT_TRUE(Breaks(With(LanguageContent(), "contents", "{}"), "empty-dictionary", "contents"));
  EXPECT_TRUE(
      Breaks(With(LanguageContent(), "contents", R"({"de": "x"})"), "type-object", "contents.de"));
  EXPECT_TRUE(Breaks(With(LanguageContent(), "object_modified", R"("now")"), "timestamp-format",
                     "object_modified"));
}

}  // namespace
}  // namespace entente::stix
