#include "http/tls.h"

#include <openssl/evp.h>
#include <openssl/pem.h>

namespace entente::http {

namespace {

namespace ssl = boost::asio::ssl;

// A context that refuses anything older than TLS 1.2.
Result<std::unique_ptr<ssl::context>> NewContext(ssl::context::method method) {
  try {
    auto ctx = std::make_unique<ssl::context>(method);
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                     ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    return ctx;
  } catch (const boost::system::system_error& e) {
    return Status::Internal(std::string("cannot create a TLS context: ") + e.what());
  }
}

std::string HexOf(const unsigned char* p, size_t n) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out += kHex[p[i] >> 4];
    out += kHex[p[i] & 15];
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<ssl::context>> MakeServerTlsContext(const std::string& cert_chain_file,
                                                           const std::string& key_file) {
  auto ctx = NewContext(ssl::context::tls_server);
  if (!ctx.ok()) return ctx.status();
  ssl::context& c = **ctx;
  boost::system::error_code ec;
  c.use_certificate_chain_file(cert_chain_file, ec);
  if (ec) {
    return Status::InvalidArgument("cannot load TLS certificate " + cert_chain_file + ": " +
                                   ec.message() + " (tls_cert: readable PEM)");
  }
  c.use_private_key_file(key_file, ssl::context::pem, ec);
  if (ec) {
    return Status::InvalidArgument("cannot load TLS key " + key_file + ": " + ec.message() +
                                   " (tls_key: readable PEM)");
  }
  return ctx;
}

Result<std::unique_ptr<ssl::context>> MakeClientTlsContext(const std::string& ca_file,
                                                           bool pinned) {
  auto ctx = NewContext(ssl::context::tls_client);
  if (!ctx.ok()) return ctx.status();
  ssl::context& c = **ctx;
  boost::system::error_code ec;
  c.set_verify_mode(ssl::verify_peer, ec);
  if (!pinned) {
    c.set_default_verify_paths(ec);
    if (!ca_file.empty()) {
      c.load_verify_file(ca_file, ec);
      if (ec) return Status::IoError("cannot read CA file " + ca_file + ": " + ec.message());
    }
  }
  return ctx;
}

std::string CertificateSha256(X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(cert, EVP_sha256(), md, &len) != 1) return "";
  return HexOf(md, len);
}

Result<std::string> PemCertificateSha256(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (!bio) return Status::Internal("BIO_new_mem_buf failed");
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (!cert) return Status::InvalidArgument("the pinned PEM holds no certificate (pin-pem)");
  std::string hex = CertificateSha256(cert);
  X509_free(cert);
  if (hex.empty()) return Status::Internal("cannot hash the pinned certificate");
  return hex;
}

}  // namespace entente::http
