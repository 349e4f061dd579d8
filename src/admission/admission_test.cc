#include "admission/admission.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <memory>
#include <string>

#include "common/env.h"
#include "stix/deterministic_id.h"

namespace entente::admission {
namespace {

constexpr const char* kOnPeer = "identity--11111111-1111-4111-8111-111111111111";
constexpr const char* kLocal = "identity--22222222-2222-4222-8222-222222222222";
constexpr const char* kElsewhere = "identity--33333333-3333-4333-8333-333333333333";
constexpr const char* kRed = "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed";

boost::json::object Indicator(const std::string& extra = "",
                              const std::string& pattern = "[ipv4-addr:value = '10.0.0.1']") {
  std::string text =
      R"({"type":"indicator","spec_version":"2.1",
          "id":"indicator--44444444-4444-4444-8444-444444444444",
          "created":"2024-01-01T00:00:00.000Z","modified":"2024-01-02T00:00:00.000Z",
          "pattern":")" +
      pattern + R"(","pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z")" + extra + "}";
  return boost::json::parse(text).as_object();
}

store::Collection Collection(policy::Tlp tlp = policy::Tlp::kGreen) {
  store::Collection c;
  c.id = "c";
  c.default_tlp = tlp;
  return c;
}

Submitter Client(const std::string& org) {
  Submitter s;
  s.channel = Channel::kClient;
  s.org_id = org;
  return s;
}

Submitter FromPeer(const std::string& local_org = "") {
  Submitter s;
  s.channel = Channel::kPeer;
  s.peer = policy::IngressPeer{"fr-cert", local_org, {kOnPeer}};
  s.local_identities = {kLocal};
  return s;
}

TEST(Admission, AdmitsAValidObjectReadyToStore) {
  Admission admission(Collection(), Client("org-a"), {});
  store::NewObject out;
  boost::json::object obj = Indicator();
  ASSERT_FALSE(admission.Admit(obj, &out).has_value());
  EXPECT_EQ(out.id, "indicator--44444444-4444-4444-8444-444444444444");
  EXPECT_EQ(out.type, "indicator");
  EXPECT_EQ(out.spec_version, "2.1");
  EXPECT_EQ(out.version, "2024-01-02T00:00:00.000Z");
  EXPECT_EQ(out.version_us, 1704153600000000);
  // Stored and served in its RFC 8785 form (members sorted), hashed as such.
  EXPECT_EQ(out.json, stix::CanonicalJson(obj));
  EXPECT_EQ(boost::json::parse(out.json), boost::json::value(obj));
  EXPECT_EQ(out.sha256, Sha256Hex(out.json));
  EXPECT_EQ(out.labels.tlp, policy::Tlp::kGreen);  // unmarked: the collection's default
  EXPECT_EQ(out.labels.owner_org, "org-a");
}

TEST(Admission, LabelsFromTheObjectsMarkings) {
  Admission admission(Collection(), Client("org-a"), {});
  store::NewObject out;
  ASSERT_FALSE(
      admission.Admit(Indicator(std::string(R"(,"object_marking_refs":[")") + kRed + "\"]"), &out)
          .has_value());
  EXPECT_EQ(out.labels.tlp, policy::Tlp::kRed);
}

TEST(Admission, RefusalNamesEveryBrokenRule) {
  Admission admission(Collection(), Client("org-a"), {});
  boost::json::object obj = Indicator();
  obj.erase("pattern_type");
  obj["valid_from"] = "yesterday";
  store::NewObject out;
  auto refusal = admission.Admit(obj, &out);
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->kind, RefusalKind::kInvalid);
  EXPECT_EQ(refusal->id, "indicator--44444444-4444-4444-8444-444444444444");
  EXPECT_EQ(refusal->version, "2024-01-02T00:00:00.000Z");
  ASSERT_EQ(refusal->findings.size(), 2u);
  const std::string text = refusal->Describe();
  EXPECT_NE(text.find("pattern_type: required-property"), std::string::npos) << text;
  EXPECT_NE(text.find("valid_from: "), std::string::npos) << text;
}

TEST(Admission, PatternsAreCheckedWithTheNodeOptions) {
  Options options;
  options.validate = NodeValidateOptions();
  Admission admission(Collection(), Client("org-a"), options);
  store::NewObject out;
  EXPECT_FALSE(admission.Admit(Indicator(), &out).has_value());
  auto refusal = admission.Admit(Indicator("", "[ipv4-addr:value = "), &out);
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->findings.front().property, "pattern") << refusal->Describe();
  // Without a checker the same text passes the MUST rules.
  Admission unchecked(Collection(), Client("org-a"), {});
  EXPECT_FALSE(unchecked.Admit(Indicator("", "[ipv4-addr:value = "), &out).has_value());
}

TEST(Admission, PeerObjectsAreOwnedByThePeer) {
  store::NewObject out;
  Admission anonymous(Collection(), FromPeer(), {});
  ASSERT_FALSE(anonymous.Admit(Indicator(), &out).has_value());
  EXPECT_EQ(out.labels.owner_org, "peer:fr-cert");
  Admission pushing_as(Collection(), FromPeer("org-fr"), {});
  ASSERT_FALSE(pushing_as.Admit(Indicator(), &out).has_value());
  EXPECT_EQ(out.labels.owner_org, "org-fr");
}

TEST(Admission, PeerMaySpeakOnlyForItsOrganisations) {
  Admission admission(Collection(), FromPeer(), {});
  store::NewObject out;
  auto by = [](const char* creator) {
    return Indicator(std::string(R"(,"created_by_ref":")") + creator + "\"");
  };
  EXPECT_FALSE(admission.Admit(by(kOnPeer), &out).has_value());
  auto forged = admission.Admit(by(kLocal), &out);
  ASSERT_TRUE(forged.has_value());
  EXPECT_EQ(forged->kind, RefusalKind::kForged);
  EXPECT_EQ(forged->findings.front().property, "created_by_ref");
  EXPECT_EQ(forged->findings.front().rule, "forged-provenance");
  auto elsewhere = admission.Admit(by(kElsewhere), &out);
  ASSERT_TRUE(elsewhere.has_value());
  EXPECT_EQ(elsewhere->kind, RefusalKind::kNotOnPeer);
  // The rule applies to peers only: a local client may name any creator.
  Admission client(Collection(), Client("org-a"), {});
  EXPECT_FALSE(client.Admit(by(kElsewhere), &out).has_value());
}

TEST(Admission, LocalOrganisationSpeaksOnlyForItselfUnlessOverridden) {
  auto by = [](const char* creator) {
    return Indicator(std::string(R"(,"created_by_ref":")") + creator + "\"");
  };
  store::NewObject out;
  for (Channel channel : {Channel::kClient, Channel::kOperator}) {
    Submitter s = Client("org-a");
    s.channel = channel;
    s.local_identities = {kLocal};  // another organisation of this node
    Admission admission(Collection(), s, {});
    auto forged = admission.Admit(by(kLocal), &out);
    ASSERT_TRUE(forged.has_value());
    EXPECT_EQ(forged->kind, RefusalKind::kForged);
    EXPECT_EQ(forged->findings.front().rule, "forged-creator");
    // A creator outside the node (a relayed vendor report) is fine.
    ASSERT_FALSE(admission.Admit(by(kElsewhere), &out).has_value());
    EXPECT_FALSE(out.override_owner);
    s.override_owner = true;
    Admission overriding(Collection(), s, {});
    ASSERT_FALSE(overriding.Admit(by(kLocal), &out).has_value());
    EXPECT_TRUE(out.override_owner);
  }
}

TEST(Admission, RefusesAnObjectLargerThanTheLimit) {
  Options options;
  options.max_object_bytes = 100;
  Admission admission(Collection(), FromPeer(), options);
  store::NewObject out;
  auto refusal = admission.Admit(Indicator(), &out);
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->kind, RefusalKind::kTooLarge);
  EXPECT_EQ(refusal->Describe(), "(object): object-size: object larger than 100 bytes");
}

TEST(Admission, DescribeListsFiveFindingsAndCountsTheRest) {
  Refusal r;
  for (int i = 0; i < 7; ++i) r.findings.push_back({"", "p" + std::to_string(i), "r", "m"});
  EXPECT_EQ(r.Describe(), "p0: r: m; p1: r: m; p2: r: m; p3: r: m; p4: r: m; and 2 more");
}

// Issue 11: a pattern whose regular expression is costly to compile is refused by the
// node's check, naming the rule, before it costs more than its budget.
TEST(Admission, CostlyPatternIsRefusedByTheNodeCheck) {
  auto check = NodeValidateOptions().check_pattern;
  auto error = check(R"([file:name MATCHES '\\p{L}{50}\\p{N}{5,}'])", "stix", "2.1");
  ASSERT_TRUE(error.has_value());
  EXPECT_NE(error->find("too costly to compile"), std::string::npos) << *error;
  EXPECT_EQ(check("[file:name MATCHES '^a+$']", "stix", "2.1"), std::nullopt);
}

// An envelope's patterns share one budget: once spent, patterns with MATCHES are
// refused with "send fewer per envelope"; the others stay accepted, and the next
// envelope has a budget of its own.
TEST(Admission, EnvelopePatternBudgetRefusesTheRest) {
  PatternLimits limits;
  limits.envelope_instructions = 30'000;  // about two of the expressions below
  const std::string costly = R"([file:name MATCHES '[^a]{1000}\\w{1000}'])";  // ~11,000
  auto envelope = EnvelopePatternChecker(limits);
  EXPECT_EQ(envelope(costly, "stix", "2.1"), std::nullopt);
  EXPECT_EQ(envelope(costly, "stix", "2.1"), std::nullopt);
  auto third = envelope(costly, "stix", "2.1");
  ASSERT_TRUE(third.has_value());
  EXPECT_NE(third->find("send fewer patterns with MATCHES per envelope"), std::string::npos)
      << *third;
  auto fourth = envelope(costly, "stix", "2.1");
  ASSERT_TRUE(fourth.has_value());
  EXPECT_NE(fourth->find("per envelope"), std::string::npos);
  EXPECT_EQ(envelope("[file:name = 'a']", "stix", "2.1"), std::nullopt);
  EXPECT_EQ(envelope("[file:size > 3 AND file:name = 'b']", "stix", "2.1"), std::nullopt);
  EXPECT_EQ(EnvelopePatternChecker(limits)(costly, "stix", "2.1"), std::nullopt);
}

// Issue 14: "an indicator whose value is on a warninglist is flagged at ingest (a
// finding naming the list)": admitted all the same, the hits name value and list; what
// is no indicator, or looks for no listed value, has none.
TEST(Admission, IndicatorOnAWarninglistIsAdmittedAndFlagged) {
  pattern::index::WarninglistSet set;
  pattern::index::Warninglist dns;
  dns.name = "List of known IPv4 public DNS resolvers";
  dns.type = pattern::index::WarninglistType::kCidr;
  dns.entries = {"8.8.8.8", "1.1.1.1"};
  set.Add(std::move(dns));
  set.Build();
  Options options;
  options.warninglists = std::make_shared<const pattern::index::WarninglistSet>(std::move(set));
  Admission admission(Collection(), Client("org-a"), options);
  store::NewObject out;
  ASSERT_FALSE(admission.Admit(Indicator("", "[ipv4-addr:value = '8.8.8.8']"), &out));
  ASSERT_EQ(admission.warninglist_hits().size(), 1u);
  EXPECT_EQ(admission.warninglist_hits()[0].value, "8.8.8.8");
  EXPECT_EQ(admission.warninglist_hits()[0].list, "List of known IPv4 public DNS resolvers");
  EXPECT_FALSE(out.json.empty());
  // The next object starts afresh.
  ASSERT_FALSE(admission.Admit(Indicator(), &out));
  EXPECT_TRUE(admission.warninglist_hits().empty());
  ASSERT_FALSE(admission.Admit(Indicator("", "[ipv4-addr:value = '1.1.1.1']"), &out));
  EXPECT_EQ(admission.warninglist_hits().size(), 1u);
  // Another pattern language is not looked into.
  boost::json::object sigma = Indicator("", "[ipv4-addr:value = '8.8.8.8']");
  sigma["pattern_type"] = "sigma";
  ASSERT_FALSE(admission.Admit(sigma, &out));
  EXPECT_TRUE(admission.warninglist_hits().empty());
  // A refused object has no hits either.
  boost::json::object broken = Indicator("", "[ipv4-addr:value = '8.8.8.8']");
  broken.erase("valid_from");
  ASSERT_FALSE(admission.Admit(Indicator("", "[ipv4-addr:value = '8.8.8.8']"), &out));
  ASSERT_TRUE(admission.Admit(broken, &out));
  EXPECT_TRUE(admission.warninglist_hits().empty());
  // Without lists nothing is looked up.
  Admission plain(Collection(), Client("org-a"), {});
  ASSERT_FALSE(plain.Admit(Indicator("", "[ipv4-addr:value = '8.8.8.8']"), &out));
  EXPECT_TRUE(plain.warninglist_hits().empty());
}

}  // namespace
}  // namespace entente::admission
