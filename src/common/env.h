// Effects on the world that tests substitute: the clock and randomness.
//
// Clock and Random implementations are safe for concurrent use. The default instances
// returned by SystemClock()/SystemRandom() live for the whole process.
#pragma once

#include <cstdint>
#include <string>

namespace entente {

class Clock {
 public:
  virtual ~Clock() = default;
  // Microseconds since the Unix epoch, UTC.
  virtual int64_t NowMicros() = 0;
};

class Random {
 public:
  virtual ~Random() = default;
  virtual void Fill(void* buf, size_t n) = 0;
};

Clock& SystemClock();
Random& SystemRandom();  // libsodium's CSPRNG

// A random (version 4) UUID in canonical lower-case form.
std::string NewUuid4(Random& random = SystemRandom());
// A bearer token: "ent_" followed by 43 URL-safe base64 characters (32 random bytes).
std::string NewToken(Random& random = SystemRandom());
// SHA-256 of `data` as 64 lower-case hex characters (how tokens are stored).
std::string Sha256Hex(std::string_view data);

}  // namespace entente
