// federation/backoff: when to try a failing peer again.
//
// Exponential backoff with jitter, capped: after the n-th consecutive failure the next
// attempt waits initial * multiplier^(n-1), capped at `max`, then shortened by a random
// fraction of up to `jitter` (so that many nodes retrying one peer spread out). A
// success resets the count. The clock and randomness are injected (common/env.h) so
// that tests are exact.
//
// A Backoff is not safe for concurrent use; each peer worker owns its own.
#pragma once

#include <cstdint>

#include "common/env.h"

namespace entente::federation {

struct BackoffPolicy {
  int64_t initial_us = 500'000;  // first retry after 0.5 s
  int64_t max_us = 60'000'000;   // never wait more than a minute
  double multiplier = 2.0;       // >= 1
  double jitter = 0.5;           // 0 (none) .. 1 (anywhere between 0 and the delay)
};

class Backoff {
 public:
  Backoff(BackoffPolicy policy, Clock& clock, Random& random)
      : policy_(policy), clock_(clock), random_(random) {}

  // The delay before the next attempt after `failures` consecutive failures, before
  // jitter (0 when failures == 0).
  int64_t BaseDelayMicros(int failures) const;

  // Records a failed attempt and schedules the next one; returns the delay chosen.
  int64_t RecordFailure();
  // Records a success: the next attempt may happen at once.
  void RecordSuccess();

  // True when an attempt may be made now.
  bool Ready() { return clock_.NowMicros() >= next_attempt_us_; }
  // Microseconds until the next attempt may be made (0 when ready).
  int64_t WaitMicros();

  int failures() const { return failures_; }
  int64_t next_attempt_us() const { return next_attempt_us_; }

 private:
  BackoffPolicy policy_;
  Clock& clock_;
  Random& random_;
  int failures_ = 0;
  int64_t next_attempt_us_ = 0;
};

}  // namespace entente::federation
