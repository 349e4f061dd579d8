// Fuzz target for the intake report parser (cases/intake_report.h), which reads what any
// authenticated constituent POSTs to {root}/x-entente/intake/. Checks in every build (not
// with assert): a refused report names a field ("FIELD: why"); an accepted one holds only
// normalised values (a known RSIT classification, observables of the promised forms, at
// most 100, each once; a two-letter upper-case country) and prints to JSON that parses
// back to the same report, so what the desk stores reads back as what was acknowledged.
// The routing rules file (cases/intake_rules.h) and the ping schedules file
// (cases/ping_schedule.h), both in the node's data folder, are fed the same bytes: a file
// that parses prints to one that parses to the same, and every schedule read passes the
// checks one added through the CLI would.
#include <boost/json/serialize.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cases/intake_report.h"
#include "cases/intake_rules.h"
#include "cases/ping_schedule.h"
#include "require.h"

using entente::cases::IntakeReport;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto report = entente::cases::ParseIntakeReport(input);
  if (!report.ok()) {
    const std::string& m = report.status().message();
    Require(m.find(": ") != std::string::npos && m.find(": ") > 0);
  } else {
    const IntakeReport& r = *report;
    Require(!r.description.empty() && r.description.size() <= 16 * 1024);
    auto rsit = entente::cases::ClassifyRsit(r.rsit.class_name, r.rsit.type_name);
    Require(rsit.ok() && rsit->class_name == r.rsit.class_name);
    Require(r.observables.size() <= entente::cases::kMaxObservables);
    for (size_t i = 0; i < r.observables.size(); ++i) {
      auto again =
          entente::cases::NormaliseObservable(r.observables[i].type, r.observables[i].value);
      Require(again.ok() && *again == r.observables[i]);  // normalising is idempotent
      for (size_t j = 0; j < i; ++j) Require(!(r.observables[j] == r.observables[i]));
    }
    Require(r.victim.country.empty() || (r.victim.country.size() == 2 &&
                                         r.victim.country[0] >= 'A' && r.victim.country[0] <= 'Z' &&
                                         r.victim.country[1] >= 'A' && r.victim.country[1] <= 'Z'));
    const std::string text = boost::json::serialize(entente::cases::IntakeReportToJson(r));
    auto back = entente::cases::ParseIntakeReport(text);
    Require(back.ok());
    Require(boost::json::serialize(entente::cases::IntakeReportToJson(*back)) == text);
  }
  auto config = entente::cases::ParseIntakeConfig(input);
  if (config.ok()) {
    const std::string text = boost::json::serialize(entente::cases::IntakeConfigToJson(*config));
    auto back = entente::cases::ParseIntakeConfig(text);
    Require(back.ok() && back->routes == config->routes &&
            back->default_route == config->default_route && back->forward == config->forward);
  }
  auto schedules = entente::cases::ParsePingSchedules(input);
  if (schedules.ok()) {
    for (const auto& s : *schedules) Require(entente::cases::CheckPingSchedule(s).ok());
    const std::string text =
        boost::json::serialize(entente::cases::PingSchedulesToJson(*schedules));
    auto back = entente::cases::ParsePingSchedules(text);
    Require(back.ok() && *back == *schedules);
  }
  return 0;
}
