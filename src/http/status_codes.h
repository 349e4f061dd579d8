// http/status_codes.h: the one table between entente's Status codes and HTTP status
// codes, in both directions.
//
// A server answers a Status with HttpStatusOf; a client turns a response's HTTP code into
// a Status with StatusOfHttpCode. The directions are not exact inverses: 409 is answered
// for already-exists but read back as invalid-argument, and 408/429 read as unavailable
// (try again later). What a code means for one protocol (a TAXII error resource, a 404
// on DELETE) is decided by that protocol's layer. Pure functions, safe from any thread.
#pragma once

#include <string>

#include "entente/status.h"

namespace entente::http {

// The HTTP status code a server answers for `code`: 200, 400, 401, 403, 404, 409, 413,
// 503, or 500 for corruption, io-error and internal.
int HttpStatusOf(StatusCode code);

// The Status of an HTTP response code, carrying `message`: ok for 2xx;
// unauthenticated for 401; permission-denied for 403; not-found for 404;
// resource-exhausted for 413; unavailable for 408, 429 and 5xx; invalid-argument for
// 3xx, other 4xx and anything else.
Status StatusOfHttpCode(int http_status, std::string message);

}  // namespace entente::http
