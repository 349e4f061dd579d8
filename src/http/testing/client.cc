#include "http/testing/client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <type_traits>

namespace entente::http::testing {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

// Owns its io_context (and TLS context) so that a Client may outlive any other object.
struct ClientContexts {
  asio::io_context io_context;
  asio::ssl::context ssl_context{asio::ssl::context::tls_client};
};

template <class Stream>
class ClientImpl final : public Client, private ClientContexts {
 public:
  explicit ClientImpl(std::string host) : host_(std::move(host)), stream_(MakeStream()) {}

  asio::io_context& ioc() { return io_context; }
  Stream& stream() { return stream_; }

  Result<Response> Send(const std::string& method, const std::string& target,
                        const std::vector<std::pair<std::string, std::string>>& headers,
                        const std::string& body) override {
    bhttp::request<bhttp::string_body> req;
    req.version(11);
    req.method_string(method);
    req.target(target);
    req.set(bhttp::field::host, host_);
    for (const auto& [k, v] : headers) req.set(k, v);
    req.body() = body;
    req.prepare_payload();
    boost::system::error_code ec;
    bhttp::write(stream_, req, ec);
    if (ec) return Status::Unavailable("write: " + ec.message());
    return Read();
  }

  Result<Response> SendRaw(const std::string& bytes) override {
    boost::system::error_code ec;
    asio::write(stream_, asio::buffer(bytes), ec);
    if (ec) return Status::Unavailable("write: " + ec.message());
    return Read();
  }

 private:
  Result<Response> Read() {
    boost::system::error_code ec;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(1ull << 32);
    bhttp::read(stream_, buffer_, parser, ec);
    if (ec) return Status::Unavailable("read: " + ec.message());
    auto& msg = parser.get();
    Response res;
    res.status = static_cast<int>(msg.result_int());
    for (const auto& field : msg) {
      res.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    res.body = std::move(msg.body());
    return res;
  }

  Stream MakeStream() {
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      return Stream(io_context);
    } else {
      ssl_context.set_verify_mode(asio::ssl::verify_none);
      return Stream(io_context, ssl_context);
    }
  }

  std::string host_;
  Stream stream_;
  beast::flat_buffer buffer_;
};

}  // namespace

Result<std::unique_ptr<Client>> Client::Connect(const std::string& host, uint16_t port, bool tls) {
  boost::system::error_code ec;
  if (!tls) {
    auto client = std::make_unique<ClientImpl<beast::tcp_stream>>(host);
    tcp::resolver resolver(client->ioc());
    auto endpoints = resolver.resolve(host, std::to_string(port), ec);
    if (ec) return Status::Unavailable("resolve: " + ec.message());
    client->stream().connect(endpoints, ec);
    if (ec) return Status::Unavailable("connect: " + ec.message());
    client->stream().socket().set_option(tcp::no_delay(true), ec);
    return std::unique_ptr<Client>(std::move(client));
  }
  auto client = std::make_unique<ClientImpl<beast::ssl_stream<beast::tcp_stream>>>(host);
  tcp::resolver resolver(client->ioc());
  auto endpoints = resolver.resolve(host, std::to_string(port), ec);
  if (ec) return Status::Unavailable("resolve: " + ec.message());
  beast::get_lowest_layer(client->stream()).connect(endpoints, ec);
  if (ec) return Status::Unavailable("connect: " + ec.message());
  client->stream().handshake(asio::ssl::stream_base::client, ec);
  if (ec) return Status::Unavailable("handshake: " + ec.message());
  return std::unique_ptr<Client>(std::move(client));
}

}  // namespace entente::http::testing
