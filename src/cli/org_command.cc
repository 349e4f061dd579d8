// `entente org add|list|remove`.
#include <boost/json.hpp>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "admin/node_admin.h"
#include "cli/node_commands.h"
#include "cli/node_record.h"
#include "cli/node_util.h"
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
  admin::NewOrganisation org{o.id,        o.name,        o.country, o.sector,
                             o.client_of, o.communities, o.admin,   o.identity};
  // Checked before the store is opened, as the command always did.
  if (Status s = admin::ValidateOrganisation(org); !s.ok()) return Fail(s);
  auto store = OpenNodeStore(ResolveDataDir(o.data));
  if (!store.ok()) return Fail(store.status());
  auto added = admin::AddOrganisation(**store, org, kRecordOperator);
  if (!added.ok()) return Fail(added.status());
  std::cout << added->identity_id << std::endl;
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
  if (Status s = admin::RemoveOrganisation(**store, o.id, kRecordOperator); !s.ok()) {
    return Fail(s);
  }
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
