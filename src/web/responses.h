// web/responses.h: how the dashboard answers — HTML pages, JSON, redirects and errors —
// with the security headers every answer carries (Content-Security-Policy without
// inline script or style, nosniff, same-origin referrers, no framing, Cache-Control: no-store).
//
// Errors tell only what the request itself decides: not-found is one page ("There is
// nothing here you may see.") and one JSON body ({"error":"not found"}) whatever was
// absent or hidden; internal errors carry no detail. Pure functions, safe from any thread.
#pragma once

#include <boost/json/object.hpp>
#include <string>

#include "entente/status.h"
#include "http/message.h"
#include "web/pages.h"

namespace entente::web {

http::Response WithHeaders(http::Response res);
http::Response HtmlPage(int status, std::string body);
http::Response Json(int status, const boost::json::object& body);
http::Response Redirect(const std::string& to);
// 404 / 400 / 403 / 401 / 500 from a status, as a page (with the header when `viewer`
// is set) or as {"error": ...}.
http::Response ErrorPage(const Viewer* viewer, const Status& status);
http::Response ErrorJson(const Status& status);

}  // namespace entente::web
