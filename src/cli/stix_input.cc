#include "cli/stix_input.h"

#include <boost/json/monotonic_resource.hpp>

#include "cli/node_util.h"

namespace entente::cli {

Result<LoadedFile> LoadStixFile(const std::string& path) {
  auto text = ReadInputFile(path);
  if (!text.ok()) return text.status();
  // The operator's own files may be larger than what the TAXII server accepts from a
  // client; the document is held in memory (about four times its size once parsed).
  stix::ParseLimits limits;
  limits.max_bytes = kMaxInputFileBytes;
  // One arena for the whole document: it is built once, read, and dropped at once.
  auto parsed = stix::ParseJson(
      *text, limits, boost::json::make_shared_resource<boost::json::monotonic_resource>());
  if (!parsed.ok()) {
    return Status(parsed.status().code(),
                  path + " is not readable JSON: " + parsed.status().message() +
                      " (FILE: a STIX bundle, array or object)");
  }
  LoadedFile file;
  file.doc = std::make_unique<boost::json::value>(std::move(parsed).value());
  if (file.doc->is_array()) {
    const auto& array = file.doc->get_array();
    file.items.reserve(array.size());
    for (const auto& v : array) file.items.push_back(&v);
    return file;
  }
  if (file.doc->is_object()) {
    const auto& obj = file.doc->get_object();
    const boost::json::value* type = obj.if_contains("type");
    if (type != nullptr && type->is_string() && type->get_string() == "bundle") {
      file.is_bundle = true;
      const boost::json::value* objects = obj.if_contains("objects");
      if (objects != nullptr && objects->is_array()) {
        file.items.reserve(objects->get_array().size());
        for (const auto& v : objects->get_array()) file.items.push_back(&v);
      }
      return file;
    }
  }
  file.items.push_back(file.doc.get());
  return file;
}

stix::Finding NotAnObjectFinding(const LoadedFile& file, size_t index) {
  stix::Finding f;
  if (file.is_bundle) {
    f.property = "objects[" + std::to_string(index) + "]";
  } else if (file.doc->is_array()) {
    f.property = "[" + std::to_string(index) + "]";
  }
  f.rule = "type-object";
  f.message = "a STIX object is a JSON object";
  return f;
}

}  // namespace entente::cli
