#include "telemetry/eve.h"

#include <arpa/inet.h>
#include <simdjson.h>

#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace entente::telemetry {
namespace {

namespace od = simdjson::ondemand;
using simdjson::error_code;

enum class EventType { kNone, kAlert, kDns, kHttp, kTls, kFileinfo, kFlow, kSmtp, kOther };

EventType ClassifyEventType(std::string_view t) {
  if (t == "alert") return EventType::kAlert;
  if (t == "dns") return EventType::kDns;
  if (t == "http") return EventType::kHttp;
  if (t == "tls") return EventType::kTls;
  if (t == "fileinfo") return EventType::kFileinfo;
  if (t == "flow") return EventType::kFlow;
  if (t == "smtp") return EventType::kSmtp;
  return EventType::kOther;
}

std::string_view EventTypeLiteral(EventType t) {
  switch (t) {
    case EventType::kAlert:
      return "alert";
    case EventType::kDns:
      return "dns";
    case EventType::kHttp:
      return "http";
    case EventType::kTls:
      return "tls";
    case EventType::kFileinfo:
      return "fileinfo";
    case EventType::kFlow:
      return "flow";
    case EventType::kSmtp:
      return "smtp";
    case EventType::kNone:
    case EventType::kOther:
      break;
  }
  return {};
}

// Dotted quad: four decimal parts of 0-255 without leading zeros (what inet_pton(AF_INET)
// accepts), checked without copying.
bool IsIpv4(std::string_view s) {
  int parts = 0, digits = 0, value = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '.') {
      if (digits == 0 || ++parts > 4) return false;
      digits = value = 0;
      continue;
    }
    const char c = s[i];
    if (c < '0' || c > '9') return false;
    if (digits > 0 && value == 0) return false;  // leading zero
    value = value * 10 + (c - '0');
    if (++digits > 3 || value > 255) return false;
  }
  return parts == 4;
}

bool IsIpv6(std::string_view s) {
  char buf[INET6_ADDRSTRLEN + 1];
  if (s.empty() || s.size() >= sizeof buf) return false;
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = '\0';
  unsigned char out[16];
  return inet_pton(AF_INET6, buf, out) == 1;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

int Digits(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// EVE's "2024-01-01T12:00:00.123456+0000": date, time, optional fraction (digits past the
// sixth are dropped), and an offset "+hhmm", "+hh:mm" or "Z"; no offset reads as UTC.
bool ParseEveTime(std::string_view s, int64_t* out) {
  if (s.size() < 19 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':') {
    return false;
  }
  const std::string_view year = s.substr(0, 4), month = s.substr(5, 2), day = s.substr(8, 2),
                         hour = s.substr(11, 2), minute = s.substr(14, 2), second = s.substr(17, 2);
  for (std::string_view part : {year, month, day, hour, minute, second}) {
    if (!IsDigits(part)) return false;
  }
  const int y = Digits(year), mo = Digits(month), d = Digits(day), h = Digits(hour),
            mi = Digits(minute), sec = Digits(second);
  static constexpr int kDaysIn[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (mo < 1 || mo > 12 || d < 1 || d > kDaysIn[mo - 1] || h > 23 || mi > 59 || sec > 60) {
    return false;
  }
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (mo == 2 && d == 29 && !leap) return false;
  size_t i = 19;
  int64_t micros = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    int n = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (n < 6) micros = micros * 10 + (s[i] - '0');
      ++n;
      ++i;
    }
    if (n == 0) return false;
    for (; n < 6; ++n) micros *= 10;
  }
  int64_t offset_s = 0;
  if (i < s.size()) {
    if (s[i] == 'Z') {
      ++i;
    } else if (s[i] == '+' || s[i] == '-') {
      const int sign = s[i] == '-' ? -1 : 1;
      std::string_view rest = s.substr(i + 1);
      std::string_view oh, om;
      if (rest.size() == 4) {
        oh = rest.substr(0, 2);
        om = rest.substr(2, 2);
      } else if (rest.size() == 5 && rest[2] == ':') {
        oh = rest.substr(0, 2);
        om = rest.substr(3, 2);
      } else {
        return false;
      }
      if (!IsDigits(oh) || !IsDigits(om) || Digits(oh) > 23 || Digits(om) > 59) return false;
      offset_s = sign * (Digits(oh) * 3600 + Digits(om) * 60);
      i = s.size();
    } else {
      return false;
    }
  }
  if (i != s.size()) return false;
  const int64_t days = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  const int64_t secs = days * 86400 + h * 3600 + mi * 60 + sec - offset_s;
  *out = secs * 1000000 + micros;
  return true;
}

std::string_view StripTrailingDot(std::string_view s) {
  while (!s.empty() && s.back() == '.') s.remove_suffix(1);
  return s;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

}  // namespace

struct EveParser::Impl {
  od::parser parser{kMaxLineBytes};
  std::vector<char> buffer;  // the line, then SIMDJSON_PADDING bytes
  std::string other_log;     // event_type of a type outside the mapping
  size_t line_size = 0;      // bytes of the line in buffer

  // One line's state.
  Record* record = nullptr;
  const char* error_field = nullptr;  // set on the first error
  std::string error_message;

  bool Fail(const char* field, std::string_view message) {
    if (error_field == nullptr) {
      error_field = field;
      error_message.assign(message);
    }
    return false;
  }
  bool FailJson(const char* field, error_code code) {
    if (code == simdjson::INCORRECT_TYPE) return Fail(field, "the value has the wrong JSON type");
    std::string m = "the line is not valid JSON: ";
    m += simdjson::error_message(code);
    return Fail(field, m);
  }

  void Emit(ObservableKind kind, const char* field, std::string_view value) {
    if (value.empty()) return;
    Record& r = *record;
    for (size_t i = 0; i < r.count; ++i) {
      if (r.observables[i].kind == kind && r.observables[i].value == value) return;
    }
    if (r.count >= kMaxObservables) return;
    r.Add(kind, field).value.assign(value);
  }

  // A string or null (or absent: the caller does not call). Null gives an empty view.
  bool GetString(od::value& v, const char* field, std::string_view* out) {
    *out = {};
    const error_code err = v.get_string().get(*out);
    if (err == simdjson::SUCCESS) return true;
    if (err != simdjson::INCORRECT_TYPE) return FailJson(field, err);
    bool null = false;
    if (v.is_null().get(null) == simdjson::SUCCESS && null) return true;
    return Fail(field, "expected a string");
  }

  // A member's key. EVE keys hold no escapes: they are compared as written, without
  // copying; a key with an escape is unescaped first.
  error_code Key(od::field& f, std::string_view* out) {
    const char* begin = f.key().raw();
    const char* end = buffer.data() + line_size;
    for (const char* p = begin; p < end; ++p) {
      if (*p == '"') {
        *out = std::string_view(begin, static_cast<size_t>(p - begin));
        return simdjson::SUCCESS;
      }
      if (*p == '\\') break;
    }
    return f.unescaped_key().get(*out);
  }

  // Calls fn(value&) for each element of an array; null counts as an empty array.
  template <typename Fn>
  bool ForEach(od::value& v, const char* field, Fn&& fn) {
    od::json_type type;
    if (auto err = v.type().get(type)) return FailJson(field, err);
    if (type == od::json_type::null) return true;
    if (type != od::json_type::array) return Fail(field, "expected an array");
    od::array arr;
    if (auto err = v.get_array().get(arr)) return FailJson(field, err);
    for (auto element : arr) {
      od::value ev;
      if (auto err = std::move(element).get(ev)) return FailJson(field, err);
      if (!fn(ev)) return false;
    }
    return true;
  }

  // Calls fn(key, value&) for each member of an object; null counts as an empty object.
  template <typename Fn>
  bool ForFields(od::value& v, const char* field, Fn&& fn) {
    od::json_type type;
    if (auto err = v.type().get(type)) return FailJson(field, err);
    if (type == od::json_type::null) return true;
    if (type != od::json_type::object) return Fail(field, "expected an object");
    od::object obj;
    if (auto err = v.get_object().get(obj)) return FailJson(field, err);
    for (auto member : obj) {
      od::field f;
      if (auto err = std::move(member).get(f)) return FailJson(field, err);
      std::string_view key;
      if (auto err = Key(f, &key)) return FailJson(field, err);
      od::value fv = f.value();
      if (!fn(key, fv)) return false;
    }
    return true;
  }

  bool Address(const char* field, std::string_view s) {
    if (s.empty()) return true;
    if (IsIpv4(s)) {
      Emit(ObservableKind::kIpv4, field, s);
    } else if (IsIpv6(s)) {
      Emit(ObservableKind::kIpv6, field, s);
    } else {
      return Fail(field, "not an IPv4 or IPv6 address");
    }
    return true;
  }

  void Domain(const char* field, std::string_view s) {
    Emit(ObservableKind::kDomain, field, StripTrailingDot(s));
  }

  // A host name that may also be an address literal (HTTP Host, TLS SNI).
  void Host(const char* field, std::string_view s) {
    if (IsIpv4(s)) {
      Emit(ObservableKind::kIpv4, field, s);
      return;
    }
    std::string_view inner = s;
    if (inner.size() > 2 && inner.front() == '[' && inner.back() == ']') {
      inner = inner.substr(1, inner.size() - 2);
    }
    if (IsIpv6(inner)) {
      Emit(ObservableKind::kIpv6, field, inner);
      return;
    }
    Domain(field, s);
  }

  // Hex digest with or without ':' separators, written lower-case without them.
  bool Hash(ObservableKind kind, const char* field, std::string_view s, size_t hex_digits) {
    if (s.empty()) return true;
    size_t digits = 0;
    for (char c : s) {
      if (c == ':') continue;
      if (HexValue(c) < 0) digits = hex_digits + 1;
      if (++digits > hex_digits) break;
    }
    if (digits != hex_digits) {
      return Fail(field, "not a hexadecimal digest of the expected length");
    }
    Record& r = *record;
    if (r.count >= kMaxObservables) return true;
    Observable& o = r.Add(kind, field);
    for (char c : s) {
      if (c != ':') o.value.push_back("0123456789abcdef"[HexValue(c)]);
    }
    for (size_t i = 0; i + 1 < r.count; ++i) {
      if (r.observables[i].kind == kind && r.observables[i].value == o.value) {
        --r.count;
        break;
      }
    }
    return true;
  }

  // "Name <user@host>", "<user@host>", "user@host", or a comma-separated list of these
  // (commas inside quotes or angle brackets do not separate): each addr-spec, without
  // display name or angle brackets. Entries without '@' (the null sender "<>", a bare
  // "postmaster") or with spaces or a stray bracket left in them give nothing.
  void Emails(const char* field, std::string_view s) {
    size_t begin = 0;
    bool quoted = false, bracketed = false;
    for (size_t i = 0; i <= s.size(); ++i) {
      const char c = i < s.size() ? s[i] : ',';
      if (c == '"' && !bracketed) quoted = !quoted;
      if (c == '<' && !quoted) bracketed = true;
      if (c == '>' && !quoted) bracketed = false;
      if (c != ',' || ((quoted || bracketed) && i < s.size())) continue;
      std::string_view part = s.substr(begin, i - begin);
      begin = i + 1;
      const size_t open = part.rfind('<');
      if (open != std::string_view::npos) {
        const size_t close = part.find('>', open + 1);
        part = part.substr(open + 1, close == std::string_view::npos ? close : close - open - 1);
      }
      part = Trim(part);
      if (part.find('@') == std::string_view::npos ||
          part.find_first_of(" <>") != std::string_view::npos) {
        continue;  // no address, or a stray bracket: not an addr-spec
      }
      Emit(ObservableKind::kEmail, field, part);
    }
  }

  // rdata of one resource record, by its type.
  bool Rdata(const char* field, std::string_view rrtype, std::string_view rdata) {
    if (rdata.empty()) return true;
    if (rrtype == "A" || rrtype == "AAAA") return Address(field, rdata);
    if (rrtype == "CNAME" || rrtype == "NS" || rrtype == "PTR") {
      Domain(field, rdata);
    } else if (rrtype == "MX") {
      // The exchange; a preference, when written before it, is dropped.
      const size_t space = rdata.rfind(' ');
      Domain(field, space == std::string_view::npos ? rdata : rdata.substr(space + 1));
    }
    return true;
  }

  // One resource record object: {"rrname", "rrtype", "rdata", ...}.
  bool ResourceRecord(od::value& v, const char* name_field, const char* rdata_field) {
    std::string_view rrtype, rdata;
    const bool ok = ForFields(v, name_field, [&](std::string_view key, od::value& fv) {
      if (key == "rrname") {
        std::string_view name;
        if (!GetString(fv, name_field, &name)) return false;
        Domain(name_field, name);
      } else if (key == "rrtype") {
        return GetString(fv, name_field, &rrtype);
      } else if (key == "rdata") {
        return GetString(fv, rdata_field, &rdata);
      }
      return true;
    });
    return ok && Rdata(rdata_field, rrtype, rdata);
  }

  // The "dns" object of every EVE DNS format: v1 (one record per event: rrname, rrtype,
  // rdata), v2 (answers[] in "detailed" form, grouped{} in "grouped" form), v3 of Suricata 8
  // (queries[], answers[], grouped{}), and the alert context of Suricata 7 (query[] and an
  // "answer" object in v2 form).
  bool Dns(od::value& v) {
    std::string_view rrtype, rdata;
    const bool ok = ForFields(v, "dns", [&](std::string_view key, od::value& fv) {
      if (key == "rrname") {
        std::string_view name;
        if (!GetString(fv, "dns.rrname", &name)) return false;
        Domain("dns.rrname", name);
        return true;
      }
      if (key == "rrtype") return GetString(fv, "dns.rrtype", &rrtype);
      if (key == "rdata") return GetString(fv, "dns.rdata", &rdata);
      if (key == "queries") {
        return ForEach(fv, "dns.queries[]", [&](od::value& q) {
          return ResourceRecord(q, "dns.queries[].rrname", "dns.queries[].rdata");
        });
      }
      if (key == "query") {
        return ForEach(fv, "dns.query[]", [&](od::value& q) {
          return ResourceRecord(q, "dns.query[].rrname", "dns.query[].rdata");
        });
      }
      if (key == "answers") {
        return ForEach(fv, "dns.answers[]", [&](od::value& a) {
          return ResourceRecord(a, "dns.answers[].rrname", "dns.answers[].rdata");
        });
      }
      if (key == "answer") return Dns(fv);
      if (key == "grouped") return Grouped(fv);
      return true;
    });
    return ok && Rdata("dns.rdata", rrtype, rdata);
  }

  bool Grouped(od::value& v) {
    return ForFields(v, "dns.grouped", [&](std::string_view rrtype, od::value& list) {
      const char* field = nullptr;
      if (rrtype == "A") field = "dns.grouped.A";
      if (rrtype == "AAAA") field = "dns.grouped.AAAA";
      if (rrtype == "CNAME") field = "dns.grouped.CNAME";
      if (rrtype == "NS") field = "dns.grouped.NS";
      if (rrtype == "PTR") field = "dns.grouped.PTR";
      if (rrtype == "MX") field = "dns.grouped.MX";
      if (field == nullptr) return true;
      return ForEach(list, field, [&](od::value& item) {
        std::string_view rdata;
        return GetString(item, field, &rdata) && Rdata(field, rrtype, rdata);
      });
    });
  }

  bool Http(od::value& v) {
    std::string_view hostname, url;
    int64_t port = 0;
    const bool ok = ForFields(v, "http", [&](std::string_view key, od::value& fv) {
      if (key == "hostname") return GetString(fv, "http.hostname", &hostname);
      if (key == "url") return GetString(fv, "http.url", &url);
      if (key == "http_port") {
        od::json_type type;
        if (auto err = fv.type().get(type)) return FailJson("http.http_port", err);
        if (type == od::json_type::null) return true;
        if (auto err = fv.get_int64().get(port)) return FailJson("http.http_port", err);
        if (port < 1 || port > 65535) return Fail("http.http_port", "not a TCP port");
      }
      return true;
    });
    if (!ok) return false;
    if (hostname.empty()) return true;
    Host("http.hostname", hostname);
    if (url.empty()) return true;
    if (StartsWithNoCase(url, "http://") || StartsWithNoCase(url, "https://")) {
      Emit(ObservableKind::kUrl, "http.url", url);  // a proxy request: already absolute
      return true;
    }
    if (url.front() != '/') return true;  // "*" (OPTIONS), "host:port" (CONNECT)
    Record& r = *record;
    if (r.count >= kMaxObservables) return true;
    Observable& o = r.Add(ObservableKind::kUrl, "http.url");
    o.value.append("http://");
    const bool bare_ipv6 = hostname.front() != '[' && IsIpv6(hostname);
    if (bare_ipv6) o.value.push_back('[');
    o.value.append(hostname);
    if (bare_ipv6) o.value.push_back(']');
    if (port != 0) {
      o.value.push_back(':');
      o.value.append(std::to_string(port));
    }
    o.value.append(url);
    for (size_t i = 0; i + 1 < r.count; ++i) {
      if (r.observables[i].kind == ObservableKind::kUrl && r.observables[i].value == o.value) {
        --r.count;
        break;
      }
    }
    return true;
  }

  bool Tls(od::value& v) {
    return ForFields(v, "tls", [&](std::string_view key, od::value& fv) {
      std::string_view s;
      if (key == "sni") {
        if (!GetString(fv, "tls.sni", &s)) return false;
        Host("tls.sni", s);
      } else if (key == "fingerprint") {
        if (!GetString(fv, "tls.fingerprint", &s)) return false;
        return Hash(ObservableKind::kX509Sha1, "tls.fingerprint", s, 40);
      }
      return true;
    });
  }

  bool Fileinfo(od::value& v) {
    return ForFields(v, "fileinfo", [&](std::string_view key, od::value& fv) {
      std::string_view s;
      if (key == "md5") {
        return GetString(fv, "fileinfo.md5", &s) &&
               Hash(ObservableKind::kMd5, "fileinfo.md5", s, 32);
      }
      if (key == "sha1") {
        return GetString(fv, "fileinfo.sha1", &s) &&
               Hash(ObservableKind::kSha1, "fileinfo.sha1", s, 40);
      }
      if (key == "sha256") {
        return GetString(fv, "fileinfo.sha256", &s) &&
               Hash(ObservableKind::kSha256, "fileinfo.sha256", s, 64);
      }
      return true;
    });
  }

  bool Smtp(od::value& v) {
    return ForFields(v, "smtp", [&](std::string_view key, od::value& fv) {
      std::string_view s;
      if (key == "mail_from") {
        if (!GetString(fv, "smtp.mail_from", &s)) return false;
        Emails("smtp.mail_from", s);
      } else if (key == "rcpt_to") {
        return ForEach(fv, "smtp.rcpt_to[]", [&](od::value& item) {
          if (!GetString(item, "smtp.rcpt_to[]", &s)) return false;
          Emails("smtp.rcpt_to[]", s);
          return true;
        });
      }
      return true;
    });
  }

  bool Email(od::value& v) {
    return ForFields(v, "email", [&](std::string_view key, od::value& fv) {
      std::string_view s;
      if (key == "from") {
        if (!GetString(fv, "email.from", &s)) return false;
        Emails("email.from", s);
        return true;
      }
      const char* field = key == "to" ? "email.to[]" : key == "cc" ? "email.cc[]" : nullptr;
      if (field == nullptr) return true;
      return ForEach(fv, field, [&](od::value& item) {
        if (!GetString(item, field, &s)) return false;
        Emails(field, s);
        return true;
      });
    });
  }

  // Keeps only src_ip and dest_ip, for event types outside the mapping.
  void KeepAddressesOnly() {
    Record& r = *record;
    size_t kept = 0;
    for (size_t i = 0; i < r.count; ++i) {
      const std::string_view f = r.observables[i].field;
      if (f == "src_ip" || f == "dest_ip") {
        if (i != kept) std::swap(r.observables[i], r.observables[kept]);
        ++kept;
      }
    }
    r.count = kept;
  }

  bool Line(od::document& doc) {
    od::json_type type;
    if (auto err = doc.type().get(type)) return FailJson("", err);
    if (type != od::json_type::object) {
      return Fail("", "the line is JSON but not an object");
    }
    od::object obj;
    if (auto err = doc.get_object().get(obj)) return FailJson("", err);
    EventType event_type = EventType::kNone;
    for (auto member : obj) {
      od::field f;
      if (auto err = std::move(member).get(f)) return FailJson("", err);
      std::string_view key;
      if (auto err = Key(f, &key)) return FailJson("", err);
      od::value v = f.value();
      bool ok = true;
      std::string_view s;
      if (key == "event_type") {
        ok = GetString(v, "event_type", &s);
        if (ok && !s.empty()) {
          event_type = ClassifyEventType(s);
          record->log = EventTypeLiteral(event_type);
          if (event_type == EventType::kOther) {
            other_log.assign(s);
            record->log = other_log;
          }
        }
      } else if (key == "timestamp") {
        ok = GetString(v, "timestamp", &s);
        if (ok && !s.empty() && !ParseEveTime(s, &record->time_us)) {
          ok = Fail("timestamp", "not an EVE timestamp (YYYY-MM-DDTHH:MM:SS.ffffff+hhmm)");
        }
      } else if (key == "src_ip") {
        ok = GetString(v, "src_ip", &s) && Address("src_ip", s);
      } else if (key == "dest_ip") {
        ok = GetString(v, "dest_ip", &s) && Address("dest_ip", s);
      } else if (key == "dns") {
        ok = Dns(v);
      } else if (key == "http") {
        ok = Http(v);
      } else if (key == "tls") {
        ok = Tls(v);
      } else if (key == "fileinfo") {
        ok = Fileinfo(v);
      } else if (key == "smtp") {
        ok = Smtp(v);
      } else if (key == "email") {
        ok = Email(v);
      }
      if (!ok) return false;
    }
    const char* rest = nullptr;
    if (doc.current_location().get(rest) != simdjson::OUT_OF_BOUNDS) {
      return Fail("", "the line holds more than one JSON value");
    }
    if (event_type == EventType::kNone || event_type == EventType::kOther) KeepAddressesOnly();
    return true;
  }
};

EveParser::EveParser() : impl_(std::make_unique<Impl>()) {}
EveParser::~EveParser() = default;

std::optional<LineError> EveParser::Parse(std::string_view line, Record& record) {
  Impl& im = *impl_;
  record.Clear();
  record.format = "eve";
  im.record = &record;
  im.error_field = nullptr;
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.size() > kMaxLineBytes) {
    return LineError{"", "the line is " + std::to_string(line.size()) + " bytes long, over the " +
                             std::to_string(kMaxLineBytes) + "-byte limit"};
  }
  const size_t capacity = line.size() + simdjson::SIMDJSON_PADDING;
  if (im.buffer.size() < capacity) im.buffer.resize(capacity);
  std::memcpy(im.buffer.data(), line.data(), line.size());
  im.line_size = line.size();
  std::memset(im.buffer.data() + line.size(), 0, simdjson::SIMDJSON_PADDING);
  od::document doc;
  bool ok;
  if (auto err = im.parser.iterate(im.buffer.data(), line.size(), im.buffer.size()).get(doc)) {
    ok = im.FailJson("", err);
  } else {
    ok = im.Line(doc);
  }
  if (ok) return std::nullopt;
  record.count = 0;
  return LineError{im.error_field, im.error_message};
}

}  // namespace entente::telemetry
