#include "federation/backoff.h"

#include <algorithm>
#include <cmath>

namespace entente::federation {

int64_t Backoff::BaseDelayMicros(int failures) const {
  if (failures <= 0) return 0;
  double delay = static_cast<double>(std::max<int64_t>(policy_.initial_us, 0));
  const double cap = static_cast<double>(std::max<int64_t>(policy_.max_us, 0));
  const double multiplier = std::max(policy_.multiplier, 1.0);
  for (int i = 1; i < failures && delay < cap; ++i) delay *= multiplier;
  return static_cast<int64_t>(std::min(delay, cap));
}

int64_t Backoff::RecordFailure() {
  if (failures_ < 1'000'000) ++failures_;
  int64_t delay = BaseDelayMicros(failures_);
  const double jitter = std::clamp(policy_.jitter, 0.0, 1.0);
  if (jitter > 0 && delay > 0) {
    uint64_t r = 0;
    random_.Fill(&r, sizeof r);
    // A uniform fraction in [0, 1) from the top 53 bits.
    const double u = static_cast<double>(r >> 11) / 9007199254740992.0;
    delay -= static_cast<int64_t>(static_cast<double>(delay) * jitter * u);
  }
  next_attempt_us_ = clock_.NowMicros() + delay;
  return delay;
}

void Backoff::RecordSuccess() {
  failures_ = 0;
  next_attempt_us_ = 0;
}

int64_t Backoff::WaitMicros() {
  return std::max<int64_t>(0, next_attempt_us_ - clock_.NowMicros());
}

}  // namespace entente::federation
