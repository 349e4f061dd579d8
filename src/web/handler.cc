#include "web/handler.h"

#include <boost/json/serialize.hpp>

#include "common/timestamp.h"
#include "http/query.h"
#include "store/token_holder.h"
#include "web/api.h"
#include "web/assets.h"
#include "web/responses.h"

namespace entente::web {

namespace {

constexpr std::string_view kSessionCookie = "entente_session";
constexpr std::string_view kLoginCookie = "entente_login";

// The value of cookie `name` in the request's Cookie header(s), or "".
std::string CookieValue(const http::Request& req, std::string_view name) {
  for (const auto& [key, value] : req.headers) {
    if (!http::EqualsIgnoreCase(key, "Cookie")) continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      size_t semi = rest.find(';');
      std::string_view part = rest.substr(0, semi);
      while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
      if (part.size() > name.size() && part.substr(0, name.size()) == name &&
          part[name.size()] == '=') {
        return std::string(part.substr(name.size() + 1));
      }
      if (semi == std::string_view::npos) break;
      rest.remove_prefix(semi + 1);
    }
  }
  return "";
}

std::string Param(const std::vector<http::QueryParam>& params, std::string_view key) {
  for (const auto& [k, v] : params) {
    if (k == key) return v;
  }
  return "";
}

// A POST from another site is refused before anything else (CSRF, second line).
bool SameOrigin(const http::Request& req, bool tls) {
  if (auto site = req.Header("Sec-Fetch-Site")) {
    if (*site != "same-origin" && *site != "none") return false;
  }
  auto origin = req.Header("Origin");
  if (!origin) return true;
  auto host = req.Header("Host");
  if (!host) return false;
  return *origin == std::string(tls ? "https://" : "http://") + std::string(*host);
}

std::string Cookie(std::string_view name, const std::string& value, int64_t max_age, bool secure) {
  return std::string(name) + "=" + value + "; Path=/ui; Max-Age=" + std::to_string(max_age) +
         "; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
}

}  // namespace

bool WebHandler::Owns(std::string_view path) { return path == "/ui" || path.starts_with("/ui/"); }

WebHandler::WebHandler(store::Store& store, store::FederationState* peers, WebOptions options)
    : store_(store),
      peers_(peers),
      options_(options),
      clock_(options.clock != nullptr ? *options.clock : SystemClock()),
      random_(options.random != nullptr ? *options.random : SystemRandom()),
      sessions_(clock_, random_, options.session_seconds),
      login_limiter_(clock_, options.login_limits) {}

Result<WebHandler::Caller> WebHandler::Authenticate(const http::Request& req) {
  auto session = sessions_.Find(CookieValue(req, kSessionCookie));
  if (!session) return Status::Unauthenticated("not signed in");
  // The token and its organisation, looked up as TAXII looks them up on every request.
  auto holder = store::FindTokenHolder(store_, session->token_hash);
  if (!holder.ok()) {
    if (holder.status().code() != StatusCode::kNotFound) return holder.status();
    sessions_.Close(session->id);  // the token was revoked or its organisation removed
    return Status::Unauthenticated(holder.status().message());
  }
  store::Organisation& org = holder->org;
  Caller c;
  c.viewer = Viewer{org.id, org.name, org.admin, session->csrf};
  c.session_id = session->id;
  c.requester = policy::RequesterFor(store::OrgFactsOf(std::move(org)),
                                     std::move(holder->token.individual_id));
  return c;
}

http::Response WebHandler::Handle(const http::Request& req) {
  const std::string_view path = req.path;
  if (path == "/ui") return Redirect("/ui/");
  if (path == "/ui/assets/style.css" || path == "/ui/assets/app.js") {
    if (req.method != "GET") return HtmlPage(405, MessagePage(nullptr, "Not allowed", "GET only."));
    const bool css = path.ends_with(".css");
    http::Response res;
    res.body = std::string(css ? StyleCss() : AppJs());
    res.SetHeader("Content-Type",
                  css ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8");
    return WithHeaders(std::move(res));
  }
  if (req.method == "POST") {
    if (!SameOrigin(req, options_.secure_cookies)) {
      return HtmlPage(403, MessagePage(nullptr, "Refused", "Cross-site requests are refused."));
    }
    if (path == "/ui/login") return Login(req);
    if (path == "/ui/logout") return Logout(req);
    if (path == "/ui/hotline/ack") return AcknowledgePost(req);
    if (IsAdminPath(path)) {
      auto caller = Authenticate(req);
      if (!caller.ok()) {
        if (caller.status().code() != StatusCode::kUnauthenticated) {
          return ErrorPage(nullptr, caller.status());
        }
        return Redirect("/ui/login");
      }
      http::Response res = Admin(req, *caller);
      res.log_user = caller->viewer.org_id;
      return res;
    }
    return HtmlPage(405, MessagePage(nullptr, "Not allowed", "This page takes GET only."));
  }
  if (req.method != "GET" && req.method != "HEAD") {
    return HtmlPage(405, MessagePage(nullptr, "Not allowed", "GET or POST only."));
  }
  if (path == "/ui/login") return LoginForm(req, 200, "");
  const bool api = path.starts_with("/ui/api/");
  auto caller = Authenticate(req);
  if (!caller.ok()) {
    if (caller.status().code() != StatusCode::kUnauthenticated) {
      return api ? ErrorJson(caller.status()) : ErrorPage(nullptr, caller.status());
    }
    return api ? ErrorJson(Status::Unauthenticated("sign in first (POST /ui/login)"))
               : Redirect("/ui/login");
  }
  http::Response res = api                 ? Api(req, *caller, path.substr(8))
                       : IsAdminPath(path) ? Admin(req, *caller)
                                           : Page(req, *caller, path.substr(3));
  res.log_user = caller->viewer.org_id;
  return res;
}

http::Response WebHandler::LoginForm(const http::Request& req, int status,
                                     const std::string& error) {
  if (status == 200 && Authenticate(req).ok()) return Redirect("/ui/");
  // Double-submit token: the form echoes a random cookie, which another site can
  // neither read nor set.
  const std::string nonce = sessions_.NewSecret();
  http::Response res = HtmlPage(status, LoginPage(nonce, error));
  res.headers.emplace_back("Set-Cookie",
                           Cookie(kLoginCookie, nonce, 3600, options_.secure_cookies));
  return res;
}

http::Response WebHandler::Login(const http::Request& req) {
  auto form = http::ParseQuery(req.body, 16);
  if (!form.ok()) return LoginForm(req, 400, "The form could not be read.");
  const std::string nonce = CookieValue(req, kLoginCookie);
  if (nonce.empty() || !SecretEquals(nonce, Param(*form, "csrf"))) {
    return LoginForm(req, 403, "The sign-in form expired; please try again.");
  }
  // The bound on failed sign-ins, before the token is looked up: a limited client learns
  // nothing about the token it sent.
  if (const int64_t wait = login_limiter_.Acquire(req.remote); wait > 0) {
    http::Response res = LoginForm(
        req, 429, "Too many failed sign-ins; try again in " + std::to_string(wait) + " seconds.");
    res.SetHeader("Retry-After", std::to_string(wait));
    return res;
  }
  const std::string hash = Sha256Hex(Param(*form, "token"));
  auto holder = store::FindTokenHolder(store_, hash);
  if (!holder.ok()) {
    if (holder.status().code() != StatusCode::kNotFound) {
      login_limiter_.Refund(req.remote);  // not the client's failure
      return ErrorPage(nullptr, holder.status());
    }
    return LoginForm(req, 401, "Unknown or revoked token.");
  }
  login_limiter_.Refund(req.remote);
  Session s = sessions_.Open(hash);
  http::Response res = Redirect("/ui/");
  res.headers.emplace_back("Set-Cookie", Cookie(kSessionCookie, s.id, options_.session_seconds,
                                                options_.secure_cookies));
  // The sign-in form's cookie has served its one use.
  res.headers.emplace_back("Set-Cookie", Cookie(kLoginCookie, "", 0, options_.secure_cookies));
  res.log_user = holder->token.org_id;
  return res;
}

http::Response WebHandler::Logout(const http::Request& req) {
  auto caller = Authenticate(req);
  if (!caller.ok()) return Redirect("/ui/login");
  auto form = http::ParseQuery(req.body, 16);
  if (!form.ok() || !SecretEquals(Param(*form, "csrf"), caller->viewer.csrf)) {
    return HtmlPage(
        403, MessagePage(&caller->viewer, "Refused", "The request carried no valid CSRF token."));
  }
  sessions_.Close(caller->session_id);
  http::Response res = Redirect("/ui/login");
  res.headers.emplace_back("Set-Cookie", Cookie(kSessionCookie, "", 0, options_.secure_cookies));
  return res;
}

}  // namespace entente::web
