// web/login_limiter.h: token buckets per client address and for the node, on a FakeClock.
#include "web/login_limiter.h"

#include <gtest/gtest.h>

#include "common/fake_clock.h"

namespace entente::web {
namespace {

LoginLimits Small() {
  LoginLimits l;
  l.per_address_burst = 3;
  l.per_address_per_minute = 6;  // one token every 10 seconds
  l.global_burst = 5;
  l.global_per_minute = 60;  // one a second
  l.max_addresses = 100;
  return l;
}

TEST(LoginLimiterTest, FailuresFromOneAddressAreBoundedThenRefill) {
  FakeClock clock;
  LoginLimiter limiter(clock, Small());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.Acquire("192.0.2.1:1000"), 0) << i;
  // The fourth within the burst must wait for one token: 10 s at 6 a minute.
  EXPECT_EQ(limiter.Acquire("192.0.2.1:1001"), 10);
  clock.Advance(9'000'000);
  EXPECT_EQ(limiter.Acquire("192.0.2.1:1002"), 1);
  clock.Advance(1'000'000);
  EXPECT_EQ(limiter.Acquire("192.0.2.1:1003"), 0);
  EXPECT_GT(limiter.Acquire("192.0.2.1:1003"), 0);
  // Another address has its own bucket.
  EXPECT_EQ(limiter.Acquire("198.51.100.7:5"), 0);
}

TEST(LoginLimiterTest, SuccessGivesTheTokenBack) {
  FakeClock clock;
  LoginLimiter limiter(clock, Small());
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(limiter.Acquire("192.0.2.1:1"), 0) << i;
    limiter.Refund("192.0.2.1:1");
  }
}

TEST(LoginLimiterTest, TheGlobalBucketBoundsManyAddresses) {
  FakeClock clock;
  LoginLimiter limiter(clock, Small());
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(limiter.Acquire("192.0.2." + std::to_string(i) + ":1"), 0) << i;
  }
  // A fresh address, but the node's bucket is empty: one token a second.
  EXPECT_EQ(limiter.Acquire("203.0.113.9:1"), 1);
  clock.Advance(1'000'000);
  EXPECT_EQ(limiter.Acquire("203.0.113.9:1"), 0);
}

TEST(LoginLimiterTest, IPv6AddressesShareTheirSlash64) {
  EXPECT_EQ(LoginLimiter::ClientKey("2001:db8:1:2:aaaa::1:443"),
            LoginLimiter::ClientKey("2001:db8:1:2:bbbb::9:443"));
  EXPECT_NE(LoginLimiter::ClientKey("2001:db8:1:2::1:443"),
            LoginLimiter::ClientKey("2001:db8:1:3::1:443"));
  EXPECT_EQ(LoginLimiter::ClientKey("::ffff:192.0.2.1:80"), "192.0.2.1");
  EXPECT_EQ(LoginLimiter::ClientKey("192.0.2.1:80"), "192.0.2.1");
  EXPECT_EQ(LoginLimiter::ClientKey("not an address"), "");
}

TEST(LoginLimiterTest, AFullTableDropsRefilledBucketsFirst) {
  FakeClock clock;
  LoginLimits l = Small();
  l.max_addresses = 2;
  l.global_burst = 1000;
  LoginLimiter limiter(clock, l);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(limiter.Acquire("192.0.2.1:1"), 0);
  ASSERT_EQ(limiter.Acquire("192.0.2.2:1"), 0);
  limiter.Refund("192.0.2.2:1");  // .2 is full again: dropped first
  ASSERT_EQ(limiter.Acquire("192.0.2.3:1"), 0);
  // .1 is still held.
  EXPECT_GT(limiter.Acquire("192.0.2.1:1"), 0);
}

}  // namespace
}  // namespace entente::web
