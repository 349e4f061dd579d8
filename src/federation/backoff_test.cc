#include "federation/backoff.h"

#include <gtest/gtest.h>

#include <cstring>

namespace entente::federation {
namespace {

class FakeClock : public Clock {
 public:
  int64_t NowMicros() override { return now; }
  void SleepFor(int64_t micros) override { now += micros; }
  void WaitUntil(std::condition_variable&, std::unique_lock<std::mutex>&, int64_t) override {}
  int64_t now = 1'000'000;
};

// Fills with a fixed byte pattern: 0x00 -> u = 0, 0xff -> u close to 1.
class FixedRandom : public Random {
 public:
  explicit FixedRandom(unsigned char b) : byte(b) {}
  void Fill(void* buf, size_t n) override { std::memset(buf, byte, n); }
  unsigned char byte;
};

TEST(BackoffTest, GrowsExponentiallyAndIsCapped) {
  FakeClock clock;
  FixedRandom random(0);
  Backoff b({.initial_us = 100, .max_us = 1000, .multiplier = 2.0, .jitter = 0.0}, clock, random);
  EXPECT_EQ(b.BaseDelayMicros(0), 0);
  EXPECT_EQ(b.BaseDelayMicros(1), 100);
  EXPECT_EQ(b.BaseDelayMicros(2), 200);
  EXPECT_EQ(b.BaseDelayMicros(4), 800);
  EXPECT_EQ(b.BaseDelayMicros(5), 1000);
  EXPECT_EQ(b.BaseDelayMicros(100000), 1000);
}

TEST(BackoffTest, FailureSchedulesAndSuccessResets) {
  FakeClock clock;
  FixedRandom random(0);
  Backoff b({.initial_us = 100, .max_us = 1000, .multiplier = 2.0, .jitter = 0.5}, clock, random);
  EXPECT_TRUE(b.Ready());
  EXPECT_EQ(b.RecordFailure(), 100);  // u = 0: no shortening
  EXPECT_FALSE(b.Ready());
  EXPECT_EQ(b.WaitMicros(), 100);
  clock.now += 99;
  EXPECT_FALSE(b.Ready());
  clock.now += 1;
  EXPECT_TRUE(b.Ready());
  EXPECT_EQ(b.RecordFailure(), 200);
  EXPECT_EQ(b.failures(), 2);
  b.RecordSuccess();
  EXPECT_EQ(b.failures(), 0);
  EXPECT_TRUE(b.Ready());
  EXPECT_EQ(b.RecordFailure(), 100);
}

TEST(BackoffTest, JitterShortensWithinBounds) {
  FakeClock clock;
  FixedRandom random(0xff);  // u just below 1
  Backoff b({.initial_us = 1000, .max_us = 100000, .multiplier = 2.0, .jitter = 0.5}, clock,
            random);
  int64_t d = b.RecordFailure();
  EXPECT_GT(d, 500);
  EXPECT_LT(d, 1000);
  d = b.RecordFailure();
  EXPECT_GT(d, 1000);
  EXPECT_LT(d, 2000);
}

TEST(BackoffTest, FullJitterNeverNegative) {
  FakeClock clock;
  FixedRandom random(0xff);
  Backoff b({.initial_us = 10, .max_us = 10, .multiplier = 3.0, .jitter = 7.0}, clock, random);
  for (int i = 0; i < 5; ++i) EXPECT_GE(b.RecordFailure(), 0);
}

}  // namespace
}  // namespace entente::federation
