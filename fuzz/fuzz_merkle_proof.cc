// Fuzz target for RFC 9162 proof verification (audit/merkle.h), which checks proofs that
// come from peers and evidence packages: any sizes and proof bytes are judged without a
// crash, and a proof accepted for a leaf is refused for any other leaf hash. Input: 8
// bytes index/size1, 8 bytes size/size2, 32 bytes leaf or root1, 32 bytes root/root2,
// then 32-byte proof hashes. Checked in every build.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "audit/merkle.h"
#include "require.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace entente::audit;
  if (size < 80) return 0;
  uint64_t a, b;
  std::memcpy(&a, data, 8);
  std::memcpy(&b, data + 8, 8);
  Hash first, second;
  std::memcpy(first.data(), data + 16, 32);
  std::memcpy(second.data(), data + 48, 32);
  std::vector<Hash> proof;
  for (size_t off = 80; off + 32 <= size && proof.size() < 80; off += 32) {
    proof.emplace_back();
    std::memcpy(proof.back().data(), data + off, 32);
  }
  if (VerifyInclusion(a, b, first, proof, second).ok()) {
    Hash other = first;
    other[0] ^= 1;
    Require(!VerifyInclusion(a, b, other, proof, second).ok());
  }
  if (VerifyConsistency(a, b, first, second, proof).ok() && a > 0 && a < b) {
    Hash other = second;
    other[31] ^= 0x80;
    Require(!VerifyConsistency(a, b, first, other, proof).ok());
  }
  return 0;
}
