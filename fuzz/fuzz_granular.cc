// Fuzz target for granular-marking part removal (policy/granular.h), which runs on every
// object a partner submits with granular_markings whenever a reader or peer may not see
// all of its parts. Asserts what the read and egress paths rely on; any crash, sanitizer
// report or failed assert is a bug.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "policy/granular.h"
#include "require.h"
#include "stix/stix.h"

using entente::policy::Tlp;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto parsed = entente::stix::ParseJson(input);
  if (!parsed.ok() || !parsed->is_object()) return 0;
  const boost::json::object& obj = parsed->get_object();
  for (int level = 0; level <= 4; ++level) {
    auto may_see = [level](Tlp tlp) { return static_cast<int>(tlp) <= level; };
    entente::policy::PartRemoval r = entente::policy::RemoveHiddenParts(obj, may_see);
    if (!r.withheld.empty()) continue;
    // Nothing the reader may not see is left marked in what it is given, and giving it
    // again removes nothing more.
    for (const auto& part : entente::policy::GranularParts(r.object)) Require(may_see(part.tlp));
    entente::policy::PartRemoval again = entente::policy::RemoveHiddenParts(r.object, may_see);
    Require(again.removed.empty() && again.object == r.object);
    if (level == 4) Require(r.removed.empty() && r.object == obj);
  }
  // WithheldFor (kept beside the labels, decided once per subset of hidden levels) agrees
  // with a removal for each of the 32 sets of visible levels.
  const uint32_t withheld = entente::policy::WithheldFor(obj);
  for (uint32_t set = 0; set < 32; ++set) {
    auto may_see = [set](Tlp tlp) {
      return entente::policy::InTlpSet(static_cast<uint8_t>(set), tlp);
    };
    const bool removal_withholds =
        !entente::policy::RemoveHiddenParts(obj, may_see).withheld.empty();
    Require(removal_withholds == (((withheld >> set) & 1u) != 0));
  }
  return 0;
}
