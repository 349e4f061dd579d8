#include "taxii/responses.h"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value.hpp>

#include "http/status_codes.h"

namespace entente::taxii {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// One media type with its parameters: "type/subtype; a=b; c=d".
struct MediaType {
  std::string_view type;  // "type/subtype"
  std::optional<std::string_view> version;
  double q = 1.0;
  bool ok = false;
};

MediaType ParseMediaType(std::string_view text) {
  MediaType m;
  size_t semi = text.find(';');
  m.type = Trim(text.substr(0, semi));
  if (m.type.find('/') == std::string_view::npos) return m;
  m.ok = true;
  while (semi != std::string_view::npos) {
    text.remove_prefix(semi + 1);
    semi = text.find(';');
    std::string_view param = text.substr(0, semi);
    size_t eq = param.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view name = Trim(param.substr(0, eq));
    std::string_view value = Trim(param.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    if (http::EqualsIgnoreCase(name, "version")) {
      m.version = value;
    } else if (http::EqualsIgnoreCase(name, "q")) {
      m.q = (value == "0" || value == "0.0" || value == "0.00" || value == "0.000") ? 0.0 : 1.0;
    }
  }
  return m;
}

std::string_view ReasonTitle(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 409:
      return "Conflict";
    case 413:
      return "Payload Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Entity";
    case 503:
      return "Service Unavailable";
    default:
      return "Internal Server Error";
  }
}

}  // namespace

bool AcceptsTaxii(std::optional<std::string_view> accept) {
  if (!accept || Trim(*accept).empty()) return true;
  std::string_view rest = *accept;
  while (true) {
    size_t comma = rest.find(',');
    MediaType m = ParseMediaType(rest.substr(0, comma));
    if (m.ok && m.q > 0) {
      if (m.type == "*/*" || http::EqualsIgnoreCase(m.type, "application/*")) return true;
      if (http::EqualsIgnoreCase(m.type, "application/taxii+json") &&
          (!m.version || *m.version == "2.1")) {
        return true;
      }
    }
    if (comma == std::string_view::npos) return false;
    rest.remove_prefix(comma + 1);
  }
}

bool IsTaxiiContentType(std::optional<std::string_view> content_type) {
  if (!content_type) return false;
  MediaType m = ParseMediaType(*content_type);
  // TAXII 2.1 §1.6.8: the version parameter is optional (without it, the latest version
  // the server supports); §3.1: a media type defined for the endpoint MUST NOT result in
  // 415. Another version is not this server's.
  return m.ok && http::EqualsIgnoreCase(m.type, "application/taxii+json") &&
         (!m.version || *m.version == "2.1");
}

http::Response TaxiiJson(int status, std::string body) {
  http::Response res;
  res.status = status;
  res.headers.emplace_back("Content-Type", std::string(kTaxiiMediaType));
  res.body = std::move(body);
  return res;
}

std::string JsonQuote(std::string_view text) {
  return boost::json::serialize(boost::json::value(boost::json::string(text)));
}

http::Response TaxiiError(int status, std::string_view title, std::string_view description) {
  std::string body = "{\"title\":" + JsonQuote(title) +
                     ",\"description\":" + JsonQuote(description) + ",\"http_status\":\"" +
                     std::to_string(status) + "\"}";
  http::Response res = TaxiiJson(status, std::move(body));
  if (status == 401) {
    res.SetHeader("WWW-Authenticate", "Bearer realm=\"entente\", Basic realm=\"entente\"");
  }
  return res;
}

http::Response NotFound() {
  return TaxiiError(404, "Not Found", "no such resource, or it is not visible to you");
}

http::Response MethodNotAllowed(std::string allow) {
  http::Response res = TaxiiError(405, "Method Not Allowed", "allowed: " + allow);
  res.SetHeader("Allow", std::move(allow));
  return res;
}

http::Response TaxiiErrorFromStatus(const Status& status) {
  int code = http::HttpStatusOf(status.code());
  // Server-side failures do not reveal internals to the client.
  std::string description =
      code >= 500 ? "the server could not complete the request" : status.message();
  return TaxiiError(code, ReasonTitle(code), description);
}

}  // namespace entente::taxii
