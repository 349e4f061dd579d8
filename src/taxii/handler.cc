#include "taxii/handler.h"
#include "admission/record.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <map>
#include <vector>

#include "admission/record.h"
#include "common/env.h"
#include "common/timestamp.h"
#include "http/query.h"
#include "policy/granular.h"
#include "stix/stix.h"
#include "store/seen.h"
#include "store/token_holder.h"
#include "store/write_observer.h"
#include "taxii/filters.h"
#include "taxii/intake_route.h"
#include "taxii/log_route.h"
#include "taxii/node_identity.h"
#include "taxii/pages.h"
#include "taxii/provenance.h"
#include "taxii/receipt.h"
#include "taxii/responses.h"

namespace entente::taxii {

namespace {

constexpr uint64_t kSmallBodyLimit = 64 * 1024;
constexpr std::string_view kOverrideHeader = "X-Entente-Override";

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> parts;
  while (!path.empty()) {
    size_t slash = path.find('/');
    std::string_view part = path.substr(0, slash);
    if (!part.empty()) parts.push_back(part);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return parts;
}

// {root}/x-entente/intake/...
bool IsIntakePath(const std::vector<std::string_view>& parts) {
  return parts.size() >= 3 && parts[1] == "x-entente" && parts[2] == "intake";
}

std::string RootUrl(std::string_view name) { return "/" + std::string(name) + "/"; }

// The version a manifest or versions page shows: the object's modified (else created)
// exactly as the object carries it, since clients compare it with that property as a
// string (TAXII 2.1 §5.3 manifest-record version, §5.8 versions); for an object with
// neither, its date_added (the version this server gives it).
std::string ShownVersion(const store::ObjectRow& row) {
  if (row.version.empty()) return FormatTimestamp(row.date_added_us, 6);
  return std::string(row.version);
}

}  // namespace

TaxiiHandler::TaxiiHandler(store::Store& store, const ServerOptions& options, Ingestor& ingestor,
                           cases::IntakeDesk* intake)
    : store_(store), options_(options), ingestor_(ingestor), intake_(intake) {}

bool TaxiiHandler::IsIntake(const http::Request& head) {
  return IsIntakePath(SplitPath(head.path));
}

uint64_t TaxiiHandler::BodyLimit(const http::Request& head) {
  if (head.method != "POST") return kSmallBodyLimit;
  auto parts = SplitPath(head.path);
  if (IsIntakePath(parts)) return cases::kMaxReportBytes;
  if (parts.empty()) return kSmallBodyLimit;
  auto root = FindRoot(parts[0]);
  if (!root.ok() || root->max_content_length <= 0) return kSmallBodyLimit;
  return static_cast<uint64_t>(root->max_content_length);
}

Result<TaxiiHandler::Caller> TaxiiHandler::Authenticate(const http::Request& req) {
  auto header = req.Header("Authorization");
  if (!header) return Status::Unauthenticated("a token is required (Authorization: missing)");
  auto secret = http::ExtractToken(*header);
  if (!secret.ok()) return secret.status();
  auto holder = store::FindTokenHolder(store_, Sha256Hex(*secret));
  if (!holder.ok()) {
    if (holder.status().code() == StatusCode::kNotFound) {
      return Status::Unauthenticated(holder.status().message() + " (Authorization: token)");
    }
    return holder.status();
  }
  store::Organisation& org = holder->org;
  Caller c;
  c.org_id = org.id;
  c.token_id = holder->token.token_id;
  c.admin = org.admin;
  c.sector = org.sector;
  c.country = org.country;
  c.requester = policy::RequesterFor(store::OrgFactsOf(std::move(org)),
                                     std::move(holder->token.individual_id));
  return c;
}

Result<store::ApiRoot> TaxiiHandler::FindRoot(std::string_view name) {
  auto roots = store_.ListApiRoots();
  if (!roots.ok()) return roots.status();
  for (auto& r : *roots) {
    if (r.name == name) return std::move(r);
  }
  return Status::NotFound("no API root " + std::string(name));
}

Result<TaxiiHandler::Access> TaxiiHandler::FindCollection(const Caller& caller,
                                                          std::string_view root,
                                                          std::string_view id) {
  auto c = store_.GetCollection(id);
  if (!c.ok()) return c.status();
  Access a;
  a.collection = std::move(c).value();
  a.rights =
      policy::AccessToCollection(caller.requester, a.collection.readers, a.collection.writers);
  if (a.collection.api_root != root || !a.rights.visible()) {
    return Status::NotFound("no collection " + std::string(id));
  }
  return a;
}

http::Response TaxiiHandler::Handle(const http::Request& req) {
  auto caller = Authenticate(req);
  if (!caller.ok()) {
    if (caller.status().code() == StatusCode::kUnauthenticated) {
      return TaxiiError(401, "Unauthorized", caller.status().message());
    }
    return TaxiiErrorFromStatus(caller.status());
  }
  // The writes this request makes (deletions, changes) are recorded as the caller's.
  store::ActingFor acting(caller->org_id);
  http::Response res = [&]() -> http::Response {
    const auto parts = SplitPath(req.path);
    // The record (taxii/log_route.h) speaks plain JSON to peers and verifiers.
    if (parts.size() >= 2 && parts[0] == "x-entente" && parts[1] == "log") {
      if (options_.record == nullptr) return NotFound();
      return HandleLogRoute(*options_.record, options_.record_key, req,
                            std::span<const std::string_view>(parts).subspan(2),
                            [&](const audit::Entry& e) { return EntryReadable(*caller, e); });
    }
    // Intake (taxii/intake_route.h) speaks plain JSON to reporters' tools.
    if (IsIntakePath(parts)) {
      auto root = FindRoot(parts[0]);
      if (intake_ == nullptr || !root.ok()) {
        return root.ok() || root.status().code() == StatusCode::kNotFound
                   ? NotFound()
                   : TaxiiErrorFromStatus(root.status());
      }
      const IntakeCaller intake_caller{
          caller->requester,
          {caller->org_id, caller->requester.identity_id, caller->sector, caller->country}};
      return HandleIntake(*intake_, req, intake_caller, *root,
                          std::span<const std::string_view>(parts).subspan(3));
    }
    if (!AcceptsTaxii(req.Header("Accept"))) {
      return TaxiiError(406, "Not Acceptable",
                        "this server answers with " + std::string(kTaxiiMediaType));
    }
    const std::string& m = req.method;
    if (parts.size() == 1 && parts[0] == "taxii2") {
      if (m != "GET") return MethodNotAllowed("GET");
      return Discovery(*caller);
    }
    if (parts.empty()) return NotFound();
    auto root = FindRoot(parts[0]);
    if (!root.ok()) {
      return root.status().code() == StatusCode::kNotFound ? NotFound()
                                                           : TaxiiErrorFromStatus(root.status());
    }
    if (parts.size() == 1) {
      if (m != "GET") return MethodNotAllowed("GET");
      return ApiRootInfo(*root);
    }
    if (parts[1] == "x-entente") {
      if (parts.size() != 3 || parts[2] != "seen") return NotFound();
      if (m != "GET") return MethodNotAllowed("GET");
      return Seen(req, *caller, *root);
    }
    if (parts[1] == "status" && parts.size() == 3) {
      if (m != "GET") return MethodNotAllowed("GET");
      return StatusResource(*caller, *root, parts[2]);
    }
    if (parts[1] != "collections") return NotFound();
    if (parts.size() == 2) {
      if (m != "GET") return MethodNotAllowed("GET");
      return Collections(*caller, *root);
    }
    auto access = FindCollection(*caller, root->name, parts[2]);
    if (!access.ok()) {
      return access.status().code() == StatusCode::kNotFound
                 ? NotFound()
                 : TaxiiErrorFromStatus(access.status());
    }
    if (parts.size() == 3) {
      if (m != "GET") return MethodNotAllowed("GET");
      return CollectionInfo(*access);
    }
    if (parts[3] == "manifest" && parts.size() == 4) {
      if (m != "GET") return MethodNotAllowed("GET");
      return Manifest(req, *caller, *access);
    }
    if (parts[3] != "objects") return NotFound();
    if (parts.size() == 4) {
      if (m == "GET") return GetObjects(req, *caller, *access, "");
      if (m == "POST") return PostObjects(req, *caller, *root, *access);
      return MethodNotAllowed("GET, POST");
    }
    if (parts.size() == 5) {
      if (m == "GET") return GetObjects(req, *caller, *access, parts[4]);
      if (m == "DELETE") return DeleteObject(req, *caller, *access, parts[4]);
      return MethodNotAllowed("GET, DELETE");
    }
    if (parts.size() == 6 && parts[5] == "versions") {
      if (m != "GET") return MethodNotAllowed("GET");
      return Versions(req, *caller, *access, parts[4]);
    }
    return NotFound();
  }();
  res.log_user = caller->org_id;
  return res;
}

http::Response TaxiiHandler::Discovery(const Caller& caller) {
  auto settings = store_.GetSettings();
  store::NodeSettings s;
  if (settings.ok()) {
    s = std::move(settings).value();
  } else if (settings.status().code() != StatusCode::kNotFound) {
    return TaxiiErrorFromStatus(settings.status());
  }
  auto roots = store_.ListApiRoots();
  if (!roots.ok()) return TaxiiErrorFromStatus(roots.status());
  boost::json::object out;
  out["title"] = s.title.empty() ? (s.name.empty() ? "entente" : s.name) : s.title;
  if (!s.description.empty()) out["description"] = s.description;
  if (!s.contact.empty()) out["contact"] = s.contact;
  boost::json::array urls;
  std::string default_root;
  for (const auto& r : *roots) {
    urls.emplace_back(RootUrl(r.name));
    if (r.name == s.default_api_root) default_root = RootUrl(r.name);
  }
  if (!default_root.empty()) out["default"] = default_root;
  if (!urls.empty()) out["api_roots"] = std::move(urls);
  // The node's identity, with the key its record's heads are signed with
  // (taxii/node_identity.h): a TAXII 2.1 §7.1 custom property any client may ignore.
  if (!s.name.empty()) {
    NodeIdentity identity;
    identity.name = s.name;
    identity.jurisdiction = s.jurisdiction;
    auto orgs = store_.ListOrganisations();  // by id
    if (!orgs.ok()) return TaxiiErrorFromStatus(orgs.status());
    for (const auto& org : *orgs) {
      if (org.admin) {
        identity.identity = org.identity_id;
        break;
      }
    }
    if (options_.record != nullptr) identity.record_key = options_.record_key;
    out[kNodeIdentityMember] = NodeIdentityJson(identity);
  }
  return TaxiiJson(200, boost::json::serialize(out));
}

http::Response TaxiiHandler::ApiRootInfo(const store::ApiRoot& root) {
  boost::json::object out;
  out["title"] = root.title.empty() ? root.name : root.title;
  if (!root.description.empty()) out["description"] = root.description;
  out["versions"] = boost::json::array{std::string(kTaxiiMediaType)};
  out["max_content_length"] = root.max_content_length;
  return TaxiiJson(200, boost::json::serialize(out));
}

namespace {

boost::json::object CollectionJson(const store::Collection& c, policy::CollectionAccess rights) {
  boost::json::object o;
  o["id"] = c.id;
  o["title"] = c.title;
  if (!c.description.empty()) o["description"] = c.description;
  o["can_read"] = rights.can_read;
  o["can_write"] = rights.can_write;
  o["media_types"] = boost::json::array{std::string(kStixMediaType)};
  return o;
}

}  // namespace

http::Response TaxiiHandler::Collections(const Caller& caller, const store::ApiRoot& root) {
  auto list = store_.ListCollections(root.name);
  if (!list.ok()) return TaxiiErrorFromStatus(list.status());
  boost::json::array arr;
  for (const auto& c : *list) {
    auto rights = policy::AccessToCollection(caller.requester, c.readers, c.writers);
    if (rights.visible()) arr.push_back(CollectionJson(c, rights));
  }
  boost::json::object out;
  if (!arr.empty()) out["collections"] = std::move(arr);
  return TaxiiJson(200, boost::json::serialize(out));
}

http::Response TaxiiHandler::CollectionInfo(const Access& a) {
  return TaxiiJson(200, boost::json::serialize(CollectionJson(a.collection, a.rights)));
}

Result<bool> TaxiiHandler::OwnerOverride(const http::Request& req, const Caller& caller) {
  auto header = req.Header(kOverrideHeader);
  if (!header) return false;
  if (*header != "owner") {
    return Status::InvalidArgument(std::string(kOverrideHeader) +
                                   ": the only override is \"owner\"");
  }
  if (!caller.admin) {
    return Status::PermissionDenied(std::string(kOverrideHeader) +
                                    ": only an administrator organisation may override ownership");
  }
  return true;
}

Result<bool> TaxiiHandler::EntryReadable(const Caller& caller, const audit::Entry& entry) {
  if (caller.admin) return true;
  // A receipt only (taxii/receipt.h), the rule the dashboard's record page applies too.
  return ReceiptReadable(store_, caller.requester, caller.org_id, entry);
}

Result<bool> TaxiiHandler::ObjectVisible(const Caller& caller, const std::string& collection_id,
                                         std::string_view object_id) {
  store::ObjectQuery q;
  q.collection_id = collection_id;
  q.ids.emplace_back(object_id);
  q.match_all = true;
  bool visible = false;
  Status s = store_.ScanObjects(q, [&](const store::ObjectRow& row) {
    if (!policy::MayRead(caller.requester, row.labels)) return store::ScanAction::kContinue;
    visible = true;
    return store::ScanAction::kStop;
  });
  if (!s.ok()) return s;
  return visible;
}

namespace {

// Page envelope head: {"more":…[,"next":…],"<list>":[
std::string EnvelopeHead(const PageInfo& info) {
  std::string head = info.more ? "{\"more\":true" : "{\"more\":false";
  if (info.more) head += ",\"next\":\"" + EncodeCursor(info.cursor_us) + "\"";
  return head;
}

}  // namespace

http::Response TaxiiHandler::GetObjects(const http::Request& req, const Caller& caller,
                                        const Access& access, std::string_view object_id) {
  if (!access.rights.can_read)
    return TaxiiError(403, "Forbidden", "you may not read this collection");
  FilterSupport support;
  if (!object_id.empty()) support.match_id = support.match_type = false;
  auto filters =
      ParseFilters(req.query, support, options_.default_page_size, options_.max_page_size);
  if (!filters.ok()) return TaxiiErrorFromStatus(filters.status());
  filters->query.collection_id = access.collection.id;
  if (!object_id.empty()) filters->query.ids = {std::string(object_id)};
  // The stored JSON text is copied into the envelope as is (never re-parsed). The
  // objects come first so the page is built in one buffer; "more"/"next" follow.
  std::string body;
  body.reserve(filters->limit * 512 + 64);
  body = "{\"objects\":[";
  PageInfo info;
  // An entente node that pulls asks where each object has been (taxii/provenance.h).
  const bool with_provenance = req.Header(kProvenanceHeader).value_or("") == kProvenanceHeaderValue;
  std::vector<std::pair<std::string, std::string>> sent;
  std::vector<audit::Entry> reads;  // of AMBER, AMBER+STRICT and RED versions served
  Status s = ScanPage(
      store_, filters->query, caller.requester, filters->limit,
      [&](const store::ObjectRow& row) {
        // Parts under granular markings the caller may not see are taken out here; the
        // page itself (which rows, the cursor) was decided from the labels alone.
        policy::ReaderView view = policy::ViewFor(caller.requester, row.labels, row.json);
        if (view.withheld) return;
        if (body.size() > 12) body += ',';
        body.append(view.rewritten.empty() ? row.json : std::string_view(view.rewritten));
        if (with_provenance) sent.emplace_back(row.id, row.version);
        if (options_.record != nullptr) {
          if (auto read =
                  admission::RestrictedReadOf(row, caller.org_id, caller.token_id, "taxii")) {
            reads.push_back(std::move(*read));
          }
        }
      },
      &info);
  if (!s.ok()) return TaxiiErrorFromStatus(s);
  // Recorded before anything leaves: a read the record cannot take is not served.
  if (!reads.empty()) {
    auto appended = options_.record->Append(reads);
    if (!appended.ok()) {
      if (options_.log) {
        options_.log("a read of restricted objects was refused: the record cannot be written (" +
                     appended.status().message() + ")");
      }
      return TaxiiError(503, "Service Unavailable", "the server could not complete the request");
    }
  }
  if (info.count == 0 && !object_id.empty()) {
    auto visible = ObjectVisible(caller, access.collection.id, object_id);
    if (!visible.ok()) return TaxiiErrorFromStatus(visible.status());
    if (!*visible) return NotFound();
  }
  if (info.count == 0) {
    body = EnvelopeHead(info);
  } else {
    body += "],";
    body.append(EnvelopeHead(info), 1);  // without its '{'
    if (with_provenance) {
      auto settings = store_.GetSettings();
      if (!settings.ok()) return TaxiiErrorFromStatus(settings.status());
      auto provenance = OutgoingProvenance(store_, access.collection.id, settings->name, sent);
      if (!provenance.ok()) return TaxiiErrorFromStatus(provenance.status());
      body += ',' + ProvenanceMemberJson(*provenance);
    }
  }
  body += '}';
  http::Response res = TaxiiJson(200, std::move(body));
  SetDateAddedHeaders(info, filters->lower_bound_us(), &res.headers);
  return res;
}

http::Response TaxiiHandler::Manifest(const http::Request& req, const Caller& caller,
                                      const Access& access) {
  if (!access.rights.can_read)
    return TaxiiError(403, "Forbidden", "you may not read this collection");
  auto filters =
      ParseFilters(req.query, FilterSupport{}, options_.default_page_size, options_.max_page_size);
  if (!filters.ok()) return TaxiiErrorFromStatus(filters.status());
  filters->query.collection_id = access.collection.id;
  std::string entries;
  PageInfo info;
  Status s = ScanPage(
      store_, filters->query, caller.requester, filters->limit,
      [&](const store::ObjectRow& row) {
        entries += entries.empty() ? '[' : ',';
        entries +=
            "{\"id\":" + JsonQuote(row.id) + ",\"date_added\":\"" +
            FormatTimestamp(row.date_added_us, 6) + "\",\"version\":\"" + ShownVersion(row) +
            "\",\"media_type\":\"application/stix+json;version=" + std::string(row.spec_version) +
            "\"}";
      },
      &info);
  if (!s.ok()) return TaxiiErrorFromStatus(s);
  std::string body = EnvelopeHead(info);
  if (info.count > 0) body += ",\"objects\":" + entries + "]";
  body += '}';
  http::Response res = TaxiiJson(200, std::move(body));
  SetDateAddedHeaders(info, filters->lower_bound_us(), &res.headers);
  return res;
}

http::Response TaxiiHandler::Versions(const http::Request& req, const Caller& caller,
                                      const Access& access, std::string_view object_id) {
  if (!access.rights.can_read)
    return TaxiiError(403, "Forbidden", "you may not read this collection");
  FilterSupport support;
  support.match_id = support.match_type = support.match_version = false;
  support.default_all_versions = true;
  auto filters =
      ParseFilters(req.query, support, options_.default_page_size, options_.max_page_size);
  if (!filters.ok()) return TaxiiErrorFromStatus(filters.status());
  filters->query.collection_id = access.collection.id;
  filters->query.ids = {std::string(object_id)};
  std::string versions;
  PageInfo info;
  Status s = ScanPage(
      store_, filters->query, caller.requester, filters->limit,
      [&](const store::ObjectRow& row) {
        versions += versions.empty() ? '[' : ',';
        versions += "\"" + ShownVersion(row) + "\"";
      },
      &info);
  if (!s.ok()) return TaxiiErrorFromStatus(s);
  if (info.count == 0) {
    auto visible = ObjectVisible(caller, access.collection.id, object_id);
    if (!visible.ok()) return TaxiiErrorFromStatus(visible.status());
    if (!*visible) return NotFound();
  }
  std::string body = EnvelopeHead(info);
  if (info.count > 0) body += ",\"versions\":" + versions + "]";
  body += '}';
  http::Response res = TaxiiJson(200, std::move(body));
  SetDateAddedHeaders(info, filters->lower_bound_us(), &res.headers);
  return res;
}

http::Response TaxiiHandler::DeleteObject(const http::Request& req, const Caller& caller,
                                          const Access& access, std::string_view object_id) {
  // Deleting needs both rights: the caller must see what it removes.
  if (!access.rights.may_delete()) {
    return TaxiiError(403, "Forbidden", "deleting needs read and write access to the collection");
  }
  auto override = OwnerOverride(req, caller);
  if (!override.ok()) return TaxiiErrorFromStatus(override.status());
  FilterSupport support;
  support.match_id = support.match_type = false;
  support.default_all_versions = true;  // without match[version], every version goes
  auto filters = ParseFilters(req.query, support, options_.max_page_size, options_.max_page_size);
  if (!filters.ok()) return TaxiiErrorFromStatus(filters.status());
  filters->query.collection_id = access.collection.id;
  filters->query.ids = {std::string(object_id)};
  filters->query.added_after_us.reset();
  filters->query.visible = [&caller](const policy::Labels& labels) {
    return policy::MayRead(caller.requester, labels);
  };
  // The versions the caller may see, by owner (only the copies of an unversioned object
  // have several owners; they share its version "", so each owner's go separately).
  std::map<std::string, std::vector<std::string>, std::less<>> by_owner;
  Status s = store_.ScanObjects(filters->query, [&](const store::ObjectRow& row) {
    if (!policy::MayRead(caller.requester, row.labels)) return store::ScanAction::kContinue;
    by_owner[row.labels.owner_org].emplace_back(row.version);
    return store::ScanAction::kContinue;
  });
  if (!s.ok()) return TaxiiErrorFromStatus(s);
  if (by_owner.empty()) return NotFound();
  const bool owns_some = by_owner.count(caller.org_id) > 0;
  const bool others_own_some = by_owner.size() > (owns_some ? 1u : 0u);
  const bool overriding = *override && others_own_some;
  if (!owns_some && !overriding) {
    return TaxiiError(403, "Forbidden",
                      "this object was created by another organisation: only its creator "
                      "deletes it (STIX 2.1 §3.6)");
  }
  // Without an override only the caller's own versions go.
  int64_t removed = 0;
  std::string whose;
  for (const auto& [owner, versions] : by_owner) {
    if (owner != caller.org_id && !overriding) continue;
    auto n = store_.DeleteObject(access.collection.id, object_id, versions, owner);
    if (!n.ok()) return TaxiiErrorFromStatus(n.status());
    removed += *n;
    if (owner != caller.org_id) whose += (whose.empty() ? "" : ", ") + owner;
  }
  if (overriding && options_.log) {
    options_.log("owner override: organisation " + caller.org_id + " deleted " +
                 std::to_string(removed) + " version(s) of " + std::string(object_id) +
                 ", owned by " + whose + ", in collection " + access.collection.id);
  }
  if (options_.on_change) options_.on_change();
  // TAXII 2.1 §5.7 (and §3.1): a successful DELETE answers 200 with the TAXII media type
  // in Content-Type, and no body.
  return TaxiiJson(200, "");
}

http::Response TaxiiHandler::PostObjects(const http::Request& req, const Caller& caller,
                                         const store::ApiRoot& root, const Access& access) {
  if (!access.rights.can_write) {
    return TaxiiError(403, "Forbidden", "you may not write to this collection");
  }
  if (!IsTaxiiContentType(req.Header("Content-Type"))) {
    return TaxiiError(415, "Unsupported Media Type",
                      "Content-Type must be " + std::string(kTaxiiMediaType));
  }
  if (root.max_content_length > 0 &&
      req.body.size() > static_cast<uint64_t>(root.max_content_length)) {
    return TaxiiError(413, "Payload Too Large",
                      "the envelope is larger than max_content_length (" +
                          std::to_string(root.max_content_length) + " bytes)");
  }
  stix::ParseLimits limits;
  limits.max_bytes = req.body.size() + 1;
  limits.max_depth = options_.max_json_depth;
  auto parsed = stix::ParseJson(req.body, limits);
  if (!parsed.ok()) {
    if (parsed.status().code() == StatusCode::kResourceExhausted) {
      return TaxiiError(413, "Payload Too Large", parsed.status().message());
    }
    return TaxiiError(400, "Bad Request",
                      "the body is not valid JSON: " + parsed.status().message());
  }
  if (!parsed->is_object()) {
    return TaxiiError(400, "Bad Request",
                      "the body must be a TAXII envelope object (envelope: type)");
  }
  auto& envelope = parsed->get_object();
  auto it = envelope.find("objects");
  if (it == envelope.end() || !it->value().is_array()) {
    return TaxiiError(400, "Bad Request",
                      "the envelope needs an \"objects\" array (objects: required-property)");
  }
  auto& objects = it->value().get_array();
  if (objects.size() > options_.max_objects_per_envelope) {
    return TaxiiError(413, "Payload Too Large",
                      "the envelope holds " + std::to_string(objects.size()) +
                          " objects; at most " + std::to_string(options_.max_objects_per_envelope) +
                          " are accepted");
  }
  // Where the objects have been, as the entente node that sent them says (optional).
  auto provenance = ParseEnvelopeProvenance(envelope, objects.size());
  if (!provenance.ok()) {
    return TaxiiError(400, "Bad Request", provenance.status().message());
  }
  auto override = OwnerOverride(req, caller);
  if (!override.ok()) return TaxiiErrorFromStatus(override.status());
  Submission submission{.provenance = std::move(*provenance),
                        .override_owner = *override,
                        .envelope_bytes = req.body.size()};
  QueueFull full = QueueFull::kNo;
  auto status = ingestor_.Submit(access.collection, caller.org_id, std::move(objects),
                                 std::move(submission), &full);
  if (full != QueueFull::kNo) {
    // 429 Too Many Requests and 503 Service Unavailable are among the HTTP status codes
    // TAXII 2.1 lists (section 1.6); the body is a TAXII error message (section 3.6.1).
    http::Response busy = full == QueueFull::kOrganisation
                              ? TaxiiError(429, "Too Many Requests", status.status().message())
                              : TaxiiError(503, "Service Unavailable", status.status().message());
    busy.SetHeader("Retry-After", std::to_string(options_.retry_after_seconds));
    return busy;
  }
  if (!status.ok()) return TaxiiErrorFromStatus(status.status());
  return TaxiiJson(202, StatusJson(*status));
}

http::Response TaxiiHandler::StatusResource(const Caller& caller, const store::ApiRoot& root,
                                            std::string_view status_id) {
  auto status = store_.GetStatus(status_id);
  if (!status.ok()) {
    return status.status().code() == StatusCode::kNotFound ? NotFound()
                                                           : TaxiiErrorFromStatus(status.status());
  }
  if (!policy::MayReadStatus(caller.requester, status->owner_org) ||
      status->api_root != root.name) {
    return NotFound();
  }
  return TaxiiJson(200, StatusJson(*status));
}

http::Response TaxiiHandler::Seen(const http::Request& req, const Caller& caller,
                                  const store::ApiRoot& root) {
  store::SeenQuery query;
  query.api_root = root.name;
  bool value_given = false, indicator_given = false;
  for (const auto& [key, value] : req.query) {
    const bool is_value = key == "value";
    if (!is_value && key != "indicator") continue;
    bool& given = is_value ? value_given : indicator_given;
    if (given) {
      return TaxiiError(400, "Bad Request", "parameter '" + key + "' given more than once");
    }
    given = true;
    (is_value ? query.value : query.indicator_id) = value;
  }
  if (value_given == indicator_given || (query.value.empty() && query.indicator_id.empty())) {
    return TaxiiError(400, "Bad Request",
                      "give exactly one non-empty parameter: value or indicator");
  }
  // What the answer depends on is what the caller may see, through the same gate as
  // every read (store/seen.h); the errors depend on the request alone.
  auto report = store::Seen(store_, caller.requester, query);
  if (!report.ok()) {
    if (report.status().code() == StatusCode::kInvalidArgument) {
      return TaxiiError(400, "Bad Request", report.status().message());
    }
    return TaxiiErrorFromStatus(report.status());
  }
  return TaxiiJson(200, boost::json::serialize(store::SeenJson(query, *report)));
}

}  // namespace entente::taxii
