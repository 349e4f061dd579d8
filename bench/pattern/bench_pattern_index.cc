// bench_pattern_index: builds the compiled indicator index from feed-shaped data and
// measures build time, memory per indicator, single-thread matching throughput and
// per-observation latency. Prints one JSON object (machine-readable) on stdout.
//
//   bench_pattern_index [--indicators N] [--observations M] [--data DIR] [--hit-percent P]
//                       [--batch B]   (records per MatchBatch call, default 256)
//
// DIR (default: $ENTENTE_BENCH_DATA) holds the public data sets laid out as
// docs/benchmarks.md "Data" describes: iocs/ and benign/.
//
// Indicators (N, default 1,000,000): values from maltrail-static.tsv.gz (real domains,
// IPs, URLs) and ipsum.txt.gz, plus generated MD5/SHA-256 hashes, as equality patterns;
// N/10 CIDR ranges (ISSUBSET, real maltrail CIDRs then /24 and /16 networks of feed IPs);
// N/100 LIKE/MATCHES on url:value and file:name; N/1000 multi-observation patterns with
// qualifiers (evaluated by pattern::Matcher). Observations (M, default 1,000,000 drawn
// from a pool of 200,000 distinct records): STIX 2.0 observed-data lines with one or two
// SCOs, P % (default 5) carrying an indicator value, the rest benign values from the MISP
// warninglists (Cloudflare top domains, public DNS resolvers, cloud ranges).
#include <malloc.h>
#include <time.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "pattern/index/cidr_set.h"
#include "pattern/index/indicator_index.h"
#include "pattern/index/value_table.h"
#include "public_feeds.h"

namespace idx = entente::pattern::index;
using entente::bench::Feed;
using entente::bench::Hex;
using entente::bench::NetworkOf;
using entente::bench::Quote;
using entente::bench::ReadGzLines;
using entente::bench::WarningList;
using Clock = std::chrono::steady_clock;

namespace {

// CPU seconds of the whole process / of the calling thread (immune to other load).
double CpuSeconds(clockid_t which) {
  timespec ts;
  clock_gettime(which, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// steady_clock is CLOCK_MONOTONIC on Linux, the clock `perf record -k CLOCK_MONOTONIC` uses.
std::string Mono(Clock::time_point t) {
  char buf[32];
  snprintf(buf, sizeof buf, "%.6f", std::chrono::duration<double>(t.time_since_epoch()).count());
  return buf;
}

size_t RssBytes() {
  std::ifstream f("/proc/self/statm");
  size_t pages = 0, resident = 0;
  f >> pages >> resident;
  return resident * 4096;
}

bool Plain(const std::string& s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
      return false;
    }
  }
  return !s.empty();
}

boost::json::object Sco(const char* type, const std::string& value) {
  return boost::json::object{{"type", type}, {"value", value}};
}

}  // namespace

int main(int argc, char** argv) {
  size_t n_ind = 1'000'000, n_obs = 1'000'000, hit_percent = 5, record_batch = 256;
  const char* data_env = std::getenv("ENTENTE_BENCH_DATA");
  std::string dir = data_env != nullptr ? data_env : "";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--indicators")
      n_ind = std::stoul(argv[i + 1]);
    else if (a == "--observations")
      n_obs = std::stoul(argv[i + 1]);
    else if (a == "--data")
      dir = argv[i + 1];
    else if (a == "--hit-percent")
      hit_percent = std::stoul(argv[i + 1]);
    else if (a == "--batch")
      record_batch = std::max<size_t>(1, std::stoul(argv[i + 1]));
    else {
      std::cerr << "usage: bench_pattern_index [--indicators N] [--observations M] [--data DIR] "
                   "[--hit-percent P] [--batch B]\n";
      return 2;
    }
  }
  if (dir.empty()) {
    std::cerr << "bench_pattern_index: no data folder: give --data DIR or set "
                 "ENTENTE_BENCH_DATA (docs/benchmarks.md, \"Data\", says how to get it)\n";
    return 2;
  }
  std::mt19937_64 rng(12345);
  auto t_load0 = Clock::now();
  Feed feed = entente::bench::LoadFeed(dir, Plain);
  auto benign_domains = WarningList(dir + "/benign/warninglist-cloudflare-top100k.json");
  auto benign_ips = WarningList(dir + "/benign/warninglist-public-dns-v4.json");
  if (feed.ips.empty() || feed.domains.empty() || benign_domains.empty()) {
    std::cerr << "bench_pattern_index: cannot read the data under " << dir << "\n";
    return 2;
  }
  auto t_load1 = Clock::now();

  // ---- Indicators ----
  size_t n_cidr = n_ind / 10, n_regex = n_ind / 100, n_multi = n_ind / 1000;
  size_t n_eq = n_ind - n_cidr - n_regex - n_multi;
  std::vector<idx::IndicatorSpec> specs;
  specs.reserve(n_ind);
  std::vector<std::pair<const char*, std::string>> hit_values;  // (type, value) to observe
  auto add = [&](std::string pattern) {
    char id[64];
    snprintf(id, sizeof id, "indicator--%08zx-0000-4000-8000-%012zx", specs.size(),
             specs.size() * 7919);
    specs.push_back({id, std::move(pattern), entente::pattern::StixVersion::k21});
  };
  size_t ip_i = 0, dom_i = 0, url_i = 0;
  for (size_t i = 0; i < n_eq; ++i) {
    switch (i % 10) {
      case 0:
      case 1:
      case 2:
        if (ip_i < feed.ips.size()) {
          const std::string& v = feed.ips[ip_i++];
          add("[ipv4-addr:value = " + Quote(v) + "]");
          hit_values.push_back({"ipv4-addr", v});
          break;
        }
        [[fallthrough]];
      case 3:
      case 4:
      case 5:
        if (dom_i < feed.domains.size()) {
          const std::string& v = feed.domains[dom_i++];
          add("[domain-name:value = " + Quote(v) + "]");
          hit_values.push_back({"domain-name", v});
          break;
        }
        [[fallthrough]];
      case 6:
      case 7:
        if (url_i < feed.urls.size()) {
          const std::string& v = feed.urls[url_i++];
          add("[url:value = " + Quote(v) + "]");
          hit_values.push_back({"url", v});
          break;
        }
        [[fallthrough]];
      default: {
        bool sha = rng() & 1;
        std::string h = Hex(rng, sha ? 64 : 32);
        add(std::string("[file:hashes.") + (sha ? "'SHA-256'" : "MD5") + " = '" + h + "']");
        hit_values.push_back({sha ? "file-sha256" : "file-md5", h});
      }
    }
  }
  AddNonEqualityIndicators(feed, n_cidr, n_regex, n_multi, rng, add);
  auto pattern_bytes = [&] {
    size_t b = 0;
    for (auto& s : specs) b += s.pattern.size() + s.id.size();
    return b;
  }();

  // ---- Build ----
  // Memory of the index: both readings are taken with the input specs still alive, so
  // that freeing them cannot hide part of the index. heap_* counts the bytes malloc has
  // handed out (arena and mmapped) and not got back; rss_* what the process holds after returning
  // free pages to the kernel (adds fragmentation left by the build).
  malloc_trim(0);
  size_t rss0 = RssBytes();
  size_t heap0 = mallinfo2().uordblks + mallinfo2().hblkhd;
  idx::IndicatorIndex index;
  std::vector<std::pair<std::string, entente::Status>> rejected;
  double cpu_build0 = CpuSeconds(CLOCK_PROCESS_CPUTIME_ID);
  auto t_build0 = Clock::now();
  entente::Status st = index.Add(specs, &rejected);
  auto t_build1 = Clock::now();
  double cpu_build = CpuSeconds(CLOCK_PROCESS_CPUTIME_ID) - cpu_build0;
  if (!st.ok()) {
    std::cerr << "build failed: " << st.ToString() << "\n";
    return 1;
  }
  for (size_t i = 0; i < rejected.size() && i < 3; ++i) {
    std::cerr << "rejected " << rejected[i].first << ": " << rejected[i].second.ToString() << "\n";
  }
  size_t n_specs = specs.size();
  malloc_trim(0);
  size_t rss1 = RssBytes();
  size_t heap1 = mallinfo2().uordblks + mallinfo2().hblkhd;
  specs.clear();
  specs.shrink_to_fit();
  malloc_trim(0);
  auto snap = index.snapshot();
  auto stats = snap->GetStats();

  // ---- Observations: a pool of parsed records, cycled ----
  size_t pool_n = std::min<size_t>(n_obs, 200'000);
  std::vector<boost::json::value> pool;
  std::vector<std::string> pool_text;
  pool.reserve(pool_n);
  std::uniform_int_distribution<size_t> pct(0, 99);
  for (size_t i = 0; i < pool_n; ++i) {
    boost::json::object objects;
    size_t n_sco = 1 + (rng() % 2);
    for (size_t k = 0; k < n_sco; ++k) {
      boost::json::object sco;
      if (pct(rng) < hit_percent && !hit_values.empty()) {
        auto& [type, v] = hit_values[rng() % hit_values.size()];
        if (std::strcmp(type, "file-md5") == 0) {
          sco = {{"type", "file"}, {"hashes", {{"MD5", v}}}};
        } else if (std::strcmp(type, "file-sha256") == 0) {
          sco = {{"type", "file"}, {"hashes", {{"SHA-256", v}}}};
        } else {
          sco = Sco(type, v);
        }
      } else {
        switch (rng() % 5) {
          case 0:
            sco = Sco("ipv4-addr", benign_ips[rng() % benign_ips.size()]);
            break;
          case 1:
            sco = Sco("domain-name", benign_domains[rng() % benign_domains.size()]);
            break;
          case 2:
            sco = Sco("url",
                      "https://" + benign_domains[rng() % benign_domains.size()] + "/index.html");
            break;
          case 3:
            sco = {{"type", "file"},
                   {"name", "setup-" + Hex(rng, 4) + ".msi"},
                   {"hashes", {{"SHA-256", Hex(rng, 64)}}}};
            break;
          default:
            sco = Sco("ipv4-addr", "192.0.2." + std::to_string(rng() % 256));
        }
      }
      objects[std::to_string(k)] = std::move(sco);
    }
    char id[80];
    snprintf(id, sizeof id, "observed-data--%08zx-0000-4000-8000-000000000000", i);
    boost::json::object od{{"type", "observed-data"},
                           {"id", id},
                           {"first_observed", "2026-01-01T00:00:00Z"},
                           {"last_observed", "2026-01-01T00:00:00Z"},
                           {"number_observed", 1},
                           {"objects", std::move(objects)}};
    pool.emplace_back(std::move(od));
    pool_text.push_back(boost::json::serialize(pool.back()));
  }

  // ---- Match: the pipeline a reader runs, one thread ----
  // Lines are parsed in batches of kRecordBatch into a reused monotonic buffer (no malloc per
  // node once warm), then the batch is matched while its records are still in cache:
  // parsing and matching are timed apart (thread CPU time per phase and batch), so the
  // figures say what each costs and what the two cost together.
  const size_t kRecordBatch = record_batch;
  idx::MatchCounters counters;
  std::vector<idx::Hit> hits;
  std::vector<unsigned char> json_buf(4u << 20);
  boost::json::monotonic_resource json_mr(json_buf.data(), json_buf.size());
  boost::json::parse_options json_opts;
  json_opts.max_depth = 64;
  boost::json::parser parser(boost::json::storage_ptr(), json_opts);
  std::vector<boost::json::value> batch;
  batch.reserve(kRecordBatch);
  auto parse_batch = [&](size_t first, size_t n) {
    batch.clear();
    json_mr.release();
    for (size_t i = first; i < first + n; ++i) {
      parser.reset(&json_mr);
      boost::system::error_code ec;
      parser.write(pool_text[i % pool_n], ec);
      if (ec) std::abort();
      batch.push_back(parser.release());
    }
  };
  std::vector<const boost::json::value*> batch_ptrs;
  std::vector<uint32_t> lat_batch_ns;
  double cpu_parse = 0, cpu_match = 0;
  auto t_match0 = Clock::now();
  for (size_t b = 0; b < n_obs; b += kRecordBatch) {
    size_t n = std::min(kRecordBatch, n_obs - b);
    double c0 = CpuSeconds(CLOCK_THREAD_CPUTIME_ID);
    parse_batch(b, n);
    batch_ptrs.clear();
    for (const boost::json::value& v : batch) batch_ptrs.push_back(&v);
    double c1 = CpuSeconds(CLOCK_THREAD_CPUTIME_ID);
    auto w1 = Clock::now();
    hits.clear();
    snap->MatchBatch(batch_ptrs, &hits, &counters);
    lat_batch_ns.push_back(static_cast<uint32_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - w1).count()));
    cpu_match += CpuSeconds(CLOCK_THREAD_CPUTIME_ID) - c1;
    cpu_parse += c1 - c0;
  }
  auto t_match1 = Clock::now();

  // The same records matched one at a time (MatchRecord: no overlap of cache misses
  // between records).
  idx::MatchCounters single_counters;
  double cpu_single = 0;
  for (size_t b = 0; b < n_obs; b += kRecordBatch) {
    size_t n = std::min(kRecordBatch, n_obs - b);
    parse_batch(b, n);
    double c1 = CpuSeconds(CLOCK_THREAD_CPUTIME_ID);
    for (const boost::json::value& v : batch) {
      hits.clear();
      snap->MatchRecord(v, &hits, &single_counters);
    }
    cpu_single += CpuSeconds(CLOCK_THREAD_CPUTIME_ID) - c1;
  }

  // Latency per record (wall, so it includes what the machine's load adds): each
  // record matched alone (MatchRecord), and each record parsed and matched alone. In the
  // batched pipeline above a record waits for its batch: latency_batch_of_records_*.
  size_t n_lat = std::min<size_t>(n_obs, 300'000);
  std::vector<uint32_t> lat_ns, lat_text_ns;
  lat_ns.reserve(n_lat);
  lat_text_ns.reserve(n_lat);
  for (size_t b = 0; b < n_lat; b += kRecordBatch) {
    size_t n = std::min(kRecordBatch, n_lat - b);
    parse_batch(b, n);
    for (const boost::json::value& v : batch) {
      auto a = Clock::now();
      hits.clear();
      snap->MatchRecord(v, &hits);
      lat_ns.push_back(static_cast<uint32_t>(
          std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - a).count()));
    }
  }
  std::vector<unsigned char> one_buf(64u << 10);
  for (size_t i = 0; i < n_lat; ++i) {
    auto a = Clock::now();
    boost::json::monotonic_resource mr(one_buf.data(), one_buf.size());
    parser.reset(&mr);
    parser.write(pool_text[i % pool_n]);
    boost::json::value v = parser.release();
    hits.clear();
    snap->MatchRecord(v, &hits);
    lat_text_ns.push_back(static_cast<uint32_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - a).count()));
  }
  auto pctl = [](std::vector<uint32_t>& v, double q) {
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(q * v.size()))];
  };

  // The earlier method, kept for comparison: records parsed once into a pool of
  // pool_n separate heap DOMs and matched in turn, so each record is cold in cache.
  idx::MatchCounters cold_counters;
  double cpu_cold0 = CpuSeconds(CLOCK_THREAD_CPUTIME_ID);
  for (size_t i = 0; i < n_obs; ++i) {
    hits.clear();
    snap->MatchRecord(pool[i % pool_n], &hits, &cold_counters);
  }
  double cpu_cold = CpuSeconds(CLOCK_THREAD_CPUTIME_ID) - cpu_cold0;

  // ---- Raw hash-table probe rate on the loaded index's equality keys ----
  idx::ValueTableBuilder vb;
  size_t n_keys = std::min<size_t>(hit_values.size(), 2'000'000);
  for (size_t i = 0; i < n_keys; ++i) vb.Add(static_cast<uint32_t>(i & 3), hit_values[i].second, i);
  idx::ValueTable vt;
  vb.Build(&vt);
  // Probe keys laid out one after another, as values arrive in a stream: the only
  // random accesses are the table's slot and (on a hit) its key arena.
  std::string probe_buf;
  struct Probe {
    uint32_t offset, length, field;
  };
  std::vector<Probe> probes;
  for (size_t i = 0; i < 1'000'000; ++i) {
    uint32_t p = static_cast<uint32_t>(rng() % n_keys);
    probes.push_back({static_cast<uint32_t>(probe_buf.size()),
                      static_cast<uint32_t>(hit_values[p].second.size()), p & 3});
    probe_buf += hit_values[p].second;
  }
  auto key_of = [&](const Probe& p) {
    return std::string_view(probe_buf.data() + p.offset, p.length);
  };
  // Batched: hash 16 keys and prefetch their slots before probing them (16 misses in
  // flight, as the 53 M/s ceiling of docs/architecture.md measures).
  uint64_t found_batched = 0;
  double cpu_batch0 = CpuSeconds(CLOCK_THREAD_CPUTIME_ID);
  constexpr size_t kProbeBatch = 16;
  uint64_t hashes[kProbeBatch];
  for (size_t b = 0; b < probes.size(); b += kProbeBatch) {
    size_t n = std::min(kProbeBatch, probes.size() - b);
    for (size_t k = 0; k < n; ++k) {
      hashes[k] = idx::HashKey(probes[b + k].field, key_of(probes[b + k]));
      vt.Prefetch(hashes[k]);
    }
    for (size_t k = 0; k < n; ++k) {
      found_batched +=
          vt.ForEachHashed(probes[b + k].field, key_of(probes[b + k]), hashes[k], [](uint32_t) {});
    }
  }
  double cpu_batch = CpuSeconds(CLOCK_THREAD_CPUTIME_ID) - cpu_batch0;
  uint64_t found = 0;
  double cpu_probe0 = CpuSeconds(CLOCK_THREAD_CPUTIME_ID);
  auto t_probe0 = Clock::now();
  for (const Probe& p : probes) found += vt.ForEach(p.field, key_of(p), [](uint32_t) {});
  auto t_probe1 = Clock::now();
  double cpu_probe = CpuSeconds(CLOCK_THREAD_CPUTIME_ID) - cpu_probe0;

  double match_s = Seconds(t_match0, t_match1);
  boost::json::object out{
      {"indicators", n_specs},
      {"indicators_rejected", rejected.size()},
      {"equality", stats.base.simple - n_cidr - n_regex},
      {"cidr", n_cidr},
      {"like_matches", n_regex},
      {"multi_observation", n_multi},
      {"classes",
       {{"simple", stats.base.simple},
        {"prefiltered", stats.base.prefiltered},
        {"gated", stats.base.gated}}},
      {"equality_keys", stats.base.equality_keys},
      {"cidr_blocks", stats.base.cidr_blocks},
      {"regexes", stats.base.regexes},
      {"regexes_in_re2", stats.base.regexes_in_re2},
      {"data_load_seconds", Seconds(t_load0, t_load1)},
      {"build_seconds", Seconds(t_build0, t_build1)},
      {"build_cpu_seconds_all_threads", cpu_build},
      {"heap_bytes_per_indicator", double(heap1 - heap0) / n_specs},
      {"rss_delta_bytes", rss1 - rss0},
      {"rss_bytes_per_indicator", double(rss1 - rss0) / n_specs},
      {"structure_bytes", stats.base.bytes + stats.delta.bytes},
      {"structure_bytes_per_indicator", double(stats.base.bytes + stats.delta.bytes) / n_specs},
      {"input_pattern_and_id_bytes_per_indicator", double(pattern_bytes) / n_specs},
      {"observations", counters.observations},
      {"records", counters.records},
      {"hits", counters.fast_hits + counters.evaluated_hits},
      {"fast_hits", counters.fast_hits},
      {"evaluations", counters.evaluations},
      {"evaluated_hits", counters.evaluated_hits},
      {"records_per_batch", kRecordBatch},
      {"pipeline_wall_seconds", match_s},
      {"parse_cpu_seconds", cpu_parse},
      {"match_cpu_seconds", cpu_match},
      {"json_parse_records_per_cpu_second", counters.records / cpu_parse},
      {"observations_per_cpu_second", counters.observations / cpu_match},
      {"parse_and_match_records_per_cpu_second", counters.records / (cpu_parse + cpu_match)},
      {"parse_and_match_records_per_wall_second", counters.records / match_s},
      {"single_record_observations_per_cpu_second", single_counters.observations / cpu_single},
      {"latency_batch_of_records_ns_p50", pctl(lat_batch_ns, 0.50)},
      {"latency_batch_of_records_ns_p99", pctl(lat_batch_ns, 0.99)},
      {"latency_match_ns_p50", pctl(lat_ns, 0.50)},
      {"latency_match_ns_p99", pctl(lat_ns, 0.99)},
      {"latency_match_ns_p999", pctl(lat_ns, 0.999)},
      {"latency_match_ns_max", lat_ns.back()},
      {"latency_parse_and_match_ns_p50", pctl(lat_text_ns, 0.50)},
      {"latency_parse_and_match_ns_p99", pctl(lat_text_ns, 0.99)},
      {"latency_parse_and_match_ns_p999", pctl(lat_text_ns, 0.999)},
      {"cold_records_observations_per_cpu_second", cold_counters.observations / cpu_cold},
      {"raw_probe_keys", n_keys},
      {"raw_probes_per_second", probes.size() / Seconds(t_probe0, t_probe1)},
      {"raw_probe_found", found},
      {"raw_probes_per_cpu_second", probes.size() / cpu_probe},
      {"raw_batched_probes_per_cpu_second", probes.size() / cpu_batch},
      {"raw_batched_probe_found", found_batched},
      // CLOCK_MONOTONIC seconds of each phase, for `perf record -k CLOCK_MONOTONIC` and
      // `perf report --time START,END`.
      {"phases_monotonic",
       {{"build", {Mono(t_build0), Mono(t_build1)}},
        {"pipeline", {Mono(t_match0), Mono(t_match1)}}}},
  };
  std::cout << boost::json::serialize(out) << "\n";
  return 0;
}
