#include "web/login_limiter.h"

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <cmath>

namespace entente::web {

namespace {

constexpr double kMicrosPerMinute = 60'000'000.0;

// Seconds until `b` holds one whole token again, at `per_minute`.
int64_t WaitSeconds(double tokens, double per_minute) {
  if (tokens >= 1) return 0;
  if (per_minute <= 0) return 3600;
  const double seconds = (1 - tokens) * 60.0 / per_minute;
  return std::max<int64_t>(1, static_cast<int64_t>(std::ceil(seconds)));
}

}  // namespace

LoginLimiter::LoginLimiter(Clock& clock, LoginLimits limits) : clock_(clock), limits_(limits) {
  global_.tokens = limits_.global_burst;
  global_.at_us = clock_.NowMicros();
}

std::string LoginLimiter::ClientKey(std::string_view remote) {
  const size_t colon = remote.rfind(':');
  std::string host(colon == std::string_view::npos ? remote : remote.substr(0, colon));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  boost::system::error_code ec;
  boost::asio::ip::address a = boost::asio::ip::make_address(host, ec);
  if (ec) return "";
  if (a.is_v6() && a.to_v6().is_v4_mapped()) {
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, a.to_v6()).to_string();
  }
  if (a.is_v4()) return a.to_v4().to_string();
  boost::asio::ip::address_v6::bytes_type bytes = a.to_v6().to_bytes();
  std::fill(bytes.begin() + 8, bytes.end(), 0);
  return boost::asio::ip::address_v6(bytes).to_string() + "/64";
}

void LoginLimiter::RefillLocked(Bucket* b, double burst, double per_minute, int64_t now_us) {
  if (now_us > b->at_us) {
    b->tokens = std::min(
        burst, b->tokens + static_cast<double>(now_us - b->at_us) * per_minute / kMicrosPerMinute);
  }
  b->at_us = std::max(b->at_us, now_us);
}

LoginLimiter::Bucket* LoginLimiter::AddressBucketLocked(const std::string& key, int64_t now_us) {
  auto it = addresses_.find(key);
  if (it != addresses_.end()) {
    RefillLocked(&it->second, limits_.per_address_burst, limits_.per_address_per_minute, now_us);
    return &it->second;
  }
  if (addresses_.size() >= std::max<size_t>(1, limits_.max_addresses)) {
    // Refilled buckets say nothing: drop them. If none has, drop the fullest one.
    auto fullest = addresses_.end();
    for (auto i = addresses_.begin(); i != addresses_.end();) {
      RefillLocked(&i->second, limits_.per_address_burst, limits_.per_address_per_minute, now_us);
      if (i->second.tokens >= limits_.per_address_burst) {
        i = addresses_.erase(i);
        continue;
      }
      if (fullest == addresses_.end() || i->second.tokens > fullest->second.tokens) fullest = i;
      ++i;
    }
    if (addresses_.size() >= std::max<size_t>(1, limits_.max_addresses) &&
        fullest != addresses_.end()) {
      addresses_.erase(fullest);
    }
  }
  Bucket fresh;
  fresh.tokens = limits_.per_address_burst;
  fresh.at_us = now_us;
  return &addresses_.emplace(key, fresh).first->second;
}

int64_t LoginLimiter::Acquire(std::string_view remote) {
  const std::string key = ClientKey(remote);
  std::lock_guard<std::mutex> lock(mu_);
  const int64_t now = clock_.NowMicros();
  RefillLocked(&global_, limits_.global_burst, limits_.global_per_minute, now);
  Bucket* b = AddressBucketLocked(key, now);
  const int64_t wait = std::max(WaitSeconds(b->tokens, limits_.per_address_per_minute),
                                WaitSeconds(global_.tokens, limits_.global_per_minute));
  if (wait > 0) return wait;
  b->tokens -= 1;
  global_.tokens -= 1;
  return 0;
}

void LoginLimiter::Refund(std::string_view remote) {
  const std::string key = ClientKey(remote);
  std::lock_guard<std::mutex> lock(mu_);
  const int64_t now = clock_.NowMicros();
  RefillLocked(&global_, limits_.global_burst, limits_.global_per_minute, now);
  global_.tokens = std::min(limits_.global_burst, global_.tokens + 1);
  auto it = addresses_.find(key);
  if (it == addresses_.end()) return;  // dropped meanwhile: it starts full anyway
  RefillLocked(&it->second, limits_.per_address_burst, limits_.per_address_per_minute, now);
  it->second.tokens = std::min(limits_.per_address_burst, it->second.tokens + 1);
}

}  // namespace entente::web
