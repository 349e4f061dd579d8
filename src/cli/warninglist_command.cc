// `entente warninglist list|add|remove|override|unoverride|check`: the node's MISP
// warninglists and the operator's overrides, kept as files in the data folder
// (cli/warninglists.h; operators' guide docs/warninglists.md).
#include <sys/stat.h>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/node_commands.h"
#include "cli/node_util.h"
#include "cli/warninglists.h"
#include "common/env.h"
#include "common/timestamp.h"
#include "pattern/parser.h"

namespace entente::cli {
namespace {

// The data folder of an initialised node (lists are never written into a folder that
// holds no node, e.g. after a mistyped --data).
Result<std::string> NodeDir(const std::string& flag) {
  std::string dir = ResolveDataDir(flag);
  struct stat st;
  if (::stat(StorePathIn(dir).c_str(), &st) != 0) {
    return Status::IoError("no initialised node in " + dir +
                           " (--data: run `entente init` first or point --data / "
                           "$ENTENTE_DATA at a node folder)");
  }
  return dir;
}

// Text from a list file or an operator, made safe for one line of a terminal.
std::string OneLine(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return out;
}

bool IsIndicatorId(std::string_view id) {
  constexpr std::string_view kPrefix = "indicator--";
  return id.substr(0, kPrefix.size()) == kPrefix && IsUuid(id.substr(kPrefix.size()));
}

struct ListOptions {
  std::string data;
};

int RunList(const ListOptions& o) {
  auto dir = NodeDir(o.data);
  if (!dir.ok()) return Fail(dir.status());
  auto lists = LoadNodeWarninglists(*dir);
  if (!lists.ok()) return Fail(lists.status());
  std::vector<std::vector<std::string>> rows;
  for (const auto& l : lists->set.lists()) {
    rows.push_back({OneLine(l.name), std::string(pattern::index::WarninglistTypeName(l.type)),
                    std::to_string(l.entries.size()), std::to_string(l.version),
                    OneLine(l.description)});
  }
  PrintTable({"NAME", "TYPE", "ENTRIES", "VERSION", "DESCRIPTION"}, rows);
  if (!lists->overrides.empty()) {
    std::vector<std::vector<std::string>> overrides;
    for (const auto& [id, w] : lists->overrides) {
      overrides.push_back({id, OneLine(w.by), w.at, OneLine(w.reason)});
    }
    std::cout << "\n";
    PrintTable({"OVERRIDDEN INDICATOR", "BY", "AT", "REASON"}, overrides);
  }
  return kExitOk;
}

struct AddOptions {
  std::string data;
  bool replace = false;
  std::vector<std::string> files;
};

int RunAdd(const AddOptions& o) {
  auto dir = NodeDir(o.data);
  if (!dir.ok()) return Fail(dir.status());
  int exit_code = kExitOk;
  for (const std::string& file : o.files) {
    auto text = ReadInputFile(file);
    if (!text.ok()) {
      PrintError(text.status().message());
      exit_code = kExitUsage;
      continue;
    }
    auto list = AddNodeWarninglist(*dir, *text, o.replace);
    if (!list.ok()) {
      PrintError(file + ": " + list.status().message());
      if (list.status().code() == StatusCode::kIoError) return kExitUsage;
      if (exit_code == kExitOk) exit_code = kExitNo;
      continue;
    }
    std::cout << "added \"" << OneLine(list->name) << "\" ("
              << pattern::index::WarninglistTypeName(list->type) << ", " << list->entries.size()
              << " entries) as " << WarninglistDir(*dir) << "/lists/"
              << WarninglistFileName(list->name) << std::endl;
  }
  return exit_code;
}

struct RemoveOptions {
  std::string data;
  std::string name;
};

int RunRemove(const RemoveOptions& o) {
  auto dir = NodeDir(o.data);
  if (!dir.ok()) return Fail(dir.status());
  auto removed = RemoveNodeWarninglist(*dir, o.name);
  if (!removed.ok()) return Fail(removed.status());
  std::cout << "removed \"" << OneLine(*removed) << "\"" << std::endl;
  return kExitOk;
}

struct OverrideOptions {
  std::string data;
  std::string indicator_id;
  std::string reason;
  std::string by;
};

int RunOverride(const OverrideOptions& o) {
  if (!IsIndicatorId(o.indicator_id)) {
    return UsageError("warninglist override: '" + o.indicator_id +
                      "' is not an indicator id (indicator--<UUID>, lower case)");
  }
  if (o.reason.find_first_not_of(" \t\r\n") == std::string::npos) {
    return UsageError("warninglist override: --reason must say why");
  }
  auto dir = NodeDir(o.data);
  if (!dir.ok()) return Fail(dir.status());
  WarninglistOverride w;
  w.indicator_id = o.indicator_id;
  w.reason = o.reason;
  w.by = o.by;
  if (w.by.empty()) {
    const char* user = std::getenv("USER");
    w.by = user != nullptr && *user != '\0' ? user : "operator";
  }
  w.at = FormatTimestamp(SystemClock().NowMicros(), 0);
  if (Status s = PutWarninglistOverride(*dir, w); !s.ok()) return Fail(s);
  std::cout << "overridden: " << w.indicator_id << " is matched although on a warninglist"
            << std::endl;
  return kExitOk;
}

struct UnoverrideOptions {
  std::string data;
  std::string indicator_id;
};

int RunUnoverride(const UnoverrideOptions& o) {
  auto dir = NodeDir(o.data);
  if (!dir.ok()) return Fail(dir.status());
  if (Status s = RemoveWarninglistOverride(*dir, o.indicator_id); !s.ok()) return Fail(s);
  std::cout << "override removed: " << o.indicator_id << std::endl;
  return kExitOk;
}

struct CheckOptions {
  std::string data;
  std::string value;
  bool pattern = false;
  std::string pattern_version;
};

int RunCheck(const CheckOptions& o) {
  auto dir = NodeDir(o.data);
  if (!dir.ok()) return Fail(dir.status());
  auto lists = LoadNodeWarninglists(*dir);
  if (!lists.ok()) return Fail(lists.status());
  if (o.pattern) {
    const pattern::ParseOptions options = pattern::IndicatorParseOptions(o.pattern_version);
    auto parsed = pattern::ParsePattern(o.value, options);
    if (!parsed.ok()) {
      PrintError(pattern::FormatParseError(o.value, parsed.status()));
      return kExitUsage;
    }
    auto hits = pattern::index::WarninglistHitsOfPattern(lists->set, o.value, options.version);
    if (hits.empty()) {
      std::cout << "no value of the pattern is on a warninglist" << std::endl;
      return kExitNo;
    }
    for (const auto& h : hits) std::cout << OneLine(h.value) << "\t" << OneLine(h.list) << "\n";
    std::cout.flush();
    return kExitOk;
  }
  auto names = lists->set.ListsContaining(o.value);
  if (names.empty()) {
    std::cout << "on no warninglist" << std::endl;
    return kExitNo;
  }
  for (std::string_view name : names) std::cout << OneLine(name) << "\n";
  std::cout.flush();
  return kExitOk;
}

}  // namespace

void RegisterWarninglistCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* wl = app.add_subcommand(
      "warninglist",
      "Manage the node's warninglists (MISP format): indicators looking for a listed value "
      "are flagged at ingest and not matched unless overridden");
  wl->require_subcommand(1);

  auto list = std::make_shared<ListOptions>();
  CLI::App* cmd = wl->add_subcommand(
      "list", "Show each list (name, type, entries, version, description) and the overrides");
  AddDataOption(cmd, &list->data);
  cmd->callback([list, &ctx] { ctx.exit_code = RunList(*list); });

  auto add = std::make_shared<AddOptions>();
  cmd = wl->add_subcommand(
      "add",
      "Install MISP warninglist files (lists/<name>/list.json of MISP/misp-warninglists); a "
      "malformed file is refused naming the member at fault (exit 1)");
  AddDataOption(cmd, &add->data);
  cmd->add_flag("--replace", add->replace, "replace an installed list of the same name");
  cmd->add_option("FILE", add->files, "list.json files ('-' = stdin)")->required();
  cmd->callback([add, &ctx] { ctx.exit_code = RunAdd(*add); });

  auto remove = std::make_shared<RemoveOptions>();
  cmd = wl->add_subcommand("remove", "Remove a list by its name (or its file name)");
  AddDataOption(cmd, &remove->data);
  cmd->add_option("NAME", remove->name, "the list's name, as `warninglist list` shows it")
      ->required();
  cmd->callback([remove, &ctx] { ctx.exit_code = RunRemove(*remove); });

  auto override_ = std::make_shared<OverrideOptions>();
  cmd = wl->add_subcommand(
      "override", "Let an indicator match although a value of its pattern is on a warninglist");
  AddDataOption(cmd, &override_->data);
  cmd->add_option("INDICATOR_ID", override_->indicator_id, "indicator--<UUID>")->required();
  cmd->add_option("--reason", override_->reason, "why (recorded and shown by `list`)")->required();
  cmd->add_option("--by", override_->by, "who decides (default: $USER)");
  cmd->callback([override_, &ctx] { ctx.exit_code = RunOverride(*override_); });

  auto unoverride = std::make_shared<UnoverrideOptions>();
  cmd = wl->add_subcommand("unoverride", "Withdraw an override: the indicator is suppressed again");
  AddDataOption(cmd, &unoverride->data);
  cmd->add_option("INDICATOR_ID", unoverride->indicator_id, "indicator--<UUID>")->required();
  cmd->callback([unoverride, &ctx] { ctx.exit_code = RunUnoverride(*unoverride); });

  auto check = std::make_shared<CheckOptions>();
  cmd = wl->add_subcommand(
      "check",
      "Print the lists VALUE is on (exit 0), or say it is on none (exit 1); with --pattern, "
      "the listed values of a STIX pattern");
  AddDataOption(cmd, &check->data);
  cmd->add_option("VALUE", check->value, "an address, block, domain, URL, hash... or a pattern")
      ->required();
  cmd->add_flag("--pattern", check->pattern, "VALUE is a STIX pattern");
  cmd->add_option("--pattern-version", check->pattern_version,
                  "with --pattern: \"2.0\" for a STIX 2.0 pattern (default 2.1)");
  cmd->callback([check, &ctx] { ctx.exit_code = RunCheck(*check); });
}

}  // namespace entente::cli
