// web/handler.h: the dashboard (/ui/) as one http::Handler, served by the node's own
// HTTP server beside TAXII (taxii::ServerOptions::ui_handler; docs/dashboard.md).
//
// Routes: GET /ui/login, POST /ui/login (form: token, csrf), POST /ui/logout (form:
// csrf); GET /ui/ (overview), /ui/browse, /ui/search, /ui/object, /ui/explain, /ui/cases,
// /ui/case, /ui/hotline, /ui/record, /ui/peer; POST /ui/hotline/ack (form: csrf,
// collection, message, note); the same data as JSON at /ui/api/overview, /ui/api/browse,
// /ui/api/search, /ui/api/object, /ui/api/explain, /ui/api/cases, /ui/api/case,
// /ui/api/hotline, /ui/api/record, /ui/api/peer; the static files /ui/assets/style.css
// and /ui/assets/app.js.
//
// Sign-in takes an API token, authenticated exactly as TAXII authenticates one (its
// SHA-256 looked up, then its organisation); the session (web/session.h) remembers the
// token's hash and every request authenticates it again, so revocation ends a session.
// Without a live session a page answers 303 to /ui/login and a JSON call 401. Every POST
// is refused with 403 when its Origin is not this server's or Sec-Fetch-Site says
// cross-site; sign-out needs the session's CSRF token, sign-in the double-submit token
// of its form. Every read goes through web/reads.h and web/explain.h (the policy gate);
// peers, egress explanations, witnessing and what was withheld from a peer are shown to
// administrator organisations only (web/record_reads.h for the record's own rule).
//
// Administration (/ui/admin/…, web/admin_routes.cc): organisations, tokens, collections and
// grants, peers, for administrator organisations only (anyone else: 403, as the egress
// explanation answers); every change is a POST with the session's CSRF token and goes
// through admin/node_admin.h, the functions the command line calls, as the administrator's
// organisation (store::ActingFor: the store records each change as made by it). Failed sign-ins are
// bounded per client address and globally (web/login_limiter.h): beyond the bound POST /ui/login
// answers 429 with Retry-After before any token is looked up.
//
// Safe for concurrent use (the session table is; the rest is the store's).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "audit/log.h"
#include "common/env.h"
#include "http/message.h"
#include "store/federation_state.h"
#include "store/store.h"
#include "web/admin_pages.h"
#include "web/login_limiter.h"
#include "web/pages.h"
#include "web/session.h"

namespace entente::web {

struct WebOptions {
  int64_t session_seconds = 8 * 3600;
  bool secure_cookies = false;        // add Secure (the node serves HTTPS)
  Clock* clock = nullptr;             // nullptr: SystemClock()
  Random* random = nullptr;           // nullptr: SystemRandom()
  audit::AuditLog* record = nullptr;  // the node's record (null: the record page is empty)
  LoginLimits login_limits;
};

class WebHandler {
 public:
  // `store` and `peers` (may be null: no peers shown) must outlive the handler.
  WebHandler(store::Store& store, store::FederationState* peers, WebOptions options);

  http::Response Handle(const http::Request& req);

  // True for the paths this handler answers: "/ui" and everything under "/ui/".
  static bool Owns(std::string_view path);

 private:
  struct Caller {
    Viewer viewer;
    policy::Requester requester;
    std::string session_id;
  };

  Result<Caller> Authenticate(const http::Request& req);
  http::Response LoginForm(const http::Request& req, int status, const std::string& error);
  http::Response Login(const http::Request& req);
  http::Response Logout(const http::Request& req);
  http::Response Page(const http::Request& req, const Caller& caller, std::string_view route);
  http::Response Api(const http::Request& req, const Caller& caller, std::string_view route);
  // Cases, hotline, record and peers (view_routes.cc); nullopt for a route they do not own.
  std::optional<http::Response> ViewPage(const http::Request& req, const Caller& caller,
                                         std::string_view route);
  std::optional<http::Response> ViewApi(const http::Request& req, const Caller& caller,
                                        std::string_view route);
  // POST /ui/hotline/ack (form: csrf, collection, message, note).
  http::Response AcknowledgePost(const http::Request& req);
  // web/admin_routes.cc
  static bool IsAdminPath(std::string_view path);
  http::Response Admin(const http::Request& req, const Caller& caller);
  Result<AdminData> LoadAdmin();
  Status Change(AdminSection section, std::string_view action,
                const std::vector<http::QueryParam>& form, const Caller& caller,
                AdminNotice* notice);

  store::Store& store_;
  store::FederationState* peers_;
  WebOptions options_;
  Clock& clock_;
  Random& random_;  // ids of what the dashboard writes (acknowledgements)
  SessionTable sessions_;
  LoginLimiter login_limiter_;
};

}  // namespace entente::web
