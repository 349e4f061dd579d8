// HTTP server: one accept coroutine, one coroutine per connection (see server.h).
#include "http/server.h"

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <limits>
#include <list>
#include <mutex>
#include <thread>
#include <vector>

#include "http/query.h"
#include "http/tls.h"

namespace entente::http {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);

int64_t MonoMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// What Stop() needs to reach a live connection.
struct Connection {
  bool busy = false;               // a request is being served (touched on the strand only)
  std::function<void()> close;     // closes the socket; run on the connection's strand
  asio::any_io_executor executor;  // the connection's strand
};

class ServerImpl final : public Server {
 public:
  ServerImpl(ServerOptions options, Handler handler)
      : options_(std::move(options)),
        handler_(std::move(handler)),
        acceptor_(asio::make_strand(ioc_)) {}

  ~ServerImpl() override {
    Stop();
    Wait();
  }

  Status Init() {
    try {
      if (!options_.tls_cert.empty() || !options_.tls_key.empty()) {
        if (options_.tls_cert.empty() || options_.tls_key.empty()) {
          return Status::InvalidArgument("TLS needs both a certificate and a key (tls: pair)");
        }
        auto ctx = MakeServerTlsContext(options_.tls_cert, options_.tls_key);
        if (!ctx.ok()) return ctx.status();
        ssl_ = std::move(*ctx);
      }
      boost::system::error_code ec;
      auto address = asio::ip::make_address(options_.host, ec);
      if (ec) {
        return Status::InvalidArgument("bad listen address '" + options_.host +
                                       "' (host: IP address)");
      }
      tcp::endpoint endpoint(address, options_.port);
      acceptor_.open(endpoint.protocol(), ec);
      if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
      if (!ec) acceptor_.bind(endpoint, ec);
      if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
      if (ec) {
        return Status::Unavailable("cannot listen on " + options_.host + ":" +
                                   std::to_string(options_.port) + ": " + ec.message());
      }
      port_ = acceptor_.local_endpoint().port();
    } catch (const std::exception& e) {
      return Status::Internal(std::string("server start: ") + e.what());
    }
    asio::co_spawn(acceptor_.get_executor(), AcceptLoop(), asio::detached);
    int n = options_.threads < 1 ? 1 : options_.threads;
    for (int i = 0; i < n; ++i) {
      threads_.emplace_back([this] { ioc_.run(); });
    }
    return Status::Ok();
  }

  uint16_t port() const override { return port_; }
  bool tls() const override { return ssl_ != nullptr; }

  void Stop() override {
    if (stopping_.exchange(true)) return;
    asio::post(acceptor_.get_executor(), [this] {
      boost::system::error_code ec;
      acceptor_.close(ec);
    });
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& weak : connections_) {
      if (auto conn = weak.lock()) {
        asio::post(conn->executor, [conn] {
          if (!conn->busy && conn->close) conn->close();
        });
      }
    }
  }

  void Wait() override {
    std::lock_guard<std::mutex> lock(wait_mu_);
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
    threads_.clear();
  }

 private:
  asio::awaitable<void> AcceptLoop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor_.async_accept(asio::make_strand(ioc_), kAwait);
      if (ec) {
        if (stopping_ || ec == asio::error::operation_aborted) co_return;
        continue;  // e.g. too many open files: keep serving the others
      }
      if (stopping_) co_return;
      auto executor = socket.get_executor();
      asio::co_spawn(executor, ServeConnection(std::move(socket)), asio::detached);
    }
  }

  asio::awaitable<void> ServeConnection(tcp::socket socket) {
    auto conn = std::make_shared<Connection>();
    conn->executor = socket.get_executor();
    std::string remote;
    {
      boost::system::error_code ec;
      auto ep = socket.remote_endpoint(ec);
      if (!ec) remote = ep.address().to_string() + ":" + std::to_string(ep.port());
    }
    beast::tcp_stream tcp_stream(std::move(socket));
    std::list<std::weak_ptr<Connection>>::iterator it;
    {
      std::lock_guard<std::mutex> lock(mu_);
      connections_.push_back(conn);
      it = std::prev(connections_.end());
    }
    if (ssl_) {
      beast::ssl_stream<beast::tcp_stream> stream(std::move(tcp_stream), *ssl_);
      conn->close = [&stream] {
        boost::system::error_code ec;
        beast::get_lowest_layer(stream).socket().close(ec);
      };
      beast::get_lowest_layer(stream).expires_after(Timeout());
      auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, kAwait);
      if (!ec) {
        co_await Serve(stream, *conn, remote);
        beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(2));
        co_await stream.async_shutdown(kAwait);
      }
      conn->close = nullptr;
    } else {
      conn->close = [&tcp_stream] {
        boost::system::error_code ec;
        tcp_stream.socket().close(ec);
      };
      co_await Serve(tcp_stream, *conn, remote);
      boost::system::error_code ec;
      tcp_stream.socket().shutdown(tcp::socket::shutdown_send, ec);
      conn->close = nullptr;
    }
    std::lock_guard<std::mutex> lock(mu_);
    connections_.erase(it);
  }

  std::chrono::seconds Timeout() const {
    return std::chrono::seconds(options_.read_timeout_seconds > 0 ? options_.read_timeout_seconds
                                                                  : 30);
  }

  template <class Stream>
  asio::awaitable<void> Serve(Stream& stream, Connection& conn, const std::string& remote) {
    beast::flat_buffer buffer;
    for (;;) {
      if (stopping_) co_return;
      bhttp::request_parser<bhttp::string_body> parser;
      parser.header_limit(options_.header_limit);
      // The real limit is set once the head is known (it may depend on the path); the
      // announced Content-Length is checked against it before any body byte is read.
      parser.body_limit(std::numeric_limits<std::uint64_t>::max());
      beast::get_lowest_layer(stream).expires_after(Timeout());
      auto [ec, n] = co_await bhttp::async_read_header(stream, buffer, parser, kAwait);
      if (ec == bhttp::error::header_limit) {
        co_await WriteError(stream, 431, "request header too large", remote);
        co_return;
      }
      if (ec == bhttp::error::end_of_stream || ec) {
        if (ec && ec != bhttp::error::end_of_stream && ec != asio::error::operation_aborted &&
            ec != beast::error::timeout && ec != asio::error::eof &&
            ec != asio::error::connection_reset && ec != asio::error::bad_descriptor &&
            buffer.size() > 0) {
          co_await WriteError(stream, 400, "malformed HTTP request", remote);
        }
        co_return;
      }
      conn.busy = true;
      int64_t start = MonoMicros();
      Request req;
      const auto& head = parser.get();
      req.method = std::string(head.method_string());
      req.target = std::string(head.target());
      req.remote = remote;
      std::string_view path, query;
      SplitTarget(req.target, &path, &query);
      req.path = std::string(path);
      for (const auto& field : head) {
        req.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
      }
      Response res;
      bool parsed_query = true;
      if (auto q = ParseQuery(query); q.ok()) {
        req.query = std::move(q).value();
      } else {
        parsed_query = false;
        res = PlainError(400, q.status().message());
      }
      uint64_t limit = options_.body_limit_for ? options_.body_limit_for(req) : options_.body_limit;
      if (auto cl = parser.content_length(); cl && *cl > limit) {
        co_await WriteError(stream, 413,
                            "request body larger than " + std::to_string(limit) + " bytes", remote,
                            &req);
        co_return;  // the body is never read
      }
      parser.body_limit(limit);
      beast::get_lowest_layer(stream).expires_after(Timeout());
      auto [ec2, n2] = co_await bhttp::async_read(stream, buffer, parser, kAwait);
      if (ec2 == bhttp::error::body_limit) {
        co_await WriteError(stream, 413,
                            "request body larger than " + std::to_string(limit) + " bytes", remote,
                            &req);
        co_return;
      }
      if (ec2) co_return;
      req.body = std::move(parser.get().body());
      bool keep_alive = parser.get().keep_alive();
      if (parsed_query) {
        try {
          res = handler_(req);
        } catch (const std::exception& e) {
          res = PlainError(500, "internal error");
        }
      }
      if (stopping_) keep_alive = false;
      size_t bytes = res.body.size();
      bhttp::response<bhttp::string_body> out;
      out.version(11);
      out.result(static_cast<unsigned>(res.status));
      for (auto& [k, v] : res.headers) out.set(k, v);
      out.body() = std::move(res.body);
      out.keep_alive(keep_alive);
      out.prepare_payload();
      beast::get_lowest_layer(stream).expires_after(Timeout());
      auto [ec3, n3] = co_await bhttp::async_write(stream, out, kAwait);
      Log(req, res.status, bytes, MonoMicros() - start, res.log_user);
      conn.busy = false;
      if (ec3 || !keep_alive) co_return;
    }
  }

  Response PlainError(int status, const std::string& message) const {
    if (options_.error_response) return options_.error_response(status, message);
    Response res;
    res.status = status;
    res.SetHeader("Content-Type", "text/plain; charset=utf-8");
    res.body = message + "\n";
    return res;
  }

  template <class Stream>
  asio::awaitable<void> WriteError(Stream& stream, int status, const std::string& message,
                                   const std::string& remote, const Request* req = nullptr) {
    Response res = PlainError(status, message);
    bhttp::response<bhttp::string_body> out;
    out.version(11);
    out.result(static_cast<unsigned>(status));
    for (auto& [k, v] : res.headers) out.set(k, v);
    out.body() = std::move(res.body);
    out.keep_alive(false);
    out.prepare_payload();
    beast::get_lowest_layer(stream).expires_after(Timeout());
    co_await bhttp::async_write(stream, out, kAwait);
    Request empty;
    if (req == nullptr) empty.remote = remote;
    Log(req ? *req : empty, status, out.body().size(), 0, "");
  }

  void Log(const Request& req, int status, size_t bytes, int64_t micros, const std::string& user) {
    if (!options_.access_log) return;
    AccessLogEntry e;
    e.remote = req.remote;
    e.method = req.method;
    e.target = req.target;
    e.status = status;
    e.bytes = bytes;
    e.micros = micros;
    e.user = user.empty() ? "-" : user;
    options_.access_log(e);
  }

  ServerOptions options_;
  Handler handler_;
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  std::unique_ptr<asio::ssl::context> ssl_;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> threads_;
  std::mutex wait_mu_;
  std::mutex mu_;
  std::list<std::weak_ptr<Connection>> connections_;
};

}  // namespace

std::string AccessLogEntry::ToLine() const {
  return remote + " " + user + " \"" + method + " " + target + "\" " + std::to_string(status) +
         " " + std::to_string(bytes) + " " + std::to_string(micros) + "us";
}

Result<std::unique_ptr<Server>> Server::Start(ServerOptions options, Handler handler) {
  auto server = std::make_unique<ServerImpl>(std::move(options), std::move(handler));
  ENTENTE_RETURN_IF_ERROR(server->Init());
  return std::unique_ptr<Server>(std::move(server));
}

}  // namespace entente::http
