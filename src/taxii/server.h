// taxii/server.h: the TAXII 2.1 server — the entry point `entente serve` uses.
//
// TaxiiServer::Start binds host:port (port 0 picks a free port), starts `threads`
// threads serving HTTP/1.1 (HTTPS when tls_cert and tls_key are set), `write_threads`
// threads that process POSTs (so that costly writes never hold up reads) and one
// background worker for large envelopes, and returns once the server accepts
// connections. Every
// request is answered from `store`, which must outlive the server; the server reads the
// API roots, collections, grants and tokens from the store on each request, so changes
// made through the CLI while it runs take effect at once.
//
// Stop() stops accepting, lets in-flight requests finish and queued background
// envelopes complete, then returns; Wait() blocks until Stop() has been called (from any
// thread) and the server has shut down. Both are safe to call from any thread, more
// than once. The destructor calls Stop().
//
// TAXII details that are choices of this server (see docs/cli.md):
//   - every endpoint, discovery included, needs a token (Bearer, or Basic with the
//     token as password);
//   - pages hold at most `limit` objects (default 100, maximum max_page_size);
//   - X-TAXII-Date-Added-First/Last on an empty page both carry the page's lower bound:
//     the `next` cursor or added_after if given, else 1970-01-01T00:00:00.000000Z.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "audit/head.h"
#include "audit/log.h"
#include "cases/intake_desk.h"
#include "entente/status.h"
#include "http/message.h"
#include "pattern/index/warninglist.h"
#include "policy/ingress.h"
#include "stix/stix.h"
#include "store/store.h"

namespace entente::taxii {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;  // 0: pick a free port, see TaxiiServer::port()
  int threads = 2;
  std::string tls_cert;  // PEM file; with tls_key, serve HTTPS only
  std::string tls_key;   // PEM file
  // An envelope with more objects is refused with 413.
  size_t max_objects_per_envelope = 100000;
  // An envelope with more objects is answered at once with a "pending" status and
  // processed by the background worker.
  size_t async_threshold = 1000;
  size_t default_page_size = 100;
  size_t max_page_size = 1000;
  size_t max_json_depth = 64;
  int read_timeout_seconds = 30;
  // Limits against one client taking the service down (http/server.h, taxii/ingest.h;
  // defaults and flags in docs/cli.md): a connection must send its first request head
  // within first_request_timeout_seconds; connections in total and per remote address
  // (0: no cap); POSTs run on write_threads threads of their own, at most
  // max_writes_in_flight at once (beyond: 503); envelopes queued for the background
  // worker are bounded in bytes per organisation (beyond: 429) and in total (503).
  // 503 and 429 carry Retry-After: retry_after_seconds.
  int first_request_timeout_seconds = 10;
  size_t max_connections = 0;
  size_t max_connections_per_address = 0;
  int write_threads = 2;
  size_t max_writes_in_flight = 16;
  uint64_t max_queued_bytes_per_org = 16ull << 20;
  uint64_t max_queued_bytes = 64ull << 20;
  int retry_after_seconds = 5;
  // How objects are checked on POST (set check_pattern to wire the pattern engine).
  stix::ValidateOptions validate;
  // When set, called once per envelope for its pattern check instead of
  // validate.check_pattern (admission::EnvelopePatternChecker: a budget per envelope).
  std::function<stix::PatternChecker()> envelope_pattern_checker;
  // When set, called once per POSTed envelope for the node's warninglists at that
  // moment (taxii/ingest.h: an indicator on one is stored and its success says so).
  // Called from the write threads and the background worker, possibly concurrently.
  // `entente serve` passes a watcher that reloads the lists when the CLI changes them.
  std::function<std::shared_ptr<const pattern::index::WarninglistSet>()> warninglists;
  // The peer pushing as an organisation, for the ingress trust rule (IngestOptions).
  std::function<Result<std::optional<policy::IngressPeer>>(const std::string& org_id)> pushing_peer;
  // One line per request (method, target, status, bytes, microseconds, org). Empty: no
  // access log. Called from the serving threads, possibly concurrently.
  std::function<void(const std::string& line)> access_log;
  // Problems no request is answered with (a queued envelope's status that could not be
  // stored, accept failures, refused connections). Empty: not reported. Called from the
  // background worker and the serving threads, possibly concurrently.
  std::function<void(const std::string& line)> log;
  // Called after a POST (or a queued envelope) stored at least one new object version
  // and after a DELETE removed versions, once the store has committed; from serving or
  // background threads, possibly concurrently. Must return quickly. `entente serve`
  // wakes the federation's push workers with it.
  std::function<void()> on_change;
  // The intake desk behind {root}/x-entente/intake/ (cases/intake_desk.h,
  // taxii/intake_route.h): opened by Start on `store` (its on_stored and log default to
  // on_change and log above). intake_enabled false: no intake route (404).
  bool intake_enabled = true;
  cases::IntakeDeskOptions intake;
  // The node's record (audit/log.h): every GET of objects that serves AMBER,
  // AMBER+STRICT or RED versions appends one restricted-read entry per version served
  // (who, with which token id, which version), in one append per response, before the
  // response leaves; when the record cannot be written the read is answered 503 and
  // nothing is served. Null: reads are not recorded (tests of other things).
  std::shared_ptr<audit::AuditLog> record;
  // When set, answers every request whose path is "/ui" or starts with "/ui/" (the
  // dashboard, web/handler.h), before any TAXII authentication; such requests are never
  // handled on the write threads. Called from the serving threads, possibly concurrently.
  http::Handler ui_handler;
  // The public key the record's heads are signed with, for the heads and proofs the
  // record serves under /x-entente/log/ (taxii/log_route.h; no record: that route is 404).
  audit::PublicKey record_key{};
};

class TaxiiServer {
 public:
  static Result<std::unique_ptr<TaxiiServer>> Start(store::Store& store, ServerOptions options);

  virtual ~TaxiiServer() = default;
  // The port actually bound.
  virtual uint16_t port() const = 0;
  // "http" or "https".
  virtual std::string scheme() const = 0;
  virtual void Stop() = 0;
  virtual void Wait() = 0;
};

}  // namespace entente::taxii
