// CidrSet: which registered IPv4/IPv6 CIDR ranges contain a given address or range.
//
// Built once by CidrSetBuilder, then read-only and safe for concurrent queries. CIDR
// blocks form a laminar family (two blocks are either nested or disjoint), so the set is
// a sorted array of distinct blocks, each with the index of its innermost enclosing
// block. A query binary-searches (within the address's /16 when the family is large) the
// last block starting at or before the address and
// walks up the enclosing chain (at most 32 or 128 steps, usually one or two), reporting
// every block that contains the query. Duplicate blocks share one entry with a posting
// list of indicators.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace entente::pattern::index {

// An IPv4 or IPv6 block: `bits` is the network address left-aligned in 128 bits (IPv4
// uses the top 32 bits), `prefix` the prefix length (0..32 or 0..128).
struct IpBlock {
  bool v6 = false;
  unsigned __int128 bits = 0;
  int prefix = 0;
};

// Parses a dotted-quad IPv4 address exactly as inet_pton(AF_INET) does (four decimal
// octets, no leading zeros), without copying it; the address in host order.
std::optional<uint32_t> ParseIpv4(std::string_view text);

// Parses "a.b.c.d", "a.b.c.d/n", an IPv6 address or "addr/n" (inet_pton syntax). Host
// bits below the prefix are cleared. nullopt if the text is not an address.
std::optional<IpBlock> ParseIpBlock(std::string_view text);

class CidrSet {
 public:
  // Calls fn(indicator) for every indicator whose block contains `query` (i.e. the
  // query is a subset of the block: same family, block prefix <= query prefix and the
  // query's network lies in the block). Each indicator is reported once per block.
  template <typename Fn>
  void ForEachContaining(const IpBlock& query, Fn&& fn) const {
    const Family& f = query.v6 ? v6_ : v4_;
    int32_t i = LastStartingAtOrBefore(f, query.bits);
    while (i >= 0) {
      const Node& n = f.nodes[i];
      if (n.prefix <= query.prefix && Contains(n, query.bits)) {
        for (uint32_t k = n.first; k < n.first + n.count; ++k) fn(f.postings[k]);
      }
      i = n.parent;
    }
  }

  // The same for one IPv4 address (host order), i.e. the block a.b.c.d/32.
  template <typename Fn>
  void ForEachContainingV4(uint32_t address, Fn&& fn) const {
    V4Probe p;
    StartV4(address, &p);
    NarrowV4(&p);
    LocateV4(&p);
    ReportV4(p, fn);
  }

  // ForEachContainingV4 in stages, for callers that look up a batch of addresses with
  // several cache misses in flight: StartV4 prefetches the address's /16 bucket,
  // NarrowV4 reads it and prefetches the middle of its range of starts, LocateV4 finds
  // the last block starting at or before the address and prefetches it, ReportV4 walks
  // the enclosing chain. Run in this order on one probe, they report exactly what
  // ForEachContainingV4 reports.
  struct V4Probe {
    uint32_t address = 0;
    uint32_t lo = 0, hi = 0;  // the nodes the search is confined to
    int32_t node = -1;        // LocateV4's answer
  };
  void StartV4(uint32_t address, V4Probe* p) const {
    p->address = address;
    if (!v4_.buckets.empty()) __builtin_prefetch(&v4_.buckets[address >> 16]);
  }
  void NarrowV4(V4Probe* p) const {
    if (v4_.buckets.empty()) {
      p->lo = 0;
      p->hi = static_cast<uint32_t>(v4_.nodes.size());
      return;
    }
    size_t b = p->address >> 16;
    p->lo = v4_.buckets[b];
    p->hi = v4_.buckets[b + 1];
    if (p->lo < p->hi) __builtin_prefetch(&v4_.starts32[(p->lo + p->hi) / 2]);
  }
  void LocateV4(V4Probe* p) const;
  template <typename Fn>
  void ReportV4(const V4Probe& p, Fn&& fn) const {
    unsigned __int128 bits = static_cast<unsigned __int128>(p.address) << 96;
    for (int32_t i = p.node; i >= 0;) {
      const Node& n = v4_.nodes[i];
      if (Contains(n, bits)) {  // an IPv4 block's prefix is at most 32
        for (uint32_t k = n.first; k < n.first + n.count; ++k) fn(v4_.postings[k]);
      }
      i = n.parent;
    }
  }

  size_t block_count() const { return v4_.nodes.size() + v6_.nodes.size(); }
  size_t MemoryBytes() const;

 private:
  friend class CidrSetBuilder;
  struct Node {
    unsigned __int128 start;  // network, left-aligned
    int32_t parent;           // innermost enclosing block, -1 if none
    uint32_t first;           // postings[first, first + count)
    uint32_t count;
    int32_t prefix;
  };
  struct Family {
    std::vector<Node> nodes;  // sorted by start, then prefix ascending (outer first)
    std::vector<uint32_t> postings;
    // With at least kMinBucketed nodes: buckets[b] is the first node whose start's top 16
    // bits are >= b (65,537 entries), so a query searches only its own /16's nodes.
    std::vector<uint32_t> buckets;
    // IPv4 with buckets: the top 32 bits of each node's start, searched instead of the
    // 48-byte nodes (a bucket's starts share one or two cache lines).
    std::vector<uint32_t> starts32;
  };
  static constexpr size_t kMinBucketed = 1024;

  static bool Contains(const Node& n, unsigned __int128 addr) {
    if (n.prefix == 0) return true;
    unsigned __int128 mask = ~static_cast<unsigned __int128>(0) << (128 - n.prefix);
    return (addr & mask) == n.start;
  }
  static int32_t LastStartingAtOrBefore(const Family& f, unsigned __int128 addr);

  Family v4_, v6_;
};

class CidrSetBuilder {
 public:
  void Add(const IpBlock& block, uint32_t indicator);
  size_t size() const { return entries_.size(); }
  void Build(CidrSet* out);

 private:
  struct Entry {
    IpBlock block;
    uint32_t indicator;
  };
  std::vector<Entry> entries_;
};

}  // namespace entente::pattern::index
