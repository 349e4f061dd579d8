// Fuzz target for stix::StreamReader and stix::JsonSyntaxChecker: whatever the input and however it
// is cut into chunks (the first byte chooses the chunk size), the reader must agree with
// Boost.JSON's whole-document parse split by stix::ItemsOf: the same items in the same order when
// it parses, an error when it does not. Any disagreement aborts.
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "stix/bundle.h"
#include "stix/stix.h"
#include "stix/stream_reader.h"

namespace {

// The items of the whole document as stix::ItemsOf splits it; a scalar document is its
// own one item, which the reader hands over for its caller to report.
std::vector<boost::json::value> ExpectedItems(const boost::json::value& doc) {
  const entente::stix::DocumentItems split = entente::stix::ItemsOf(doc);
  if (split.shape == entente::stix::DocumentShape::kUnknown) return {doc};
  return {split.items.begin(), split.items.end()};
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
