// What a document carries (stix/bundle.h), and ValidateBundle: the bundle's own
// properties (spec section 8), then every object in it.
#include "stix/bundle.h"

#include <string>

#include "stix/checks.h"

namespace entente::stix {

bool IsBundle(const boost::json::object& object) {
  const boost::json::value* type = object.if_contains("type");
  return type != nullptr && type->is_string() && type->get_string() == "bundle";
}

DocumentItems ItemsOf(const boost::json::value& document) {
  DocumentItems out;
  if (const boost::json::array* array = document.if_array()) {
    out.shape = DocumentShape::kArray;
    out.items = {array->data(), array->size()};
    return out;
  }
  const boost::json::object* object = document.if_object();
  if (object == nullptr) return out;
  if (!IsBundle(*object)) {
    out.shape = DocumentShape::kObject;
    out.items = {&document, 1};
    return out;
  }
  out.shape = DocumentShape::kBundle;
  const boost::json::value* objects = object->if_contains("objects");
  if (objects == nullptr) return out;
  if (const boost::json::array* list = objects->if_array()) {
    out.items = {list->data(), list->size()};
  } else {
    out.objects_not_a_list = true;
  }
  return out;
}

std::vector<Finding> ValidateBundle(const boost::json::value& bundle,
                                    const ValidateOptions& options) {
  std::vector<Finding> findings;
  if (!bundle.is_object()) {
    findings.push_back(Finding{"", "", "type-object", "a bundle is a JSON object"});
    return findings;
  }
  const boost::json::object& obj = bundle.get_object();
  detail::Checker c(obj, options, findings);
  const boost::json::value* type = c.Require("type");
  if (type && (!type->is_string() || type->get_string() != "bundle")) {
    c.Report(detail::Prop("type"), "bundle-type", "a bundle's type is \"bundle\"");
  }
  if (const boost::json::value* id = c.Require("id")) {
    if (detail::ExpectIdentifier(c, detail::Prop("id"), *id, {}, false) &&
        !std::string_view(id->get_string()).starts_with("bundle--")) {
      c.Report(detail::Prop("id"), "id-type-mismatch", "a bundle's id starts with \"bundle--\"");
    }
  }
  if (obj.contains("spec_version")) {
    c.Report(detail::Prop("spec_version"), "bundle-spec-version",
             "STIX 2.1 bundles have no spec_version (this looks like a STIX 2.0 bundle)");
  }
  const boost::json::value* objects = obj.if_contains("objects");
  if (!objects) return findings;
  const detail::Path p = detail::Prop("objects");
  const boost::json::array* list = detail::ExpectList(c, p, *objects);
  if (!list) return findings;
  for (size_t i = 0; i < list->size(); ++i) {
    const boost::json::value& item = (*list)[i];
    if (!item.is_object()) {
      detail::ExpectObject(c, p.At(i), item);
      continue;
    }
    std::vector<Finding> more = ValidateObject(item.get_object(), options);
    for (Finding& f : more) findings.push_back(std::move(f));
  }
  return findings;
}

}  // namespace entente::stix
