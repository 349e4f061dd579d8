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
  std::optional<int64_t> modified = TimeOf(object, "modified");
  const boost::json::value* revoked = object.if_contains("revoked");
  const bool revokes = revoked != nullptr && revoked->is_bool() && revoked->get_bool();

  auto [it, inserted] = by_id_.try_emplace(std::string(id));
  Entry& e = it->second;
  const bool was_revoked = e.state.revoked || revokes;
  const bool newer =
      inserted || modified.has_value() > e.has_modified ||
      (modified.has_value() == e.has_modified && modified.value_or(0) >= e.modified_us);
  e.state.revoked = was_revoked;
  if (!newer) return Status::Ok();
  e.has_modified = modified.has_value();
  e.modified_us = modified.value_or(0);
  IndicatorState& s = e.state;
  s.stix = !object.contains("pattern_type") || StringOf(object, "pattern_type") == "stix";
  s.valid_from_us = TimeOf(object, "valid_from");
  s.valid_until_us = TimeOf(object, "valid_until");
  s.created_us = TimeOf(object, "created");
  s.confidence.reset();
  if (const boost::json::value* c = object.if_contains("confidence");
      c != nullptr && c->is_int64() && c->get_int64() >= 0 && c->get_int64() <= 100) {
    s.confidence = c->get_int64();
  }
  s.created_by = std::string(StringOf(object, "created_by_ref"));
  s.spec.id = std::string(id);
  s.spec.pattern = std::string(pattern);
  s.spec.version =
      StringOf(object, "pattern_version") == "2.0" ? StixVersion::k20 : StixVersion::k21;
  return Status::Ok();
}

bool IndicatorState::LiveAt(std::optional<int64_t> at) const {
  if (revoked || !stix) return false;
  if (at) {
    if (valid_from_us && *at < *valid_from_us) return false;
    if (valid_until_us && *at >= *valid_until_us) return false;
  }
  return true;
}

const IndicatorState* LiveIndicators::Find(std::string_view id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &it->second.state;
}

void LiveIndicators::Forget(std::string_view id) {
  if (auto it = by_id_.find(id); it != by_id_.end()) by_id_.erase(it);
}

std::vector<IndicatorSpec> LiveIndicators::Live(const LiveOptions& options) const {
  std::vector<IndicatorSpec> out;
  for (const auto& [id, e] : by_id_) {
    if (e.state.LiveAt(options.valid_at)) out.push_back(e.state.spec);
  }
  return out;
}

}  // namespace entente::pattern::index
