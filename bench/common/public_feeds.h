// bench/common/public_feeds.h: the public indicator feeds the benchmarks build their
// workloads from (docs/benchmarks.md, "Data": maltrail, ipsum, MISP warninglists under
// ENTENTE_BENCH_DATA), read the one way every benchmark reads them, and the small helpers
// the generators around them share. Benchmarks only: a missing or unreadable file gives
// empty results, which the programs report.
#pragma once

#include <cstddef>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace entente::bench {

// The lines of a gzip file (through zcat), without their line ends.
std::vector<std::string> ReadGzLines(const std::string& path);

// The `list` member of a MISP warninglist file.
std::vector<std::string> WarningList(const std::string& path);

// `n` random lower-case hex digits.
std::string Hex(std::mt19937_64& rng, size_t n);

// `s` as a STIX pattern string literal (quoted, ' and \ escaped).
std::string Quote(const std::string& s);

// The values of maltrail's static trails and of ipsum (DIR/iocs/…), sorted and without
// duplicates, by kind; only the values `keep` accepts.
struct Feed {
  std::vector<std::string> ips, domains, urls, cidrs;
};
Feed LoadFeed(const std::string& dir, const std::function<bool(const std::string&)>& keep);

// The IPv4 network of `ip` with `prefix` bits, as "a.b.c.d/prefix" ("" when not an address).
std::string NetworkOf(const std::string& ip, int prefix);

// The indicators both index benchmarks add after their equality patterns, through `add`
// (one STIX pattern each): `n_cidr` ranges (the feed's CIDRs, then /16 and /24 networks of
// its addresses), `n_regex` LIKE/MATCHES patterns and `n_multi` patterns of two
// observations or with REPEATS, drawing from `rng` in a fixed order.
void AddNonEqualityIndicators(const Feed& feed, size_t n_cidr, size_t n_regex, size_t n_multi,
                              std::mt19937_64& rng, const std::function<void(std::string)>& add);

}  // namespace entente::bench
