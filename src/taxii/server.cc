#include "taxii/server.h"

#include <condition_variable>
#include <mutex>

#include "http/server.h"
#include "taxii/handler.h"
#include "taxii/ingest.h"
#include "taxii/responses.h"

namespace entente::taxii {

namespace {

IngestOptions MakeIngestOptions(const ServerOptions& options) {
  IngestOptions o;
  o.async_threshold = options.async_threshold;
  o.chunk_size = 500;
  o.validate = options.validate;
  o.envelope_pattern_checker = options.envelope_pattern_checker;
  o.warninglists = options.warninglists;
  o.pushing_peer = options.pushing_peer;
  o.max_queued_bytes_per_org = options.max_queued_bytes_per_org;
  o.max_queued_bytes = options.max_queued_bytes;
  o.on_stored = options.on_change;
  o.log = options.log;
  return o;
}

class TaxiiServerImpl final : public TaxiiServer {
 public:
  TaxiiServerImpl(store::Store& store, ServerOptions options,
                  std::unique_ptr<cases::IntakeDesk> intake)
      : options_(std::move(options)),
        ingestor_(store, MakeIngestOptions(options_)),
        intake_(std::move(intake)),
        handler_(store, options_, ingestor_, intake_.get()) {}

  ~TaxiiServerImpl() override { Stop(); }

  Status Init() {
    http::ServerOptions h;
    h.host = options_.host;
    h.port = options_.port;
    h.threads = options_.threads;
    h.tls_cert = options_.tls_cert;
    h.tls_key = options_.tls_key;
    h.read_timeout_seconds = options_.read_timeout_seconds;
    h.first_request_timeout_seconds = options_.first_request_timeout_seconds;
    h.max_connections = options_.max_connections;
    h.max_connections_per_address = options_.max_connections_per_address;
    // A POST to objects writes them: admission checks every object and compiles indicator
    // patterns, on threads that never answer reads. An intake POST is light up to its
    // deferred answer (taxii/intake_route.h): it holds no thread while it waits; the
    // dashboard's POSTs (sign-in, sign-out) are light too.
    h.is_heavy = [this](const http::Request& head) {
      return head.method == "POST" && !TaxiiHandler::IsIntake(head) && !IsUiPath(head.path);
    };
    h.heavy_threads = options_.write_threads;
    h.max_heavy_in_flight = options_.max_writes_in_flight;
    h.busy_retry_after_seconds = options_.retry_after_seconds;
    h.log = options_.log;
    h.error_response = [](int status, const std::string& message) {
      const char* title = status == 413   ? "Payload Too Large"
                          : status == 431 ? "Request Header Fields Too Large"
                          : status == 503 ? "Service Unavailable"
                          : status >= 500 ? "Internal Server Error"
                                          : "Bad Request";
      return TaxiiError(status, title, message);
    };
    h.body_limit_for = [this](const http::Request& head) { return handler_.BodyLimit(head); };
    if (options_.access_log) {
      h.access_log = [this](const http::AccessLogEntry& e) { options_.access_log(e.ToLine()); };
    }
    auto server = http::Server::Start(std::move(h), [this](const http::Request& req) {
      if (IsUiPath(req.path)) return options_.ui_handler(req);
      return handler_.Handle(req);
    });
    if (!server.ok()) {
      ingestor_.Stop();
      return server.status();
    }
    http_ = std::move(server).value();
    return Status::Ok();
  }

  // The dashboard's paths, when this server has a dashboard.
  bool IsUiPath(std::string_view path) const {
    return options_.ui_handler && (path == "/ui" || path.starts_with("/ui/"));
  }

  uint16_t port() const override { return http_->port(); }
  std::string scheme() const override { return http_->tls() ? "https" : "http"; }

  void Stop() override {
    std::lock_guard<std::mutex> stop_lock(stop_mu_);
    if (stopped_) return;
    if (http_) {
      http_->Stop();
      http_->Wait();
    }
    ingestor_.Stop();
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
    cv_.notify_all();
  }

  void Wait() override {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return stopped_; });
  }

 private:
  ServerOptions options_;
  Ingestor ingestor_;
  std::unique_ptr<cases::IntakeDesk> intake_;  // stopped after the HTTP server (destroyed later)
  TaxiiHandler handler_;
  std::unique_ptr<http::Server> http_;
  std::mutex stop_mu_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopped_ = false;
};

}  // namespace

Result<std::unique_ptr<TaxiiServer>> TaxiiServer::Start(store::Store& store,
                                                        ServerOptions options) {
  ENTENTE_RETURN_IF_ERROR(CompleteInterruptedStatuses(store));
  std::unique_ptr<cases::IntakeDesk> intake;
  if (options.intake_enabled) {
    cases::IntakeDeskOptions o = options.intake;
    if (!o.on_stored) o.on_stored = options.on_change;
    if (!o.log) o.log = options.log;
    auto desk = cases::IntakeDesk::Open(store, std::move(o));
    if (!desk.ok()) return desk.status();
    intake = std::move(*desk);
  }
  auto server = std::make_unique<TaxiiServerImpl>(store, std::move(options), std::move(intake));
  ENTENTE_RETURN_IF_ERROR(server->Init());
  return std::unique_ptr<TaxiiServer>(std::move(server));
}

}  // namespace entente::taxii
