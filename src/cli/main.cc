// The `entente` executable: parses the command line with CLI11 and dispatches to the
// subcommand modules (command.h). Exit codes per docs/cli.md: 0 success, 1 "no" or
// invalid content, 2 usage error or unreadable input.
#include <CLI/CLI.hpp>
#include <exception>
#include <string>

#include "cli/command.h"
#include "cli/node_util.h"

#ifndef ENTENTE_VERSION
#define ENTENTE_VERSION "unknown"
#endif

int main(int argc, char** argv) {
  using entente::cli::CommandContext;
  CLI::App app{"entente: a federated STIX 2.1 / TAXII 2.1 threat-intelligence exchange node",
               "entente"};
  app.set_version_flag("--version", "entente " ENTENTE_VERSION);
  app.require_subcommand(1);
  app.footer(
      "Exit codes: 0 success, 1 the answer is no / invalid content, 2 usage error or "
      "unreadable input. Data folder: --data DIR, else $ENTENTE_DATA, else "
      "./entente-data.");
  CommandContext ctx;
  entente::cli::RegisterNodeCommands(app, ctx);
  entente::cli::RegisterPatternCommands(app, ctx);
  entente::cli::RegisterMatchCommand(app, ctx);
  entente::cli::RegisterPeerCommands(app, ctx);
  entente::cli::RegisterContactCommands(app, ctx);
  entente::cli::RegisterHotlineCommands(app, ctx);
  entente::cli::RegisterIntakeCommands(app, ctx);
  entente::cli::RegisterEvidenceCommands(app, ctx);
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help, --version
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string message = e.what();
    if (message.empty()) message = e.get_name();
    if (app.get_subcommands().empty() && argc > 1 && argv[1][0] != '-') {
      message = std::string("unknown command '") + argv[1] + "'";
    }
    entente::cli::PrintError(message + " (run `entente --help` or `entente COMMAND --help`)");
    return entente::cli::kExitUsage;
  } catch (const std::exception& e) {
    entente::cli::PrintError(std::string("internal error: ") + e.what());
    return entente::cli::kExitNo;
  }
  return ctx.exit_code;
}
