// taxii/filters.h: TAXII 2.1 query parameters (added_after, limit, next, match[...]).
//
// ParseFilters turns decoded query parameters into a store::ObjectQuery plus page
// controls. Bad values are invalid-argument errors whose message names the parameter
// (the handler answers 400 with it). Unknown parameters are ignored. Pure functions,
// safe from any thread. Fuzzed by fuzz/fuzz_taxii_query.cc.
//
// The `next` cursor is opaque to clients: "c" followed by the date_added (microseconds,
// base 10) of the last row the previous page covered; since date_added is strictly
// increasing within a collection, the next page resumes exactly after it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "entente/status.h"
#include "http/message.h"
#include "store/store.h"

namespace entente::taxii {

// Which filters an endpoint supports (others are ignored, as the spec allows).
struct FilterSupport {
  bool match_id = true;
  bool match_type = true;
  bool match_version = true;
  bool match_spec_version = true;
  // Default of match[version] when absent: "last", or "all" for the versions endpoint.
  bool default_all_versions = false;
};

struct Filters {
  store::ObjectQuery query;               // collection_id left empty
  size_t limit = 100;                     // page size, after clamping to the maximum
  std::optional<int64_t> added_after_us;  // as given by the client
  std::optional<int64_t> cursor_us;       // decoded `next`
  // Lower bound of the page: the later of added_after and the cursor (if any).
  std::optional<int64_t> lower_bound_us() const;
};

Result<Filters> ParseFilters(const std::vector<http::QueryParam>& params,
                             const FilterSupport& support, size_t default_limit, size_t max_limit);

std::string EncodeCursor(int64_t date_added_us);
Result<int64_t> DecodeCursor(std::string_view text);

}  // namespace entente::taxii
