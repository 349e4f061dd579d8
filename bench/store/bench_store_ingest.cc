// bench_store_ingest: ingest N indicator objects into a fresh SQLite store in batches,
// then page through the collection as a TAXII client does (limit per page, resuming
// after the last date_added seen). Prints one JSON line per phase.
//
//   bench_store_ingest [--count N] [--batch B] [--page P] [--synchronous FULL|NORMAL]
//                      [--dir D] [--iocs file.tsv.gz] [--validate] [--no-values]
//                      [--audit on|off] [--no-scan]
//   bench_store_ingest --count N --write-bundle FILE
//
// --iocs defaults to $ENTENTE_BENCH_DATA/iocs/maltrail-static.tsv.gz (docs/benchmarks.md,
// "Data", says how to get it).
//
// --write-bundle writes the same N objects as one STIX bundle and stores nothing: the
// input of bench/store/ingest_cli.sh, which times `entente ingest` end to end.
//
// Objects are shaped like real feed data: STIX 2.1 indicators (~460 bytes) whose
// patterns carry the URLs, IPs and domains of maltrail-static.tsv.gz, and one in ten a
// newer version of an earlier indicator. Each carries the value its pattern compares, as
// admission gives it for the value index (store.h NewObject::values); --no-values leaves
// it out, to measure what the index costs.
//
// --audit on records every version stored in the node's record (DATA/audit.db beside the
// store, admission/record.h), as `entente` does: one append per batch, inside the store's
// transaction; off (the default) stores without it. Alternate the two to measure what the
// record costs (docs/benchmarks.md, "Record: cost on ingest"). With it on, each object's
// digest is also computed as admission computes it, outside the timed store call and
// reported as digest_seconds (add it to the store's figure). --no-scan skips the scans.
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "admission/record.h"
#include "audit/log.h"
#include "common/timestamp.h"
#include "stix/deterministic_id.h"
#include "stix/stix.h"
#include "store/store.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace json = boost::json;
using entente::store::NewObject;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// CPU time of this (single-threaded) process: on a shared machine it says what the
// work costs better than wall time does.
double CpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct Options {
  int64_t count = 1'000'000;
  int batch = 1000;
  int page = 1000;
  std::string synchronous = "FULL";
  std::string dir;
  std::string iocs;  // empty: $ENTENTE_BENCH_DATA/iocs/maltrail-static.tsv.gz
  bool validate = false;
  bool no_values = false;
  bool audit = false;
  bool scan = true;
  std::string write_bundle;  // when set: write the objects as a bundle file and stop
};

struct Ioc {
  std::string value, category, family;
};

// Reads the IOC table through zcat (value \t category \t family, one header line).
std::vector<Ioc> LoadIocs(const std::string& path, size_t max) {
  std::vector<Ioc> out;
  std::string cmd = "zcat '" + path + "'";
  FILE* f = popen(cmd.c_str(), "r");
  if (f == nullptr) return out;
  char line[4096];
  bool header = true;
  while (out.size() < max && fgets(line, sizeof line, f) != nullptr) {
    if (header) {
      header = false;
      continue;
    }
    std::string s(line);
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    size_t t1 = s.find('\t'), t2 = t1 == std::string::npos ? t1 : s.find('\t', t1 + 1);
    if (t2 == std::string::npos) continue;
    out.push_back({s.substr(0, t1), s.substr(t1 + 1, t2 - t1 - 1), s.substr(t2 + 1)});
  }
  pclose(f);
  return out;
}

// The value PatternFor's pattern compares (unescaped), as the value index holds it.
std::string ComparedValue(const std::string& value) {
  if (value.rfind("http://", 0) == 0 || value.rfind("https://", 0) == 0) return value;
  return value.substr(0, value.find(':'));
}

std::string PatternFor(const std::string& value) {
  std::string escaped;
  for (char c : value) {
    if (c == '\'' || c == '\\') escaped += '\\';
    escaped += c;
  }
  if (value.rfind("http://", 0) == 0 || value.rfind("https://", 0) == 0) {
    return "[url:value = '" + escaped + "']";
  }
  std::string host = escaped.substr(0, escaped.find(':'));
  bool ip = !host.empty() && host.find_first_not_of("0123456789.") == std::string::npos;
  return ip ? "[ipv4-addr:value = '" + host + "']" : "[domain-name:value = '" + host + "']";
}

class ObjectMaker {
 public:
  explicit ObjectMaker(std::vector<Ioc> iocs) : iocs_(std::move(iocs)) {}

  // Object number i; every tenth is a newer version of object i - 5.
  NewObject Make(int64_t i) {
    bool new_version = i % 10 == 9;
    int64_t base = new_version ? i - 5 : i;
    const Ioc& ioc = iocs_[static_cast<size_t>(base) % iocs_.size()];
    const int64_t created = kEpoch + base * 1000;
    const int64_t modified = new_version ? created + 86'400'000'000 : created;
    std::string created_s = entente::FormatTimestamp(created, 3);
    std::string modified_s = entente::FormatTimestamp(modified, 3);
    json::object o;
    o["type"] = "indicator";
    o["spec_version"] = "2.1";
    o["id"] = "indicator--" + Uuid(base);
    o["created"] = created_s;
    o["modified"] = modified_s;
    o["name"] = ioc.family + " " + ioc.category + " indicator";
    o["indicator_types"] = json::array{"malicious-activity"};
    o["pattern"] = PatternFor(ioc.value);
    o["pattern_type"] = "stix";
    o["pattern_version"] = "2.1";
    o["valid_from"] = created_s;
    o["labels"] = json::array{json::string(ioc.family)};
    o["object_marking_refs"] =
        json::array{"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"};  // TLP:GREEN
    NewObject n;
    n.id = "indicator--" + Uuid(base);
    n.type = "indicator";
    n.spec_version = "2.1";
    n.version = modified_s;
    n.version_us = modified;
    // Stored as admission stores it: canonical JSON (RFC 8785).
    canonical_.clear();
    entente::stix::AppendCanonicalJson(o, &canonical_);
    n.json = canonical_;
    n.labels.tlp = entente::policy::Tlp::kGreen;
    n.labels.owner_org = "org-bench";
    n.submitter = "org-bench";  // as admission fills them for a client's POST
    n.channel = "client";
    n.values = {ComparedValue(ioc.value)};
    if (digest_) {
      // What admission does for the record: the SHA-256 of the object's canonical JSON and
      // the record's item of it (timed apart: digest_seconds()).
      auto d0 = std::chrono::steady_clock::now();
      entente::admission::PrepareRecordItem(&n);
      digest_time_ += std::chrono::steady_clock::now() - d0;
    }
    return n;
  }

  void set_digest(bool on) { digest_ = on; }
  double digest_seconds() const { return std::chrono::duration<double>(digest_time_).count(); }

 private:
  static constexpr int64_t kEpoch = 1'700'000'000'000'000;
  bool digest_ = false;
  std::string canonical_;
  std::chrono::steady_clock::duration digest_time_{};

  static std::string Uuid(int64_t n) {
    std::mt19937_64 rng(static_cast<uint64_t>(n) * 0x9E3779B97F4A7C15ull + 1);
    uint64_t a = rng(), b = rng();
    char buf[40];
    std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                  static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                  static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3fff)),
                  static_cast<unsigned long long>(b & 0xffffffffffffull));
    return buf;
  }

  std::vector<Ioc> iocs_;
};

int64_t FileSize(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_size) : 0;
}

// Writes objects 0..count-1 as one bundle; 0 on success.
int WriteBundle(ObjectMaker& maker, int64_t count, const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) {
    std::fprintf(stderr, "cannot write %s: %s\n", path.c_str(), std::strerror(errno));
    return 1;
  }
  std::fputs(R"({"type":"bundle","id":"bundle--6a1f8b52-3c4d-4e5f-8a9b-0c1d2e3f4a5b","objects":[)",
             f);
  for (int64_t i = 0; i < count; ++i) {
    if (i > 0) std::fputc(',', f);
    const std::string json = maker.Make(i).json;
    std::fwrite(json.data(), 1, json.size(), f);
    std::fputc('\n', f);
  }
  std::fputs("]}\n", f);
  if (std::fclose(f) != 0) {
    std::fprintf(stderr, "cannot write %s: %s\n", path.c_str(), std::strerror(errno));
    return 1;
  }
  std::fprintf(stderr, "wrote %lld objects to %s\n", static_cast<long long>(count), path.c_str());
  return 0;
}

bool ParseArgs(int argc, char** argv, Options* o) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    const char* v = nullptr;
    if (a == "--validate") {
      o->validate = true;
    } else if (a == "--no-values") {
      o->no_values = true;
    } else if (a == "--no-scan") {
      o->scan = false;
    } else if (a == "--audit" && (v = next()) != nullptr &&
               (std::strcmp(v, "on") == 0 || std::strcmp(v, "off") == 0)) {
      o->audit = std::strcmp(v, "on") == 0;
    } else if ((a == "--count" || a == "--batch" || a == "--page" || a == "--synchronous" ||
                a == "--dir" || a == "--iocs" || a == "--write-bundle") &&
               (v = next()) != nullptr) {
      if (a == "--count") o->count = std::atoll(v);
      if (a == "--batch") o->batch = std::atoi(v);
      if (a == "--page") o->page = std::atoi(v);
      if (a == "--synchronous") o->synchronous = v;
      if (a == "--dir") o->dir = v;
      if (a == "--iocs") o->iocs = v;
      if (a == "--write-bundle") o->write_bundle = v;
    } else {
      std::fprintf(stderr,
                   "usage: %s [--count N] [--batch B] [--page P] [--synchronous S] "
                   "[--dir D] [--iocs F] [--validate] [--no-values] [--audit on|off] [--no-scan] "
                   "[--write-bundle FILE]\n",
                   argv[0]);
      return false;
    }
  }
  if (o->iocs.empty()) {
    const char* data = std::getenv("ENTENTE_BENCH_DATA");
    if (data == nullptr || *data == '\0') {
      std::fprintf(stderr,
                   "%s: no IOC table: give --iocs FILE or set ENTENTE_BENCH_DATA "
                   "(docs/benchmarks.md, \"Data\", says how to get it)\n",
                   argv[0]);
      return false;
    }
    o->iocs = std::string(data) + "/iocs/maltrail-static.tsv.gz";
  }
  return o->count > 0 && o->batch > 0 && o->page > 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  if (!ParseArgs(argc, argv, &opt)) return 2;
  bool own_dir = opt.dir.empty();
  if (own_dir) {
    opt.dir = (std::filesystem::temp_directory_path() / ("bench-store-" + std::to_string(getpid())))
                  .string();
  }
  std::filesystem::create_directories(opt.dir);
  const std::string path = opt.dir + "/entente.db";
  std::filesystem::remove(path);
  std::filesystem::remove(path + "-wal");
  std::filesystem::remove(path + "-shm");
  const std::string record_path = opt.dir + "/audit.db";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(record_path + suffix);

  auto iocs = LoadIocs(opt.iocs, static_cast<size_t>(opt.count));
  if (iocs.empty()) {
    std::fprintf(stderr, "no IOCs read from %s\n", opt.iocs.c_str());
    return 1;
  }
  ObjectMaker maker(std::move(iocs));
  if (!opt.write_bundle.empty()) return WriteBundle(maker, opt.count, opt.write_bundle);
  maker.set_digest(opt.audit);

  entente::store::SqliteOptions so;
  so.create_if_missing = true;
  so.synchronous = opt.synchronous;
  std::shared_ptr<entente::audit::AuditLog> record;
  if (opt.audit) {
    entente::audit::LogOptions lo;
    lo.synchronous = opt.synchronous;
    auto log = entente::audit::AuditLog::Open(record_path, lo);
    if (!log.ok()) {
      std::fprintf(stderr, "%s\n", log.status().ToString().c_str());
      return 1;
    }
    record = std::move(log).value();
    so.observer = std::make_shared<entente::admission::StoreRecorder>(record);
  }
  auto opened = entente::store::OpenSqliteStore(path, so);
  if (!opened.ok()) {
    std::fprintf(stderr, "%s\n", opened.status().ToString().c_str());
    return 1;
  }
  auto& store = *opened;
  const std::string coll = "9f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9";
  if (!store->PutCollection({coll, "cti", "bench", "", entente::policy::Tlp::kGreen, {}, {}})
           .ok()) {
    return 1;
  }

  // ---- ingest ----
  Clock::duration store_time{}, validate_time{}, make_time{};
  double store_cpu = 0;
  int64_t bytes = 0, added = 0, invalid = 0;
  std::vector<NewObject> batch;
  for (int64_t i = 0; i < opt.count;) {
    batch.clear();
    auto t0 = Clock::now();
    for (; i < opt.count && static_cast<int>(batch.size()) < opt.batch; ++i) {
      batch.push_back(maker.Make(i));
      if (opt.no_values) batch.back().values.clear();
      bytes += static_cast<int64_t>(batch.back().json.size());
    }
    auto t1 = Clock::now();
    make_time += t1 - t0;
    if (opt.validate) {
      for (const auto& n : batch) {
        auto v = entente::stix::ParseJson(n.json);
        if (!v.ok() || !v->is_object() || !entente::stix::ValidateObject(v->get_object()).empty()) {
          ++invalid;
        }
      }
      auto t2 = Clock::now();
      validate_time += t2 - t1;
      t1 = t2;
    }
    double c0 = CpuSeconds();
    auto r = store->AddObjects(coll, batch);
    store_time += Clock::now() - t1;
    store_cpu += CpuSeconds() - c0;
    if (!r.ok()) {
      std::fprintf(stderr, "%s\n", r.status().ToString().c_str());
      return 1;
    }
    for (const auto& a : *r) added += a.outcome == entente::store::AddOutcome::kAdded;
  }
  const int64_t db_bytes = FileSize(path), wal_bytes = FileSize(path + "-wal");
  const int64_t record_bytes = FileSize(record_path) + FileSize(record_path + "-wal");
  const int64_t record_entries = record != nullptr ? static_cast<int64_t>(record->Size()) : 0;
  const double st = Seconds(store_time), vt = Seconds(validate_time);
  std::printf(
      "{\"phase\":\"ingest\",\"objects\":%lld,\"added\":%lld,\"batch\":%d,\"synchronous\":\"%s\","
      "\"values\":%s,"
      "\"avg_object_bytes\":%.0f,\"store_seconds\":%.3f,\"store_objects_per_s\":%.0f,"
      "\"store_cpu_seconds\":%.3f,\"store_objects_per_cpu_s\":%.0f,"
      "\"validate\":%s,\"invalid\":%lld,\"validate_seconds\":%.3f,"
      "\"validate_and_store_objects_per_s\":%.0f,\"generate_seconds\":%.3f,"
      "\"db_bytes\":%lld,\"wal_bytes\":%lld,\"disk_bytes_per_object\":%.0f,"
      "\"audit\":\"%s\",\"record_entries\":%lld,\"record_bytes\":%lld,"
      "\"digest_seconds\":%.3f}\n",
      static_cast<long long>(opt.count), static_cast<long long>(added), opt.batch,
      opt.synchronous.c_str(), opt.no_values ? "false" : "true",
      static_cast<double>(bytes) / static_cast<double>(opt.count), st,
      static_cast<double>(opt.count) / st, store_cpu, static_cast<double>(opt.count) / store_cpu,
      opt.validate ? "true" : "false", static_cast<long long>(invalid), vt,
      static_cast<double>(opt.count) / (st + vt), Seconds(make_time),
      static_cast<long long>(db_bytes), static_cast<long long>(wal_bytes),
      static_cast<double>(db_bytes + wal_bytes) / static_cast<double>(opt.count),
      opt.audit ? "on" : "off", static_cast<long long>(record_entries),
      static_cast<long long>(record_bytes), maker.digest_seconds());
  std::fflush(stdout);

  // ---- paginated scan, as a TAXII client pages with the date_added cursor ----
  for (bool all_versions : {false, true}) {
    if (!opt.scan) break;
    int64_t rows = 0, pages = 0, scanned_bytes = 0;
    uint64_t checksum = 0;
    std::optional<int64_t> cursor;
    auto t0 = Clock::now();
    double c0 = CpuSeconds();
    for (;;) {
      entente::store::ObjectQuery q;
      q.collection_id = coll;
      q.added_after_us = cursor;
      q.match_all = all_versions;
      q.match_last = !all_versions;
      int n = 0;
      auto s = store->ScanObjects(q, [&](const entente::store::ObjectRow& r) {
        scanned_bytes += static_cast<int64_t>(r.json.size());
        checksum += static_cast<unsigned char>(r.json[r.json.size() / 2]);
        cursor = r.date_added_us;
        return ++n == opt.page ? entente::store::ScanAction::kStop
                               : entente::store::ScanAction::kContinue;
      });
      if (!s.ok()) {
        std::fprintf(stderr, "%s\n", s.ToString().c_str());
        return 1;
      }
      rows += n;
      ++pages;
      if (n < opt.page) break;
    }
    double secs = Seconds(Clock::now() - t0);
    double cpu = CpuSeconds() - c0;
    std::printf(
        "{\"phase\":\"scan\",\"versions\":\"%s\",\"page\":%d,\"pages\":%lld,\"objects\":%lld,"
        "\"seconds\":%.3f,\"objects_per_s\":%.0f,\"cpu_seconds\":%.3f,\"objects_per_cpu_s\":%.0f,"
        "\"mb_per_s\":%.1f,\"checksum\":%llu}\n",
        all_versions ? "all" : "last", opt.page, static_cast<long long>(pages),
        static_cast<long long>(rows), secs, static_cast<double>(rows) / secs, cpu,
        static_cast<double>(rows) / cpu, static_cast<double>(scanned_bytes) / secs / 1e6,
        static_cast<unsigned long long>(checksum));
    std::fflush(stdout);
  }
  store.reset();
  if (own_dir) std::filesystem::remove_all(opt.dir);
  return 0;
}
