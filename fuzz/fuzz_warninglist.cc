// Fuzz target for the warninglist parser (pattern/index/warninglist.h): an operator may
// load any file. A list that parses must build and answer queries; any crash, sanitizer
// report or failed invariant is a bug.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "pattern/index/warninglist.h"
#include "require.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto list = entente::pattern::index::ParseWarninglist(input);
  if (!list.ok()) return 0;
  Require(!list->name.empty());
  entente::pattern::index::WarninglistSet set;
  set.Add(*list);
  set.Build();
  // Every entry of a string or cidr list is on its own list.
  using entente::pattern::index::WarninglistType;
  for (const auto& entry : list->entries) {
    auto names = set.ListsContaining(entry);
    if (list->type == WarninglistType::kString || list->type == WarninglistType::kCidr ||
        list->type == WarninglistType::kSubstring) {
      Require(names.size() == 1);
    }
  }
  return 0;
}
