#include "stix/checks.h"

#include <algorithm>
#include <cstdio>
#include <string>

#include "stix/identifiers.h"
#include "stix/values.h"

namespace entente::stix::detail {
namespace {

std::string Quoted(std::string_view s) {
  std::string out = "\"";
  out.append(s.substr(0, 120));
  if (s.size() > 120) out.append("...");
  out.push_back('"');
  return out;
}

std::string_view KindName(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      return "a number";
    case json::kind::string:
      return "a string";
    case json::kind::array:
      return "a list";
    case json::kind::object:
      return "an object";
  }
  return "a value";
}

bool IsHexString(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char ch) {
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
  });
}

}  // namespace

bool IsBase64(std::string_view s) {
  if (s.size() % 4 != 0) return false;
  size_t padding = 0;
  for (char ch : s) {
    if (ch == '=') {
      ++padding;
      continue;
    }
    if (padding > 0) return false;
    const bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                    (ch >= '0' && ch <= '9') || ch == '+' || ch == '/';
    if (!ok) return false;
  }
  return padding <= 2;
}

bool IsHexBinary(std::string_view s) { return s.size() % 2 == 0 && IsHexString(s); }

std::string Path::Render() const {
  std::string prefix = parent ? parent->Render() : std::string();
  if (index != kNoIndex) return prefix + "[" + std::to_string(index) + "]";
  if (prefix.empty()) return std::string(key);
  return prefix + "." + std::string(key);
}

Checker::Checker(const json::object& obj, const ValidateOptions& options, std::vector<Finding>& out)
    : obj_(obj), options_(options), out_(out) {
  if (const auto* t = obj.if_contains("type"); t && t->is_string()) type_ = t->get_string();
  if (const auto* i = obj.if_contains("id"); i && i->is_string()) id_ = i->get_string();
}

Checker::Checker(const json::object& obj, const Checker& parent, const Path& base)
    : obj_(obj), options_(parent.options_), id_(parent.id_), out_(parent.out_), base_(&base) {
  if (const auto* t = obj.if_contains("type"); t && t->is_string()) type_ = t->get_string();
}

void Checker::Report(const Path& path, std::string_view rule, std::string message) {
  std::string property = path.Render();
  if (base_) property = base_->Render() + (property.empty() ? "" : "." + property);
  out_.push_back(
      Finding{std::string(id_), std::move(property), std::string(rule), std::move(message)});
}

const json::value* Checker::Require(std::string_view name) {
  const json::value* v = Get(name);
  if (!v) {
    Report(Prop(name), "required-property",
           std::string(name) + " is required on " + std::string(type_) + " objects");
  }
  return v;
}

const json::string* ExpectString(Checker& c, const Path& p, const json::value& v) {
  if (v.is_string()) return &v.get_string();
  c.Report(p, "type-string", "must be a string, not " + std::string(KindName(v)));
  return nullptr;
}

bool ExpectBool(Checker& c, const Path& p, const json::value& v) {
  if (v.is_bool()) return true;
  c.Report(p, "type-boolean", "must be true or false, not " + std::string(KindName(v)));
  return false;
}

std::optional<int64_t> ExpectInteger(Checker& c, const Path& p, const json::value& v, int64_t min,
                                     int64_t max) {
  int64_t n = 0;
  if (v.is_int64()) {
    n = v.get_int64();
  } else if (v.is_uint64() && v.get_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    n = static_cast<int64_t>(v.get_uint64());  // built in memory, not parsed (the parser
                                               // gives uint64 only above INT64_MAX)
  } else if (v.is_uint64()) {
    c.Report(p, "range", "must be at most " + std::to_string(max));
    return std::nullopt;
  } else {
    c.Report(p, "type-integer", "must be an integer, not " + std::string(KindName(v)));
    return std::nullopt;
  }
  if (n < min || n > max) {
    c.Report(p, "range",
             "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", not " +
                 std::to_string(n));
    return std::nullopt;
  }
  return n;
}

std::optional<double> ExpectNumber(Checker& c, const Path& p, const json::value& v, double min,
                                   double max) {
  if (!v.is_number()) {
    c.Report(p, "type-number", "must be a number, not " + std::string(KindName(v)));
    return std::nullopt;
  }
  const double d = v.to_number<double>();
  if (!(d >= min && d <= max)) {
    char text[96];
    std::snprintf(text, sizeof text, "must be between %g and %g, not %g", min, max, d);
    c.Report(p, "range", text);
    return std::nullopt;
  }
  return d;
}

std::optional<Timestamp> ExpectTimestamp(Checker& c, const Path& p, const json::value& v,
                                         int min_fraction_digits) {
  const json::string* s = ExpectString(c, p, v);
  if (!s) return std::nullopt;
  auto ts = ParseTimestamp(std::string_view(*s));
  if (!ts.ok()) {
    c.Report(p, "timestamp-format", "must be an RFC 3339 UTC timestamp: " + ts.status().message());
    return std::nullopt;
  }
  if (ts->fraction_digits < min_fraction_digits) {
    c.Report(p, "timestamp-precision",
             "must be precise to at least the millisecond (" + std::to_string(min_fraction_digits) +
                 " fractional digits), got " + Quoted(*s));
  }
  return *ts;
}

const json::object* ExpectObject(Checker& c, const Path& p, const json::value& v) {
  if (v.is_object()) return &v.get_object();
  c.Report(p, "type-object", "must be an object, not " + std::string(KindName(v)));
  return nullptr;
}

const json::array* ExpectList(Checker& c, const Path& p, const json::value& v) {
  if (!v.is_array()) {
    c.Report(p, "type-list", "must be a list, not " + std::string(KindName(v)));
    return nullptr;
  }
  if (v.get_array().empty()) {
    c.Report(p, "empty-list", "must not be an empty list (omit the property instead)");
    return nullptr;
  }
  return &v.get_array();
}

void ExpectStringList(Checker& c, const Path& p, const json::value& v) {
  const json::array* list = ExpectList(c, p, v);
  if (!list) return;
  for (size_t i = 0; i < list->size(); ++i) ExpectString(c, p.At(i), (*list)[i]);
}

bool ExpectIdentifier(Checker& c, const Path& p, const json::value& v, RefTargets targets,
                      bool is_reference) {
  const json::string* s = ExpectString(c, p, v);
  if (!s) return false;
  const std::string_view id(*s);
  switch (CheckIdentifier(id)) {
    case IdProblem::kForm:
      c.Report(p, "identifier-format",
               "must be an identifier of the form type--UUID, not " + Quoted(id));
      return false;
    case IdProblem::kUuidVariant:
      c.Report(p, "identifier-uuid",
               "the UUID of " + Quoted(id) + " is not an RFC 4122 UUID (variant bits)");
      return false;
    case IdProblem::kOk:
      break;
  }
  if (is_reference && id.starts_with("bundle--")) {
    c.Report(p, "ref-type",
             "must not refer to a bundle: a bundle is not a STIX Object (section 8)");
    return false;
  }
  if (targets.empty()) return true;
  const std::string_view type = id.substr(0, id.find("--"));
  for (std::string_view allowed : targets) {
    if (allowed == type) return true;
    if (allowed == "*sco" && IsScoType(type)) return true;
  }
  std::string expected;
  for (std::string_view allowed : targets) {
    if (!expected.empty()) expected += ", ";
    expected += allowed == "*sco" ? std::string_view("a cyber-observable type") : allowed;
  }
  c.Report(p, "ref-type",
           "must refer to an object of type " + expected + ", not " + std::string(type));
  return false;
}

void ExpectIdentifierList(Checker& c, const Path& p, const json::value& v, RefTargets targets) {
  const json::array* list = ExpectList(c, p, v);
  if (!list) return;
  for (size_t i = 0; i < list->size(); ++i) ExpectIdentifier(c, p.At(i), (*list)[i], targets);
}

void ExpectEnum(Checker& c, const Path& p, const json::value& v,
                std::span<const std::string_view> values) {
  const json::string* s = ExpectString(c, p, v);
  if (!s) return;
  for (std::string_view allowed : values) {
    if (allowed == std::string_view(*s)) return;
  }
  std::string list;
  for (std::string_view allowed : values) {
    if (!list.empty()) list += ", ";
    list += allowed;
  }
  c.Report(p, "enum", "must be one of " + list + "; got " + Quoted(*s));
}

void ExpectHashes(Checker& c, const Path& p, const json::value& v) {
  const json::object* hashes = ExpectObject(c, p, v);
  if (!hashes) return;
  if (hashes->empty()) {
    c.Report(p, "empty-dictionary", "must hold at least one hash");
    return;
  }
  for (const auto& [key, value] : *hashes) {
    const Path kp = p.Key(key);
    if (!IsHashKey(key)) {
      c.Report(kp, "hash-key",
               "a hash algorithm name is 3-250 characters of a-z, A-Z, 0-9, '-' and '_' "
               "(section 2.7)");
    }
    const json::string* s = ExpectString(c, kp, value);
    if (!s) continue;
    const HashRule rule = HashRuleFor(key);
    if (HashValueFits(rule, *s) || IsKeyedHashPseudonym(*s)) continue;
    std::string expected;
    switch (rule.form) {
      case HashForm::kHex:
        expected = std::to_string(rule.hex_digits) + " hexadecimal digits";
        break;
      case HashForm::kSsdeep:
        expected = "an ssdeep piecewise hash blocksize:hash:hash";
        break;
      case HashForm::kTlsh:
        expected = "a 35-byte TLSH digest (70 hexadecimal digits, optionally after \"T1\")";
        break;
      case HashForm::kUnknown:
        break;
    }
    c.Report(kp, "hash-value",
             "a " + std::string(key) + " hash is " + expected + "; got " + Quoted(*s));
  }
}

void ExpectLanguageTag(Checker& c, const Path& p, const json::value& v) {
  const json::string* s = ExpectString(c, p, v);
  if (s && !IsLanguageTag(*s) && !IsKeyedHashPseudonym(*s)) {
    c.Report(p, "language-tag",
             "must be an RFC 5646 language tag such as \"en\", \"fr-CA\" or \"zh-Hant\"; got " +
                 Quoted(*s));
  }
}

void NonNegativeIn(Checker& c, const Path& p, const json::object& obj, std::string_view name) {
  if (const json::value* v = obj.if_contains(name)) {
    ExpectInteger(c, p.Key(name), *v, 0, INT64_MAX);
  }
}

void ExpectKillChainPhases(Checker& c, const Path& p, const json::value& v) {
  const json::array* list = ExpectList(c, p, v);
  if (!list) return;
  for (size_t i = 0; i < list->size(); ++i) {
    const Path ip = p.At(i);
    const json::object* phase = ExpectObject(c, ip, (*list)[i]);
    if (!phase) continue;
    for (std::string_view name :
         {std::string_view("kill_chain_name"), std::string_view("phase_name")}) {
      if (const json::value* f = phase->if_contains(name)) {
        ExpectString(c, ip.Key(name), *f);
      } else {
        c.Report(ip.Key(name), "required-property",
                 std::string(name) + " is required in a kill-chain-phase");
      }
    }
  }
}

void RequireAll(Checker& c, std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) c.Require(name);
}

std::optional<Timestamp> TimestampProperty(Checker& c, std::string_view name, bool required) {
  const json::value* v = required ? c.Require(name) : c.Get(name);
  if (!v) return std::nullopt;
  return ExpectTimestamp(c, Prop(name), *v);
}

void CheckOrder(Checker& c, std::string_view earlier, std::string_view later, bool strict,
                std::string_view rule) {
  const json::value* a = c.Get(earlier);
  const json::value* b = c.Get(later);
  if (!a || !b || !a->is_string() || !b->is_string()) return;
  auto ta = ParseTimestamp(std::string_view(a->get_string()));
  auto tb = ParseTimestamp(std::string_view(b->get_string()));
  if (!ta.ok() || !tb.ok()) return;
  const bool bad = strict ? tb->micros <= ta->micros : tb->micros < ta->micros;
  if (bad) {
    c.Report(Prop(later), rule,
             std::string(later) + " must be " +
                 (strict ? "later than " : "later than or equal to ") + std::string(earlier));
  }
}

void RequireOneOf(Checker& c, std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) {
    if (c.Get(name)) return;
  }
  std::string list;
  for (std::string_view name : names) {
    if (!list.empty()) list += ", ";
    list += name;
  }
  c.Report(Prop(""), "at-least-one",
           std::string(c.type()) + " objects must have at least one of " + list);
}

void RequireUuid4WithoutContributing(Checker& c,
                                     std::initializer_list<std::string_view> contributing) {
  for (std::string_view name : contributing) {
    if (c.Get(name)) return;
  }
  const auto parts = SplitIdentifier(c.id());
  if (!parts || UuidVersion(parts->uuid) == 4) return;
  std::string list;
  for (std::string_view name : contributing) {
    if (!list.empty()) list += ", ";
    list += name;
  }
  c.Report(Prop("id"), "uuid-version",
           "without any ID contributing property (" + (list.empty() ? "none defined" : list) +
               ") the id must use a UUIDv4 (section 2.9); this one is version " +
               std::to_string(UuidVersion(parts->uuid)));
}

void ForbidBoth(Checker& c, std::string_view a, std::string_view b) {
  if (c.Get(a) && c.Get(b)) {
    c.Report(Prop(b), "mutually-exclusive",
             std::string(a) + " and " + std::string(b) + " must not both be present");
  }
}

}  // namespace entente::stix::detail
