// The shape every `entente` subcommand module follows.
//
// A module registers its subcommand(s) on the root CLI11 app; when a subcommand runs, its
// callback stores the process exit code in `ctx.exit_code` (0 success, 1 a "no" answer or
// invalid content, 2 usage error or unreadable input). Only cli/ prints or exits.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace entente::cli {

struct CommandContext {
  int exit_code = 0;
};

// Node administration and data: init, org, token, apiroot, collection, ingest, export,
// validate, serve, sense, seen, warninglist (src/cli/*_command.cc, owned by the CLI).
void RegisterNodeCommands(CLI::App& app, CommandContext& ctx);
// `entente pattern validate|match` (src/cli/pattern_command.cc).
void RegisterPatternCommands(CLI::App& app, CommandContext& ctx);
// `entente match --indicators … --observations …` (src/cli/match_command.cc).
void RegisterMatchCommand(CLI::App& app, CommandContext& ctx);

// `entente peer add|list|status|remove|explain` (src/cli/peer_command.cc).
void RegisterPeerCommands(CLI::App& app, CommandContext& ctx);

// `entente contact publish|list|show` (src/cli/contact_command.cc) and `entente hotline
// send|ping|ack|inbox|status|stats|tick` (src/cli/hotline_command.cc), issue 15.
void RegisterContactCommands(CLI::App& app, CommandContext& ctx);
void RegisterHotlineCommands(CLI::App& app, CommandContext& ctx);
// `entente intake submit|list|show|queue|close|link-case|route|settings`
// (src/cli/intake_command.cc).
void RegisterIntakeCommands(CLI::App& app, CommandContext& ctx);
// `entente evidence export|verify` (src/cli/evidence_command.cc), issue 16.
void RegisterEvidenceCommands(CLI::App& app, CommandContext& ctx);

}  // namespace entente::cli
