// web/handler.h, the views of cases, the hotline, the record and the peers: what each
// organisation gets from the pages and JSON, the Acknowledge form's CSRF protection, and
// administrator-only pages.
#include <gtest/gtest.h>

#include "cases/case_store.h"
#include "cases/testing/hotline_node.h"
#include "http/query.h"
#include "web/handler.h"
#include "web/test_requests.h"

namespace entente::web {
namespace {

using test::CookieOf;
using test::CsrfOf;
using test::UiRequest;

using cases::testing::HotlineNode;
using cases::testing::kDe;
using cases::testing::kMinute;

constexpr const char* kMsg = "note--8e1d0000-0000-4000-8000-000000000001";

class ViewHandler : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* org : {"cert-fr", "cert-de", "cert-it"}) {
      store::TokenInfo t;
      t.token_id = std::string("tok_") + org;
      t.org_id = org;
      ASSERT_TRUE(node_.store().AddToken(t, Sha256Hex(Secret(org))).ok());
    }
    // cert-fr administers the node.
    store::Organisation fr = node_.Org("cert-fr");
    fr.admin = true;
    ASSERT_TRUE(node_.store().PutOrganisation(fr).ok());
    cases::Contact duty = HotlineNode::MakeContact(kDe, "duty", 1);
    cases::SendRequest r;
    r.to = duty;
    r.chain = {duty};
    r.subject = "Subject only cert-de and cert-fr may read";
    r.ack_within_us = 10 * kMinute;
    ASSERT_TRUE(cases::Send(node_.store(), node_.collection(), node_.parties(),
                            node_.Org("cert-fr"), r, kMsg, node_.clock().NowMicros())
                    .ok());
  }

  static std::string Secret(const std::string& org) { return "ent_secret_" + org; }

  std::string SignIn(const std::string& org) {
    http::Response form = handler_.Handle(UiRequest("GET", "/ui/login"));
    const std::string login = CookieOf(form);
    const std::string nonce = login.substr(login.find('=') + 1);
    http::Response res = handler_.Handle(
        UiRequest("POST", "/ui/login", login, "csrf=" + nonce + "&token=" + Secret(org)));
    EXPECT_EQ(res.status, 303);
    return CookieOf(res);
  }

  HotlineNode node_;
  WebHandler handler_{node_.store(), nullptr, WebOptions{3600, false, &node_.clock(), nullptr}};
};

TEST_F(ViewHandler, AnInboxShowsOnlyWhatIsAddressedToItsOrganisation) {
  const std::string de = SignIn("cert-de");
  const http::Response page = handler_.Handle(UiRequest("GET", "/ui/hotline", de));
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("Subject only cert-de"), std::string::npos);
  EXPECT_NE(page.body.find(">Acknowledge</button>"), std::string::npos);
  const std::string it = SignIn("cert-it");
  for (const char* target :
       {"/ui/hotline", "/ui/hotline?sent=1", "/ui/api/hotline", "/ui/api/hotline?sent=1"}) {
    const http::Response r = handler_.Handle(UiRequest("GET", target, it));
    EXPECT_EQ(r.status, 200) << target;
    EXPECT_EQ(r.body.find("Subject only"), std::string::npos) << target;
    EXPECT_EQ(r.body.find(kMsg), std::string::npos) << target;
  }
}

TEST_F(ViewHandler, AcknowledgeIsAPostWithTheSessionsCsrfTokenFromThisOrigin) {
  const std::string de = SignIn("cert-de");
  const std::string csrf = CsrfOf(handler_.Handle(UiRequest("GET", "/ui/hotline", de)).body);
  const std::string form = "collection=" + node_.collection().id + "&message=" + kMsg;
  // No token, a wrong token, another site: refused, nothing stored.
  EXPECT_EQ(handler_.Handle(UiRequest("POST", "/ui/hotline/ack", de, form)).status, 403);
  EXPECT_EQ(handler_.Handle(UiRequest("POST", "/ui/hotline/ack", de, form + "&csrf=nope")).status,
            403);
  http::Request cross = UiRequest("POST", "/ui/hotline/ack", de, form + "&csrf=" + csrf);
  cross.headers.emplace_back("Sec-Fetch-Site", "cross-site");
  EXPECT_EQ(handler_.Handle(cross).status, 403);
  // Without a session: to the sign-in page.
  EXPECT_EQ(
      handler_.Handle(UiRequest("POST", "/ui/hotline/ack", "", form + "&csrf=" + csrf)).status,
      303);
  auto json = handler_.Handle(UiRequest("GET", "/ui/api/hotline", de));
  EXPECT_NE(json.body.find("\"acknowledged\":false"), std::string::npos);
  // Another organisation with its own valid token: the message is not its to acknowledge.
  const std::string it = SignIn("cert-it");
  const std::string it_csrf = CsrfOf(handler_.Handle(UiRequest("GET", "/ui/hotline", it)).body);
  EXPECT_EQ(
      handler_.Handle(UiRequest("POST", "/ui/hotline/ack", it, form + "&csrf=" + it_csrf)).status,
      404);
  // The addressee: stored, then back to the inbox.
  http::Request ok =
      UiRequest("POST", "/ui/hotline/ack", de, form + "&csrf=" + csrf + "&note=on+it");
  ok.headers.emplace_back("Origin", "http://node:9440");
  const http::Response done = handler_.Handle(ok);
  EXPECT_EQ(done.status, 303);
  EXPECT_EQ(done.Header("Location").value_or(""), std::string("/ui/hotline?acked=") + kMsg);
  json = handler_.Handle(UiRequest("GET", "/ui/api/hotline", de));
  EXPECT_NE(json.body.find("\"acknowledged\":true"), std::string::npos);
  EXPECT_NE(json.body.find("\"phase\":\"acknowledged\""), std::string::npos);
}

TEST_F(ViewHandler, AnUnseenCaseAnswersAsAnUnknownOne) {
  cases::CaseBook book(node_.store(), node_.collection(), node_.clock());
  cases::CaseSpec spec;
  spec.name = "Case only fr and de may see";
  spec.rsit = cases::ClassifyRsit("malicious-code", "").value();
  auto fr = cases::ActorFor(node_.store(), "cert-fr");
  auto id = book.Open(*fr, spec);
  ASSERT_TRUE(id.ok());
  node_.clock().Advance(kMinute);
  ASSERT_TRUE(book.Invite(*fr, *id, {kDe}).ok());
  const std::string de = SignIn("cert-de");
  const std::string it = SignIn("cert-it");
  const std::string coll = node_.collection().id;
  const http::Response seen =
      handler_.Handle(UiRequest("GET", "/ui/case?collection=" + coll + "&id=" + *id, de));
  EXPECT_EQ(seen.status, 200);
  EXPECT_NE(seen.body.find("Case only fr and de"), std::string::npos);
  EXPECT_NE(handler_.Handle(UiRequest("GET", "/ui/cases", de)).body.find(*id), std::string::npos);
  EXPECT_EQ(handler_.Handle(UiRequest("GET", "/ui/cases", it)).body.find(*id), std::string::npos);
  EXPECT_EQ(handler_.Handle(UiRequest("GET", "/ui/api/cases", it)).body.find(*id),
            std::string::npos);
  for (const char* prefix : {"/ui/case", "/ui/api/case"}) {
    const http::Response hidden = handler_.Handle(
        UiRequest("GET", std::string(prefix) + "?collection=" + coll + "&id=" + *id, it));
    const http::Response unknown =
        handler_.Handle(UiRequest("GET",
                                  std::string(prefix) + "?collection=" + coll +
                                      "&id=incident--00000000-0000-4000-8000-000000000000",
                                  it));
    EXPECT_EQ(hidden.status, 404) << prefix;
    EXPECT_EQ(hidden.status, unknown.status) << prefix;
    EXPECT_EQ(hidden.body, unknown.body) << prefix;
  }
}

TEST_F(ViewHandler, PeerPagesAreForAdministratorsOnly) {
  const std::string de = SignIn("cert-de");
  EXPECT_EQ(handler_.Handle(UiRequest("GET", "/ui/peer?name=x", de)).status, 403);
  EXPECT_EQ(handler_.Handle(UiRequest("GET", "/ui/api/peer?name=x", de)).status, 403);
  // The record page without a record: empty, for everyone.
  const http::Response record = handler_.Handle(UiRequest("GET", "/ui/record", de));
  EXPECT_EQ(record.status, 200);
  EXPECT_NE(record.body.find("No head signed yet"), std::string::npos);
  EXPECT_EQ(handler_.Handle(UiRequest("GET", "/ui/record?kind=nonsense", de)).status, 400);
}

}  // namespace
}  // namespace entente::web
