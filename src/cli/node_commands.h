// Registration of each node subcommand group (one file per group, see command.h).
// Internal to cli/.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/command.h"
#include "stix/stix.h"

namespace entente::cli {

void RegisterInitCommand(CLI::App& app, CommandContext& ctx);
void RegisterOrgCommands(CLI::App& app, CommandContext& ctx);
void RegisterTokenCommands(CLI::App& app, CommandContext& ctx);
void RegisterApiRootCommands(CLI::App& app, CommandContext& ctx);
void RegisterCollectionCommands(CLI::App& app, CommandContext& ctx);
void RegisterIngestCommand(CLI::App& app, CommandContext& ctx);
void RegisterExportCommand(CLI::App& app, CommandContext& ctx);
void RegisterValidateCommand(CLI::App& app, CommandContext& ctx);
void RegisterServeCommand(CLI::App& app, CommandContext& ctx);
void RegisterSenseCommand(CLI::App& app, CommandContext& ctx);
void RegisterWarninglistCommands(CLI::App& app, CommandContext& ctx);
void RegisterSeenCommand(CLI::App& app, CommandContext& ctx);
void RegisterCaseCommands(CLI::App& app, CommandContext& ctx);
// `entente log [head|verify]` (src/cli/log_command.cc), issue 16.
void RegisterLogCommands(CLI::App& app, CommandContext& ctx);

}  // namespace entente::cli
