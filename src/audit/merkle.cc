// RFC 9162 section 2.1, as merkle.h describes. The recursive definitions of 2.1.3.1 and
// 2.1.4.1 are followed literally; every MTH(D[a:b]) they need is assembled from the
// complete subtrees [a, b) splits into (RangeHash), so a proof reads O(log n) nodes.
#include "audit/merkle.h"

// SHA256_Init and friends: deprecated in OpenSSL 3 in favour of EVP, still provided.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>
#include <sodium.h>

#include <bit>

namespace entente::audit {
namespace {

// Through OpenSSL's SHA-256 functions, which use the processor's SHA extensions where it
// has them (several times faster than libsodium's portable code; the node hashes two
// nodes per object it stores, record.md "Objects stored"). Its one-shot interface, not
// EVP: for 65-byte inputs EVP's per-call set-up costs more than the hashing.
Hash Sha256Prefixed(unsigned char prefix, const unsigned char* a, size_t alen,
                    const unsigned char* b, size_t blen) {
  Hash out;
  SHA256_CTX ctx;
  if (SHA256_Init(&ctx) == 1 && SHA256_Update(&ctx, &prefix, 1) == 1 &&
      (alen == 0 || SHA256_Update(&ctx, a, alen) == 1) &&
      (blen == 0 || SHA256_Update(&ctx, b, blen) == 1) && SHA256_Final(out.data(), &ctx) == 1) {
    return out;
  }
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  crypto_hash_sha256_update(&st, &prefix, 1);
  if (alen > 0) crypto_hash_sha256_update(&st, a, alen);
  if (blen > 0) crypto_hash_sha256_update(&st, b, blen);
  crypto_hash_sha256_final(&st, out.data());
  return out;
}

// The largest power of two smaller than n (n > 1): where RFC 9162 2.1.1 splits.
uint64_t SplitPoint(uint64_t n) { return uint64_t{1} << (std::bit_width(n - 1) - 1); }

// MTH(D[begin:end]) for a range whose complete subtrees are aligned nodes: the ranges
// the recursive definitions visit (each starts at a multiple of a power of two at least
// its length). At most one node read per set bit of end - begin.
Result<Hash> RangeHash(const HashSource& source, uint64_t begin, uint64_t end) {
  uint64_t n = end - begin;
  if (std::has_single_bit(n)) {
    unsigned level = static_cast<unsigned>(std::countr_zero(n));
    if (begin % n != 0) return Status::Internal("merkle: unaligned subtree");
    return source.Node(level, begin >> level);
  }
  uint64_t k = SplitPoint(n);
  auto left = RangeHash(source, begin, begin + k);
  if (!left.ok()) return left.status();
  auto right = RangeHash(source, begin + k, end);
  if (!right.ok()) return right.status();
  return HashChildren(*left, *right);
}

// PATH(m, D[begin:end]) appended to `out` (RFC 9162 2.1.3.1); m is relative to begin.
Status Path(const HashSource& source, uint64_t m, uint64_t begin, uint64_t end,
            std::vector<Hash>* out) {
  uint64_t n = end - begin;
  if (n <= 1) return Status::Ok();
  uint64_t k = SplitPoint(n);
  Result<Hash> sibling = Status::Internal("unset");
  if (m < k) {
    ENTENTE_RETURN_IF_ERROR(Path(source, m, begin, begin + k, out));
    sibling = RangeHash(source, begin + k, end);
  } else {
    ENTENTE_RETURN_IF_ERROR(Path(source, m - k, begin + k, end, out));
    sibling = RangeHash(source, begin, begin + k);
  }
  if (!sibling.ok()) return sibling.status();
  out->push_back(*sibling);
  return Status::Ok();
}

// SUBPROOF(m, D[begin:end], whole) appended to `out` (RFC 9162 2.1.4.1).
Status Subproof(const HashSource& source, uint64_t m, uint64_t begin, uint64_t end, bool whole,
                std::vector<Hash>* out) {
  uint64_t n = end - begin;
  if (m == n) {
    if (whole) return Status::Ok();
    auto h = RangeHash(source, begin, end);
    if (!h.ok()) return h.status();
    out->push_back(*h);
    return Status::Ok();
  }
  uint64_t k = SplitPoint(n);
  Result<Hash> sibling = Status::Internal("unset");
  if (m <= k) {
    ENTENTE_RETURN_IF_ERROR(Subproof(source, m, begin, begin + k, whole, out));
    sibling = RangeHash(source, begin + k, end);
  } else {
    ENTENTE_RETURN_IF_ERROR(Subproof(source, m - k, begin + k, end, false, out));
    sibling = RangeHash(source, begin, begin + k);
  }
  if (!sibling.ok()) return sibling.status();
  out->push_back(*sibling);
  return Status::Ok();
}

// Shifts fn and sn right together until fn's lowest bit is set or fn is 0.
void ShiftUntilOddOrZero(uint64_t& fn, uint64_t& sn) {
  while (fn != 0 && (fn & 1) == 0) {
    fn >>= 1;
    sn >>= 1;
  }
}

}  // namespace

Hash HashLeaf(std::string_view entry) {
  return Sha256Prefixed(0x00, reinterpret_cast<const unsigned char*>(entry.data()), entry.size(),
                        nullptr, 0);
}

Hash HashChildren(const Hash& left, const Hash& right) {
  return Sha256Prefixed(0x01, left.data(), left.size(), right.data(), right.size());
}

Hash EmptyRoot() {
  Hash out;
  crypto_hash_sha256(out.data(), nullptr, 0);
  return out;
}

std::string HashHex(const Hash& hash) {
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, hash.data(), hash.size());
  return std::string(hex, 64);
}

Result<Hash> HashFromHex(std::string_view hex) {
  if (hex.size() != 64) return Status::InvalidArgument("a hash is 64 hex digits");
  Hash out;
  size_t len = 0;
  if (sodium_hex2bin(out.data(), out.size(), hex.data(), hex.size(), nullptr, &len, nullptr) != 0 ||
      len != out.size()) {
    return Status::InvalidArgument("a hash is 64 hex digits");
  }
  return out;
}

Result<Hash> RootAt(const HashSource& source, uint64_t size) {
  if (size == 0) return EmptyRoot();
  return RangeHash(source, 0, size);
}

Result<std::vector<Hash>> InclusionProof(const HashSource& source, uint64_t index, uint64_t size) {
  if (index >= size) {
    return Status::InvalidArgument("leaf " + std::to_string(index) + " is not in a tree of " +
                                   std::to_string(size) + " leaves");
  }
  std::vector<Hash> out;
  ENTENTE_RETURN_IF_ERROR(Path(source, index, 0, size, &out));
  return out;
}

Result<std::vector<Hash>> ConsistencyProof(const HashSource& source, uint64_t size1,
                                           uint64_t size2) {
  if (size1 == 0 || size1 > size2) {
    return Status::InvalidArgument("no consistency proof from tree size " + std::to_string(size1) +
                                   " to " + std::to_string(size2) + " (0 < size1 <= size2)");
  }
  std::vector<Hash> out;
  ENTENTE_RETURN_IF_ERROR(Subproof(source, size1, 0, size2, true, &out));
  return out;
}

Status VerifyInclusion(uint64_t index, uint64_t size, const Hash& leaf_hash,
                       std::span<const Hash> proof, const Hash& root) {
  // 2.1.3.2 step 1.
  if (index >= size) return Status::InvalidArgument("leaf index not below the tree size");
  // Steps 2-3.
  uint64_t fn = index;
  uint64_t sn = size - 1;
  Hash r = leaf_hash;
  // Step 4.
  for (const Hash& p : proof) {
    if (sn == 0) return Status::InvalidArgument("inclusion proof longer than the tree allows");
    if ((fn & 1) == 1 || fn == sn) {
      r = HashChildren(p, r);
      ShiftUntilOddOrZero(fn, sn);
    } else {
      r = HashChildren(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  // Step 5.
  if (sn != 0) return Status::InvalidArgument("inclusion proof shorter than the tree needs");
  if (r != root) return Status::InvalidArgument("inclusion proof does not lead to the root");
  return Status::Ok();
}

Status VerifyConsistency(uint64_t size1, uint64_t size2, const Hash& root1, const Hash& root2,
                         std::span<const Hash> proof) {
  if (size1 > size2) return Status::InvalidArgument("first tree larger than the second");
  if (size1 == 0 && root1 != EmptyRoot()) {
    return Status::InvalidArgument("a tree of size 0 has the empty root");
  }
  if (size1 == size2) {
    if (!proof.empty()) return Status::InvalidArgument("proof between equal sizes not empty");
    if (root1 != root2) return Status::InvalidArgument("equal sizes with different roots");
    return Status::Ok();
  }
  if (size1 == 0) {
    if (!proof.empty()) return Status::InvalidArgument("proof from the empty tree not empty");
    return Status::Ok();
  }
  // 2.1.4.2 step 1.
  if (proof.empty()) return Status::InvalidArgument("empty consistency proof");
  // Step 2: a first tree that is a complete subtree is its own first node.
  std::vector<Hash> path;
  path.reserve(proof.size() + 1);
  if (std::has_single_bit(size1)) path.push_back(root1);
  path.insert(path.end(), proof.begin(), proof.end());
  // Steps 3-4.
  uint64_t fn = size1 - 1;
  uint64_t sn = size2 - 1;
  while ((fn & 1) == 1) {
    fn >>= 1;
    sn >>= 1;
  }
  // Step 5.
  Hash fr = path[0];
  Hash sr = path[0];
  // Step 6.
  for (size_t i = 1; i < path.size(); ++i) {
    const Hash& c = path[i];
    if (sn == 0) return Status::InvalidArgument("consistency proof longer than needed");
    if ((fn & 1) == 1 || fn == sn) {
      fr = HashChildren(c, fr);
      sr = HashChildren(c, sr);
      ShiftUntilOddOrZero(fn, sn);
    } else {
      sr = HashChildren(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  // Step 7.
  if (sn != 0) return Status::InvalidArgument("consistency proof shorter than needed");
  if (fr != root1) return Status::InvalidArgument("consistency proof does not give root1");
  if (sr != root2) return Status::InvalidArgument("consistency proof does not give root2");
  return Status::Ok();
}

Result<TreeAppender> TreeAppender::Resume(const HashSource& source, uint64_t size) {
  TreeAppender a;
  uint64_t offset = 0;
  for (int level = 63; level >= 0; --level) {
    uint64_t width = uint64_t{1} << level;
    if ((size & width) == 0) continue;
    auto h = source.Node(static_cast<unsigned>(level), offset >> level);
    if (!h.ok()) return h.status();
    a.frontier_.push_back(*h);
    offset += width;
  }
  a.size_ = size;
  return a;
}

void TreeAppender::Append(const Hash& leaf_hash, std::vector<NodeHash>* out) {
  uint64_t index = size_;
  out->push_back({0, index, leaf_hash});
  Hash h = leaf_hash;
  unsigned level = 0;
  while ((index & 1) == 1) {
    h = HashChildren(frontier_.back(), h);
    frontier_.pop_back();
    index >>= 1;
    ++level;
    out->push_back({level, index, h});
  }
  frontier_.push_back(h);
  ++size_;
}

Hash TreeAppender::Root() const {
  if (frontier_.empty()) return EmptyRoot();
  Hash r = frontier_.back();
  for (size_t i = frontier_.size() - 1; i-- > 0;) r = HashChildren(frontier_[i], r);
  return r;
}

}  // namespace entente::audit
