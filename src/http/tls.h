// http/tls.h: the TLS set-up the HTTP server and the HTTP client share (OpenSSL through
// Boost.Asio), and certificate fingerprints for pinning.
//
// A server context presents a certificate chain and key; a client context verifies peers
// against the system CA store plus an optional CA file (the host name is checked per
// connection by the client), or against nothing when the caller pins the leaf
// certificate and checks its fingerprint itself. Both refuse anything older than
// TLS 1.2. Free functions, safe from any thread; the contexts returned are owned by the
// caller and, once set up, may be shared by the connections that use them.
#pragma once

#include <openssl/x509.h>

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

#include "entente/status.h"

namespace entente::http {

// A TLS server context with the certificate chain and private key of two PEM files.
// invalid-argument naming the file that cannot be loaded.
Result<std::unique_ptr<boost::asio::ssl::context>> MakeServerTlsContext(
    const std::string& cert_chain_file, const std::string& key_file);

// A TLS client context that verifies the peer. Unless `pinned`, the peer's chain must
// lead to the system CA store or to a certificate of `ca_file` (PEM, may be empty); when
// `pinned`, no trust anchors are loaded and the caller's verify callback decides.
// io-error when `ca_file` cannot be read.
Result<std::unique_ptr<boost::asio::ssl::context>> MakeClientTlsContext(const std::string& ca_file,
                                                                        bool pinned);

// SHA-256 fingerprint of a certificate's DER form, 64 lower-case hex digits ("" when
// OpenSSL cannot compute it).
std::string CertificateSha256(X509* cert);

// SHA-256 fingerprint (64 lower-case hex digits) of the first certificate in `pem`.
Result<std::string> PemCertificateSha256(const std::string& pem);

}  // namespace entente::http
