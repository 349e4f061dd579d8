#include "pattern/index/cidr_set.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>
#include <string>

namespace entente::pattern::index {
namespace {

using U128 = unsigned __int128;

U128 MaskOf(int prefix) { return prefix == 0 ? 0 : ~static_cast<U128>(0) << (128 - prefix); }

// Binary search over ascending starts: the first index in [lo, hi) whose start
// (`start_of(i)`) is after `key`, or hi. The index before it is the last start at or
// before `key`.
template <typename Key, typename StartOf>
size_t FirstStartAfter(size_t lo, size_t hi, Key key, StartOf start_of) {
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (start_of(mid) <= key) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

}  // namespace

std::optional<uint32_t> ParseIpv4(std::string_view text) {
  // The dotted quad inet_pton(AF_INET) accepts: exactly four decimal octets of 1-3
  // digits, each at most 255, no leading zero ("01"), nothing else.
  uint32_t out = 0;
  size_t i = 0, n = text.size();
  for (int octet = 0; octet < 4; ++octet) {
    if (octet > 0) {
      if (i >= n || text[i] != '.') return std::nullopt;
      ++i;
    }
    size_t start = i;
    uint32_t v = 0;
    while (i < n && text[i] >= '0' && text[i] <= '9' && i - start < 3) {
      v = v * 10 + static_cast<uint32_t>(text[i] - '0');
      ++i;
    }
    size_t digits = i - start;
    if (digits == 0 || v > 255 || (digits > 1 && text[start] == '0')) return std::nullopt;
    out = (out << 8) | v;
  }
  if (i != n) return std::nullopt;
  return out;
}

std::optional<IpBlock> ParseIpBlock(std::string_view text) {
  if (text.empty() || text.size() > 64) return std::nullopt;
  std::string_view addr = text;
  int prefix = -1;
  size_t slash = text.find('/');
  if (slash != std::string_view::npos) {
    addr = text.substr(0, slash);
    std::string_view digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3) return std::nullopt;
    prefix = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return std::nullopt;
      prefix = prefix * 10 + (c - '0');
    }
  }
  IpBlock b;
  if (addr.find(':') == std::string_view::npos) {
    // As inet_pton on a C string (and so the pattern evaluator): text after a NUL
    // byte is not seen.
    auto v4 = ParseIpv4(addr.substr(0, addr.find('\0')));
    if (!v4) return std::nullopt;
    if (prefix > 32) return std::nullopt;
    b.v6 = false;
    b.prefix = prefix < 0 ? 32 : prefix;
    b.bits = static_cast<U128>(*v4) << 96;
  } else {
    char buf[65];
    std::memcpy(buf, addr.data(), addr.size());
    buf[addr.size()] = '\0';
    unsigned char raw[16] = {};
    if (inet_pton(AF_INET6, buf, raw) != 1) return std::nullopt;
    if (prefix > 128) return std::nullopt;
    b.v6 = true;
    b.prefix = prefix < 0 ? 128 : prefix;
    for (int i = 0; i < 16; ++i) b.bits = (b.bits << 8) | raw[i];
  }
  // IPv4 bits sit in the top 32 bits, so an IPv4 prefix masks the same top bits.
  b.bits &= MaskOf(b.prefix);
  return b;
}

int32_t CidrSet::LastStartingAtOrBefore(const Family& f, U128 addr) {
  size_t lo = 0, hi = f.nodes.size();  // first node with start > addr is in [lo, hi]
  if (!f.buckets.empty()) {
    // Nodes whose start shares the address's top 16 bits are [buckets[b], buckets[b+1]);
    // every earlier node starts before the address.
    size_t b = static_cast<size_t>(addr >> 112);
    lo = f.buckets[b];
    hi = f.buckets[b + 1];
    if (!f.starts32.empty()) {
      // IPv4: starts and the address have no bits below the top 32.
      uint32_t a = static_cast<uint32_t>(addr >> 96);
      const uint32_t* s = f.starts32.data();
      return static_cast<int32_t>(FirstStartAfter(lo, hi, a, [s](size_t i) { return s[i]; })) - 1;
    }
  }
  return static_cast<int32_t>(
             FirstStartAfter(lo, hi, addr, [&f](size_t i) { return f.nodes[i].start; })) -
         1;
}

void CidrSet::LocateV4(V4Probe* p) const {
  size_t lo = p->lo, hi = p->hi;  // the first node starting after the address is in [lo, hi]
  if (!v4_.starts32.empty()) {
    const uint32_t* s = v4_.starts32.data();
    lo = FirstStartAfter(lo, hi, p->address, [s](size_t i) { return s[i]; });
  } else {
    const U128 addr = static_cast<U128>(p->address) << 96;
    lo = FirstStartAfter(lo, hi, addr, [this](size_t i) { return v4_.nodes[i].start; });
  }
  p->node = static_cast<int32_t>(lo) - 1;
  if (p->node >= 0) __builtin_prefetch(&v4_.nodes[static_cast<size_t>(p->node)]);
}

size_t CidrSet::MemoryBytes() const {
  return (v4_.nodes.capacity() + v6_.nodes.capacity()) * sizeof(Node) +
         (v4_.postings.capacity() + v6_.postings.capacity() + v4_.buckets.capacity() +
          v6_.buckets.capacity() + v4_.starts32.capacity()) *
             sizeof(uint32_t);
}

void CidrSetBuilder::Add(const IpBlock& block, uint32_t indicator) {
  entries_.push_back(Entry{block, indicator});
}

void CidrSetBuilder::Build(CidrSet* out) {
  *out = CidrSet();
  std::sort(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) {
    if (a.block.v6 != b.block.v6) return a.block.v6 < b.block.v6;
    if (a.block.bits != b.block.bits) return a.block.bits < b.block.bits;
    if (a.block.prefix != b.block.prefix) return a.block.prefix < b.block.prefix;
    return a.indicator < b.indicator;
  });
  std::vector<int32_t> open;  // stack of enclosing nodes
  bool family_v6 = false;
  for (size_t i = 0; i < entries_.size();) {
    const IpBlock& blk = entries_[i].block;
    if (blk.v6 != family_v6) {
      open.clear();
      family_v6 = blk.v6;
    }
    CidrSet::Family& f = blk.v6 ? out->v6_ : out->v4_;
    int32_t prefix = blk.prefix;
    CidrSet::Node n{blk.bits, -1, static_cast<uint32_t>(f.postings.size()), 0, prefix};
    size_t j = i;
    for (; j < entries_.size() && entries_[j].block.v6 == blk.v6 &&
           entries_[j].block.bits == blk.bits && entries_[j].block.prefix == blk.prefix;
         ++j) {
      if (j == i || entries_[j].indicator != entries_[j - 1].indicator) {
        f.postings.push_back(entries_[j].indicator);
        ++n.count;
      }
    }
    while (!open.empty() && !CidrSet::Contains(f.nodes[open.back()], n.start)) open.pop_back();
    n.parent = open.empty() ? -1 : open.back();
    open.push_back(static_cast<int32_t>(f.nodes.size()));
    f.nodes.push_back(n);
    i = j;
  }
  entries_.clear();
  entries_.shrink_to_fit();
  for (CidrSet::Family* f : {&out->v4_, &out->v6_}) {
    if (f->nodes.size() < CidrSet::kMinBucketed) continue;
    f->buckets.assign((size_t{1} << 16) + 1, 0);
    size_t k = 0;
    for (size_t b = 0; b <= (size_t{1} << 16); ++b) {
      while (k < f->nodes.size() && static_cast<size_t>(f->nodes[k].start >> 112) < b) ++k;
      f->buckets[b] = static_cast<uint32_t>(k);
    }
    if (f == &out->v4_) {
      f->starts32.reserve(f->nodes.size());
      for (const CidrSet::Node& n : f->nodes)
        f->starts32.push_back(static_cast<uint32_t>(n.start >> 96));
    }
  }
}

}  // namespace entente::pattern::index
