#include "cases/rsit.h"

#include <array>

namespace entente::cases {
namespace {

// From the task force's working_copy/machinev1 (version 1003).
constexpr RsitType kAbusive[] = {
    {"spam", "Spam"},
    {"harmful-speech", "Harmful Speech"},
    {"violence", "(Child) Sexual Exploitation/Sexual/Violent Content"}};
constexpr RsitType kMalicious[] = {{"infected-system", "Infected System"},
                                   {"c2-server", "C2 Server"},
                                   {"malware-distribution", "Malware Distribution"},
                                   {"malware-configuration", "Malware Configuration"}};
constexpr RsitType kGathering[] = {{"scanner", "Scanning"},
                                   {"sniffing", "Sniffing"},
                                   {"social-engineering", "Social Engineering"}};
constexpr RsitType kAttempts[] = {{"ids-alert", "Exploitation of Known Vulnerabilities"},
                                  {"brute-force", "Login Attempts"},
                                  {"exploit", "New Attack Signature"}};
constexpr RsitType kIntrusions[] = {
    {"privileged-account-compromise", "Privileged Account Compromise"},
    {"unprivileged-account-compromise", "Unprivileged Account Compromise"},
    {"application-compromise", "Application Compromise"},
    {"system-compromise", "System Compromise"},
    {"burglary", "Burglary"}};
constexpr RsitType kAvailability[] = {{"dos", "Denial of Service"},
                                      {"ddos", "Distributed Denial of Service"},
                                      {"misconfiguration", "Misconfiguration"},
                                      {"sabotage", "Sabotage"},
                                      {"outage", "Outage"}};
constexpr RsitType kContent[] = {
    {"unauthorised-information-access", "Unauthorised Access to Information"},
    {"unauthorised-information-modification", "Unauthorised Modification of Information"},
    {"data-loss", "Data Loss"},
    {"data-leak", "Leak of Confidential Information"}};
constexpr RsitType kFraud[] = {{"unauthorised-use-of-resources", "Unauthorised Use of Resources"},
                               {"copyright", "Copyright"},
                               {"masquerade", "Masquerade"},
                               {"phishing", "Phishing"}};
constexpr RsitType kVulnerable[] = {
    {"weak-crypto", "Weak Cryptography"},
    {"ddos-amplifier", "DDoS Amplifier"},
    {"potentially-unwanted-accessible", "Potentially Unwanted Accessible Services"},
    {"information-disclosure", "Information Disclosure"},
    {"vulnerable-system", "Vulnerable System"}};
constexpr RsitType kOther[] = {{"other", "Uncategorised"}, {"undetermined", "Undetermined"}};
constexpr RsitType kTest[] = {{"test", "Test"}};

const std::array<RsitClass, 11> kClasses = {{
    {"abusive-content", "Abusive Content", kAbusive},
    {"malicious-code", "Malicious Code", kMalicious},
    {"information-gathering", "Information Gathering", kGathering},
    {"intrusion-attempts", "Intrusion Attempts", kAttempts},
    {"intrusions", "Intrusions", kIntrusions},
    {"availability", "Availability", kAvailability},
    {"information-content-security", "Information Content Security", kContent},
    {"fraud", "Fraud", kFraud},
    {"vulnerable", "Vulnerable", kVulnerable},
    {"other", "Other", kOther},
    {"test", "Test", kTest},
}};

// Trimmed, ASCII lower case, "_" as "-".
std::string Normalise(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c == '_') c = '-';
  }
  return out;
}

}  // namespace

std::span<const RsitClass> RsitClasses() { return kClasses; }

const RsitClass* FindRsitClass(std::string_view name) {
  for (const RsitClass& c : kClasses) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

Result<RsitClassification> ClassifyRsit(std::string_view class_name, std::string_view type_name) {
  const std::string cls = Normalise(class_name);
  const RsitClass* found = FindRsitClass(cls);
  if (found == nullptr) {
    std::string valid;
    for (const RsitClass& c : kClasses) valid += (valid.empty() ? "" : ", ") + std::string(c.name);
    return Status::InvalidArgument((cls.empty()
                                        ? std::string("an RSIT class is required")
                                        : "unknown RSIT class '" + std::string(class_name) + "'") +
                                   "; valid classes: " + valid);
  }
  RsitClassification out{std::string(found->name), {}};
  const std::string type = Normalise(type_name);
  if (type.empty()) return out;
  for (const RsitType& t : found->types) {
    if (t.name == type) {
      out.type_name = std::string(t.name);
      return out;
    }
  }
  std::string valid;
  for (const RsitType& t : found->types) valid += (valid.empty() ? "" : ", ") + std::string(t.name);
  return Status::InvalidArgument("unknown RSIT type '" + std::string(type_name) + "' for class " +
                                 std::string(found->name) + "; valid types: " + valid);
}

std::string RsitMachineTag(const RsitClassification& c) {
  std::string tag = "rsit:" + c.class_name;
  if (!c.type_name.empty()) tag += "=\"" + c.type_name + "\"";
  return tag;
}

}  // namespace entente::cases
