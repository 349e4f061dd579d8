#include "taxii/pages.h"

#include "common/timestamp.h"

namespace entente::taxii {

Status ScanPage(store::Store& store, const store::ObjectQuery& query,
                const policy::Requester& requester, size_t limit,
                const std::function<void(const store::ObjectRow&)>& emit, PageInfo* info) {
  *info = PageInfo();
  // Rows the requester may not see do not exist for this scan (first/last included).
  store::ObjectQuery q = query;
  q.visible = [&requester](const policy::Labels& labels) {
    return policy::MayRead(requester, labels);
  };
  Status s = store.ScanObjects(q, [&](const store::ObjectRow& row) {
    if (!policy::MayRead(requester, row.labels)) return store::ScanAction::kContinue;
    if (info->count == limit) {
      info->more = true;
      return store::ScanAction::kStop;
    }
    emit(row);
    if (info->count == 0) info->first_added_us = row.date_added_us;
    info->last_added_us = row.date_added_us;
    ++info->count;
    return store::ScanAction::kContinue;
  });
  // The next page starts after the last row given: the hidden rows between it and the
  // next visible one are scanned again, but nothing about them is told.
  if (info->more) info->cursor_us = info->last_added_us;
  return s;
}

void SetDateAddedHeaders(const PageInfo& info, std::optional<int64_t> lower_bound_us,
                         std::vector<std::pair<std::string, std::string>>* headers) {
  int64_t first = info.first_added_us, last = info.last_added_us;
  if (info.count == 0) first = last = lower_bound_us.value_or(0);
  headers->emplace_back("X-TAXII-Date-Added-First", FormatTimestamp(first, 6));
  headers->emplace_back("X-TAXII-Date-Added-Last", FormatTimestamp(last, 6));
}

}  // namespace entente::taxii
