// `entente validate`: checks STIX files against the specification's MUST rules.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "admission/admission.h"
#include "cli/node_commands.h"
#include "cli/node_util.h"
#include "cli/stix_input.h"

namespace entente::cli {
namespace {

struct ValidateCmdOptions {
  std::vector<std::string> files;
};

int RunValidate(const ValidateCmdOptions& o) {
  stix::ValidateOptions options = admission::NodeValidateOptions();
  bool unreadable = false;
  bool findings_seen = false;
  std::string out;
  auto emit = [&](const stix::Finding& f) {
    out += f.ToJsonLine();
    out += '\n';
    findings_seen = true;
    if (out.size() >= (1 << 16)) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
    }
  };
  for (const auto& path : o.files) {
    auto summary = StreamStixFile(
        path, [&](const boost::json::value& item, size_t index, stix::DocumentShape shape) {
          if (!item.is_object()) {
            emit(NotAnObjectFinding(shape, index));
          } else {
            for (const auto& f : stix::ValidateObject(item.get_object(), options)) emit(f);
          }
          return Status::Ok();
        });
    if (!summary.ok()) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
      std::fflush(stdout);
      PrintError(summary.status().message());
      unreadable = true;
      continue;
    }
    // The bundle's own properties (its objects were checked one by one above).
    if (summary->shape == stix::DocumentShape::kBundle) {
      for (const auto& f :
           stix::ValidateBundle(boost::json::value(std::move(summary->envelope)), options)) {
        emit(f);
      }
    }
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
