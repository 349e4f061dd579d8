// taxii/pages.h: one page of rows from a collection, through the policy gate.
//
// ScanPage visits the rows of `query` in date_added order as if the rows the requester
// may not see (policy::MayRead) did not exist — match[version]=first/last give the
// oldest/newest version it may see — hands at most `limit` of them to `emit`, and looks
// ahead until one more is found (then `more` is true) or the rows end. Everything a
// page tells (`more`, the `next` cursor, the date_added headers) depends only on the
// rows given: the cursor is the date_added of the last row emitted, so the following
// page starts with the next row given (hidden rows between are scanned again, never
// counted or shown). `limit` must be at least 1. Safe for concurrent use; `emit`
// receives rows valid only during the call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "entente/status.h"
#include "policy/policy.h"
#include "store/store.h"

namespace entente::taxii {

struct PageInfo {
  size_t count = 0;
  bool more = false;
  int64_t first_added_us = 0;  // of the first emitted row (0 when none)
  int64_t last_added_us = 0;   // of the last emitted row (0 when none)
  int64_t cursor_us = 0;       // resume point when `more`
};

Status ScanPage(store::Store& store, const store::ObjectQuery& query,
                const policy::Requester& requester, size_t limit,
                const std::function<void(const store::ObjectRow&)>& emit, PageInfo* info);

// Adds X-TAXII-Date-Added-First/-Last for a page. An empty page reports
// `lower_bound_us` (the cursor or added_after; the Unix epoch when absent) in both.
void SetDateAddedHeaders(const PageInfo& info, std::optional<int64_t> lower_bound_us,
                         std::vector<std::pair<std::string, std::string>>* headers);

}  // namespace entente::taxii
