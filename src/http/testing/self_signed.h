// http/testing/self_signed.h: a fresh self-signed certificate for TLS tests (server
// certificates, pinning, extra CA files). Not part of the library.
//
// MakeSelfSigned is safe from any thread; each call writes a new temporary directory,
// which the caller removes (std::filesystem::remove_all(dir)).
#pragma once

#include <string>

namespace entente::http::testing {

struct SelfSigned {
  std::string cert_pem;
  std::string key_pem;
  std::string cert_path;  // cert_pem and key_pem written in `dir`
  std::string key_path;
  std::string dir;
};

// An EC P-256 certificate for CN/SAN 127.0.0.1, valid from an hour ago for a day.
SelfSigned MakeSelfSigned();

}  // namespace entente::http::testing
