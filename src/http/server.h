// http/server.h: an HTTP/1.1 (optionally HTTPS) server on Boost.Beast/Asio.
//
// Server::Start binds, starts a fixed pool of threads running one io_context, and
// returns once connections are accepted. Each connection is served by one coroutine on
// its own strand: keep-alive, header size limit (431), body size limit checked from the
// header before the body is read (413, connection closed), read/write timeout, and a
// call of the Handler per request on a serving thread (handlers may block; a pool of N
// threads serves N requests at once).
//
// Requests that ServerOptions::is_heavy marks (from their head) are handled on a
// separate pool of heavy_threads threads, the connection's coroutine awaiting the
// result, so that costly writes never occupy the threads that answer the others; at
// most max_heavy_in_flight of them are admitted at once (queued or running), beyond
// which a heavy request is answered 503 with Retry-After before its body is read.
//
// Descriptors: at most max_connections connections at once, and at most
// max_connections_per_address from one remote IP address; a connection beyond either
// cap is closed at once, unread. A connection that has not sent a complete first
// request head within first_request_timeout_seconds is closed. When accepting fails
// (e.g. EMFILE, out of descriptors) the accept loop waits before the next attempt,
// doubling the wait from 5 ms up to 1 s while the failures last, and reports each
// failure with its running count through `log`.
//
// Stop() stops accepting, closes idle connections, lets in-flight requests finish and
// returns at once; Wait() joins the threads once every connection has ended. Both are
// safe from any thread and idempotent; the destructor stops and waits. The server
// never prints: access lines go to `access_log` and problems to `log` when set.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "entente/status.h"
#include "http/message.h"

namespace entente::http {

struct AccessLogEntry {
  std::string remote;
  std::string method;
  std::string target;
  int status = 0;
  size_t bytes = 0;    // response body bytes
  int64_t micros = 0;  // from the end of the header read to the end of the write
  std::string user;    // Response::log_user of the handler, "-" when empty
  std::string ToLine() const;
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;  // 0: any free port
  int threads = 2;
  std::string tls_cert;  // PEM certificate chain file; with tls_key: HTTPS only
  std::string tls_key;   // PEM private key file
  uint32_t header_limit = 16 * 1024;
  uint64_t body_limit = 1024 * 1024;
  // When set, gives the body limit of one request from its head (method, path, query,
  // headers; no body yet), replacing body_limit.
  std::function<uint64_t(const Request& head)> body_limit_for;
  int read_timeout_seconds = 30;
  // A connection that has not sent its first request head within this is closed.
  int first_request_timeout_seconds = 10;
  // Connections at once, in total and from one remote IP address; 0: no cap.
  size_t max_connections = 0;
  size_t max_connections_per_address = 0;
  // When set, marks (from the head) the requests handled on the heavy pool.
  std::function<bool(const Request& head)> is_heavy;
  int heavy_threads = 2;
  // Heavy requests admitted at once (waiting or running); beyond: 503. 0: no cap.
  size_t max_heavy_in_flight = 16;
  // Retry-After (seconds) of the 503 answered when max_heavy_in_flight is reached.
  int busy_retry_after_seconds = 5;
  std::function<void(const AccessLogEntry&)> access_log;
  // Problems no request is answered with (accept failures, refused connections).
  // Called from the serving threads, possibly concurrently. Empty: not reported.
  std::function<void(const std::string& line)> log;
  // When set, builds the responses the server itself sends (400 malformed request or
  // query, 413 body too large, 431 header too large, 500 handler exception, 503 too
  // many heavy requests) so that
  // they follow the application's error format; default: text/plain.
  std::function<Response(int status, const std::string& message)> error_response;
};

class Server {
 public:
  static Result<std::unique_ptr<Server>> Start(ServerOptions options, Handler handler);
  virtual ~Server() = default;
  virtual uint16_t port() const = 0;
  virtual bool tls() const = 0;
  virtual void Stop() = 0;
  virtual void Wait() = 0;
};

}  // namespace entente::http
