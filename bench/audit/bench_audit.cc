// bench_audit: what the tamper-evident record costs (issue 16, docs/record.md). Prints
// one JSON line per phase:
//   append        N object-stored entries appended to a fresh record in batches of B
//                 (one transaction each), entries per second wall and per CPU-second;
//   proofs        random inclusion and consistency proofs against the record of N
//                 entries, read from its SQLite file (microseconds per proof);
//   proofs_simulated  the same at --simulated-size leaves (default 10^8) over a node
//                 source that computes each node as SHA-256 of its (level, index): no
//                 storage, so it times the reads' count and the hashing, not SQLite;
//   verify        `log verify`'s work (VerifyRecord) over the N entries;
//   package_verify  `evidence verify`'s work (VerifyPackage) on packages of 10, 100 and
//                 1,000 objects exported from a record of 100,000 stored versions in
//                 batches of 10,000 (each object with its batch item and two egress
//                 decisions), milliseconds per package (median of 5).
//
//   bench_audit [--count N] [--batch B] [--synchronous FULL|NORMAL|OFF] [--dir D]
//               [--proofs P] [--simulated-size S] [--append-only] [--package-only]
#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "audit/evidence.h"
#include "audit/log.h"
#include "audit/node_key.h"
#include "audit/stored_batch.h"
#include "audit/verify.h"

namespace {

using namespace entente::audit;
using WallClock = std::chrono::steady_clock;

double Seconds(WallClock::duration d) { return std::chrono::duration<double>(d).count(); }
double CpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct Options {
  uint64_t count = 1'000'000;
  int batch = 1000;
  std::string synchronous = "FULL";
  std::string dir;
  int proofs = 1000;
  uint64_t simulated_size = 100'000'000;
  bool append_only = false;   // stop after the append phase (for profiling it)
  bool package_only = false;  // run the package_verify phase only
};

// Every node of any tree, computed: SHA-256(level || index), 12 bytes in.
class SimulatedSource : public HashSource {
 public:
  entente::Result<Hash> Node(unsigned level, uint64_t index) const override {
    unsigned char in[12];
    std::memcpy(in, &level, 4);
    std::memcpy(in + 4, &index, 8);
    Hash h;
    crypto_hash_sha256(h.data(), in, sizeof in);
    return h;
  }
};

struct Stats {
  double mean_us, p50_us, p99_us, max_us;
};
Stats Summarise(std::vector<double> us) {
  std::sort(us.begin(), us.end());
  double sum = 0;
  for (double v : us) sum += v;
  return {sum / us.size(), us[us.size() / 2], us[us.size() * 99 / 100], us.back()};
}

void PrintProofs(const char* phase, uint64_t size, const Stats& inc, const Stats& con,
                 size_t inc_len, int proofs) {
  std::printf(
      "{\"phase\":\"%s\",\"tree_size\":%llu,\"proofs\":%d,"
      "\"inclusion_us_mean\":%.1f,\"inclusion_us_p50\":%.1f,\"inclusion_us_p99\":%.1f,"
      "\"inclusion_us_max\":%.1f,\"inclusion_hashes\":%zu,"
      "\"consistency_us_mean\":%.1f,\"consistency_us_p50\":%.1f,\"consistency_us_p99\":%.1f,"
      "\"consistency_us_max\":%.1f}\n",
      phase, static_cast<unsigned long long>(size), proofs, inc.mean_us, inc.p50_us, inc.p99_us,
      inc.max_us, inc_len, con.mean_us, con.p50_us, con.p99_us, con.max_us);
}

// Times `proofs` random inclusion and consistency proofs (generation; then, when `check`,
// a check that each consistency proof verifies, untimed: the simulated source's nodes are
// not hashes of their children, so its proofs cannot verify).
template <typename IncFn, typename ConFn, typename RootFn>
int TimeProofs(const char* phase, uint64_t size, int proofs, IncFn inc, ConFn con, RootFn root,
               bool check) {
  std::mt19937_64 rng(42);
  std::vector<double> inc_us, con_us;
  Hash top = check ? root(size) : Hash{};
  size_t inc_len = 0;
  for (int i = 0; i < proofs; ++i) {
    uint64_t index = rng() % size;
    auto t0 = WallClock::now();
    auto p = inc(index, size);
    inc_us.push_back(Seconds(WallClock::now() - t0) * 1e6);
    uint64_t size1 = 1 + rng() % size;
    t0 = WallClock::now();
    auto c = con(size1, size);
    con_us.push_back(Seconds(WallClock::now() - t0) * 1e6);
    if (!p.ok() || !c.ok()) {
      std::fprintf(stderr, "proof failed: %s %s\n", p.status().ToString().c_str(),
                   c.status().ToString().c_str());
      return 1;
    }
    inc_len = p->size();
    if (check && !VerifyConsistency(size1, size, root(size1), top, *c).ok()) {
      std::fprintf(stderr, "a consistency proof did not verify\n");
      return 1;
    }
  }
  PrintProofs(phase, size, Summarise(inc_us), Summarise(con_us), inc_len, proofs);
  return 0;
}

int Run(const Options& o) {
  std::string dir = o.dir.empty() ? std::filesystem::temp_directory_path().string() +
                                        "/bench_audit_" + std::to_string(::getpid())
                                  : o.dir;
  std::filesystem::create_directories(dir);
  std::string path = dir + "/audit.db";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  LogOptions lo;
  lo.synchronous = o.synchronous;
  auto log = AuditLog::Open(path, lo);
  if (!log.ok()) {
    std::fprintf(stderr, "%s\n", log.status().ToString().c_str());
    return 1;
  }
  std::vector<Entry> batch;
  double cpu0 = CpuSeconds();
  auto t0 = WallClock::now();
  for (uint64_t done = 0; done < o.count;) {
    batch.clear();
    for (int i = 0; i < o.batch && done < o.count; ++i, ++done) {
      Hash h = HashLeaf(std::to_string(done));
      batch.push_back(
          {EntryKind::kObjectStored,
           ObjectStored{"indicator--" + std::to_string(done) + "-0000-4000-8000-000000000000",
                        "2026-12-03T01:00:00.000Z", "3f2a5c44-0000-4000-8000-000000000001",
                        HashHex(h), "cert-fr", Channel::kClient}});
    }
    if (auto r = (*log)->Append(batch); !r.ok()) {
      std::fprintf(stderr, "%s\n", r.status().ToString().c_str());
      return 1;
    }
  }
  double wall = Seconds(WallClock::now() - t0), cpu = CpuSeconds() - cpu0;
  std::printf(
      "{\"phase\":\"append\",\"entries\":%llu,\"batch\":%d,\"synchronous\":\"%s\","
      "\"seconds\":%.3f,\"entries_per_s\":%.0f,\"cpu_seconds\":%.3f,"
      "\"entries_per_cpu_s\":%.0f,\"db_bytes\":%llu,\"bytes_per_entry\":%.0f}\n",
      static_cast<unsigned long long>(o.count), o.batch, o.synchronous.c_str(), wall,
      o.count / wall, cpu, o.count / cpu,
      static_cast<unsigned long long>(std::filesystem::file_size(path)),
      static_cast<double>(std::filesystem::file_size(path)) / o.count);

  if (o.append_only) return 0;
  // The encoding alone (canonical JSON of each entry and its leaf hash): what of the
  // append is not SQLite.
  cpu0 = CpuSeconds();
  uint64_t bytes = 0;
  for (uint64_t i = 0; i < std::min<uint64_t>(o.count, 200'000); ++i) {
    std::string text = EncodeEntry({i, 1764723600000000, batch[i % batch.size()]}).value();
    bytes += text.size() + HashLeaf(text)[0] * 0;
  }
  cpu = CpuSeconds() - cpu0;
  std::printf(
      "{\"phase\":\"encode\",\"entries\":%llu,\"entries_per_cpu_s\":%.0f,"
      "\"avg_entry_bytes\":%.0f}\n",
      static_cast<unsigned long long>(std::min<uint64_t>(o.count, 200'000)),
      std::min<uint64_t>(o.count, 200'000) / cpu,
      static_cast<double>(bytes) / std::min<uint64_t>(o.count, 200'000));

  AuditLog& l = **log;
  if (int rc = TimeProofs(
          "proofs", o.count, o.proofs,
          [&](uint64_t i, uint64_t n) { return l.InclusionProof(i, n); },
          [&](uint64_t a, uint64_t b) { return l.ConsistencyProof(a, b); },
          [&](uint64_t n) { return l.Root(n).value(); }, true);
      rc != 0) {
    return rc;
  }
  SimulatedSource sim;
  if (int rc = TimeProofs(
          "proofs_simulated", o.simulated_size, o.proofs,
          [&](uint64_t i, uint64_t n) { return InclusionProof(sim, i, n); },
          [&](uint64_t a, uint64_t b) { return ConsistencyProof(sim, a, b); },
          [&](uint64_t n) { return RootAt(sim, n).value(); }, false);
      rc != 0) {
    return rc;
  }

  cpu0 = CpuSeconds();
  t0 = WallClock::now();
  auto report = VerifyRecord(l, std::nullopt);
  wall = Seconds(WallClock::now() - t0);
  cpu = CpuSeconds() - cpu0;
  if (!report.ok()) {
    std::fprintf(stderr, "%s\n", report.status().ToString().c_str());
    return 1;
  }
  // Without a key, VerifyRecord names that (and only that): one expected failure.
  std::printf(
      "{\"phase\":\"verify\",\"entries\":%llu,\"seconds\":%.3f,\"entries_per_s\":%.0f,"
      "\"cpu_seconds\":%.3f,\"failures\":%zu}\n",
      static_cast<unsigned long long>(report->entries), wall, report->entries / wall, cpu,
      report->failures.size());
  log->reset();
  if (o.dir.empty()) std::filesystem::remove_all(dir);
  return 0;
}

// An indicator of about 500 bytes, as admission stores it (canonical JSON).
std::string IndicatorJson(uint64_t n) {
  char id[64];
  std::snprintf(id, sizeof id, "indicator--00000000-0000-4000-8000-%012llu",
                static_cast<unsigned long long>(n));
  return std::string(
             "{\"created\":\"2026-12-01T00:00:00.000Z\",\"description\":\"Command and "
             "control server seen in a phishing campaign against hospitals\",\"id\":\"") +
         id +
         "\",\"indicator_types\":[\"malicious-activity\"],\"modified\":\"2026-12-01T00:00:00."
         "000Z\","
         "\"name\":\"C2 server\",\"object_marking_refs\":[\"marking-definition--bab4a63c-aed9-"
         "4cf5-a766-dfca5abac2bb\"],\"pattern\":\"[ipv4-addr:value = '198.51.100." +
         std::to_string(n % 250) +
         "']\",\"pattern_type\":\"stix\",\"spec_version\":\"2.1\",\"type\":\"indicator\","
         "\"valid_from\":\"2026-12-01T00:00:00Z\"}";
}

int PackagePhase(const std::filesystem::path& dir) {
  constexpr uint64_t kVersions = 100'000, kBatch = 10'000;
  constexpr int64_t kFirstAdded = 1'800'000'000'000'000;
  const std::string collection = "11111111-2222-4333-8444-555555555555";
  LogOptions lo;
  lo.synchronous = "OFF";
  auto log = AuditLog::Open((dir / "package.db").string(), lo);
  if (!log.ok()) {
    std::fprintf(stderr, "%s\n", log.status().ToString().c_str());
    return 1;
  }
  AuditLog& l = **log;
  for (uint64_t first = 0; first < kVersions; first += kBatch) {
    ItemLeaves leaves;
    for (uint64_t n = first; n < first + kBatch; ++n) {
      char id[64];
      std::snprintf(id, sizeof id, "indicator--00000000-0000-4000-8000-%012llu",
                    static_cast<unsigned long long>(n));
      auto item = ItemOfStoredJson(id, "2026-12-01T00:00:00.000Z", IndicatorJson(n));
      if (!item.ok()) return 1;
      leaves.AddLeaf(HashLeaf(*item));
    }
    ObjectsStored b;
    b.collection = collection;
    b.submitter = "cert-fr";
    b.added_from_us = kFirstAdded + static_cast<int64_t>(first);
    b.added_to_us = kFirstAdded + static_cast<int64_t>(first + kBatch - 1);
    std::vector<Entry> entries{{EntryKind::kObjectsStored, b}};
    std::vector<ItemLeaves> items{leaves};
    if (!l.Append(entries, items).ok()) return 1;
  }
  const NodeKey key = NodeKey::Generate();
  for (const uint64_t objects : {10u, 100u, 1000u}) {
    // Objects spread over the batches, each sent to two peers.
    EvidencePackage p;
    p.node = "bench";
    p.public_key = key.public_key();
    std::vector<std::string> subjects;
    std::vector<Entry> sent;
    for (uint64_t k = 0; k < objects; ++k) {
      const uint64_t n = k * (kVersions / objects) + 7;
      EvidenceObject o;
      char id[64];
      std::snprintf(id, sizeof id, "indicator--00000000-0000-4000-8000-%012llu",
                    static_cast<unsigned long long>(n));
      o.id = id;
      o.version = "2026-12-01T00:00:00.000Z";
      o.collection = collection;
      o.json = IndicatorJson(n);
      o.added_us = kFirstAdded + static_cast<int64_t>(n);
      subjects.push_back(o.id);
      for (const char* peer : {"cert-de", "cert-it"}) {
        sent.push_back({EntryKind::kEgressDecision,
                        EgressDecision{o.id, o.version, peer, Decision::kSent, "tlp",
                                       "TLP:GREEN may leave for the community"}});
      }
      p.objects.push_back(std::move(o));
    }
    if (!l.Append(sent).ok()) return 1;
    auto head = l.SignHead(key);
    if (!head.ok()) return 1;
    p.head = *head;
    if (entente::Status s = AddCustody(l, subjects, &p); !s.ok()) {
      std::fprintf(stderr, "%s\n", s.ToString().c_str());
      return 1;
    }
    const std::string text = FormatPackage(p);
    std::vector<double> ms;
    size_t failures = 0;
    for (int run = 0; run < 5; ++run) {
      const auto t0 = WallClock::now();
      EvidenceReport r = VerifyPackage(text, key.public_key());
      ms.push_back(Seconds(WallClock::now() - t0) * 1e3);
      failures = r.failures.size();
    }
    std::sort(ms.begin(), ms.end());
    std::printf(
        "{\"phase\":\"package_verify\",\"objects\":%llu,\"entries\":%zu,\"bytes\":%zu,"
        "\"record_entries\":%llu,\"ms_p50\":%.2f,\"ms_max\":%.2f,\"failures\":%zu}\n",
        static_cast<unsigned long long>(objects), p.entries.size(), text.size(),
        static_cast<unsigned long long>(l.Size()), ms[ms.size() / 2], ms.back(), failures);
    if (failures != 0) return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (sodium_init() < 0) return 1;
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // each phase's line as soon as it is known
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--count")
      o.count = std::stoull(next());
    else if (a == "--batch")
      o.batch = std::stoi(next());
    else if (a == "--synchronous")
      o.synchronous = next();
    else if (a == "--dir")
      o.dir = next();
    else if (a == "--proofs")
      o.proofs = std::stoi(next());
    else if (a == "--simulated-size")
      o.simulated_size = std::stoull(next());
    else if (a == "--append-only")
      o.append_only = true;
    else if (a == "--package-only")
      o.package_only = true;
    else {
      std::fprintf(stderr,
                   "usage: bench_audit [--count N] [--batch B] [--synchronous FULL|NORMAL|OFF] "
                   "[--dir D] [--proofs P] [--simulated-size S] [--append-only] "
                   "[--package-only]\n");
      return 2;
    }
  }
  if (o.count == 0 || o.batch <= 0 || o.proofs <= 0 || o.simulated_size == 0) return 2;
  if (int rc = o.package_only ? 0 : Run(o); rc != 0) return rc;
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("bench_audit_package_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const int rc = PackagePhase(dir);
  std::filesystem::remove_all(dir);
  return rc;
}
