// http/: request and response values handed to a request handler.
//
// These types are independent of Boost.Beast so that handlers (taxii/) and their tests
// never see the HTTP library. A Request is built by the server for one HTTP request and
// is valid for the duration of the handler call; a Response is returned by value (or
// given later, through Response::deferred).
// Header names are compared case-insensitively. Plain values: not synchronised.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace entente::http {

// One decoded query parameter; repeated keys appear once per occurrence, in order.
using QueryParam = std::pair<std::string, std::string>;

struct Request {
  std::string method;             // "GET", "POST", ... (upper case as sent)
  std::string target;             // raw request target, e.g. "/api/collections/?limit=5"
  std::string path;               // the target up to '?', not percent-decoded
  std::vector<QueryParam> query;  // decoded query parameters
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string remote;  // peer address "ip:port", for logs

  // First header named `name` (case-insensitive), or nullopt.
  std::optional<std::string_view> Header(std::string_view name) const;
};

struct Response;
// How a deferred response is given: called once, from any thread (see Response::deferred).
using Reply = std::function<void(Response)>;

struct Response {
  int status = 200;
  // Sent in order, each entry as its own header line (so Set-Cookie may appear twice);
  // SetHeader replaces an entry of the same name instead of adding one.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string log_user;  // who made the request, for the access log only (never sent)
  // When set, this response stands for one given later: the server calls `deferred`
  // once, right after the handler returns, with a Reply that the handler's code calls
  // exactly once, from any thread, with the real response (whose own `deferred` must be
  // empty). Meanwhile the connection waits without holding a thread, so a handler that
  // waits on another thread (a group commit) can answer thousands of requests with a
  // few threads. A Reply whose every copy is destroyed uncalled answers 500; a second
  // call is ignored. Of this response only log_user is kept (when the real one has none).
  std::function<void(Reply)> deferred;

  Response& SetHeader(std::string name, std::string value);
  // First header named `name` (case-insensitive), or nullopt.
  std::optional<std::string_view> Header(std::string_view name) const;
};

// Produces the response to one request. Called concurrently from the server's threads.
using Handler = std::function<Response(const Request&)>;

// Case-insensitive ASCII comparison.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace entente::http
