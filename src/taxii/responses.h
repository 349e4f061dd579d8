// taxii/responses.h: TAXII 2.1 media types, content negotiation and error resources.
//
// Pure functions, safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "entente/status.h"
#include "http/message.h"

namespace entente::taxii {

inline constexpr std::string_view kTaxiiMediaType = "application/taxii+json;version=2.1";
inline constexpr std::string_view kStixMediaType = "application/stix+json;version=2.1";

// True when an Accept header (absent = anything) admits application/taxii+json with
// version 2.1 or without a version, application/*, or */* (with q > 0).
bool AcceptsTaxii(std::optional<std::string_view> accept);

// True when a Content-Type names application/taxii+json;version=2.1 (case and
// whitespace around ';' and '=' do not matter; other parameters such as charset are
// allowed).
bool IsTaxiiContentType(std::optional<std::string_view> content_type);

// A TAXII response with the TAXII media type.
http::Response TaxiiJson(int status, std::string body);

// A TAXII error message resource {title, description, http_status, error_code}.
// 401 responses carry WWW-Authenticate.
http::Response TaxiiError(int status, std::string_view title, std::string_view description);

// The error resource for a Status, with the HTTP code of http::HttpStatusOf
// (http/status_codes.h, the one table of the HTTP layer).
http::Response TaxiiErrorFromStatus(const Status& status);
// 404 with the one text used for "absent" and "not yours to see" alike, so that the two
// cannot be told apart.
http::Response NotFound();
// 405 with the Allow header naming `allow` (e.g. "GET, POST").
http::Response MethodNotAllowed(std::string allow);

// `text` as a JSON string literal, quotes included.
std::string JsonQuote(std::string_view text);

}  // namespace entente::taxii
