// The HTTP client against the real server on 127.0.0.1 and against servers of canned
// bytes that misbehave.
#include "http/client.h"

#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <mutex>
#include <set>

#include "http/query.h"
#include "http/server.h"
#include "http/status_codes.h"
#include "http/testing/canned_server.h"
#include "http/testing/self_signed.h"
#include "http/tls.h"

namespace entente::http {
namespace {

std::string UrlOf(uint16_t port, const std::string& scheme = "http") {
  return scheme + "://127.0.0.1:" + std::to_string(port) + "/base/";
}

std::unique_ptr<Client> MakeClient(ClientOptions o) {
  auto c = Client::Create(std::move(o));
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return c.ok() ? std::move(*c) : nullptr;
}

std::string Canned(const std::string& status_line, const std::string& headers,
                   const std::string& body) {
  return "HTTP/1.1 " + status_line + "\r\n" + headers +
         "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

// Answers "METHOD target" with the request's headers as response headers prefixed
// "X-Got-", and 404 for /missing; records which connections (remote ports) it served.
class EchoServer {
 public:
  explicit EchoServer(ServerOptions options = {}) {
    auto s = Server::Start(std::move(options), [this](const Request& req) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        remotes_.insert(req.remote);
      }
      Response res;
      res.status = req.path == "/missing" ? 404 : 200;
      for (const auto& [k, v] : req.headers) res.headers.emplace_back("X-Got-" + k, v);
      res.body = req.method + " " + req.target + (req.body.empty() ? "" : " " + req.body);
      return res;
    });
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(*s);
  }
  Server& server() { return *server_; }
  size_t connections() {
    std::lock_guard<std::mutex> lock(mu_);
    return remotes_.size();
  }

 private:
  std::mutex mu_;
  std::set<std::string> remotes_;
  std::unique_ptr<Server> server_;
};

TEST(HttpStatusCodes, OneTableBothWays) {
  EXPECT_EQ(HttpStatusOf(StatusCode::kOk), 200);
  EXPECT_EQ(HttpStatusOf(StatusCode::kAlreadyExists), 409);
  EXPECT_EQ(HttpStatusOf(StatusCode::kCorruption), 500);
  EXPECT_TRUE(StatusOfHttpCode(204, "x").ok());
  const std::pair<int, StatusCode> read_back[] = {
      {401, StatusCode::kUnauthenticated}, {403, StatusCode::kPermissionDenied},
      {404, StatusCode::kNotFound},        {413, StatusCode::kResourceExhausted},
      {408, StatusCode::kUnavailable},     {429, StatusCode::kUnavailable},
      {502, StatusCode::kUnavailable},     {409, StatusCode::kInvalidArgument},
      {422, StatusCode::kInvalidArgument}, {302, StatusCode::kInvalidArgument}};
  for (const auto& [code, status] : read_back) {
    Status s = StatusOfHttpCode(code, "what: HTTP " + std::to_string(code));
    EXPECT_EQ(s.code(), status) << code;
    EXPECT_EQ(s.message(), "what: HTTP " + std::to_string(code));
  }
}

TEST(HttpUrl, ParsesWhatAClientNeeds) {
  auto u = ParseUrl("https://example.org/taxii2/api1");
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_TRUE(u->tls);
  EXPECT_EQ(u->host, "example.org");
  EXPECT_EQ(u->port, "443");
  EXPECT_EQ(u->path, "/taxii2/api1/");
  EXPECT_EQ(u->HostHeader(), "example.org");
  auto v6 = ParseUrl("http://[::1]:8080");
  ASSERT_TRUE(v6.ok()) << v6.status().ToString();
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->path, "/");
  EXPECT_EQ(v6->HostHeader(), "[::1]:8080");
  EXPECT_EQ(ParseUrl("http://h:80/")->HostHeader(), "h");
  for (const char* bad : {"ftp://x/", "x/", "http://u:p@x/", "http://x:port/", "http:///a/",
                          "http://[::1/", "http://x/a b/", "http://x/a?b", "http://x:123456/"}) {
    auto r = ParseUrl(bad);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(r.status().message().find("(url"), std::string::npos) << r.status().message();
  }
}

TEST(HttpClient, SendsOnOneKeepAliveConnectionWithItsHeaders) {
  EchoServer echo;
  auto client = MakeClient({.url = UrlOf(echo.server().port()),
                            .authorization = BearerAuthorization("ent_t"),
                            .user_agent = "test-agent"});
  ASSERT_TRUE(client);
  EXPECT_EQ(client->url().path, "/base/");
  for (int i = 0; i < 3; ++i) {
    auto res = client->Send({.target = "/base/x?i=" + std::to_string(i)});
    ASSERT_TRUE(res.ok()) << res.status().ToString();
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(res->body, "GET /base/x?i=" + std::to_string(i));
    EXPECT_EQ(res->Header("x-got-authorization").value_or(""), "Bearer ent_t");
    EXPECT_EQ(res->Header("X-Got-User-Agent").value_or(""), "test-agent");
    EXPECT_EQ(res->Header("X-Got-Host").value_or(""),
              "127.0.0.1:" + std::to_string(echo.server().port()));
  }
  auto post = client->Send({.method = "POST",
                            .target = "/base/y",
                            .headers = {{"Content-Type", "text/plain"}},
                            .body = "hello"});
  ASSERT_TRUE(post.ok()) << post.status().ToString();
  EXPECT_EQ(post->body, "POST /base/y hello");
  EXPECT_EQ(post->Header("X-Got-Content-Type").value_or(""), "text/plain");
  EXPECT_EQ(echo.connections(), 1u);
}

TEST(HttpClient, ErrorCodesAreResponsesNotErrors) {
  EchoServer echo;
  auto client = MakeClient({.url = UrlOf(echo.server().port())});
  auto res = client->Send({.method = "DELETE", .target = "/missing"});
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(StatusOfHttpCode(res->status, "gone").code(), StatusCode::kNotFound);
}

TEST(HttpClient, ReconnectsWhenTheServerClosedTheIdleConnection) {
  uint16_t port;
  {
    EchoServer first;
    port = first.server().port();
    auto client = MakeClient({.url = UrlOf(port)});
    ASSERT_TRUE(client->Send({.target = "/a"}).ok());
    first.server().Stop();  // closes the idle keep-alive connection
    first.server().Wait();
    ServerOptions same_port;
    same_port.port = port;
    EchoServer second(same_port);
    ASSERT_EQ(second.server().port(), port);
    auto res = client->Send({.target = "/b"});
    ASSERT_TRUE(res.ok()) << res.status().ToString();
    EXPECT_EQ(res->body, "GET /b");
  }
}

TEST(HttpClient, RedirectIsRefusedNamingTheLocation) {
  testing::CannedServer server(
      Canned("301 Moved Permanently", "Location: https://elsewhere.example/x\r\n", "moved"));
  auto res = MakeClient({.url = UrlOf(server.port())})->Send({.target = "/", .what = "fetch"});
  EXPECT_EQ(res.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(res.status().message(),
            "fetch: HTTP 301 redirect to https://elsewhere.example/x (redirects are not followed)");
  EXPECT_EQ(server.requests(), 1);
}

TEST(HttpClient, ResponseLargerThanTheLimitIsRefused) {
  testing::CannedServer server(Canned("200 OK", "", std::string(5000, 'a')));
  auto client = MakeClient({.url = UrlOf(server.port()), .max_response_bytes = 1000});
  auto res = client->Send({.target = "/"});
  EXPECT_EQ(res.status().code(), StatusCode::kResourceExhausted) << res.status().ToString();
  EXPECT_NE(res.status().message().find("larger than 1000 bytes"), std::string::npos);
  // A header section past 64 KiB is refused the same way.
  testing::CannedServer headers(Canned("200 OK", "X-Pad: " + std::string(70000, 'b') + "\r\n", ""));
  EXPECT_EQ(MakeClient({.url = UrlOf(headers.port())})->Send({.target = "/"}).status().code(),
            StatusCode::kResourceExhausted);
}

TEST(HttpClient, SilentServerTimesOut) {
  testing::CannedServer server("", /*silent=*/true);
  auto res = MakeClient({.url = UrlOf(server.port()), .io_timeout_ms = 200})->Send({.target = "/"});
  EXPECT_EQ(res.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(res.status().message().find("no answer from 127.0.0.1 within 200 ms"),
            std::string::npos)
      << res.status().message();
}

TEST(HttpClient, DownServerAndGarbageAreUnavailable) {
  uint16_t port;
  {
    testing::CannedServer server("");
    port = server.port();
  }
  auto down = MakeClient({.url = UrlOf(port)})->Send({.target = "/"});
  EXPECT_EQ(down.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(down.status().message().find("cannot connect"), std::string::npos);
  testing::CannedServer garbage("SSH-2.0-OpenSSH\r\n\r\n");
  auto res = MakeClient({.url = UrlOf(garbage.port())})->Send({.target = "/"});
  EXPECT_EQ(res.status().code(), StatusCode::kUnavailable) << res.status().ToString();
}

TEST(HttpClient, RejectsBadOptions) {
  EXPECT_EQ(Client::Create({.url = "ftp://x/"}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(Client::Create({.url = "http://x/", .pin_sha256 = std::string(64, 'a')}).ok());
  EXPECT_FALSE(Client::Create({.url = "https://x/", .pin_pem = "garbage"}).ok());
  EXPECT_FALSE(Client::Create({.url = "http://x/", .connect_timeout_ms = 0}).ok());
  EXPECT_EQ(Client::Create({.url = "https://x/", .ca_file = "/nonexistent/ca.pem"}).status().code(),
            StatusCode::kIoError);
}

class HttpsClient : public ::testing::Test {
 protected:
  void SetUp() override {
    cert_ = testing::MakeSelfSigned();
    ServerOptions o;
    o.tls_cert = cert_.cert_path;
    o.tls_key = cert_.key_path;
    echo_ = std::make_unique<EchoServer>(o);
  }
  void TearDown() override {
    echo_.reset();
    std::filesystem::remove_all(cert_.dir);
  }
  std::string Url() const { return UrlOf(echo_->server().port(), "https"); }

  testing::SelfSigned cert_;
  std::unique_ptr<EchoServer> echo_;
};

TEST_F(HttpsClient, PinnedCertificateIsTrustedWhateverSignedIt) {
  auto fp = PemCertificateSha256(cert_.cert_pem);
  ASSERT_TRUE(fp.ok()) << fp.status().ToString();
  ASSERT_EQ(fp->size(), 64u);
  std::string upper = *fp;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (ClientOptions o : {ClientOptions{.url = Url(), .pin_sha256 = upper},
                          ClientOptions{.url = Url(), .pin_pem = cert_.cert_pem}}) {
    auto res = MakeClient(o)->Send({.target = "/s"});
    ASSERT_TRUE(res.ok()) << res.status().ToString();
    EXPECT_EQ(res->body, "GET /s");
  }
}

TEST_F(HttpsClient, PinMismatchIsPermissionDeniedNamingWhatWasSeen) {
  auto fp = PemCertificateSha256(cert_.cert_pem);
  ASSERT_TRUE(fp.ok());
  auto res = MakeClient({.url = Url(), .pin_sha256 = std::string(64, '0')})->Send({.target = "/"});
  EXPECT_EQ(res.status().code(), StatusCode::kPermissionDenied) << res.status().ToString();
  EXPECT_NE(res.status().message().find("certificate sha256 " + *fp + " is not the pinned one"),
            std::string::npos)
      << res.status().message();
  EXPECT_EQ(echo_->connections(), 0u);  // no request was sent
}

TEST_F(HttpsClient, UnknownIssuerIsRefusedUnlessGivenAsCa) {
  auto refused = MakeClient({.url = Url()})->Send({.target = "/"});
  EXPECT_EQ(refused.status().code(), StatusCode::kUnavailable) << refused.status().ToString();
  EXPECT_NE(refused.status().message().find("TLS handshake"), std::string::npos);
  auto trusted = MakeClient({.url = Url(), .ca_file = cert_.cert_path})->Send({.target = "/"});
  EXPECT_TRUE(trusted.ok()) << trusted.status().ToString();
}

TEST_F(HttpsClient, HostNameMustMatchTheCertificate) {
  // The certificate names 127.0.0.1; "localhost" reaches the same server under another
  // name, which a trusted certificate does not cover.
  auto res = MakeClient({.url = "https://localhost:" + std::to_string(echo_->server().port()) + "/",
                         .ca_file = cert_.cert_path})
                 ->Send({.target = "/"});
  EXPECT_FALSE(res.ok());
  EXPECT_NE(res.status().message().find("TLS handshake"), std::string::npos)
      << res.status().message();
}

}  // namespace
}  // namespace entente::http
