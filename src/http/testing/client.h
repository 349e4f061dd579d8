// http/testing/client.h: a small blocking HTTP/1.1 client for tests and benchmarks.
//
// One Client holds one keep-alive connection (plain TCP, or TLS without certificate
// verification, for tests against a self-signed server). Not safe for concurrent use;
// use one Client per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "entente/status.h"
#include "http/message.h"

namespace entente::http::testing {

class Client {
 public:
  static Result<std::unique_ptr<Client>> Connect(const std::string& host, uint16_t port,
                                                 bool tls = false);
  virtual ~Client() = default;
  // Sends one request and reads the response. Headers are added as given; Host and
  // Content-Length are set automatically. An error means the connection is unusable.
  virtual Result<Response> Send(const std::string& method, const std::string& target,
                                const std::vector<std::pair<std::string, std::string>>& headers,
                                const std::string& body = "") = 0;
  // Sends raw bytes and reads one response (for malformed-request tests).
  virtual Result<Response> SendRaw(const std::string& bytes) = 0;
};

}  // namespace entente::http::testing
