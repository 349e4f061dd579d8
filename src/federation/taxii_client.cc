#include "federation/taxii_client.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/core/detail/base64.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <optional>

#include "stix/stix.h"

namespace entente::federation {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace json = boost::json;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;
using Response = bhttp::response<bhttp::string_body>;

constexpr const char* kAccept = "application/taxii+json;version=2.1";

struct Url {
  bool tls = false;
  std::string host;
  std::string port;
  std::string path;  // starts and ends with '/'
};

Result<Url> ParseUrl(std::string_view text) {
  Url url;
  std::string_view rest;
  if (text.starts_with("https://")) {
    url.tls = true;
    rest = text.substr(8);
  } else if (text.starts_with("http://")) {
    rest = text.substr(7);
  } else {
    return Status::InvalidArgument("the API root URL must start with http:// or https:// (url)");
  }
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  url.path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (!url.path.ends_with("/")) url.path += '/';
  if (authority.find('@') != std::string_view::npos) {
    return Status::InvalidArgument("credentials do not belong in the URL (url: use --token)");
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

std::string CertSha256(X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(cert, EVP_sha256(), md, &len) != 1) return "";
  return HexOf(md, len);
}

std::string Base64(std::string_view in) {
  std::string out(beast::detail::base64::encoded_size(in.size()), '\0');
  out.resize(beast::detail::base64::encode(out.data(), in.data(), in.size()));
  return out;
}

std::string StringOr(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

// The TAXII error message of a response body, when it has one.
std::string ErrorText(const Response& res) {
  auto parsed = stix::ParseJson(res.body(), {.max_bytes = 64 * 1024, .max_depth = 8});
  if (!parsed.ok() || !parsed->is_object()) return "";
  std::string title = StringOr(parsed->get_object(), "title");
  std::string description = StringOr(parsed->get_object(), "description");
  if (!description.empty()) title += (title.empty() ? "" : ": ") + description;
  return title.substr(0, 300);
}

Status StatusOfHttp(const Response& res, const std::string& what) {
  const unsigned code = res.result_int();
  if (code >= 200 && code < 300) return Status::Ok();
  std::string m = what + ": HTTP " + std::to_string(code);
  if (code >= 300 && code < 400) {
    auto loc = res.find(bhttp::field::location);
    std::string location = loc == res.end() ? "(no Location)" : std::string(loc->value());
    return Status::InvalidArgument(m + " redirect to " + location +
                                   " (redirects are not followed)");
  }
  const std::string detail = ErrorText(res);
  if (!detail.empty()) m += " (" + detail + ")";
  switch (code) {
    case 401:
      return Status::Unauthenticated(m);
    case 403:
      return Status::PermissionDenied(m);
    case 404:
      return Status::NotFound(m);
    case 413:
      return Status::ResourceExhausted(m);
    case 408:
    case 429:
      return Status::Unavailable(m);
    default:
      break;
  }
  if (code >= 500) return Status::Unavailable(m);
  return Status::InvalidArgument(m);
}

Result<int64_t> CountOf(const json::object& o, std::string_view key, bool required) {
  const json::value* v = o.if_contains(key);
  if (!v) {
    if (required) return Status::InvalidArgument("status resource lacks " + std::string(key));
    return int64_t{0};
  }
  if (!v->is_int64() && !v->is_uint64()) {
    return Status::InvalidArgument("status resource: " + std::string(key) + " is not an integer");
  }
  return v->is_int64() ? v->get_int64() : static_cast<int64_t>(v->get_uint64());
}

Result<StatusResource> ParseStatusResource(const json::value& v) {
  if (!v.is_object()) return Status::InvalidArgument("status resource is not a JSON object");
  const json::object& o = v.get_object();
  StatusResource s;
  s.id = StringOr(o, "id");
  s.status = StringOr(o, "status");
  if (s.id.empty() || (s.status != "complete" && s.status != "pending")) {
    return Status::InvalidArgument(
        "status resource needs an id and a status of complete or pending");
  }
  auto total = CountOf(o, "total_count", true);
  if (!total.ok()) return total.status();
  s.total_count = *total;
  for (auto [key, out] :
       {std::pair{"success_count", &s.success_count}, std::pair{"failure_count", &s.failure_count},
        std::pair{"pending_count", &s.pending_count}}) {
    auto n = CountOf(o, key, false);
    if (!n.ok()) return n.status();
    *out = *n;
  }
  if (const json::value* f = o.if_contains("failures"); f && f->is_array()) {
    for (const auto& d : f->get_array()) {
      if (!d.is_object()) continue;
      s.failures.push_back(StringOr(d.get_object(), "id") + ": " +
                           StringOr(d.get_object(), "message"));
    }
  }
  return s;
}

class ClientImpl final : public TaxiiClient {
 public:
  ClientImpl(ClientOptions o, Url url, std::string pin)
      : o_(std::move(o)),
        url_(std::move(url)),
        pin_(std::move(pin)),
        ssl_ctx_(ssl::context::tls_client) {
    if (!o_.username.empty()) {
      auth_ = "Basic " + Base64(o_.username + ":" + o_.token);
    } else {
      auth_ = "Bearer " + o_.token;
    }
    host_header_ = url_.host;
    if (url_.host.find(':') != std::string::npos) host_header_ = "[" + url_.host + "]";
    if (!((url_.tls && url_.port == "443") || (!url_.tls && url_.port == "80"))) {
      host_header_ += ":" + url_.port;
    }
  }

  Status InitTls() {
    if (!url_.tls) return Status::Ok();
    boost::system::error_code ec;
    ssl_ctx_.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                         ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                         ssl::context::no_tlsv1_1);
    ssl_ctx_.set_verify_mode(ssl::verify_peer, ec);
    if (pin_.empty()) {
      ssl_ctx_.set_default_verify_paths(ec);
      if (!o_.ca_file.empty()) {
        ssl_ctx_.load_verify_file(o_.ca_file, ec);
        if (ec) return Status::IoError("cannot read CA file " + o_.ca_file + ": " + ec.message());
      }
    }
    return Status::Ok();
  }

  Result<json::object> GetCollections() override {
    auto res = Do(bhttp::verb::get, url_.path + "collections/", "", "collections");
    if (!res.ok()) return res.status();
    auto v = ParseBody(*res, "collections");
    if (!v.ok()) return v.status();
    if (!v->is_object()) return Status::InvalidArgument("collections: not a JSON object");
    const json::value* c = v->get_object().if_contains("collections");
    if (c && !c->is_array()) return Status::InvalidArgument("collections: not an array");
    return std::move(v->get_object());
  }

  Result<ObjectsPage> GetObjects(const std::string& collection_id, const ObjectsQuery& q) override {
    std::string target = url_.path + "collections/" + EncodeQueryValue(collection_id) + "/objects/";
    std::string query;
    auto add = [&query](std::string_view key, std::string_view value) {
      query += query.empty() ? '?' : '&';
      query += key;
      query += '=';
      query += EncodeQueryValue(value);
    };
    if (!q.added_after.empty()) add("added_after", q.added_after);
    if (q.limit > 0) add("limit", std::to_string(q.limit));
    if (!q.next.empty()) add("next", q.next);
    for (const auto& [field, value] : q.match)
      add("match%5B" + EncodeQueryValue(field) + "%5D", value);
    auto res = Do(bhttp::verb::get, target + query, "", "objects");
    if (!res.ok()) return res.status();
    auto v = ParseBody(*res, "objects");
    if (!v.ok()) return v.status();
    if (!v->is_object())
      return Status::InvalidArgument("objects: the envelope is not a JSON object");
    json::object& env = v->get_object();
    ObjectsPage page;
    if (json::value* objects = env.if_contains("objects")) {
      if (!objects->is_array()) {
        return Status::InvalidArgument("objects: the envelope's objects is not an array");
      }
      page.objects.reserve(objects->get_array().size());
      size_t i = 0;
      for (json::value& obj : objects->get_array()) {
        if (!obj.is_object()) {
          return Status::InvalidArgument("objects: objects[" + std::to_string(i) +
                                         "] is not a JSON object");
        }
        page.objects.push_back(std::move(obj.get_object()));
        ++i;
      }
    }
    if (const json::value* more = env.if_contains("more")) {
      if (!more->is_bool()) return Status::InvalidArgument("objects: more is not a boolean");
      page.more = more->get_bool();
    }
    if (const json::value* next = env.if_contains("next")) {
      if (!next->is_string()) return Status::InvalidArgument("objects: next is not a string");
      page.next = std::string(next->get_string());
    }
    if (page.more && page.next.empty() && page.objects.empty()) {
      return Status::InvalidArgument("objects: more is true on an empty page without next");
    }
    if (auto it = res->find("X-TAXII-Date-Added-First"); it != res->end()) {
      page.date_added_first = std::string(it->value());
    }
    if (auto it = res->find("X-TAXII-Date-Added-Last"); it != res->end()) {
      page.date_added_last = std::string(it->value());
    }
    return page;
  }

  Result<StatusResource> PostEnvelope(const std::string& collection_id,
                                      const std::string& envelope_json) override {
    auto res = Do(bhttp::verb::post,
                  url_.path + "collections/" + EncodeQueryValue(collection_id) + "/objects/",
                  envelope_json, "add objects");
    if (!res.ok()) return res.status();
    auto v = ParseBody(*res, "add objects");
    if (!v.ok()) return v.status();
    return ParseStatusResource(*v);
  }

  Status DeleteObject(const std::string& collection_id, const std::string& object_id,
                      const std::string& version) override {
    std::string target = url_.path + "collections/" + EncodeQueryValue(collection_id) +
                         "/objects/" + EncodeQueryValue(object_id) + "/";
    if (!version.empty()) target += "?match%5Bversion%5D=" + EncodeQueryValue(version);
    auto res = Do(bhttp::verb::delete_, target, "", "delete object");
    return res.status();
  }

  Result<StatusResource> GetStatus(const std::string& status_id) override {
    auto res = Do(bhttp::verb::get, url_.path + "status/" + EncodeQueryValue(status_id) + "/", "",
                  "status");
    if (!res.ok()) return res.status();
    auto v = ParseBody(*res, "status");
    if (!v.ok()) return v.status();
    return ParseStatusResource(*v);
  }

 private:
  beast::tcp_stream& Lowest() { return tls_ ? beast::get_lowest_layer(*tls_) : *plain_; }

  void RunIo() {
    ioc_.restart();
    ioc_.run();
  }

  void Close() {
    if (tls_) {
      boost::system::error_code ec;
      beast::get_lowest_layer(*tls_).socket().close(ec);
    } else if (plain_) {
      boost::system::error_code ec;
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
      tls_.emplace(ioc_, ssl_ctx_);
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
    if (tls_) {
      SSL* native = tls_->native_handle();
      if (!SSL_set_tlsext_host_name(native, url_.host.c_str())) {
        Close();
        return Status::Internal("cannot set TLS server name");
      }
      if (!pin_.empty()) {
        tls_->set_verify_callback([this](bool, ssl::verify_context& ctx) {
          X509_STORE_CTX* store = ctx.native_handle();
          if (X509_STORE_CTX_get_error_depth(store) > 0) return true;  // the leaf is pinned
          X509* cert = X509_STORE_CTX_get_current_cert(store);
          pin_seen_ = cert ? CertSha256(cert) : "";
          return !pin_seen_.empty() && pin_seen_ == pin_;
        });
      } else {
        tls_->set_verify_callback(ssl::host_name_verification(url_.host));
      }
      Lowest().expires_after(std::chrono::milliseconds(o_.connect_timeout_ms));
      tls_->async_handshake(ssl::stream_base::client,
                            [&ec](boost::system::error_code e) { ec = e; });
      RunIo();
      if (ec) {
        Close();
        std::string m =
            "TLS handshake with " + url_.host + ":" + url_.port + " failed: " + ec.message();
        if (!pin_.empty() && !pin_seen_.empty() && pin_seen_ != pin_) {
          m += " (certificate sha256 " + pin_seen_ + " is not the pinned one)";
          return Status::PermissionDenied(m);
        }
        return Status::Unavailable(m);
      }
    }
    connected_ = true;
    return Status::Ok();
  }

  template <typename Op>
  boost::system::error_code RunWithTimeout(Op&& op) {
    boost::system::error_code ec;
    Lowest().expires_after(std::chrono::milliseconds(o_.io_timeout_ms));
    op([&ec](boost::system::error_code e, size_t) { ec = e; });
    RunIo();
    return ec;
  }

  Result<Response> Do(bhttp::verb verb, const std::string& target, const std::string& body,
                      const std::string& what) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      const bool reused = connected_;
      if (!connected_) ENTENTE_RETURN_IF_ERROR(Connect());
      bhttp::request<bhttp::string_body> req{verb, target, 11};
      req.set(bhttp::field::host, host_header_);
      req.set(bhttp::field::accept, kAccept);
      req.set(bhttp::field::authorization, auth_);
      req.set(bhttp::field::user_agent, "entente-federation");
      if (verb == bhttp::verb::post) {
        req.set(bhttp::field::content_type, kAccept);
        req.body() = body;
      }
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
        if (reused) continue;  // the peer closed an idle keep-alive connection
        return Status::Unavailable(what + ": cannot send to " + url_.host + ": " + ec.message());
      }
      bhttp::response_parser<bhttp::string_body> parser;
      parser.body_limit(o_.max_response_bytes);
      parser.header_limit(64 * 1024);
      ec = RunWithTimeout([&](auto handler) {
        if (tls_) {
          bhttp::async_read(*tls_, buffer_, parser, handler);
        } else {
          bhttp::async_read(*plain_, buffer_, parser, handler);
        }
      });
      if (ec == bhttp::error::body_limit || ec == bhttp::error::header_limit) {
        Close();
        return Status::ResourceExhausted(what + ": the response is larger than " +
                                         std::to_string(o_.max_response_bytes) + " bytes");
      }
      if (ec) {
        Close();
        if (reused && !parser.got_some() && ec != beast::error::timeout) continue;
        if (ec == beast::error::timeout) {
          return Status::Unavailable(what + ": no answer from " + url_.host + " within " +
                                     std::to_string(o_.io_timeout_ms) + " ms");
        }
        return Status::Unavailable(what + ": bad or no response from " + url_.host + ": " +
                                   ec.message());
      }
      Response res = parser.release();
      if (!res.keep_alive()) Close();
      ENTENTE_RETURN_IF_ERROR(StatusOfHttp(res, what));
      return res;
    }
    return Status::Unavailable(what + ": connection to " + url_.host + " closed twice");
  }

  Result<json::value> ParseBody(const Response& res, const std::string& what) {
    auto ct = res.find(bhttp::field::content_type);
    const std::string_view type = ct == res.end()
                                      ? std::string_view()
                                      : std::string_view(ct->value().data(), ct->value().size());
    if (!(type.starts_with("application/taxii+json") || type.starts_with("application/json"))) {
      return Status::InvalidArgument(what + ": Content-Type is \"" + std::string(type) +
                                     "\", not application/taxii+json");
    }
    auto v = stix::ParseJson(res.body(),
                             {.max_bytes = o_.max_response_bytes, .max_depth = o_.max_json_depth});
    if (!v.ok()) {
      return Status(v.status().code(),
                    what + ": the response is not valid JSON: " + v.status().message());
    }
    return std::move(*v);
  }

  ClientOptions o_;
  Url url_;
  std::string pin_;
  std::string pin_seen_;
  std::string auth_;
  std::string host_header_;
  asio::io_context ioc_;
  ssl::context ssl_ctx_;
  std::optional<beast::tcp_stream> plain_;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls_;
  beast::flat_buffer buffer_;
  bool connected_ = false;
};

}  // namespace

Result<std::string> PemCertificateSha256(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (!bio) return Status::Internal("BIO_new_mem_buf failed");
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (!cert) return Status::InvalidArgument("the pinned PEM holds no certificate (pin-pem)");
  std::string hex = CertSha256(cert);
  X509_free(cert);
  if (hex.empty()) return Status::Internal("cannot hash the pinned certificate");
  return hex;
}

std::string EncodeQueryValue(std::string_view value) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size());
  for (unsigned char c : value) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

Result<std::unique_ptr<TaxiiClient>> TaxiiClient::Create(ClientOptions options) {
  auto url = ParseUrl(options.api_root_url);
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
  auto client = std::make_unique<ClientImpl>(std::move(options), std::move(*url), std::move(pin));
  ENTENTE_RETURN_IF_ERROR(client->InitTls());
  return std::unique_ptr<TaxiiClient>(std::move(client));
}

}  // namespace entente::federation
