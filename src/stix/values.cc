#include "stix/values.h"

#include <algorithm>
#include <span>

namespace entente::stix::detail {

std::span<const std::string_view> IanaCharsetNames();  // iana_charsets.cc

namespace {

// Character classes as function objects, so that All() inlines them.
constexpr auto IsDigit = [](char c) { return c >= '0' && c <= '9'; };
constexpr auto IsAlpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
constexpr auto IsAlnum = [](char c) { return IsDigit(c) || IsAlpha(c); };
constexpr auto IsHexDigit = [](char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
};
char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

template <typename Pred>
bool All(std::string_view s, Pred pred) {
  for (char c : s) {
    if (!pred(c)) return false;
  }
  return true;
}

// A decimal number without leading zeros, at most `max` (at most three digits).
bool IsDecimalUpTo(std::string_view s, int max) {
  if (s.empty() || s.size() > 3 || (s.size() > 1 && s[0] == '0')) return false;
  int n = 0;
  for (char c : s) {
    if (!IsDigit(c)) return false;
    n = n * 10 + (c - '0');
  }
  return n <= max;
}

bool IsDottedQuad(std::string_view s) {
  for (int i = 0; i < 4; ++i) {
    const size_t dot = i < 3 ? s.find('.') : s.size();
    if (dot == std::string_view::npos || !IsDecimalUpTo(s.substr(0, dot), 255)) return false;
    s = i < 3 ? s.substr(dot + 1) : std::string_view();
  }
  return true;
}

// Splits "address/prefix"; false when a '/' is present but the prefix is not a valid
// length up to `max_prefix`.
bool SplitPrefix(std::string_view s, int max_prefix, std::string_view& address) {
  const size_t slash = s.find('/');
  address = s.substr(0, slash);
  return slash == std::string_view::npos || IsDecimalUpTo(s.substr(slash + 1), max_prefix);
}

// Colon-separated hex groups (each 1-4 digits); the last may be a dotted quad when
// `v4_allowed`. Adds the number of 16-bit groups to `groups`. Empty input is zero groups.
bool Ipv6Groups(std::string_view s, bool v4_allowed, int& groups) {
  if (s.empty()) return true;
  while (true) {
    const size_t colon = s.find(':');
    const std::string_view piece = s.substr(0, colon);
    if (colon == std::string_view::npos && v4_allowed &&
        piece.find('.') != std::string_view::npos) {
      if (!IsDottedQuad(piece)) return false;
      groups += 2;
      return true;
    }
    if (piece.empty() || piece.size() > 4 || !All(piece, IsHexDigit)) return false;
    ++groups;
    if (colon == std::string_view::npos) return true;
    s = s.substr(colon + 1);
  }
}

// RFC 5322 atext, with the bytes of non-ASCII UTF-8 characters (RFC 6532).
bool IsAtext(char c) {
  if (IsAlnum(c) || static_cast<unsigned char>(c) >= 0x80) return true;
  return std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

bool IsDotAtom(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  char prev = 0;
  for (char c : s) {
    if (c == '.' ? prev == '.' : !IsAtext(c)) return false;
    prev = c;
  }
  return true;
}

bool IsPrintableAscii(char c) { return c > 0x20 && c < 0x7f; }

// The subtag at the front of `s` (up to '-' or the end); advances `s` past it and its
// separator. Sets `bad` when a subtag is empty or longer than 8 characters or holds a
// character that is not a letter or digit.
std::string_view NextSubtag(std::string_view& s, bool& bad) {
  const size_t dash = s.find('-');
  const std::string_view tag = s.substr(0, dash);
  s = dash == std::string_view::npos ? std::string_view() : s.substr(dash + 1);
  if (tag.empty() || tag.size() > 8 || !All(tag, IsAlnum)) bad = true;
  if (dash != std::string_view::npos && s.empty()) bad = true;  // trailing '-'
  return tag;
}

constexpr std::string_view kGrandfathered[] = {
    "en-GB-oed", "i-ami",     "i-bnn",     "i-default",  "i-enochian",  "i-hak",  "i-klingon",
    "i-lux",     "i-mingo",   "i-navajo",  "i-pwn",      "i-tao",       "i-tay",  "i-tsu",
    "sgn-BE-FR", "sgn-BE-NL", "sgn-CH-DE", "art-lojban", "cel-gaulish", "no-bok", "no-nyn",
    "zh-guoyu",  "zh-hakka",  "zh-min",    "zh-min-nan", "zh-xiang",
};

// "x" followed by one or more subtags of 1-8 letters and digits, to the end.
bool IsPrivateUseRest(std::string_view rest, bool bad) {
  if (rest.empty()) return false;
  while (!rest.empty()) NextSubtag(rest, bad);
  return !bad;
}

bool IsSubtypeChar(char c) {
  return IsAlnum(c) || std::string_view("!#$&-^_.+").find(c) != std::string_view::npos;
}

constexpr std::string_view kTopLevelTypes[] = {
    "application", "audio", "example",   "font", "haptics", "image",
    "message",     "model", "multipart", "text", "video",
};

}  // namespace

bool IsKeyedHashPseudonym(std::string_view s) {
  constexpr std::string_view kPrefix = "hmac-sha256:";
  if (s.size() != kPrefix.size() + 64 || !s.starts_with(kPrefix)) return false;
  return All(s.substr(kPrefix.size()), [](char c) { return IsDigit(c) || (c >= 'a' && c <= 'f'); });
}

bool IsIpv4Cidr(std::string_view s) {
  // One pass (this runs on every ipv4-addr ingested): four octets, then an optional prefix.
  int value = 0;
  int digits = 0;
  int octets = 0;
  bool prefix = false;
  for (char c : s) {
    if (IsDigit(c)) {
      if (digits == 1 && value == 0) return false;  // a leading zero
      value = value * 10 + (c - '0');
      if (++digits > 3 || value > (prefix ? 32 : 255)) return false;
    } else if ((c == '.' && !prefix && octets < 3) || (c == '/' && !prefix && octets == 3)) {
      if (digits == 0) return false;
      ++octets;
      prefix = c == '/';
      value = 0;
      digits = 0;
    } else {
      return false;
    }
  }
  return digits > 0 && octets == (prefix ? 4 : 3);
}

bool IsIpv6Cidr(std::string_view s) {
  std::string_view address;
  if (!SplitPrefix(s, 128, address)) return false;
  if (const size_t zone = address.find('%'); zone != std::string_view::npos) {
    if (zone + 1 == address.size()) return false;
    address = address.substr(0, zone);
  }
  int groups = 0;
  const size_t gap = address.find("::");
  if (gap == std::string_view::npos) {
    return Ipv6Groups(address, true, groups) && groups == 8;
  }
  const std::string_view head = address.substr(0, gap);
  const std::string_view tail = address.substr(gap + 2);
  if (tail.find("::") != std::string_view::npos) return false;
  return Ipv6Groups(head, false, groups) && Ipv6Groups(tail, true, groups) && groups <= 7;
}

bool IsEmailAddrSpec(std::string_view s) {
  std::string_view domain;
  if (!s.empty() && s.front() == '"') {
    // quoted-string: printable ASCII, spaces, non-ASCII, and backslash-escaped pairs.
    size_t i = 1;
    while (i < s.size() && s[i] != '"') {
      if (s[i] == '\\') ++i;
      if (i >= s.size()) return false;
      const char c = s[i];
      if (!IsPrintableAscii(c) && c != ' ' && static_cast<unsigned char>(c) < 0x80) return false;
      ++i;
    }
    if (i == 1 || i + 1 >= s.size() || s[i + 1] != '@') return false;
    domain = s.substr(i + 2);
  } else {
    const size_t at = s.find('@');
    if (at == std::string_view::npos || !IsDotAtom(s.substr(0, at))) return false;
    domain = s.substr(at + 1);
  }
  if (domain.size() >= 2 && domain.front() == '[' && domain.back() == ']') {
    const std::string_view literal = domain.substr(1, domain.size() - 2);
    return !literal.empty() && std::all_of(literal.begin(), literal.end(), [](char c) {
      return IsPrintableAscii(c) && c != '[' && c != ']' && c != '\\';
    });
  }
  return IsDotAtom(domain);
}

bool IsLanguageTag(std::string_view s) {
  for (std::string_view g : kGrandfathered) {
    if (EqualsIgnoreCase(s, g)) return true;
  }
  bool bad = false;
  std::string_view rest = s;
  std::string_view tag = NextSubtag(rest, bad);
  if (bad) return false;
  if (EqualsIgnoreCase(tag, "x")) return IsPrivateUseRest(rest, bad);
  // language: 2-3 letters with up to three 3-letter extlangs, or 4-8 letters.
  if (tag.size() < 2 || !All(tag, IsAlpha)) return false;
  enum class Stage { kExtlang, kScript, kRegion, kVariant, kExtension };
  Stage stage = tag.size() <= 3 ? Stage::kExtlang : Stage::kScript;
  int extlangs = 0;
  while (!rest.empty()) {
    tag = NextSubtag(rest, bad);
    if (bad) return false;
    const size_t n = tag.size();
    if (stage == Stage::kExtlang && n == 3 && All(tag, IsAlpha) && extlangs < 3) {
      ++extlangs;
      continue;
    }
    if (stage <= Stage::kScript && n == 4 && All(tag, IsAlpha)) {
      stage = Stage::kRegion;
      continue;
    }
    if (stage <= Stage::kRegion &&
        ((n == 2 && All(tag, IsAlpha)) || (n == 3 && All(tag, IsDigit)))) {
      stage = Stage::kVariant;
      continue;
    }
    if (stage <= Stage::kVariant && (n >= 5 || (n == 4 && IsDigit(tag[0])))) {
      stage = Stage::kVariant;
      continue;
    }
    if (n != 1) return false;
    if (EqualsIgnoreCase(tag, "x")) return IsPrivateUseRest(rest, bad);
    // extension: a singleton and one or more subtags of 2-8 characters.
    int parts = 0;
    while (!rest.empty()) {
      std::string_view peek = rest.substr(0, rest.find('-'));
      if (peek.size() < 2) break;
      NextSubtag(rest, bad);
      if (bad) return false;
      ++parts;
    }
    if (parts == 0) return false;
    stage = Stage::kExtension;
  }
  return true;
}

bool IsMediaType(std::string_view s) {
  const size_t slash = s.find('/');
  if (slash == std::string_view::npos) return false;
  const std::string_view top = s.substr(0, slash);
  if (std::none_of(std::begin(kTopLevelTypes), std::end(kTopLevelTypes),
                   [&](std::string_view t) { return EqualsIgnoreCase(top, t); })) {
    return false;
  }
  std::string_view sub = s.substr(slash + 1);
  sub = sub.substr(0, sub.find(';'));
  return !sub.empty() && sub.size() <= 127 && IsAlnum(sub[0]) && All(sub, IsSubtypeChar);
}

bool IsIanaCharsetName(std::string_view s) {
  const auto names = IanaCharsetNames();
  auto less = [](std::string_view a, std::string_view b) {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                        [](char x, char y) { return Lower(x) < Lower(y); });
  };
  auto it = std::lower_bound(names.begin(), names.end(), s, less);
  return it != names.end() && EqualsIgnoreCase(*it, s);
}

HashRule HashRuleFor(std::string_view algorithm) {
  char key[16];
  size_t n = 0;
  for (char c : algorithm) {
    if (c == '-' || c == '_') continue;
    if (n == sizeof key) return {};
    key[n++] = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  const std::string_view k(key, n);
  struct Entry {
    std::string_view name;
    HashRule rule;
  };
  static constexpr Entry kEntries[] = {
      {"MD5", {HashForm::kHex, 32}},      {"SHA1", {HashForm::kHex, 40}},
      {"SHA224", {HashForm::kHex, 56}},   {"SHA256", {HashForm::kHex, 64}},
      {"SHA384", {HashForm::kHex, 96}},   {"SHA512", {HashForm::kHex, 128}},
      {"SHA3224", {HashForm::kHex, 56}},  {"SHA3256", {HashForm::kHex, 64}},
      {"SHA3384", {HashForm::kHex, 96}},  {"SHA3512", {HashForm::kHex, 128}},
      {"SSDEEP", {HashForm::kSsdeep, 0}}, {"TLSH", {HashForm::kTlsh, 0}},
  };
  for (const Entry& e : kEntries) {
    if (e.name == k) return e.rule;
  }
  return {};
}

bool HashValueFits(const HashRule& rule, std::string_view value) {
  switch (rule.form) {
    case HashForm::kUnknown:
      return true;
    case HashForm::kHex:
      return value.size() == static_cast<size_t>(rule.hex_digits) && All(value, IsHexDigit);
    case HashForm::kTlsh:
      if (value.size() == 72 && (value[0] == 'T' || value[0] == 't') && value[1] == '1') {
        value = value.substr(2);
      }
      return value.size() == 70 && All(value, IsHexDigit);
    case HashForm::kSsdeep: {
      const size_t c1 = value.find(':');
      if (c1 == std::string_view::npos) return false;
      const size_t c2 = value.find(':', c1 + 1);
      if (c2 == std::string_view::npos) return false;
      const std::string_view block = value.substr(0, c1);
      const std::string_view h1 = value.substr(c1 + 1, c2 - c1 - 1);
      const std::string_view h2 = value.substr(c2 + 1);
      auto b64 = [](char c) { return IsAlnum(c) || c == '+' || c == '/'; };
      return !block.empty() && block.size() <= 10 && All(block, IsDigit) && h1.size() <= 64 &&
             h2.size() <= 64 && std::all_of(h1.begin(), h1.end(), b64) &&
             std::all_of(h2.begin(), h2.end(), b64);
    }
  }
  return true;
}

bool IsDictionaryKey(std::string_view s) {
  return !s.empty() && s.size() <= 250 &&
         All(s, [](char c) { return IsAlnum(c) || c == '-' || c == '_'; });
}

bool IsHashKey(std::string_view s) { return s.size() >= 3 && IsDictionaryKey(s); }

std::string_view AbbreviatedHive(std::string_view key) {
  static constexpr std::string_view kAbbreviations[] = {"HKLM", "HKCU", "HKCR", "HKU",
                                                        "HKCC", "HKPD", "HKDD"};
  const std::string_view first = key.substr(0, key.find('\\'));
  for (std::string_view a : kAbbreviations) {
    if (EqualsIgnoreCase(first, a)) return a;
  }
  return {};
}

bool IsCveId(std::string_view s) {
  if (s.size() < 13 || s.substr(0, 4) != "CVE-" || s[8] != '-') return false;
  const std::string_view year = s.substr(4, 4);
  const std::string_view seq = s.substr(9);
  if (!All(year, IsDigit) || !All(seq, IsDigit)) return false;
  return seq.size() == 4 || seq[0] != '0';
}

bool IsCapecId(std::string_view s) {
  return s.size() > 6 && s.substr(0, 6) == "CAPEC-" && All(s.substr(6), IsDigit);
}

}  // namespace entente::stix::detail
