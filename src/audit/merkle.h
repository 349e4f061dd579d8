// Merkle tree hashing of RFC 9162 (Certificate Transparency 2.0) section 2.1: leaf and
// interior hashes with their domain-separation prefixes, the tree head of the first n
// leaves, inclusion proofs (2.1.3) and consistency proofs (2.1.4), each generated from
// stored hashes of complete subtrees and verified by the algorithms of 2.1.3.2 and
// 2.1.4.2; and the appender that yields the complete subtrees each new leaf completes.
//
// Node (level, index) is the root of the complete subtree over leaves
// [index << level, (index + 1) << level); level 0 holds the leaf hashes. Generation reads
// nodes through a HashSource, O(log n) reads per proof or root whatever the tree's size.
// Everything here is a pure function of its arguments or a value type; a HashSource's
// thread-safety is its implementer's to state. Nothing here keeps a pointer it is given.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "entente/status.h"

namespace entente::audit {

using Hash = std::array<unsigned char, 32>;

// SHA-256(0x00 || entry): RFC 9162 2.1.1, MTH({d(0)}).
Hash HashLeaf(std::string_view entry);
// SHA-256(0x01 || left || right): RFC 9162 2.1.1, the interior node.
Hash HashChildren(const Hash& left, const Hash& right);
// SHA-256 of nothing: MTH({}) of RFC 9162 2.1.1.
Hash EmptyRoot();

// 64 lower-case hex digits.
std::string HashHex(const Hash& hash);
// Exactly 64 hex digits (either case) or invalid-argument.
Result<Hash> HashFromHex(std::string_view hex);

// Where generation reads the hashes of complete subtrees. Node(level, index) is asked
// only for subtrees inside the tree the caller asked about; an implementation returns
// not-found or corruption when it does not hold the node, and the error is passed on.
class HashSource {
 public:
  virtual ~HashSource() = default;
  virtual Result<Hash> Node(unsigned level, uint64_t index) const = 0;
};

// MTH(D[0:size]): the tree head of the first `size` leaves (EmptyRoot() for 0), from at
// most 64 node reads.
Result<Hash> RootAt(const HashSource& source, uint64_t size);

// PATH(index, D[0:size]) of RFC 9162 2.1.3.1, the audit path from the leaf to the head,
// nearest sibling first. invalid-argument unless index < size.
Result<std::vector<Hash>> InclusionProof(const HashSource& source, uint64_t index, uint64_t size);

// PROOF(size1, D[0:size2]) of RFC 9162 2.1.4.1, an empty proof when size1 == size2.
// invalid-argument unless 0 < size1 <= size2.
Result<std::vector<Hash>> ConsistencyProof(const HashSource& source, uint64_t size1,
                                           uint64_t size2);

// RFC 9162 2.1.3.2: does `proof` show the leaf with hash `leaf_hash` at `index` in the
// tree of `size` leaves whose head is `root`? OK, or invalid-argument saying why not.
Status VerifyInclusion(uint64_t index, uint64_t size, const Hash& leaf_hash,
                       std::span<const Hash> proof, const Hash& root);

// RFC 9162 2.1.4.2: does `proof` show that the tree of `size2` leaves with head `root2`
// extends the tree of `size1` leaves with head `root1`? size1 == size2 holds with an
// empty proof and equal heads; size1 == 0 (the empty tree, a prefix of every tree) holds
// with an empty proof when root1 is EmptyRoot(). OK, or invalid-argument saying why not.
Status VerifyConsistency(uint64_t size1, uint64_t size2, const Hash& root1, const Hash& root2,
                         std::span<const Hash> proof);

// One node a new leaf made known.
struct NodeHash {
  unsigned level = 0;
  uint64_t index = 0;
  Hash hash{};
};

// Keeps the right frontier of the tree (the roots of its complete subtrees, at most 64)
// so that appending a leaf needs no reads. A value type; not safe for concurrent use.
class TreeAppender {
 public:
  TreeAppender() = default;
  // The appender of a tree of `size` leaves, its frontier read from `source`.
  static Result<TreeAppender> Resume(const HashSource& source, uint64_t size);

  // Appends the leaf whose hash is `leaf_hash`, and appends to `out` the nodes that are
  // now complete: the leaf itself (level 0) and each parent it completes, upwards (one
  // plus the number of trailing one bits of the leaf's index: two on average).
  void Append(const Hash& leaf_hash, std::vector<NodeHash>* out);

  uint64_t size() const { return size_; }
  // MTH of the leaves appended so far.
  Hash Root() const;

 private:
  uint64_t size_ = 0;
  std::vector<Hash> frontier_;  // roots of the complete subtrees, largest first
};

}  // namespace entente::audit
