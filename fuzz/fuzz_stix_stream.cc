// Fuzz target for stix::StreamReader and stix::JsonSyntaxChecker: whatever the input and however it
// is cut into chunks (the first byte chooses the chunk size), the reader must agree with
// Boost.JSON's whole-document parse: the same items in the same order when it parses, an error when
// it does not. Any disagreement aborts.
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "stix/stix.h"
#include "stix/stream_reader.h"

namespace {

// What a caller of ParseJson would take as the items of the document.
std::vector<boost::json::value> ExpectedItems(const boost::json::value& doc) {
  if (doc.is_array()) return {doc.get_array().begin(), doc.get_array().end()};
  if (doc.is_object()) {
    const auto& obj = doc.get_object();
    const auto* type = obj.if_contains("type");
    const auto* objects = obj.if_contains("objects");
    if (type != nullptr && type->is_string() && type->get_string() == "bundle") {
      if (objects != nullptr && objects->is_array()) {
        return {objects->get_array().begin(), objects->get_array().end()};
      }
      return {};
    }
  }
  return {doc};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace entente::stix;
  if (size == 0) return 0;
  const size_t chunk = 1 + data[0] % 17;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  ParseLimits limits;
  limits.max_bytes = 1 << 20;
  limits.max_depth = 32;

  std::vector<boost::json::value> items;
  StreamReader reader(
      [&](const boost::json::value& item, size_t) {
        items.push_back(item);
        return entente::Status::Ok();
      },
      limits);
  entente::Status s;
  for (size_t at = 0; at < text.size() && s.ok(); at += chunk)
    s = reader.Write(text.substr(at, chunk));
  if (s.ok()) s = reader.Finish();

  auto whole = ParseJson(text, limits);
  JsonSyntaxChecker checker(limits);
  entente::Status checked;
  for (size_t at = 0; at < text.size() && checked.ok(); at += chunk) {
    checked = checker.Write(text.substr(at, chunk));
  }
  if (checked.ok()) checked = checker.Finish();
  if (checked.ok() != whole.ok()) std::abort();
  // The reader refuses a repeated top-level member, which the whole parse accepts.
  if (!s.ok() && s.message().find("twice") != std::string::npos) return 0;
  if (whole.ok() != s.ok()) std::abort();
  if (!whole.ok()) return 0;
  std::vector<boost::json::value> expected = ExpectedItems(*whole);
  if (expected.size() != items.size()) std::abort();
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i] != expected[i]) std::abort();
  }
  return 0;
}
