#include "taxii/client.h"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <filesystem>
#include <set>

#include "http/testing/canned_server.h"
#include "http/testing/self_signed.h"
#include "http/tls.h"
#include "taxii/testing/fixture.h"

namespace entente::taxii {
namespace {

using taxii::testing::Indicator;
using taxii::testing::NewId;
using taxii::testing::TaxiiFixture;

std::string UrlOf(uint16_t port, const std::string& scheme = "http") {
  return scheme + "://127.0.0.1:" + std::to_string(port) + "/api/";
}

std::unique_ptr<TaxiiClient> MakeClient(ClientOptions o) {
  auto c = TaxiiClient::Create(std::move(o));
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return c.ok() ? std::move(*c) : nullptr;
}

std::string Envelope(const std::vector<std::string>& objects) {
  std::string out = "{\"objects\":[";
  for (size_t i = 0; i < objects.size(); ++i) out += (i ? "," : "") + objects[i];
  return out + "]}";
}

std::string Canned(const std::string& status_line, const std::string& headers,
                   const std::string& body) {
  return "HTTP/1.1 " + status_line + "\r\n" + headers +
         "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

TEST(TaxiiClientTest, PostsThenPagesThroughObjects) {
  TaxiiFixture fx;
  auto client = MakeClient({.api_root_url = UrlOf(fx.server().port()), .token = fx.alpha.token});
  ASSERT_TRUE(client);
  std::vector<std::string> objects;
  std::set<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    std::string id = NewId("indicator");
    ids.insert(id);
    objects.push_back(Indicator(id, "2026-01-01T00:00:00.000Z"));
  }
  auto status = client->PostEnvelope(fx.shared_id, Envelope(objects));
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  EXPECT_EQ(status->status, "complete");
  EXPECT_EQ(status->success_count, 5);

  std::set<std::string> seen;
  ObjectsQuery q{.limit = 2};
  int pages = 0;
  for (;;) {
    auto page = client->GetObjects(fx.shared_id, q);  // same keep-alive connection
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    ++pages;
    EXPECT_FALSE(page->date_added_last.empty());
    for (const auto& o : page->objects) seen.insert(std::string(o.at("id").as_string()));
    if (!page->more) break;
    ASSERT_FALSE(page->next.empty());
    q.next = page->next;
  }
  EXPECT_EQ(seen, ids);
  EXPECT_EQ(pages, 3);

  // added_after the last date: nothing new.
  auto all = client->GetObjects(fx.shared_id, {});
  ASSERT_TRUE(all.ok());
  auto none = client->GetObjects(fx.shared_id, {.added_after = all->date_added_last});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->objects.empty());

  // match[id] filters.
  auto one = client->GetObjects(fx.shared_id, {.match = {{"id", *ids.begin()}}});
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->objects.size(), 1u);

  auto cols = client->GetCollections();
  ASSERT_TRUE(cols.ok()) << cols.status().ToString();
  EXPECT_TRUE(cols->contains("collections"));
}

TEST(TaxiiClientTest, BasicAuthAndStatus) {
  TaxiiFixture fx;
  auto client = MakeClient(
      {.api_root_url = UrlOf(fx.server().port()), .token = fx.alpha.token, .username = "anyone"});
  ASSERT_TRUE(client);
  auto status = client->PostEnvelope(
      fx.shared_id, Envelope({Indicator(NewId("indicator"), "2026-01-01T00:00:00.000Z")}));
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  auto again = client->GetStatus(status->id);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->id, status->id);
  EXPECT_EQ(again->total_count, 1);
}

TEST(TaxiiClientTest, DeletesOneVersionThenAllAndSaysNotFoundForWhatIsGone) {
  TaxiiFixture fx;
  auto client = MakeClient({.api_root_url = UrlOf(fx.server().port()), .token = fx.alpha.token});
  ASSERT_TRUE(client);
  const std::string id = NewId("indicator");
  ASSERT_TRUE(
      client
          ->PostEnvelope(fx.shared_id, Envelope({Indicator(id, "2026-01-01T00:00:00.000Z"),
                                                 Indicator(id, "2026-01-02T00:00:00.000Z"),
                                                 Indicator(id, "2026-01-03T00:00:00.000Z")}))
          .ok());
  auto versions = [&] {
    std::set<std::string> out;
    auto page = client->GetObjects(fx.shared_id, {.match = {{"id", id}, {"version", "all"}}});
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    if (page.ok()) {
      for (const auto& o : page->objects) out.insert(std::string(o.at("modified").as_string()));
    }
    return out;
  };
  Status s = client->DeleteObject(fx.shared_id, id, "2026-01-02T00:00:00.000Z");
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(versions(),
            (std::set<std::string>{"2026-01-01T00:00:00.000Z", "2026-01-03T00:00:00.000Z"}));
  EXPECT_EQ(client->DeleteObject(fx.shared_id, id, "2026-01-02T00:00:00.000Z").code(),
            StatusCode::kNotFound);
  ASSERT_TRUE(client->DeleteObject(fx.shared_id, id, "").ok());  // every version
  EXPECT_TRUE(versions().empty());
  EXPECT_EQ(client->DeleteObject(fx.shared_id, NewId("indicator"), "").code(),
            StatusCode::kNotFound);
}

TEST(TaxiiClientTest, WrongTokenIsUnauthenticated) {
  TaxiiFixture fx;
  auto client = MakeClient({.api_root_url = UrlOf(fx.server().port()), .token = "ent_wrong"});
  auto page = client->GetObjects(fx.shared_id, {});
  EXPECT_EQ(page.status().code(), StatusCode::kUnauthenticated) << page.status().ToString();
}

TEST(TaxiiClientTest, RedirectIsNotFollowed) {
  http::testing::CannedServer server(
      Canned("302 Found", "Location: http://evil.example/api/\r\n", ""));
  auto client = MakeClient({.api_root_url = UrlOf(server.port()), .token = "t"});
  auto page = client->GetObjects("c", {});
  ASSERT_FALSE(page.ok());
  EXPECT_NE(page.status().message().find("http://evil.example/api/"), std::string::npos)
      << page.status().message();
  EXPECT_EQ(server.requests(), 1);
}

TEST(TaxiiClientTest, GarbageIsAnErrorWithReason) {
  {
    http::testing::CannedServer server(Canned(
        "200 OK", "Content-Type: application/taxii+json;version=2.1\r\n", "{\"objects\":[1"));
    auto page =
        MakeClient({.api_root_url = UrlOf(server.port()), .token = "t"})->GetObjects("c", {});
    EXPECT_EQ(page.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(page.status().message().find("JSON"), std::string::npos) << page.status().message();
  }
  {
    http::testing::CannedServer server(Canned(
        "200 OK", "Content-Type: application/taxii+json;version=2.1\r\n", "{\"objects\":{}}"));
    auto page =
        MakeClient({.api_root_url = UrlOf(server.port()), .token = "t"})->GetObjects("c", {});
    EXPECT_NE(page.status().message().find("not an array"), std::string::npos)
        << page.status().message();
  }
  {
    http::testing::CannedServer server(Canned(
        "200 OK", "Content-Type: application/taxii+json;version=2.1\r\n", "{\"objects\":[7]}"));
    auto page =
        MakeClient({.api_root_url = UrlOf(server.port()), .token = "t"})->GetObjects("c", {});
    EXPECT_NE(page.status().message().find("objects[0]"), std::string::npos)
        << page.status().message();
  }
  {
    http::testing::CannedServer server(Canned("200 OK", "Content-Type: text/html\r\n", "<html>"));
    auto page =
        MakeClient({.api_root_url = UrlOf(server.port()), .token = "t"})->GetObjects("c", {});
    EXPECT_NE(page.status().message().find("Content-Type"), std::string::npos)
        << page.status().message();
  }
  {
    http::testing::CannedServer server("this is not HTTP at all\r\n\r\n");
    auto page =
        MakeClient({.api_root_url = UrlOf(server.port()), .token = "t"})->GetObjects("c", {});
    EXPECT_EQ(page.status().code(), StatusCode::kUnavailable) << page.status().ToString();
  }
}

TEST(TaxiiClientTest, ConnectionDroppedMidPageIsUnavailable) {
  // The peer announces 5,000 bytes, sends part of a page and closes the connection.
  const std::string partial = "{\"objects\":[{\"type\":\"indicator\",\"id\":\"indicator--";
  http::testing::CannedServer server(
      "HTTP/1.1 200 OK\r\nContent-Type: application/taxii+json;version=2.1\r\n"
      "Content-Length: 5000\r\n\r\n" +
      partial);
  auto page = MakeClient({.api_root_url = UrlOf(server.port()), .token = "t"})->GetObjects("c", {});
  ASSERT_FALSE(page.ok());
  // Unavailable: the sync worker retries with backoff and resumes from its checkpoint.
  EXPECT_EQ(page.status().code(), StatusCode::kUnavailable) << page.status().ToString();
}

TEST(TaxiiClientTest, OverLargePageIsRefused) {
  std::string body = "{\"objects\":[],\"x_pad\":\"" + std::string(5000, 'a') + "\"}";
  http::testing::CannedServer server(
      Canned("200 OK", "Content-Type: application/taxii+json;version=2.1\r\n", body));
  auto page =
      MakeClient({.api_root_url = UrlOf(server.port()), .token = "t", .max_response_bytes = 1000})
          ->GetObjects("c", {});
  EXPECT_EQ(page.status().code(), StatusCode::kResourceExhausted) << page.status().ToString();
  EXPECT_NE(page.status().message().find("1000 bytes"), std::string::npos);
}

TEST(TaxiiClientTest, SilentPeerTimesOut) {
  http::testing::CannedServer server("", /*silent=*/true);
  auto page = MakeClient({.api_root_url = UrlOf(server.port()), .token = "t", .io_timeout_ms = 200})
                  ->GetObjects("c", {});
  EXPECT_EQ(page.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(page.status().message().find("no answer"), std::string::npos)
      << page.status().message();
}

TEST(TaxiiClientTest, DownPeerIsUnavailable) {
  uint16_t port;
  {
    http::testing::CannedServer server("");
    port = server.port();
  }
  auto page = MakeClient({.api_root_url = UrlOf(port), .token = "t"})->GetObjects("c", {});
  EXPECT_EQ(page.status().code(), StatusCode::kUnavailable) << page.status().ToString();
}

TEST(TaxiiClientTest, ServerErrorsMapToCodes) {
  http::testing::CannedServer server(Canned("503 Service Unavailable",
                                            "Content-Type: application/taxii+json;version=2.1\r\n",
                                            "{\"title\":\"overloaded\"}"));
  auto page = MakeClient({.api_root_url = UrlOf(server.port()), .token = "t"})->GetObjects("c", {});
  EXPECT_EQ(page.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(page.status().message().find("overloaded"), std::string::npos);
}

TEST(TaxiiClientTest, RejectsBadOptions) {
  EXPECT_FALSE(TaxiiClient::Create({.api_root_url = "ftp://x/"}).ok());
  EXPECT_FALSE(TaxiiClient::Create({.api_root_url = "http://u:p@x/"}).ok());
  EXPECT_FALSE(TaxiiClient::Create({.api_root_url = "http://x:port/"}).ok());
  // A pin needs TLS.
  EXPECT_FALSE(
      TaxiiClient::Create({.api_root_url = "http://x/", .pin_sha256 = std::string(64, 'a')}).ok());
  EXPECT_FALSE(TaxiiClient::Create({.api_root_url = "https://x/", .pin_pem = "garbage"}).ok());
}

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cert_ = http::testing::MakeSelfSigned();
    ServerOptions o;
    o.tls_cert = cert_.cert_path;
    o.tls_key = cert_.key_path;
    fx_ = std::make_unique<TaxiiFixture>(o);
  }
  void TearDown() override {
    fx_.reset();
    std::filesystem::remove_all(cert_.dir);
  }
  http::testing::SelfSigned cert_;
  std::unique_ptr<TaxiiFixture> fx_;
};

TEST_F(TlsTest, PinnedCertificateIsAccepted) {
  auto fp = http::PemCertificateSha256(cert_.cert_pem);
  ASSERT_TRUE(fp.ok());
  auto client = MakeClient({.api_root_url = UrlOf(fx_->server().port(), "https"),
                            .token = fx_->alpha.token,
                            .pin_sha256 = *fp});
  auto page = client->GetObjects(fx_->shared_id, {});
  EXPECT_TRUE(page.ok()) << page.status().ToString();
  auto by_pem = MakeClient({.api_root_url = UrlOf(fx_->server().port(), "https"),
                            .token = fx_->alpha.token,
                            .pin_pem = cert_.cert_pem});
  EXPECT_TRUE(by_pem->GetObjects(fx_->shared_id, {}).ok());
}

TEST_F(TlsTest, OtherCertificateIsRefused) {
  auto client = MakeClient({.api_root_url = UrlOf(fx_->server().port(), "https"),
                            .token = fx_->alpha.token,
                            .pin_sha256 = std::string(64, '0')});
  auto page = client->GetObjects(fx_->shared_id, {});
  EXPECT_EQ(page.status().code(), StatusCode::kPermissionDenied) << page.status().ToString();
  EXPECT_NE(page.status().message().find("not the pinned one"), std::string::npos);
}

TEST_F(TlsTest, UnpinnedSelfSignedIsRefused) {
  auto client =
      MakeClient({.api_root_url = UrlOf(fx_->server().port(), "https"), .token = fx_->alpha.token});
  auto page = client->GetObjects(fx_->shared_id, {});
  EXPECT_FALSE(page.ok());
  // Trusting it explicitly as a CA works (it is self-signed, for 127.0.0.1).
  auto trusted = MakeClient({.api_root_url = UrlOf(fx_->server().port(), "https"),
                             .token = fx_->alpha.token,
                             .ca_file = cert_.cert_path});
  auto ok = trusted->GetObjects(fx_->shared_id, {});
  EXPECT_TRUE(ok.ok()) << ok.status().ToString();
}

}  // namespace
}  // namespace entente::taxii
