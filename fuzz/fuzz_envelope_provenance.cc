// Fuzz target for the provenance member of a TAXII envelope (taxii/provenance.h), which
// any organisation that may write sends with a POST and any peer with a page: JSON
// parsed with the node's limits, then the member read. Asserts the invariants a caller
// relies on; any crash, sanitizer report or failed assert is a bug.
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "stix/stix.h"
#include "taxii/provenance.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto parsed = entente::stix::ParseJson(input);
  if (!parsed.ok() || !parsed->is_object()) return 0;
  auto provenance = entente::taxii::ParseEnvelopeProvenance(parsed->get_object(), 8);
  if (!provenance.ok()) {
    assert(provenance.status().message().starts_with("x_entente_provenance: "));
    return 0;
  }
  assert(provenance->size() <= 8);
  for (const auto& [key, p] : *provenance) {
    assert(!p.path.empty() && p.path.size() <= entente::taxii::kMaxProvenancePath);
    assert(p.origin == p.path.front());
    assert(entente::taxii::FindProvenance(*provenance, key.first, key.second) == &p);
  }
  return 0;
}
