// The administrator pages' routes (WebHandler::Admin, web/handler.h): GET shows a section,
// POST makes one change through admin/node_admin.h — the functions `entente org|token|
// collection|peer` call — and answers the section again with what changed.
#include <cerrno>
#include <cstdlib>

#include "admin/node_admin.h"
#include "http/query.h"
#include "store/write_observer.h"
#include "web/admin_pages.h"
#include "web/handler.h"
#include "web/responses.h"

namespace entente::web {

namespace {

using Form = std::vector<http::QueryParam>;

std::string Field(const Form& form, std::string_view key) {
  for (const auto& [k, v] : form) {
    if (k == key) return v;
  }
  return "";
}

bool Checked(const Form& form, std::string_view key) { return !Field(form, key).empty(); }

// A textarea's lines, trimmed, empty ones dropped.
std::vector<std::string> Lines(const Form& form, std::string_view key) {
  std::vector<std::string> out;
  const std::string text = Field(form, key);
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    while (!line.empty() && line.front() == ' ') line.erase(0, 1);
    if (!line.empty()) out.push_back(std::move(line));
    start = end + 1;
  }
  return out;
}

// A whole number field; invalid-argument naming the flag when it is not one.
Result<int64_t> Number(const Form& form, std::string_view key, int64_t fallback) {
  const std::string text = Field(form, key);
  if (text.empty()) return fallback;
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (errno != 0 || end == text.c_str() || *end != '\0') {
    return Status::InvalidArgument("--" + std::string(key) + ": a whole number");
  }
  return static_cast<int64_t>(v);
}

int HttpStatusOfChange(const Status& s) {
  switch (s.code()) {
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kAlreadyExists:
      return 409;
    case StatusCode::kUnavailable:
      return 503;
    default:
      return 500;
  }
}

std::string RefusalText(const Status& s) {
  switch (s.code()) {
    case StatusCode::kInvalidArgument:
    case StatusCode::kNotFound:
    case StatusCode::kAlreadyExists:
    case StatusCode::kUnavailable:
      return "Nothing changed: " + s.message();
    default:
      return "Nothing changed: the node could not make the change.";
  }
}

struct Section {
  std::string_view path;
  AdminSection section;
};
constexpr Section kSections[] = {
    {"organisations", AdminSection::kOrganisations},
    {"tokens", AdminSection::kTokens},
    {"collections", AdminSection::kCollections},
    {"peers", AdminSection::kPeers},
};

// The changes each section takes (POST /ui/admin/SECTION/ACTION).
bool KnownAction(AdminSection section, std::string_view action) {
  switch (section) {
    case AdminSection::kOrganisations:
      return action == "add" || action == "remove";
    case AdminSection::kTokens:
      return action == "create" || action == "revoke";
    case AdminSection::kCollections:
      return action == "add" || action == "grant" || action == "revoke" || action == "remove";
    case AdminSection::kPeers:
      return action == "add" || action == "remove" || action == "set";
  }
  return false;
}

}  // namespace

bool WebHandler::IsAdminPath(std::string_view path) {
  return path == "/ui/admin" || path.starts_with("/ui/admin/");
}

Result<AdminData> WebHandler::LoadAdmin() {
  AdminData d;
  d.now_us = clock_.NowMicros();
  auto orgs = store_.ListOrganisations();
  if (!orgs.ok()) return orgs.status();
  d.orgs = std::move(*orgs);
  auto tokens = admin::ListTokens(store_, "");
  if (!tokens.ok()) return tokens.status();
  d.tokens = std::move(*tokens);
  auto roots = store_.ListApiRoots();
  if (!roots.ok()) return roots.status();
  d.roots = std::move(*roots);
  for (const auto& r : d.roots) {
    auto colls = store_.ListCollections(r.name);
    if (!colls.ok()) return colls.status();
    for (auto& c : *colls) d.collections.push_back(std::move(c));
  }
  if (peers_ != nullptr) {
    auto list = peers_->ListPeers();
    if (!list.ok()) return list.status();
    d.peers.emplace();
    for (auto& p : *list) {
      auto status = peers_->GetStatus(p.name);
      if (!status.ok()) return status.status();
      d.peers->push_back(PeerLine{std::move(p), std::move(*status)});
    }
  }
  return d;
}

http::Response WebHandler::Admin(const http::Request& req, const Caller& caller) {
  const Viewer& v = caller.viewer;
  // As every administrator-only page answers (the egress explanation): 403.
  if (!v.admin) {
    return HtmlPage(403, MessagePage(&v, "Administrators only",
                                     "The node's administration is for its administrator "
                                     "organisations."));
  }
  std::string_view rest = std::string_view(req.path).substr(std::string_view("/ui/admin").size());
  if (rest.empty() || rest == "/") {
    if (req.method == "POST") return ErrorPage(&v, Status::NotFound("no such page"));
    return Redirect("/ui/admin/organisations");
  }
  rest.remove_prefix(1);
  const size_t slash = rest.find('/');
  const std::string_view name = rest.substr(0, slash);
  const std::string_view action =
      slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  const Section* section = nullptr;
  for (const Section& s : kSections) {
    if (s.path == name) section = &s;
  }
  if (section == nullptr) return ErrorPage(&v, Status::NotFound("no such page"));

  AdminNotice notice;
  int status = 200;
  if (req.method == "POST") {
    if (!KnownAction(section->section, action))
      return ErrorPage(&v, Status::NotFound("no such page"));
    auto form = http::ParseQuery(req.body, 64);
    if (!form.ok() || !SecretEquals(Field(*form, "csrf"), v.csrf)) {
      return HtmlPage(403, MessagePage(&v, "Refused", "The request carried no valid CSRF token."));
    }
    Status done = Change(section->section, action, *form, caller, &notice);
    if (!done.ok()) {
      status = HttpStatusOfChange(done);
      notice = AdminNotice{RefusalText(done), true, ""};
    }
  } else if (!action.empty()) {
    return ErrorPage(&v, Status::NotFound("no such page"));
  }
  auto data = LoadAdmin();
  if (!data.ok()) return ErrorPage(&v, data.status());
  http::Response res = HtmlPage(status, AdminPage(v, section->section, *data, notice));
  return res;
}

Status WebHandler::Change(AdminSection section, std::string_view action, const Form& form,
                          const Caller& caller, AdminNotice* notice) {
  const std::string& by = caller.viewer.org_id;
  // Every change below is recorded by the store (its WriteObserver) as this organisation's.
  store::ActingFor acting(by);
  switch (section) {
    case AdminSection::kOrganisations:
      if (action == "add") {
        admin::NewOrganisation o;
        o.id = Field(form, "id");
        o.name = Field(form, "name");
        o.country = Field(form, "country");
        o.sector = Field(form, "sector");
        o.client_of = Field(form, "client-of");
        o.communities = Lines(form, "community");
        o.admin = Checked(form, "admin");
        o.identity = Field(form, "identity");
        ENTENTE_RETURN_IF_ERROR(admin::ValidateOrganisation(o));
        auto org = admin::AddOrganisation(store_, o, by);
        if (!org.ok()) return org.status();
        notice->text = "Organisation " + org->id + " added (identity " + org->identity_id +
                       (org->admin ? "; an administrator" : "") + ").";
        return Status::Ok();
      }
      if (action == "remove") {
        const std::string id = Field(form, "id");
        ENTENTE_RETURN_IF_ERROR(admin::RemoveOrganisation(store_, id, by));
        notice->text = "Organisation " + id + " removed, with its tokens.";
        return Status::Ok();
      }
      break;
    case AdminSection::kTokens:
      if (action == "create") {
        const admin::NewToken t{Field(form, "org"), Field(form, "label"),
                                Field(form, "individual")};
        ENTENTE_RETURN_IF_ERROR(admin::ValidateToken(t));
        auto created = admin::CreateToken(store_, t, by, clock_, random_);
        if (!created.ok()) return created.status();
        notice->text =
            "Token " + created->info.token_id + " created for " + created->info.org_id + ".";
        notice->secret = std::move(created->secret);
        return Status::Ok();
      }
      if (action == "revoke") {
        const std::string id = Field(form, "token-id");
        ENTENTE_RETURN_IF_ERROR(admin::RevokeToken(store_, id));
        notice->text = "Token " + id + " revoked: its sessions have ended.";
        return Status::Ok();
      }
      break;
    case AdminSection::kCollections:
      if (action == "add") {
        admin::NewCollection c;
        c.title = Field(form, "title");
        c.api_root = Field(form, "api-root");
        if (c.api_root.empty()) c.api_root = "api";
        c.description = Field(form, "description");
        c.tlp = Field(form, "tlp");
        if (c.tlp.empty()) c.tlp = "amber";
        c.read = {Field(form, "read")};
        c.write = {Field(form, "write")};
        c.id = Field(form, "collection-id");
        auto made = admin::AddCollection(store_, c);
        if (!made.ok()) return made.status();
        notice->text = "Collection " + made->title + " created (id " + made->id + ").";
        return Status::Ok();
      }
      if (action == "grant") {
        const std::string id = Field(form, "id"), org = Field(form, "org");
        const bool read = Checked(form, "read"), write = Checked(form, "write");
        ENTENTE_RETURN_IF_ERROR(admin::GrantCollection(store_, id, org, read, write));
        notice->text = "Granted " + org + " " +
                       (read && write ? "read and write"
                        : read        ? "read"
                                      : "write") +
                       " on collection " + id + ".";
        return Status::Ok();
      }
      if (action == "revoke") {
        const std::string id = Field(form, "id"), org = Field(form, "org");
        ENTENTE_RETURN_IF_ERROR(admin::RevokeCollectionGrants(store_, id, org));
        notice->text = "Revoked every grant of " + org + " on collection " + id + ".";
        return Status::Ok();
      }
      if (action == "remove") {
        // As `entente collection remove`: the collection and every object in it. The
        // form asks for the collection's id typed again, so that no slip removes one.
        const std::string id = Field(form, "id");
        if (Field(form, "confirm") != id) {
          return Status::InvalidArgument(
              "confirm: type the collection's id to remove it and every object it holds");
        }
        ENTENTE_RETURN_IF_ERROR(admin::RemoveCollection(store_, id));
        notice->text = "Collection " + id + " removed, with every object it held.";
        return Status::Ok();
      }
      break;
    case AdminSection::kPeers:
      if (peers_ == nullptr) {
        return Status::Unavailable("this node runs without federation state");
      }
      if (action == "add") {
        admin::NewPeer p;
        p.name = Field(form, "name");
        p.url = Field(form, "url");
        p.token = Field(form, "token");
        p.user = Field(form, "user");
        p.jurisdiction = Field(form, "jurisdiction");
        p.communities = Lines(form, "community");
        p.recipients = Lines(form, "recipient");
        p.rules = Lines(form, "rule");
        p.hash_key = Field(form, "hash-key");
        p.pull = Lines(form, "pull");
        p.push = Lines(form, "push");
        p.pin_sha256 = Field(form, "pin-sha256");
        p.pin_pem = Field(form, "pin-pem");
        p.local_org = Field(form, "local-org");
        auto quota = Number(form, "quota", p.quota);
        if (!quota.ok()) return quota.status();
        p.quota = *quota;
        auto hops = Number(form, "hop-limit", p.hop_limit);
        if (!hops.ok()) return hops.status();
        p.hop_limit = *hops;
        p.log_key = Field(form, "log-key");
        ENTENTE_RETURN_IF_ERROR(admin::AddPeer(store_, *peers_, p));
        notice->text = "Peer " + p.name + " added.";
        return Status::Ok();
      }
      if (action == "remove") {
        const std::string name = Field(form, "name");
        ENTENTE_RETURN_IF_ERROR(admin::RemovePeer(*peers_, name));
        notice->text = "Peer " + name + " removed, with its checkpoints and status.";
        return Status::Ok();
      }
      if (action == "set") {
        const std::string name = Field(form, "name");
        auto key = admin::SetPeerLogKey(*peers_, name, Field(form, "log-key"));
        if (!key.ok()) return key.status();
        notice->text = "Peer " + name + ": its record's heads must now be signed by " + *key + ".";
        return Status::Ok();
      }
      break;
  }
  return Status::NotFound("no such page");
}

}  // namespace entente::web
