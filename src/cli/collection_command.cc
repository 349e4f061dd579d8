// `entente collection add|list|grant|revoke|remove`.
#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "admin/node_admin.h"
#include "cli/node_commands.h"
#include "cli/node_util.h"
#include "common/env.h"

namespace entente::cli {
namespace {

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) {
    if (!out.empty()) out += ',';
    out += i;
  }
  return out;
}

struct AddOptions {
  std::string data;
  std::string title;
  std::string api_root = "api";
  std::string description;
  std::string tlp = "amber";
  std::vector<std::string> read;
  std::vector<std::string> write;
  std::string id;
};

int RunAdd(const AddOptions& o) {
  const admin::NewCollection request{o.title, o.api_root, o.description, o.tlp,
                                     o.read,  o.write,    o.id};
  // What needs no store is checked before the store is opened, as the command always did.
  if (Status s = admin::ValidateCollection(request); !s.ok()) return Fail(s);
  auto store = OpenNodeStore(ResolveDataDir(o.data));
  if (!store.ok()) return Fail(store.status());
  auto c = admin::AddCollection(**store, request);
  if (!c.ok()) return Fail(c.status());
  std::cout << c->id << std::endl;
  return kExitOk;
}

struct ListOptions {
  std::string data;
  std::string api_root;
};

int RunList(const ListOptions& o) {
  auto store = OpenNodeStore(ResolveDataDir(o.data));
  if (!store.ok()) return Fail(store.status());
  std::vector<std::string> roots;
  if (!o.api_root.empty()) {
    if (Status s = admin::CheckApiRoot(**store, o.api_root); !s.ok()) return Fail(s);
    roots.push_back(o.api_root);
  } else {
    auto all = (*store)->ListApiRoots();
    if (!all.ok()) return Fail(all.status());
    for (const auto& r : *all) roots.push_back(r.name);
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& root : roots) {
    auto collections = (*store)->ListCollections(root);
    if (!collections.ok()) return Fail(collections.status());
    for (const auto& c : *collections) {
      auto count = (*store)->CountObjects(c.id);
      rows.push_back({c.id, c.api_root, c.title, std::string(policy::TlpName(c.default_tlp)),
                      Join(c.readers), Join(c.writers), count.ok() ? std::to_string(*count) : "?"});
    }
  }
  PrintTable({"ID", "API-ROOT", "TITLE", "TLP", "READ", "WRITE", "OBJECTS"}, rows);
  return kExitOk;
}

struct GrantOptions {
  std::string data;
  std::string id;
  std::string org;
  bool read = false;
  bool write = false;
};

// grant (revoke == false) or revoke (revoke == true: both read and write are removed).
int RunGrant(const GrantOptions& o, bool revoke) {
  if (!revoke && !o.read && !o.write) {
    return UsageError("collection grant: nothing to grant (--read/--write: give at least one)");
  }
  auto store = OpenNodeStore(ResolveDataDir(o.data));
  if (!store.ok()) return Fail(store.status());
  Status s = revoke ? admin::RevokeCollectionGrants(**store, o.id, o.org)
                    : admin::GrantCollection(**store, o.id, o.org, o.read, o.write);
  if (!s.ok()) return Fail(s);
  return kExitOk;
}

struct RemoveOptions {
  std::string data;
  std::string id;
};

int RunRemove(const RemoveOptions& o) {
  auto store = OpenNodeStore(ResolveDataDir(o.data));
  if (!store.ok()) return Fail(store.status());
  if (Status s = admin::RemoveCollection(**store, o.id); !s.ok()) return Fail(s);
  return kExitOk;
}

}  // namespace

void RegisterCollectionCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* group = app.add_subcommand("collection", "Manage TAXII collections and grants");
  group->require_subcommand(1);

  auto add = std::make_shared<AddOptions>();
  CLI::App* cmd = group->add_subcommand("add", "Add a collection; prints its id");
  AddDataOption(cmd, &add->data);
  cmd->add_option("--title", add->title, "title")->required();
  cmd->add_option("--api-root", add->api_root, "API root name")->capture_default_str();
  cmd->add_option("--description", add->description, "description");
  cmd->add_option("--tlp", add->tlp, "default TLP: clear|green|amber|amber+strict|red")
      ->capture_default_str();
  cmd->add_option("--read", add->read, "organisations that may read (ORG,ORG)");
  cmd->add_option("--write", add->write, "organisations that may write (ORG,ORG)");
  cmd->add_option("--id", add->id, "collection id (default: a new UUID)");
  cmd->callback([add, &ctx] { ctx.exit_code = RunAdd(*add); });

  auto list = std::make_shared<ListOptions>();
  cmd = group->add_subcommand("list", "List collections with their grants");
  AddDataOption(cmd, &list->data);
  cmd->add_option("--api-root", list->api_root, "only this API root");
  cmd->callback([list, &ctx] { ctx.exit_code = RunList(*list); });

  auto grant = std::make_shared<GrantOptions>();
  cmd = group->add_subcommand("grant", "Let an organisation read and/or write a collection");
  AddDataOption(cmd, &grant->data);
  cmd->add_option("ID", grant->id, "collection id")->required();
  cmd->add_option("--org", grant->org, "organisation id")->required();
  cmd->add_flag("--read", grant->read, "grant read");
  cmd->add_flag("--write", grant->write, "grant write");
  cmd->callback([grant, &ctx] { ctx.exit_code = RunGrant(*grant, false); });

  auto revoke = std::make_shared<GrantOptions>();
  cmd = group->add_subcommand("revoke", "Remove an organisation's read and write grants");
  AddDataOption(cmd, &revoke->data);
  cmd->add_option("ID", revoke->id, "collection id")->required();
  cmd->add_option("--org", revoke->org, "organisation id")->required();
  cmd->callback([revoke, &ctx] { ctx.exit_code = RunGrant(*revoke, true); });

  auto remove = std::make_shared<RemoveOptions>();
  cmd = group->add_subcommand("remove", "Remove a collection and its objects");
  AddDataOption(cmd, &remove->data);
  cmd->add_option("ID", remove->id, "collection id")->required();
  cmd->callback([remove, &ctx] { ctx.exit_code = RunRemove(*remove); });
}

}  // namespace entente::cli
