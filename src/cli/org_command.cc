// `entente org add|list|remove`.
#include <boost/json.hpp>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/country.h"
#include "cli/node_commands.h"
#include "cli/node_util.h"
#include "cli/record.h"
#include "common/env.h"

namespace entente::cli {
namespace {

struct OrgAddOptions {
  std::string data;
  std::string id;
  std::string name;
  std::string country;
  std::string sector;
  std::string client_of;
  std::vector<std::string> communities;
  bool admin = false;
  std::string identity;
};

int RunOrgAdd(const OrgAddOptions& o) {
  if (!IsOrgId(o.id)) {
    return Fail(Status::InvalidArgument(
        "invalid organisation id '" + o.id +
        "' (ID: 1-64 characters from a-z 0-9 . _ -, starting with a letter or digit)"));
  }
  if (o.name.empty()) {
    return Fail(Status::InvalidArgument("empty organisation name (--name: must not be empty)"));
  }
  if (!IsAssignedCountryCode(o.country)) {
    return Fail(Status::InvalidArgument(
        "invalid country '" + o.country +
        "' (--country: an assigned ISO 3166-1 alpha-2 code in upper case, e.g. DE)"));
  }
  if (!o.identity.empty() && !IsIdentityId(o.identity)) {
    return Fail(Status::InvalidArgument(
        "invalid identity id '" + o.identity +
        "' (--identity: identity--<UUID> with a lower-case canonical UUID)"));
  }
  for (const auto& c : o.communities) {
    if (c.empty()) {
      return Fail(Status::InvalidArgument("empty community name (--community: not empty)"));
    }
  }
  auto store = OpenNodeStore(ResolveDataDir(o.data));
  if (!store.ok()) return Fail(store.status());

  auto existing = (*store)->GetOrganisation(o.id);
  if (existing.ok()) {
    return Fail(
        Status::AlreadyExists("organisation '" + o.id + "' already exists (ID: must be unique)"));
  }
  if (existing.status().code() != StatusCode::kNotFound) return Fail(existing.status());

  store::Organisation org;
  org.id = o.id;
  org.name = o.name;
  org.country = o.country;
  org.sector = o.sector;
  org.communities = o.communities;
  org.admin = o.admin;
  org.identity_id = o.identity.empty() ? "identity--" + NewUuid4() : o.identity;

  auto all = (*store)->ListOrganisations();
  if (!all.ok()) return Fail(all.status());
  for (const auto& other : *all) {
    if (other.identity_id == org.identity_id) {
      return Fail(Status::AlreadyExists("identity id " + org.identity_id +
                                        " already belongs to organisation '" + other.id +
                                        "' (--identity: must be unique)"));
    }
  }
  if (!o.client_of.empty()) {
    auto parent = (*store)->GetOrganisation(o.client_of);
    if (!parent.ok()) {
      if (parent.status().code() != StatusCode::kNotFound) return Fail(parent.status());
      return Fail(Status::NotFound(
          "unknown organisation '" + o.client_of +
          "' (--client-of: must name an organisation added with `entente org add`)"));
    }
    org.client_of = parent->identity_id;
  }
  audit::Change change{
      org.id,
      "create",
      kRecordOperator,
      {{"name", org.name}, {"country", org.country}, {"identity", org.identity_id}}};
  if (org.admin) change.fields["admin"] = "true";
  if (Status s =
          RecordEntries(ResolveDataDir(o.data), {{audit::EntryKind::kOrganisationChange, change}});
      !s.ok()) {
    return Fail(s);
  }
  if (Status s = (*store)->PutOrganisation(org); !s.ok()) return Fail(s);
  std::cout << org.identity_id << std::endl;
  return kExitOk;
}

struct OrgListOptions {
  std::string data;
  bool json = false;
};

int RunOrgList(const OrgListOptions& o) {
  auto store = OpenNodeStore(ResolveDataDir(o.data));
  if (!store.ok()) return Fail(store.status());
  auto orgs = (*store)->ListOrganisations();
  if (!orgs.ok()) return Fail(orgs.status());
  // client_of is stored as an identity id; show the organisation id when it is local.
  auto client_of_name = [&](const std::string& identity) {
    for (const auto& other : *orgs) {
      if (other.identity_id == identity) return other.id;
    }
    return identity;
  };
  if (o.json) {
    for (const auto& org : *orgs) {
      boost::json::object j;
      j["id"] = org.id;
      j["name"] = org.name;
      j["country"] = org.country;
      j["sector"] = org.sector;
      j["identity_id"] = org.identity_id;
      j["client_of"] = org.client_of.empty() ? std::string() : client_of_name(org.client_of);
      boost::json::array communities;
      for (const auto& c : org.communities) communities.emplace_back(c);
      j["communities"] = std::move(communities);
      j["admin"] = org.admin;
      std::cout << boost::json::serialize(j) << '\n';
    }
    std::cout.flush();
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& org : *orgs) {
    std::string communities;
    for (const auto& c : org.communities) {
      if (!communities.empty()) communities += ',';
      communities += c;
    }
    rows.push_back({org.id, org.name, org.country, org.sector, org.identity_id,
                    org.client_of.empty() ? "" : client_of_name(org.client_of), communities,
                    org.admin ? "yes" : "no"});
  }
  PrintTable({"ID", "NAME", "COUNTRY", "SECTOR", "IDENTITY", "CLIENT-OF", "COMMUNITIES", "ADMIN"},
             rows);
  return kExitOk;
}

struct OrgRemoveOptions {
  std::string data;
  std::string id;
};

int RunOrgRemove(const OrgRemoveOptions& o) {
  auto store = OpenNodeStore(ResolveDataDir(o.data));
  if (!store.ok()) return Fail(store.status());
  auto org = (*store)->GetOrganisation(o.id);
  if (!org.ok()) {
    if (org.status().code() == StatusCode::kNotFound) {
      return Fail(
          Status::NotFound("unknown organisation '" + o.id + "' (ID: no such organisation)"));
    }
    return Fail(org.status());
  }
  if (Status s =
          RecordEntries(ResolveDataDir(o.data), {{audit::EntryKind::kOrganisationChange,
                                                  audit::Change{o.id, "delete", kRecordOperator}}});
      !s.ok()) {
    return Fail(s);
  }
  if (Status s = (*store)->DeleteOrganisation(o.id); !s.ok()) return Fail(s);
  return kExitOk;
}

}  // namespace

void RegisterOrgCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* org = app.add_subcommand("org", "Manage organisations");
  org->require_subcommand(1);

  auto add = std::make_shared<OrgAddOptions>();
  CLI::App* cmd = org->add_subcommand("add", "Add an organisation; prints its STIX identity id");
  AddDataOption(cmd, &add->data);
  cmd->add_option("ID", add->id, "short unique id, e.g. cert-de")->required();
  cmd->add_option("--name", add->name, "display name")->required();
  cmd->add_option("--country", add->country, "ISO 3166-1 alpha-2 code")->required();
  cmd->add_option("--sector", add->sector, "sector, e.g. government");
  cmd->add_option("--client-of", add->client_of, "id of the organisation it is a client of");
  cmd->add_option("--community", add->communities, "trust community (repeatable)");
  cmd->add_flag("--admin", add->admin, "its tokens may administer the node");
  cmd->add_option("--identity", add->identity, "STIX identity id (default: a new one)");
  cmd->callback([add, &ctx] { ctx.exit_code = RunOrgAdd(*add); });

  auto list = std::make_shared<OrgListOptions>();
  cmd = org->add_subcommand("list", "List organisations");
  AddDataOption(cmd, &list->data);
  cmd->add_flag("--json", list->json, "one JSON object per line");
  cmd->callback([list, &ctx] { ctx.exit_code = RunOrgList(*list); });

  auto remove = std::make_shared<OrgRemoveOptions>();
  cmd = org->add_subcommand("remove", "Remove an organisation and its tokens");
  AddDataOption(cmd, &remove->data);
  cmd->add_option("ID", remove->id, "organisation id")->required();
  cmd->callback([remove, &ctx] { ctx.exit_code = RunOrgRemove(*remove); });
}

}  // namespace entente::cli
