// federation/testing_util: helpers for the federation unit tests only — a raw TCP
// server that answers every request with canned bytes (to imitate broken peers) and a
// self-signed certificate generator. Not part of the library.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

namespace entente::federation::testing {

// Accepts connections on 127.0.0.1:<port>; reads one request head, then writes
// `response` (or nothing when `silent`) and closes. Stops in the destructor.
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

struct SelfSigned {
  std::string cert_pem;
  std::string key_pem;
  std::string cert_path;  // files written in a temporary directory
  std::string key_path;
  std::string dir;
};
// A fresh EC P-256 certificate for CN/SAN 127.0.0.1, written to a temporary directory.
SelfSigned MakeSelfSigned();

}  // namespace entente::federation::testing
