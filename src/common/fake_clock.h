// common/fake_clock: a Clock whose time moves only when a test says so, for tests.
//
// NowMicros() returns the time set by Set() or moved by Advance(). SleepFor(d) lets d
// pass on this clock at once (a sleeping thread stands for time going by), so a loop
// that sleeps between polls runs at full speed. WaitUntil() returns when the waiter is
// notified or once the clock, moved by another thread, reaches the deadline; it looks
// at the clock every millisecond of real time, so a test advancing the clock never has
// to know who waits. Safe for concurrent use. Not part of the library.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

#include "common/env.h"

namespace entente {

class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t now_us = 1'700'000'000'000'000) : now_(now_us) {}

  int64_t NowMicros() override { return now_.load(); }
  void SleepFor(int64_t micros) override {
    if (micros > 0) Advance(micros);
    slept_ += micros > 0 ? micros : 0;
  }
  void WaitUntil(std::condition_variable& cv, std::unique_lock<std::mutex>& lock,
                 int64_t deadline_us) override {
    if (NowMicros() >= deadline_us) return;
    cv.wait_for(lock, std::chrono::milliseconds(1));
  }

  void Set(int64_t now_us) { now_.store(now_us); }
  void Advance(int64_t micros) { now_.fetch_add(micros); }
  // Total time passed in SleepFor calls.
  int64_t slept_us() const { return slept_.load(); }

 private:
  std::atomic<int64_t> now_;
  std::atomic<int64_t> slept_{0};
};

}  // namespace entente
