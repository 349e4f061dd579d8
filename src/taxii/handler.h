// taxii/handler.h: the TAXII 2.1 endpoints as one http::Handler.
//
// Routes (docs/cli.md): /taxii2/, /{root}/, /{root}/collections/, /{root}/collections/
// {id}/, .../objects/ (GET, POST), .../objects/{object-id}/ (GET, DELETE),
// .../objects/{object-id}/versions/, .../manifest/, /{root}/status/{status-id}/, and
// entente's own /{root}/x-entente/seen/ (docs/sightings.md) and /{root}/x-entente/intake/
// (taxii/intake_route.h, docs/cases.md; answered with application/json whatever Accept
// says, 404 when the server runs no intake desk), and the record's heads and proofs under
// /x-entente/log/ (taxii/log_route.h; who may read an entry's text is said there).
//
// Every request is authenticated from its token (401 otherwise). A collection the
// requester may neither read nor write is answered 404, like one that does not exist;
// every object row passes policy::MayRead before it is served, counted or deleted, and
// rows the gate refuses are skipped as if absent (a first or last version included:
// the reader gets the oldest or newest version it may see). Only the organisation that
// owns an object (Labels::owner_org, its creator, STIX 2.1 §3.6) writes versions of it
// (taxii/ingest.h) or deletes it (a DELETE removes the caller's own versions among
// those it may see, 403 when it owns none of them); an administrator overrides that only
// with the request header X-Entente-Override: owner, and every override is logged
// through ServerOptions::log. Status resources are visible only to the organisation
// that created them. Every one of these decisions is policy/'s
// (access.h, policy.h); the handler only asks.
//
// Safe for concurrent use: the handler holds no mutable state besides the store and the
// Ingestor, both of which are.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "cases/intake_desk.h"
#include "http/message.h"
#include "policy/access.h"
#include "policy/policy.h"
#include "store/store.h"
#include "taxii/ingest.h"
#include "taxii/server.h"

namespace entente::taxii {

class TaxiiHandler {
 public:
  // `intake` (may be null: no intake route) must outlive the handler.
  TaxiiHandler(store::Store& store, const ServerOptions& options, Ingestor& ingestor,
               cases::IntakeDesk* intake = nullptr);

  http::Response Handle(const http::Request& req);
  // Whether the request (from its head) is for the intake route, {root}/x-entente/intake/...
  // Its POSTs answer once their batch is committed, through a deferred response
  // (http::Response::deferred), so they need no write thread.
  static bool IsIntake(const http::Request& head);
  // The body limit for a request, from its head: the API root's max_content_length for
  // a POST to objects, a small limit otherwise.
  uint64_t BodyLimit(const http::Request& head);

 private:
  struct Caller {
    std::string org_id;
    std::string token_id;  // the token's public id (never its secret)
    policy::Requester requester;
    bool admin = false;   // its organisation administers the node
    std::string sector;   // its organisation's, for intake routing
    std::string country;  // ISO 3166-1 alpha-2
  };
  struct Access {
    store::Collection collection;
    policy::CollectionAccess rights;
  };

  Result<Caller> Authenticate(const http::Request& req);
  Result<store::ApiRoot> FindRoot(std::string_view name);
  // 404 when the collection is missing, in another root, or neither readable nor
  // writable by the caller.
  Result<Access> FindCollection(const Caller& caller, std::string_view root, std::string_view id);

  http::Response Discovery(const Caller& caller);
  http::Response ApiRootInfo(const store::ApiRoot& root);
  http::Response Collections(const Caller& caller, const store::ApiRoot& root);
  http::Response CollectionInfo(const Access& access);
  http::Response GetObjects(const http::Request& req, const Caller& caller, const Access& access,
                            std::string_view object_id);
  http::Response PostObjects(const http::Request& req, const Caller& caller,
                             const store::ApiRoot& root, const Access& access);
  http::Response DeleteObject(const http::Request& req, const Caller& caller, const Access& access,
                              std::string_view object_id);
  http::Response Manifest(const http::Request& req, const Caller& caller, const Access& access);
  http::Response Versions(const http::Request& req, const Caller& caller, const Access& access,
                          std::string_view object_id);
  http::Response StatusResource(const Caller& caller, const store::ApiRoot& root,
                                std::string_view status_id);
  // GET /{root}/x-entente/seen/?value=V | ?indicator=ID: who else saw it (store/seen.h),
  // over the collections of `root` the caller may read; 400 without exactly one of them.
  http::Response Seen(const http::Request& req, const Caller& caller, const store::ApiRoot& root);
  // Whether the request asks for the administrator's owner override
  // (X-Entente-Override: owner): false without the header; 403 for a caller that is not
  // an administrator, 400 for another value.
  Result<bool> OwnerOverride(const http::Request& req, const Caller& caller);
  // Whether the caller may read a record entry's text (taxii/log_route.h): an
  // administrator always; else only an object-stored or deletion entry the caller's own
  // organisation submitted or made, of an object version (in its collection) it may read,
  // or an objects-stored batch it submitted to a collection it may read.
  Result<bool> EntryReadable(const Caller& caller, const audit::Entry& entry);
  // True when at least one version of `object_id` is visible to the caller.
  Result<bool> ObjectVisible(const Caller& caller, const std::string& collection_id,
                             std::string_view object_id);

  store::Store& store_;
  const ServerOptions& options_;
  Ingestor& ingestor_;
  cases::IntakeDesk* intake_;
};

}  // namespace entente::taxii
