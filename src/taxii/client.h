// taxii/client.h: a TAXII 2.1 client for one API root of any TAXII 2.1 server.
//
// Blocking calls over one http::Client (http/client.h): one keep-alive HTTP/1.1
// connection, TLS verification or certificate pinning, connect and I/O timeouts,
// redirects refused, a bound on the response size. Authentication is a Bearer token, or
// HTTP Basic when a user name is given.
//
// Bodies are parsed with stix::ParseJson (depth and size limits) and checked for shape:
// an envelope must be an object whose `objects` is an array of objects, `more` a boolean
// and `next` a string; anything else is an invalid-argument error saying what is wrong.
// Errors: unavailable (cannot connect, timeout, 5xx, 408, 429), unauthenticated/
// permission-denied (401/403, or a certificate that is not the pinned one), not-found
// (404), resource-exhausted (too large, 413), invalid-argument (garbage, 3xx, other 4xx).
// A TAXII error resource in the response (title, description) is quoted in the message.
//
// A TaxiiClient is not safe for concurrent use: use one per thread. Results are values
// owned by the caller.
#pragma once

#include <boost/json/object.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "entente/status.h"
#include "taxii/provenance.h"

namespace entente::taxii {

struct ClientOptions {
  std::string api_root_url;  // "http(s)://host[:port]/path/"
  std::string token;
  std::string username;    // non-empty: HTTP Basic (username, token)
  std::string pin_sha256;  // 64 hex digits: the pinned leaf certificate's fingerprint
  std::string pin_pem;     // or the pinned certificate itself (PEM text)
  std::string ca_file;     // extra trust anchors (PEM) when not pinned
  int connect_timeout_ms = 5000;
  int io_timeout_ms = 30000;
  size_t max_response_bytes = 32 * 1024 * 1024;
  size_t max_json_depth = 64;
};

// GET …/objects/ query parameters (empty/0 = not sent).
struct ObjectsQuery {
  std::string added_after;
  size_t limit = 0;
  std::string next;
  // ("type", "indicator") is sent as match[type]=indicator.
  std::vector<std::pair<std::string, std::string>> match;
};

// One page of objects (an envelope) and the headers that go with it.
struct ObjectsPage {
  std::vector<boost::json::object> objects;
  bool more = false;
  std::string next;
  std::string date_added_first;  // X-TAXII-Date-Added-First ("" when absent)
  std::string date_added_last;   // X-TAXII-Date-Added-Last ("" when absent)
  // What an entente server says about where each object has been (taxii/provenance.h;
  // empty from other servers).
  EnvelopeProvenance provenance;
};

// The parts of a TAXII status resource a sender needs.
struct StatusResource {
  std::string id;
  std::string status;  // "complete" or "pending"
  int64_t total_count = 0, success_count = 0, failure_count = 0, pending_count = 0;
  std::vector<std::string> failures;  // "id: message" for each failure listed
};

class TaxiiClient {
 public:
  // Checks the options (URL, pin) and prepares TLS; connects on the first request.
  static Result<std::unique_ptr<TaxiiClient>> Create(ClientOptions options);
  virtual ~TaxiiClient() = default;

  // GET /taxii2/ on the API root's server (TAXII 2.1 §4.1, §8.2.1: the Discovery API is at
  // the root of the server) — the raw resource, checked to be a JSON object.
  virtual Result<boost::json::object> GetDiscovery() = 0;
  // GET {api_root}collections/ — the raw, shape-checked resource.
  virtual Result<boost::json::object> GetCollections() = 0;
  // GET {api_root}collections/{id}/objects/
  virtual Result<ObjectsPage> GetObjects(const std::string& collection_id,
                                         const ObjectsQuery& query) = 0;
  // POST {api_root}collections/{id}/objects/ with `envelope_json` ({"objects":[…]}).
  virtual Result<StatusResource> PostEnvelope(const std::string& collection_id,
                                              const std::string& envelope_json) = 0;
  // GET {api_root}status/{id}/
  virtual Result<StatusResource> GetStatus(const std::string& status_id) = 0;
  // DELETE {api_root}collections/{id}/objects/{object_id}/?match[version]={version}
  // (every version of the object when `version` is empty). not-found when the server
  // holds no such version (already deleted, or never received).
  virtual Status DeleteObject(const std::string& collection_id, const std::string& object_id,
                              const std::string& version) = 0;
  // GET `target` (an absolute path with its query, e.g. "/x-entente/log/head") on the
  // same server, for entente's own JSON routes beside TAXII (taxii/log_route.h): the
  // response's JSON object; not-found on 404 (a server that has no such route).
  virtual Result<boost::json::object> GetNodeJson(const std::string& target) = 0;
};

}  // namespace entente::taxii
