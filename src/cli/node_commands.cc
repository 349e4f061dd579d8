#include "cli/node_commands.h"

#include "pattern/index/fast_classify.h"
#include "pattern/parser.h"

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
  options.check_pattern = [](std::string_view text, std::string_view type,
                             std::string_view version) -> std::optional<std::string> {
    // Nearly every indicator of a real feed is one comparison, which the index's fast
    // path accepts without building a syntax tree; it claims only text the full parser
    // accepts too (its tests and fuzz/fuzz_fast_classify.cc), and declines the rest.
    pattern::index::Classified classified;
    if (type == "stix" &&
        pattern::index::FastClassify(text, pattern::IndicatorParseOptions(version), &classified)) {
      return std::nullopt;
    }
    return pattern::CheckIndicatorPattern(text, type, version);
  };
  return options;
}

}  // namespace entente::cli
