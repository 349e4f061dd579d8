// merkle.h against published vectors (testdata/rfc6962_vectors.txt, from
// transparency-dev/merkle) and against a literal reading of RFC 9162 2.1's recursive
// definitions over every index and size pair of trees up to 300 leaves.
#include "audit/merkle.h"

#include <gtest/gtest.h>

#include <bit>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>

#include "audit/testing/memory_source.h"

namespace entente::audit {
namespace {

using testing::MemorySource;

std::string Unhex(const std::string& hex) {
  if (hex == "-") return "";
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

// A hash field of a probe: nullopt when it is not 32 bytes (a probe of garbage).
std::optional<Hash> ProbeHash(const std::string& hex) {
  auto h = HashFromHex(hex);
  if (!h.ok()) return std::nullopt;
  return *h;
}

std::optional<std::vector<Hash>> ProbeProof(const std::string& field) {
  std::vector<Hash> out;
  if (field == "-") return out;
  size_t start = 0;
  while (start <= field.size()) {
    size_t comma = field.find(',', start);
    if (comma == std::string::npos) comma = field.size();
    auto h = ProbeHash(field.substr(start, comma - start));  // '~' (empty) is not a hash
    start = comma + 1;
    if (!h) return std::nullopt;
    out.push_back(*h);
  }
  return out;
}

struct Vectors {
  std::vector<std::string> leaves;
  std::map<uint64_t, Hash> roots;
  std::map<std::pair<unsigned, uint64_t>, Hash> nodes;
  std::vector<std::vector<std::string>> inclusion, consistency;
  std::vector<std::pair<std::string, std::string>> hashleaf;
};

const Vectors& Load() {
  static Vectors* v = [] {
    auto* out = new Vectors;
    std::ifstream in(ENTENTE_AUDIT_TESTDATA "/rfc6962_vectors.txt");
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      std::stringstream ss(line);
      std::vector<std::string> f;
      for (std::string w; ss >> w;) f.push_back(w);  // the last: the probe's file
      if (f[0] == "leaf") out->leaves.push_back(Unhex(f[1]));
      if (f[0] == "root") out->roots[std::stoull(f[1])] = *HashFromHex(f[2]);
      if (f[0] == "node") out->nodes[{std::stoul(f[1]), std::stoull(f[2])}] = *HashFromHex(f[3]);
      if (f[0] == "hashleaf") out->hashleaf.push_back({Unhex(f[1]), f[2]});
      if (f[0] == "inclusion") out->inclusion.push_back(f);
      if (f[0] == "consistency") out->consistency.push_back(f);
    }
    return out;
  }();
  return *v;
}

MemorySource TreeOf(const std::vector<std::string>& leaves) {
  MemorySource source;
  for (const auto& leaf : leaves) source.Append(HashLeaf(leaf));
  return source;
}

TEST(MerkleVectors, FileIsComplete) {
  const Vectors& v = Load();
  EXPECT_EQ(v.leaves.size(), 8u);
  EXPECT_EQ(v.roots.size(), 9u);
  EXPECT_EQ(v.nodes.size(), 15u);
  EXPECT_EQ(v.inclusion.size(), 98u);
  EXPECT_EQ(v.consistency.size(), 98u);
}

// RFC 9162 2.1.1: MTH({}) = SHA-256(), leaf = SHA-256(0x00 || d(0)).
TEST(MerkleVectors, LeafAndEmptyHashes) {
  const Vectors& v = Load();
  EXPECT_EQ(EmptyRoot(), v.roots.at(0));
  for (const auto& [input, hex] : v.hashleaf) EXPECT_EQ(HashHex(HashLeaf(input)), hex);
  for (size_t i = 0; i < v.leaves.size(); ++i) {
    EXPECT_EQ(HashLeaf(v.leaves[i]), v.nodes.at({0, i})) << i;
  }
}

// Every complete subtree the appender stores, and the head of every prefix.
TEST(MerkleVectors, NodesAndRoots) {
  const Vectors& v = Load();
  MemorySource source = TreeOf(v.leaves);
  for (const auto& [key, hash] : v.nodes) {
    auto got = source.Node(key.first, key.second);
    ASSERT_TRUE(got.ok()) << key.first << "," << key.second;
    EXPECT_EQ(*got, hash) << key.first << "," << key.second;
  }
  EXPECT_EQ(source.stored(), v.nodes.size());
  TreeAppender appender;
  std::vector<NodeHash> made;
  for (uint64_t size = 0; size <= 8; ++size) {
    auto root = RootAt(source, size);
    ASSERT_TRUE(root.ok());
    EXPECT_EQ(*root, v.roots.at(size)) << size;
    EXPECT_EQ(appender.Root(), v.roots.at(size)) << size;
    if (size < 8) appender.Append(HashLeaf(v.leaves[size]), &made);
  }
  auto resumed = TreeAppender::Resume(source, 7);
  ASSERT_TRUE(resumed.ok());
  EXPECT_EQ(resumed->Root(), v.roots.at(7));
}

// The verification probes: each must get the published verdict; a happy path of the
// 8-leaf tree must also be what generation gives.
TEST(MerkleVectors, InclusionProbes) {
  const Vectors& v = Load();
  MemorySource source = TreeOf(v.leaves);
  int generated = 0;
  for (const auto& f : v.inclusion) {
    bool want_ok = f[1] == "ok";
    uint64_t index = std::stoull(f[2]), size = std::stoull(f[3]);
    auto root = ProbeHash(f[4]);
    auto leaf = ProbeHash(f[5]);
    auto proof = ProbeProof(f[6]);
    bool ok = root && leaf && proof && VerifyInclusion(index, size, *leaf, *proof, *root).ok();
    EXPECT_EQ(ok, want_ok) << f.back();
    if (want_ok && size <= 8 && *root == v.roots.at(size)) {
      auto got = InclusionProof(source, index, size);
      ASSERT_TRUE(got.ok());
      EXPECT_EQ(*got, *proof) << f.back();
      ++generated;
    }
  }
  EXPECT_GE(generated, 5);
}

TEST(MerkleVectors, ConsistencyProbes) {
  const Vectors& v = Load();
  MemorySource source = TreeOf(v.leaves);
  int generated = 0;
  std::vector<std::string> unrepresentable;
  for (const auto& f : v.consistency) {
    bool want_ok = f[1] == "ok";
    uint64_t size1 = std::stoull(f[2]), size2 = std::stoull(f[3]);
    auto root1 = ProbeHash(f[4]);
    auto root2 = ProbeHash(f[5]);
    auto proof = ProbeProof(f[6]);
    if (want_ok && !(root1 && root2 && proof)) {
      unrepresentable.push_back(f.back());  // a "root" that is not 32 bytes
      continue;
    }
    bool ok =
        root1 && root2 && proof && VerifyConsistency(size1, size2, *root1, *root2, *proof).ok();
    EXPECT_EQ(ok, want_ok) << f.back();
    if (want_ok && size2 <= 8 && size1 > 0 && *root2 == v.roots.at(size2)) {
      auto got = ConsistencyProof(source, size1, size2);
      ASSERT_TRUE(got.ok());
      EXPECT_EQ(*got, *proof) << f.back();
      ++generated;
    }
  }
  EXPECT_GE(generated, 5);
  // One published probe accepts equal sizes with equal 12-byte "roots"; this API holds
  // SHA-256 hashes only, so it cannot be asked. Its sibling probes with different roots
  // and with size 0 are refused above, as published.
  EXPECT_EQ(unrepresentable,
            std::vector<std::string>{
                "consistency/additional/sizes-are-equal-one-and-proof-is-empty.json"});
}

// RFC 9162 2.1.1, 2.1.3.1 and 2.1.4.1 read literally, over leaf hashes.
uint64_t Split(uint64_t n) {
  uint64_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
Hash RefMth(const std::vector<Hash>& d, size_t b, size_t e) {
  if (e == b) return EmptyRoot();
  if (e - b == 1) return d[b];
  size_t k = Split(e - b);
  return HashChildren(RefMth(d, b, b + k), RefMth(d, b + k, e));
}
void RefPath(const std::vector<Hash>& d, size_t m, size_t b, size_t e, std::vector<Hash>* out) {
  if (e - b <= 1) return;
  size_t k = Split(e - b);
  if (m < k) {
    RefPath(d, m, b, b + k, out);
    out->push_back(RefMth(d, b + k, e));
  } else {
    RefPath(d, m - k, b + k, e, out);
    out->push_back(RefMth(d, b, b + k));
  }
}
void RefSubproof(const std::vector<Hash>& d, size_t m, size_t b, size_t e, bool whole,
                 std::vector<Hash>* out) {
  if (m == e - b) {
    if (!whole) out->push_back(RefMth(d, b, e));
    return;
  }
  size_t k = Split(e - b);
  if (m <= k) {
    RefSubproof(d, m, b, b + k, whole, out);
    out->push_back(RefMth(d, b + k, e));
  } else {
    RefSubproof(d, m - k, b + k, e, false, out);
    out->push_back(RefMth(d, b, b + k));
  }
}

TEST(MerkleDifferential, StoredNodesAgreeWithTheRecursiveDefinition) {
  std::mt19937_64 rng(20261203);
  std::vector<Hash> leaves;
  MemorySource source;
  for (int i = 0; i < 300; ++i) {
    std::string data(rng() % 40, '\0');
    for (char& c : data) c = static_cast<char>(rng());
    data += std::to_string(i);  // distinct leaves, so that another leaf must fail
    leaves.push_back(HashLeaf(data));
    source.Append(leaves.back());
  }
  std::vector<Hash> roots(leaves.size() + 1);
  for (size_t n = 0; n <= leaves.size(); ++n) {
    roots[n] = RefMth(leaves, 0, n);
    auto got = RootAt(source, n);
    ASSERT_TRUE(got.ok());
    ASSERT_EQ(*got, roots[n]) << n;
  }
  for (size_t n = 1; n <= leaves.size(); ++n) {
    for (size_t m = 0; m < n; ++m) {
      std::vector<Hash> want;
      RefPath(leaves, m, 0, n, &want);
      auto got = InclusionProof(source, m, n);
      ASSERT_TRUE(got.ok());
      ASSERT_EQ(*got, want) << m << "/" << n;
      ASSERT_TRUE(VerifyInclusion(m, n, leaves[m], want, roots[n]).ok()) << m << "/" << n;
      if (n > 1) {  // another leaf's hash, or the proof for another index, must fail
        ASSERT_FALSE(VerifyInclusion(m, n, leaves[(m + 1) % n], want, roots[n]).ok());
        ASSERT_FALSE(VerifyInclusion((m + 1) % n, n, leaves[m], want, roots[n]).ok());
      }
    }
    for (size_t m = 1; m <= n; ++m) {
      std::vector<Hash> want;
      RefSubproof(leaves, m, 0, n, true, &want);
      auto got = ConsistencyProof(source, m, n);
      ASSERT_TRUE(got.ok());
      ASSERT_EQ(*got, want) << m << "->" << n;
      ASSERT_TRUE(VerifyConsistency(m, n, roots[m], roots[n], want).ok()) << m << "->" << n;
      if (m < n) {
        Hash wrong = roots[m];
        wrong[rng() % 32] ^= static_cast<unsigned char>(1u << (rng() % 8));
        ASSERT_FALSE(VerifyConsistency(m, n, wrong, roots[n], want).ok()) << m << "->" << n;
        std::vector<Hash> flipped = want;
        flipped[rng() % flipped.size()][rng() % 32] ^= 1;
        ASSERT_FALSE(VerifyConsistency(m, n, roots[m], roots[n], flipped).ok());
      }
    }
  }
}

// Every node a new leaf completes is yielded once, and only those: two per append on
// average (RFC 9162 trees of n leaves have 2n - popcount(n) complete subtrees).
TEST(MerkleAppender, YieldsEachCompleteSubtreeOnce) {
  TreeAppender a;
  std::vector<NodeHash> made;
  std::set<std::pair<unsigned, uint64_t>> seen;
  for (uint64_t n = 1; n <= 1000; ++n) {
    made.clear();
    a.Append(HashLeaf(std::to_string(n)), &made);
    for (const auto& node : made) {
      EXPECT_TRUE(seen.insert({node.level, node.index}).second);
      EXPECT_LE((node.index + 1) << node.level, n);
    }
    EXPECT_EQ(seen.size(), 2 * n - std::popcount(n));
  }
}

// Node reads per proof grow with log n, not n: a source that computes any node.
class CountingSource : public HashSource {
 public:
  Result<Hash> Node(unsigned level, uint64_t index) const override {
    ++reads;
    return HashLeaf(std::to_string(level) + "/" + std::to_string(index));
  }
  mutable uint64_t reads = 0;
};

TEST(MerkleProofCost, LogarithmicReads) {
  CountingSource source;
  for (uint64_t n : {uint64_t{100'000'000}, uint64_t{1} << 40, (uint64_t{1} << 62) + 12345}) {
    for (uint64_t m : {uint64_t{0}, n / 3, n - 1}) {
      source.reads = 0;
      ASSERT_TRUE(InclusionProof(source, m, n).ok());
      EXPECT_LE(source.reads, 2u * std::bit_width(n)) << m << "/" << n;
      source.reads = 0;
      ASSERT_TRUE(ConsistencyProof(source, m + 1, n).ok());
      EXPECT_LE(source.reads, 2u * std::bit_width(n)) << m + 1 << "->" << n;
    }
  }
}

TEST(MerkleArguments, OutOfRangeRefused) {
  CountingSource source;
  EXPECT_FALSE(InclusionProof(source, 5, 5).ok());
  EXPECT_FALSE(ConsistencyProof(source, 0, 5).ok());
  EXPECT_FALSE(ConsistencyProof(source, 6, 5).ok());
  EXPECT_FALSE(HashFromHex("zz").ok());
  EXPECT_FALSE(HashFromHex(std::string(64, 'g')).ok());
}

}  // namespace
}  // namespace entente::audit
