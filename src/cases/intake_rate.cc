#include "cases/intake_rate.h"

#include <algorithm>
#include <cmath>

namespace entente::cases {

bool RateLimiter::Take(std::string_view key, int64_t now_us, double rate, double burst,
                       int64_t* retry_after_us) {
  if (rate <= 0) return true;
  burst = std::max(burst, 1.0);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    it = buckets_.emplace(std::string(key), Bucket{burst, now_us}).first;
  }
  Bucket& b = it->second;
  if (now_us > b.updated_us) {
    b.tokens = std::min(burst, b.tokens + rate * static_cast<double>(now_us - b.updated_us) / 1e6);
    b.updated_us = now_us;
  }
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return true;
  }
  if (retry_after_us != nullptr) {
    *retry_after_us = static_cast<int64_t>(std::ceil((1.0 - b.tokens) / rate * 1e6));
  }
  return false;
}

}  // namespace entente::cases
