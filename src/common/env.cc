#include "common/env.h"

#include <sodium.h>

#include <chrono>
#include <thread>

namespace entente {
namespace {

class RealClock final : public Clock {
 public:
  int64_t NowMicros() override {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  void SleepFor(int64_t micros) override {
    if (micros > 0) std::this_thread::sleep_for(std::chrono::microseconds(micros));
  }
  void WaitUntil(std::condition_variable& cv, std::unique_lock<std::mutex>& lock,
                 int64_t deadline_us) override {
    // A relative wait on the condition variable's steady clock: a step of the wall clock
    // neither cuts the wait short nor stretches it.
    const int64_t left = deadline_us - NowMicros();
    if (left > 0) cv.wait_for(lock, std::chrono::microseconds(left));
  }
};

class SodiumRandom final : public Random {
 public:
  SodiumRandom() {
    // sodium_init() is idempotent and thread-safe; a failure leaves randombytes usable
    // through its fallback, which reads the kernel's generator.
    (void)sodium_init();
  }
  void Fill(void* buf, size_t n) override { randombytes_buf(buf, n); }
};

}  // namespace

Clock& SystemClock() {
  static RealClock clock;
  return clock;
}

Random& SystemRandom() {
  static SodiumRandom random;
  return random;
}

std::string Uuid4FromBytes(const unsigned char* bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(36, '-');
  size_t at = 0;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) ++at;  // the dashes, already there
    unsigned b = bytes[i];
    if (i == 6) b = (b & 0x0f) | 0x40;  // version 4
    if (i == 8) b = (b & 0x3f) | 0x80;  // the RFC 4122 variant
    out[at++] = kHex[b >> 4];
    out[at++] = kHex[b & 0x0f];
  }
  return out;
}

std::string NewUuid4(Random& random) {
  unsigned char b[16];
  random.Fill(b, sizeof b);
  return Uuid4FromBytes(b);
}

std::string NewToken(Random& random) {
  unsigned char b[32];
  random.Fill(b, sizeof b);
  char out[64];
  sodium_bin2base64(out, sizeof out, b, sizeof b, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return std::string("ent_") + out;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, h, sizeof h);
  return std::string(hex, crypto_hash_sha256_BYTES * 2);
}

}  // namespace entente
