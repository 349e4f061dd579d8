#include "pattern/index/warninglist.h"

#include <re2/re2.h>

#include <algorithm>
#include <boost/json/value.hpp>
#include <utility>

#include "pattern/parser.h"
#include "stix/stix.h"

namespace entente::pattern::index {
namespace json = boost::json;
namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view WithoutTrailingDot(std::string_view host) {
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  return host;
}

// The host of "scheme://[user@]host[:port][/...]", or "" when `value` is not such a URL.
// IPv6 literals keep their brackets off ("[2001:db8::1]" -> "2001:db8::1").
std::string_view UrlHost(std::string_view value) {
  const size_t scheme_end = value.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0) return {};
  std::string_view rest = value.substr(scheme_end + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (const size_t at = rest.rfind('@'); at != std::string_view::npos) rest.remove_prefix(at + 1);
  if (!rest.empty() && rest.front() == '[') {
    const size_t close = rest.find(']');
    return close == std::string_view::npos ? std::string_view() : rest.substr(1, close - 1);
  }
  return rest.substr(0, rest.find(':'));
}

Status Bad(std::string_view what) {
  return Status::InvalidArgument("warninglist: " + std::string(what));
}

bool ParseType(std::string_view text, WarninglistType* out) {
  static constexpr std::pair<std::string_view, WarninglistType> kTypes[] = {
      {"cidr", WarninglistType::kCidr},
      {"string", WarninglistType::kString},
      {"hostname", WarninglistType::kHostname},
      {"substring", WarninglistType::kSubstring},
      {"regex", WarninglistType::kRegex}};
  for (const auto& [name, type] : kTypes) {
    if (name == text) {
      *out = type;
      return true;
    }
  }
  return false;
}

}  // namespace

std::string_view WarninglistTypeName(WarninglistType type) {
  switch (type) {
    case WarninglistType::kCidr:
      return "cidr";
    case WarninglistType::kString:
      return "string";
    case WarninglistType::kHostname:
      return "hostname";
    case WarninglistType::kSubstring:
      return "substring";
    case WarninglistType::kRegex:
      return "regex";
  }
  return "string";
}

Result<Warninglist> ParseWarninglist(std::string_view text) {
  auto parsed = stix::ParseJson(text);
  if (!parsed.ok()) return Bad(parsed.status().message());
  const json::object* obj = parsed->if_object();
  if (obj == nullptr) return Bad("the file must hold one JSON object");
  Warninglist list;
  auto string_member = [&](std::string_view key, std::string* out, bool required) -> Status {
    const json::value* v = obj->if_contains(key);
    if (v == nullptr) return required ? Bad("`" + std::string(key) + "` is required") : Status();
    if (!v->is_string()) return Bad("`" + std::string(key) + "` must be a string");
    out->assign(v->get_string().data(), v->get_string().size());
    return Status();
  };
  ENTENTE_RETURN_IF_ERROR(string_member("name", &list.name, true));
  if (list.name.empty()) return Bad("`name` must not be empty");
  ENTENTE_RETURN_IF_ERROR(string_member("description", &list.description, false));
  std::string type;
  ENTENTE_RETURN_IF_ERROR(string_member("type", &type, true));
  if (!ParseType(type, &list.type)) {
    return Bad("`type` \"" + type + "\" is not one of cidr, string, hostname, substring, regex");
  }
  if (const json::value* v = obj->if_contains("version")) {
    if (v->is_int64()) {
      list.version = v->get_int64();
    } else if (v->is_uint64() && v->get_uint64() <= INT64_MAX) {
      list.version = static_cast<int64_t>(v->get_uint64());
    } else {
      return Bad("`version` must be an integer");
    }
  }
  const json::value* entries = obj->if_contains("list");
  if (entries == nullptr || !entries->is_array()) return Bad("`list` must be an array of strings");
  list.entries.reserve(entries->get_array().size());
  for (size_t i = 0; i < entries->get_array().size(); ++i) {
    const json::value& e = entries->get_array()[i];
    if (!e.is_string() || e.get_string().empty()) {
      return Bad("`list[" + std::to_string(i) + "]` must be a non-empty string");
    }
    std::string_view entry(e.get_string().data(), e.get_string().size());
    if (list.type == WarninglistType::kCidr && !ParseIpBlock(entry)) {
      return Bad("`list[" + std::to_string(i) + "]` \"" + std::string(entry) +
                 "\" is not an IP address or CIDR block");
    }
    if (list.type == WarninglistType::kRegex) {
      RE2::Options options;
      options.set_log_errors(false);
      RE2 re(entry, options);
      if (!re.ok()) {
        return Bad("`list[" + std::to_string(i) +
                   "]` is not a regular expression RE2 accepts: " + re.error());
      }
    }
    list.entries.emplace_back(entry);
  }
  if (const json::value* v = obj->if_contains("matching_attributes")) {
    if (!v->is_array()) return Bad("`matching_attributes` must be an array of strings");
    for (const json::value& a : v->get_array()) {
      if (!a.is_string()) return Bad("`matching_attributes` must be an array of strings");
      list.matching_attributes.emplace_back(a.get_string().data(), a.get_string().size());
    }
  }
  return list;
}

WarninglistSet::WarninglistSet() = default;
WarninglistSet::~WarninglistSet() = default;
WarninglistSet::WarninglistSet(WarninglistSet&&) noexcept = default;
WarninglistSet& WarninglistSet::operator=(WarninglistSet&&) noexcept = default;

void WarninglistSet::Add(Warninglist list) { lists_.push_back(std::move(list)); }

void WarninglistSet::Build() {
  CidrSetBuilder cidrs;
  exact_.clear();
  hostnames_.clear();
  substrings_.clear();
  regexes_.clear();
  for (uint32_t n = 0; n < lists_.size(); ++n) {
    for (const std::string& entry : lists_[n].entries) {
      switch (lists_[n].type) {
        case WarninglistType::kCidr:
          if (auto block = ParseIpBlock(entry)) cidrs.Add(*block, n);
          break;
        case WarninglistType::kString:
          exact_[Lower(entry)].push_back(n);
          break;
        case WarninglistType::kHostname:
          hostnames_[Lower(WithoutTrailingDot(entry))].push_back(n);
          break;
        case WarninglistType::kSubstring:
          substrings_.emplace_back(Lower(entry), n);
          break;
        case WarninglistType::kRegex: {
          RE2::Options options;
          options.set_log_errors(false);
          auto re = std::make_unique<RE2>(entry, options);
          if (re->ok()) regexes_.emplace_back(std::move(re), n);
          break;
        }
      }
    }
  }
  cidrs_ = CidrSet();
  cidrs.Build(&cidrs_);
}

std::vector<std::string_view> WarninglistSet::ListsContaining(std::string_view value) const {
  std::vector<uint32_t> hits;
  auto hit = [&hits](uint32_t n) { hits.push_back(n); };
  const std::string lower = Lower(value);
  if (auto it = exact_.find(lower); it != exact_.end()) {
    for (uint32_t n : it->second) hit(n);
  }
  // An address or block, or the host of a URL, against the cidr lists.
  std::string_view host = UrlHost(value);
  if (auto block = ParseIpBlock(host.empty() ? value : host)) {
    cidrs_.ForEachContaining(*block, hit);
  }
  // A host name and each name it is a subdomain of, against the hostname lists.
  if (!hostnames_.empty()) {
    std::string name = Lower(WithoutTrailingDot(host.empty() ? value : host));
    std::string_view rest = name;
    while (!rest.empty()) {
      if (auto it = hostnames_.find(std::string(rest)); it != hostnames_.end()) {
        for (uint32_t n : it->second) hit(n);
      }
      const size_t dot = rest.find('.');
      if (dot == std::string_view::npos) break;
      rest.remove_prefix(dot + 1);
    }
  }
  for (const auto& [entry, n] : substrings_) {
    if (lower.find(entry) != std::string::npos) hit(n);
  }
  for (const auto& [re, n] : regexes_) {
    if (RE2::PartialMatch(value, *re)) hit(n);
  }
  std::sort(hits.begin(), hits.end());
  hits.erase(std::unique(hits.begin(), hits.end()), hits.end());
  std::vector<std::string_view> names;
  names.reserve(hits.size());
  for (uint32_t n : hits) names.emplace_back(lists_[n].name);
  return names;
}

namespace {

void CollectValues(const ComparisonExpr& e, std::vector<std::string_view>* out) {
  if (e.kind != ComparisonExpr::Kind::kComparison) {
    for (const ComparisonExpr& c : e.children) CollectValues(c, out);
    return;
  }
  const Comparison& c = e.comparison;
  if (c.negated) return;
  switch (c.op) {
    case CompareOp::kEqual:
    case CompareOp::kIsSubset:
      if (c.value.kind == Constant::Kind::kString) out->push_back(c.value.text);
      return;
    case CompareOp::kIn:
      for (const Constant& m : c.set) {
        if (m.kind == Constant::Kind::kString) out->push_back(m.text);
      }
      return;
    default:
      return;
  }
}

void CollectValues(const ObservationExpr& e, std::vector<std::string_view>* out) {
  if (e.kind == ObservationExpr::Kind::kComparison) {
    CollectValues(e.comparison, out);
    return;
  }
  for (const ObservationExpr& c : e.children) CollectValues(c, out);
}

}  // namespace

std::vector<WarninglistHit> WarninglistHitsOfPattern(const WarninglistSet& set,
                                                     std::string_view pattern,
                                                     StixVersion version) {
  std::vector<WarninglistHit> hits;
  if (set.lists().empty()) return hits;
  ParseOptions options;
  options.version = version;
  auto parsed = ParsePattern(pattern, options);
  if (!parsed.ok()) return hits;
  std::vector<std::string_view> values;
  CollectValues(parsed->root, &values);
  for (size_t i = 0; i < values.size(); ++i) {
    // A value written twice is looked up once.
    if (std::find(values.begin(), values.begin() + i, values[i]) != values.begin() + i) continue;
    for (std::string_view list : set.ListsContaining(values[i])) {
      hits.push_back({std::string(values[i]), std::string(list)});
    }
  }
  return hits;
}

std::string DescribeWarninglistHits(const std::vector<WarninglistHit>& hits, size_t max_hits) {
  std::string out;
  for (size_t i = 0; i < hits.size() && i < max_hits; ++i) {
    if (i) out += "; ";
    out += "on warninglist " + hits[i].list + " (" + hits[i].value + ")";
  }
  if (hits.size() > max_hits) out += "; and " + std::to_string(hits.size() - max_hits) + " more";
  return out;
}

}  // namespace entente::pattern::index
