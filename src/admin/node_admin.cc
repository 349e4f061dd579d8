#include "admin/node_admin.h"

#include "store/write_observer.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "audit/head.h"
#include "common/country.h"
#include "federation/peer.h"
#include "federation/sync.h"
#include "taxii/client.h"
#include "taxii/node_identity.h"

namespace entente::admin {

bool IsUuid(std::string_view t) {
  if (t.size() != 36) return false;
  for (size_t i = 0; i < t.size(); ++i) {
    char c = t[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

bool IsIdentityId(std::string_view text) {
  constexpr std::string_view kPrefix = "identity--";
  return text.substr(0, kPrefix.size()) == kPrefix && IsUuid(text.substr(kPrefix.size()));
}

bool IsOrgId(std::string_view t) {
  if (t.empty() || t.size() > 64) return false;
  for (size_t i = 0; i < t.size(); ++i) {
    char c = t[i];
    bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && (i == 0 || (c != '-' && c != '_' && c != '.'))) return false;
  }
  return true;
}

std::string NewTokenId(Random& random) {
  uint8_t raw[4];
  random.Fill(raw, sizeof(raw));
  char hex[9];
  std::snprintf(hex, sizeof(hex), "%02x%02x%02x%02x", raw[0], raw[1], raw[2], raw[3]);
  return std::string("tok_") + hex;
}

Status CheckOrgsExist(store::Store& store, const std::vector<std::string>& ids,
                      std::string_view flag) {
  for (const auto& id : ids) {
    auto org = store.GetOrganisation(id);
    if (!org.ok()) {
      if (org.status().code() == StatusCode::kNotFound) {
        return Status::NotFound("unknown organisation '" + id + "' (" + std::string(flag) +
                                ": must name an organisation added with `entente org add`)");
      }
      return org.status();
    }
  }
  return Status::Ok();
}

std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    std::string_view item = text.substr(start, comma - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) out.emplace_back(item);
    start = comma + 1;
  }
  return out;
}

std::vector<std::string> FlattenList(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const auto& v : values) {
    for (auto& item : SplitList(v)) {
      if (std::find(out.begin(), out.end(), item) == out.end()) out.push_back(std::move(item));
    }
  }
  return out;
}

// --- organisations ---

Status ValidateOrganisation(const NewOrganisation& o) {
  if (!IsOrgId(o.id)) {
    return Status::InvalidArgument(
        "invalid organisation id '" + o.id +
        "' (ID: 1-64 characters from a-z 0-9 . _ -, starting with a letter or digit)");
  }
  if (o.name.empty()) {
    return Status::InvalidArgument("empty organisation name (--name: must not be empty)");
  }
  if (!IsAssignedCountryCode(o.country)) {
    return Status::InvalidArgument(
        "invalid country '" + o.country +
        "' (--country: an assigned ISO 3166-1 alpha-2 code in upper case, e.g. DE)");
  }
  if (!o.identity.empty() && !IsIdentityId(o.identity)) {
    return Status::InvalidArgument(
        "invalid identity id '" + o.identity +
        "' (--identity: identity--<UUID> with a lower-case canonical UUID)");
  }
  for (const auto& c : o.communities) {
    if (c.empty()) return Status::InvalidArgument("empty community name (--community: not empty)");
  }
  return Status::Ok();
}

Result<store::Organisation> AddOrganisation(store::Store& store, const NewOrganisation& o,
                                            const std::string& by) {
  ENTENTE_RETURN_IF_ERROR(ValidateOrganisation(o));
  auto existing = store.GetOrganisation(o.id);
  if (existing.ok()) {
    return Status::AlreadyExists("organisation '" + o.id + "' already exists (ID: must be unique)");
  }
  if (existing.status().code() != StatusCode::kNotFound) return existing.status();

  store::Organisation org;
  org.id = o.id;
  org.name = o.name;
  org.country = o.country;
  org.sector = o.sector;
  org.communities = o.communities;
  org.admin = o.admin;
  org.identity_id = o.identity.empty() ? "identity--" + NewUuid4() : o.identity;

  auto all = store.ListOrganisations();
  if (!all.ok()) return all.status();
  for (const auto& other : *all) {
    if (other.identity_id == org.identity_id) {
      return Status::AlreadyExists("identity id " + org.identity_id +
                                   " already belongs to organisation '" + other.id +
                                   "' (--identity: must be unique)");
    }
  }
  if (!o.client_of.empty()) {
    auto parent = store.GetOrganisation(o.client_of);
    if (!parent.ok()) {
      if (parent.status().code() != StatusCode::kNotFound) return parent.status();
      return Status::NotFound(
          "unknown organisation '" + o.client_of +
          "' (--client-of: must name an organisation added with `entente org add`)");
    }
    org.client_of = parent->identity_id;
  }
  store::ActingFor acting(by);  // the record's `by` (store/write_observer.h)
  ENTENTE_RETURN_IF_ERROR(store.PutOrganisation(org));
  return org;
}

Status RemoveOrganisation(store::Store& store, const std::string& id, const std::string& by) {
  auto org = store.GetOrganisation(id);
  if (!org.ok()) {
    if (org.status().code() == StatusCode::kNotFound) {
      return Status::NotFound("unknown organisation '" + id + "' (ID: no such organisation)");
    }
    return org.status();
  }
  store::ActingFor acting(by);
  return store.DeleteOrganisation(id);
}

// --- tokens ---

Status ValidateToken(const NewToken& t) {
  if (!t.individual.empty() && !IsIdentityId(t.individual)) {
    return Status::InvalidArgument(
        "invalid identity id '" + t.individual +
        "' (--individual: identity--<UUID> with a lower-case canonical UUID)");
  }
  return Status::Ok();
}

Result<CreatedToken> CreateToken(store::Store& store, const NewToken& t, const std::string& by,
                                 Clock& clock, Random& random) {
  ENTENTE_RETURN_IF_ERROR(ValidateToken(t));
  ENTENTE_RETURN_IF_ERROR(CheckOrgsExist(store, {t.org}, "--org"));
  CreatedToken out;
  store::TokenInfo& info = out.info;
  info.token_id = NewTokenId(random);
  info.org_id = t.org;
  info.label = t.label;
  info.individual_id = t.individual;
  info.created_us = clock.NowMicros();
  out.secret = entente::NewToken(random);
  store::ActingFor acting(by);
  ENTENTE_RETURN_IF_ERROR(store.AddToken(info, Sha256Hex(out.secret)));
  return out;
}

Result<std::vector<store::TokenInfo>> ListTokens(store::Store& store, const std::string& org) {
  std::vector<std::string> org_ids;
  if (!org.empty()) {
    ENTENTE_RETURN_IF_ERROR(CheckOrgsExist(store, {org}, "--org"));
    org_ids.push_back(org);
  } else {
    auto orgs = store.ListOrganisations();
    if (!orgs.ok()) return orgs.status();
    for (const auto& o : *orgs) org_ids.push_back(o.id);
  }
  std::vector<store::TokenInfo> out;
  for (const auto& id : org_ids) {
    auto tokens = store.ListTokens(id);
    if (!tokens.ok()) return tokens.status();
    for (auto& t : *tokens) out.push_back(std::move(t));
  }
  return out;
}

Status RevokeToken(store::Store& store, const std::string& token_id) {
  Status s = store.RevokeToken(token_id);
  if (s.code() == StatusCode::kNotFound) {
    return Status::NotFound("unknown token '" + token_id +
                            "' (TOKEN_ID: a token id from `entente token list`)");
  }
  return s;
}

// --- collections ---

Status CheckApiRoot(store::Store& store, const std::string& name) {
  auto roots = store.ListApiRoots();
  if (!roots.ok()) return roots.status();
  for (const auto& r : *roots) {
    if (r.name == name) return Status::Ok();
  }
  return Status::NotFound("unknown API root '" + name +
                          "' (--api-root: must name an API root added with `entente apiroot "
                          "add`, or 'api')");
}

namespace {

void AddUnique(std::vector<std::string>* list, const std::string& item) {
  if (std::find(list->begin(), list->end(), item) == list->end()) list->push_back(item);
}

void RemoveAll(std::vector<std::string>* list, const std::string& item) {
  list->erase(std::remove(list->begin(), list->end(), item), list->end());
}

}  // namespace

Result<store::Collection> LoadCollection(store::Store& store, const std::string& id) {
  auto c = store.GetCollection(id);
  if (!c.ok() && c.status().code() == StatusCode::kNotFound) {
    return Status::NotFound("unknown collection '" + id +
                            "' (ID: a collection id from `entente collection list`)");
  }
  return c;
}

Status ValidateCollection(const NewCollection& o) {
  if (o.title.empty()) {
    return Status::InvalidArgument("empty collection title (--title: must not be empty)");
  }
  policy::Tlp tlp;
  if (!policy::ParseTlp(o.tlp, &tlp)) {
    return Status::InvalidArgument("invalid TLP '" + o.tlp +
                                   "' (--tlp: one of clear, green, amber, amber+strict, red)");
  }
  if (!o.id.empty() && !IsUuid(o.id)) {
    return Status::InvalidArgument("invalid collection id '" + o.id +
                                   "' (--id: a lower-case canonical UUID)");
  }
  return Status::Ok();
}

Result<store::Collection> AddCollection(store::Store& store, const NewCollection& o) {
  ENTENTE_RETURN_IF_ERROR(ValidateCollection(o));
  store::Collection c;
  policy::ParseTlp(o.tlp, &c.default_tlp);
  ENTENTE_RETURN_IF_ERROR(CheckApiRoot(store, o.api_root));
  c.readers = FlattenList(o.read);
  c.writers = FlattenList(o.write);
  ENTENTE_RETURN_IF_ERROR(CheckOrgsExist(store, c.readers, "--read"));
  ENTENTE_RETURN_IF_ERROR(CheckOrgsExist(store, c.writers, "--write"));
  c.id = o.id.empty() ? NewUuid4() : o.id;
  auto existing = store.GetCollection(c.id);
  if (existing.ok()) {
    return Status::AlreadyExists("collection " + c.id + " already exists (--id: unique)");
  }
  if (existing.status().code() != StatusCode::kNotFound) return existing.status();
  c.api_root = o.api_root;
  c.title = o.title;
  c.description = o.description;
  ENTENTE_RETURN_IF_ERROR(store.PutCollection(c));
  return c;
}

Status GrantCollection(store::Store& store, const std::string& collection_id,
                       const std::string& org, bool read, bool write) {
  if (!read && !write) {
    return Status::InvalidArgument(
        "collection grant: nothing to grant (--read/--write: give at least one)");
  }
  auto c = LoadCollection(store, collection_id);
  if (!c.ok()) return c.status();
  ENTENTE_RETURN_IF_ERROR(CheckOrgsExist(store, {org}, "--org"));
  if (read) AddUnique(&c->readers, org);
  if (write) AddUnique(&c->writers, org);
  return store.PutCollection(*c);
}

Status RevokeCollectionGrants(store::Store& store, const std::string& collection_id,
                              const std::string& org) {
  auto c = LoadCollection(store, collection_id);
  if (!c.ok()) return c.status();
  RemoveAll(&c->readers, org);
  RemoveAll(&c->writers, org);
  return store.PutCollection(*c);
}

Status RemoveCollection(store::Store& store, const std::string& collection_id) {
  auto c = LoadCollection(store, collection_id);
  if (!c.ok()) return c.status();
  return store.DeleteCollection(collection_id);
}

// --- peers ---

Status CheckLogKey(const std::string& text, std::string* out) {
  out->clear();
  if (text.empty()) return Status::Ok();
  auto h = audit::HashFromHex(text);
  if (!h.ok()) {
    return Status::InvalidArgument(
        "--log-key: the peer's public key is 64 hex digits (its `entente log head` or "
        "GET /x-entente/log/head shows it)");
  }
  *out = audit::HashHex(*h);
  return Status::Ok();
}

namespace {

// The peer AddPeer would add, checked (nothing touched).
Result<federation::Peer> CheckedPeer(store::Store& store, const NewPeer& o) {
  namespace fed = entente::federation;
  fed::Peer p;
  p.name = o.name;
  p.api_root_url = o.url;
  if (!p.api_root_url.empty() && p.api_root_url.back() != '/') p.api_root_url += '/';
  p.token = o.token;
  p.username = o.user;
  p.jurisdiction = o.jurisdiction;
  if (!IsAssignedCountryCode(o.jurisdiction)) {
    return Status::InvalidArgument(
        "invalid jurisdiction '" + o.jurisdiction +
        "' (--jurisdiction: an assigned ISO 3166-1 alpha-2 code in upper case, e.g. DE)");
  }
  p.communities = o.communities;
  p.recipients = o.recipients;
  for (const auto& text : o.rules) {
    auto rule = fed::ParseRule(text);
    if (!rule.ok()) return rule.status();
    p.rules.push_back(*rule);
  }
  p.hash_key = o.hash_key;
  for (const auto& text : o.pull) {
    auto link = fed::ParsePullLink(text);
    if (!link.ok()) return link.status();
    p.pull.push_back(*link);
  }
  for (const auto& text : o.push) {
    auto link = fed::ParsePushLink(text);
    if (!link.ok()) return link.status();
    p.push.push_back(*link);
  }
  p.pin_sha256 = o.pin_sha256;
  for (char& c : p.pin_sha256) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  p.pin_pem = o.pin_pem;
  p.local_org = o.local_org;
  p.quota = o.quota;
  p.hop_limit = o.hop_limit;
  ENTENTE_RETURN_IF_ERROR(CheckLogKey(o.log_key, &p.log_key));
  ENTENTE_RETURN_IF_ERROR(fed::ValidatePeer(p));
  // The client checks the URL and pin the same way it will use them.
  if (auto c = taxii::TaxiiClient::Create(fed::ClientOptionsFor(p, {})); !c.ok()) {
    return c.status();
  }
  for (const auto& link : p.pull) {
    if (auto c = store.GetCollection(link.local); !c.ok()) {
      return Status::NotFound("unknown local collection " + link.local +
                              " (--pull: REMOTE[:LOCAL] must name a local collection)");
    }
  }
  for (const auto& link : p.push) {
    if (auto c = store.GetCollection(link.local); !c.ok()) {
      return Status::NotFound("unknown local collection " + link.local +
                              " (--push: LOCAL[:REMOTE] must name a local collection)");
    }
  }
  if (!p.local_org.empty()) {
    if (auto org = store.GetOrganisation(p.local_org); !org.ok()) {
      return Status::NotFound("unknown organisation '" + p.local_org +
                              "' (--local-org: the organisation whose token the peer uses "
                              "here)");
    }
  }
  return p;
}

}  // namespace

Status AddPeer(store::Store& store, store::FederationState& peers, const NewPeer& o) {
  auto p = CheckedPeer(store, o);
  if (!p.ok()) return p.status();
  return peers.AddPeer(*p);
}

Status AddPeer(store::Store& store, store::FederationState& peers, const NewPeer& o, int64_t now_us,
               PeerIdentityRead* read, int identity_timeout_ms) {
  *read = PeerIdentityRead();
  auto p = CheckedPeer(store, o);
  if (!p.ok()) return p.status();
  if (p->log_key.empty()) {
    read->attempted = true;
    taxii::ClientOptions options = federation::ClientOptionsFor(*p, {});
    options.connect_timeout_ms = identity_timeout_ms;
    options.io_timeout_ms = identity_timeout_ms;
    options.max_response_bytes = 64 * 1024;  // a discovery resource is small
    auto client = taxii::TaxiiClient::Create(std::move(options));
    auto identity = client.ok() ? taxii::ReadNodeIdentity(**client)
                                : Result<taxii::NodeIdentity>(client.status());
    if (identity.ok()) {
      read->identity = std::move(*identity);
      if (read->identity.record_key) {
        const audit::PublicKey& k = *read->identity.record_key;
        p->log_key = audit::BytesHex(k.data(), k.size());
        p->log_key_read_us = now_us;
        read->pinned = true;
      }
    } else {
      read->status = identity.status();
    }
  }
  return peers.AddPeer(*p);
}

Status RemovePeer(store::FederationState& peers, const std::string& name) {
  return peers.RemovePeer(name);
}

Result<std::string> SetPeerLogKey(store::FederationState& peers, const std::string& name,
                                  const std::string& log_key) {
  std::string key;
  ENTENTE_RETURN_IF_ERROR(CheckLogKey(log_key, &key));
  if (key.empty()) return Status::InvalidArgument("nothing to set (--log-key HEX)");
  auto peer = peers.GetPeer(name);
  if (!peer.ok()) return peer.status();
  peer->log_key = key;
  peer->log_key_read_us = 0;  // configured now
  ENTENTE_RETURN_IF_ERROR(peers.PutPeer(*peer));
  return key;
}

}  // namespace entente::admin
