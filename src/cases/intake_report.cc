#include "cases/intake_report.h"

#include <arpa/inet.h>

#include <array>
#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <cctype>
#include <optional>

#include "common/timestamp.h"
#include "stix/stix.h"

namespace entente::cases {

namespace {

constexpr size_t kMaxDescription = 16 * 1024;
constexpr size_t kMaxTitle = 200;
constexpr size_t kMaxVictimField = 200;
constexpr size_t kMaxValue = 2048;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Trimmed, lower case, '_' and ' ' as '-'.
std::string Key(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  std::string out = Lower(s);
  for (char& c : out) {
    if (c == '_' || c == ' ') c = '-';
  }
  return out;
}

struct Synonym {
  std::string_view word;
  std::string_view cls;
  std::string_view type;
};

// Words reporters use for an RSIT class (and type). A word that is itself a type name of
// exactly one class is found from the table and needs no entry here.
constexpr std::array<Synonym, 24> kSynonyms = {{
    {"malware", "malicious-code", ""},
    {"virus", "malicious-code", "infected-system"},
    {"worm", "malicious-code", "infected-system"},
    {"trojan", "malicious-code", "infected-system"},
    {"ransomware", "malicious-code", "infected-system"},
    {"botnet", "malicious-code", "infected-system"},
    {"c2", "malicious-code", "c2-server"},
    {"denial-of-service", "availability", "dos"},
    {"distributed-denial-of-service", "availability", "ddos"},
    {"scan", "information-gathering", "scanner"},
    {"scanning", "information-gathering", "scanner"},
    {"port-scan", "information-gathering", "scanner"},
    {"brute-forcing", "intrusion-attempts", "brute-force"},
    {"login-attempts", "intrusion-attempts", "brute-force"},
    {"exploitation", "intrusion-attempts", "ids-alert"},
    {"intrusion", "intrusions", ""},
    {"compromise", "intrusions", ""},
    {"hack", "intrusions", ""},
    {"account-compromise", "intrusions", "unprivileged-account-compromise"},
    {"data-breach", "information-content-security", "data-leak"},
    {"breach", "information-content-security", "data-leak"},
    {"leak", "information-content-security", "data-leak"},
    {"vulnerability", "vulnerable", "vulnerable-system"},
    {"abuse", "abusive-content", ""},
}};

Status FieldError(std::string_view field, std::string_view what) {
  return Status::InvalidArgument(std::string(field) + ": " + std::string(what));
}

Result<std::string> GetString(const boost::json::value& v, std::string_view field, size_t min,
                              size_t max) {
  if (!v.is_string()) return FieldError(field, "must be a string");
  const auto& s = v.get_string();
  if (s.size() < min) return FieldError(field, min == 1 ? "must not be empty" : "too short");
  if (s.size() > max) {
    return FieldError(field, "longer than " + std::to_string(max) + " bytes");
  }
  return std::string(s.data(), s.size());
}

bool IsHex(std::string_view s) {
  for (char c : s) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// An IP address, optionally with a prefix length, in canonical text.
std::optional<std::string> CanonicalIp(std::string_view value, bool v6) {
  std::string addr(value);
  std::string suffix;
  size_t slash = addr.find('/');
  if (slash != std::string::npos) {
    std::string_view bits = std::string_view(addr).substr(slash + 1);
    const int max_bits = v6 ? 128 : 32;
    if (bits.empty() || bits.size() > 3) return std::nullopt;
    int n = 0;
    for (char c : bits) {
      if (c < '0' || c > '9') return std::nullopt;
      n = n * 10 + (c - '0');
    }
    if (n > max_bits || (bits.size() > 1 && bits[0] == '0')) return std::nullopt;
    suffix = "/" + std::to_string(n);
    addr.resize(slash);
  }
  unsigned char buf[16];
  char text[INET6_ADDRSTRLEN];
  const int family = v6 ? AF_INET6 : AF_INET;
  if (inet_pton(family, addr.c_str(), buf) != 1) return std::nullopt;
  if (inet_ntop(family, buf, text, sizeof text) == nullptr) return std::nullopt;
  return std::string(text) + suffix;
}

bool IsDomainName(std::string_view d) {
  if (d.empty() || d.size() > 253) return false;
  if (d.back() == '.') d.remove_suffix(1);
  size_t label = 0;
  bool dot_seen = false;
  for (size_t i = 0; i < d.size(); ++i) {
    const char c = d[i];
    if (c == '.') {
      if (label == 0 || d[i - 1] == '-') return false;
      label = 0;
      dot_seen = true;
      continue;
    }
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
    if (!ok || (label == 0 && c == '-') || ++label > 63) return false;
  }
  return dot_seen && label > 0 && d.back() != '-';
}

bool HasControl(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return true;
  }
  return false;
}

}  // namespace

std::string_view SeverityName(Severity s) {
  switch (s) {
    case Severity::kLow:
      return "low";
    case Severity::kMedium:
      return "medium";
    case Severity::kHigh:
      return "high";
    case Severity::kCritical:
      return "critical";
  }
  return "medium";
}

Result<RsitClassification> NormaliseRsit(std::string_view class_name, std::string_view type_name) {
  const std::string cls = Key(class_name);
  const std::string type = Key(type_name);
  if (FindRsitClass(cls) != nullptr) return ClassifyRsit(cls, type);
  // The title of a class ("Malicious Code", "Information Content Security").
  for (const RsitClass& c : RsitClasses()) {
    if (Key(c.expanded) == cls) return ClassifyRsit(c.name, type);
  }
  for (const Synonym& s : kSynonyms) {
    if (s.word == cls) return ClassifyRsit(s.cls, type.empty() ? s.type : type);
  }
  // A type standing for its class ("phishing", "ddos"), when exactly one class has it.
  const RsitClass* owner = nullptr;
  int owners = 0;
  for (const RsitClass& c : RsitClasses()) {
    for (const RsitType& t : c.types) {
      if (t.name == cls || Key(t.expanded) == cls) {
        owner = &c;
        ++owners;
        if (type.empty()) return ClassifyRsit(c.name, t.name);
      }
    }
  }
  if (owners == 1 && owner != nullptr) return ClassifyRsit(owner->name, type);
  return ClassifyRsit(cls, type);  // the refusal listing every class
}

Result<IntakeObservable> NormaliseObservable(std::string_view type, std::string_view value) {
  if (value.empty()) return Status::InvalidArgument("must not be empty");
  if (value.size() > kMaxValue) {
    return Status::InvalidArgument("longer than " + std::to_string(kMaxValue) + " bytes");
  }
  if (HasControl(value) || value.find(' ') != std::string_view::npos) {
    return Status::InvalidArgument("must not contain spaces or control characters");
  }
  IntakeObservable o{std::string(type), ""};
  if (type == "ipv4-addr" || type == "ipv6-addr") {
    auto ip = CanonicalIp(value, type == "ipv6-addr");
    if (!ip) {
      return Status::InvalidArgument(type == "ipv4-addr" ? "not an IPv4 address"
                                                         : "not an IPv6 address");
    }
    o.value = std::move(*ip);
  } else if (type == "domain-name") {
    if (!IsDomainName(value)) return Status::InvalidArgument("not a domain name");
    o.value = Lower(value);
    if (o.value.back() == '.') o.value.pop_back();
  } else if (type == "url") {
    const size_t scheme = value.find("://");
    if (scheme == std::string_view::npos || scheme == 0 || scheme + 3 >= value.size()) {
      return Status::InvalidArgument("not a URL (scheme://host...)");
    }
    for (char c : value.substr(0, scheme)) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') {
        return Status::InvalidArgument("not a URL (scheme://host...)");
      }
    }
    o.value = Lower(value.substr(0, scheme)) + std::string(value.substr(scheme));
  } else if (type == "email-addr") {
    const size_t at = value.rfind('@');
    if (at == std::string_view::npos || at == 0 || !IsDomainName(value.substr(at + 1))) {
      return Status::InvalidArgument("not an e-mail address (local@domain)");
    }
    o.value = Lower(value);
  } else if (type == "md5" || type == "sha1" || type == "sha256") {
    const size_t want = type == "md5" ? 32 : type == "sha1" ? 40 : 64;
    if (value.size() != want || !IsHex(value)) {
      return Status::InvalidArgument("not a " + std::string(type) + " hash (" +
                                     std::to_string(want) + " hex digits)");
    }
    o.value = Lower(value);
  } else {
    return Status::InvalidArgument(
        "unknown observable type; valid types: ipv4-addr, ipv6-addr, domain-name, url, "
        "email-addr, md5, sha1, sha256");
  }
  return o;
}

Result<IntakeReport> IntakeReportFromJson(const boost::json::object& obj) {
  IntakeReport r;
  bool has_description = false, has_class = false;
  std::string class_text, type_text;
  for (const auto& [k, v] : obj) {
    const std::string_view key(k.data(), k.size());
    if (key == "description") {
      auto s = GetString(v, key, 1, kMaxDescription);
      if (!s.ok()) return s.status();
      r.description = std::move(*s);
      has_description = true;
    } else if (key == "title") {
      auto s = GetString(v, key, 0, kMaxTitle);
      if (!s.ok()) return s.status();
      if (HasControl(*s)) return FieldError(key, "must not contain control characters");
      r.title = std::move(*s);
    } else if (key == "rsit_class") {
      auto s = GetString(v, key, 1, 100);
      if (!s.ok()) return s.status();
      class_text = std::move(*s);
      has_class = true;
    } else if (key == "rsit_type") {
      auto s = GetString(v, key, 0, 100);
      if (!s.ok()) return s.status();
      type_text = std::move(*s);
    } else if (key == "observables") {
      if (!v.is_array()) return FieldError(key, "must be an array");
      const auto& arr = v.get_array();
      if (arr.size() > kMaxObservables) {
        return FieldError(key, "more than " + std::to_string(kMaxObservables) + " observables");
      }
      for (size_t i = 0; i < arr.size(); ++i) {
        const std::string field = "observables[" + std::to_string(i) + "]";
        if (!arr[i].is_object()) return FieldError(field, "must be an object {type, value}");
        const auto& o = arr[i].get_object();
        std::string type, value;
        bool has_type = false, has_value = false;
        for (const auto& [ok, ov] : o) {
          const std::string_view okey(ok.data(), ok.size());
          if (okey != "type" && okey != "value") {
            return FieldError(field + "." + std::string(okey), "unknown member");
          }
          auto s = GetString(ov, field + "." + std::string(okey), 1, kMaxValue);
          if (!s.ok()) return s.status();
          (okey == "type" ? type : value) = std::move(*s);
          (okey == "type" ? has_type : has_value) = true;
        }
        if (!has_type) return FieldError(field + ".type", "required");
        if (!has_value) return FieldError(field + ".value", "required");
        auto n = NormaliseObservable(type, value);
        if (!n.ok()) {
          const bool type_bad = n.status().message().starts_with("unknown observable type");
          return FieldError(field + (type_bad ? ".type" : ".value"), n.status().message());
        }
        bool seen = false;
        for (const auto& existing : r.observables) seen = seen || existing == *n;
        if (!seen) r.observables.push_back(std::move(*n));
      }
    } else if (key == "victim") {
      if (!v.is_object()) return FieldError(key, "must be an object");
      for (const auto& [vk, vv] : v.get_object()) {
        const std::string_view vkey(vk.data(), vk.size());
        const std::string field = "victim." + std::string(vkey);
        if (vkey == "organisation" || vkey == "sector") {
          auto s = GetString(vv, field, 0, kMaxVictimField);
          if (!s.ok()) return s.status();
          if (HasControl(*s)) return FieldError(field, "must not contain control characters");
          if (vkey == "organisation") {
            r.victim.organisation = std::move(*s);
          } else {
            r.victim.sector = Key(*s);
          }
        } else if (vkey == "country") {
          auto s = GetString(vv, field, 2, 2);
          if (!s.ok()) {
            return FieldError(field, "must be an ISO 3166-1 alpha-2 code such as \"FR\"");
          }
          if (!std::isalpha(static_cast<unsigned char>((*s)[0])) ||
              !std::isalpha(static_cast<unsigned char>((*s)[1]))) {
            return FieldError(field, "must be an ISO 3166-1 alpha-2 code such as \"FR\"");
          }
          for (char& c : *s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
          r.victim.country = std::move(*s);
        } else {
          return FieldError(field, "unknown member (organisation, sector, country)");
        }
      }
    } else if (key == "aware_at") {
      if (!v.is_string()) return FieldError(key, "must be an RFC 3339 UTC timestamp");
      auto ts = ParseTimestamp(std::string_view(v.get_string().data(), v.get_string().size()));
      if (!ts.ok()) return FieldError(key, ts.status().message());
      r.aware_at_us = ts->micros;
    } else if (key == "nis2") {
      if (!v.is_bool()) return FieldError(key, "must be true or false");
      r.nis2 = v.get_bool();
    } else if (key == "severity") {
      if (!v.is_string()) return FieldError(key, "must be low, medium, high or critical");
      const std::string s = Key(std::string_view(v.get_string().data(), v.get_string().size()));
      if (s == "low") {
        r.severity = Severity::kLow;
      } else if (s == "medium") {
        r.severity = Severity::kMedium;
      } else if (s == "high") {
        r.severity = Severity::kHigh;
      } else if (s == "critical") {
        r.severity = Severity::kCritical;
      } else {
        return FieldError(key, "must be low, medium, high or critical");
      }
    } else if (key == "tlp") {
      policy::Tlp tlp = policy::Tlp::kAmber;
      if (!v.is_string() ||
          !policy::ParseTlp(std::string_view(v.get_string().data(), v.get_string().size()), &tlp)) {
        return FieldError(key, "must be clear, green, amber, amber+strict or red");
      }
      r.tlp = tlp;
    } else if (key == "report_id") {
      auto s = GetString(v, key, 1, 128);
      if (!s.ok()) return s.status();
      for (char c : *s) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != ':' &&
            c != '-') {
          return FieldError(key, "only letters, digits and . _ : - are allowed");
        }
      }
      r.report_id = std::move(*s);
    } else {
      // The member's name is the request's own text, cut short: nothing else is echoed.
      std::string shown(key.substr(0, 64));
      for (char& c : shown) {
        if (static_cast<unsigned char>(c) < 0x20 || c == '"' || c == '\\') c = '?';
      }
      return FieldError(
          shown,
          "unknown member (description, title, rsit_class, rsit_type, observables, victim, "
          "aware_at, nis2, severity, report_id, tlp)");
    }
  }
  if (!has_description) return FieldError("description", "required");
  if (!has_class) return FieldError("rsit_class", "required");
  auto rsit = NormaliseRsit(class_text, type_text);
  if (!rsit.ok()) {
    const bool type_bad = rsit.status().message().starts_with("unknown RSIT type");
    return FieldError(type_bad ? "rsit_type" : "rsit_class", rsit.status().message());
  }
  if (rsit->class_name != Key(class_text) || rsit->type_name != Key(type_text)) {
    r.rsit_as_given = class_text + (type_text.empty() ? "" : "/" + type_text);
  }
  r.rsit = std::move(*rsit);
  return r;
}

Result<IntakeReport> ParseIntakeReport(std::string_view json_text) {
  if (json_text.size() > kMaxReportBytes) {
    return FieldError("(body)", "larger than " + std::to_string(kMaxReportBytes) + " bytes");
  }
  stix::ParseLimits limits;
  limits.max_bytes = kMaxReportBytes;
  limits.max_depth = 8;
  auto parsed = stix::ParseJson(json_text, limits);
  if (!parsed.ok()) return FieldError("(body)", "not valid JSON: " + parsed.status().message());
  if (!parsed->is_object()) return FieldError("(body)", "must be a JSON object");
  return IntakeReportFromJson(parsed->get_object());
}

boost::json::object IntakeReportToJson(const IntakeReport& r) {
  boost::json::object o;
  if (!r.report_id.empty()) o["report_id"] = r.report_id;
  if (!r.title.empty()) o["title"] = r.title;
  o["description"] = r.description;
  o["rsit_class"] = r.rsit.class_name;
  if (!r.rsit.type_name.empty()) o["rsit_type"] = r.rsit.type_name;
  if (!r.observables.empty()) {
    boost::json::array arr;
    for (const auto& ob : r.observables) {
      arr.push_back(boost::json::object{{"type", ob.type}, {"value", ob.value}});
    }
    o["observables"] = std::move(arr);
  }
  if (!r.victim.empty()) {
    boost::json::object v;
    if (!r.victim.organisation.empty()) v["organisation"] = r.victim.organisation;
    if (!r.victim.sector.empty()) v["sector"] = r.victim.sector;
    if (!r.victim.country.empty()) v["country"] = r.victim.country;
    o["victim"] = std::move(v);
  }
  if (r.aware_at_us != 0) o["aware_at"] = FormatTimestamp(r.aware_at_us, 3);
  o["nis2"] = r.nis2;
  o["severity"] = SeverityName(r.severity);
  o["tlp"] = std::string(policy::TlpName(r.tlp));
  return o;
}

}  // namespace entente::cases
