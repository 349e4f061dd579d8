#include "cases/intake_report.h"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <string>

namespace entente::cases {
namespace {

std::string Message(const Result<IntakeReport>& r) { return r.ok() ? "" : r.status().message(); }

TEST(IntakeReport, AFullReportIsNormalised) {
  auto r = ParseIntakeReport(R"({"description": "Our web shop serves a skimmer",
    "title": "Skimmer", "rsit_class": "Malicious Code", "rsit_type": "Malware_Distribution",
    "observables": [{"type": "ipv4-addr", "value": "198.51.100.7"},
                    {"type": "domain-name", "value": "Evil.Example.COM."},
                    {"type": "sha256", "value": "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"},
                    {"type": "ipv6-addr", "value": "2001:DB8:0:0::1/64"},
                    {"type": "ipv4-addr", "value": "198.51.100.7"}],
    "victim": {"organisation": "Shop SA", "sector": "Retail", "country": "fr"},
    "aware_at": "2026-03-01T08:00:00Z", "nis2": true, "severity": "HIGH", "report_id": "r-1"})");
  ASSERT_TRUE(r.ok()) << Message(r);
  EXPECT_EQ(r->rsit.class_name, "malicious-code");
  EXPECT_EQ(r->rsit.type_name, "malware-distribution");
  ASSERT_EQ(r->observables.size(), 4u);  // the repeated address is kept once
  EXPECT_EQ(r->observables[1].value, "evil.example.com");
  EXPECT_EQ(r->observables[2].value,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(r->observables[3].value, "2001:db8::1/64");
  EXPECT_EQ(r->victim.country, "FR");
  EXPECT_EQ(r->victim.sector, "retail");
  EXPECT_TRUE(r->nis2);
  EXPECT_EQ(r->severity, Severity::kHigh);
  // What is stored reads back as the same report.
  auto again = IntakeReportFromJson(IntakeReportToJson(*r));
  ASSERT_TRUE(again.ok()) << Message(again);
  EXPECT_EQ(boost::json::serialize(IntakeReportToJson(*again)),
            boost::json::serialize(IntakeReportToJson(*r)));
}

// Issue 15: "reports are normalised to RSIT"; CASES_DESIGN.md 7: "an unknown class is
// refused with the list of valid ones".
TEST(IntakeReport, RsitSynonymsAndRefusal) {
  struct Case {
    const char* given;
    const char* cls;
    const char* type;
  } cases[] = {{"malware", "malicious-code", ""},
               {"Ransomware", "malicious-code", "infected-system"},
               {"DDoS", "availability", "ddos"},
               {"phishing", "fraud", "phishing"},
               {"data breach", "information-content-security", "data-leak"},
               {"Information Gathering", "information-gathering", ""},
               {"intrusions", "intrusions", ""}};
  for (const auto& c : cases) {
    auto r = NormaliseRsit(c.given, "");
    ASSERT_TRUE(r.ok()) << c.given << ": " << r.status().message();
    EXPECT_EQ(r->class_name, c.cls) << c.given;
    EXPECT_EQ(r->type_name, c.type) << c.given;
  }
  auto unknown = ParseIntakeReport(R"({"description": "x", "rsit_class": "cyberbadness"})");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(Message(unknown).find("rsit_class: unknown RSIT class"), std::string::npos);
  EXPECT_NE(Message(unknown).find("malicious-code"), std::string::npos);  // the list
  auto wrong_type =
      ParseIntakeReport(R"({"description": "x", "rsit_class": "fraud", "rsit_type": "ddos"})");
  EXPECT_EQ(Message(wrong_type).rfind("rsit_type: unknown RSIT type 'ddos'", 0), 0u)
      << Message(wrong_type);
  auto given = ParseIntakeReport(R"({"description": "x", "rsit_class": "ddos"})");
  ASSERT_TRUE(given.ok());
  EXPECT_EQ(given->rsit_as_given, "ddos");
}

// Issue 15 (bad input): a malformed report is refused with the field named.
TEST(IntakeReport, MalformedFieldsAreNamed) {
  struct Case {
    const char* json;
    const char* starts;
  } cases[] = {
      {R"({"rsit_class": "fraud"})", "description: required"},
      {R"({"description": "x"})", "rsit_class: required"},
      {R"({"description": 5, "rsit_class": "fraud"})", "description: must be a string"},
      {R"({"description": "", "rsit_class": "fraud"})", "description: must not be empty"},
      {R"({"description": "x", "rsit_class": "fraud", "colour": "red"})", "colour: unknown member"},
      {R"({"description": "x", "rsit_class": "fraud", "observables": [{"type": "ipv4-addr",
          "value": "300.1.2.3"}]})",
       "observables[0].value: not an IPv4 address"},
      {R"({"description": "x", "rsit_class": "fraud", "observables": [{"type": "asn",
          "value": "1"}]})",
       "observables[0].type: unknown observable type"},
      {R"({"description": "x", "rsit_class": "fraud", "observables": [{"value": "1.2.3.4"}]})",
       "observables[0].type: required"},
      {R"({"description": "x", "rsit_class": "fraud", "observables": [{"type": "md5",
          "value": "abc"}]})",
       "observables[0].value: not a md5 hash"},
      {R"({"description": "x", "rsit_class": "fraud", "victim": {"country": "FRA"}})",
       "victim.country: must be an ISO 3166-1"},
      {R"({"description": "x", "rsit_class": "fraud", "victim": {"city": "Lyon"}})",
       "victim.city: unknown member"},
      {R"({"description": "x", "rsit_class": "fraud", "aware_at": "2026-13-01T00:00:00Z"})",
       "aware_at: "},
      {R"({"description": "x", "rsit_class": "fraud", "nis2": "yes"})", "nis2: must be true"},
      {R"({"description": "x", "rsit_class": "fraud", "severity": "urgent"})", "severity: must be"},
      {R"({"description": "x", "rsit_class": "fraud", "report_id": "a b"})", "report_id: only"},
      {R"({"description": "x", "rsit_class": "fraud", "observables": {}})",
       "observables: must be an array"},
      {R"([1, 2])", "(body): must be a JSON object"},
      {R"({"description": "x", )", "(body): not valid JSON"},
      {R"({"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":{"i":1}}}}}}}}})", "(body): not valid JSON"},
  };
  for (const auto& c : cases) {
    auto r = ParseIntakeReport(c.json);
    ASSERT_FALSE(r.ok()) << c.json;
    EXPECT_EQ(Message(r).rfind(c.starts, 0), 0u) << c.json << " -> " << Message(r);
  }
  std::string huge =
      R"({"description": ")" + std::string(kMaxReportBytes, 'a') + R"(", "rsit_class": "fraud"})";
  EXPECT_EQ(Message(ParseIntakeReport(huge)).rfind("(body): larger than 65536 bytes", 0), 0u);
  std::string long_description =
      R"({"description": ")" + std::string(20000, 'a') + R"(", "rsit_class": "fraud"})";
  EXPECT_EQ(Message(ParseIntakeReport(long_description)).rfind("description: longer than", 0), 0u);
  std::string many = R"({"description": "x", "rsit_class": "fraud", "observables": [)";
  for (int i = 0; i < 101; ++i) {
    many += std::string(i ? "," : "") + R"({"type":"ipv4-addr","value":"10.0.0.)" +
            std::to_string(i % 250) + R"("})";
  }
  many += "]}";
  EXPECT_EQ(Message(ParseIntakeReport(many)).rfind("observables: more than 100", 0), 0u);
}

TEST(IntakeReport, Observables) {
  EXPECT_EQ(NormaliseObservable("url", "HTTPS://evil.example/Path")->value,
            "https://evil.example/Path");
  EXPECT_FALSE(NormaliseObservable("url", "evil.example/path").ok());
  EXPECT_EQ(NormaliseObservable("email-addr", "CEO@Example.org")->value, "ceo@example.org");
  EXPECT_FALSE(NormaliseObservable("email-addr", "nobody").ok());
  EXPECT_FALSE(NormaliseObservable("domain-name", "-bad.example").ok());
  EXPECT_FALSE(NormaliseObservable("domain-name", "localhost").ok());
  EXPECT_FALSE(NormaliseObservable("ipv4-addr", "10.0.0.1/33").ok());
  EXPECT_EQ(NormaliseObservable("ipv4-addr", "10.0.0.0/8")->value, "10.0.0.0/8");
  EXPECT_FALSE(NormaliseObservable("domain-name", "a b.example").ok());
}

}  // namespace
}  // namespace entente::cases
