// bench_taxii_read: fills a collection with N objects, starts the TAXII server on
// 127.0.0.1, and pages through the collection with one keep-alive HTTP client
// (limit=1000, following `next`), measuring objects per second end to end (request,
// store scan, policy gate, envelope building, HTTP transfer, client read).
//
//   bench_taxii_read [--count N] [--limit L] [--threads T] [--store memory|sqlite]
//                    [--dir DIR] [--passes P] [--visible-every K] [--granular-every G]
//
// With --granular-every G, every G-th object marks its description granular TLP:RED (the
// reader is not its owner, so the server takes the description out of each of them);
// without it no object has granular markings and each costs the gate one substring search.
// Prints one JSON line per pass. `server_cpu_seconds` is the process's CPU time less the
// client thread's: the server's share, whatever else runs on this shared machine.
#include <sys/resource.h>
#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <boost/json/parse.hpp>

#include "common/env.h"
#include "common/timestamp.h"
#include "http/testing/client.h"
#include "policy/policy.h"
#include "taxii/server.h"
#include "taxii/testing/memory_store.h"

namespace {

using namespace entente;  // NOLINT: a program, not a header

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double ProcessCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double ThisThreadCpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return double(t.tv_sec) + double(t.tv_nsec) / 1e9;
}

std::string Arg(int argc, char** argv, const char* name, const char* def) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
  }
  return def;
}

constexpr std::string_view kRedDescription =
    ",\"granular_markings\":[{\"marking_ref\":"
    "\"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1\",\"selectors\":[\"description\"]}"
    "]";

// A ~460-byte indicator, as a typical shared IoC (~580 bytes with granular markings).
std::string MakeIndicator(size_t i, bool granular, std::string* id) {
  *id = "indicator--" + NewUuid4();
  char ip[32];
  std::snprintf(ip, sizeof ip, "10.%zu.%zu.%zu", (i >> 16) & 255, (i >> 8) & 255, i & 255);
  return "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"" + *id +
         "\",\"created\":\"2024-01-01T00:00:00.000Z\",\"modified\":\"2024-01-01T00:00:00.000Z\","
         "\"name\":\"Malicious address " +
         ip +
         "\",\"description\":\"Command and control server observed in campaign X\","
         "\"indicator_types\":[\"malicious-activity\"],\"pattern\":\"[ipv4-addr:value = '" +
         ip +
         "']\",\"pattern_type\":\"stix\",\"valid_from\":\"2024-01-01T00:00:00Z\","
         "\"object_marking_refs\":[\"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9\"]" +
         (granular ? std::string(kRedDescription) : std::string()) + "}";
}

}  // namespace

int main(int argc, char** argv) {
  size_t count = std::stoull(Arg(argc, argv, "--count", "1000000"));
  std::string limit = Arg(argc, argv, "--limit", "1000");
  int threads = std::stoi(Arg(argc, argv, "--threads", "1"));
  int passes = std::stoi(Arg(argc, argv, "--passes", "3"));
  std::string kind = Arg(argc, argv, "--store", "memory");
  // Every K-th object is TLP:CLEAR; the others are AMBER for another organisation, so
  // the gate hides them and pages scan K rows per object served.
  size_t visible_every = std::stoull(Arg(argc, argv, "--visible-every", "1"));
  if (visible_every == 0) visible_every = 1;
  const size_t granular_every = std::stoull(Arg(argc, argv, "--granular-every", "0"));

  std::unique_ptr<store::Store> st;
  if (kind == "memory") {
    st = std::make_unique<taxii::testing::MemoryStore>();
  } else if (kind == "sqlite") {
    std::string dir = Arg(argc, argv, "--dir", "/tmp/bench-taxii");
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    store::SqliteOptions o;
    o.create_if_missing = true;
    o.synchronous = "NORMAL";
    auto s = store::OpenSqliteStore(dir + "/entente.db", o);
    if (!s.ok()) {
      std::fprintf(stderr, "open: %s\n", s.status().ToString().c_str());
      return 2;
    }
    st = std::move(s).value();
  } else {
    std::fprintf(stderr, "--store memory|sqlite\n");
    return 2;
  }

  store::ApiRoot root;
  root.name = "api";
  (void)st->PutApiRoot(root);
  store::Organisation org;
  org.id = "reader";
  org.identity_id = "identity--" + NewUuid4();
  (void)st->PutOrganisation(org);
  std::string token = NewToken();
  store::TokenInfo t;
  t.token_id = "tok_reader";
  t.org_id = "reader";
  (void)st->AddToken(t, Sha256Hex(token));
  store::Collection c;
  c.id = NewUuid4();
  c.api_root = "api";
  c.title = "bench";
  c.readers = {"reader"};
  (void)st->PutCollection(c);

  double fill_start = Now();
  size_t bytes = 0;
  std::vector<store::NewObject> batch;
  for (size_t i = 0; i < count; ++i) {
    store::NewObject o;
    o.json = MakeIndicator(i, granular_every != 0 && i % granular_every == 0, &o.id);
    bytes += o.json.size();
    o.type = "indicator";
    o.spec_version = "2.1";
    o.version = "2024-01-01T00:00:00.000Z";
    o.version_us = ParseTimestamp(o.version)->micros;
    // Labelled as admission labels it (policy::LabelObject), the TLP then set by K.
    o.labels = policy::LabelObject(boost::json::parse(o.json).as_object(), policy::Tlp::kAmber,
                                   "publisher");
    o.labels.tlp = i % visible_every == 0 ? policy::Tlp::kClear : policy::Tlp::kAmber;
    batch.push_back(std::move(o));
    if (batch.size() == 10000 || i + 1 == count) {
      auto r = st->AddObjects(c.id, batch);
      if (!r.ok()) {
        std::fprintf(stderr, "fill: %s\n", r.status().ToString().c_str());
        return 1;
      }
      batch.clear();
    }
  }
  double fill_s = Now() - fill_start;
  std::fprintf(stderr, "filled %zu objects (%.0f bytes avg) in %.2f s\n", count,
               count ? double(bytes) / count : 0.0, fill_s);

  taxii::ServerOptions options;
  options.threads = threads;
  options.max_page_size = 10000;
  auto server = taxii::TaxiiServer::Start(*st, options);
  if (!server.ok()) {
    std::fprintf(stderr, "start: %s\n", server.status().ToString().c_str());
    return 1;
  }
  auto client = http::testing::Client::Connect("127.0.0.1", (*server)->port());
  if (!client.ok()) return 1;
  std::vector<std::pair<std::string, std::string>> headers = {
      {"Authorization", "Bearer " + token}, {"Accept", "application/taxii+json;version=2.1"}};
  std::string base = "/api/collections/" + c.id + "/objects/?limit=" + limit;
  for (int pass = 0; pass < passes; ++pass) {
    size_t seen = 0, pages = 0, body_bytes = 0, descriptions = 0;
    std::string next;
    double start = Now();
    const double process_cpu_start = ProcessCpuSeconds(), client_cpu_start = ThisThreadCpuSeconds();
    for (;;) {
      auto res = (*client)->Send("GET", next.empty() ? base : base + "&next=" + next, headers);
      if (!res.ok() || res->status != 200) {
        std::fprintf(stderr, "page failed\n");
        return 1;
      }
      ++pages;
      body_bytes += res->body.size();
      const std::string& b = res->body;
      for (size_t p = b.find("{\"type\":"); p != std::string::npos;
           p = b.find("{\"type\":", p + 8)) {
        ++seen;
      }
      for (size_t p = b.find("\"description\":"); p != std::string::npos;
           p = b.find("\"description\":", p + 14)) {
        ++descriptions;
      }
      size_t n = b.rfind("\"next\":\"");
      if (b.rfind("\"more\":true") == std::string::npos || n == std::string::npos) break;
      next = b.substr(n + 8, b.find('"', n + 8) - (n + 8));
    }
    double s = Now() - start;
    const double server_cpu =
        (ProcessCpuSeconds() - process_cpu_start) - (ThisThreadCpuSeconds() - client_cpu_start);
    std::printf(
        "{\"bench\":\"taxii_read\",\"store\":\"%s\",\"count\":%zu,\"visible_every\":%zu,"
        "\"granular_every\":%zu,"
        "\"seen\":%zu,\"limit\":%s,"
        "\"server_threads\":%d,\"pages\":%zu,\"seconds\":%.3f,\"objects_per_s\":%.0f,"
        "\"mb_per_s\":%.1f,\"server_cpu_seconds\":%.3f,\"objects_per_server_cpu_s\":%.0f}\n",
        kind.c_str(), count, visible_every, granular_every, seen, limit.c_str(), threads, pages, s,
        seen / s, body_bytes / s / 1e6, server_cpu, seen / server_cpu);
    std::fflush(stdout);
    size_t expected = 0, expected_descriptions = 0;
    for (size_t i = 0; i < count; i += visible_every) {
      ++expected;
      if (granular_every == 0 || i % granular_every != 0) ++expected_descriptions;
    }
    if (seen != expected || descriptions != expected_descriptions) {
      std::fprintf(stderr, "saw %zu of %zu objects, %zu descriptions where %zu may be seen\n", seen,
                   expected, descriptions, expected_descriptions);
      return 1;
    }
  }
  (*server)->Stop();
  return 0;
}
