#include "pattern/index/cidr_set.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "pattern/codec.h"

namespace entente::pattern::index {
namespace {

std::vector<uint32_t> Containing(const CidrSet& s, std::string_view q) {
  auto b = ParseIpBlock(q);
  EXPECT_TRUE(b.has_value()) << q;
  std::vector<uint32_t> out;
  if (b) s.ForEachContaining(*b, [&](uint32_t i) { out.push_back(i); });
  std::sort(out.begin(), out.end());
  return out;
}

CidrSet Build(const std::vector<std::pair<std::string, uint32_t>>& blocks) {
  CidrSetBuilder b;
  for (const auto& [text, id] : blocks) {
    auto blk = ParseIpBlock(text);
    EXPECT_TRUE(blk.has_value()) << text;
    if (blk) b.Add(*blk, id);
  }
  CidrSet s;
  b.Build(&s);
  return s;
}

TEST(CidrSetTest, ParsesAddressesAndBlocks) {
  auto a = ParseIpBlock("10.1.2.3");
  ASSERT_TRUE(a);
  EXPECT_FALSE(a->v6);
  EXPECT_EQ(a->prefix, 32);
  auto b = ParseIpBlock("10.1.2.3/8");  // host bits cleared
  ASSERT_TRUE(b);
  EXPECT_EQ(b->prefix, 8);
  EXPECT_EQ(b->bits, ParseIpBlock("10.0.0.0/8")->bits);
  auto c = ParseIpBlock("2001:db8::/32");
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->v6);
  EXPECT_FALSE(ParseIpBlock("10.1.2.3/33"));
  EXPECT_FALSE(ParseIpBlock("10.1.2/8"));
  EXPECT_FALSE(ParseIpBlock("10.1.2.3/"));
  EXPECT_FALSE(ParseIpBlock("10.1.2.3/a"));
  EXPECT_FALSE(ParseIpBlock("2001:db8::/129"));
  EXPECT_FALSE(ParseIpBlock("evil.example"));
  EXPECT_FALSE(ParseIpBlock(""));
}

// The index's own IPv4 parser must accept exactly what the pattern evaluator's
// (pattern::ParseCidr, inet_pton on a C string) accepts, with the same result.
TEST(CidrSetTest, ParsesExactlyAsTheEvaluator) {
  std::mt19937 rng(11);
  const std::string alphabet = std::string("0123456789./:af ", 16) + std::string(1, '\0');
  std::vector<std::string> cases = {"1.2.3.4",
                                    "01.2.3.4",
                                    "1.2.3.04",
                                    "0.0.0.0",
                                    "255.255.255.255",
                                    "256.1.1.1",
                                    "1.2.3",
                                    "1.2.3.4.",
                                    "1.2.3.4/0",
                                    "1..2.3",
                                    "1.2.3.4 ",
                                    "+1.2.3.4",
                                    "1234.1.1.1",
                                    "1.2.3.4/32",
                                    "00.1.1.1",
                                    "10.0.0.0/08",
                                    std::string("1.2.3.4\0junk", 12),
                                    std::string("1.2\0", 4)};
  for (int i = 0; i < 200000; ++i) {
    std::string s;
    if (i % 2 == 0) {
      // Near-addresses: four octets (some too large or zero-padded), maybe a prefix,
      // then maybe one byte changed.
      for (int o = 0; o < 4; ++o) {
        if (o > 0) s += '.';
        if (rng() % 16 == 0) s += '0';
        s += std::to_string(rng() % 8 == 0 ? rng() % 1000 : rng() % 256);
      }
      if (rng() % 3 == 0) s += "/" + std::to_string(rng() % 40);
      if (rng() % 3 == 0) s[rng() % s.size()] = alphabet[rng() % alphabet.size()];
    } else {
      size_t len = 1 + rng() % 18;
      for (size_t k = 0; k < len; ++k) {
        s += rng() % 4 != 0 ? "0123456789.."[rng() % 12] : alphabet[rng() % alphabet.size()];
      }
    }
    cases.push_back(s);
  }
  size_t accepted = 0;
  for (const std::string& text : cases) {
    auto mine = ParseIpBlock(text);
    auto ref = ParseCidr(text);
    ASSERT_EQ(mine.has_value(), ref.has_value()) << "'" << text << "'";
    if (!mine) continue;
    ++accepted;
    ASSERT_EQ(mine->v6, ref->v6) << text;
    ASSERT_EQ(mine->prefix, ref->prefix) << text;
    unsigned __int128 bits = 0;
    for (int b = 0; b < 16; ++b) bits = (bits << 8) | ref->addr[b];
    ASSERT_TRUE(mine->bits == bits) << text;
  }
  EXPECT_GT(accepted, 20000u);
}

TEST(CidrSetTest, ReportsEveryEnclosingBlock) {
  CidrSet s = Build({{"10.0.0.0/8", 1},
                     {"10.1.0.0/16", 2},
                     {"10.1.2.0/24", 3},
                     {"10.1.3.0/24", 4},
                     {"10.1.2.3/32", 5},
                     {"0.0.0.0/0", 6},
                     {"10.1.0.0/16", 7},
                     {"2001:db8::/32", 8}});
  EXPECT_EQ(Containing(s, "10.1.2.3"), (std::vector<uint32_t>{1, 2, 3, 5, 6, 7}));
  EXPECT_EQ(Containing(s, "10.1.2.4"), (std::vector<uint32_t>{1, 2, 3, 6, 7}));
  EXPECT_EQ(Containing(s, "10.1.4.1"), (std::vector<uint32_t>{1, 2, 6, 7}));
  EXPECT_EQ(Containing(s, "10.200.0.1"), (std::vector<uint32_t>{1, 6}));
  EXPECT_EQ(Containing(s, "11.0.0.1"), (std::vector<uint32_t>{6}));
  // A block query: subset of the /8 and /16 but not of the /24s.
  EXPECT_EQ(Containing(s, "10.1.0.0/20"), (std::vector<uint32_t>{1, 2, 6, 7}));
  EXPECT_EQ(Containing(s, "2001:db8:1::1"), (std::vector<uint32_t>{8}));
  EXPECT_TRUE(Containing(s, "2001:db9::1").empty());
  EXPECT_TRUE(Containing(s, "::ffff:10.1.2.3").empty());  // families never mix
}

TEST(CidrSetTest, AgreesWithLinearScanOnRandomBlocks) {
  std::mt19937 rng(7);
  std::vector<std::pair<uint32_t, int>> blocks;  // (network, prefix)
  CidrSetBuilder b;
  for (uint32_t i = 0; i < 3000; ++i) {
    int prefix = static_cast<int>(rng() % 33);
    uint32_t addr = (rng() & 0x0f0f00ffu) | 0x0a000000u;  // dense region so blocks nest
    uint32_t net = prefix == 0 ? 0 : addr & (~0u << (32 - prefix));
    blocks.push_back({net, prefix});
    IpBlock blk;
    blk.bits = static_cast<unsigned __int128>(net) << 96;
    blk.prefix = prefix;
    b.Add(blk, i);
  }
  CidrSet s;
  b.Build(&s);
  for (int q = 0; q < 3000; ++q) {
    uint32_t addr = (rng() & 0x0f0f00ffu) | 0x0a000000u;
    std::vector<uint32_t> want;
    for (uint32_t i = 0; i < blocks.size(); ++i) {
      auto [net, prefix] = blocks[i];
      uint32_t mask = prefix == 0 ? 0 : ~0u << (32 - prefix);
      if ((addr & mask) == net) want.push_back(i);
    }
    IpBlock qb;
    qb.bits = static_cast<unsigned __int128>(addr) << 96;
    qb.prefix = 32;
    std::vector<uint32_t> got;
    s.ForEachContaining(qb, [&](uint32_t i) { got.push_back(i); });
    std::sort(got.begin(), got.end());
    ASSERT_EQ(got, want) << "query " << addr;
  }
}

// Sparse blocks over the whole IPv4 space, many of them wider than a /16, so that most
// /16 buckets are empty and answered from their precomputed covering block; queries are
// addresses and blocks anywhere.
TEST(CidrSetTest, AgreesWithLinearScanOnSparseBlocksAndBlockQueries) {
  std::mt19937 rng(17);
  std::vector<std::pair<uint32_t, int>> blocks;
  CidrSetBuilder b;
  auto mask = [](int prefix) { return prefix == 0 ? 0u : ~0u << (32 - prefix); };
  for (uint32_t i = 0; i < 2000; ++i) {
    int prefix = rng() % 10 < 3 ? static_cast<int>(rng() % 17) : 17 + static_cast<int>(rng() % 16);
    uint32_t net = static_cast<uint32_t>(rng()) & mask(prefix);
    blocks.push_back({net, prefix});
    IpBlock blk;
    blk.bits = static_cast<unsigned __int128>(net) << 96;
    blk.prefix = prefix;
    b.Add(blk, i);
  }
  CidrSet s;
  b.Build(&s);
  for (int q = 0; q < 20000; ++q) {
    uint32_t addr = static_cast<uint32_t>(rng());
    if (q % 2 == 0) {  // inside some block
      auto [net, prefix] = blocks[rng() % blocks.size()];
      addr = net | (addr & ~mask(prefix));
    }
    int qprefix = q % 5 == 0 ? static_cast<int>(rng() % 33) : 32;
    addr &= mask(qprefix);
    std::vector<uint32_t> want;
    for (uint32_t i = 0; i < blocks.size(); ++i) {
      auto [net, prefix] = blocks[i];
      if (prefix <= qprefix && (addr & mask(prefix)) == net) want.push_back(i);
    }
    IpBlock qb;
    qb.bits = static_cast<unsigned __int128>(addr) << 96;
    qb.prefix = qprefix;
    std::vector<uint32_t> got;
    s.ForEachContaining(qb, [&](uint32_t i) { got.push_back(i); });
    std::sort(got.begin(), got.end());
    ASSERT_EQ(got, want) << "query " << addr << "/" << qprefix;
  }
}

// The IPv4 address lookup (ForEachContainingV4, made of the staged calls a batch uses)
// answers as the general block query a.b.c.d/32 does, for sets small enough to be
// searched whole and large ones searched by /16 bucket, with the stages of several
// probes interleaved as IndexPart runs them.
TEST(CidrSetTest, StagedIpv4LookupAgreesWithBlockQueries) {
  std::mt19937 rng(23);
  size_t found = 0;
  for (size_t n : {0u, 1u, 7u, 300u, 1023u, 1024u, 5000u}) {
    CidrSetBuilder b;
    for (uint32_t i = 0; i < n; ++i) {
      int prefix = static_cast<int>(rng() % 33);
      uint32_t addr = (rng() & 0x0f0f0fffu) | 0x0a000000u;
      IpBlock blk;
      blk.bits = static_cast<unsigned __int128>(prefix == 0 ? 0 : addr & (~0u << (32 - prefix)))
                 << 96;
      blk.prefix = prefix;
      b.Add(blk, i);
    }
    CidrSet s;
    b.Build(&s);
    std::vector<uint32_t> addrs;
    for (int q = 0; q < 4000; ++q) {
      addrs.push_back(q % 4 == 0 ? static_cast<uint32_t>(rng())
                                 : (static_cast<uint32_t>(rng()) & 0x0f0f0fffu) | 0x0a000000u);
    }
    std::vector<CidrSet::V4Probe> probes(addrs.size());
    for (size_t q = 0; q < addrs.size(); ++q) s.StartV4(addrs[q], &probes[q]);
    for (auto& p : probes) s.NarrowV4(&p);
    for (auto& p : probes) s.LocateV4(&p);
    for (size_t q = 0; q < addrs.size(); ++q) {
      IpBlock qb;
      qb.bits = static_cast<unsigned __int128>(addrs[q]) << 96;
      qb.prefix = 32;
      std::vector<uint32_t> want, got, staged;
      s.ForEachContaining(qb, [&](uint32_t i) { want.push_back(i); });
      s.ForEachContainingV4(addrs[q], [&](uint32_t i) { got.push_back(i); });
      s.ReportV4(probes[q], [&](uint32_t i) { staged.push_back(i); });
      ASSERT_EQ(got, want) << n << " blocks, query " << addrs[q];
      ASSERT_EQ(staged, want) << n << " blocks, query " << addrs[q];
      found += want.size();
    }
  }
  EXPECT_GT(found, 10000u);
}

}  // namespace
}  // namespace entente::pattern::index
