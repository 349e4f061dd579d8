// Fuzz target for signed tree heads in their text form (audit/head.h), which peers send
// and evidence packages carry: a head that parses formats back to the same bytes, its
// signing bytes have the fixed length, and checking its signature (against a fixed key)
// never crashes; a head whose signature holds for that key is refused once one bit of
// its signed fields changes. Checked in every build.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "audit/head.h"
#include "require.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace entente::audit;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto head = ParseSignedHead(text);
  if (!head.ok()) {
    Require(!head.status().message().empty());
    return 0;
  }
  Require(FormatSignedHead(*head) == text);
  Require(HeadSigningBytes(head->head).size() == kHeadSigningBytes);
  PublicKey key{};
  key[0] = 1;
  if (VerifyHeadSignature(*head, key).ok()) {
    SignedHead changed = *head;
    changed.head.tree_size ^= 1;
    Require(!VerifyHeadSignature(changed, key).ok());
  }
  return 0;
}
