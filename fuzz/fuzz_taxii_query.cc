// Fuzz target for untrusted TAXII request input: query strings (percent-decoding,
// repeated keys, every filter), credentials and media types. Asserts the invariants a
// caller relies on; any crash, sanitizer report or failed assert is a bug.
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/query.h"
#include "taxii/filters.h"
#include "taxii/responses.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string_view path, query;
  entente::http::SplitTarget(input, &path, &query);
  assert(path.size() + query.size() <= input.size());
  auto params = entente::http::ParseQuery(query);
  if (params.ok()) {
    for (bool all : {false, true}) {
      entente::taxii::FilterSupport support;
      support.default_all_versions = all;
      auto filters = entente::taxii::ParseFilters(*params, support, 100, 1000);
      if (filters.ok()) {
        assert(filters->limit >= 1 && filters->limit <= 1000);
        assert(filters->query.added_after_us == filters->lower_bound_us());
      } else {
        assert(!filters.status().message().empty());
      }
    }
  }
  auto token = entente::http::ExtractToken(input);
  if (token.ok()) assert(!token->empty());
  (void)entente::taxii::AcceptsTaxii(input);
  (void)entente::taxii::IsTaxiiContentType(input);
  auto cursor = entente::taxii::DecodeCursor(input);
  if (cursor.ok()) assert(entente::taxii::DecodeCursor(entente::taxii::EncodeCursor(*cursor)).ok());
  return 0;
}
