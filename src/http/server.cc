// HTTP server: one accept coroutine, one coroutine per connection (see server.h).
#include "http/server.h"

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <limits>
#include <list>
#include <map>
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

// Waits between accept attempts while accepting fails (e.g. out of descriptors).
constexpr auto kFirstAcceptBackoff = std::chrono::milliseconds(5);
constexpr auto kMaxAcceptBackoff = std::chrono::milliseconds(1000);

// Whether to report the n-th event of a kind: the 1st, 2nd, 4th, 8th... so that a flood
// is reported with its count in a bounded number of lines.
bool PowerOfTwo(uint64_t n) { return n != 0 && (n & (n - 1)) == 0; }

int64_t MonoMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// A heavy request's place in the count of those in flight, left however the request
// ends (a coroutine may be destroyed at any suspension point).
struct HeavySlot {
  std::atomic<size_t>* count = nullptr;
  ~HeavySlot() { Release(); }
  void Release() {
    if (count) --*count;
    count = nullptr;
  }
};

// The waiting side of a deferred response (message.h, Response::deferred): holds the
// suspended connection's completion handler and hands it the response once, on the
// handler's own executor (the connection's strand). Destroyed without a response - every
// copy of the Reply dropped - it hands over `fallback`. Deliver is safe from any thread.
template <class Handler>
class DeferredReply {
 public:
  DeferredReply(Handler handler, Response fallback)
      : handler_(std::move(handler)), fallback_(std::move(fallback)) {}
  DeferredReply(const DeferredReply&) = delete;
  DeferredReply& operator=(const DeferredReply&) = delete;
  ~DeferredReply() {
    if (!delivered_.load()) Deliver(std::move(fallback_));
  }

  void Deliver(Response res) {
    if (delivered_.exchange(true)) return;  // a second reply is ignored
    res.deferred = nullptr;
    auto executor = asio::get_associated_executor(handler_);
    asio::post(executor, [h = std::move(handler_), r = std::move(res)]() mutable {
      std::move(h)(std::move(r));
    });
  }

 private:
  Handler handler_;
  Response fallback_;
  std::atomic<bool> delivered_{false};
};

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
        acceptor_(asio::make_strand(ioc_)),
        accept_timer_(acceptor_.get_executor()) {}

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
    if (options_.is_heavy) {
      heavy_pool_ = std::make_unique<asio::thread_pool>(
          static_cast<size_t>(options_.heavy_threads < 1 ? 1 : options_.heavy_threads));
    }
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
      accept_timer_.cancel();
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
    if (heavy_pool_) heavy_pool_->join();  // every connection has ended: nothing queued
  }

 private:
  asio::awaitable<void> AcceptLoop() {
    auto backoff = kFirstAcceptBackoff;
    for (;;) {
      auto [ec, socket] = co_await acceptor_.async_accept(asio::make_strand(ioc_), kAwait);
      if (ec) {
        if (stopping_ || ec == asio::error::operation_aborted) co_return;
        // E.g. too many open files: keep serving the others, and wait before trying
        // again (a connection that closes frees a descriptor) instead of spinning.
        uint64_t failures = ++accept_failures_;
        Report("http: accept failed: " + ec.message() + " (" + std::to_string(failures) +
               " accept failures since start); next attempt in " + std::to_string(backoff.count()) +
               " ms");
        accept_timer_.expires_after(backoff);
        co_await accept_timer_.async_wait(kAwait);
        backoff = std::min(backoff * 2, kMaxAcceptBackoff);
        continue;
      }
      backoff = kFirstAcceptBackoff;
      if (stopping_) co_return;
      std::string address;
      {
        boost::system::error_code ep_ec;
        auto ep = socket.remote_endpoint(ep_ec);
        if (ep_ec) continue;  // already gone: the socket closes here
        address = ep.address().to_string();
      }
      if (!Admit(address)) {
        boost::system::error_code close_ec;
        socket.close(close_ec);
        continue;
      }
      auto executor = socket.get_executor();
      asio::co_spawn(executor, ServeConnection(std::move(socket), address), asio::detached);
    }
  }

  // Counts a new connection from `address`, or refuses it (false) when a cap is reached.
  bool Admit(const std::string& address) {
    uint64_t refused = 0;
    std::string why;
    {
      std::lock_guard<std::mutex> lock(mu_);
      size_t& from = per_address_[address];
      if (options_.max_connections > 0 && open_connections_ >= options_.max_connections) {
        why = "the node has " + std::to_string(open_connections_) + " connections (cap " +
              std::to_string(options_.max_connections) + ")";
      } else if (options_.max_connections_per_address > 0 &&
                 from >= options_.max_connections_per_address) {
        why = address + " has " + std::to_string(from) + " connections (cap " +
              std::to_string(options_.max_connections_per_address) + " per address)";
      }
      if (why.empty()) {
        ++from;
        ++open_connections_;
        return true;
      }
      if (from == 0) per_address_.erase(address);
      refused = ++refused_connections_;
    }
    if (PowerOfTwo(refused)) {
      Report("http: connection closed at once: " + why + " (" + std::to_string(refused) +
             " refused since start)");
    }
    return false;
  }

  void Release(const std::string& address) {
    std::lock_guard<std::mutex> lock(mu_);
    --open_connections_;
    auto it = per_address_.find(address);
    if (it != per_address_.end() && --it->second == 0) per_address_.erase(it);
  }

  void Report(const std::string& line) {
    if (options_.log) options_.log(line);
  }

  asio::awaitable<void> ServeConnection(tcp::socket socket, std::string address) {
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
      beast::get_lowest_layer(stream).expires_after(FirstRequestTimeout());
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
    {
      std::lock_guard<std::mutex> lock(mu_);
      connections_.erase(it);
    }
    Release(address);
  }

  std::chrono::seconds Timeout() const {
    return std::chrono::seconds(options_.read_timeout_seconds > 0 ? options_.read_timeout_seconds
                                                                  : 30);
  }

  // The deadline of the first request head: the shorter of the two timeouts.
  std::chrono::seconds FirstRequestTimeout() const {
    return options_.first_request_timeout_seconds > 0
               ? std::min(Timeout(), std::chrono::seconds(options_.first_request_timeout_seconds))
               : Timeout();
  }

  template <class Stream>
  asio::awaitable<void> Serve(Stream& stream, Connection& conn, const std::string& remote) {
    beast::flat_buffer buffer;
    for (bool first = true;; first = false) {
      if (stopping_) co_return;
      bhttp::request_parser<bhttp::string_body> parser;
      parser.header_limit(options_.header_limit);
      // The real limit is set once the head is known (it may depend on the path); the
      // announced Content-Length is checked against it before any body byte is read.
      parser.body_limit(std::numeric_limits<std::uint64_t>::max());
      // Until a first request head arrives the connection is unauthenticated and idle:
      // it gets the short deadline.
      beast::get_lowest_layer(stream).expires_after(first ? FirstRequestTimeout() : Timeout());
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
      const bool heavy = parsed_query && options_.is_heavy && options_.is_heavy(req);
      if (heavy && !EnterHeavy()) {
        co_await WriteError(stream, 503, "too many write requests in progress; try again later",
                            remote, &req, options_.busy_retry_after_seconds);
        co_return;  // the body is never read
      }
      HeavySlot heavy_slot{heavy ? &heavy_in_flight_ : nullptr};
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
      if (parsed_query && heavy) {
        // On the heavy pool; this coroutine resumes on its strand with the response.
        auto [thrown, heavy_res] = co_await asio::co_spawn(
            heavy_pool_->get_executor(),
            [this, &req]() -> asio::awaitable<Response> { co_return CallHandler(req); }, kAwait);
        res = thrown ? PlainError(500, "internal error") : std::move(heavy_res);
      } else if (parsed_query) {
        res = CallHandler(req);
      }
      if (res.deferred) {
        std::string user = std::move(res.log_user);
        res = co_await AwaitDeferred(std::move(res.deferred));
        if (res.log_user.empty()) res.log_user = std::move(user);
      }
      heavy_slot.Release();
      if (stopping_) keep_alive = false;
      size_t bytes = res.body.size();
      bhttp::response<bhttp::string_body> out;
      out.version(11);
      out.result(static_cast<unsigned>(res.status));
      for (auto& [k, v] : res.headers)
        out.insert(k, v);  // each entry a line: Set-Cookie may repeat
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

  Response CallHandler(const Request& req) {
    try {
      return handler_(req);
    } catch (const std::exception& e) {
      return PlainError(500, "internal error");
    }
  }

  // Suspends the connection until the deferred response's Reply is called (500 when it
  // never will be: every copy dropped, or `start` threw).
  asio::awaitable<Response> AwaitDeferred(std::function<void(Reply)> start) {
    co_return co_await asio::async_initiate<const asio::use_awaitable_t<>, void(Response)>(
        [this, &start](auto handler) {
          using State = DeferredReply<decltype(handler)>;
          auto state =
              std::make_shared<State>(std::move(handler), PlainError(500, "internal error"));
          try {
            start([state](Response res) { state->Deliver(std::move(res)); });
          } catch (const std::exception&) {
            state->Deliver(PlainError(500, "internal error"));
          }
        },
        asio::use_awaitable);
  }

  // Admits one more heavy request, or false when max_heavy_in_flight are in.
  bool EnterHeavy() {
    size_t now = ++heavy_in_flight_;
    if (options_.max_heavy_in_flight > 0 && now > options_.max_heavy_in_flight) {
      --heavy_in_flight_;
      return false;
    }
    return true;
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
                                   const std::string& remote, const Request* req = nullptr,
                                   int retry_after_seconds = 0) {
    Response res = PlainError(status, message);
    if (retry_after_seconds > 0) res.SetHeader("Retry-After", std::to_string(retry_after_seconds));
    bhttp::response<bhttp::string_body> out;
    out.version(11);
    out.result(static_cast<unsigned>(status));
    for (auto& [k, v] : res.headers) out.insert(k, v);  // each entry a line: Set-Cookie may repeat
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
  size_t open_connections_ = 0;                // guarded by mu_
  std::map<std::string, size_t> per_address_;  // guarded by mu_
  uint64_t refused_connections_ = 0;           // guarded by mu_
  asio::steady_timer accept_timer_;            // on the acceptor's strand
  std::atomic<uint64_t> accept_failures_{0};
  std::atomic<size_t> heavy_in_flight_{0};
  std::unique_ptr<asio::thread_pool> heavy_pool_;  // when options_.is_heavy is set
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
