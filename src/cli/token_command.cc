// `entente token create|list|revoke`.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "admin/node_admin.h"
#include "cli/node_commands.h"
#include "cli/node_record.h"
#include "cli/node_util.h"
#include "common/env.h"
#include "common/timestamp.h"

namespace entente::cli {
namespace {

struct TokenCreateOptions {
  std::string data;
  std::string org;
  std::string label;
  std::string individual;
};

int RunTokenCreate(const TokenCreateOptions& o) {
  const admin::NewToken token{o.org, o.label, o.individual};
  if (Status s = admin::ValidateToken(token); !s.ok()) return Fail(s);
  auto store = OpenNodeStore(ResolveDataDir(o.data));
  if (!store.ok()) return Fail(store.status());
  auto created = admin::CreateToken(**store, token, kRecordOperator);
  if (!created.ok()) return Fail(created.status());
  std::cout << created->secret << std::endl;
  return kExitOk;
}

struct TokenListOptions {
  std::string data;
  std::string org;
};

int RunTokenList(const TokenListOptions& o) {
  auto store = OpenNodeStore(ResolveDataDir(o.data));
  if (!store.ok()) return Fail(store.status());
  auto tokens = admin::ListTokens(**store, o.org);
  if (!tokens.ok()) return Fail(tokens.status());
  std::vector<std::vector<std::string>> rows;
  for (const auto& t : *tokens) {
    rows.push_back(
        {t.token_id, t.org_id, t.label, t.individual_id, FormatTimestamp(t.created_us, 0)});
  }
  PrintTable({"TOKEN-ID", "ORG", "LABEL", "INDIVIDUAL", "CREATED"}, rows);
  return kExitOk;
}

struct TokenRevokeOptions {
  std::string data;
  std::string token_id;
};

int RunTokenRevoke(const TokenRevokeOptions& o) {
  auto store = OpenNodeStore(ResolveDataDir(o.data));
  if (!store.ok()) return Fail(store.status());
  if (Status s = admin::RevokeToken(**store, o.token_id); !s.ok()) return Fail(s);
  return kExitOk;
}

}  // namespace

void RegisterTokenCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* token = app.add_subcommand("token", "Manage access tokens");
  token->require_subcommand(1);

  auto create = std::make_shared<TokenCreateOptions>();
  CLI::App* cmd = token->add_subcommand("create", "Create a token; prints the secret once");
  AddDataOption(cmd, &create->data);
  cmd->add_option("--org", create->org, "organisation the token belongs to")->required();
  cmd->add_option("--label", create->label, "free text shown by `token list`");
  cmd->add_option("--individual", create->individual,
                  "identity id of the person holding it (TLP:RED recipients)");
  cmd->callback([create, &ctx] { ctx.exit_code = RunTokenCreate(*create); });

  auto list = std::make_shared<TokenListOptions>();
  cmd = token->add_subcommand("list", "List tokens (ids, never secrets)");
  AddDataOption(cmd, &list->data);
  cmd->add_option("--org", list->org, "only this organisation's tokens");
  cmd->callback([list, &ctx] { ctx.exit_code = RunTokenList(*list); });

  auto revoke = std::make_shared<TokenRevokeOptions>();
  cmd = token->add_subcommand("revoke", "Revoke a token");
  AddDataOption(cmd, &revoke->data);
  cmd->add_option("TOKEN_ID", revoke->token_id, "token id, e.g. tok_ab12cd34")->required();
  cmd->callback([revoke, &ctx] { ctx.exit_code = RunTokenRevoke(*revoke); });
}

}  // namespace entente::cli
