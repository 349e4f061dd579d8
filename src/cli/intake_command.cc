// `entente intake submit|list|show|queue|close|link-case|route|settings`: the node's intake
// of constituents' reports (cases/intake_desk.h; docs/cases.md "Intake", docs/cli.md).
//
// The commands open the node's store and an intake desk on it, so they work whether or not
// `entente serve` runs (the server catches up with what they store before its next batch).
// Routing rules and limits live in DATA/intake.json, which `route` and `settings` rewrite
// (atomically: a temporary file renamed) and the server re-reads within a second.
#include <time.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cases/intake_desk.h"
#include "cli/command.h"
#include "cli/hotline_loop.h"
#include "cli/node_util.h"
#include "common/timestamp.h"
#include "policy/access.h"
#include "stix/stix.h"

namespace entente::cli {
namespace {

struct Common {
  std::string data;
  std::string api_root;
  std::string as;
  std::string tz;
  bool json = false;
};

std::string ConfigPath(const std::string& data) {
  return ResolveDataDir(data) + "/" + std::string(cases::kIntakeConfigFile);
}

struct Desk {
  std::unique_ptr<store::Store> store;
  std::unique_ptr<cases::IntakeDesk> desk;  // uses `store`: declared after it
  std::string root;
};

Result<Desk> OpenDesk(const Common& c) {
  Desk d;
  auto store = OpenNodeStore(ResolveDataDir(c.data));
  if (!store.ok()) return store.status();
  d.store = std::move(*store);
  d.root = c.api_root;
  if (d.root.empty()) {
    auto settings = d.store->GetSettings();
    if (settings.ok()) d.root = settings->default_api_root;
  }
  if (d.root.empty()) return Status::InvalidArgument("no default API root: give --api-root");
  auto roots = d.store->ListApiRoots();
  if (!roots.ok()) return roots.status();
  bool found = false;
  for (const auto& r : *roots) found = found || r.name == d.root;
  if (!found) return Status::NotFound("--api-root: no API root " + d.root);
  cases::IntakeDeskOptions o;
  o.config_path = ConfigPath(c.data);
  o.log = [](const std::string& line) { PrintError(line); };
  auto desk = cases::IntakeDesk::Open(*d.store, std::move(o));
  if (!desk.ok()) return desk.status();
  d.desk = std::move(*desk);
  return d;
}

// A UTC time, and with --tz the viewer's zone too (TZ database through localtime_r).
std::string When(int64_t us, const std::string& tz) {
  std::string out = FormatTimestamp(us, 0);
  if (tz.empty()) return out;
  time_t secs = static_cast<time_t>(us / 1'000'000);
  struct tm local {};
  localtime_r(&secs, &local);
  char buf[64];
  strftime(buf, sizeof buf, "%Y-%m-%d %H:%M %Z", &local);
  return out + " (" + buf + ")";
}

Status ApplyZone(const std::string& tz) {
  if (tz.empty()) return Status::Ok();
  if (tz.find("..") != std::string::npos || tz.starts_with("/") ||
      !std::filesystem::exists("/usr/share/zoneinfo/" + tz)) {
    return Status::InvalidArgument("--tz: unknown time zone '" + tz +
                                   "' (an IANA name such as Europe/Paris)");
  }
  setenv("TZ", tz.c_str(), 1);
  tzset();
  return Status::Ok();
}

void AddCommon(CLI::App* cmd, Common* c, bool with_as, bool with_tz) {
  AddDataOption(cmd, &c->data);
  cmd->add_option("--api-root", c->api_root, "API root (default: the node's default)");
  if (with_as) {
    cmd->add_option("--as", c->as, "organisation id (default: the local operator, who sees all)");
  }
  if (with_tz) cmd->add_option("--tz", c->tz, "also show times in this IANA zone");
  cmd->add_flag("--json", c->json, "JSON, as the HTTP routes give it");
}

Result<policy::Requester> Who(store::Store& store, const std::string& as) {
  return RequesterFromFlags(store, as, "");
}

void PrintTicket(const cases::Ticket& t, const boost::json::object& j, const std::string& tz) {
  std::cout << "ticket       " << t.ticket << "\n"
            << "received     " << When(t.received_us, tz) << "\n"
            << "status       " << j.at("status").as_string().c_str() << "\n"
            << "reporter     " << t.reporter_org << "\n"
            << "rsit         " << cases::RsitMachineTag(t.report.rsit)
            << (t.report.rsit_as_given.empty() ? "" : " (given: " + t.report.rsit_as_given + ")")
            << "\n";
  if (const auto* d = j.if_contains("duplicate_of")) {
    std::cout << "duplicate of " << d->as_string().c_str();
    if (!t.matched_on.empty()) std::cout << " (" << t.matched_on << ")";
    std::cout << "\n";
  }
  if (j.contains("routed_to")) {
    std::cout << "routed to    " << j.at("routed_to").as_string().c_str() << " (rule "
              << t.route.rule << ")\n"
              << "criticality  " << t.criticality << "\n"
              << "deadline     " << When(t.deadline_us, tz) << "\n";
  }
  if (const auto* f = j.if_contains("forward"); f != nullptr && f->is_object()) {
    const auto& fo = f->get_object();
    std::cout << "forward      " << fo.at("state").as_string().c_str();
    if (t.forward_state == "forwarded") {
      std::cout << " to " << t.forward_to << " as hotline message " << t.forward_message
                << " (collection " << t.forward_collection << ", " << When(t.forward_at_us, tz)
                << ")";
    } else if (!t.forward_reason.empty()) {
      std::cout << ": " << t.forward_reason;
    }
    std::cout << "\n";
  }
  if (t.report.nis2) std::cout << "nis2         yes\n";
  if (!t.case_ref.empty()) std::cout << "case         " << t.case_ref << "\n";
  if (!t.report.victim.empty()) {
    std::cout << "victim       " << t.report.victim.organisation << " " << t.report.victim.sector
              << " " << t.report.victim.country << "\n";
  }
  for (const auto& o : t.report.observables) {
    std::cout << "observable   " << o.type << " " << o.value << "\n";
  }
  if (!t.report.title.empty()) std::cout << "title        " << t.report.title << "\n";
  std::cout << "\n" << t.report.description << "\n";
}

// A feed: an array of reports, submitted together (they share commits). Each refused
// one is named on stderr ("[3] observables[0].value: ..."); the others are stored.
int RunSubmitMany(const Common& c, Desk& d, const store::Organisation& org,
                  const boost::json::array& items) {
  std::vector<cases::IntakeReport> reports;
  std::vector<size_t> index;
  bool refused = false;
  for (size_t i = 0; i < items.size(); ++i) {
    auto r = items[i].is_object() ? cases::IntakeReportFromJson(items[i].get_object())
                                  : Result<cases::IntakeReport>(
                                        Status::InvalidArgument("(report): must be a JSON object"));
    if (!r.ok()) {
      PrintError("[" + std::to_string(i) + "] " + r.status().message());
      refused = true;
      continue;
    }
    reports.push_back(std::move(*r));
    index.push_back(i);
  }
  auto acks = d.desk->SubmitMany(d.root, {org.id, org.identity_id, org.sector, org.country},
                                 std::move(reports));
  size_t received = 0, replays = 0, attached = 0;
  boost::json::array out;
  for (size_t k = 0; k < acks.size(); ++k) {
    if (!acks[k].ok()) {
      PrintError("[" + std::to_string(index[k]) + "] " + acks[k].status().message());
      refused = true;
      continue;
    }
    ++received;
    replays += acks[k]->replay ? 1 : 0;
    attached += acks[k]->ticket.duplicate_of.empty() ? 0 : 1;
    if (c.json) {
      const std::string url = "/" + d.root + "/x-entente/intake/" + acks[k]->ticket.ticket + "/";
      boost::json::object j = d.desk->TicketJson(acks[k]->ticket, true, url);
      j["replay"] = acks[k]->replay;
      out.push_back(std::move(j));
    }
  }
  if (c.json) {
    std::cout << boost::json::serialize(boost::json::object{{"tickets", std::move(out)}}) << "\n";
  } else {
    std::cout << "received " << received << " (" << replays << " already received, " << attached
              << " attached to open tickets), refused " << (items.size() - received) << "\n";
  }
  return refused ? kExitNo : kExitOk;
}

int RunSubmit(const Common& c, const std::string& file) {
  if (c.as.empty()) return UsageError("--as ORG: the reporting organisation is required");
  auto text = ReadInputFile(file);
  if (!text.ok()) return Fail(text.status());
  stix::ParseLimits limits;
  limits.max_bytes = 256u << 20;
  limits.max_depth = 9;
  auto parsed = stix::ParseJson(*text, limits);
  if (!parsed.ok()) {
    return Fail(Status::InvalidArgument("(body): not valid JSON: " + parsed.status().message()));
  }
  auto d = OpenDesk(c);
  if (!d.ok()) return Fail(d.status());
  auto org = d->store->GetOrganisation(c.as);
  if (!org.ok()) return Fail(Status::NotFound("--as: no organisation " + c.as));
  if (parsed->is_array()) return RunSubmitMany(c, *d, *org, parsed->get_array());
  auto report = cases::ParseIntakeReport(*text);
  if (!report.ok()) return Fail(report.status());
  auto ack = d->desk->Submit(d->root, {org->id, org->identity_id, org->sector, org->country},
                             std::move(*report));
  if (!ack.ok()) return Fail(ack.status());
  const std::string url = "/" + d->root + "/x-entente/intake/" + ack->ticket.ticket + "/";
  boost::json::object j = d->desk->TicketJson(ack->ticket, true, url);
  j["replay"] = ack->replay;
  if (c.json) {
    std::cout << boost::json::serialize(j) << "\n";
    return kExitOk;
  }
  std::cout << (ack->replay ? "already received as ticket " : "received: ticket ")
            << ack->ticket.ticket << "\n"
            << "status URL: " << url << "\n";
  if (!ack->ticket.duplicate_of.empty()) {
    std::cout << "attached to ticket " << ack->ticket.duplicate_of << " (" << ack->ticket.matched_on
              << ")\n";
  }
  std::cout << "routed to " << (ack->ticket.route.to.empty() ? "handlers" : ack->ticket.route.to)
            << " (rule " << ack->ticket.route.rule << ")\n";
  return kExitOk;
}

int RunList(const Common& c, size_t limit) {
  if (Status z = ApplyZone(c.tz); !z.ok()) return UsageError(z.message());
  auto d = OpenDesk(c);
  if (!d.ok()) return Fail(d.status());
  auto who = Who(*d->store, c.as);
  if (!who.ok()) return Fail(who.status());
  const bool handler = who->local_operator || d->desk->IsHandler(d->root, who->org_id);
  auto tickets = d->desk->List(d->root, *who, limit);
  if (c.json) {
    boost::json::array arr;
    for (const auto& t : tickets) {
      arr.push_back(
          d->desk->TicketJson(t, handler, "/" + d->root + "/x-entente/intake/" + t.ticket + "/"));
    }
    std::cout << boost::json::serialize(boost::json::object{{"tickets", std::move(arr)}}) << "\n";
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& t : tickets) {
    auto j = d->desk->TicketJson(t, handler, "");
    rows.push_back({t.ticket, When(t.received_us, c.tz), j.at("status").as_string().c_str(),
                    t.reporter_org, t.report.rsit.class_name,
                    handler ? (t.duplicate_of.empty() ? "-" : t.duplicate_of) : "-"});
  }
  PrintTable({"ticket", "received", "status", "reporter", "rsit", "duplicate of"}, rows);
  return kExitOk;
}

int RunShow(const Common& c, const std::string& ticket) {
  if (Status z = ApplyZone(c.tz); !z.ok()) return UsageError(z.message());
  auto d = OpenDesk(c);
  if (!d.ok()) return Fail(d.status());
  auto who = Who(*d->store, c.as);
  if (!who.ok()) return Fail(who.status());
  auto t = d->desk->Get(d->root, ticket, *who);
  if (!t.ok()) return Fail(t.status());
  const bool handler = who->local_operator || d->desk->IsHandler(d->root, who->org_id);
  auto j = d->desk->TicketJson(*t, handler, "/" + d->root + "/x-entente/intake/" + ticket + "/");
  if (c.json) {
    std::cout << boost::json::serialize(j) << "\n";
  } else {
    PrintTicket(*t, j, c.tz);
  }
  return kExitOk;
}

int RunQueue(const Common& c) {
  if (Status z = ApplyZone(c.tz); !z.ok()) return UsageError(z.message());
  auto d = OpenDesk(c);
  if (!d.ok()) return Fail(d.status());
  if (!c.as.empty() && !d->desk->IsHandler(d->root, c.as)) {
    return Fail(Status::PermissionDenied("--as: " + c.as + " does not handle this intake"));
  }
  auto queue = d->desk->Queue(d->root);
  if (c.json) {
    std::cout << boost::json::serialize(d->desk->QueueJson(queue)) << "\n";
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : queue) {
    rows.push_back({e.primary.ticket, std::to_string(e.criticality), When(e.deadline_us, c.tz),
                    e.primary.report.rsit.class_name, e.primary.reporter_org,
                    e.primary.route.to.empty() ? "handlers" : e.primary.route.to,
                    std::to_string(e.attached.size())});
  }
  PrintTable({"ticket", "criticality", "deadline", "rsit", "reporter", "routed to", "attached"},
             rows);
  return kExitOk;
}

int RunNote(const Common& c, const std::string& ticket, const std::string& case_id,
            const std::string& reason) {
  if (c.as.empty()) return UsageError("--as ORG: the handling organisation is required");
  auto d = OpenDesk(c);
  if (!d.ok()) return Fail(d.status());
  Status s = case_id.empty() ? d->desk->Close(d->root, ticket, c.as, reason)
                             : d->desk->LinkCase(d->root, ticket, case_id, c.as);
  if (!s.ok()) return Fail(s);
  std::cout << "ticket " << ticket << (case_id.empty() ? " closed" : " linked to " + case_id)
            << "\n";
  return kExitOk;
}

// The rules file: read (defaults when missing), changed, written atomically.
Result<cases::IntakeConfig> ReadConfig(const std::string& data) {
  const std::string path = ConfigPath(data);
  if (!std::filesystem::exists(path)) return cases::IntakeConfig{};
  auto text = ReadInputFile(path);
  if (!text.ok()) return text.status();
  return cases::ParseIntakeConfig(*text);
}

Status WriteConfig(const std::string& data, const cases::IntakeConfig& config) {
  return WriteFileAtomically(ConfigPath(data),
                             boost::json::serialize(cases::IntakeConfigToJson(config)) + "\n");
}

struct RouteOptions {
  std::string data;
  cases::RouteRule rule;
  std::string before;
  std::string target;
  bool json = false;
};

int RunRouteList(const RouteOptions& o) {
  auto config = ReadConfig(o.data);
  if (!config.ok()) return Fail(config.status());
  if (o.json) {
    std::cout << boost::json::serialize(cases::IntakeConfigToJson(*config)) << "\n";
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : config->routes) {
    rows.push_back({r.name, r.sector.empty() ? "*" : r.sector, r.country.empty() ? "*" : r.country,
                    r.rsit_class.empty() ? "*" : r.rsit_class, r.to});
  }
  rows.push_back({"default", "*", "*", "*",
                  config->default_route.empty() ? "handlers" : config->default_route});
  PrintTable({"rule", "sector", "country", "rsit class", "to"}, rows);
  std::cout << "\ndedupe window " << config->dedupe_window_seconds << " s; at most "
            << config->rate_per_second << " reports a second per reporter (bursts of "
            << config->burst << ")\n";
  if (config->forward.collection.empty()) {
    std::cout << "routed reports are not forwarded (`entente intake route forward`)\n";
  } else {
    std::cout << "routed reports are forwarded as hotline messages from " << config->forward.as
              << " in collection " << config->forward.collection << ", to acknowledge within "
              << config->forward.within_seconds << " s\n";
  }
  return kExitOk;
}

struct ForwardOptions {
  std::string data, collection, as, within = "4h";
  bool off = false;
};

// Sets (or with --off removes) DATA/intake.json's forward member.
int RunRouteForward(const ForwardOptions& o) {
  auto config = ReadConfig(o.data);
  if (!config.ok()) return Fail(config.status());
  if (o.off) {
    config->forward = cases::ForwardConfig{};
  } else {
    if (o.collection.empty() || o.as.empty()) {
      return UsageError("give --collection ID and --as ORG (or --off)");
    }
    auto within = ParseDuration(o.within);
    if (!within.ok()) return UsageError("--within: " + within.status().message());
    cases::ForwardConfig f;
    f.collection = o.collection;
    f.as = o.as;
    f.within_seconds = *within / 1'000'000;
    if (Status s = cases::CheckForwardConfig(f); !s.ok()) return UsageError(s.message());
    auto store = OpenNodeStore(ResolveDataDir(o.data));
    if (!store.ok()) return Fail(store.status());
    if (Status s = CheckOrgsExist(**store, {o.as}, "--as"); !s.ok()) return Fail(s);
    if (!(*store)->GetCollection(o.collection).ok()) {
      return Fail(Status::NotFound("unknown collection '" + o.collection + "' (--collection)"));
    }
    config->forward = std::move(f);
  }
  if (Status s = WriteConfig(o.data, *config); !s.ok()) return Fail(s);
  if (config->forward.collection.empty()) {
    std::cout << "routed reports are not forwarded\n";
  } else {
    std::cout << "routed reports are forwarded from " << config->forward.as << " in collection "
              << config->forward.collection << "\n";
  }
  return kExitOk;
}

Status CheckTargetExists(const std::string& data, const std::string& to) {
  if (!to.starts_with("org:")) return Status::Ok();  // peers are the federation's
  auto store = OpenNodeStore(ResolveDataDir(data));
  if (!store.ok()) return store.status();
  return CheckOrgsExist(**store, {to.substr(4)}, "--to");
}

int RunRouteAdd(const RouteOptions& o) {
  auto config = ReadConfig(o.data);
  if (!config.ok()) return Fail(config.status());
  auto rule = cases::CheckRouteRule(o.rule);
  if (!rule.ok()) return UsageError(rule.status().message());
  if (Status s = CheckTargetExists(o.data, rule->to); !s.ok()) return Fail(s);
  for (const auto& r : config->routes) {
    if (r.name == rule->name) return UsageError("a route named " + r.name + " exists");
  }
  auto at = config->routes.end();
  if (!o.before.empty()) {
    at = std::find_if(config->routes.begin(), config->routes.end(),
                      [&](const cases::RouteRule& r) { return r.name == o.before; });
    if (at == config->routes.end()) return UsageError("--before: no route named " + o.before);
  }
  config->routes.insert(at, *rule);
  if (Status s = WriteConfig(o.data, *config); !s.ok()) return Fail(s);
  std::cout << "route " << rule->name << " added\n";
  return kExitOk;
}

int RunRouteRemove(const RouteOptions& o) {
  auto config = ReadConfig(o.data);
  if (!config.ok()) return Fail(config.status());
  auto at = std::find_if(config->routes.begin(), config->routes.end(),
                         [&](const cases::RouteRule& r) { return r.name == o.rule.name; });
  if (at == config->routes.end()) return Fail(Status::NotFound("no route named " + o.rule.name));
  config->routes.erase(at);
  if (Status s = WriteConfig(o.data, *config); !s.ok()) return Fail(s);
  std::cout << "route " << o.rule.name << " removed\n";
  return kExitOk;
}

int RunRouteDefault(const RouteOptions& o) {
  auto config = ReadConfig(o.data);
  if (!config.ok()) return Fail(config.status());
  std::string to = o.target == "handlers" ? "" : o.target;
  if (!to.empty()) {
    if (Status s = cases::CheckRouteTarget(to); !s.ok()) return UsageError(s.message());
    if (Status s = CheckTargetExists(o.data, to); !s.ok()) return Fail(s);
  }
  config->default_route = to;
  if (Status s = WriteConfig(o.data, *config); !s.ok()) return Fail(s);
  std::cout << "default route: " << (to.empty() ? "handlers" : to) << "\n";
  return kExitOk;
}

struct SettingsOptions {
  std::string data;
  int64_t window = -1;
  double rate = -1;
  double burst = -1;
};

int RunSettings(const SettingsOptions& o) {
  auto config = ReadConfig(o.data);
  if (!config.ok()) return Fail(config.status());
  if (o.window >= 0) config->dedupe_window_seconds = o.window;
  if (o.rate >= 0) config->rate_per_second = o.rate;
  if (o.burst >= 0) config->burst = o.burst;
  // Checked as the server will read it.
  auto again = cases::ParseIntakeConfig(boost::json::serialize(cases::IntakeConfigToJson(*config)));
  if (!again.ok()) return UsageError(again.status().message());
  if (Status s = WriteConfig(o.data, *again); !s.ok()) return Fail(s);
  std::cout << "dedupe window " << again->dedupe_window_seconds << " s; at most "
            << again->rate_per_second << " reports a second per reporter (bursts of "
            << again->burst << ")\n";
  return kExitOk;
}

}  // namespace

void RegisterIntakeCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* intake = app.add_subcommand(
      "intake",
      "Constituents' reports: submit, list, show, the triage queue, routing rules (docs/cases.md)");
  intake->require_subcommand(1);

  {
    auto c = std::make_shared<Common>();
    auto file = std::make_shared<std::string>();
    CLI::App* cmd = intake->add_subcommand("submit", "Submit a report (JSON) as an organisation");
    AddCommon(cmd, c.get(), true, false);
    cmd->add_option("FILE", *file, "the report, JSON, or an array of reports (a feed); - for stdin")
        ->required();
    cmd->callback([c, file, &ctx] { ctx.exit_code = RunSubmit(*c, *file); });
  }
  {
    auto c = std::make_shared<Common>();
    auto limit = std::make_shared<size_t>(100);
    CLI::App* cmd = intake->add_subcommand("list", "Tickets an organisation may see, newest first");
    AddCommon(cmd, c.get(), true, true);
    cmd->add_option("--limit", *limit, "at most this many (default 100)");
    cmd->callback([c, limit, &ctx] { ctx.exit_code = RunList(*c, *limit); });
  }
  {
    auto c = std::make_shared<Common>();
    auto ticket = std::make_shared<std::string>();
    CLI::App* cmd = intake->add_subcommand("show", "One ticket, as its reader may see it");
    AddCommon(cmd, c.get(), true, true);
    cmd->add_option("TICKET", *ticket, "ticket id")->required();
    cmd->callback([c, ticket, &ctx] { ctx.exit_code = RunShow(*c, *ticket); });
  }
  {
    auto c = std::make_shared<Common>();
    CLI::App* cmd = intake->add_subcommand(
        "queue", "Open tickets by criticality, then deadline: what to do next");
    AddCommon(cmd, c.get(), true, true);
    cmd->callback([c, &ctx] { ctx.exit_code = RunQueue(*c); });
  }
  {
    auto c = std::make_shared<Common>();
    auto ticket = std::make_shared<std::string>();
    auto reason = std::make_shared<std::string>();
    CLI::App* cmd = intake->add_subcommand("close", "Close a ticket (as a handler)");
    AddCommon(cmd, c.get(), true, false);
    cmd->add_option("TICKET", *ticket, "ticket id")->required();
    cmd->add_option("--reason", *reason, "why (stored in the note)");
    cmd->callback([c, ticket, reason, &ctx] { ctx.exit_code = RunNote(*c, *ticket, "", *reason); });
  }
  {
    auto c = std::make_shared<Common>();
    auto ticket = std::make_shared<std::string>();
    auto case_id = std::make_shared<std::string>();
    CLI::App* cmd = intake->add_subcommand(
        "link-case", "Record that a case (an incident id) was opened from a ticket");
    AddCommon(cmd, c.get(), true, false);
    cmd->add_option("TICKET", *ticket, "ticket id")->required();
    cmd->add_option("CASE", *case_id, "the case's incident id")->required();
    cmd->callback(
        [c, ticket, case_id, &ctx] { ctx.exit_code = RunNote(*c, *ticket, *case_id, ""); });
  }
  {
    CLI::App* route = intake->add_subcommand(
        "route", "Routing rules in DATA/intake.json: first match wins, then the default");
    route->require_subcommand(1);
    auto o = std::make_shared<RouteOptions>();
    CLI::App* list = route->add_subcommand("list", "The rules in order, the default and limits");
    AddDataOption(list, &o->data);
    list->add_flag("--json", o->json, "the configuration file's JSON");
    list->callback([o, &ctx] { ctx.exit_code = RunRouteList(*o); });
    auto a = std::make_shared<RouteOptions>();
    CLI::App* add = route->add_subcommand("add", "Add a rule (at the end, or --before RULE)");
    AddDataOption(add, &a->data);
    add->add_option("NAME", a->rule.name, "the rule's name")->required();
    add->add_option("--to", a->rule.to,
                    "org:ORG-ID, peer:PEER-NAME or peer:PEER-NAME/identity--UUID")
        ->required();
    add->add_option("--sector", a->rule.sector, "victim's (else reporter's) sector");
    add->add_option("--country", a->rule.country, "victim's (else reporter's) country");
    add->add_option("--rsit-class", a->rule.rsit_class, "RSIT class (or a synonym)");
    add->add_option("--before", a->before, "insert before this rule");
    add->callback([a, &ctx] { ctx.exit_code = RunRouteAdd(*a); });
    auto r = std::make_shared<RouteOptions>();
    CLI::App* remove = route->add_subcommand("remove", "Remove a rule");
    AddDataOption(remove, &r->data);
    remove->add_option("NAME", r->rule.name, "the rule's name")->required();
    remove->callback([r, &ctx] { ctx.exit_code = RunRouteRemove(*r); });
    auto d = std::make_shared<RouteOptions>();
    CLI::App* def = route->add_subcommand("default", "Where reports no rule matches go");
    AddDataOption(def, &d->data);
    def->add_option("TARGET", d->target, "org:ORG-ID, peer:PEER-NAME or handlers")->required();
    def->callback([d, &ctx] { ctx.exit_code = RunRouteDefault(*d); });
    auto f = std::make_shared<ForwardOptions>();
    CLI::App* fwd = route->add_subcommand(
        "forward", "Forward routed reports to their organisation as hotline messages");
    AddDataOption(fwd, &f->data);
    fwd->add_option("--collection", f->collection, "the hotline collection (its directory)");
    fwd->add_option("--as", f->as, "the sending organisation: a handler of the intake");
    fwd->add_option("--within", f->within, "time each contact has to acknowledge: 30m, 4h")
        ->capture_default_str();
    fwd->add_flag("--off", f->off, "stop forwarding (routing is then only recorded)");
    fwd->callback([f, &ctx] { ctx.exit_code = RunRouteForward(*f); });
  }
  {
    auto o = std::make_shared<SettingsOptions>();
    CLI::App* cmd = intake->add_subcommand("settings", "Dedupe window and rate limit per reporter");
    AddDataOption(cmd, &o->data);
    cmd->add_option("--dedupe-window", o->window, "seconds (0: no dedupe)");
    cmd->add_option("--rate", o->rate, "reports a second per reporting organisation (0: no limit)");
    cmd->add_option("--burst", o->burst, "reports a reporter may send at once");
    cmd->callback([o, &ctx] { ctx.exit_code = RunSettings(*o); });
  }
}

}  // namespace entente::cli
