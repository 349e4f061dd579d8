#include "web/responses.h"

#include <boost/json/serialize.hpp>

namespace entente::web {

http::Response WithHeaders(http::Response res) {
  res.SetHeader("Cache-Control", "no-store");
  res.SetHeader("X-Content-Type-Options", "nosniff");
  // same-origin, not no-referrer: with no-referrer a form POST carries "Origin: null".
  res.SetHeader("Referrer-Policy", "same-origin");
  res.SetHeader("X-Frame-Options", "DENY");
  res.SetHeader("Content-Security-Policy",
                "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  return res;
}

http::Response HtmlPage(int status, std::string body) {
  http::Response res;
  res.status = status;
  res.body = std::move(body);
  res.SetHeader("Content-Type", "text/html; charset=utf-8");
  return WithHeaders(std::move(res));
}

http::Response Json(int status, const boost::json::object& body) {
  http::Response res;
  res.status = status;
  res.body = boost::json::serialize(body);
  res.SetHeader("Content-Type", "application/json");
  return WithHeaders(std::move(res));
}

http::Response Redirect(const std::string& to) {
  http::Response res;
  res.status = 303;
  res.SetHeader("Location", to);
  return WithHeaders(std::move(res));
}

namespace {

int HttpStatusOf(const Status& s) {
  switch (s.code()) {
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kUnauthenticated:
      return 401;
    default:
      return 500;
  }
}

}  // namespace

http::Response ErrorPage(const Viewer* viewer, const Status& s) {
  switch (HttpStatusOf(s)) {
    case 404:
      return HtmlPage(404, MessagePage(viewer, "Not found", "There is nothing here you may see."));
    case 400:
      return HtmlPage(400, MessagePage(viewer, "Bad request", s.message()));
    case 403:
      return HtmlPage(403, MessagePage(viewer, "Refused", s.message()));
    case 401:
      return HtmlPage(401, MessagePage(viewer, "Sign in", s.message()));
    default:
      return HtmlPage(500, MessagePage(viewer, "Internal error", "The node could not answer."));
  }
}

http::Response ErrorJson(const Status& s) {
  const int status = HttpStatusOf(s);
  const char* fixed = status == 404 ? "not found" : status == 500 ? "internal error" : nullptr;
  return Json(status, boost::json::object{{"error", fixed ? std::string(fixed) : s.message()}});
}

}  // namespace entente::web
