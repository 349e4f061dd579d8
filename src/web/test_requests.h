// Helpers for the dashboard's handler tests: a request as the browser sends it to the
// node's port, the session or login cookie a response sets, and the CSRF token a page's
// forms carry. Header-only; used by tests, never by the library.
#pragma once

#include <string>
#include <string_view>

#include "http/message.h"
#include "http/query.h"

namespace entente::web::test {

// `method` `target` with Host node:9440, the cookie (name=value) when given, the body,
// and the peer address `remote` (the sign-in rate limit keys on it).
inline http::Request UiRequest(const std::string& method, const std::string& target,
                               const std::string& cookie = "", const std::string& body = "",
                               const std::string& remote = "") {
  http::Request r;
  r.method = method;
  r.target = target;
  std::string_view path, query;
  http::SplitTarget(target, &path, &query);
  r.path = std::string(path);
  r.query = http::ParseQuery(query).value();
  r.headers = {{"Host", "node:9440"}};
  if (!cookie.empty()) r.headers.emplace_back("Cookie", cookie);
  r.body = body;
  r.remote = remote;
  return r;
}

// The name=value part of the response's Set-Cookie ("" when it sets none).
inline std::string CookieOf(const http::Response& res) {
  auto v = std::string(res.Header("Set-Cookie").value_or(""));
  return v.substr(0, v.find(';'));
}

// The CSRF token of the first form of `page` (its hidden "csrf" field).
inline std::string CsrfOf(const std::string& page) {
  const size_t at = page.find("name=\"csrf\" value=\"") + 19;
  return page.substr(at, page.find('"', at) - at);
}

}  // namespace entente::web::test
