// ValidateObject: dispatch on `type` to the family validators; KeyOf; Finding output.
#include <boost/json/serialize.hpp>
#include <string>
#include <unordered_map>

#include "stix/checks.h"
#include "stix/identifiers.h"

namespace entente::stix {
namespace detail {
namespace {

using TypeTable = std::unordered_map<std::string_view, const TypeInfo*>;

const TypeTable& Types() {
  static const TypeTable* table = [] {
    auto* t = new TypeTable();
    for (auto family : {SdoTypes(), SroTypes(), ScoTypes(), MetaTypes()}) {
      for (const TypeInfo& info : family) t->emplace(info.name, &info);
    }
    return t;
  }();
  return *table;
}

}  // namespace

const TypeInfo* FindType(std::string_view type) {
  const TypeTable& types = Types();
  auto it = types.find(type);
  return it == types.end() ? nullptr : it->second;
}

Category CategoryOf(std::string_view type) {
  const TypeInfo* info = FindType(type);
  return info ? info->category : Category::kCustom;
}

void ForbidRefCategories(Checker& c, std::string_view property,
                         std::initializer_list<Category> forbidden, std::string_view expected) {
  const json::value* v = c.Get(property);
  if (!v) return;
  auto check = [&](const Path& p, const json::value& item) {
    if (!item.is_string()) return;
    const std::string_view id(item.get_string());
    const size_t sep = id.find("--");
    if (sep == std::string_view::npos) return;
    const std::string_view type = id.substr(0, sep);
    const Category category = CategoryOf(type);
    for (Category f : forbidden) {
      if (category == f) {
        c.Report(p, "ref-type",
                 "must refer to " + std::string(expected) + ", not " + std::string(type));
        return;
      }
    }
  };
  if (v->is_array()) {
    const json::array& list = v->get_array();
    for (size_t i = 0; i < list.size(); ++i) check(Prop(property).At(i), list[i]);
  } else {
    check(Prop(property), *v);
  }
}

bool IsScoType(std::string_view type) {
  const TypeInfo* info = FindType(type);
  return info && info->category == Category::kSco;
}

}  // namespace detail

std::string Finding::ToJsonLine() const {
  boost::json::object o;
  o["object_id"] = object_id;
  o["property"] = property;
  o["rule"] = rule;
  o["message"] = message;
  return boost::json::serialize(o);
}

std::vector<Finding> ValidateObject(const boost::json::object& obj,
                                    const ValidateOptions& options) {
  std::vector<Finding> findings;
  detail::Checker c(obj, options, findings);
  const boost::json::value* type = obj.if_contains("type");
  if (!type) {
    c.Report(detail::Prop("type"), "required-property", "every STIX object has a type");
    return findings;
  }
  if (!type->is_string()) {
    detail::ExpectString(c, detail::Prop("type"), *type);
    return findings;
  }
  const detail::TypeInfo* info = detail::FindType(std::string_view(type->get_string()));
  detail::CheckCommonProperties(c, info);
  if (info) info->validate(c);
  // Generic and specific rules may both catch one problem: keep the first report.
  if (findings.size() > 1) {
    std::vector<Finding> unique;
    for (Finding& f : findings) {
      bool seen = false;
      for (const Finding& u : unique) seen |= u.property == f.property && u.rule == f.rule;
      if (!seen) unique.push_back(std::move(f));
    }
    findings.swap(unique);
  }
  return findings;
}

Result<ObjectKey> KeyOf(const boost::json::object& obj) {
  const boost::json::value* type = obj.if_contains("type");
  const boost::json::value* id = obj.if_contains("id");
  if (!type || !type->is_string()) {
    return Status::InvalidArgument("type: required-property: the object has no string type");
  }
  if (!id || !id->is_string()) {
    return Status::InvalidArgument("id: required-property: the object has no string id");
  }
  const std::string_view type_s(type->get_string());
  const std::string_view id_s(id->get_string());
  if (CheckIdentifier(id_s) != IdProblem::kOk) {
    return Status::InvalidArgument("id: identifier-format: \"" + std::string(id_s.substr(0, 300)) +
                                   "\" is not type--<RFC 4122 UUID>");
  }
  if (id_s.substr(0, id_s.find("--")) != type_s) {
    return Status::InvalidArgument("id: id-type-mismatch: the id does not start with the type");
  }
  ObjectKey key;
  key.id = std::string(id_s);
  key.type = std::string(type_s);
  key.spec_version = "2.0";
  if (const auto* sv = obj.if_contains("spec_version"); sv && sv->is_string()) {
    key.spec_version = std::string(sv->get_string());
  }
  std::string_view version_name = "modified";
  const boost::json::value* version = obj.if_contains(version_name);
  if (!version) {
    version_name = "created";
    version = obj.if_contains(version_name);
  }
  if (version) {
    if (!version->is_string()) {
      return Status::InvalidArgument(std::string(version_name) +
                                     ": type-string: the version timestamp is not a string");
    }
    auto ts = ParseTimestamp(std::string_view(version->get_string()));
    if (!ts.ok()) {
      return Status::InvalidArgument(std::string(version_name) +
                                     ": timestamp-format: " + ts.status().message());
    }
    key.version = std::string(version->get_string());
    key.version_us = ts->micros;
  }
  return key;
}

}  // namespace entente::stix
