// The administrator pages (web/admin_routes.cc) and the sign-in bound (web/login_limiter.h)
// through WebHandler::Handle: administrators only, CSRF on every change, the same checks
// as the command line, a token's secret shown once.
#include <gtest/gtest.h>

#include "common/fake_clock.h"
#include "http/query.h"
#include "store/memory_federation_state.h"
#include "taxii/testing/memory_store.h"
#include "web/handler.h"
#include "web/test_requests.h"

namespace entente::web {
namespace {

using test::CookieOf;
using test::CsrfOf;

class AdminRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::ApiRoot root;
    root.name = "api";
    root.title = "API";
    ASSERT_TRUE(store_.PutApiRoot(root).ok());
    AddOrg("root", true, "identity--00000000-0000-4000-8000-000000000001", "ent_admin_secret");
    AddOrg("plain", false, "identity--00000000-0000-4000-8000-000000000002", "ent_plain_secret");
  }

  void AddOrg(const std::string& id, bool admin, const std::string& identity,
              const std::string& secret) {
    store::Organisation o;
    o.id = id;
    o.name = id;
    o.country = "DE";
    o.admin = admin;
    o.identity_id = identity;
    ASSERT_TRUE(store_.PutOrganisation(o).ok());
    store::TokenInfo t;
    t.token_id = "tok_" + id;
    t.org_id = id;
    ASSERT_TRUE(store_.AddToken(t, Sha256Hex(secret)).ok());
  }

  // Requests from one browser address unless another is given.
  static http::Request Req(const std::string& method, const std::string& target,
                           const std::string& cookie = "", const std::string& body = "",
                           const std::string& remote = "192.0.2.1:4000") {
    return test::UiRequest(method, target, cookie, body, remote);
  }

  http::Response TrySignIn(const std::string& secret, const std::string& remote) {
    http::Response form = handler_.Handle(Req("GET", "/ui/login", "", "", remote));
    const std::string login = CookieOf(form);
    const std::string nonce = login.substr(login.find('=') + 1);
    return handler_.Handle(Req("POST", "/ui/login", login,
                               "csrf=" + nonce + "&token=" + http::EncodeQueryValue(secret),
                               remote));
  }

  // Signs in; returns the session cookie and fills `csrf` from the page's sign-out form.
  std::string SignIn(const std::string& secret, std::string* csrf) {
    http::Response res = TrySignIn(secret, "192.0.2.1:4000");
    EXPECT_EQ(res.status, 303);
    const std::string cookie = CookieOf(res);
    const std::string page = handler_.Handle(Req("GET", "/ui/", cookie)).body;
    *csrf = CsrfOf(page);
    return cookie;
  }

  http::Response Post(const std::string& path, const std::string& cookie, const std::string& body) {
    return handler_.Handle(Req("POST", path, cookie, body));
  }

  static std::string TokenOnPage(const std::string& page) {
    const std::string open = "<pre id=\"new-token\" tabindex=\"0\">";
    const size_t at = page.find(open);
    if (at == std::string::npos) return "";
    const size_t start = at + open.size();
    return page.substr(start, page.find('<', start) - start);
  }

  static WebOptions Options(Clock* clock) {
    WebOptions o;
    o.session_seconds = 600;
    o.clock = clock;
    o.login_limits.per_address_burst = 3;
    o.login_limits.per_address_per_minute = 1;
    o.login_limits.global_burst = 100;
    o.login_limits.global_per_minute = 100;
    return o;
  }

  FakeClock clock_;
  taxii::testing::MemoryStore store_{clock_};
  store::MemoryFederationState peers_;
  WebHandler handler_{store_, &peers_, Options(&clock_)};
};

TEST_F(AdminRoutesTest, AdministratorAddsAnOrganisationAsTheCommandLineDoes) {
  std::string csrf;
  const std::string cookie = SignIn("ent_admin_secret", &csrf);
  http::Response page = handler_.Handle(Req("GET", "/ui/admin/organisations", cookie));
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("action=\"/ui/admin/organisations/add\""), std::string::npos);
  http::Response res = Post("/ui/admin/organisations/add", cookie,
                            "csrf=" + csrf + "&id=cert-fr&name=CERT-FR&country=FR&sector=" +
                                "government&community=eu-csirts%0D%0Anato");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_NE(res.body.find("Organisation cert-fr added"), std::string::npos);
  auto org = store_.GetOrganisation("cert-fr");
  ASSERT_TRUE(org.ok());
  EXPECT_EQ(org->communities, (std::vector<std::string>{"eu-csirts", "nato"}));
  // The same validation: the command line's message, 400, nothing changed.
  res =
      Post("/ui/admin/organisations/add", cookie, "csrf=" + csrf + "&id=cert-uk&name=X&country=UK");
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(res.body.find("--country: an assigned ISO 3166-1 alpha-2 code"), std::string::npos);
  EXPECT_EQ(store_.GetOrganisation("cert-uk").status().code(), StatusCode::kNotFound);
  res =
      Post("/ui/admin/organisations/add", cookie, "csrf=" + csrf + "&id=cert-fr&name=X&country=FR");
  EXPECT_EQ(res.status, 409);
  // Removal (every change is recorded by the store's observer: admission/record_test.cc).
  res = Post("/ui/admin/organisations/remove", cookie, "csrf=" + csrf + "&id=cert-fr");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(store_.GetOrganisation("cert-fr").status().code(), StatusCode::kNotFound);
}

TEST_F(AdminRoutesTest, ATokenIsShownOnceAndNeverAgain) {
  std::string csrf;
  const std::string cookie = SignIn("ent_admin_secret", &csrf);
  http::Response res =
      Post("/ui/admin/tokens/create", cookie, "csrf=" + csrf + "&org=plain&label=laptop");
  ASSERT_EQ(res.status, 200) << res.body;
  const std::string secret = TokenOnPage(res.body);
  ASSERT_TRUE(secret.starts_with("ent_")) << res.body;
  EXPECT_EQ(res.Header("Cache-Control").value_or(""), "no-store");
  // It works, and only its hash is kept.
  auto holder = store_.FindTokenByHash(Sha256Hex(secret));
  ASSERT_TRUE(holder.ok());
  EXPECT_EQ(holder->org_id, "plain");
  // No page shows it again; the record names it by id.
  for (const char* path : {"/ui/admin/tokens", "/ui/admin/organisations", "/ui/admin/collections",
                           "/ui/admin/peers", "/ui/"}) {
    http::Response again = handler_.Handle(Req("GET", path, cookie));
    EXPECT_EQ(again.body.find(secret), std::string::npos) << path;
  }
  EXPECT_NE(handler_.Handle(Req("GET", "/ui/admin/tokens", cookie)).body.find(holder->token_id),
            std::string::npos);
  // The log line names who acted, never the token.
  EXPECT_EQ(res.log_user, "root");
  // Revoked: its sessions end.
  res = Post("/ui/admin/tokens/revoke", cookie, "csrf=" + csrf + "&token-id=" + holder->token_id);
  EXPECT_EQ(res.status, 200);
  EXPECT_FALSE(store_.FindTokenByHash(Sha256Hex(secret)).ok());
}

TEST_F(AdminRoutesTest, CollectionsAndGrants) {
  std::string csrf;
  const std::string cookie = SignIn("ent_admin_secret", &csrf);
  http::Response res = Post("/ui/admin/collections/add", cookie,
                            "csrf=" + csrf + "&title=Feed&api-root=api&tlp=green&read=plain");
  ASSERT_EQ(res.status, 200) << res.body;
  auto colls = store_.ListCollections("api");
  ASSERT_TRUE(colls.ok());
  ASSERT_EQ(colls->size(), 1u);
  const std::string id = colls->front().id;
  EXPECT_EQ(colls->front().readers, (std::vector<std::string>{"plain"}));
  res = Post("/ui/admin/collections/grant", cookie,
             "csrf=" + csrf + "&id=" + id + "&org=root&write=1");
  EXPECT_EQ(res.status, 200);
  EXPECT_NE(res.body.find("Granted root write"), std::string::npos);
  EXPECT_EQ(store_.GetCollection(id)->writers, (std::vector<std::string>{"root"}));
  res = Post("/ui/admin/collections/grant", cookie, "csrf=" + csrf + "&id=" + id + "&org=root");
  EXPECT_EQ(res.status, 400);  // nothing to grant
  res = Post("/ui/admin/collections/revoke", cookie, "csrf=" + csrf + "&id=" + id + "&org=plain");
  EXPECT_EQ(res.status, 200);
  EXPECT_TRUE(store_.GetCollection(id)->readers.empty());
  res = Post("/ui/admin/collections/add", cookie, "csrf=" + csrf + "&title=X&tlp=purple");
  EXPECT_EQ(res.status, 400);
  // Removal (`entente collection remove`) only with the id typed again.
  res = Post("/ui/admin/collections/remove", cookie, "csrf=" + csrf + "&id=" + id + "&confirm=x");
  EXPECT_EQ(res.status, 400);
  EXPECT_TRUE(store_.GetCollection(id).ok());
  res =
      Post("/ui/admin/collections/remove", cookie, "csrf=" + csrf + "&id=" + id + "&confirm=" + id);
  EXPECT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(store_.GetCollection(id).status().code(), StatusCode::kNotFound);
}

TEST_F(AdminRoutesTest, PeersAreListedWithoutTheirToken) {
  std::string csrf;
  const std::string cookie = SignIn("ent_admin_secret", &csrf);
  http::Response res = Post("/ui/admin/peers/add", cookie,
                            "csrf=" + csrf +
                                "&name=node-fr&url=https%3A%2F%2Ffr.example%3A9440%2Fapi%2F"
                                "&token=peer-secret-value&jurisdiction=FR&quota=50");
  ASSERT_EQ(res.status, 200) << res.body;
  auto peer = peers_.GetPeer("node-fr");
  ASSERT_TRUE(peer.ok());
  EXPECT_EQ(peer->quota, 50);
  EXPECT_EQ(peer->token, "peer-secret-value");
  http::Response page = handler_.Handle(Req("GET", "/ui/admin/peers", cookie));
  EXPECT_NE(page.body.find("node-fr"), std::string::npos);
  EXPECT_EQ(page.body.find("peer-secret-value"), std::string::npos);
  EXPECT_EQ(res.body.find("peer-secret-value"), std::string::npos);
  res = Post("/ui/admin/peers/set", cookie,
             "csrf=" + csrf + "&name=node-fr&log-key=" + std::string(64, 'A'));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(peers_.GetPeer("node-fr")->log_key, std::string(64, 'a'));
  res = Post("/ui/admin/peers/add", cookie,
             "csrf=" + csrf + "&name=x&url=https%3A%2F%2Fx%2F&token=t&jurisdiction=ZZ");
  EXPECT_EQ(res.status, 400);
  res = Post("/ui/admin/peers/remove", cookie, "csrf=" + csrf + "&name=node-fr");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(peers_.GetPeer("node-fr").status().code(), StatusCode::kNotFound);
}

TEST_F(AdminRoutesTest, ANonAdministratorIsRefusedAsOnOtherAdministratorPages) {
  std::string csrf;
  const std::string cookie = SignIn("ent_plain_secret", &csrf);
  // The answer the egress explanation gives a non-administrator.
  const http::Response explain = handler_.Handle(Req("GET", "/ui/explain", cookie));
  EXPECT_EQ(explain.status, 403);
  for (const char* path : {"/ui/admin", "/ui/admin/organisations", "/ui/admin/tokens"}) {
    http::Response res = handler_.Handle(Req("GET", path, cookie));
    EXPECT_EQ(res.status, 403) << path;
    EXPECT_NE(res.body.find("Administrators only"), std::string::npos);
  }
  http::Response res =
      Post("/ui/admin/tokens/create", cookie, "csrf=" + csrf + "&org=plain&label=x");
  EXPECT_EQ(res.status, 403);
  EXPECT_EQ(store_.ListTokens("plain")->size(), 1u);
  // No administration link in its pages.
  EXPECT_EQ(handler_.Handle(Req("GET", "/ui/", cookie)).body.find("/ui/admin"), std::string::npos);
}

TEST_F(AdminRoutesTest, EveryChangeNeedsTheCsrfToken) {
  std::string csrf;
  const std::string cookie = SignIn("ent_admin_secret", &csrf);
  for (const std::string body : {std::string("org=plain"), std::string("csrf=wrong&org=plain")}) {
    http::Response res = Post("/ui/admin/tokens/create", cookie, body);
    EXPECT_EQ(res.status, 403);
    EXPECT_EQ(TokenOnPage(res.body), "");
  }
  http::Request cross =
      Req("POST", "/ui/admin/tokens/create", cookie, "csrf=" + csrf + "&org=plain");
  cross.headers.emplace_back("Sec-Fetch-Site", "cross-site");
  EXPECT_EQ(handler_.Handle(cross).status, 403);
  EXPECT_EQ(store_.ListTokens("plain")->size(), 1u);
  // Without a session: to the sign-in page.
  EXPECT_EQ(Post("/ui/admin/tokens/create", "", "csrf=" + csrf + "&org=plain").status, 303);
  // GET changes nothing.
  EXPECT_EQ(handler_.Handle(Req("GET", "/ui/admin/tokens/create?org=plain", cookie)).status, 404);
  EXPECT_EQ(store_.ListTokens("plain")->size(), 1u);
}

TEST_F(AdminRoutesTest, FailedSignInsAreBoundedWithoutTellingWhetherATokenExists) {
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(TrySignIn("ent_wrong_" + std::to_string(i), "198.51.100.4:1").status, 401) << i;
  }
  // The fourth failure within the burst: 429 with Retry-After (60 s for one token at one a
  // minute), and the right token gets the same answer, so the answer tells nothing.
  http::Response limited = TrySignIn("ent_wrong_x", "198.51.100.4:2");
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.Header("Retry-After").value_or(""), "60");
  http::Response right = TrySignIn("ent_admin_secret", "198.51.100.4:3");
  EXPECT_EQ(right.status, 429);
  EXPECT_EQ(right.Header("Retry-After").value_or(""), "60");
  EXPECT_EQ(CookieOf(right).find("entente_session="), std::string::npos);
  // Another address is not held.
  EXPECT_EQ(TrySignIn("ent_admin_secret", "203.0.113.5:1").status, 303);
  // A minute later one more attempt may go ahead.
  clock_.Advance(60'000'000);
  EXPECT_EQ(TrySignIn("ent_admin_secret", "198.51.100.4:4").status, 303);
}

}  // namespace
}  // namespace entente::web
