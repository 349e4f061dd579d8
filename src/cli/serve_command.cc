// `entente serve`: runs the TAXII 2.1 server on the node's store until SIGINT/SIGTERM.
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "admission/admission.h"
#include "cli/hotline_loop.h"
#include "cli/listen_address.h"
#include "cli/node_commands.h"
#include "cli/node_record.h"
#include "cli/node_util.h"
#include "cli/warninglists.h"
#include "federation/sync.h"
#include "taxii/server.h"
#include "web/handler.h"

namespace entente::cli {
namespace {

struct ServeOptions {
  std::string data;
  std::string listen = "127.0.0.1:9440";
  int threads = 0;
  std::string tls_cert;
  std::string tls_key;
  bool no_federation = false;
  // Limits against one client taking the service down (docs/cli.md).
  int write_threads = 2;
  size_t max_writes_in_flight = 16;
  size_t max_connections = 0;  // 0: the descriptor limit less kReservedDescriptors
  size_t max_connections_per_address = 128;
  int first_request_timeout = 10;
  uint64_t queue_bytes_per_org = 16ull << 20;
  uint64_t queue_bytes = 64ull << 20;
  size_t envelope_pattern_budget = admission::PatternLimits().envelope_instructions;
  // Seconds between hotline ticks (deliveries, escalations); 0: none (issue 15).
  int64_t hotline_interval = 30;
  // The dashboard at /ui/ (docs/dashboard.md): how long a session lasts; off with --no-ui.
  int64_t ui_session_seconds = 8 * 3600;
  bool no_ui = false;
  // Seconds between signed heads of the record while it grows (issue 16); and between
  // witnessings of each peer's record.
  int64_t head_interval = 300;
  int64_t witness_interval = 60;
};

void LogLine(const std::string& line);

// Signs a head of the node's record at start and then every `interval_s` seconds when
// the record grew since the last head (a head of an unchanged record says nothing new).
class HeadSigner {
 public:
  HeadSigner(audit::AuditLog& log, const audit::NodeKey& key, int64_t interval_s)
      : log_(log), key_(key), interval_s_(interval_s) {
    SignIfGrown();
    if (interval_s_ > 0) thread_ = std::thread([this] { Run(); });
  }
  ~HeadSigner() { Stop(); }
  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void Run() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!cv_.wait_for(lock, std::chrono::seconds(interval_s_), [this] { return stopping_; })) {
      lock.unlock();
      SignIfGrown();
      lock.lock();
    }
  }
  void SignIfGrown() {
    auto latest = log_.LatestHead();
    if (latest.ok() && *latest && (*latest)->head.tree_size == log_.Size()) return;
    auto head = log_.SignHead(key_);
    if (!head.ok()) LogLine("entente: cannot sign the record's head: " + head.status().ToString());
  }

  audit::AuditLog& log_;
  const audit::NodeKey& key_;
  const int64_t interval_s_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

// Descriptors kept for what is not a client connection (the store's files, peers'
// connections, logs) when the connection cap is derived from the descriptor limit.
constexpr uint64_t kReservedDescriptors = 64;

struct Descriptors {
  uint64_t soft = 0;    // after raising
  uint64_t before = 0;  // the soft limit found at start
};

// Raises the soft limit on open descriptors to the hard limit (each client connection
// holds one).
Descriptors RaiseDescriptorLimit() {
  Descriptors d;
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return d;
  d.before = d.soft = lim.rlim_cur;
  if (lim.rlim_cur < lim.rlim_max) {
    rlimit raised = lim;
    raised.rlim_cur = lim.rlim_max;
    // An unlimited hard limit still has the kernel's ceiling (fs.nr_open).
    if (setrlimit(RLIMIT_NOFILE, &raised) != 0 && lim.rlim_max == RLIM_INFINITY) {
      raised.rlim_cur = 1 << 20;
      if (setrlimit(RLIMIT_NOFILE, &raised) != 0) raised.rlim_cur = lim.rlim_cur;
    }
    if (getrlimit(RLIMIT_NOFILE, &lim) == 0) d.soft = lim.rlim_cur;
  }
  return d;
}

void LogLine(const std::string& line) {
  static std::mutex mu;
  std::lock_guard<std::mutex> lock(mu);
  std::string out = line;
  out += '\n';
  std::fwrite(out.data(), 1, out.size(), stderr);
  std::fflush(stderr);
}

int RunServe(const ServeOptions& o) {
  auto address = ParseListenAddress(o.listen);
  if (!address.ok()) return UsageError(address.status().message());
  if (o.threads < 0 || o.threads > 1024) {
    return UsageError("invalid thread count (--threads: 1-1024, 0 = one per core)");
  }
  if (o.tls_cert.empty() != o.tls_key.empty()) {
    return UsageError("TLS needs both files (--tls-cert/--tls-key: give both or neither)");
  }
  if (o.write_threads < 1 || o.write_threads > 1024) {
    return UsageError("invalid write thread count (--write-threads: 1-1024)");
  }
  if (o.hotline_interval < 0 || o.hotline_interval > 86400) {
    return UsageError("invalid hotline interval (--hotline-interval: seconds, 0-86400)");
  }
  if (o.ui_session_seconds < 1 || o.ui_session_seconds > 30 * 86400) {
    return UsageError("invalid session length (--ui-session-seconds: 1-2592000)");
  }
  if (o.head_interval < 0 || o.witness_interval < 0) {
    return UsageError("invalid interval (--head-interval, --witness-interval: seconds, >= 0)");
  }
  if (o.first_request_timeout < 1) {
    return UsageError("invalid first request timeout (--first-request-timeout: seconds, >= 1)");
  }
  const Descriptors fds = RaiseDescriptorLimit();
  size_t max_connections = o.max_connections;
  if (max_connections == 0) {
    max_connections = static_cast<size_t>(
        fds.soft > 2 * kReservedDescriptors ? fds.soft - kReservedDescriptors : fds.soft / 2);
  }
  auto store = OpenNodeStore(ResolveDataDir(o.data));
  if (!store.ok()) return Fail(store.status());
  // The node's record (the store already records its writes there: restricted reads and
  // egress decisions are recorded by the TAXII server and the federation) and its key
  // (docs/record.md), made now for a node that predates them.
  auto record = OpenNodeRecord(ResolveDataDir(o.data));
  if (!record.ok()) return Fail(record.status());
  bool key_created = false;
  auto node_key = audit::NodeKey::LoadOrCreate(NodeKeyFileIn(ResolveDataDir(o.data)), &key_created);
  if (!node_key.ok()) return Fail(node_key.status());
  if (key_created) {
    LogLine("entente: made the node's record key " + NodeKeyFileIn(ResolveDataDir(o.data)) +
            " (public key " +
            audit::BytesHex(node_key->public_key().data(), node_key->public_key().size()) + ")");
  }
  // The node's warninglists, as `entente warninglist` changes them while the node runs
  // (looked at once a second at most): an indicator POSTed that looks for a listed value
  // is flagged in its status.
  auto warninglists =
      std::make_shared<WarninglistWatcher>(ResolveDataDir(o.data), SystemClock(), LogLine);
  const size_t list_count = warninglists->Current()->set.lists().size();

  taxii::ServerOptions options;
  options.host = address->host;
  options.port = address->port;
  options.threads = o.threads > 0
                        ? o.threads
                        : std::max(2, static_cast<int>(std::thread::hardware_concurrency()));
  options.tls_cert = o.tls_cert;
  options.tls_key = o.tls_key;
  options.validate = admission::NodeValidateOptions();
  options.record = *record;
  admission::PatternLimits pattern_limits;
  pattern_limits.envelope_instructions = o.envelope_pattern_budget;
  options.envelope_pattern_checker = [pattern_limits] {
    return admission::EnvelopePatternChecker(pattern_limits);
  };
  options.write_threads = o.write_threads;
  options.max_writes_in_flight = o.max_writes_in_flight;
  options.max_connections = max_connections;
  options.max_connections_per_address = o.max_connections_per_address;
  options.first_request_timeout_seconds = o.first_request_timeout;
  options.max_queued_bytes_per_org = o.queue_bytes_per_org;
  options.max_queued_bytes = o.queue_bytes;
  options.access_log = LogLine;
  options.log = LogLine;
  options.warninglists = [warninglists] { return warninglists->CurrentSet(); };
  // Intake (docs/cases.md): its rules and limits, as `entente intake route` edits them.
  options.intake.config_path = ResolveDataDir(o.data) + "/" + std::string(cases::kIntakeConfigFile);
  // Heads and proofs beside TAXII (taxii/log_route.h), signed every --head-interval.
  options.record_key = node_key->public_key();
  HeadSigner head_signer(**record, *node_key, o.head_interval);

  // The federation's state is kept with the node's store (declared after the store:
  // destroyed before it). Opened before the server: a peer that pushes here with a local
  // organisation's token (peer add --local-org) meets the ingress trust rule as a pull
  // from it would, also when this node does not sync itself (--no-federation).
  std::unique_ptr<store::FederationState> federation_state;
  {
    auto state = OpenFederationState(**store);
    if (!state.ok()) return Fail(state.status());
    federation_state = std::move(*state);
  }
  options.pushing_peer =
      [state = federation_state.get()](
          const std::string& org_id) -> Result<std::optional<policy::IngressPeer>> {
    auto peers = state->ListPeers();
    if (!peers.ok()) return peers.status();
    for (const store::Peer& p : *peers) {
      if (!p.local_org.empty() && p.local_org == org_id) {
        return std::optional<policy::IngressPeer>(
            policy::IngressPeer{p.name, p.local_org, p.recipients});
      }
    }
    return std::optional<policy::IngressPeer>();
  };

  // The dashboard, on the same port, reading through the same gate (web/handler.h); its
  // administration is recorded by the store, as every change is.
  std::unique_ptr<web::WebHandler> ui;
  if (!o.no_ui) {
    web::WebOptions ui_options;
    ui_options.session_seconds = o.ui_session_seconds;
    ui_options.secure_cookies = !o.tls_cert.empty();
    ui_options.record = record->get();  // the record page (web/record_reads.h)
    ui = std::make_unique<web::WebHandler>(**store, federation_state.get(), ui_options);
    options.ui_handler = [h = ui.get()](const http::Request& req) { return h->Handle(req); };
  }

  // Block the stop signals in every thread (the server's threads inherit this mask) and
  // wait for them here.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  // Local writes wake the push workers (set once the federation runs; the server is
  // stopped before the federation is destroyed).
  auto wake_target = std::make_shared<std::atomic<federation::Federation*>>(nullptr);
  options.on_change = [wake_target] {
    if (federation::Federation* f = wake_target->load()) f->Wake();
  };
  auto server = taxii::TaxiiServer::Start(**store, options);
  if (!server.ok()) {
    return Fail(Status(server.status().code(),
                       "cannot serve on " + o.listen + ": " + server.status().message()));
  }
  std::string url = DiscoveryUrl((*server)->scheme(), address->host, (*server)->port());
  std::cout << "listening on " << url << std::endl;
  LogLine(
      std::string("entente: serving ") + ResolveDataDir(o.data) + " with " +
      std::to_string(options.threads) + " threads and " + std::to_string(options.write_threads) +
      " write threads; " + std::to_string(fds.soft) + " file descriptors" +
      (fds.soft != fds.before ? " (soft limit raised from " + std::to_string(fds.before) + ")"
                              : "") +
      ", at most " + std::to_string(max_connections) + " connections, " +
      std::to_string(o.max_connections_per_address) + " per address; indicator patterns checked; " +
      std::to_string(list_count) + " warninglist(s); stop with Ctrl-C or SIGTERM");

  std::unique_ptr<federation::Federation> federation;
  if (!o.no_federation) {
    federation::FederationOptions fed_options;
    fed_options.limits.validate = options.validate;
    fed_options.limits.record = *record;
    fed_options.log = LogLine;
    fed_options.witness_interval_ms = o.witness_interval * 1000;
    auto started =
        federation::Federation::Start(**store, *federation_state, std::move(fed_options));
    if (!started.ok()) return Fail(started.status());
    federation = std::move(*started);
    wake_target->store(federation.get());
  }
  // The hotline's deliveries and escalations, recorded without anyone watching, the
  // scheduled pings (DATA/hotline-pings.json) and the routed intake reports forwarded
  // (DATA/intake.json); what it stores wakes the push workers like a TAXII POST.
  std::unique_ptr<HotlineLoop> hotline;
  if (o.hotline_interval > 0) {
    hotline = std::make_unique<HotlineLoop>(**store, SystemClock(), o.hotline_interval,
                                            ResolveDataDir(o.data), LogLine, [wake_target] {
                                              if (auto* f = wake_target->load()) f->Wake();
                                            });
  }
  int sig = 0;
  sigwait(&stop_signals, &sig);
  LogLine(std::string("entente: ") + (sig == SIGINT ? "SIGINT" : "SIGTERM") +
          " received, finishing in-flight requests");
  if (hotline) hotline->Stop();
  if (federation) federation->Stop();
  (*server)->Stop();
  server->reset();
  ui.reset();
  head_signer.Stop();
  federation.reset();
  federation_state.reset();
  store->reset();
  LogLine("entente: stopped");
  return kExitOk;
}

}  // namespace

void RegisterServeCommand(CLI::App& app, CommandContext& ctx) {
  auto o = std::make_shared<ServeOptions>();
  CLI::App* cmd = app.add_subcommand("serve", "Serve TAXII 2.1 until SIGINT/SIGTERM");
  AddDataOption(cmd, &o->data);
  cmd->add_option("--listen", o->listen, "HOST:PORT, [IPv6]:PORT; port 0 picks a free port")
      ->capture_default_str();
  cmd->add_option("--threads", o->threads, "serving threads (default: one per core, at least 2)");
  cmd->add_option("--tls-cert", o->tls_cert, "PEM certificate chain (serve HTTPS)");
  cmd->add_option("--tls-key", o->tls_key, "PEM private key");
  cmd->add_flag("--no-federation", o->no_federation,
                "serve TAXII only; do not sync with peers (`entente peer sync` still does)");
  cmd->add_option("--write-threads", o->write_threads,
                  "threads that process POSTs, apart from those answering reads")
      ->capture_default_str();
  cmd->add_option("--max-writes-in-flight", o->max_writes_in_flight,
                  "POSTs admitted at once, waiting or running (beyond: 503); 0 = no cap")
      ->capture_default_str();
  cmd->add_option("--max-connections", o->max_connections,
                  "connections at once (beyond: closed at once); default: the descriptor limit "
                  "less 64");
  cmd->add_option("--max-connections-per-address", o->max_connections_per_address,
                  "connections at once from one IP address (beyond: closed at once); 0 = no cap")
      ->capture_default_str();
  cmd->add_option("--first-request-timeout", o->first_request_timeout,
                  "seconds a new connection has to send its first request")
      ->capture_default_str();
  cmd->add_option("--queue-bytes-per-org", o->queue_bytes_per_org,
                  "bytes of large envelopes one organisation may have waiting (beyond: 429); "
                  "0 = no bound")
      ->capture_default_str();
  cmd->add_option("--queue-bytes", o->queue_bytes,
                  "bytes of large envelopes waiting in total (beyond: 503); 0 = no bound")
      ->capture_default_str();
  cmd->add_option("--envelope-pattern-budget", o->envelope_pattern_budget,
                  "RE2 instructions one envelope's patterns may compile (MATCHES); the patterns "
                  "beyond are refused; 0 = no budget")
      ->capture_default_str();
  cmd->add_option("--hotline-interval", o->hotline_interval,
                  "seconds between hotline ticks: scheduled pings sent, routed intake reports "
                  "forwarded, deliveries and due escalations recorded (`entente hotline tick` "
                  "once); 0 = none")
      ->capture_default_str();
  cmd->add_option("--ui-session-seconds", o->ui_session_seconds,
                  "how long a dashboard session (/ui/) lasts after sign-in")
      ->capture_default_str();
  cmd->add_flag("--no-ui", o->no_ui, "serve no dashboard: /ui/ is then a TAXII path (404)");
  cmd->add_option("--head-interval", o->head_interval,
                  "seconds between signed heads of the record while it grows (one at start); "
                  "0 = only at start")
      ->capture_default_str();
  cmd->add_option("--witness-interval", o->witness_interval,
                  "seconds between witnessings of each peer's record (its signed head checked "
                  "against the one kept); 0 = never")
      ->capture_default_str();
  cmd->callback([o, &ctx] { ctx.exit_code = RunServe(*o); });
}

}  // namespace entente::cli
