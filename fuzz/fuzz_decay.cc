// Fuzz target for the decay model's text form (pattern/index/decay.h), which an operator
// writes: a model that parses formats to text that parses to the same model, and scores
// stay within 0..100.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "pattern/index/decay.h"
#include "require.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using entente::pattern::index::DecayKind;
  using entente::pattern::index::DecayModel;
  auto model = DecayModel::Parse(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!model.ok()) return 0;
  auto again = DecayModel::Parse(model->Format());
  Require(again.ok() && again->Format() == model->Format());
  for (size_t k = 0; k < entente::pattern::index::kDecayKinds; ++k) {
    const auto kind = static_cast<DecayKind>(k);
    for (int64_t age : {int64_t{0}, int64_t{1}, model->rule(kind).lifetime_us / 2,
                        model->rule(kind).lifetime_us}) {
      const double s = model->Score(kind, 100, age);
      Require(s >= 0 && s <= 100);
    }
  }
  return 0;
}
