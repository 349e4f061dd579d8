#include "cli/node_commands.h"

namespace entente::cli {

void RegisterNodeCommands(CLI::App& app, CommandContext& ctx) {
  RegisterInitCommand(app, ctx);
  RegisterOrgCommands(app, ctx);
  RegisterTokenCommands(app, ctx);
  RegisterApiRootCommands(app, ctx);
  RegisterCollectionCommands(app, ctx);
  RegisterIngestCommand(app, ctx);
  RegisterExportCommand(app, ctx);
  RegisterValidateCommand(app, ctx);
  RegisterServeCommand(app, ctx);
  RegisterSenseCommand(app, ctx);
  RegisterWarninglistCommands(app, ctx);
  RegisterSeenCommand(app, ctx);
  RegisterCaseCommands(app, ctx);
  RegisterLogCommands(app, ctx);
}

}  // namespace entente::cli
