#include "pattern/index/live_indicators.h"

#include <string_view>
#include <utility>

#include "common/timestamp.h"

namespace entente::pattern::index {
namespace {

std::string_view StringOf(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return {};
  return {v->get_string().data(), v->get_string().size()};
}

// The instant a timestamp member names, when it is there and valid.
std::optional<int64_t> TimeOf(const boost::json::object& o, std::string_view key) {
  Result<Timestamp> t = ParseTimestamp(StringOf(o, key));
  if (!t.ok()) return std::nullopt;
  return t->micros;
}

}  // namespace

Status LiveIndicators::Add(const boost::json::object& object) {
  if (StringOf(object, "type") != "indicator") return Status::Ok();
  std::string_view id = StringOf(object, "id");
  std::string_view pattern = StringOf(object, "pattern");
  if (id.empty() || pattern.empty()) {
    return Status::InvalidArgument("indicator " +
                                   (id.empty() ? std::string("(no id)") : std::string(id)) +
                                   ": needs an id and a pattern");
  }
  Version v;
  std::optional<int64_t> modified = TimeOf(object, "modified");
  v.has_modified = modified.has_value();
  v.modified_us = modified.value_or(0);
  v.stix = !object.contains("pattern_type") || StringOf(object, "pattern_type") == "stix";
  v.valid_from_us = TimeOf(object, "valid_from");
  v.valid_until_us = TimeOf(object, "valid_until");
  const boost::json::value* revoked = object.if_contains("revoked");
  const bool revokes = revoked != nullptr && revoked->is_bool() && revoked->get_bool();

  auto [it, inserted] = by_id_.try_emplace(std::string(id));
  Entry& e = it->second;
  e.revoked = e.revoked || revokes;
  const Version& cur = e.current;
  const bool newer = inserted || v.has_modified > cur.has_modified ||
                     (v.has_modified == cur.has_modified && v.modified_us >= cur.modified_us);
  if (!newer) return Status::Ok();
  v.spec.id = std::string(id);
  v.spec.pattern = std::string(pattern);
  v.spec.version =
      StringOf(object, "pattern_version") == "2.0" ? StixVersion::k20 : StixVersion::k21;
  e.current = std::move(v);
  return Status::Ok();
}

std::vector<IndicatorSpec> LiveIndicators::Live(const LiveOptions& options) const {
  std::vector<IndicatorSpec> out;
  for (const auto& [id, e] : by_id_) {
    const Version& v = e.current;
    if (e.revoked || !v.stix) continue;
    if (options.valid_at) {
      const int64_t at = *options.valid_at;
      if (v.valid_from_us && at < *v.valid_from_us) continue;
      if (v.valid_until_us && at >= *v.valid_until_us) continue;
    }
    out.push_back(v.spec);
  }
  return out;
}

}  // namespace entente::pattern::index
