// `entente validate`: checks STIX files against the specification's MUST rules.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/node_commands.h"
#include "cli/node_util.h"
#include "cli/stix_input.h"

namespace entente::cli {
namespace {

struct ValidateCmdOptions {
  std::vector<std::string> files;
};

int RunValidate(const ValidateCmdOptions& o) {
  stix::ValidateOptions options = NodeValidateOptions();
  bool unreadable = false;
  bool findings_seen = false;
  std::string out;
  for (const auto& path : o.files) {
    auto file = LoadStixFile(path);
    if (!file.ok()) {
      PrintError(file.status().message());
      unreadable = true;
      continue;
    }
    std::vector<stix::Finding> findings;
    if (file->is_bundle) {
      findings = stix::ValidateBundle(*file->doc, options);
    } else {
      for (size_t i = 0; i < file->items.size(); ++i) {
        const boost::json::value& item = *file->items[i];
        if (!item.is_object()) {
          findings.push_back(NotAnObjectFinding(*file, i));
          continue;
        }
        for (auto& f : stix::ValidateObject(item.get_object(), options)) {
          findings.push_back(std::move(f));
        }
      }
    }
    for (const auto& f : findings) {
      out += f.ToJsonLine();
      out += '\n';
    }
    findings_seen = findings_seen || !findings.empty();
    std::fwrite(out.data(), 1, out.size(), stdout);
    out.clear();
  }
  std::fflush(stdout);
  if (unreadable) return kExitUsage;
  return findings_seen ? kExitNo : kExitOk;
}

}  // namespace

void RegisterValidateCommand(CLI::App& app, CommandContext& ctx) {
  auto o = std::make_shared<ValidateCmdOptions>();
  CLI::App* cmd = app.add_subcommand(
      "validate", "Check STIX files against the MUST rules; one JSON line per finding");
  cmd->add_option("FILE", o->files, "bundle, array or object files ('-' = stdin)")->required();
  cmd->callback([o, &ctx] { ctx.exit_code = RunValidate(*o); });
}

}  // namespace entente::cli
