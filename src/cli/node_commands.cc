#include "cli/node_commands.h"

#ifdef ENTENTE_WITH_PATTERN_CHECK
#include "pattern/parser.h"
#endif

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
}

stix::ValidateOptions NodeValidateOptions() {
  stix::ValidateOptions options;
#ifdef ENTENTE_WITH_PATTERN_CHECK
  options.check_pattern = [](std::string_view text, std::string_view type,
                             std::string_view version) {
    return pattern::CheckIndicatorPattern(text, type, version);
  };
#endif
  return options;
}

bool PatternsChecked() {
#ifdef ENTENTE_WITH_PATTERN_CHECK
  return true;
#else
  return false;
#endif
}

}  // namespace entente::cli
