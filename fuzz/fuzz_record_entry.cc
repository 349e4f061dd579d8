// Fuzz target for the record's entries (audit/entry.h), which `log verify` and evidence
// verifiers read from files others may have edited: an entry that parses is its one
// canonical encoding (encoding what was read gives the same bytes), carries no token
// secret, and names a subject as its kind promises. Checked in every build.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "audit/entry.h"
#include "require.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace entente::audit;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto entry = ParseEntry(text);
  if (!entry.ok()) {
    Require(!entry.status().message().empty());
    return 0;
  }
  auto again = EncodeEntry(*entry);
  Require(again.ok() && *again == text);
  Require(!ContainsTokenSecret(text));
  Require(KindFromName(KindName(entry->entry.kind)).value() == entry->entry.kind);
  (void)EntrySubject(entry->entry);
  return 0;
}
