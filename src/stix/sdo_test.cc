// Rule by rule: the STIX Domain Objects.
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

// A valid SDO of `type` with the common properties and `extra` (JSON members, no braces).
boost::json::object Sdo(const std::string& type, const std::string& extra) {
  return Obj(R"({"type": ")" + type + R"(", "spec_version": "2.1", "id": ")" + type +
             R"(--6ba7b810-9dad-41d1-b0b4-00c04fd430c8", "created": "2020-01-01T00:00:00.000Z",
                "modified": "2020-01-01T00:00:00.000Z")" +
             (extra.empty() ? "" : ", " + extra) + "}");
}

constexpr char kRef[] = R"("identity--6ba7b810-9dad-41d1-b0b4-00c04fd430c8")";

TEST(SdoTest, MinimalValidObjects) {
  const std::string refs = std::string(R"("object_refs": [)") + kRef + "]";
  const std::pair<std::string, std::string> cases[] = {
      {"attack-pattern", R"("name": "Spearphishing")"},
      {"campaign", R"("name": "c")"},
      {"course-of-action", R"("name": "c")"},
      {"grouping", R"("context": "suspicious-activity", )" + refs},
      {"identity", R"("name": "ACME", "identity_class": "organization")"},
      {"incident", R"("name": "i")"},
      {"indicator", R"("pattern": "[ipv4-addr:value = '198.51.100.1']", "pattern_type": "stix",
                     "valid_from": "2020-01-01T00:00:00Z")"},
      {"infrastructure", R"("name": "i")"},
      {"intrusion-set", R"("name": "i")"},
      {"location", R"("country": "de")"},
      {"malware", R"("is_family": false)"},
      {"malware-analysis", R"("product": "av", "result": "malicious")"},
      {"note", R"("content": "n", )" + refs},
      {"observed-data", R"("first_observed": "2020-01-01T00:00:00Z",
                           "last_observed": "2020-01-01T00:00:00Z", "number_observed": 1,
                           "object_refs": ["url--6ba7b810-9dad-41d1-b0b4-00c04fd430c8"])"},
      {"opinion", R"("opinion": "agree", )" + refs},
      {"report", R"("name": "r", "published": "2020-01-01T00:00:00Z", )" + refs},
      {"threat-actor", R"("name": "t")"},
      {"tool", R"("name": "t")"},
      {"vulnerability", R"("name": "CVE-2020-0001")"},
  };
  for (const auto& [type, extra] : cases) {
    SCOPED_TRACE(type);
    const auto findings = ValidateObject(Sdo(type, extra));
    EXPECT_TRUE(findings.empty()) << Describe(findings);
  }
}

TEST(SdoTest, RequiredProperties) {
  const std::pair<const char*, const char*> cases[] = {
      {"attack-pattern", "name"},
      {"campaign", "name"},
      {"course-of-action", "name"},
      {"grouping", "context"},
      {"grouping", "object_refs"},
      {"identity", "name"},
      {"incident", "name"},
      {"indicator", "pattern"},
      {"indicator", "pattern_type"},
      {"indicator", "valid_from"},
      {"infrastructure", "name"},
      {"intrusion-set", "name"},
      {"malware", "is_family"},
      {"malware-analysis", "product"},
      {"note", "content"},
      {"note", "object_refs"},
      {"observed-data", "first_observed"},
      {"observed-data", "last_observed"},
      {"observed-data", "number_observed"},
      {"opinion", "opinion"},
      {"opinion", "object_refs"},
      {"report", "name"},
      {"report", "published"},
      {"report", "object_refs"},
      {"threat-actor", "name"},
      {"tool", "name"},
      {"vulnerability", "name"},
  };
  for (const auto& [type, property] : cases) {
    SCOPED_TRACE(std::string(type) + "." + property);
    EXPECT_TRUE(Breaks(Sdo(type, ""), "required-property", property));
  }
}

TEST(SdoTest, SeenWindows) {
  for (const char* type :
       {"campaign", "intrusion-set", "threat-actor", "infrastructure", "malware"}) {
    SCOPED_TRACE(type);
    const std::string base =
        std::string(type) == "malware" ? R"("is_family": false, )" : R"("name": "n", )";
    EXPECT_TRUE(RulesOf(Sdo(type, base + R"("first_seen": "2020-01-01T00:00:00Z",
                                            "last_seen": "2020-01-01T00:00:00Z")"))
                    .empty());
    EXPECT_TRUE(Breaks(Sdo(type, base + R"("first_seen": "2020-01-02T00:00:00Z",
                                           "last_seen": "2020-01-01T00:00:00Z")"),
                       "last-seen-before-first-seen", "last_seen"));
  }
}

TEST(SdoTest, IndicatorValidity) {
  const std::string base = R"("pattern": "[file:name = 'a']", "pattern_type": "stix",
                              "valid_from": "2020-01-01T00:00:00Z")";
  EXPECT_TRUE(
      RulesOf(Sdo("indicator", base + R"(, "valid_until": "2020-01-01T00:00:00.001Z")")).empty());
  EXPECT_TRUE(Breaks(Sdo("indicator", base + R"(, "valid_until": "2020-01-01T00:00:00Z")"),
                     "valid-until-before-valid-from", "valid_until"));
  EXPECT_TRUE(Breaks(Sdo("indicator", base + R"(, "kill_chain_phases": [{"phase_name": "x"}])"),
                     "required-property", "kill_chain_phases[0].kill_chain_name"));
}

TEST(SdoTest, IndicatorPatternGoesThroughTheChecker) {
  const auto o = Sdo("indicator", R"("pattern": "[file:name = 'a']", "pattern_type": "stix",
                                    "pattern_version": "2.1", "valid_from": "2020-01-01T00:00:00Z")");
  std::string seen;
  ValidateOptions options;
  options.check_pattern = [&](std::string_view p, std::string_view t,
                              std::string_view v) -> std::optional<std::string> {
    seen = std::string(p) + "|" + std::string(t) + "|" + std::string(v);
    return "unbalanced brackets";
  };
  const auto findings = ValidateObject(o, options);
  EXPECT_EQ(seen, "[file:name = 'a']|stix|2.1");
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].rule, "pattern");
  EXPECT_EQ(findings[0].message, "unbalanced brackets");
  EXPECT_TRUE(ValidateObject(o).empty());  // no checker: patterns are not checked
}

TEST(SdoTest, Location) {
  EXPECT_TRUE(
      RulesOf(Sdo("location", R"("latitude": 48.8, "longitude": 2.3, "precision": 10)")).empty());
  EXPECT_TRUE(RulesOf(Sdo("location", R"("region": "europe")")).empty());
  EXPECT_TRUE(Breaks(Sdo("location", R"("name": "nowhere")"), "at-least-one", ""));
  EXPECT_TRUE(Breaks(Sdo("location", R"("latitude": 90.5, "longitude": 0)"), "range", "latitude"));
  EXPECT_TRUE(
      Breaks(Sdo("location", R"("latitude": 0, "longitude": -180.5)"), "range", "longitude"));
  EXPECT_TRUE(Breaks(Sdo("location", R"("country": "fr", "latitude": 1)"), "latitude-longitude",
                     "longitude"));
  EXPECT_TRUE(Breaks(Sdo("location", R"("country": "fr", "precision": 5)"),
                     "precision-without-coordinates", "precision"));
}

TEST(SdoTest, Malware) {
  EXPECT_TRUE(RulesOf(Sdo("malware", R"("is_family": true, "name": "Poison Ivy")")).empty());
  EXPECT_TRUE(Breaks(Sdo("malware", R"("is_family": true)"), "required-property", "name"));
  EXPECT_TRUE(Breaks(Sdo("malware", R"("is_family": "yes")"), "type-boolean", "is_family"));
  EXPECT_TRUE(RulesOf(Sdo("malware", R"("is_family": false,
      "sample_refs": ["file--6ba7b810-9dad-41d1-b0b4-00c04fd430c8"],
      "operating_system_refs": ["software--6ba7b810-9dad-41d1-b0b4-00c04fd430c8"])"))
                  .empty());
  EXPECT_TRUE(Breaks(Sdo("malware", R"("is_family": false,
      "sample_refs": ["url--6ba7b810-9dad-41d1-b0b4-00c04fd430c8"])"),
                     "ref-type", "sample_refs[0]"));
}

TEST(SdoTest, MalwareAnalysis) {
  EXPECT_TRUE(RulesOf(Sdo("malware-analysis", R"("product": "p",
      "analysis_sco_refs": ["file--6ba7b810-9dad-41d1-b0b4-00c04fd430c8"])"))
                  .empty());
  EXPECT_TRUE(Breaks(Sdo("malware-analysis", R"("product": "p")"), "at-least-one", ""));
  EXPECT_TRUE(Breaks(Sdo("malware-analysis", R"("product": "p", "result": "benign",
      "analysis_sco_refs": ["identity--6ba7b810-9dad-41d1-b0b4-00c04fd430c8"])"),
                     "ref-type", "analysis_sco_refs[0]"));
  EXPECT_TRUE(Breaks(Sdo("malware-analysis", R"("product": "p", "result": "benign",
      "host_vm_ref": "file--6ba7b810-9dad-41d1-b0b4-00c04fd430c8")"),
                     "ref-type", "host_vm_ref"));
}

TEST(SdoTest, ObservedData) {
  const std::string times = R"("first_observed": "2020-01-01T00:00:00Z",
                               "last_observed": "2020-01-01T00:00:00Z", )";
  const std::string refs = R"("object_refs": ["file--6ba7b810-9dad-41d1-b0b4-00c04fd430c8"])";
  EXPECT_TRUE(
      RulesOf(Sdo("observed-data", times + R"("number_observed": 999999999, )" + refs)).empty());
  EXPECT_TRUE(Breaks(Sdo("observed-data", times + R"("number_observed": 1,
      "object_refs": ["file--6ba7b810-9dad-41d1-b0b4-00c04fd430c8",
                      "indicator--6ba7b810-9dad-41d1-b0b4-00c04fd430c8"])"),
                     "ref-type", "object_refs[1]"));
  EXPECT_TRUE(RulesOf(Sdo("observed-data", times + R"("number_observed": 1,
      "object_refs": ["file--6ba7b810-9dad-41d1-b0b4-00c04fd430c8",
                      "relationship--6ba7b810-9dad-41d1-b0b4-00c04fd430c8"])"))
                  .empty());
  EXPECT_TRUE(Breaks(Sdo("observed-data", times + R"("number_observed": 0, )" + refs), "range",
                     "number_observed"));
  EXPECT_TRUE(Breaks(Sdo("observed-data", times + R"("number_observed": 1000000000, )" + refs),
                     "range", "number_observed"));
  EXPECT_TRUE(Breaks(Sdo("observed-data", R"("first_observed": "2020-01-02T00:00:00Z",
      "last_observed": "2020-01-01T00:00:00Z", "number_observed": 1, )" +
                                              refs),
                     "last-observed-before-first-observed", "last_observed"));
  EXPECT_TRUE(Breaks(Sdo("observed-data", times + R"("number_observed": 1)"),
                     "objects-xor-object-refs", "objects"));
  EXPECT_TRUE(Breaks(Sdo("observed-data", times + R"("number_observed": 1,
      "objects": {"0": {"type": "file", "name": "a"}}, )" +
                                              refs),
                     "objects-xor-object-refs", "object_refs"));
  // The deprecated embedded form is still valid STIX 2.1.
  EXPECT_TRUE(RulesOf(Sdo("observed-data", times + R"("number_observed": 1,
      "objects": {"0": {"type": "file", "name": "a", "parent_directory_ref": "1"},
                  "1": {"type": "directory", "path": "/tmp"}})"))
                  .empty());
  EXPECT_TRUE(Breaks(Sdo("observed-data", times + R"("number_observed": 1,
      "objects": {"0": {"type": "file", "name": "a", "parent_directory_ref": "7"}})"),
                     "observable-ref-unresolved", "objects.0.parent_directory_ref"));
  EXPECT_TRUE(Breaks(Sdo("observed-data", times + R"("number_observed": 1,
      "objects": {"0": {"type": "file", "name": "a", "parent_directory_ref": "1"},
                  "1": {"type": "file", "name": "b"}})"),
                     "ref-type", "objects.0.parent_directory_ref"));
  EXPECT_TRUE(Breaks(Sdo("observed-data", times + R"("number_observed": 1,
      "objects": {"0": {"name": "a"}})"),
                     "required-property", "objects.0.type"));
}

TEST(SdoTest, OpinionEnum) {
  const std::string refs = R"(, "object_refs": ["report--6ba7b810-9dad-41d1-b0b4-00c04fd430c8"])";
  for (const char* v : {"strongly-disagree", "disagree", "neutral", "agree", "strongly-agree"}) {
    EXPECT_TRUE(RulesOf(Sdo("opinion", R"("opinion": ")" + std::string(v) + "\"" + refs)).empty());
  }
  EXPECT_TRUE(Breaks(Sdo("opinion", R"("opinion": "maybe")" + refs), "enum", "opinion"));
}

TEST(SdoTest, OpenVocabulariesAreNotEnforced) {
  EXPECT_TRUE(RulesOf(Sdo("identity", R"("name": "n", "identity_class": "guild",
                                         "sectors": ["space-piracy"])"))
                  .empty());
  EXPECT_TRUE(RulesOf(Sdo("grouping", R"("context": "whatever-we-like",
      "object_refs": ["report--6ba7b810-9dad-41d1-b0b4-00c04fd430c8"])"))
                  .empty());
}

}  // namespace
}  // namespace entente::stix
