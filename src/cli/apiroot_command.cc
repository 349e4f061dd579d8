// `entente apiroot add`.
#include <iostream>
#include <memory>
#include <string>

#include "cli/node_commands.h"
#include "cli/node_util.h"

namespace entente::cli {
namespace {

struct ApiRootAddOptions {
  std::string data;
  std::string name;
  std::string title;
  std::string description;
  int64_t max_content_length = 10 * 1024 * 1024;
};

// A URL path segment that cannot be confused with discovery.
bool IsApiRootName(std::string_view t) {
  if (t.empty() || t.size() > 64 || t == "taxii2" || t == "." || t == "..") return false;
  for (char c : t) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.' || c == '~';
    if (!ok) return false;
  }
  return true;
}

int RunApiRootAdd(const ApiRootAddOptions& o) {
  if (!IsApiRootName(o.name)) {
    return Fail(Status::InvalidArgument(
        "invalid API root name '" + o.name +
        "' (NAME: 1-64 characters from A-Z a-z 0-9 - . _ ~, not 'taxii2')"));
  }
  if (o.max_content_length <= 0) {
    return Fail(
        Status::InvalidArgument("invalid maximum content length (--max-content-length: "
                                "a positive number of bytes)"));
  }
  auto store = OpenNodeStore(ResolveDataDir(o.data));
  if (!store.ok()) return Fail(store.status());
  auto roots = (*store)->ListApiRoots();
  if (!roots.ok()) return Fail(roots.status());
  for (const auto& r : *roots) {
    if (r.name == o.name) {
      return Fail(
          Status::AlreadyExists("API root '" + o.name + "' already exists (NAME: must be unique)"));
    }
  }
  store::ApiRoot root;
  root.name = o.name;
  root.title = o.title.empty() ? o.name : o.title;
  root.description = o.description;
  root.max_content_length = o.max_content_length;
  if (Status s = (*store)->PutApiRoot(root); !s.ok()) return Fail(s);
  return kExitOk;
}

}  // namespace

void RegisterApiRootCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* group = app.add_subcommand("apiroot", "Manage TAXII API roots");
  group->require_subcommand(1);
  auto add = std::make_shared<ApiRootAddOptions>();
  CLI::App* cmd = group->add_subcommand("add", "Add a TAXII API root");
  AddDataOption(cmd, &add->data);
  cmd->add_option("NAME", add->name, "URL path segment, e.g. cti")->required();
  cmd->add_option("--title", add->title, "title (default: the name)");
  cmd->add_option("--description", add->description, "description");
  cmd->add_option("--max-content-length", add->max_content_length,
                  "largest request body accepted, in bytes")
      ->capture_default_str();
  cmd->callback([add, &ctx] { ctx.exit_code = RunApiRootAdd(*add); });
}

}  // namespace entente::cli
