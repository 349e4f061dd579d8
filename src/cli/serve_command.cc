// `entente serve`: runs the TAXII 2.1 server on the node's store until SIGINT/SIGTERM.
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "admission/admission.h"
#include "cli/listen_address.h"
#include "cli/node_commands.h"
#include "cli/node_util.h"
#include "federation/sync.h"
#include "taxii/server.h"

namespace entente::cli {
namespace {

struct ServeOptions {
  std::string data;
  std::string listen = "127.0.0.1:9440";
  int threads = 0;
  std::string tls_cert;
  std::string tls_key;
  bool no_federation = false;
};

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
  auto store = OpenNodeStore(ResolveDataDir(o.data));
  if (!store.ok()) return Fail(store.status());

  taxii::ServerOptions options;
  options.host = address->host;
  options.port = address->port;
  options.threads = o.threads > 0
                        ? o.threads
                        : std::max(2, static_cast<int>(std::thread::hardware_concurrency()));
  options.tls_cert = o.tls_cert;
  options.tls_key = o.tls_key;
  options.validate = admission::NodeValidateOptions();
  options.access_log = LogLine;
  options.log = LogLine;

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
  LogLine(std::string("entente: serving ") + ResolveDataDir(o.data) + " with " +
          std::to_string(options.threads) +
          " threads; indicator patterns checked; stop with Ctrl-C or SIGTERM");

  // The federation's state is kept with the node's store (declared after the store:
  // destroyed before it).
  std::unique_ptr<store::FederationState> federation_state;
  std::unique_ptr<federation::Federation> federation;
  if (!o.no_federation) {
    auto state = OpenFederationState(**store);
    if (!state.ok()) return Fail(state.status());
    federation_state = std::move(*state);
    federation::FederationOptions fed_options;
    fed_options.limits.validate = options.validate;
    fed_options.log = LogLine;
    auto started =
        federation::Federation::Start(**store, *federation_state, std::move(fed_options));
    if (!started.ok()) return Fail(started.status());
    federation = std::move(*started);
    wake_target->store(federation.get());
  }
  int sig = 0;
  sigwait(&stop_signals, &sig);
  LogLine(std::string("entente: ") + (sig == SIGINT ? "SIGINT" : "SIGTERM") +
          " received, finishing in-flight requests");
  if (federation) federation->Stop();
  (*server)->Stop();
  server->reset();
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
  cmd->callback([o, &ctx] { ctx.exit_code = RunServe(*o); });
}

}  // namespace entente::cli
