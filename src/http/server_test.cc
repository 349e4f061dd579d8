// Starts the real server on 127.0.0.1 port 0 and talks to it over TCP.
#include "http/server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "http/testing/client.h"
#include "http/testing/self_signed.h"

namespace entente::http {
namespace {

// Holds a handler until the test releases it: the handler calls Pass(), the test waits
// with AwaitEntered() and lets it go with Release(). Bounded by the test's timeout.
class Gate {
 public:
  void Pass() {
    entered_ = true;
    while (!released_) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  void AwaitEntered() const {
    while (!entered_) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  void Release() { released_ = true; }
  bool released() const { return released_; }

 private:
  std::atomic<bool> entered_{false};
  std::atomic<bool> released_{false};
};

using testing::Client;

Response Echo(const Request& req) {
  Response res;
  std::string body = req.method + " " + req.path + "\n";
  for (const auto& [k, v] : req.query) body += k + "=" + v + "\n";
  body += "body:" + req.body;
  res.body = body;
  res.SetHeader("Content-Type", "text/plain");
  if (auto a = req.Header("authorization")) res.SetHeader("X-Auth", std::string(*a));
  return res;
}

std::unique_ptr<Server> StartEcho(ServerOptions options = {}) {
  auto s = Server::Start(std::move(options), Echo);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return std::move(s).value();
}

TEST(HttpServer, ServesManyRequestsOnOneKeepAliveConnection) {
  auto server = StartEcho();
  ASSERT_NE(server->port(), 0);
  auto client = Client::Connect("127.0.0.1", server->port());
  ASSERT_TRUE(client.ok());
  for (int i = 0; i < 5; ++i) {
    auto r = (*client)->Send("GET", "/p?x=" + std::to_string(i) + "&y=a%20b&x=z",
                             {{"Authorization", "Bearer t"}});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "GET /p\nx=" + std::to_string(i) + "\ny=a b\nx=z\nbody:");
  }
  auto post = (*client)->Send("POST", "/q", {}, "hello");
  ASSERT_TRUE(post.ok());
  EXPECT_EQ(post->body, "POST /q\nbody:hello");
}

TEST(HttpServer, RejectsLargeBodyFromContentLengthWith413) {
  ServerOptions options;
  options.body_limit = 100;
  auto server = StartEcho(options);
  auto client = Client::Connect("127.0.0.1", server->port());
  ASSERT_TRUE(client.ok());
  auto small = (*client)->Send("POST", "/", {}, std::string(100, 'a'));
  ASSERT_TRUE(small.ok());
  EXPECT_EQ(small->status, 200);
  // Announce 10 MB but send only the header: the server must answer without the body.
  auto big = (*client)->SendRaw("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n");
  ASSERT_TRUE(big.ok()) << big.status().ToString();
  EXPECT_EQ(big->status, 413);
}

TEST(HttpServer, RejectsLargeChunkedBodyWith413) {
  ServerOptions options;
  options.body_limit = 10;
  auto server = StartEcho(options);
  auto client = Client::Connect("127.0.0.1", server->port());
  ASSERT_TRUE(client.ok());
  auto big = (*client)->SendRaw(
      "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "14\r\n01234567890123456789\r\n0\r\n\r\n");
  ASSERT_TRUE(big.ok()) << big.status().ToString();
  EXPECT_EQ(big->status, 413);
}

TEST(HttpServer, PerRequestBodyLimit) {
  ServerOptions options;
  options.body_limit = 1000;
  options.body_limit_for = [](const Request& head) -> uint64_t {
    return head.path == "/small" ? 3 : 1000;
  };
  auto server = StartEcho(options);
  auto client = Client::Connect("127.0.0.1", server->port());
  ASSERT_TRUE(client.ok());
  auto ok = (*client)->Send("POST", "/big", {}, "abcdef");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->status, 200);
  auto refused = (*client)->Send("POST", "/small", {}, "abcdef");
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->status, 413);
}

TEST(HttpServer, HeaderLimitGives431) {
  ServerOptions options;
  options.header_limit = 512;
  auto server = StartEcho(options);
  auto client = Client::Connect("127.0.0.1", server->port());
  ASSERT_TRUE(client.ok());
  auto r = (*client)->Send("GET", "/", {{"X-Big", std::string(2000, 'a')}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 431);
}

TEST(HttpServer, BadQueryEscapeIs400) {
  auto server = StartEcho();
  auto client = Client::Connect("127.0.0.1", server->port());
  ASSERT_TRUE(client.ok());
  auto r = (*client)->Send("GET", "/x?a=%zz", {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 400);
}

TEST(HttpServer, MalformedRequestIs400) {
  auto server = StartEcho();
  auto client = Client::Connect("127.0.0.1", server->port());
  ASSERT_TRUE(client.ok());
  auto r = (*client)->SendRaw("NOT AN HTTP REQUEST\r\n\r\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 400);
}

TEST(HttpServer, AccessLogSeesEveryRequest) {
  std::mutex mu;
  std::vector<std::string> lines;
  ServerOptions options;
  options.access_log = [&](const AccessLogEntry& e) {
    std::lock_guard<std::mutex> lock(mu);
    lines.push_back(e.ToLine());
  };
  auto server = StartEcho(options);
  {
    auto client = Client::Connect("127.0.0.1", server->port());
    ASSERT_TRUE(client.ok());
    ASSERT_TRUE((*client)->Send("GET", "/a?b=1", {}).ok());
    ASSERT_TRUE((*client)->Send("DELETE", "/c", {}).ok());
  }
  server->Stop();
  server->Wait();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find("\"GET /a?b=1\" 200"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find("\"DELETE /c\" 200"), std::string::npos) << lines[1];
}

TEST(HttpServer, StopFinishesInFlightRequestAndClosesIdleConnections) {
  Gate gate;
  auto s = Server::Start({}, [&](const Request& req) {
    if (req.path == "/slow") {
      gate.Pass();
    }
    return Echo(req);
  });
  ASSERT_TRUE(s.ok());
  auto server = std::move(s).value();
  auto idle = Client::Connect("127.0.0.1", server->port());
  ASSERT_TRUE(idle.ok());
  ASSERT_TRUE((*idle)->Send("GET", "/warm", {}).ok());
  auto busy = Client::Connect("127.0.0.1", server->port());
  ASSERT_TRUE(busy.ok());
  Result<Response> slow = Status::Internal("not run");
  std::thread t([&] { slow = (*busy)->Send("GET", "/slow", {}); });
  gate.AwaitEntered();
  server->Stop();
  gate.Release();
  t.join();
  server->Wait();  // returns: the idle connection was closed, the in-flight one finished
  ASSERT_TRUE(slow.ok()) << slow.status().ToString();
  EXPECT_EQ(slow->status, 200);
  EXPECT_EQ(slow->body, "GET /slow\nbody:");
  EXPECT_FALSE((*idle)->Send("GET", "/after", {}).ok());
  EXPECT_FALSE(Client::Connect("127.0.0.1", server->port()).ok() &&
               (*Client::Connect("127.0.0.1", server->port()))->Send("GET", "/", {}).ok());
}

// Opens a raw TCP connection, sends `bytes`, and returns what recv() saw: 0 when the
// server closed the connection, -1 when nothing happened within 20 seconds (the default timeout is
// 30).
int SendAndAwaitClose(uint16_t port, const std::string& bytes) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return -2;
  timeval tv{20, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  (void)send(fd, bytes.data(), bytes.size(), 0);
  char buf[256];
  ssize_t n;
  do {
    n = recv(fd, buf, sizeof buf, 0);
  } while (n > 0);  // a response, if any, then the close
  close(fd);
  return n == 0 ? 0 : -1;
}

TEST(HttpServer, ReadTimeoutClosesStalledConnections) {
  ServerOptions options;
  options.read_timeout_seconds = 1;
  auto server = StartEcho(options);
  EXPECT_EQ(SendAndAwaitClose(server->port(), "GET / HTTP/1.1\r\nHost: x\r\n"), 0);
  EXPECT_EQ(SendAndAwaitClose(server->port(),
                              "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc"),
            0);
}

// Sends GET / on a new connection until one is answered 200 (at most `attempts`).
bool AnsweredWithin(uint16_t port, int attempts) {
  for (int i = 0; i < attempts; ++i) {
    auto client = Client::Connect("127.0.0.1", port);
    if (client.ok()) {
      auto r = (*client)->Send("GET", "/", {});
      if (r.ok() && r->status == 200) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

struct LogLines {
  std::mutex mu;
  std::vector<std::string> lines;
  std::function<void(const std::string&)> Sink() {
    return [this](const std::string& line) {
      std::lock_guard<std::mutex> lock(mu);
      lines.push_back(line);
    };
  }
  size_t Count(const std::string& part) {
    std::lock_guard<std::mutex> lock(mu);
    size_t n = 0;
    for (const auto& l : lines) n += l.find(part) != std::string::npos;
    return n;
  }
};

TEST(HttpServer, ConnectionsBeyondThePerAddressCapAreClosedAtOnce) {
  LogLines log;
  ServerOptions options;
  options.max_connections_per_address = 2;
  options.first_request_timeout_seconds = 60;
  options.read_timeout_seconds = 60;
  options.log = log.Sink();
  auto server = StartEcho(options);
  auto a = Client::Connect("127.0.0.1", server->port());
  auto b = Client::Connect("127.0.0.1", server->port());
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE((*a)->Send("GET", "/a", {}).ok());  // both accepted and counted
  ASSERT_TRUE((*b)->Send("GET", "/b", {}).ok());
  // The third is closed before any byte is read (well before the 60 s deadlines).
  EXPECT_EQ(SendAndAwaitClose(server->port(), ""), 0);
  EXPECT_EQ(log.Count("connection closed at once"), 1u);
  EXPECT_EQ(log.Count("127.0.0.1 has 2 connections (cap 2 per address)"), 1u);
  a->reset();  // one place frees up
  EXPECT_TRUE(AnsweredWithin(server->port(), 500));
}

TEST(HttpServer, ConnectionsBeyondTheTotalCapAreClosedAtOnce) {
  ServerOptions options;
  options.max_connections = 1;
  options.first_request_timeout_seconds = 60;
  options.read_timeout_seconds = 60;
  auto server = StartEcho(options);
  auto a = Client::Connect("127.0.0.1", server->port());
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE((*a)->Send("GET", "/a", {}).ok());
  EXPECT_EQ(SendAndAwaitClose(server->port(), ""), 0);
  a->reset();
  EXPECT_TRUE(AnsweredWithin(server->port(), 500));
}

TEST(HttpServer, ConnectionWithoutAFirstRequestIsClosedAtTheFirstRequestDeadline) {
  ServerOptions options;
  options.first_request_timeout_seconds = 1;
  options.read_timeout_seconds = 60;  // SendAndAwaitClose waits 20 s at most
  auto server = StartEcho(options);
  EXPECT_EQ(SendAndAwaitClose(server->port(), ""), 0);
  EXPECT_EQ(SendAndAwaitClose(server->port(), "GET / HTTP/1.1\r\nHost: x\r\n"), 0);
}

// A blocked heavy handler (a costly write) occupies a heavy thread only: the one
// serving thread still answers other requests.
TEST(HttpServer, HeavyRequestsRunOnTheirOwnPool) {
  Gate gate;
  ServerOptions options;
  options.threads = 1;
  options.heavy_threads = 1;
  options.is_heavy = [](const Request& head) { return head.method == "POST"; };
  auto s = Server::Start(options, [&](const Request& req) {
    if (req.method == "POST") {
      gate.Pass();
    }
    return Echo(req);
  });
  ASSERT_TRUE(s.ok());
  auto server = std::move(s).value();
  auto writer = Client::Connect("127.0.0.1", server->port());
  ASSERT_TRUE(writer.ok());
  Result<Response> posted = Status::Internal("not run");
  std::thread t([&] { posted = (*writer)->Send("POST", "/objects/", {}, "body"); });
  gate.AwaitEntered();
  auto reader = Client::Connect("127.0.0.1", server->port());
  ASSERT_TRUE(reader.ok());
  auto got = (*reader)->Send("GET", "/discovery", {});
  const bool post_done_before_get = !gate.released();  // still blocked: the GET did not wait
  gate.Release();
  t.join();
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->status, 200);
  EXPECT_TRUE(post_done_before_get);
  ASSERT_TRUE(posted.ok()) << posted.status().ToString();
  EXPECT_EQ(posted->body, "POST /objects/\nbody:body");
}

TEST(HttpServer, StopFinishesAnInFlightHeavyRequest) {
  Gate gate;
  ServerOptions options;
  options.is_heavy = [](const Request& head) { return head.method == "POST"; };
  auto s = Server::Start(options, [&](const Request& req) {
    gate.Pass();
    return Echo(req);
  });
  ASSERT_TRUE(s.ok());
  auto server = std::move(s).value();
  auto client = Client::Connect("127.0.0.1", server->port());
  ASSERT_TRUE(client.ok());
  Result<Response> posted = Status::Internal("not run");
  std::thread t([&] { posted = (*client)->Send("POST", "/w", {}, "x"); });
  gate.AwaitEntered();
  server->Stop();
  gate.Release();
  t.join();
  server->Wait();
  ASSERT_TRUE(posted.ok()) << posted.status().ToString();
  EXPECT_EQ(posted->status, 200);
  EXPECT_EQ(posted->body, "POST /w\nbody:x");
}

TEST(HttpServer, HeavyRequestsBeyondTheCapAreAnswered503WithRetryAfter) {
  Gate gate;
  ServerOptions options;
  options.heavy_threads = 2;
  options.max_heavy_in_flight = 1;
  options.busy_retry_after_seconds = 7;
  options.is_heavy = [](const Request& head) { return head.method == "POST"; };
  auto s = Server::Start(options, [&](const Request& req) {
    if (req.method == "POST") {
      gate.Pass();
    }
    return Echo(req);
  });
  ASSERT_TRUE(s.ok());
  auto server = std::move(s).value();
  auto first = Client::Connect("127.0.0.1", server->port());
  ASSERT_TRUE(first.ok());
  Result<Response> posted = Status::Internal("not run");
  std::thread t([&] { posted = (*first)->Send("POST", "/a", {}, "x"); });
  gate.AwaitEntered();
  auto second = Client::Connect("127.0.0.1", server->port());
  ASSERT_TRUE(second.ok());
  auto busy = (*second)->Send("POST", "/b", {}, "y");
  gate.Release();
  t.join();
  ASSERT_TRUE(busy.ok()) << busy.status().ToString();
  EXPECT_EQ(busy->status, 503);
  ASSERT_TRUE(busy->Header("Retry-After").has_value());
  EXPECT_EQ(*busy->Header("Retry-After"), "7");
  ASSERT_TRUE(posted.ok());
  EXPECT_EQ(posted->status, 200);
  EXPECT_TRUE(AnsweredWithin(server->port(), 10));  // the count went back down
  auto again = Client::Connect("127.0.0.1", server->port());
  ASSERT_TRUE(again.ok());
  auto ok = (*again)->Send("POST", "/c", {}, "z");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->status, 200);
}

// Out of descriptors, accepting fails (EMFILE): the server waits before each next
// attempt, doubling the wait, reports each failure with its count, and accepts again
// once descriptors are free.
// Replies of deferred responses (Response::deferred), kept until the test gives them.
class HeldReplies {
 public:
  Response Defer(const Request& req) {
    Response res;
    res.log_user = "org-" + req.path.substr(1);
    std::string tag = req.path;
    res.deferred = [this, tag](Reply reply) {
      std::lock_guard<std::mutex> lock(mu_);
      held_.emplace_back(tag, std::move(reply));
    };
    return res;
  }
  // Waits until `n` replies are held (bounded by the test's timeout).
  void AwaitHeld(size_t n) {
    for (;;) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (held_.size() >= n) return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  std::vector<std::pair<std::string, Reply>> Take() {
    std::lock_guard<std::mutex> lock(mu_);
    return std::move(held_);
  }

 private:
  std::mutex mu_;
  std::vector<std::pair<std::string, Reply>> held_;
};

Response TextResponse(int status, std::string body) {
  Response res;
  res.status = status;
  res.body = std::move(body);
  return res;
}

// A deferred response holds no thread while it waits: one serving thread takes twenty
// requests whose answers are not given yet, still answers another one, and each waiting
// client then gets the answer meant for it, whichever thread gives it.
TEST(HttpServer, DeferredResponsesWaitWithoutAThread) {
  HeldReplies held;
  ServerOptions options;
  options.threads = 1;
  auto s = Server::Start(options, [&](const Request& req) {
    return req.path == "/now" ? Echo(req) : held.Defer(req);
  });
  ASSERT_TRUE(s.ok());
  auto server = std::move(s).value();
  constexpr int kWaiting = 20;
  std::vector<Result<Response>> got(kWaiting, Status::Internal("not run"));
  std::vector<std::thread> clients;
  for (int i = 0; i < kWaiting; ++i) {
    clients.emplace_back([&, i] {
      auto c = Client::Connect("127.0.0.1", server->port());
      if (c.ok()) got[i] = (*c)->Send("POST", "/" + std::to_string(i), {}, "report");
    });
  }
  held.AwaitHeld(kWaiting);
  auto other = Client::Connect("127.0.0.1", server->port());
  ASSERT_TRUE(other.ok());
  auto now = (*other)->Send("GET", "/now", {});
  ASSERT_TRUE(now.ok()) << now.status().ToString();
  EXPECT_EQ(now->status, 200);
  std::thread giver([replies = held.Take()]() mutable {
    for (auto& [tag, reply] : replies) reply(TextResponse(202, "answer to " + tag));
  });
  giver.join();
  for (auto& t : clients) t.join();
  for (int i = 0; i < kWaiting; ++i) {
    ASSERT_TRUE(got[i].ok()) << got[i].status().ToString();
    EXPECT_EQ(got[i]->status, 202);
    EXPECT_EQ(got[i]->body, "answer to /" + std::to_string(i));
  }
}

// A Reply dropped uncalled answers 500 (the client is never left hanging); a second call
// of a Reply is ignored; the placeholder's log_user reaches the access log.
TEST(HttpServer, DeferredReplyDroppedIs500AndSecondReplyIgnored) {
  HeldReplies held;
  std::mutex log_mu;
  std::vector<AccessLogEntry> lines;
  ServerOptions options;
  options.access_log = [&](const AccessLogEntry& e) {
    std::lock_guard<std::mutex> lock(log_mu);
    lines.push_back(e);
  };
  auto s = Server::Start(options, [&](const Request& req) { return held.Defer(req); });
  ASSERT_TRUE(s.ok());
  auto server = std::move(s).value();
  auto c = Client::Connect("127.0.0.1", server->port());
  ASSERT_TRUE(c.ok());
  Result<Response> dropped = Status::Internal("not run");
  std::thread t([&] { dropped = (*c)->Send("POST", "/a", {}, "x"); });
  held.AwaitHeld(1);
  held.Take();  // the only copy of the Reply is destroyed here
  t.join();
  ASSERT_TRUE(dropped.ok()) << dropped.status().ToString();
  EXPECT_EQ(dropped->status, 500);

  Result<Response> twice = Status::Internal("not run");
  std::thread t2([&] { twice = (*c)->Send("POST", "/b", {}, "x"); });
  held.AwaitHeld(1);
  auto replies = held.Take();
  replies[0].second(TextResponse(201, "first"));
  replies[0].second(TextResponse(409, "second"));
  t2.join();
  ASSERT_TRUE(twice.ok()) << twice.status().ToString();
  EXPECT_EQ(twice->status, 201);
  EXPECT_EQ(twice->body, "first");
  server->Stop();
  server->Wait();
  std::lock_guard<std::mutex> lock(log_mu);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].user, "org-a");
  EXPECT_EQ(lines[1].user, "org-b");
  EXPECT_EQ(lines[1].status, 201);
}

// A heavy request answered later keeps its place among those in flight until answered,
// and Stop() lets it finish.
TEST(HttpServer, DeferredHeavyRequestCountsInFlightUntilAnswered) {
  HeldReplies held;
  ServerOptions options;
  options.heavy_threads = 1;
  options.max_heavy_in_flight = 1;
  options.is_heavy = [](const Request& head) { return head.method == "POST"; };
  auto s = Server::Start(options, [&](const Request& req) { return held.Defer(req); });
  ASSERT_TRUE(s.ok());
  auto server = std::move(s).value();
  auto first = Client::Connect("127.0.0.1", server->port());
  ASSERT_TRUE(first.ok());
  Result<Response> answered = Status::Internal("not run");
  std::thread t([&] { answered = (*first)->Send("POST", "/1", {}, "x"); });
  held.AwaitHeld(1);
  auto second = Client::Connect("127.0.0.1", server->port());
  ASSERT_TRUE(second.ok());
  auto refused = (*second)->Send("POST", "/2", {}, "x");
  ASSERT_TRUE(refused.ok()) << refused.status().ToString();
  EXPECT_EQ(refused->status, 503);
  server->Stop();
  auto replies = held.Take();
  ASSERT_EQ(replies.size(), 1u);
  replies[0].second(TextResponse(202, "late"));
  t.join();
  server->Wait();
  ASSERT_TRUE(answered.ok()) << answered.status().ToString();
  EXPECT_EQ(answered->status, 202);
  EXPECT_EQ(answered->body, "late");
}

// Each header entry of a response is its own header line: two cookies set at once both
// arrive (RFC 6265 section 3: one Set-Cookie header per cookie).
TEST(HttpServer, RepeatedResponseHeadersAreAllSent) {
  auto s = Server::Start({}, [](const Request&) {
    Response res;
    res.headers.emplace_back("Set-Cookie", "a=1; Path=/");
    res.headers.emplace_back("Set-Cookie", "b=2; Path=/");
    res.body = "ok";
    return res;
  });
  ASSERT_TRUE(s.ok());
  auto server = std::move(s).value();
  auto c = Client::Connect("127.0.0.1", server->port());
  ASSERT_TRUE(c.ok());
  auto got = (*c)->Send("GET", "/", {});
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  std::vector<std::string> cookies;
  for (const auto& [k, v] : got->headers) {
    if (EqualsIgnoreCase(k, "Set-Cookie")) cookies.push_back(v);
  }
  EXPECT_EQ(cookies, (std::vector<std::string>{"a=1; Path=/", "b=2; Path=/"}));
}

TEST(HttpServer, AcceptFailuresBackOffAndRecover) {
  LogLines log;
  ServerOptions options;
  options.log = log.Sink();
  auto server = StartEcho(options);
  rlimit old{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &old), 0);
  rlimit low = old;
  low.rlim_cur = std::min<rlim_t>(old.rlim_cur, 512);
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
  std::vector<int> filler;
  for (int fd; (fd = open("/dev/null", O_RDONLY)) >= 0 && filler.size() < 4096;) {
    filler.push_back(fd);
  }
  ASSERT_FALSE(filler.empty());
  close(filler.back());  // one descriptor for the client; none left for the server
  filler.pop_back();
  int client = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(client, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(server->port());
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  for (int i = 0; i < 2000 && log.Count("accept failed") < 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  for (int fd : filler) close(fd);
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &old), 0);
  ASSERT_GE(log.Count("accept failed"), 3u);
  EXPECT_EQ(log.Count("(1 accept failures since start); next attempt in 5 ms"), 1u);
  EXPECT_EQ(log.Count("(2 accept failures since start); next attempt in 10 ms"), 1u);
  EXPECT_EQ(log.Count("(3 accept failures since start); next attempt in 20 ms"), 1u);
  // Accepted once descriptors are free again.
  timeval tv{20, 0};
  setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  const std::string get = "GET /x HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_EQ(send(client, get.data(), get.size(), 0), static_cast<ssize_t>(get.size()));
  char buf[64] = {};
  ASSERT_GT(recv(client, buf, sizeof buf - 1, 0), 12);
  EXPECT_EQ(std::string(buf, 12), "HTTP/1.1 200");
  close(client);
}

TEST(HttpServer, RefusesBadListenAddress) {
  ServerOptions options;
  options.host = "not-an-ip";
  auto s = Server::Start(options, Echo);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
}

TEST(HttpServer, ServesTlsWithCertificateAndKey) {
  testing::SelfSigned cert = testing::MakeSelfSigned();
  ServerOptions options;
  options.tls_cert = cert.cert_path;
  options.tls_key = cert.key_path;
  auto server = StartEcho(options);
  ASSERT_TRUE(server->tls());
  auto client = Client::Connect("127.0.0.1", server->port(), /*tls=*/true);
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  auto r = (*client)->Send("GET", "/secure?a=1", {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, "GET /secure\na=1\nbody:");
  // A plain-text client gets no HTTP answer from the TLS port.
  auto plain = Client::Connect("127.0.0.1", server->port());
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE((*plain)->Send("GET", "/", {}).ok());
  std::filesystem::remove_all(cert.dir);
}

TEST(HttpServer, TlsNeedsBothFiles) {
  ServerOptions options;
  options.tls_cert = "/nonexistent.pem";
  auto s = Server::Start(options, Echo);
  ASSERT_FALSE(s.ok());
  options.tls_key = "/nonexistent.key";
  auto s2 = Server::Start(options, Echo);
  ASSERT_FALSE(s2.ok());
  EXPECT_NE(s2.status().message().find("tls_cert"), std::string::npos);
}

}  // namespace
}  // namespace entente::http
