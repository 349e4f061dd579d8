// Effects on the world that tests substitute: the clock and randomness.
//
// Clock and Random implementations are safe for concurrent use. The default instances
// returned by SystemClock()/SystemRandom() live for the whole process. Every wait in the
// library goes through a Clock (SleepFor, WaitUntil), so that a test clock decides when
// time has passed (common/fake_clock.h).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>

namespace entente {

class Clock {
 public:
  virtual ~Clock() = default;
  // Microseconds since the Unix epoch, UTC.
  virtual int64_t NowMicros() = 0;
  // Blocks the calling thread until `micros` of this clock's time have passed.
  virtual void SleepFor(int64_t micros) = 0;
  // Waits on `cv`, whose mutex `lock` holds, until it is notified or this clock reads
  // `deadline_us` or later; `lock` is held again on return. Like
  // std::condition_variable::wait_until it may return early: callers check their
  // condition and NowMicros() in a loop (WaitUntilOr does).
  virtual void WaitUntil(std::condition_variable& cv, std::unique_lock<std::mutex>& lock,
                         int64_t deadline_us) = 0;
};

// Waits on `cv` (its mutex held by `lock`) until `done()` is true or `clock` reads
// `deadline_us`; returns done().
template <typename Predicate>
bool WaitUntilOr(Clock& clock, std::condition_variable& cv, std::unique_lock<std::mutex>& lock,
                 int64_t deadline_us, Predicate done) {
  while (!done()) {
    if (clock.NowMicros() >= deadline_us) return false;
    clock.WaitUntil(cv, lock, deadline_us);
  }
  return true;
}

class Random {
 public:
  virtual ~Random() = default;
  virtual void Fill(void* buf, size_t n) = 0;
};

Clock& SystemClock();
Random& SystemRandom();  // libsodium's CSPRNG

// A random (version 4) UUID in canonical lower-case form.
std::string NewUuid4(Random& random = SystemRandom());
// The version 4 UUID made of these 16 random bytes (version and variant bits set), in
// canonical lower-case form: NewUuid4 for a caller that draws random bytes in bulk.
std::string Uuid4FromBytes(const unsigned char* bytes);
// A bearer token: "ent_" followed by 43 URL-safe base64 characters (32 random bytes).
std::string NewToken(Random& random = SystemRandom());
// SHA-256 of `data` as 64 lower-case hex characters (how tokens are stored).
std::string Sha256Hex(std::string_view data);

}  // namespace entente
