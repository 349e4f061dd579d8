// cases/intake_report.h: the report a constituent files with the node's intake (issue 15,
// "triage intake when overloaded"), as JSON text in and a checked, normalised value out.
//
// The format (docs/cases.md, "Intake"): one JSON object, at most kMaxReportBytes, with
//   description  string, required, 1..16384 bytes: what happened, in the reporter's words
//   title        string, optional, at most 200 bytes
//   rsit_class   string, required: an RSIT class, its title, or a common synonym
//                ("malware", "ddos", "phishing", ...: NormaliseRsit); else refused with the
//                list of valid classes
//   rsit_type    string, optional: a type of that class
//   observables  array, optional, at most 100 of {"type": T, "value": V}, T one of
//                ipv4-addr, ipv6-addr, domain-name, url, email-addr, md5, sha1, sha256
//   victim       object, optional: organisation, sector (strings), country (ISO 3166-1
//                alpha-2)
//   aware_at     RFC 3339 UTC timestamp, optional: when the reporter became aware
//   nis2         boolean, optional (false): reported under NIS2 Art. 23
//   severity     optional: "low", "medium" (default), "high" or "critical"
//   report_id    string, optional, 1..128 of [A-Za-z0-9._:-]: the reporter's own key;
//                sending the same key again gives the same ticket (safe retries)
//   tlp          optional: "clear", "green", "amber" (default), "amber+strict" or "red":
//                how far the reporter lets the report travel beyond the node's handlers
//                when it is forwarded (cases/intake_forward.h); "red": never forwarded
// Any other member, a wrong type or an out-of-range value is invalid-argument naming the
// field ("observables[2].value: not an IPv4 address"). The error text depends on the
// request alone.
//
// Pure functions, safe from any thread; the values returned own their data.
#pragma once

#include <boost/json/object.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cases/rsit.h"
#include "entente/status.h"
#include "policy/policy.h"

namespace entente::cases {

inline constexpr size_t kMaxReportBytes = 64 * 1024;
inline constexpr size_t kMaxObservables = 100;

enum class Severity { kLow = 0, kMedium = 1, kHigh = 2, kCritical = 3 };
std::string_view SeverityName(Severity s);

// One observable, normalised: domain names, e-mail addresses and hashes in lower case,
// IP addresses in their canonical text form (inet_ntop). `value` of an IP may carry a
// CIDR suffix ("/24").
struct IntakeObservable {
  std::string type;
  std::string value;
  bool operator==(const IntakeObservable&) const = default;
};

struct Victim {
  std::string organisation;
  std::string sector;   // lower case
  std::string country;  // upper case, two letters; "" when not given
  bool empty() const { return organisation.empty() && sector.empty() && country.empty(); }
};

struct IntakeReport {
  std::string report_id;
  std::string title;
  std::string description;
  RsitClassification rsit;
  // The class (and type) as the reporter wrote them, when NormaliseRsit changed them
  // (a synonym); empty otherwise.
  std::string rsit_as_given;
  std::vector<IntakeObservable> observables;
  Victim victim;
  int64_t aware_at_us = 0;  // 0: not given
  bool nis2 = false;
  Severity severity = Severity::kMedium;
  policy::Tlp tlp = policy::Tlp::kAmber;  // how far it may be forwarded
};

// Parses and checks a report (the format above).
Result<IntakeReport> ParseIntakeReport(std::string_view json_text);
// The same for an already parsed object.
Result<IntakeReport> IntakeReportFromJson(const boost::json::object& obj);
// The report in the same format (what ParseIntakeReport accepts, normalised).
boost::json::object IntakeReportToJson(const IntakeReport& report);

// A classification from what a reporter wrote: the RSIT machine names, their titles
// ("Malicious Code"), a type name standing alone ("phishing" -> fraud/phishing) and a
// few common synonyms ("malware", "ransomware", "ddos", "scan", "data breach", ...).
// `type_name` (may be empty) must then be a type of the class found. Unknown:
// invalid-argument listing the valid classes (ClassifyRsit's message).
Result<RsitClassification> NormaliseRsit(std::string_view class_name, std::string_view type_name);

// Checks and normalises one observable (the types above); invalid-argument saying why.
Result<IntakeObservable> NormaliseObservable(std::string_view type, std::string_view value);

}  // namespace entente::cases
