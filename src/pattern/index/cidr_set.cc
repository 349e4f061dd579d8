#include "pattern/index/cidr_set.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>
#include <string>

namespace entente::pattern::index {
namespace {

using U128 = unsigned __int128;

U128 MaskOf(int prefix) { return prefix == 0 ? 0 : ~static_cast<U128>(0) << (128 - prefix); }

}  // namespace

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
  char buf[65];
  std::memcpy(buf, addr.data(), addr.size());
  buf[addr.size()] = '\0';
  IpBlock b;
  unsigned char raw[16] = {};
  if (addr.find(':') == std::string_view::npos) {
    if (inet_pton(AF_INET, buf, raw) != 1) return std::nullopt;
    if (prefix > 32) return std::nullopt;
    b.v6 = false;
    b.prefix = prefix < 0 ? 32 : prefix;
    for (int i = 0; i < 4; ++i) b.bits = (b.bits << 8) | raw[i];
    b.bits <<= 96;
  } else {
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
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (f.nodes[mid].start <= addr) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return static_cast<int32_t>(lo) - 1;
}

size_t CidrSet::MemoryBytes() const {
  return (v4_.nodes.capacity() + v6_.nodes.capacity()) * sizeof(Node) +
         (v4_.postings.capacity() + v6_.postings.capacity()) * sizeof(uint32_t);
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
}

}  // namespace entente::pattern::index
