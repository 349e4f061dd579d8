// http/testing/canned_server.h: a raw TCP server that answers every request with the same
// canned bytes, to imitate broken or hostile HTTP servers in client tests. Not part of
// the library.
//
// It accepts connections on 127.0.0.1 on a thread of its own, reads one request head per
// connection, then writes `response` (or nothing, keeping the connection open, when
// `silent`) and closes the connection. requests() may be read from any thread; the
// destructor stops the thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

namespace entente::http::testing {

class CannedServer {
 public:
  explicit CannedServer(std::string response, bool silent = false);
  ~CannedServer();
  uint16_t port() const { return port_; }
  int requests() const { return requests_.load(); }

 private:
  void Run();
  std::string response_;
  bool silent_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  std::thread thread_;
};

}  // namespace entente::http::testing
