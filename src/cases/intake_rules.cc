#include "cases/intake_rules.h"

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <cctype>

#include "stix/identifiers.h"
#include "stix/stix.h"

namespace entente::cases {

namespace {

std::string LowerTrim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (c == '_' || c == ' ') c = '-';
  }
  return out;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

Status Field(std::string_view field, std::string_view what) {
  return Status::InvalidArgument("intake configuration: " + std::string(field) + ": " +
                                 std::string(what));
}

Result<std::string> StringMember(const boost::json::value& v, std::string_view field) {
  if (!v.is_string()) return Field(field, "must be a string");
  return std::string(v.get_string().data(), v.get_string().size());
}

Result<double> NumberMember(const boost::json::value& v, std::string_view field) {
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  if (v.is_double()) return v.get_double();
  return Field(field, "must be a number");
}

}  // namespace

RouteDecision Route(const IntakeConfig& config, const IntakeReport& report,
                    const ReporterFacts& reporter) {
  const std::string sector =
      report.victim.sector.empty() ? LowerTrim(reporter.sector) : report.victim.sector;
  const std::string country =
      report.victim.country.empty() ? Upper(reporter.country) : report.victim.country;
  for (const RouteRule& r : config.routes) {
    if (!r.sector.empty() && r.sector != sector) continue;
    if (!r.country.empty() && r.country != country) continue;
    if (!r.rsit_class.empty() && r.rsit_class != report.rsit.class_name) continue;
    return {r.to, r.name};
  }
  return {config.default_route, "default"};
}

Status CheckRouteTarget(std::string_view to) {
  std::string_view name;
  if (to.starts_with("org:")) {
    name = to.substr(4);
  } else if (to.starts_with("peer:")) {
    name = to.substr(5);
    if (const size_t slash = name.find('/'); slash != std::string_view::npos) {
      const std::string_view identity = name.substr(slash + 1);
      if (!identity.starts_with("identity--") ||
          stix::CheckIdentifier(identity) != stix::IdProblem::kOk) {
        return Status::InvalidArgument(
            "a route target peer:PEER-NAME/ORG names the organisation by its identity id "
            "(identity--UUID)");
      }
      name = name.substr(0, slash);
    }
  } else {
    return Status::InvalidArgument(
        "a route target is org:ORG-ID or peer:PEER-NAME[/identity--UUID], not '" +
        std::string(to.substr(0, 80)) + "'");
  }
  if (name.empty() || name.size() > 64) {
    return Status::InvalidArgument("a route target names an organisation or peer (1-64 chars)");
  }
  for (char c : name) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return Status::InvalidArgument("a route target's name uses [a-z0-9._-] only");
  }
  return Status::Ok();
}

Status CheckForwardConfig(const ForwardConfig& f) {
  if (f.collection.empty()) return Status::Ok();  // not forwarded
  if (f.collection.size() > 64) {
    return Status::InvalidArgument("forward.collection: a collection id");
  }
  if (f.as.empty() || f.as.size() > 64) {
    return Status::InvalidArgument("forward.as: the sending organisation of this node");
  }
  if (f.within_seconds < 1 || f.within_seconds > 366LL * 86400) {
    return Status::InvalidArgument("forward.within_seconds: must be 1..31622400");
  }
  return Status::Ok();
}

Result<RouteRule> CheckRouteRule(RouteRule rule) {
  if (rule.name.empty() || rule.name.size() > 64) {
    return Status::InvalidArgument("a route needs a name of 1-64 characters");
  }
  ENTENTE_RETURN_IF_ERROR(CheckRouteTarget(rule.to));
  rule.sector = LowerTrim(rule.sector);
  rule.country = Upper(rule.country);
  if (!rule.country.empty() &&
      (rule.country.size() != 2 || !std::isalpha(static_cast<unsigned char>(rule.country[0])) ||
       !std::isalpha(static_cast<unsigned char>(rule.country[1])))) {
    return Status::InvalidArgument("route " + rule.name +
                                   ": country must be an ISO 3166-1 alpha-2 code");
  }
  if (!rule.rsit_class.empty()) {
    auto rsit = NormaliseRsit(rule.rsit_class, "");
    if (!rsit.ok())
      return Status::InvalidArgument("route " + rule.name + ": " + rsit.status().message());
    rule.rsit_class = rsit->class_name;
  }
  return rule;
}

Result<IntakeConfig> ParseIntakeConfig(std::string_view json_text) {
  stix::ParseLimits limits;
  limits.max_bytes = 4 << 20;
  limits.max_depth = 8;
  auto parsed = stix::ParseJson(json_text, limits);
  if (!parsed.ok()) return Field("(file)", "not valid JSON: " + parsed.status().message());
  if (!parsed->is_object()) return Field("(file)", "must be a JSON object");
  IntakeConfig c;
  for (const auto& [k, v] : parsed->get_object()) {
    const std::string_view key(k.data(), k.size());
    if (key == "dedupe_window_seconds") {
      auto n = NumberMember(v, key);
      if (!n.ok()) return n.status();
      if (*n < 0 || *n > 366.0 * 86400) return Field(key, "must be 0..31622400");
      c.dedupe_window_seconds = static_cast<int64_t>(*n);
    } else if (key == "rate_per_second" || key == "burst") {
      auto n = NumberMember(v, key);
      if (!n.ok()) return n.status();
      if (!(*n >= 0 && *n <= 1e9)) return Field(key, "must be 0..1e9");
      (key == "burst" ? c.burst : c.rate_per_second) = *n;
    } else if (key == "default") {
      auto s = StringMember(v, key);
      if (!s.ok()) return s.status();
      if (!s->empty()) {
        Status st = CheckRouteTarget(*s);
        if (!st.ok()) return Field(key, st.message());
      }
      c.default_route = std::move(*s);
    } else if (key == "routes") {
      if (!v.is_array()) return Field(key, "must be an array");
      const auto& arr = v.get_array();
      for (size_t i = 0; i < arr.size(); ++i) {
        const std::string field = "routes[" + std::to_string(i) + "]";
        if (!arr[i].is_object()) return Field(field, "must be an object");
        RouteRule r;
        for (const auto& [rk, rv] : arr[i].get_object()) {
          const std::string_view rkey(rk.data(), rk.size());
          std::string* target = rkey == "name"         ? &r.name
                                : rkey == "sector"     ? &r.sector
                                : rkey == "country"    ? &r.country
                                : rkey == "rsit_class" ? &r.rsit_class
                                : rkey == "to"         ? &r.to
                                                       : nullptr;
          if (target == nullptr) return Field(field + "." + std::string(rkey), "unknown member");
          auto s = StringMember(rv, field + "." + std::string(rkey));
          if (!s.ok()) return s.status();
          *target = std::move(*s);
        }
        auto checked = CheckRouteRule(std::move(r));
        if (!checked.ok()) return Field(field, checked.status().message());
        for (const auto& existing : c.routes) {
          if (existing.name == checked->name)
            return Field(field, "duplicate name " + checked->name);
        }
        c.routes.push_back(std::move(*checked));
      }
    } else if (key == "forward") {
      if (!v.is_object()) return Field(key, "must be an object");
      for (const auto& [fk, fv] : v.get_object()) {
        const std::string_view fkey(fk.data(), fk.size());
        const std::string field = "forward." + std::string(fkey);
        if (fkey == "collection" || fkey == "as") {
          auto s = StringMember(fv, field);
          if (!s.ok()) return s.status();
          (fkey == "as" ? c.forward.as : c.forward.collection) = std::move(*s);
        } else if (fkey == "within_seconds") {
          auto n = NumberMember(fv, field);
          if (!n.ok()) return n.status();
          if (!(*n >= 1 && *n <= 366.0 * 86400)) return Field(field, "must be 1..31622400");
          c.forward.within_seconds = static_cast<int64_t>(*n);
        } else {
          return Field(field.substr(0, 72), "unknown member (collection, as, within_seconds)");
        }
      }
      Status st = CheckForwardConfig(c.forward);
      if (!st.ok()) return Field(key, st.message());
    } else {
      return Field(std::string(key.substr(0, 64)), "unknown member");
    }
  }
  return c;
}

boost::json::object IntakeConfigToJson(const IntakeConfig& c) {
  boost::json::object o;
  o["dedupe_window_seconds"] = c.dedupe_window_seconds;
  o["rate_per_second"] = c.rate_per_second;
  o["burst"] = c.burst;
  boost::json::array routes;
  for (const auto& r : c.routes) {
    boost::json::object j;
    j["name"] = r.name;
    if (!r.sector.empty()) j["sector"] = r.sector;
    if (!r.country.empty()) j["country"] = r.country;
    if (!r.rsit_class.empty()) j["rsit_class"] = r.rsit_class;
    j["to"] = r.to;
    routes.push_back(std::move(j));
  }
  o["routes"] = std::move(routes);
  o["default"] = c.default_route;
  if (!c.forward.collection.empty()) {
    o["forward"] = boost::json::object{{"collection", c.forward.collection},
                                       {"as", c.forward.as},
                                       {"within_seconds", c.forward.within_seconds}};
  }
  return o;
}

}  // namespace entente::cases
