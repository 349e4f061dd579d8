#include "policy/egress.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace entente::policy {
namespace {

boost::json::object Obj(const char* text) { return boost::json::parse(text).as_object(); }

PeerProfile Peer() {
  PeerProfile p;
  p.node_name = "cert-de";
  p.jurisdiction = "DE";
  p.communities = {"eu-csirts"};
  p.recipients = {"identity--de-bsi"};
  p.hash_key = "shared-secret";
  return p;
}

Labels WithTlp(Tlp tlp) {
  Labels l;
  l.tlp = tlp;
  l.owner_org = "local";
  return l;
}

const boost::json::object kIndicator = Obj(R"({"type":"indicator","id":"indicator--1"})");

TEST(Egress, ClearIsSent) {
  EgressDecision d = DecideEgress(Peer(), WithTlp(Tlp::kClear), kIndicator, {});
  EXPECT_TRUE(d.send);
  EXPECT_EQ(d.object, kIndicator);
  EXPECT_TRUE(d.changes.empty());
}

TEST(Egress, GreenNeedsASharedCommunity) {
  Labels l = WithTlp(Tlp::kGreen);
  EXPECT_FALSE(DecideEgress(Peer(), l, kIndicator, {}).send);  // no community named
  l.audience.communities = {"other"};
  EXPECT_FALSE(DecideEgress(Peer(), l, kIndicator, {}).send);
  l.audience.communities = {"other", "eu-csirts"};
  EXPECT_TRUE(DecideEgress(Peer(), l, kIndicator, {}).send);
}

TEST(Egress, AmberNeedsARecipientOnThePeer) {
  for (Tlp tlp : {Tlp::kAmber, Tlp::kAmberStrict}) {
    Labels l = WithTlp(tlp);
    l.audience.recipients = {"identity--fr-anssi"};
    EgressDecision no = DecideEgress(Peer(), l, kIndicator, {});
    EXPECT_FALSE(no.send);
    EXPECT_NE(no.reason.find("no named recipient"), std::string::npos);
    l.audience.recipients.push_back("identity--de-bsi");
    EXPECT_TRUE(DecideEgress(Peer(), l, kIndicator, {}).send);
  }
}

// The node's record keeps why a version was sent (docs/record.md, egress-decision):
// the row of the TLP table that let it leave, naming the community or recipient.
TEST(Egress, ASendSaysWhichRowOfTheTlpTableAllowedIt) {
  EXPECT_EQ(DecideEgress(Peer(), WithTlp(Tlp::kClear), kIndicator, {}).allowed_by,
            "TLP:CLEAR: disclosure is not limited");
  Labels green = WithTlp(Tlp::kGreen);
  green.audience.communities = {"other", "eu-csirts"};
  EXPECT_EQ(DecideEgress(Peer(), green, kIndicator, {}).allowed_by,
            "TLP:GREEN: trust community eu-csirts is present on cert-de");
  Labels amber = WithTlp(Tlp::kAmber);
  amber.audience.recipients = {"identity--fr-anssi", "identity--de-bsi"};
  EXPECT_EQ(DecideEgress(Peer(), amber, kIndicator, {}).allowed_by,
            "TLP:AMBER: named recipient identity--de-bsi lives on cert-de");
  amber.tlp = Tlp::kAmberStrict;
  EXPECT_EQ(DecideEgress(Peer(), amber, kIndicator, {}).allowed_by,
            "TLP:AMBER+STRICT: named recipient identity--de-bsi lives on cert-de");
  // Withheld, whatever the TLP table said: no allowance, a reason.
  EgressDecision back = DecideEgress(Peer(), WithTlp(Tlp::kClear), kIndicator, {"cert-de"});
  EXPECT_FALSE(back.send);
  EXPECT_TRUE(back.allowed_by.empty());
  PeerProfile strict = Peer();
  strict.rules.push_back({"indicator", "", SovereigntyAction::kWithhold});
  EgressDecision sovereign = DecideEgress(strict, WithTlp(Tlp::kClear), kIndicator, {});
  EXPECT_FALSE(sovereign.send);
  EXPECT_TRUE(sovereign.allowed_by.empty());
}

TEST(Egress, RedNeverLeaves) {
  Labels l = WithTlp(Tlp::kRed);
  l.audience.individuals = {"identity--someone"};
  l.audience.recipients = {"identity--de-bsi"};
  EXPECT_FALSE(DecideEgress(Peer(), l, kIndicator, {}).send);
}

TEST(Egress, NeverBackToWhereItCameFrom) {
  EgressDecision d = DecideEgress(Peer(), WithTlp(Tlp::kClear), kIndicator, {"cert-de", "isac"});
  EXPECT_FALSE(d.send);
  EXPECT_NE(d.reason.find("provenance"), std::string::npos);
}

TEST(Egress, WithholdsAType) {
  PeerProfile p = Peer();
  p.rules.push_back({"user-account", "", SovereigntyAction::kWithhold});
  auto acct = Obj(R"({"type":"user-account","id":"user-account--1","account_login":"bob"})");
  EXPECT_FALSE(DecideEgress(p, WithTlp(Tlp::kClear), acct, {}).send);
  // References to a withheld type are dropped from what does leave.
  auto obs = Obj(R"({"type":"observed-data","id":"observed-data--1",
                     "object_refs":["user-account--1","ipv4-addr--2"]})");
  EgressDecision d = DecideEgress(p, WithTlp(Tlp::kClear), obs, {});
  ASSERT_TRUE(d.send);
  EXPECT_EQ(d.object.at("object_refs").as_array().size(), 1u);
  EXPECT_EQ(d.object.at("object_refs").as_array()[0].as_string(), "ipv4-addr--2");
}

TEST(Egress, RedactsAProperty) {
  PeerProfile p = Peer();
  p.rules.push_back({"email-addr", "display_name", SovereigntyAction::kRedact});
  auto email = Obj(R"({"type":"email-addr","id":"email-addr--1","value":"a@b.example",
                       "display_name":"Alice"})");
  EgressDecision d = DecideEgress(p, WithTlp(Tlp::kClear), email, {});
  ASSERT_TRUE(d.send);
  EXPECT_FALSE(d.object.contains("display_name"));
  EXPECT_EQ(d.object.at("value").as_string(), "a@b.example");
}

TEST(Egress, RedactingARequiredPropertyWithholdsInstead) {
  // The peer would refuse an email-addr without its value; it is not sent at all.
  PeerProfile p = Peer();
  p.rules.push_back({"email-addr", "value", SovereigntyAction::kRedact});
  auto email = Obj(R"({"type":"email-addr","spec_version":"2.1",
                       "id":"email-addr--2d1a6a3f-9e1b-5b6c-8e0f-0c6a1d2b3c4d",
                       "value":"a@b.example"})");
  EgressDecision d = DecideEgress(p, WithTlp(Tlp::kClear), email, {});
  EXPECT_FALSE(d.send);
  EXPECT_NE(d.reason.find("value: redacted leaves an invalid object (value: "), std::string::npos)
      << d.reason;
}

TEST(Egress, KeyedHashIsStableAndKeysIdsAndReferences) {
  PeerProfile p = Peer();
  p.rules.push_back({"email-addr", "value", SovereigntyAction::kKeyedHash});
  auto email = Obj(R"({"type":"email-addr","id":"email-addr--1","value":"a@b.example"})");
  EgressDecision d = DecideEgress(p, WithTlp(Tlp::kClear), email, {});
  ASSERT_TRUE(d.send);
  const std::string hashed(d.object.at("value").as_string());
  EXPECT_EQ(hashed, KeyedHash("shared-secret", "a@b.example"));
  EXPECT_EQ(hashed.find("a@b"), std::string::npos);
  const std::string new_id(d.object.at("id").as_string());
  EXPECT_NE(new_id, "email-addr--1");
  EXPECT_EQ(new_id.rfind("email-addr--", 0), 0u);

  auto msg = Obj(R"({"type":"email-message","id":"email-message--1","is_multipart":false,
                     "from_ref":"email-addr--1","to_refs":["email-addr--1"]})");
  EgressDecision m = DecideEgress(p, WithTlp(Tlp::kClear), msg, {});
  ASSERT_TRUE(m.send);
  EXPECT_EQ(m.object.at("from_ref").as_string(), new_id);
  EXPECT_EQ(m.object.at("to_refs").as_array()[0].as_string(), new_id);

  // Another key gives another hash: the two states must share the key to correlate.
  EXPECT_NE(KeyedHash("other", "a@b.example"), hashed);
}

TEST(Egress, HashingWithoutAKeyWithholds) {
  PeerProfile p = Peer();
  p.hash_key.clear();
  p.rules.push_back({"email-addr", "value", SovereigntyAction::kKeyedHash});
  auto email = Obj(R"({"type":"email-addr","id":"email-addr--1","value":"a@b.example"})");
  EXPECT_FALSE(DecideEgress(p, WithTlp(Tlp::kClear), email, {}).send);
}

// The ring of issue 11: A hashes an address for B; the keyed copy travels B -> C -> A and
// back to B. Every node's gate must let it leave as it arrived: a value that already is
// a keyed hash is not hashed again (no HMAC of an HMAC) and a keyed id is not keyed
// again, whatever the key, so the copy stays one object.
TEST(Egress, NothingIsTransformedTwice) {
  PeerProfile p = Peer();
  p.rules.push_back({"email-addr", "value", SovereigntyAction::kKeyedHash});
  auto email = Obj(R"({"type":"email-addr","spec_version":"2.1",
                       "id":"email-addr--2d1a6a3f-9e1b-5b6c-8e0f-0c6a1d2b3c4d",
                       "value":"a@b.example"})");
  EgressDecision once = DecideEgress(p, WithTlp(Tlp::kClear), email, {});
  ASSERT_TRUE(once.send);
  EXPECT_TRUE(IsKeyedHash(once.object.at("value").as_string()));
  EXPECT_TRUE(IsKeyedId(once.object.at("id").as_string()));
  for (const char* key : {"shared-secret", "another-jurisdiction-key"}) {
    PeerProfile next = p;
    next.hash_key = key;
    EgressDecision twice = DecideEgress(next, WithTlp(Tlp::kClear), once.object, {});
    ASSERT_TRUE(twice.send) << twice.reason;
    EXPECT_EQ(twice.object, once.object) << key;
  }
  // A reference to a keyed copy is not keyed again either.
  auto msg = boost::json::object{{"type", "email-message"},
                                 {"id", "email-message--1"},
                                 {"is_multipart", false},
                                 {"from_ref", once.object.at("id")},
                                 {"to_refs", boost::json::array{once.object.at("id")}}};
  EgressDecision m = DecideEgress(p, WithTlp(Tlp::kClear), msg, {});
  ASSERT_TRUE(m.send);
  EXPECT_EQ(m.object.at("from_ref"), once.object.at("id"));
  EXPECT_EQ(m.object.at("to_refs").as_array()[0], once.object.at("id"));
  // A whole-object rule keys the id once.
  PeerProfile whole = Peer();
  whole.rules.push_back({"email-addr", "", SovereigntyAction::kKeyedHash});
  EgressDecision k1 = DecideEgress(whole, WithTlp(Tlp::kClear), email, {});
  ASSERT_TRUE(k1.send);
  EgressDecision k2 = DecideEgress(whole, WithTlp(Tlp::kClear), k1.object, {});
  ASSERT_TRUE(k2.send);
  EXPECT_EQ(k2.object.at("id"), k1.object.at("id"));
}

TEST(Egress, KeyedHashAndKeyedIdAreRecognised) {
  EXPECT_TRUE(IsKeyedHash(KeyedHash("k", "v")));
  EXPECT_FALSE(IsKeyedHash("hmac-sha256:abc"));
  EXPECT_FALSE(IsKeyedHash("a@b.example"));
  std::string upper = KeyedHash("k", "v");
  upper.back() = 'F';
  EXPECT_FALSE(IsKeyedHash(upper));
  for (const char* id : {"email-addr--2d1a6a3f-9e1b-5b6c-8e0f-0c6a1d2b3c4d", "indicator--1", ""}) {
    const std::string keyed = KeyedId("k", id);
    EXPECT_TRUE(IsKeyedId(keyed)) << keyed;
    EXPECT_NE(keyed, KeyedId("other", id));
    EXPECT_FALSE(IsKeyedId(id));
  }
  // Random (version 4) and deterministic (version 5) ids are not keyed ids.
  EXPECT_FALSE(IsKeyedId("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"));
  EXPECT_FALSE(IsKeyedId("ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd"));
  std::string broken = KeyedId("k", "email-addr--1");
  broken.back() = broken.back() == '0' ? '1' : '0';
  EXPECT_FALSE(IsKeyedId(broken));
}

TEST(Egress, ProvenanceFollowsTheKeyedCopy) {
  // The keyed copy of an address that came from cert-de is not sent back to cert-de, and
  // the reason says it is a keyed copy.
  PeerProfile p = Peer();
  auto copy = boost::json::object{{"type", "email-addr"},
                                  {"id", KeyedId("k", "email-addr--1")},
                                  {"value", KeyedHash("k", "a@b.example")}};
  EgressDecision d = DecideEgress(p, WithTlp(Tlp::kClear), copy, {"cert-de", "cert-fr"}, 2);
  EXPECT_FALSE(d.send);
  EXPECT_NE(d.reason.find("keyed copy of an object that came from or through cert-de"),
            std::string::npos)
      << d.reason;
}

TEST(Egress, RelaysStopAtTheHopLimit) {
  PeerProfile p = Peer();
  p.hop_limit = 2;
  EXPECT_TRUE(DecideEgress(p, WithTlp(Tlp::kClear), kIndicator, {"here"}, 0).send);
  EXPECT_TRUE(DecideEgress(p, WithTlp(Tlp::kClear), kIndicator, {"a"}, 1).send);
  EgressDecision d = DecideEgress(p, WithTlp(Tlp::kClear), kIndicator, {"a", "b"}, 2);
  EXPECT_FALSE(d.send);
  EXPECT_NE(d.reason.find("hop limit: it reached this node after 2 hops; the hop limit towards "
                          "cert-de is 2"),
            std::string::npos)
      << d.reason;
  p.hop_limit = 1;  // a node that relays nothing: only what it made leaves
  EXPECT_FALSE(DecideEgress(p, WithTlp(Tlp::kClear), kIndicator, {"a"}, 1).send);
  EXPECT_TRUE(DecideEgress(p, WithTlp(Tlp::kClear), kIndicator, {"here"}, 0).send);
  EXPECT_EQ(PeerProfile().hop_limit, kDefaultHopLimit);
}

// Issue 13: granular markings decide part by part for a peer as for a reader. A TLP:CLEAR
// indicator whose description is granular RED leaves without it, and the decision lists
// the removed part; one whose pattern is RED stays here, with the reason.
const boost::json::object kMarkedIndicator = Obj(R"({"type":"indicator","spec_version":"2.1",
  "id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
  "created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z",
  "name":"C2","description":"told to us in confidence","pattern":"[ipv4-addr:value = '203.0.113.9']",
  "pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z",
  "external_references":[{"source_name":"public","url":"https://a.example/"},
                         {"source_name":"amber-source","external_id":"T-1"}],
  "granular_markings":[
    {"marking_ref":"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1","selectors":["description"]},
    {"marking_ref":"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421","selectors":["external_references.[1]"]}]})");

TEST(Egress, GranularPartsThePeerMayNotReceiveStayHere) {
  Labels l = WithTlp(Tlp::kClear);
  l.audience.recipients = {"identity--fr-anssi"};
  EgressDecision d = DecideEgress(Peer(), l, kMarkedIndicator, {});
  ASSERT_TRUE(d.send) << d.reason;
  EXPECT_FALSE(d.object.contains("description"));
  EXPECT_EQ(d.object.at("external_references").as_array().size(), 1u);
  EXPECT_FALSE(d.object.contains("granular_markings"));
  ASSERT_EQ(d.changes.size(), 2u);
  EXPECT_NE(d.changes[0].find("description (TLP:RED): removed"), std::string::npos) << d.changes[0];
  // The AMBER reference goes to the node where its named recipient lives; RED never leaves.
  l.audience.recipients = {"identity--de-bsi"};
  d = DecideEgress(Peer(), l, kMarkedIndicator, {});
  ASSERT_TRUE(d.send);
  EXPECT_FALSE(d.object.contains("description"));
  EXPECT_EQ(d.object.at("external_references").as_array().size(), 2u);
  ASSERT_EQ(d.object.at("granular_markings").as_array().size(), 1u);

  boost::json::object red_pattern = kMarkedIndicator;
  red_pattern["granular_markings"].as_array()[0].as_object()["selectors"] =
      boost::json::array{"pattern"};
  d = DecideEgress(Peer(), l, red_pattern, {});
  EXPECT_FALSE(d.send);
  EXPECT_NE(d.reason.find("granular markings"), std::string::npos) << d.reason;
  EXPECT_NE(d.reason.find("pattern"), std::string::npos) << d.reason;
}

// A sovereignty rule that redacts a property a granular marking names takes the selector
// with it (an object whose selector names nothing would be invalid, STIX 2.1 §7.2.3.1), so
// the object leaves without the property instead of staying home.
TEST(Egress, RedactingAMarkedPropertyDropsItsSelector) {
  PeerProfile p = Peer();
  p.rules = {{"indicator", "external_references", SovereigntyAction::kRedact}};
  Labels l = WithTlp(Tlp::kClear);
  l.audience.recipients = {"identity--de-bsi"};  // the AMBER reference may go to this peer
  EgressDecision d = DecideEgress(p, l, kMarkedIndicator, {});
  ASSERT_TRUE(d.send) << d.reason;
  EXPECT_FALSE(d.object.contains("external_references"));
  EXPECT_FALSE(d.object.contains("granular_markings"));  // its only other entry was RED
  EXPECT_EQ(d.changes.back(), "external_references: redacted");
}

// A GREEN part of an AMBER object goes wherever the object goes (the object's marking
// applies to it too).
TEST(Egress, APartIsNeverLessRestrictedThanItsObject) {
  boost::json::object obj = kMarkedIndicator;
  obj["granular_markings"] = boost::json::array{boost::json::object{
      {"marking_ref", "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"},
      {"selectors", boost::json::array{"description"}}}};
  Labels l = WithTlp(Tlp::kAmber);
  l.audience.recipients = {"identity--de-bsi"};  // no community named
  EgressDecision d = DecideEgress(Peer(), l, obj, {});
  ASSERT_TRUE(d.send) << d.reason;
  EXPECT_TRUE(d.object.contains("description"));
  EXPECT_TRUE(d.changes.empty());
}

// Sovereignty rules run on what granular markings left: redacting a removed part changes
// nothing more, and their own changes follow the removed parts.
TEST(Egress, SovereigntyRunsAfterGranularMarkings) {
  PeerProfile p = Peer();
  p.rules = {{"indicator", "description", SovereigntyAction::kRedact},
             {"indicator", "name", SovereigntyAction::kRedact}};
  EgressDecision d = DecideEgress(p, WithTlp(Tlp::kClear), kMarkedIndicator, {});
  ASSERT_TRUE(d.send) << d.reason;
  ASSERT_EQ(d.changes.size(), 3u);
  EXPECT_NE(d.changes[0].find("description (TLP:RED): removed"), std::string::npos);
  EXPECT_NE(d.changes[1].find("external_references.[1] (TLP:AMBER): removed"), std::string::npos)
      << d.changes[1];
  EXPECT_EQ(d.changes[2], "name: redacted");
}

}  // namespace
}  // namespace entente::policy
