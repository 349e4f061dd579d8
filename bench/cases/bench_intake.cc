// bench_intake: intake reports acknowledged and triaged per second (issue 15: "Aim: 10,000
// intake reports/s acknowledged on one core"; docs/benchmarks.md, "Intake").
//
//   bench_intake --mode core|http [--seconds 5] [--clients 64] [--reporters 16]
//                [--sync FULL|NORMAL] [--dup-every 10] [--server-cpu 0] [--client-cpu 1]
//                [--max-batch 2048] [--dir /tmp/bench-intake] [--server-threads 2]
//
// core: `clients` threads each parse a report's JSON text (cases::ParseIntakeReport), take a
//   token from its reporter's bucket and submit it to an IntakeDesk on a SQLite store,
//   waiting for its acknowledgement (stored, triaged: dedupe, routing, criticality) before
//   the next. Every thread runs on --server-cpu.
// http: the same through `entente serve`'s server (taxii::TaxiiServer, in process) on
//   loopback: `clients` keep-alive connections, each POSTing one report and reading its
//   202 before the next, the server with --server-threads serving threads. The server's
//   threads (HTTP, the committer) run on --server-cpu, the clients on --client-cpu: the
//   server has one core.
// Reports name one of 16 routing rules' sectors and countries and a fresh IPv4 address;
// every --dup-every-th repeats an address seen before (attached by dedupe). Prints one JSON
// line: reports, seconds, reports_per_s, latency p50/p99 (ms), CPU seconds of the process
// and of the server alone (the process's less the client threads'; in core mode all of it),
// and reports per server CPU second: the rate one core of its own would sustain.
#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "cases/intake_desk.h"
#include "common/env.h"
#include "http/testing/client.h"
#include "store/store.h"
#include "taxii/server.h"

namespace {

using namespace entente;

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double ProcessCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

std::string Arg(int argc, char** argv, const char* name, const char* def) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == name) return argv[i + 1];
  }
  return def;
}

void PinTo(int cpu) {
  if (cpu < 0) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

const char* kSectors[] = {"energy", "health", "transport", "finance"};
const char* kCountries[] = {"FR", "DE", "IT", "ES"};
const char* kClasses[] = {"malware", "ddos", "phishing", "intrusions", "scan", "data breach"};

std::string ReportJson(uint64_t n, int dup_every) {
  // A fresh address, or (every dup_every-th) one of the first addresses again.
  const uint64_t a = dup_every > 0 && n % dup_every == 0 ? n / dup_every % 1000 : n;
  char ip[32];
  std::snprintf(ip, sizeof ip, "10.%u.%u.%u", unsigned(a >> 16 & 255), unsigned(a >> 8 & 255),
                unsigned(a & 255));
  return std::string(R"({"description": "Suspicious traffic from a host in our network, report )") +
         std::to_string(n) + R"(", "rsit_class": ")" + kClasses[n % 6] +
         R"(", "observables": [{"type": "ipv4-addr", "value": ")" + ip +
         R"("}], "victim": {"organisation": "Company )" + std::to_string(n % 5000) +
         R"(", "sector": ")" + kSectors[n % 4] + R"(", "country": ")" + kCountries[n / 4 % 4] +
         R"("}, "severity": "high", "nis2": )" + (n % 3 == 0 ? "true" : "false") + "}";
}

cases::IntakeConfig Config() {
  cases::IntakeConfig c;
  c.rate_per_second = 1e9;  // the bucket is consulted for every report, never empty
  c.burst = 1e9;
  for (int s = 0; s < 4; ++s) {
    for (int k = 0; k < 4; ++k) {
      cases::RouteRule r;
      r.name = std::string(kSectors[s]) + "-" + kCountries[k];
      r.sector = kSectors[s];
      r.country = kCountries[k];
      r.to = "peer:cert-" + std::string(kCountries[k]) + "-" + kSectors[s];
      for (char& ch : r.to) ch = static_cast<char>(std::tolower(ch));
      c.routes.push_back(r);
    }
  }
  c.default_route = "org:cert";
  return c;
}

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct Stats {
  std::vector<double> latencies;
  uint64_t failures = 0;
  double client_cpu = 0;  // http: the client thread's own CPU seconds
};

void PrintResult(const char* mode, int clients, double seconds, std::vector<Stats>& per_thread,
                 double cpu, const std::string& sync) {
  std::vector<double> all;
  uint64_t failures = 0;
  double client_cpu = 0;
  for (auto& s : per_thread) {
    all.insert(all.end(), s.latencies.begin(), s.latencies.end());
    failures += s.failures;
    client_cpu += s.client_cpu;
  }
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) {
    return all.empty() ? 0.0 : all[std::min(all.size() - 1, size_t(p * all.size()))] * 1e3;
  };
  std::printf(
      "{\"mode\":\"%s\",\"clients\":%d,\"synchronous\":\"%s\",\"reports\":%zu,\"failures\":%llu,"
      "\"seconds\":%.2f,\"reports_per_s\":%.0f,\"p50_ms\":%.2f,\"p99_ms\":%.2f,"
      "\"cpu_seconds\":%.2f,\"server_cpu_seconds\":%.2f,\"reports_per_server_cpu_s\":%.0f}\n",
      mode, clients, sync.c_str(), all.size(), static_cast<unsigned long long>(failures), seconds,
      all.size() / seconds, pct(0.5), pct(0.99), cpu, cpu - client_cpu,
      all.size() / std::max(1e-9, cpu - client_cpu));
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = Arg(argc, argv, "--mode", "core");
  const double seconds = std::stod(Arg(argc, argv, "--seconds", "5"));
  const int clients = std::stoi(Arg(argc, argv, "--clients", "64"));
  const int reporters = std::max(1, std::stoi(Arg(argc, argv, "--reporters", "16")));
  const std::string sync = Arg(argc, argv, "--sync", "FULL");
  const int dup_every = std::stoi(Arg(argc, argv, "--dup-every", "10"));
  const int server_cpu = std::stoi(Arg(argc, argv, "--server-cpu", "0"));
  const int client_cpu = std::stoi(Arg(argc, argv, "--client-cpu", "1"));
  const size_t max_batch = std::stoull(Arg(argc, argv, "--max-batch", "2048"));
  const std::string dir = Arg(argc, argv, "--dir", "/tmp/bench-intake");
  const int server_threads = std::stoi(Arg(argc, argv, "--server-threads", "2"));
  if (mode != "core" && mode != "http") {
    std::fprintf(stderr, "--mode core|http\n");
    return 2;
  }
  PinTo(server_cpu);  // every thread started from here on inherits it
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  store::SqliteOptions so;
  so.create_if_missing = true;
  so.synchronous = sync;
  auto st = store::OpenSqliteStore(dir + "/entente.db", so);
  if (!st.ok()) {
    std::fprintf(stderr, "open: %s\n", st.status().ToString().c_str());
    return 1;
  }
  store::Store& store = **st;
  (void)store.PutApiRoot({.name = "api"});
  store::Organisation cert{.id = "cert", .name = "cert", .country = "FR"};
  cert.identity_id = "identity--" + NewUuid4();
  cert.admin = true;
  (void)store.PutOrganisation(cert);
  std::vector<cases::ReporterFacts> facts;
  std::vector<std::string> tokens;
  for (int i = 0; i < reporters; ++i) {
    store::Organisation o;
    o.id = "reporter-" + std::to_string(i);
    o.name = o.id;
    o.country = kCountries[i % 4];
    o.sector = kSectors[i % 4];
    o.identity_id = "identity--" + NewUuid4();
    (void)store.PutOrganisation(o);
    facts.push_back({o.id, o.identity_id, o.sector, o.country});
    tokens.push_back(NewToken());
    store::TokenInfo t{.token_id = "tok_" + std::to_string(10000000 + i), .org_id = o.id};
    (void)store.AddToken(t, Sha256Hex(tokens.back()));
  }

  std::atomic<uint64_t> next{1};
  std::atomic<bool> stop{false};
  std::vector<Stats> stats(clients);
  std::vector<std::thread> threads;
  double start = 0, elapsed = 0, cpu0 = 0;

  if (mode == "core") {
    cases::IntakeDeskOptions o;
    o.config = Config();
    o.max_batch = max_batch;
    auto desk = cases::IntakeDesk::Open(store, std::move(o));
    if (!desk.ok()) return 1;
    cpu0 = ProcessCpuSeconds();
    start = Now();
    for (int c = 0; c < clients; ++c) {
      threads.emplace_back([&, c] {
        while (!stop.load(std::memory_order_relaxed)) {
          const uint64_t n = next.fetch_add(1);
          const double t0 = Now();
          auto report = cases::ParseIntakeReport(ReportJson(n, dup_every));
          const auto& who = facts[n % facts.size()];
          int64_t retry = 0;
          if (!report.ok() || !(*desk)->Admit(who, &retry)) {
            ++stats[c].failures;
            continue;
          }
          auto ack = (*desk)->Submit("api", who, std::move(*report));
          if (!ack.ok()) {
            ++stats[c].failures;
            continue;
          }
          stats[c].latencies.push_back(Now() - t0);
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    stop = true;
    for (auto& t : threads) t.join();
    elapsed = Now() - start;
  } else {
    taxii::ServerOptions options;
    // An intake POST holds no thread while its batch commits (a deferred response), so
    // the serving threads are all it needs; write threads serve other POSTs only.
    options.threads = server_threads;
    options.max_connections_per_address = 0;
    options.intake.config = Config();
    options.intake.max_batch = max_batch;
    auto server = taxii::TaxiiServer::Start(store, options);
    if (!server.ok()) {
      std::fprintf(stderr, "start: %s\n", server.status().ToString().c_str());
      return 1;
    }
    const uint16_t port = (*server)->port();
    std::atomic<int> connected{0};
    cpu0 = ProcessCpuSeconds();
    start = Now();
    for (int c = 0; c < clients; ++c) {
      threads.emplace_back([&, c] {
        PinTo(client_cpu);
        auto client = http::testing::Client::Connect("127.0.0.1", port);
        if (!client.ok()) {
          ++stats[c].failures;
          return;
        }
        ++connected;
        const std::vector<std::pair<std::string, std::string>> headers = {
            {"Authorization", "Bearer " + tokens[c % tokens.size()]},
            {"Content-Type", "application/json"},
            {"Accept", "application/json"}};
        while (!stop.load(std::memory_order_relaxed)) {
          const uint64_t n = next.fetch_add(1);
          const double t0 = Now();
          auto res =
              (*client)->Send("POST", "/api/x-entente/intake/", headers, ReportJson(n, dup_every));
          if (!res.ok()) {
            ++stats[c].failures;
            return;
          }
          if (res->status != 202) {
            ++stats[c].failures;
            if (stats[c].failures < 3) {
              std::fprintf(stderr, "%d %s\n", res->status, res->body.c_str());
            }
            continue;
          }
          stats[c].latencies.push_back(Now() - t0);
        }
        stats[c].client_cpu = ThreadCpuSeconds();
      });
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    stop = true;
    for (auto& t : threads) t.join();
    elapsed = Now() - start;
    (*server)->Stop();
  }
  const double cpu = ProcessCpuSeconds() - cpu0;
  PrintResult(mode.c_str(), clients, elapsed, stats, cpu, sync);
  auto count = store.CountObjects(cases::IntakeCollectionId("api"));
  std::fprintf(stderr, "stored reports: %lld\n", static_cast<long long>(count.ok() ? *count : -1));
  return 0;
}
