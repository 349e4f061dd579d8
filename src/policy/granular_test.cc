#include "policy/granular.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

namespace entente::policy {
namespace {

namespace json = boost::json;

constexpr const char* kClearV2 = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487";
constexpr const char* kAmberV2 = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421";
constexpr const char* kRedV2 = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";
constexpr const char* kRedV1 = "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed";

// A reader who may see CLEAR and GREEN parts, not AMBER or stricter.
bool GreenReader(Tlp tlp) { return tlp <= Tlp::kGreen; }
bool AmberReader(Tlp tlp) { return tlp <= Tlp::kAmber; }

// A valid TLP:CLEAR indicator with two external references and a kill chain phase; the
// granular markings are spliced in.
json::object Indicator(const std::string& granular_markings) {
  std::string text = R"({
    "type": "indicator", "spec_version": "2.1",
    "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
    "created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00.000Z",
    "name": "C2 address", "description": "seen by our sensor at the ministry",
    "pattern": "[ipv4-addr:value = '203.0.113.9']", "pattern_type": "stix",
    "valid_from": "2024-01-01T00:00:00Z",
    "kill_chain_phases": [{"kill_chain_name": "lockheed-martin-cyber-kill-chain",
                           "phase_name": "command-and-control"}],
    "external_references": [{"source_name": "public-report", "url": "https://a.example/1",
                             "description": "public write-up"},
                            {"source_name": "informant", "description": "name withheld"},
                            {"source_name": "vendor", "url": "https://b.example/2"}],
    "object_marking_refs": [")" +
                     std::string(kClearV2) + R"("],
    "granular_markings": )" +
                     granular_markings + "}";
  return json::parse(text).as_object();
}

std::string Marking(const char* ref, const std::string& selectors) {
  return R"({"marking_ref": ")" + std::string(ref) + R"(", "selectors": )" + selectors + "}";
}

// STIX 2.1 §7.2.3: a granular marking applies its marking to the parts its selectors name;
// the most restrictive marking of a part is the one that counts.
TEST(GranularParts, MostRestrictiveMarkingPerSelector) {
  auto obj = Indicator("[" + Marking(kAmberV2, R"(["description", "name"])") + "," +
                       Marking(kRedV1, R"(["description"])") + "]");
  std::vector<GranularPart> parts = GranularParts(obj);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].selector, "description");
  EXPECT_EQ(parts[0].tlp, Tlp::kRed);  // TLP 1.0 RED on top of 2.0 AMBER
  EXPECT_EQ(parts[1].selector, "name");
  EXPECT_EQ(parts[1].tlp, Tlp::kAmber);
}

// An unknown marking-definition never widens access: it counts as AMBER (as at the object
// level, docs/sharing-rules.md); a `lang`-only entry restricts nothing.
TEST(GranularParts, UnknownMarkingIsAmberAndLangRestrictsNothing) {
  auto obj = Indicator(
      R"([{"marking_ref": "marking-definition--00000000-0000-4000-8000-000000000001",
           "selectors": ["description"]},
          {"lang": "fr", "selectors": ["name"]}])");
  std::vector<GranularPart> parts = GranularParts(obj);
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].tlp, Tlp::kAmber);
}

TEST(RemoveHiddenParts, ARedDescriptionLeavesTheGateWithoutIt) {
  auto obj = Indicator("[" + Marking(kRedV2, R"(["description"])") + "]");
  PartRemoval r = RemoveHiddenParts(obj, AmberReader);
  EXPECT_EQ(r.withheld, "");
  EXPECT_FALSE(r.object.contains("description"));
  EXPECT_FALSE(r.object.contains("granular_markings"));  // its only entry named that part
  EXPECT_EQ(r.object.at("name"), "C2 address");
  ASSERT_EQ(r.removed.size(), 1u);
  EXPECT_EQ(r.removed[0], "description (TLP:RED)");
  // A reader entitled to RED parts gets the object unchanged.
  PartRemoval all = RemoveHiddenParts(obj, [](Tlp) { return true; });
  EXPECT_EQ(all.object, obj);
  EXPECT_TRUE(all.removed.empty());
}

// A list item is removed and the selectors into later items of the same list are
// renumbered, so the granular markings that stay still name the parts they marked.
TEST(RemoveHiddenParts, ListItemsAreRemovedAndLaterSelectorsRenumbered) {
  auto obj = Indicator("[" + Marking(kRedV2, R"(["external_references.[1]"])") + "," +
                       Marking(kClearV2, R"(["external_references.[2].url"])") + "]");
  PartRemoval r = RemoveHiddenParts(obj, GreenReader);
  ASSERT_EQ(r.withheld, "");
  const json::array& refs = r.object.at("external_references").as_array();
  ASSERT_EQ(refs.size(), 2u);
  EXPECT_EQ(refs[0].at("source_name"), "public-report");
  EXPECT_EQ(refs[1].at("source_name"), "vendor");
  const json::array& gm = r.object.at("granular_markings").as_array();
  ASSERT_EQ(gm.size(), 1u);
  EXPECT_EQ(gm[0].at("selectors"), json::parse(R"(["external_references.[1].url"])"));
}

// Two items of one list hidden: both go, whatever order the selectors came in.
TEST(RemoveHiddenParts, SeveralItemsOfOneList) {
  auto obj = Indicator(
      "[" + Marking(kAmberV2, R"(["external_references.[0]", "external_references.[2]"])") + "]");
  PartRemoval r = RemoveHiddenParts(obj, GreenReader);
  ASSERT_EQ(r.withheld, "");
  const json::array& refs = r.object.at("external_references").as_array();
  ASSERT_EQ(refs.size(), 1u);
  EXPECT_EQ(refs[0].at("source_name"), "informant");
}

// Nested properties, and a part inside a hidden part goes with it.
TEST(RemoveHiddenParts, NestedPartsAndPartsInsideHiddenOnes) {
  auto obj = Indicator("[" + Marking(kAmberV2, R"(["external_references.[0].url"])") + "," +
                       Marking(kRedV2, R"(["external_references"])") + "]");
  PartRemoval amber = RemoveHiddenParts(obj, AmberReader);
  ASSERT_EQ(amber.withheld, "");
  EXPECT_FALSE(amber.object.contains("external_references"));
  EXPECT_FALSE(amber.object.contains("granular_markings"));
  // A nested AMBER part alone: a GREEN reader loses the URL and keeps the reference.
  PartRemoval red = RemoveHiddenParts(
      Indicator("[" + Marking(kAmberV2, R"(["external_references.[0].url"])") + "]"), GreenReader);
  ASSERT_EQ(red.withheld, "");
  const json::array& refs = red.object.at("external_references").as_array();
  EXPECT_FALSE(refs[0].as_object().contains("url"));
  EXPECT_EQ(refs[0].at("source_name"), "public-report");
  // The informant's reference without its description breaks STIX 2.1 §2.5 (a reference
  // needs one of description, url, external_id): withheld, not served invalid.
  PartRemoval broken = RemoveHiddenParts(
      Indicator("[" + Marking(kAmberV2, R"(["external_references.[1].description"])") + "]"),
      GreenReader);
  EXPECT_NE(broken.withheld.find("external_references[1]"), std::string::npos) << broken.withheld;
}

// STIX 2.1 prohibits empty lists: a list whose every item is hidden goes as a whole.
TEST(RemoveHiddenParts, AListLeftEmptyGoes) {
  auto obj = Indicator("[" + Marking(kRedV2, R"(["kill_chain_phases.[0]"])") + "]");
  PartRemoval r = RemoveHiddenParts(obj, AmberReader);
  ASSERT_EQ(r.withheld, "");
  EXPECT_FALSE(r.object.contains("kill_chain_phases"));
}

// Issue 13: when removing a part would make the object invalid (an indicator without its
// pattern), the object is withheld from that reader, never served invalid or whole.
TEST(RemoveHiddenParts, ARequiredPartHiddenWithholdsTheObject) {
  auto obj = Indicator("[" + Marking(kRedV2, R"(["pattern"])") + "]");
  PartRemoval r = RemoveHiddenParts(obj, AmberReader);
  EXPECT_NE(r.withheld.find("required-property"), std::string::npos) << r.withheld;
  EXPECT_NE(r.withheld.find("pattern"), std::string::npos) << r.withheld;
  EXPECT_EQ(RemoveHiddenParts(obj, [](Tlp) { return true; }).withheld, "");
}

// A selector that names nothing the gate can take out never lets the object through whole.
TEST(RemoveHiddenParts, AnUnparsableSelectorOnAHiddenMarkingWithholds) {
  auto obj = Indicator("[" + Marking(kRedV2, R"(["external_references..url"])") + "]");
  EXPECT_NE(RemoveHiddenParts(obj, AmberReader).withheld, "");
}

TEST(RemoveHiddenParts, NoGranularMarkingsNoChange) {
  auto obj = Indicator("[]");
  obj.erase("granular_markings");
  PartRemoval r = RemoveHiddenParts(obj, GreenReader);
  EXPECT_EQ(r.object, obj);
  EXPECT_TRUE(r.removed.empty());
  EXPECT_EQ(r.withheld, "");
}

// The withheld sets: a RED pattern withholds the indicator from every reader who may not
// see RED parts, whatever else it sees; a RED description withholds it from nobody.
TEST(WithheldFor, OneBitPerSetOfVisibleLevels) {
  uint32_t pattern = WithheldFor(Indicator("[" + Marking(kRedV2, R"(["pattern"])") + "]"));
  for (uint32_t set = 0; set < 32; ++set) {
    bool sees_red = (set >> static_cast<int>(Tlp::kRed)) & 1u;
    EXPECT_EQ(((pattern >> set) & 1u) != 0, !sees_red) << set;
  }
  EXPECT_EQ(WithheldFor(Indicator("[" + Marking(kRedV2, R"(["description"])") + "]")), 0u);
  auto plain = Indicator("[]");
  plain.erase("granular_markings");
  EXPECT_EQ(WithheldFor(plain), 0u);
}

// docs/sharing-rules.md: a named AMBER recipient outside the object's community sees AMBER
// parts and not GREEN ones - the visible levels are a set, not a threshold.
TEST(VisibleTlps, ASetNotAThreshold) {
  Labels labels;
  labels.tlp = Tlp::kClear;
  labels.owner_org = "cert-fr";
  labels.audience.communities = {"eu-energy"};
  labels.audience.recipients = {"identity--0f5a2c2e-5f0e-4f1a-9d1b-3c2e1d0a9b8c"};
  Requester recipient;
  recipient.org_id = "bsi";
  recipient.identity_id = "identity--0f5a2c2e-5f0e-4f1a-9d1b-3c2e1d0a9b8c";
  uint8_t set = VisibleTlps(recipient, labels);
  EXPECT_TRUE(set & (1u << static_cast<int>(Tlp::kClear)));
  EXPECT_FALSE(set & (1u << static_cast<int>(Tlp::kGreen)));
  EXPECT_TRUE(set & (1u << static_cast<int>(Tlp::kAmber)));
  EXPECT_FALSE(set & (1u << static_cast<int>(Tlp::kRed)));
  Requester owner;
  owner.org_id = "cert-fr";
  EXPECT_EQ(VisibleTlps(owner, labels), 0x1f);
}

// STIX 2.1 §7.2.3: a part's granular markings apply in addition to its object's markings,
// so a GREEN part of an AMBER object is as restricted as the object, no more: the AMBER
// recipient who reads the object reads the part, whether or not it is in a community.
TEST(VisibleTlps, APartIsNeverLessRestrictedThanItsObject) {
  Labels labels;
  labels.tlp = Tlp::kAmber;
  labels.owner_org = "cert-fr";
  labels.audience.recipients = {"identity--0f5a2c2e-5f0e-4f1a-9d1b-3c2e1d0a9b8c"};
  Requester recipient;
  recipient.org_id = "bsi";
  recipient.identity_id = "identity--0f5a2c2e-5f0e-4f1a-9d1b-3c2e1d0a9b8c";
  uint8_t set = VisibleTlps(recipient, labels);
  EXPECT_TRUE(InTlpSet(set, Tlp::kGreen));
  EXPECT_TRUE(InTlpSet(set, Tlp::kClear));
  EXPECT_TRUE(InTlpSet(set, Tlp::kAmber));
  EXPECT_FALSE(InTlpSet(set, Tlp::kRed));
  EXPECT_EQ(WithObjectLevel(0, Tlp::kAmber), 0);  // a reader who may not see the object
}

// Issue 13: an object whose required part a reader may not see is absent for that reader -
// MayRead, which every read path asks, says so from the labels alone.
TEST(WithheldFor, MayReadWithholdsFromTheLabelsAlone) {
  auto obj = Indicator("[" + Marking(kRedV2, R"(["pattern"])") + "]");
  Labels labels = LabelObject(obj, Tlp::kAmber, "cert-fr");
  EXPECT_EQ(labels.tlp, Tlp::kClear);
  EXPECT_NE(labels.withheld_for, 0u);
  Requester partner;
  partner.org_id = "isac";
  partner.identity_id = "identity--6a3b0f4c-6a3b-4c1e-8d2f-0a1b2c3d4e5f";
  EXPECT_FALSE(MayRead(partner, labels));
  Requester owner;
  owner.org_id = "cert-fr";
  EXPECT_TRUE(MayRead(owner, labels));
  // A RED description withholds nothing: the partner reads the object (without it).
  Labels description =
      LabelObject(Indicator("[" + Marking(kRedV2, R"(["description"])") + "]"), Tlp::kAmber, "x");
  EXPECT_EQ(description.withheld_for, 0u);
  EXPECT_TRUE(MayRead(partner, description));
  // The stored form keeps it.
  EXPECT_TRUE(labels.granular);
  uint32_t back = 0;
  bool granular = false;
  DecodeAudience(EncodeAudience(labels.audience, labels.withheld_for, labels.granular), &back,
                 &granular);
  EXPECT_EQ(back, labels.withheld_for);
  EXPECT_TRUE(granular);
  EXPECT_EQ(EncodeAudience(Audience{}, 0), "");
}

// What TAXII shows outside the object (id, type, spec_version, the version) and what
// decides who may see it (its markings, its audience) cannot be taken out: a copy without
// them would tell less than the manifest already does, or read as less restricted than it
// is. Hiding one withholds the object.
TEST(RemoveHiddenParts, HidingWhatDecidesSharingWithholds) {
  for (const char* selector : {"object_marking_refs", "object_marking_refs.[0]",
                               "granular_markings", "spec_version", "modified", "id", "type"}) {
    auto obj = Indicator("[" + Marking(kRedV2, std::string("[\"") + selector + "\"]") + "]");
    PartRemoval r = RemoveHiddenParts(obj, AmberReader);
    EXPECT_NE(r.withheld.find(selector), std::string::npos) << selector << ": " << r.withheld;
    EXPECT_EQ(RemoveHiddenParts(obj, [](Tlp) { return true; }).withheld, "") << selector;
  }
  // An SCO's spec_version is optional, and TAXII's media_type still shows it.
  auto sco = json::parse(R"({"type":"ipv4-addr","spec_version":"2.1",
      "id":"ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd","value":"198.51.100.3",
      "granular_markings":[{"marking_ref":")" +
                         std::string(kRedV2) + R"(","selectors":["spec_version"]}]})")
                 .as_object();
  EXPECT_NE(RemoveHiddenParts(sco, AmberReader).withheld, "");
  auto audience = Indicator("[" + Marking(kRedV2, R"(["extensions"])") + "]");
  audience["extensions"] = json::object{
      {std::string(kAudienceExtensionId),
       json::object{{"extension_type", "property-extension"}, {"communities", json::array{"eu"}}}}};
  EXPECT_NE(RemoveHiddenParts(audience, AmberReader).withheld, "");
}

// ViewFor is what every read path serves: the stored text untouched when nothing is
// hidden (no copy), the object without the hidden parts otherwise, nothing when withheld.
TEST(ViewFor, ServesTheStoredTextOrTheReducedObject) {
  Requester partner;
  partner.org_id = "isac";
  auto red_description = Indicator("[" + Marking(kRedV2, R"(["description"])") + "]");
  const std::string text = json::serialize(red_description);
  Labels labels = LabelObject(red_description, Tlp::kAmber, "cert-fr");
  ReaderView view = ViewFor(partner, labels, text);
  EXPECT_FALSE(view.withheld);
  ASSERT_NE(view.rewritten, "");
  json::object served = json::parse(view.rewritten).as_object();
  EXPECT_FALSE(served.contains("description"));
  EXPECT_FALSE(served.contains("granular_markings"));
  EXPECT_EQ(view.removed, std::vector<std::string>{"description (TLP:RED)"});
  EXPECT_EQ(view.rewritten.find("ministry"), std::string::npos);

  Requester owner;
  owner.org_id = "cert-fr";
  EXPECT_EQ(ViewFor(owner, labels, text).rewritten, "");  // sees all: served as stored
  auto plain = Indicator("[]");
  plain.erase("granular_markings");
  ReaderView untouched =
      ViewFor(partner, LabelObject(plain, Tlp::kAmber, "x"), json::serialize(plain));
  EXPECT_FALSE(untouched.withheld);
  EXPECT_EQ(untouched.rewritten, "");

  // Labels that missed a rule (stored before it) do not let the object out whole.
  auto red_pattern = Indicator("[" + Marking(kRedV2, R"(["pattern"])") + "]");
  Labels stale = LabelObject(red_pattern, Tlp::kAmber, "cert-fr");
  stale.withheld_for = 0;
  EXPECT_TRUE(ViewFor(partner, stale, json::serialize(red_pattern)).withheld);
  EXPECT_TRUE(ViewFor(partner, stale, "{\"granular_markings\": not json").withheld);
}

// Issue 13, audience extension: a granular AMBER part is readable by the object's named
// recipients, a granular RED part by its named individuals, and by nobody else.
TEST(ViewFor, TheAudienceExtensionAppliesPartByPart) {
  auto obj = Indicator("[" + Marking(kAmberV2, R"(["name"])") + "," +
                       Marking(kRedV2, R"(["description"])") + "]");
  Labels labels = LabelObject(obj, Tlp::kAmber, "cert-fr");
  labels.audience.recipients = {"identity--0f5a2c2e-5f0e-4f1a-9d1b-3c2e1d0a9b8c"};
  labels.audience.individuals = {"identity--11111111-2222-4333-8444-555555555555"};
  const std::string text = json::serialize(obj);
  auto served = [&](const Requester& who) {
    ReaderView v = ViewFor(who, labels, text);
    EXPECT_FALSE(v.withheld);
    return v.rewritten.empty() ? obj : json::parse(v.rewritten).as_object();
  };
  Requester stranger;
  stranger.org_id = "other";
  json::object s = served(stranger);
  EXPECT_FALSE(s.contains("name"));
  EXPECT_FALSE(s.contains("description"));
  Requester recipient;
  recipient.org_id = "bsi";
  recipient.identity_id = "identity--0f5a2c2e-5f0e-4f1a-9d1b-3c2e1d0a9b8c";
  json::object r = served(recipient);
  EXPECT_TRUE(r.contains("name"));
  EXPECT_FALSE(r.contains("description"));
  Requester analyst = recipient;
  analyst.individual_id = "identity--11111111-2222-4333-8444-555555555555";
  json::object a = served(analyst);
  EXPECT_TRUE(a.contains("name"));
  EXPECT_TRUE(a.contains("description"));
}

}  // namespace
}  // namespace entente::policy
