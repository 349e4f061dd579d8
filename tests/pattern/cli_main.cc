// A private `entente`-like binary with only the pattern commands, so that their exit
// codes and output can be tested before (and independently of) the full CLI.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/command.h"

int main(int argc, char** argv) {
  CLI::App app{"pattern commands (test build)", "entente"};
  app.require_subcommand(1);
  entente::cli::CommandContext ctx;
  entente::cli::RegisterPatternCommands(app, ctx);
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "entente: " << e.what() << "\n";
    return 2;
  }
  return ctx.exit_code;
}
