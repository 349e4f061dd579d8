// HTTP client: one keep-alive connection driven by a private io_context (see client.h).
#include "http/client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <chrono>
#include <optional>

#include "http/tls.h"

namespace entente::http {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;

constexpr uint32_t kHeaderLimit = 64 * 1024;

std::string Prefixed(const std::string& what, const std::string& message) {
  return what.empty() ? message : what + ": " + message;
}

class ClientImpl final : public Client {
 public:
  ClientImpl(ClientOptions o, Url url, std::string pin, std::unique_ptr<ssl::context> ssl_ctx)
      : o_(std::move(o)),
        url_(std::move(url)),
        pin_(std::move(pin)),
        host_header_(url_.HostHeader()),
        ssl_ctx_(std::move(ssl_ctx)) {}

  const Url& url() const override { return url_; }

  Result<Response> Send(const ClientRequest& request) override {
    const std::string& what = request.what;
    for (int attempt = 0; attempt < 2; ++attempt) {
      const bool reused = connected_;
      if (!connected_) ENTENTE_RETURN_IF_ERROR(Connect());
      bhttp::request<bhttp::string_body> req;
      req.version(11);
      req.method_string(request.method);
      req.target(request.target);
      req.set(bhttp::field::host, host_header_);
      if (!o_.authorization.empty()) req.set(bhttp::field::authorization, o_.authorization);
      req.set(bhttp::field::user_agent, o_.user_agent);
      for (const auto& [name, value] : request.headers) req.set(name, value);
      req.body() = request.body;
      req.keep_alive(true);
      req.prepare_payload();
      boost::system::error_code ec = RunWithTimeout([&](auto handler) {
        if (tls_) {
          bhttp::async_write(*tls_, req, handler);
        } else {
          bhttp::async_write(*plain_, req, handler);
        }
      });
      if (ec) {
        Close();
        if (reused) continue;  // the server closed an idle keep-alive connection
        return Status::Unavailable(
            Prefixed(what, "cannot send to " + url_.host + ": " + ec.message()));
      }
      bhttp::response_parser<bhttp::string_body> parser;
      parser.body_limit(o_.max_response_bytes);
      parser.header_limit(kHeaderLimit);
      ec = RunWithTimeout([&](auto handler) {
        if (tls_) {
          bhttp::async_read(*tls_, buffer_, parser, handler);
        } else {
          bhttp::async_read(*plain_, buffer_, parser, handler);
        }
      });
      if (ec == bhttp::error::body_limit || ec == bhttp::error::header_limit) {
        Close();
        return Status::ResourceExhausted(Prefixed(
            what,
            "the response is larger than " + std::to_string(o_.max_response_bytes) + " bytes"));
      }
      if (ec) {
        Close();
        if (reused && !parser.got_some() && ec != beast::error::timeout) continue;
        if (ec == beast::error::timeout) {
          return Status::Unavailable(Prefixed(what, "no answer from " + url_.host + " within " +
                                                        std::to_string(o_.io_timeout_ms) + " ms"));
        }
        return Status::Unavailable(
            Prefixed(what, "bad or no response from " + url_.host + ": " + ec.message()));
      }
      auto& msg = parser.get();
      if (!msg.keep_alive()) Close();
      const unsigned code = msg.result_int();
      if (code >= 300 && code < 400) {
        auto loc = msg.find(bhttp::field::location);
        std::string location = loc == msg.end() ? "(no Location)" : std::string(loc->value());
        return Status::InvalidArgument(Prefixed(what, "HTTP " + std::to_string(code) +
                                                          " redirect to " + location +
                                                          " (redirects are not followed)"));
      }
      Response res;
      res.status = static_cast<int>(code);
      for (const auto& field : msg) {
        res.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
      }
      res.body = std::move(msg.body());
      return res;
    }
    return Status::Unavailable(Prefixed(what, "connection to " + url_.host + " closed twice"));
  }

 private:
  beast::tcp_stream& Lowest() { return tls_ ? beast::get_lowest_layer(*tls_) : *plain_; }

  void RunIo() {
    ioc_.restart();
    ioc_.run();
  }

  void Close() {
    boost::system::error_code ec;
    if (tls_) {
      beast::get_lowest_layer(*tls_).socket().close(ec);
    } else if (plain_) {
      plain_->socket().close(ec);
    }
    tls_.reset();
    plain_.reset();
    connected_ = false;
  }

  Status Connect() {
    Close();
    buffer_.clear();
    tcp::resolver resolver(ioc_);
    boost::system::error_code ec;
    auto endpoints = resolver.resolve(url_.host, url_.port, ec);
    if (ec) return Status::Unavailable("cannot resolve " + url_.host + ": " + ec.message());
    if (url_.tls) {
      tls_.emplace(ioc_, *ssl_ctx_);
    } else {
      plain_.emplace(ioc_);
    }
    Lowest().expires_after(std::chrono::milliseconds(o_.connect_timeout_ms));
    Lowest().async_connect(endpoints,
                           [&ec](boost::system::error_code e, const tcp::endpoint&) { ec = e; });
    RunIo();
    if (ec) {
      Close();
      return Status::Unavailable("cannot connect to " + url_.host + ":" + url_.port + ": " +
                                 ec.message());
    }
    if (tls_) ENTENTE_RETURN_IF_ERROR(Handshake());
    connected_ = true;
    return Status::Ok();
  }

  Status Handshake() {
    if (!SSL_set_tlsext_host_name(tls_->native_handle(), url_.host.c_str())) {
      Close();
      return Status::Internal("cannot set TLS server name");
    }
    pin_seen_.clear();
    if (!pin_.empty()) {
      tls_->set_verify_callback([this](bool, ssl::verify_context& ctx) {
        X509_STORE_CTX* store = ctx.native_handle();
        if (X509_STORE_CTX_get_error_depth(store) > 0) return true;  // the leaf is pinned
        X509* cert = X509_STORE_CTX_get_current_cert(store);
        pin_seen_ = cert ? CertificateSha256(cert) : "";
        return !pin_seen_.empty() && pin_seen_ == pin_;
      });
    } else {
      tls_->set_verify_callback(ssl::host_name_verification(url_.host));
    }
    boost::system::error_code ec;
    Lowest().expires_after(std::chrono::milliseconds(o_.connect_timeout_ms));
    tls_->async_handshake(ssl::stream_base::client, [&ec](boost::system::error_code e) { ec = e; });
    RunIo();
    if (!ec) return Status::Ok();
    Close();
    std::string m =
        "TLS handshake with " + url_.host + ":" + url_.port + " failed: " + ec.message();
    if (!pin_.empty() && !pin_seen_.empty() && pin_seen_ != pin_) {
      return Status::PermissionDenied(m + " (certificate sha256 " + pin_seen_ +
                                      " is not the pinned one)");
    }
    return Status::Unavailable(m);
  }

  template <typename Op>
  boost::system::error_code RunWithTimeout(Op&& op) {
    boost::system::error_code ec;
    Lowest().expires_after(std::chrono::milliseconds(o_.io_timeout_ms));
    op([&ec](boost::system::error_code e, size_t) { ec = e; });
    RunIo();
    return ec;
  }

  ClientOptions o_;
  Url url_;
  std::string pin_;       // lower-case hex SHA-256 of the pinned leaf; "" when not pinned
  std::string pin_seen_;  // the fingerprint the server presented in the last handshake
  std::string host_header_;
  asio::io_context ioc_;
  std::unique_ptr<ssl::context> ssl_ctx_;  // null for http://
  std::optional<beast::tcp_stream> plain_;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls_;
  beast::flat_buffer buffer_;
  bool connected_ = false;
};

}  // namespace

std::string Url::HostHeader() const {
  std::string out = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (!((tls && port == "443") || (!tls && port == "80"))) out += ":" + port;
  return out;
}

Result<Url> ParseUrl(std::string_view text) {
  Url url;
  std::string_view rest;
  if (text.starts_with("https://")) {
    url.tls = true;
    rest = text.substr(8);
  } else if (text.starts_with("http://")) {
    rest = text.substr(7);
  } else {
    return Status::InvalidArgument("the URL must start with http:// or https:// (url)");
  }
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  url.path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (!url.path.ends_with("/")) url.path += '/';
  if (authority.find('@') != std::string_view::npos) {
    return Status::InvalidArgument("credentials do not belong in the URL (url: give a token)");
  }
  if (authority.starts_with("[")) {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return Status::InvalidArgument("unclosed '[' (url)");
    url.host = std::string(authority.substr(1, close - 1));
    authority = authority.substr(close + 1);
    if (authority.starts_with(":")) url.port = std::string(authority.substr(1));
  } else {
    const size_t colon = authority.rfind(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) url.port = std::string(authority.substr(colon + 1));
  }
  if (url.host.empty()) return Status::InvalidArgument("the URL names no host (url)");
  if (url.port.empty()) url.port = url.tls ? "443" : "80";
  for (char c : url.port) {
    if (c < '0' || c > '9' || url.port.size() > 5) {
      return Status::InvalidArgument("the port must be a number (url: " + std::string(text) + ")");
    }
  }
  for (char c : url.path) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == '?' || c == '#' || c == 0x7f) {
      return Status::InvalidArgument("the URL path has a space, '?' or '#' (url)");
    }
  }
  return url;
}

Result<std::unique_ptr<Client>> Client::Create(ClientOptions options) {
  auto url = ParseUrl(options.url);
  if (!url.ok()) return url.status();
  std::string pin = options.pin_sha256;
  for (char& c : pin) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!options.pin_pem.empty()) {
    auto fp = PemCertificateSha256(options.pin_pem);
    if (!fp.ok()) return fp.status();
    if (!pin.empty() && pin != *fp) {
      return Status::InvalidArgument("pin-sha256 and pin-pem name different certificates");
    }
    pin = *fp;
  }
  if (!pin.empty() && !url->tls) {
    return Status::InvalidArgument("a pinned certificate needs an https:// URL (url)");
  }
  if (options.connect_timeout_ms <= 0 || options.io_timeout_ms <= 0) {
    return Status::InvalidArgument("timeouts must be positive");
  }
  std::unique_ptr<boost::asio::ssl::context> ssl_ctx;
  if (url->tls) {
    auto ctx = MakeClientTlsContext(options.ca_file, /*pinned=*/!pin.empty());
    if (!ctx.ok()) return ctx.status();
    ssl_ctx = std::move(*ctx);
  }
  return std::unique_ptr<Client>(std::make_unique<ClientImpl>(std::move(options), std::move(*url),
                                                              std::move(pin), std::move(ssl_ctx)));
}

}  // namespace entente::http
