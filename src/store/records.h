// records: how the store's list-valued fields are written into single TEXT columns.
//
// String lists (organisation communities) and status detail lists are stored as
// compact JSON arrays. Pure functions, safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "entente/status.h"
#include "policy/policy.h"
#include "store/store.h"

namespace entente::store {

std::string EncodeStringList(const std::vector<std::string>& list);
// Text that is not a JSON array of strings yields an empty list.
std::vector<std::string> DecodeStringList(std::string_view text);

std::string EncodeDetails(const std::vector<StatusDetail>& details);
// kCorruption when `text` is not what EncodeDetails writes.
Status DecodeDetails(std::string_view text, std::vector<StatusDetail>* out);

// A stored TLP level; values outside the enum count as AMBER (never widen access).
policy::Tlp TlpFromColumn(int64_t v);

}  // namespace entente::store
