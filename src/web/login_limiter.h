// web/login_limiter.h: the bound on sign-in attempts that fail — token buckets per
// client address and one for the whole node (docs/dashboard.md, "Sign-in limits").
//
// Each sign-in attempt first takes one token from its address's bucket and one from the
// global bucket (Acquire); a successful sign-in gives both back (Refund), so only
// failures drain the buckets. A bucket holds at most `burst` tokens and regains `per_minute`
// tokens a minute, continuously, read from the Clock interface (tests move a FakeClock).
// While either bucket lacks a whole token, Acquire answers how many seconds to wait
// (at least 1), and the caller answers 429 with Retry-After without looking the token
// up, so a limited client learns nothing about whether the token it sent exists.
// Taking the token before the look-up (not after a failure) bounds concurrent attempts
// too: N requests in flight from one address take N tokens.
//
// Addresses: an IPv4 address is one client; IPv6 addresses are grouped by their /64
// prefix (one subscriber's usual allocation); an IPv4-mapped IPv6 address counts as the
// IPv4 address. The table keeps at most `max_addresses` buckets: when full, the buckets
// that have refilled are dropped first, then the fullest. A client that gets its bucket
// dropped by flooding the table from many addresses is still held by the global bucket.
//
// Safe for concurrent use (one mutex). The Clock must outlive the limiter.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "common/env.h"

namespace entente::web {

struct LoginLimits {
  double per_address_burst = 10;      // failed sign-ins one address may make at once
  double per_address_per_minute = 5;  // and then per minute
  double global_burst = 200;          // failed sign-ins from every address together
  double global_per_minute = 100;
  size_t max_addresses = 10000;
};

class LoginLimiter {
 public:
  LoginLimiter(Clock& clock, LoginLimits limits);

  // 0: the attempt may go ahead (one token taken from both buckets); else the whole
  // seconds until it may (nothing taken).
  int64_t Acquire(std::string_view remote);
  // The attempt succeeded: its tokens go back.
  void Refund(std::string_view remote);

  // The bucket key of a request's remote "ip:port" (IPv6 by /64); "" when unreadable
  // (all unreadable addresses share one bucket).
  static std::string ClientKey(std::string_view remote);

 private:
  struct Bucket {
    double tokens = 0;
    int64_t at_us = 0;  // when `tokens` was last brought up to date
  };
  void RefillLocked(Bucket* b, double burst, double per_minute, int64_t now_us);
  Bucket* AddressBucketLocked(const std::string& key, int64_t now_us);

  Clock& clock_;
  const LoginLimits limits_;
  std::mutex mu_;
  Bucket global_;                                         // GUARDED_BY(mu_)
  std::map<std::string, Bucket, std::less<>> addresses_;  // GUARDED_BY(mu_)
};

}  // namespace entente::web
