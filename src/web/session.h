// web/session.h: the dashboard's signed-in sessions, kept in memory.
//
// A session binds a random id (the cookie's value) to the SHA-256 of the token it was
// opened with, a synchronizer token for CSRF, and an absolute expiry. Ids and CSRF tokens
// are 32 bytes from the Random interface (URL-safe base64); expiry is read from the Clock
// interface, so that tests move time. An expired session is never returned: Find treats
// it as absent and removes it. At most `max_sessions` live at once; opening one more
// first drops the expired ones, then the one expiring soonest.
//
// The table holds no authority of its own: the caller looks the token hash up in the
// store on every request, so a revoked token ends its sessions.
//
// Safe for concurrent use (one mutex). Clock and Random must outlive the table.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "common/env.h"

namespace entente::web {

struct Session {
  std::string id;          // the cookie value
  std::string token_hash;  // SHA-256 hex of the token it was opened with
  std::string csrf;        // the synchronizer token its forms carry
  int64_t expires_us = 0;
};

class SessionTable {
 public:
  SessionTable(Clock& clock, Random& random, int64_t ttl_seconds, size_t max_sessions = 10000);

  // Opens a session for the token whose SHA-256 hex is `token_hash`.
  Session Open(std::string token_hash);
  // The live session with this id, or nullopt (unknown or expired).
  std::optional<Session> Find(std::string_view id);
  // Ends the session (no effect when unknown).
  void Close(std::string_view id);
  // Live sessions (expired ones not yet dropped are not counted).
  size_t Size();

  int64_t ttl_seconds() const { return ttl_seconds_; }
  // A fresh random value of the kind ids and CSRF tokens are (for the sign-in form).
  std::string NewSecret();

 private:
  void DropExpiredLocked(int64_t now);

  Clock& clock_;
  Random& random_;
  const int64_t ttl_seconds_;
  const size_t max_sessions_;
  std::mutex mu_;
  std::map<std::string, Session, std::less<>> sessions_;  // GUARDED_BY(mu_)
};

// Constant-time comparison of two secrets (the length is not secret).
bool SecretEquals(std::string_view a, std::string_view b);

}  // namespace entente::web
