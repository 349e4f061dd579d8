#include "store/known_ids.h"

#include <algorithm>
#include <bit>

namespace entente::store {
namespace {

// The i-th probe position: double hashing from the two halves of the key, the step made
// odd so that it visits distinct bits of a power-of-two-sized table.
inline uint64_t Probe(uint64_t key, int i, uint64_t mask) {
  const uint64_t h1 = key & 0xffffffffu;
  const uint64_t h2 = (key >> 32) | 1;
  return (h1 + static_cast<uint64_t>(i) * h2 * 0x9e3779b97f4a7c15ull) & mask;
}

}  // namespace

KnownIds::KnownIds(size_t capacity) : capacity_(std::max<size_t>(capacity, 64)) {
  const uint64_t bits = std::bit_ceil(static_cast<uint64_t>(capacity_) * 10);
  words_.assign(bits / 64, 0);
  bit_mask_ = bits - 1;
}

void KnownIds::Add(int64_t id_key) {
  const auto key = static_cast<uint64_t>(id_key);
  for (int i = 0; i < kProbes; ++i) {
    const uint64_t bit = Probe(key, i, bit_mask_);
    words_[bit >> 6] |= uint64_t{1} << (bit & 63);
  }
  ++count_;
}

bool KnownIds::MayContain(int64_t id_key) const {
  const auto key = static_cast<uint64_t>(id_key);
  for (int i = 0; i < kProbes; ++i) {
    const uint64_t bit = Probe(key, i, bit_mask_);
    if ((words_[bit >> 6] & (uint64_t{1} << (bit & 63))) == 0) return false;
  }
  return true;
}

}  // namespace entente::store
