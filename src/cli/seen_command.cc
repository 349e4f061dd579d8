// `entente seen`: who else saw it (issue 14) — for an observable value or an indicator,
// the sightings an organisation (or the holder of a token, or the local operator) may see
// on this node, counted by country, sector and day (store/seen.h).
//
//   entente seen [--as ORG | --token TOKEN-ID] [--api-root NAME] [--json] VALUE
//   entente seen [--as ORG | --token TOKEN-ID] [--api-root NAME] [--json] --indicator ID
#include <boost/json/serialize.hpp>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/node_commands.h"
#include "cli/node_util.h"
#include "store/seen.h"

namespace entente::cli {
namespace {

struct SeenOptions {
  std::string data;
  std::string value;
  std::string indicator;
  std::string as;
  std::string token;
  std::string api_root;
  bool json = false;
};

void PrintCounts(const char* what, const std::map<std::string, int64_t>& counts) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& [key, count] : counts) rows.push_back({key, std::to_string(count)});
  std::cout << "\n";
  PrintTable({what, "count"}, rows);
}

int RunSeen(const SeenOptions& o) {
  if (o.value.empty() == o.indicator.empty()) {
    return UsageError("give a VALUE or --indicator ID, not both");
  }
  auto store = OpenNodeStore(ResolveDataDir(o.data));
  if (!store.ok()) return Fail(store.status());
  auto who = RequesterFromFlags(**store, o.as, o.token);
  if (!who.ok()) return Fail(who.status());
  const store::SeenQuery query{
      .value = o.value, .indicator_id = o.indicator, .api_root = o.api_root};
  auto report = store::Seen(**store, *who, query);
  if (!report.ok()) {
    if (report.status().code() == StatusCode::kInvalidArgument) {
      return UsageError(report.status().message() + " (--indicator: an indicator--UUID)");
    }
    return Fail(report.status());
  }
  if (o.json) {
    std::cout << boost::json::serialize(store::SeenJson(query, *report)) << "\n";
    return kExitOk;
  }
  std::cout << (o.value.empty() ? "indicator " + o.indicator : "value " + o.value) << ": "
            << report->indicators.size() << " indicator(s), " << report->sightings
            << " sighting(s), seen " << report->total << " time(s)\n";
  for (const auto& id : report->indicators) std::cout << "  " << id << "\n";
  if (report->sightings > 0) {
    PrintCounts("country", report->by_country);
    PrintCounts("sector", report->by_sector);
    PrintCounts("day", report->by_day);
  }
  return kExitOk;
}

}  // namespace

void RegisterSeenCommand(CLI::App& app, CommandContext& ctx) {
  auto o = std::make_shared<SeenOptions>();
  CLI::App* cmd = app.add_subcommand(
      "seen",
      "Who else saw it: the sightings of the indicators holding a value (or of one "
      "indicator) that an organisation may see, by country, sector and day");
  AddDataOption(cmd, &o->data);
  cmd->add_option("VALUE", o->value, "an observable value: an address, domain, URL, hash...");
  cmd->add_option("--indicator", o->indicator, "an indicator id instead of a value");
  CLI::Option* as =
      cmd->add_option("--as", o->as, "organisation id (default: the local operator, who sees all)");
  cmd->add_option("--token", o->token,
                  "token id (`entente token list`): what its holder sees over TAXII")
      ->excludes(as);
  cmd->add_option("--api-root", o->api_root, "only the collections of this API root");
  cmd->add_flag("--json", o->json, "the answer as JSON (as the TAXII endpoint gives it)");
  cmd->callback([o, &ctx] { ctx.exit_code = RunSeen(*o); });
}

}  // namespace entente::cli
