#include "telemetry/zeek.h"

#include <arpa/inet.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <simdjson.h>
#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>

#include "common/timestamp.h"

namespace entente::telemetry {
namespace {

// How a field's values become observables (docs/telemetry.md, "Zeek").
enum class Role : uint8_t {
  kIgnore,
  kTs,                // the event's time
  kAddress,           // must be an IPv4 or IPv6 address, else the line is refused
  kDomain,            // a DNS name; a value that is not one is passed over
  kAddressOrDomain,   // dns answers: addresses and names; other answer text passed over
  kHttpHost,          // the Host header: address or name (port dropped), and the URL's host
  kHttpUri,           // the URL's path
  kFingerprint,       // SHA-1 or SHA-256 by length, else the line is refused
  kFingerprintIfHex,  // ssl cert_chain_fuids: a fingerprint when it is one, else passed over
  kMd5,
  kSha1,
  kSha256,
  kEmail,  // an addr-spec is taken out of "Name <a@b>"; text without one is passed over
};

struct Rule {
  std::string_view log;  // "" for every log
  std::string_view field;
  Role role;
  bool container;  // set[...] or vector[...] when #types does not say
};

constexpr Rule kRules[] = {
    {"", "ts", Role::kTs, false},
    {"", "id.orig_h", Role::kAddress, false},
    {"", "id.resp_h", Role::kAddress, false},
    {"dns", "query", Role::kDomain, false},
    {"dns", "answers", Role::kAddressOrDomain, true},
    {"http", "host", Role::kHttpHost, false},
    {"http", "uri", Role::kHttpUri, false},
    {"ssl", "server_name", Role::kDomain, false},
    {"ssl", "cert_chain_fps", Role::kFingerprint, true},
    {"ssl", "client_cert_chain_fps", Role::kFingerprint, true},
    {"ssl", "cert_chain_fuids", Role::kFingerprintIfHex, true},
    {"ssl", "client_cert_chain_fuids", Role::kFingerprintIfHex, true},
    {"x509", "fingerprint", Role::kFingerprint, false},
    {"x509", "san.dns", Role::kDomain, true},
    {"x509", "san.ip", Role::kAddress, true},
    {"files", "md5", Role::kMd5, false},
    {"files", "sha1", Role::kSha1, false},
    {"files", "sha256", Role::kSha256, false},
    {"files", "tx_hosts", Role::kAddress, true},
    {"files", "rx_hosts", Role::kAddress, true},
    {"smtp", "mailfrom", Role::kEmail, false},
    {"smtp", "rcptto", Role::kEmail, true},
    {"smtp", "from", Role::kEmail, false},
    {"smtp", "to", Role::kEmail, true},
    {"notice", "src", Role::kAddress, false},
    {"notice", "dst", Role::kAddress, false},
};

constexpr std::string_view kKnownLogs[] = {"conn", "dns",   "http", "ssl",
                                           "x509", "files", "smtp", "notice"};

// The literal for a known log, so that Record::log outlives the reader's buffers.
std::string_view KnownLog(std::string_view path) {
  for (std::string_view known : kKnownLogs) {
    if (known == path) return known;
  }
  return {};
}

const Rule* FindRule(std::string_view log, std::string_view field) {
  for (const Rule& rule : kRules) {
    if (rule.field.size() == field.size() && rule.field == field &&
        (rule.log.empty() || rule.log == log)) {
      return &rule;
    }
  }
  return nullptr;
}

bool IsIpv4(std::string_view v) {
  int parts = 0;
  size_t i = 0;
  while (true) {
    size_t start = i;
    int value = 0;
    while (i < v.size() && v[i] >= '0' && v[i] <= '9' && i - start < 3) {
      value = value * 10 + (v[i] - '0');
      ++i;
    }
    if (i == start || value > 255) return false;
    ++parts;
    if (i == v.size()) return parts == 4;
    if (v[i] != '.' || parts == 4) return false;
    ++i;
  }
}

bool IsIpv6(std::string_view v) {
  char buf[64];
  if (v.size() < 2 || v.size() >= sizeof(buf) || v.find(':') == std::string_view::npos) {
    return false;
  }
  std::memcpy(buf, v.data(), v.size());
  buf[v.size()] = '\0';
  unsigned char out[16];
  return inet_pton(AF_INET6, buf, out) == 1;
}

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// What each byte is in a hash or fingerprint (Mapper::HexDigits).
constexpr uint8_t kNotHex = 0, kLowerHex = 1, kUpperHex = 2, kColon = 4;
constexpr auto kHexClass = [] {
  std::array<uint8_t, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = kLowerHex;
  for (int c = 'a'; c <= 'f'; ++c) t[c] = kLowerHex;
  for (int c = 'A'; c <= 'F'; ++c) t[c] = kUpperHex;
  t[':'] = kColon;
  return t;
}();

// A host name as DNS carries it: labels of letters, digits, '-', '_' (SRV and service
// names) and '*' (wildcard SANs), with at least one letter, no empty label.
bool LooksLikeDomain(std::string_view v) {
  if (v.empty() || v.size() > 253 || v.front() == '.' || v.back() == '.') return false;
  bool letter = false;
  char prev = '.';
  for (char c : v) {
    if (c == '.') {
      if (prev == '.') return false;
    } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      letter = true;
    } else if (c == '-' || c == '_' || c == '*') {
      // allowed, but a name needs a letter
    } else if (c < '0' || c > '9') {
      return false;
    }
    prev = c;
  }
  return letter;
}

std::string_view StripTrailingDot(std::string_view v) {
  if (!v.empty() && v.back() == '.') v.remove_suffix(1);
  return v;
}

void Fail(LineError* error, std::string_view field, std::string_view what, std::string_view value) {
  error->field.assign(field);
  error->message.assign(what);
  if (value.size() > 64) value = value.substr(0, 64);
  error->message.append(": \"");
  for (char c : value) error->message.push_back((c >= 0x20 && c < 0x7f) ? c : '?');
  error->message.append("\"");
}

// Seconds since the epoch with an optional fraction ("1521911720.865716", "-1.5"); an
// integer of 13 or more digits is milliseconds (Zeek's JSON TS_MILLIS). Digits past the
// sixth fractional one are dropped.
bool ParseEpoch(std::string_view v, int64_t* us) {
  bool negative = !v.empty() && v.front() == '-';
  if (negative) v.remove_prefix(1);
  size_t dot = v.find('.');
  std::string_view whole = v.substr(0, dot);
  // At most 12 digits of seconds (or 15 of milliseconds), so the microseconds fit in 64 bits.
  if (whole.empty() || whole.size() > (dot == std::string_view::npos ? 15 : 12)) return false;
  int64_t seconds = 0;
  auto [end, ec] = std::from_chars(whole.data(), whole.data() + whole.size(), seconds);
  if (ec != std::errc() || end != whole.data() + whole.size()) return false;
  int64_t micros = 0;
  if (dot == std::string_view::npos) {
    micros = whole.size() >= 13 ? seconds * 1000 : seconds * 1000000;
  } else {
    std::string_view frac = v.substr(dot + 1);
    if (frac.empty()) return false;
    int64_t f = 0;
    for (size_t i = 0; i < frac.size(); ++i) {
      if (frac[i] < '0' || frac[i] > '9') return false;
      if (i < 6) f = f * 10 + (frac[i] - '0');
    }
    for (size_t i = frac.size(); i < 6; ++i) f *= 10;
    micros = seconds * 1000000 + f;
  }
  *us = negative ? -micros : micros;
  return true;
}

// Builds the observables of one field value. Returns false (with *error filled) when the
// value breaks its field's type and the line must be refused.
class Mapper {
 public:
  Mapper(Record* out, LineError* error) : out_(out), error_(error) {}

  bool Value(Role role, std::string_view field, std::string_view v) {
    switch (role) {
      case Role::kIgnore:
      case Role::kTs:
      case Role::kHttpUri:
        return true;
      case Role::kHttpHost:
        return Host(field, v);
      case Role::kAddress:
        if (AddAddress(field, v)) return true;
        Fail(error_, field, "not an IP address", v);
        return false;
      case Role::kDomain:
        v = StripTrailingDot(v);
        if (LooksLikeDomain(v)) out_->Add(ObservableKind::kDomain, field).value.assign(v);
        return true;
      case Role::kAddressOrDomain:
        if (AddAddress(field, v)) return true;
        v = StripTrailingDot(v);
        if (LooksLikeDomain(v)) out_->Add(ObservableKind::kDomain, field).value.assign(v);
        return true;
      case Role::kFingerprint:
      case Role::kFingerprintIfHex: {
        bool plain = false;
        size_t n = HexDigits(v, &plain);
        if (n == 40 || n == 64) {
          AddHex(n == 40 ? ObservableKind::kX509Sha1 : ObservableKind::kX509Sha256, field, v,
                 plain);
          return true;
        }
        if (role == Role::kFingerprintIfHex) return true;
        Fail(error_, field, "not a SHA-1 or SHA-256 fingerprint", v);
        return false;
      }
      case Role::kMd5:
        return Hash(ObservableKind::kMd5, 32, field, v);
      case Role::kSha1:
        return Hash(ObservableKind::kSha1, 40, field, v);
      case Role::kSha256:
        return Hash(ObservableKind::kSha256, 64, field, v);
      case Role::kEmail:
        Email(field, v);
        return true;
    }
    return true;
  }

 private:
  bool AddAddress(std::string_view field, std::string_view v) {
    if (IsIpv4(v)) {
      out_->Add(ObservableKind::kIpv4, field).value.assign(v);
      return true;
    }
    if (IsIpv6(v)) {
      out_->Add(ObservableKind::kIpv6, field).value.assign(v);
      return true;
    }
    return false;
  }

  // "example.org", "example.org:8080", "10.0.0.1:80", "[2001:db8::1]:443", "2001:db8::1".
  bool Host(std::string_view field, std::string_view v) {
    if (!v.empty() && v.front() == '[') {
      size_t close = v.find(']');
      if (close != std::string_view::npos) v = v.substr(1, close - 1);
    } else if (std::count(v.begin(), v.end(), ':') == 1) {
      v = v.substr(0, v.find(':'));
    }
    if (AddAddress(field, v)) return true;
    v = StripTrailingDot(v);
    if (LooksLikeDomain(v)) out_->Add(ObservableKind::kDomain, field).value.assign(v);
    return true;
  }

  // Hex digits in v ignoring ':' separators, or 0 when anything else appears. *plain says
  // whether v is already the observable's form (lower case, no separators), as Zeek writes
  // hashes and fingerprints.
  static size_t HexDigits(std::string_view v, bool* plain) {
    unsigned seen = 0;  // the classes met, or-ed
    for (char c : v) {
      const uint8_t k = kHexClass[static_cast<unsigned char>(c)];
      if (k == kNotHex) return 0;
      seen |= k;
    }
    *plain = seen == kLowerHex || v.empty();
    if (seen & kColon) return static_cast<size_t>(v.size() - std::count(v.begin(), v.end(), ':'));
    return v.size();
  }

  void AddHex(ObservableKind kind, std::string_view field, std::string_view v, bool plain) {
    std::string& value = out_->Add(kind, field).value;
    if (plain) {
      value.assign(v);
      return;
    }
    for (char c : v) {
      if (c == ':') continue;
      value.push_back((c >= 'A' && c <= 'F') ? static_cast<char>(c - 'A' + 'a') : c);
    }
  }

  bool Hash(ObservableKind kind, size_t digits, std::string_view field, std::string_view v) {
    bool plain = false;
    if (HexDigits(v, &plain) != digits) {
      Fail(error_, field, "not a hash of the expected length", v);
      return false;
    }
    AddHex(kind, field, v, plain);
    return true;
  }

  // "<a@b>", "a@b", "\"Name\" <a@b>", "Name <a@b>".
  void Email(std::string_view field, std::string_view v) {
    size_t open = v.rfind('<');
    if (open != std::string_view::npos) {
      size_t close = v.find('>', open);
      if (close == std::string_view::npos) return;
      v = v.substr(open + 1, close - open - 1);
    }
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
    size_t at = v.find('@');
    if (at == 0 || at == std::string_view::npos || at + 1 == v.size()) return;
    for (char c : v) {
      if (c <= ' ' || c == '<' || c == '>' || c == ',' || c == '"' || c == 0x7f) return;
    }
    out_->Add(ObservableKind::kEmail, field).value.assign(v);
  }

  Record* out_;
  LineError* error_;
};

// "http://host/uri" from the http log's host and uri; an absolute uri (a proxy request)
// is kept as it is.
void AddUrl(std::string_view host, std::string_view uri, Record* out) {
  if (uri.empty()) return;
  if (uri.rfind("http://", 0) == 0 || uri.rfind("https://", 0) == 0) {
    out->Add(ObservableKind::kUrl, "uri").value.assign(uri);
    return;
  }
  if (host.empty()) return;
  std::string& url = out->Add(ObservableKind::kUrl, "host,uri").value;
  url.append("http://").append(host);
  if (uri.front() != '/') url.push_back('/');
  url.append(uri);
}

std::string_view TrimNewline(std::string_view line) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

bool TooLong(std::string_view line, size_t limit, LineError* error) {
  if (line.size() <= limit) return false;
  error->field.clear();
  error->message = "line of " + std::to_string(line.size()) + " bytes is over the limit of " +
                   std::to_string(limit);
  return true;
}

// Zeek's ASCII writer writes the separator, the set separator inside set elements and
// non-printable bytes as \xNN, and a backslash as "\\". Decodes into *out.
void Unescape(std::string_view v, std::string* out) {
  out->clear();
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '\\' && i + 3 < v.size() && v[i + 1] == 'x' && IsHex(v[i + 2]) && IsHex(v[i + 3])) {
      auto nibble = [](char c) {
        return c <= '9' ? c - '0' : (c <= 'F' ? c - 'A' + 10 : c - 'a' + 10);
      };
      out->push_back(static_cast<char>(nibble(v[i + 2]) * 16 + nibble(v[i + 3])));
      i += 3;
    } else if (v[i] == '\\' && i + 1 < v.size() && v[i + 1] == '\\') {
      out->push_back('\\');
      ++i;
    } else {
      out->push_back(v[i]);
    }
  }
}

// The next field of `rest` up to `sep`; advances rest past it. Sets *last when none follows.
std::string_view NextField(std::string_view* rest, std::string_view sep, bool* last) {
  if (sep.empty()) {  // never splits (an empty separator would match everywhere)
    *last = true;
    std::string_view all = *rest;
    rest->remove_prefix(rest->size());
    return all;
  }
  size_t at = sep.size() == 1 ? rest->find(sep.front()) : rest->find(sep);
  std::string_view field = rest->substr(0, at);
  if (at == std::string_view::npos) {
    *last = true;
    rest->remove_prefix(rest->size());
  } else {
    rest->remove_prefix(at + sep.size());
  }
  return field;
}

// Where each field of `line` ends: the offset of the separator after it, or the line's
// size for the last one (so a line has ends->size() fields). A one-byte separator (Zeek's
// tab) is looked for 16 bytes at a time where SSE2 is there, which every x86-64 has: one
// pass over the line instead of a memchr call per field.
void FieldEnds(std::string_view line, std::string_view sep, std::vector<uint32_t>* ends) {
  ends->clear();
  if (sep.size() == 1) {
    const char* p = line.data();
    const size_t n = line.size();
    size_t i = 0;
#if defined(__SSE2__)
    const __m128i wanted = _mm_set1_epi8(sep.front());
    for (; i + 16 <= n; i += 16) {
      const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
      auto mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(chunk, wanted)));
      while (mask != 0) {
        ends->push_back(static_cast<uint32_t>(i + static_cast<size_t>(__builtin_ctz(mask))));
        mask &= mask - 1;
      }
    }
#endif
    for (; i < n; ++i) {
      if (p[i] == sep.front()) ends->push_back(static_cast<uint32_t>(i));
    }
  } else if (!sep.empty()) {  // an empty separator never splits
    for (size_t at = line.find(sep); at != std::string_view::npos;
         at = line.find(sep, at + sep.size())) {
      ends->push_back(static_cast<uint32_t>(at));
    }
  }
  ends->push_back(static_cast<uint32_t>(line.size()));
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Tab-separated logs

ZeekTsvReader::ZeekTsvReader(size_t max_line_bytes) : max_line_bytes_(max_line_bytes) {
  ResetBlock();
}

void ZeekTsvReader::ResetBlock() {
  state_ = State::kNoHeader;
  separator_ = "\t";
  set_separator_ = ",";
  empty_field_ = "(empty)";
  unset_field_ = "-";
  path_.clear();
  log_ = {};
  fields_.clear();
  types_.clear();
  columns_.clear();
}

void ZeekTsvReader::BindColumns() {
  std::string_view known = KnownLog(path_);
  log_ = known.empty() ? std::string_view(path_) : known;
  columns_.assign(fields_.size(), Column{});
  for (size_t i = 0; i < fields_.size(); ++i) {
    const Rule* rule = FindRule(path_, fields_[i]);
    if (rule == nullptr) continue;
    Column& c = columns_[i];
    c.role = static_cast<uint8_t>(rule->role);
    c.field = rule->field;
    c.container = rule->container;
    if (i < types_.size() && types_.size() == fields_.size()) {
      c.container = types_[i].rfind("set[", 0) == 0 || types_[i].rfind("vector[", 0) == 0;
    }
  }
}

ZeekLineKind ZeekTsvReader::Feed(std::string_view line, Record* out, LineError* error) {
  line = TrimNewline(line);
  if (TooLong(line, max_line_bytes_, error)) return ZeekLineKind::kError;
  if (line.empty()) return ZeekLineKind::kNone;
  // Zeek escapes a '#' that would begin a data line, so a '#' line is always a header.
  if (line.front() == '#') return FeedHeader(line, error);
  return FeedData(line, out, error);
}

ZeekLineKind ZeekTsvReader::FeedHeader(std::string_view line, LineError* error) {
  // "#separator \x09": the one directive written before the separator is known, with a
  // space, its value escaped.
  constexpr std::string_view kSeparator = "#separator";
  if (line.rfind(kSeparator, 0) == 0 && line.size() > kSeparator.size() &&
      (line[kSeparator.size()] == ' ' || line[kSeparator.size()] == '\t')) {
    ResetBlock();
    Unescape(line.substr(kSeparator.size() + 1), &scratch_);
    if (scratch_.empty()) {
      error->field = "#separator";
      error->message = "empty separator";
      return ZeekLineKind::kError;
    }
    separator_ = scratch_;
    state_ = State::kHeader;
    return ZeekLineKind::kNone;
  }
  if (state_ == State::kClosed) ResetBlock();
  std::string_view rest = line.substr(1);
  bool last = false;
  std::string_view key = NextField(&rest, separator_, &last);
  std::string_view value = rest;
  bool mid_file = state_ == State::kData;
  auto changed = [&](std::string_view directive, bool differs) {
    if (!mid_file || !differs) return ZeekLineKind::kNone;
    error->field.assign(directive);
    error->message =
        "header changed after data lines without a new #separator block; the lines that "
        "follow are read with the new header";
    return ZeekLineKind::kError;
  };
  if (state_ == State::kNoHeader) state_ = State::kHeader;
  if (key == "set_separator" || key == "empty_field" || key == "unset_field") {
    std::string* target = key == "set_separator" ? &set_separator_
                          : key == "empty_field" ? &empty_field_
                                                 : &unset_field_;
    Unescape(value, &scratch_);
    if (key == "set_separator" && scratch_.empty()) {
      error->field = "#set_separator";
      error->message = "empty set separator; the previous one is kept";
      return ZeekLineKind::kError;
    }
    bool differs = *target != scratch_;
    *target = scratch_;
    return changed(line.substr(0, key.size() + 1), differs);
  }
  if (key == "path") {
    bool differs = path_ != value;
    path_.assign(value);
    BindColumns();
    return changed("#path", differs);
  }
  if (key == "fields" || key == "types") {
    std::vector<std::string>& target = key == "fields" ? fields_ : types_;
    size_t n = 0;
    bool differs = false;
    bool end = value.empty();
    while (!end) {
      std::string_view item = NextField(&value, separator_, &end);
      if (n < target.size()) {
        differs |= target[n] != item;
        target[n].assign(item);
      } else {
        differs = true;
        target.emplace_back(item);
      }
      ++n;
    }
    differs |= n != target.size();
    target.resize(n);
    BindColumns();
    ZeekLineKind kind = changed(key == "fields" ? "#fields" : "#types", differs);
    if (kind == ZeekLineKind::kNone && key == "types" && types_.size() != fields_.size()) {
      error->field = "#types";
      error->message = "#types names " + std::to_string(types_.size()) + " types for " +
                       std::to_string(fields_.size()) + " fields";
      return ZeekLineKind::kError;
    }
    return kind;
  }
  if (key == "close") {
    state_ = State::kClosed;
    return ZeekLineKind::kNone;
  }
  // #open and anything else: a comment.
  return ZeekLineKind::kNone;
}

ZeekLineKind ZeekTsvReader::FeedData(std::string_view line, Record* out, LineError* error) {
  if (fields_.empty() || state_ == State::kNoHeader) {
    error->field.clear();
    error->message = "data line before any #fields header";
    return ZeekLineKind::kError;
  }
  if (state_ == State::kClosed) {
    error->field.clear();
    error->message = "data line after #close without a new header";
    return ZeekLineKind::kError;
  }
  state_ = State::kData;
  out->Clear();
  out->format = "zeek";
  out->log = log_;
  Mapper mapper(out, error);
  std::string_view host;
  std::string_view uri;
  bool host_escaped = false;
  bool uri_escaped = false;
  bool failed = false;  // a value broke its type: *error says which
  FieldEnds(line, separator_, &field_ends_);
  // Escapes are rare: one look at the whole line spares a look at every value.
  const bool escapes = line.find('\\') != std::string_view::npos;
  const size_t n = field_ends_.size();
  const size_t mapped = std::min(n, columns_.size());
  size_t begin = 0;
  for (size_t index = 0; index < mapped && !failed;
       begin = field_ends_[index] + separator_.size(), ++index) {
    std::string_view cell = line.substr(begin, field_ends_[index] - begin);
    const Column& col = columns_[index];
    const Role role = static_cast<Role>(col.role);
    if (role == Role::kIgnore || cell == unset_field_ || cell == empty_field_) continue;
    if (role == Role::kTs) {
      if (!ParseEpoch(cell, &out->time_us)) {
        Fail(error, "ts", "not a time in seconds since the epoch", cell);
        failed = true;
      }
      continue;
    }
    if (role == Role::kHttpUri || role == Role::kHttpHost) {
      bool escaped = escapes && cell.find('\\') != std::string_view::npos;
      (role == Role::kHttpUri ? uri : host) = cell;
      (role == Role::kHttpUri ? uri_escaped : host_escaped) = escaped;
      if (role == Role::kHttpUri) continue;
    }
    bool end = false;
    while (!end && !failed) {
      std::string_view item =
          col.container ? NextField(&cell, set_separator_, &end) : (end = true, cell);
      if (col.container && (item == unset_field_ || item.empty())) continue;
      if (escapes && item.find('\\') != std::string_view::npos) {
        Unescape(item, &scratch_);
        item = scratch_;
      }
      failed = !mapper.Value(role, col.field, item);
    }
  }
  if (n != fields_.size()) {
    error->field.clear();
    error->message = "line has " + std::to_string(n) + " fields where #fields names " +
                     std::to_string(fields_.size());
    return ZeekLineKind::kError;
  }
  if (failed) return ZeekLineKind::kError;
  if (!uri.empty()) {
    if (host_escaped) {
      Unescape(host, &scratch_);
      host = scratch_;
    }
    if (uri_escaped) {
      Unescape(uri, &scratch2_);
      uri = scratch2_;
    }
    AddUrl(host, uri, out);
  }
  return ZeekLineKind::kRecord;
}

// ---------------------------------------------------------------------------------------
// JSON logs

namespace {
struct Binding {
  std::string_view field;
  Role role;
};
}  // namespace

struct ZeekJsonReader::Impl {
  explicit Impl(std::string_view log, size_t max) : parser(max), default_log(log), max_line(max) {}

  // The rules of `log`, cached for the last log seen.
  const std::vector<Binding>& RulesFor(std::string_view log) {
    if (!bound || log != bound_log) {
      bound = true;
      bound_log.assign(log);
      bindings.clear();
      for (const Rule& rule : kRules) {
        if (rule.log.empty() || rule.log == log) bindings.push_back({rule.field, rule.role});
      }
    }
    return bindings;
  }

  simdjson::ondemand::parser parser;
  std::string default_log;
  size_t max_line;
  std::string buffer;  // the line, with simdjson's padding after it
  std::string path;    // an unknown _path's name
  std::string bound_log;
  bool bound = false;
  std::vector<Binding> bindings;
};

ZeekJsonReader::ZeekJsonReader(std::string_view log, size_t max_line_bytes)
    : impl_(std::make_unique<Impl>(log, max_line_bytes)) {}
ZeekJsonReader::~ZeekJsonReader() = default;

namespace {

bool JsonFail(LineError* error, std::string_view field, std::string_view what,
              simdjson::error_code code) {
  error->field.assign(field);
  error->message.assign(what);
  if (code != simdjson::SUCCESS) {
    error->message.append(": ");
    error->message.append(simdjson::error_message(code));
  }
  return false;
}

// ts as a number of seconds (or milliseconds) or an ISO 8601 string.
bool JsonTime(simdjson::ondemand::value& value, Record* out, LineError* error) {
  simdjson::ondemand::json_type type;
  if (auto code = value.type().get(type); code) return JsonFail(error, "ts", "bad value", code);
  if (type == simdjson::ondemand::json_type::number) {
    std::string_view raw = value.raw_json_token();
    while (!raw.empty() &&
           (raw.back() == ' ' || raw.back() == '\t' || raw.back() == '\r' || raw.back() == '\n')) {
      raw.remove_suffix(1);
    }
    if (ParseEpoch(raw, &out->time_us)) return true;
    Fail(error, "ts", "not a time in seconds since the epoch", raw);
    return false;
  }
  if (type == simdjson::ondemand::json_type::string) {
    std::string_view s;
    if (auto code = value.get_string().get(s); code) {
      return JsonFail(error, "ts", "bad string", code);
    }
    auto parsed = ParseTimestamp(s);
    if (parsed.ok()) {
      out->time_us = parsed->micros;
      return true;
    }
    Fail(error, "ts", "not an ISO 8601 time", s);
    return false;
  }
  if (type == simdjson::ondemand::json_type::null) return true;
  return JsonFail(error, "ts", "not a number or a string", simdjson::SUCCESS);
}

}  // namespace

ZeekLineKind ZeekJsonReader::Feed(std::string_view line, Record* out, LineError* error) {
  line = TrimNewline(line);
  if (TooLong(line, impl_->max_line, error)) return ZeekLineKind::kError;
  size_t first = line.find_first_not_of(" \t");
  if (first == std::string_view::npos) return ZeekLineKind::kNone;

  Impl& s = *impl_;
  s.buffer.reserve(line.size() + simdjson::SIMDJSON_PADDING);
  s.buffer.assign(line);
  simdjson::ondemand::document doc;
  auto code = s.parser
                  .iterate(simdjson::padded_string_view(s.buffer.data(), s.buffer.size(),
                                                        s.buffer.capacity()))
                  .get(doc);
  if (code) {
    JsonFail(error, "", "not JSON", code);
    return ZeekLineKind::kError;
  }
  std::string_view log = s.default_log;
  // Two passes at most: a "_path" that is not the first member and names another log than
  // the one assumed sends us round again with the right rules.
  for (int pass = 0; pass < 2; ++pass) {
    out->Clear();
    out->format = "zeek-json";
    std::string_view known = KnownLog(log);
    out->log = known.empty() ? log : known;
    const std::vector<Binding>* rules = &s.RulesFor(log);
    size_t members = 0;
    Mapper mapper(out, error);
    simdjson::ondemand::object obj;
    if (auto c = doc.get_object().get(obj); c) {
      JsonFail(error, "", "not a JSON object", c);
      return ZeekLineKind::kError;
    }
    std::string_view host;
    std::string_view uri;
    bool again = false;
    for (auto member : obj) {
      std::string_view key;
      if (auto c = member.unescaped_key().get(key); c) {
        JsonFail(error, "", "bad member name", c);
        return ZeekLineKind::kError;
      }
      simdjson::ondemand::value value = member.value();
      ++members;
      if (key == "_path") {
        std::string_view path;
        if (auto c = value.get_string().get(path); c) {
          JsonFail(error, "_path", "not a string", c);
          return ZeekLineKind::kError;
        }
        if (path != log) {
          if (pass > 0) {
            JsonFail(error, "_path", "given twice with different logs", simdjson::SUCCESS);
            return ZeekLineKind::kError;
          }
          known = KnownLog(path);
          if (known.empty()) {
            s.path.assign(path);
            known = s.path;
          }
          log = known;
          if (members > 1) {
            again = true;
          } else {
            out->log = log;
            rules = &s.RulesFor(log);
          }
        }
        continue;
      }
      const Binding* binding = nullptr;
      for (const Binding& b : *rules) {
        if (b.field.size() == key.size() && b.field == key) {
          binding = &b;
          break;
        }
      }
      if (binding == nullptr) continue;
      if (binding->role == Role::kTs) {
        if (!JsonTime(value, out, error)) return ZeekLineKind::kError;
        continue;
      }
      simdjson::ondemand::json_type type;
      if (auto c = value.type().get(type); c) {
        JsonFail(error, binding->field, "bad value", c);
        return ZeekLineKind::kError;
      }
      if (type == simdjson::ondemand::json_type::null) continue;
      if (type == simdjson::ondemand::json_type::string) {
        std::string_view v;
        if (auto c = value.get_string().get(v); c) {
          JsonFail(error, binding->field, "bad string", c);
          return ZeekLineKind::kError;
        }
        if (binding->role == Role::kHttpUri) uri = v;
        if (binding->role == Role::kHttpHost) host = v;
        if (!v.empty() && !mapper.Value(binding->role, binding->field, v)) {
          return ZeekLineKind::kError;
        }
        continue;
      }
      if (type != simdjson::ondemand::json_type::array) {
        JsonFail(error, binding->field, "expected a string or an array of strings",
                 simdjson::SUCCESS);
        return ZeekLineKind::kError;
      }
      simdjson::ondemand::array items;
      if (auto c = value.get_array().get(items); c) {
        JsonFail(error, binding->field, "bad array", c);
        return ZeekLineKind::kError;
      }
      for (auto item : items) {
        std::string_view v;
        if (auto c = item.get_string().get(v); c) {
          JsonFail(error, binding->field, "expected an array of strings", c);
          return ZeekLineKind::kError;
        }
        if (!v.empty() && !mapper.Value(binding->role, binding->field, v)) {
          return ZeekLineKind::kError;
        }
      }
    }
    // Only whitespace may follow the object: at the end, the location is out of bounds.
    if (doc.current_location().error() != simdjson::OUT_OF_BOUNDS) {
      JsonFail(error, "", "not one complete JSON object", simdjson::SUCCESS);
      return ZeekLineKind::kError;
    }
    if (again) {
      doc.rewind();
      continue;
    }
    if (!uri.empty()) AddUrl(host, uri, out);
    return ZeekLineKind::kRecord;
  }
  // Not reached: the second pass reads with the log of the last "_path" or fails above.
  JsonFail(error, "_path", "could not settle which log this is", simdjson::SUCCESS);
  return ZeekLineKind::kError;
}

}  // namespace entente::telemetry
