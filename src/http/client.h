// http/client.h: a blocking HTTP/1.1 client for one server, plain or over TLS, on
// Boost.Beast/Asio and OpenSSL. It knows nothing of the protocol spoken over it.
//
// A Client talks to the origin (scheme, host, port) of its URL on one keep-alive
// connection, opened by the first request and again whenever the server has closed it;
// a request that fails on a reused idle connection before any answer arrived is sent
// once more on a fresh one. Every step is bounded: connecting and the TLS handshake by
// connect_timeout_ms, each write and each read by io_timeout_ms, the response head by
// 64 KiB and its body by max_response_bytes.
//
// TLS verifies the server against the system CA store (plus ca_file) and the URL's host
// name, unless a certificate is pinned: then the server's leaf certificate must have
// exactly the pinned SHA-256 fingerprint (of its DER form), whatever signed it.
//
// Redirects are never followed: a 3xx is an invalid-argument error naming the Location.
// Every other response is returned as it came, whatever its code; StatusOfHttpCode
// (http/status_codes.h) gives the generic meaning of a code, the protocol layer the
// rest. Errors: invalid-argument (bad options, a redirect), unavailable (cannot resolve,
// connect, send or read; timeout; not HTTP), permission-denied (the server's certificate
// is not the pinned one), resource-exhausted (response too large), io-error (unreadable
// CA file). Messages start with the request's `what` when it is set.
//
// A Client is not safe for concurrent use: use one per thread. Send returns the
// response by value.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "entente/status.h"
#include "http/message.h"

namespace entente::http {

// An http:// or https:// URL without credentials, query or fragment.
struct Url {
  bool tls = false;
  std::string host;  // an IPv6 address without its brackets
  std::string port;  // decimal; 80 or 443 when the URL names none
  std::string path;  // starts and ends with '/'

  // The Host header for this URL: the host (bracketed if IPv6), with ":port" unless it is
  // the scheme's default.
  std::string HostHeader() const;
};

// Parses "http(s)://host[:port][/path]". A path that does not end with '/' gets one.
// invalid-argument naming what is wrong: another scheme, credentials, no host, a port
// that is not a number, or a space, '?' or '#' in the path.
Result<Url> ParseUrl(std::string_view text);

struct ClientOptions {
  std::string url;            // "http(s)://host[:port]/path/": the server; the path is the
                              // base that callers build request targets on (Client::url())
  std::string authorization;  // Authorization header sent with every request ("" none);
                              // see BearerAuthorization/BasicAuthorization in http/query.h
  std::string user_agent = "entente";
  std::string pin_sha256;  // 64 hex digits: the pinned leaf certificate's fingerprint
  std::string pin_pem;     // or the pinned certificate itself (PEM text)
  std::string ca_file;     // extra trust anchors (PEM) when not pinned
  int connect_timeout_ms = 5000;
  int io_timeout_ms = 30000;
  size_t max_response_bytes = 32 * 1024 * 1024;
};

struct ClientRequest {
  std::string method = "GET";
  std::string target;  // origin form, e.g. "/api/collections/?limit=5", already encoded
  std::vector<std::pair<std::string, std::string>> headers;  // besides Host,
                                                             // Authorization, User-Agent
  std::string body;  // with Content-Length (none for an empty GET/DELETE)
  std::string what;  // what the request is for, to begin error messages ("" none)
};

class Client {
 public:
  // Checks the options (URL, pin, timeouts) and prepares TLS; connects on the first Send.
  static Result<std::unique_ptr<Client>> Create(ClientOptions options);
  virtual ~Client() = default;

  virtual const Url& url() const = 0;
  // Sends one request and reads its whole response (see the errors above).
  virtual Result<Response> Send(const ClientRequest& request) = 0;
};

}  // namespace entente::http
