// web/handler.h: sign-in, sessions that expire by the clock interface, CSRF, revocation.
#include "web/handler.h"
#include "web/test_requests.h"

#include <gtest/gtest.h>

#include "common/fake_clock.h"
#include "http/query.h"
#include "taxii/testing/memory_store.h"

namespace entente::web {
namespace {

using test::CookieOf;
using test::CsrfOf;
using test::UiRequest;

class HandlerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::Organisation o;
    o.id = "cert";
    o.name = "CERT";
    o.identity_id = "identity--c";
    ASSERT_TRUE(store_.PutOrganisation(o).ok());
    store::TokenInfo t;
    t.token_id = "tok_1";
    t.org_id = "cert";
    ASSERT_TRUE(store_.AddToken(t, Sha256Hex(kSecret)).ok());
  }

  // Signs in; returns the session cookie ("entente_session=…").
  std::string SignIn() {
    http::Response form = handler_.Handle(UiRequest("GET", "/ui/login"));
    const std::string login = CookieOf(form);
    const std::string nonce = login.substr(login.find('=') + 1);
    http::Response res = handler_.Handle(
        UiRequest("POST", "/ui/login", login, "csrf=" + nonce + "&token=" + std::string(kSecret)));
    EXPECT_EQ(res.status, 303);
    const std::string cookie(res.Header("Set-Cookie").value_or(""));
    EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
    EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
    EXPECT_NE(cookie.find("Path=/ui"), std::string::npos);
    EXPECT_NE(cookie.find("Max-Age=600"), std::string::npos);
    return CookieOf(res);
  }

  static constexpr std::string_view kSecret = "ent_test_secret";
  FakeClock clock_;
  taxii::testing::MemoryStore store_{clock_};
  WebHandler handler_{store_, nullptr, Options(&clock_)};

  static WebOptions Options(Clock* clock) {
    WebOptions o;
    o.session_seconds = 600;
    o.clock = clock;
    return o;
  }
};

TEST_F(HandlerTest, PagesNeedASessionThatExpires) {
  EXPECT_EQ(handler_.Handle(UiRequest("GET", "/ui/")).status, 303);
  EXPECT_EQ(handler_.Handle(UiRequest("GET", "/ui/api/overview")).status, 401);
  const std::string cookie = SignIn();
  EXPECT_EQ(handler_.Handle(UiRequest("GET", "/ui/", cookie)).status, 200);
  clock_.Advance(599'000'000);
  EXPECT_EQ(handler_.Handle(UiRequest("GET", "/ui/api/overview", cookie)).status, 200);
  clock_.Advance(1'000'000);
  http::Response expired = handler_.Handle(UiRequest("GET", "/ui/", cookie));
  EXPECT_EQ(expired.status, 303);
  EXPECT_EQ(expired.Header("Location").value_or(""), "/ui/login");
}

TEST_F(HandlerTest, AWrongTokenOpensNoSession) {
  http::Response form = handler_.Handle(UiRequest("GET", "/ui/login"));
  const std::string login = CookieOf(form);
  const std::string nonce = login.substr(login.find('=') + 1);
  http::Response res =
      handler_.Handle(UiRequest("POST", "/ui/login", login, "csrf=" + nonce + "&token=ent_wrong"));
  EXPECT_EQ(res.status, 401);
  EXPECT_EQ(CookieOf(res).find("entente_session="), std::string::npos);
  // Without the form's double-submit token.
  res = handler_.Handle(UiRequest("POST", "/ui/login", "", "token=" + std::string(kSecret)));
  EXPECT_EQ(res.status, 403);
}

TEST_F(HandlerTest, SignOutNeedsTheCsrfTokenAndTheSameOrigin) {
  const std::string cookie = SignIn();
  EXPECT_EQ(handler_.Handle(UiRequest("POST", "/ui/logout", cookie, "")).status, 403);
  EXPECT_EQ(handler_.Handle(UiRequest("POST", "/ui/logout", cookie, "csrf=nope")).status, 403);
  // The synchronizer token is in the page's sign-out form.
  const std::string page = handler_.Handle(UiRequest("GET", "/ui/", cookie)).body;
  const std::string csrf = CsrfOf(page);
  http::Request cross = UiRequest("POST", "/ui/logout", cookie, "csrf=" + csrf);
  cross.headers.emplace_back("Origin", "http://evil.example");
  EXPECT_EQ(handler_.Handle(cross).status, 403);
  EXPECT_EQ(handler_.Handle(UiRequest("GET", "/ui/", cookie)).status, 200);
  http::Request same = UiRequest("POST", "/ui/logout", cookie, "csrf=" + csrf);
  same.headers.emplace_back("Origin", "http://node:9440");
  EXPECT_EQ(handler_.Handle(same).status, 303);
  EXPECT_EQ(handler_.Handle(UiRequest("GET", "/ui/", cookie)).status, 303);
}

TEST_F(HandlerTest, RevokingTheTokenEndsItsSessions) {
  const std::string cookie = SignIn();
  ASSERT_TRUE(store_.RevokeToken("tok_1").ok());
  EXPECT_EQ(handler_.Handle(UiRequest("GET", "/ui/", cookie)).status, 303);
}

TEST_F(HandlerTest, EveryAnswerCarriesTheSecurityHeaders) {
  for (const char* target : {"/ui/login", "/ui/assets/style.css", "/ui/nothing"}) {
    http::Response res = handler_.Handle(UiRequest("GET", target));
    EXPECT_NE(res.Header("Content-Security-Policy").value_or("").find("script-src 'self'"),
              std::string::npos)
        << target;
    EXPECT_EQ(res.Header("X-Content-Type-Options").value_or(""), "nosniff");
  }
}

}  // namespace
}  // namespace entente::web
