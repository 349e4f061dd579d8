// Fuzz target for stix/: JSON parsing under limits, then bundle or object validation,
// finding serialisation, KeyOf and deterministic SCO ids. Any crash, sanitizer report or assert is
// a bug.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "stix/deterministic_id.h"
#include "stix/stix.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace entente::stix;
  ParseLimits limits;
  limits.max_bytes = 1 << 20;
  auto value = ParseJson(std::string_view(reinterpret_cast<const char*>(data), size), limits);
  if (!value.ok()) return 0;
  ValidateOptions options;
  // A stand-in pattern checker so that the callback path is exercised.
  options.check_pattern = [](std::string_view pattern, std::string_view type,
                             std::string_view) -> std::optional<std::string> {
    if (type == "stix" && (pattern.empty() || pattern.front() != '[')) {
      return std::string("pattern must start with '['");
    }
    return std::nullopt;
  };
  std::vector<Finding> findings;
  const auto* type = value->is_object() ? value->get_object().if_contains("type") : nullptr;
  if (type && type->is_string() && type->get_string() == "bundle") {
    findings = ValidateBundle(*value, options);
  } else if (value->is_object()) {
    findings = ValidateObject(value->get_object(), options);
    (void)KeyOf(value->get_object());
    (void)DeterministicScoId(value->get_object());
  } else {
    findings = ValidateBundle(*value, options);
  }
  for (const Finding& f : findings) (void)f.ToJsonLine();
  return 0;
}
