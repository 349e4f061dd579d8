// TAXII 2.1 client: requests, response shapes and error meanings on top of http::Client.
#include "taxii/client.h"

#include <boost/json/value.hpp>

#include "http/client.h"
#include "http/query.h"
#include "http/status_codes.h"
#include "stix/stix.h"
#include "taxii/responses.h"

namespace entente::taxii {
namespace {

namespace json = boost::json;
using http::EncodeQueryValue;

std::string StringOr(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

// The TAXII error message of a response body, when it has one.
std::string ErrorText(const http::Response& res) {
  auto parsed = stix::ParseJson(res.body, {.max_bytes = 64 * 1024, .max_depth = 8});
  if (!parsed.ok() || !parsed->is_object()) return "";
  std::string title = StringOr(parsed->get_object(), "title");
  std::string description = StringOr(parsed->get_object(), "description");
  if (!description.empty()) title += (title.empty() ? "" : ": ") + description;
  return title.substr(0, 300);
}

// ok for 2xx; otherwise the HTTP meaning of the code, with the TAXII error resource's
// title and description when the server sent one.
Status StatusOfResponse(const http::Response& res, const std::string& what) {
  if (res.status >= 200 && res.status < 300) return Status::Ok();
  std::string m = what + ": HTTP " + std::to_string(res.status);
  const std::string detail = ErrorText(res);
  if (!detail.empty()) m += " (" + detail + ")";
  return http::StatusOfHttpCode(res.status, std::move(m));
}

Result<int64_t> CountOf(const json::object& o, std::string_view key, bool required) {
  const json::value* v = o.if_contains(key);
  if (!v) {
    if (required) return Status::InvalidArgument("status resource lacks " + std::string(key));
    return int64_t{0};
  }
  if (!v->is_int64() && !v->is_uint64()) {
    return Status::InvalidArgument("status resource: " + std::string(key) + " is not an integer");
  }
  return v->is_int64() ? v->get_int64() : static_cast<int64_t>(v->get_uint64());
}

Result<StatusResource> ParseStatusResource(const json::value& v) {
  if (!v.is_object()) return Status::InvalidArgument("status resource is not a JSON object");
  const json::object& o = v.get_object();
  StatusResource s;
  s.id = StringOr(o, "id");
  s.status = StringOr(o, "status");
  if (s.id.empty() || (s.status != "complete" && s.status != "pending")) {
    return Status::InvalidArgument(
        "status resource needs an id and a status of complete or pending");
  }
  auto total = CountOf(o, "total_count", true);
  if (!total.ok()) return total.status();
  s.total_count = *total;
  for (auto [key, out] :
       {std::pair{"success_count", &s.success_count}, std::pair{"failure_count", &s.failure_count},
        std::pair{"pending_count", &s.pending_count}}) {
    auto n = CountOf(o, key, false);
    if (!n.ok()) return n.status();
    *out = *n;
  }
  if (const json::value* f = o.if_contains("failures"); f && f->is_array()) {
    for (const auto& d : f->get_array()) {
      if (!d.is_object()) continue;
      s.failures.push_back(StringOr(d.get_object(), "id") + ": " +
                           StringOr(d.get_object(), "message"));
    }
  }
  return s;
}

class ClientImpl final : public TaxiiClient {
 public:
  ClientImpl(std::unique_ptr<http::Client> http, size_t max_response_bytes, size_t max_json_depth)
      : http_(std::move(http)),
        root_(http_->url().path),
        max_response_bytes_(max_response_bytes),
        max_json_depth_(max_json_depth) {}

  Result<json::object> GetDiscovery() override {
    auto res = Do("GET", "/taxii2/", "", "discovery");
    if (!res.ok()) return res.status();
    auto v = ParseBody(*res, "discovery");
    if (!v.ok()) return v.status();
    if (!v->is_object()) return Status::InvalidArgument("discovery: not a JSON object");
    return std::move(v->get_object());
  }

  Result<json::object> GetCollections() override {
    auto res = Do("GET", root_ + "collections/", "", "collections");
    if (!res.ok()) return res.status();
    auto v = ParseBody(*res, "collections");
    if (!v.ok()) return v.status();
    if (!v->is_object()) return Status::InvalidArgument("collections: not a JSON object");
    const json::value* c = v->get_object().if_contains("collections");
    if (c && !c->is_array()) return Status::InvalidArgument("collections: not an array");
    return std::move(v->get_object());
  }

  Result<ObjectsPage> GetObjects(const std::string& collection_id, const ObjectsQuery& q) override {
    std::string target = root_ + "collections/" + EncodeQueryValue(collection_id) + "/objects/";
    std::string query;
    auto add = [&query](std::string_view key, std::string_view value) {
      query += query.empty() ? '?' : '&';
      query += key;
      query += '=';
      query += EncodeQueryValue(value);
    };
    if (!q.added_after.empty()) add("added_after", q.added_after);
    if (q.limit > 0) add("limit", std::to_string(q.limit));
    if (!q.next.empty()) add("next", q.next);
    for (const auto& [field, value] : q.match)
      add("match%5B" + EncodeQueryValue(field) + "%5D", value);
    auto res = Do("GET", target + query, "", "objects",
                  {{std::string(kProvenanceHeader), std::string(kProvenanceHeaderValue)}});
    if (!res.ok()) return res.status();
    auto v = ParseBody(*res, "objects");
    if (!v.ok()) return v.status();
    if (!v->is_object())
      return Status::InvalidArgument("objects: the envelope is not a JSON object");
    json::object& env = v->get_object();
    ObjectsPage page;
    if (json::value* objects = env.if_contains("objects")) {
      if (!objects->is_array()) {
        return Status::InvalidArgument("objects: the envelope's objects is not an array");
      }
      page.objects.reserve(objects->get_array().size());
      size_t i = 0;
      for (json::value& obj : objects->get_array()) {
        if (!obj.is_object()) {
          return Status::InvalidArgument("objects: objects[" + std::to_string(i) +
                                         "] is not a JSON object");
        }
        page.objects.push_back(std::move(obj.get_object()));
        ++i;
      }
    }
    auto provenance = ParseEnvelopeProvenance(env, page.objects.size());
    if (!provenance.ok())
      return Status::InvalidArgument("objects: " + provenance.status().message());
    page.provenance = std::move(*provenance);
    if (const json::value* more = env.if_contains("more")) {
      if (!more->is_bool()) return Status::InvalidArgument("objects: more is not a boolean");
      page.more = more->get_bool();
    }
    if (const json::value* next = env.if_contains("next")) {
      if (!next->is_string()) return Status::InvalidArgument("objects: next is not a string");
      page.next = std::string(next->get_string());
    }
    if (page.more && page.next.empty() && page.objects.empty()) {
      return Status::InvalidArgument("objects: more is true on an empty page without next");
    }
    page.date_added_first = std::string(res->Header("X-TAXII-Date-Added-First").value_or(""));
    page.date_added_last = std::string(res->Header("X-TAXII-Date-Added-Last").value_or(""));
    return page;
  }

  Result<StatusResource> PostEnvelope(const std::string& collection_id,
                                      const std::string& envelope_json) override {
    auto res = Do("POST", root_ + "collections/" + EncodeQueryValue(collection_id) + "/objects/",
                  envelope_json, "add objects");
    if (!res.ok()) return res.status();
    auto v = ParseBody(*res, "add objects");
    if (!v.ok()) return v.status();
    return ParseStatusResource(*v);
  }

  Status DeleteObject(const std::string& collection_id, const std::string& object_id,
                      const std::string& version) override {
    std::string target = root_ + "collections/" + EncodeQueryValue(collection_id) + "/objects/" +
                         EncodeQueryValue(object_id) + "/";
    if (!version.empty()) target += "?match%5Bversion%5D=" + EncodeQueryValue(version);
    return Do("DELETE", target, "", "delete object").status();
  }

  Result<StatusResource> GetStatus(const std::string& status_id) override {
    auto res = Do("GET", root_ + "status/" + EncodeQueryValue(status_id) + "/", "", "status");
    if (!res.ok()) return res.status();
    auto v = ParseBody(*res, "status");
    if (!v.ok()) return v.status();
    return ParseStatusResource(*v);
  }

  Result<json::object> GetNodeJson(const std::string& target) override {
    http::ClientRequest req;
    req.method = "GET";
    req.target = target;
    req.headers.emplace_back("Accept", "application/json");
    req.what = target;
    auto res = http_->Send(req);
    if (!res.ok()) return res.status();
    ENTENTE_RETURN_IF_ERROR(StatusOfResponse(*res, req.what));
    auto v = ParseBody(*res, target);
    if (!v.ok()) return v.status();
    if (!v->is_object()) return Status::InvalidArgument(target + ": not a JSON object");
    return std::move(v->get_object());
  }

 private:
  // One request with the TAXII media types; a response other than 2xx is an error.
  Result<http::Response> Do(std::string method, std::string target, std::string body,
                            std::string what,
                            std::vector<std::pair<std::string, std::string>> extra_headers = {}) {
    http::ClientRequest req;
    req.method = std::move(method);
    req.target = std::move(target);
    req.headers.emplace_back("Accept", std::string(kTaxiiMediaType));
    for (auto& h : extra_headers) req.headers.push_back(std::move(h));
    if (req.method == "POST") {
      req.headers.emplace_back("Content-Type", std::string(kTaxiiMediaType));
      req.body = std::move(body);
    }
    req.what = std::move(what);
    auto res = http_->Send(req);
    if (!res.ok()) return res.status();
    ENTENTE_RETURN_IF_ERROR(StatusOfResponse(*res, req.what));
    return res;
  }

  Result<json::value> ParseBody(const http::Response& res, const std::string& what) {
    const std::string_view type = res.Header("Content-Type").value_or("");
    if (!(type.starts_with("application/taxii+json") || type.starts_with("application/json"))) {
      return Status::InvalidArgument(what + ": Content-Type is \"" + std::string(type) +
                                     "\", not application/taxii+json");
    }
    auto v =
        stix::ParseJson(res.body, {.max_bytes = max_response_bytes_, .max_depth = max_json_depth_});
    if (!v.ok()) {
      return Status(v.status().code(),
                    what + ": the response is not valid JSON: " + v.status().message());
    }
    return std::move(*v);
  }

  std::unique_ptr<http::Client> http_;
  std::string root_;  // the API root's path, ending with '/'
  size_t max_response_bytes_;
  size_t max_json_depth_;
};

}  // namespace

Result<std::unique_ptr<TaxiiClient>> TaxiiClient::Create(ClientOptions options) {
  http::ClientOptions h;
  h.url = options.api_root_url;
  h.authorization = options.username.empty()
                        ? http::BearerAuthorization(options.token)
                        : http::BasicAuthorization(options.username, options.token);
  h.user_agent = "entente-federation";
  h.pin_sha256 = options.pin_sha256;
  h.pin_pem = options.pin_pem;
  h.ca_file = options.ca_file;
  h.connect_timeout_ms = options.connect_timeout_ms;
  h.io_timeout_ms = options.io_timeout_ms;
  h.max_response_bytes = options.max_response_bytes;
  auto client = http::Client::Create(std::move(h));
  if (!client.ok()) return client.status();
  return std::unique_ptr<TaxiiClient>(std::make_unique<ClientImpl>(
      std::move(*client), options.max_response_bytes, options.max_json_depth));
}

}  // namespace entente::taxii
