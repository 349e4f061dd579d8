// cases/intake_rate.h: a token bucket per reporting organisation, so that a flood of
// intake reports from one reporter is refused early (429 with Retry-After) and never
// delays the others: each organisation spends only its own tokens.
//
// A bucket holds at most `burst` tokens and refills at `rate` tokens a second; a report
// takes one. The rate and burst are passed on each call (the intake configuration may
// change while the node runs). Buckets live in memory: a restart refills them, which is
// the generous side. Safe for concurrent use (one mutex; each call is a map lookup).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace entente::cases {

class RateLimiter {
 public:
  // Takes a token from `key`'s bucket at time `now_us`. True when there was one; else
  // false and *retry_after_us (when given) says when the next token will be there.
  // rate <= 0: no limit.
  bool Take(std::string_view key, int64_t now_us, double rate, double burst,
            int64_t* retry_after_us = nullptr);

 private:
  struct Bucket {
    double tokens = 0;
    int64_t updated_us = 0;
  };
  std::mutex mu_;
  std::map<std::string, Bucket, std::less<>> buckets_;  // guarded by mu_
};

}  // namespace entente::cases
