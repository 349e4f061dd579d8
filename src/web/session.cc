#include "web/session.h"

#include <algorithm>

namespace entente::web {

namespace {

constexpr char kBase64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string Base64Url(const unsigned char* data, size_t n) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < n; ++i) {
    acc = (acc << 8) | data[i];
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kBase64Url[(acc >> bits) & 0x3F];
    }
  }
  if (bits > 0) out += kBase64Url[(acc << (6 - bits)) & 0x3F];
  return out;
}

}  // namespace

SessionTable::SessionTable(Clock& clock, Random& random, int64_t ttl_seconds, size_t max_sessions)
    : clock_(clock),
      random_(random),
      ttl_seconds_(ttl_seconds),
      max_sessions_(std::max<size_t>(1, max_sessions)) {}

std::string SessionTable::NewSecret() {
  unsigned char bytes[32];
  random_.Fill(bytes, sizeof bytes);
  return Base64Url(bytes, sizeof bytes);
}

Session SessionTable::Open(std::string token_hash) {
  Session s;
  s.id = NewSecret();
  s.csrf = NewSecret();
  s.token_hash = std::move(token_hash);
  const int64_t now = clock_.NowMicros();
  s.expires_us = now + ttl_seconds_ * 1'000'000;
  std::lock_guard<std::mutex> lock(mu_);
  if (sessions_.size() >= max_sessions_) DropExpiredLocked(now);
  if (sessions_.size() >= max_sessions_) {
    auto soonest = std::min_element(sessions_.begin(), sessions_.end(), [](auto& a, auto& b) {
      return a.second.expires_us < b.second.expires_us;
    });
    sessions_.erase(soonest);
  }
  sessions_[s.id] = s;
  return s;
}

std::optional<Session> SessionTable::Find(std::string_view id) {
  if (id.empty()) return std::nullopt;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return std::nullopt;
  if (clock_.NowMicros() >= it->second.expires_us) {
    sessions_.erase(it);
    return std::nullopt;
  }
  return it->second;
}

void SessionTable::Close(std::string_view id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = sessions_.find(id);
  if (it != sessions_.end()) sessions_.erase(it);
}

size_t SessionTable::Size() {
  std::lock_guard<std::mutex> lock(mu_);
  DropExpiredLocked(clock_.NowMicros());
  return sessions_.size();
}

void SessionTable::DropExpiredLocked(int64_t now) {
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    it = now >= it->second.expires_us ? sessions_.erase(it) : std::next(it);
  }
}

bool SecretEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

}  // namespace entente::web
