// http/query.h: query-string and credential parsing for untrusted request input, and
// their inverses for building requests (percent-encoding, Authorization values).
//
// Pure functions, safe from any thread; results own their data. The parsers are fuzzed
// by fuzz/fuzz_taxii_query.cc.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "entente/status.h"
#include "http/message.h"

namespace entente::http {

// Decodes %XX escapes (and '+' as space when `plus_is_space`). A '%' not followed by
// two hex digits is an invalid-argument error naming its offset.
Result<std::string> PercentDecode(std::string_view text, bool plus_is_space);

// Parses "a=1&b=x%20y&a=2" into [("a","1"),("b","x y"),("a","2")]. Empty pieces are
// skipped; a key without '=' has an empty value; keys and values are percent-decoded.
// At most `max_params` parameters (resource-exhausted beyond).
Result<std::vector<QueryParam>> ParseQuery(std::string_view query, size_t max_params = 256);

// Splits a request target into its path and (undecoded) query string.
void SplitTarget(std::string_view target, std::string_view* path, std::string_view* query);

// The secret presented in an Authorization header value: "Bearer <token>", or
// "Basic base64(user:token)" (the password is the token). unauthenticated when the
// header is malformed or uses another scheme.
Result<std::string> ExtractToken(std::string_view authorization);

// Percent-encodes a query parameter value or path segment (RFC 3986 unreserved
// characters are kept, every other byte becomes %XX).
std::string EncodeQueryValue(std::string_view value);

// Authorization header values that ExtractToken reads back as `token`:
// "Bearer <token>", and "Basic base64(user:token)".
std::string BearerAuthorization(std::string_view token);
std::string BasicAuthorization(std::string_view user, std::string_view token);

}  // namespace entente::http
