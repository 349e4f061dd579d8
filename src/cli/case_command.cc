// `entente case open|invite|update|state|report|attach|show|list`: cross-border incident
// cases (issue 15) on a node's data folder (cases/case_store.h). Every object is written
// through admission/ as the organisation --as names (the admin organisation by default),
// so the policy gate, store ownership and federation apply; `show` and `list` read what
// --as (or --token) may see, the local operator everything.
//
// Exit codes (docs/cli.md): 0 done; 1 refused (not a participant, not the owner, not
// found) or an error; 2 a usage error (an unknown RSIT class, state, stage, time zone...).
#include <sys/stat.h>

#include <boost/json/serialize.hpp>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cases/case_store.h"
#include "cases/nis2.h"
#include "cases/rsit.h"
#include "cli/node_commands.h"
#include "cli/node_record.h"
#include "cli/node_util.h"
#include "common/env.h"
#include "common/timestamp.h"
#include "policy/access.h"

namespace entente::cli {
namespace {

namespace json = boost::json;

struct CaseOptions {
  std::string data;
  std::string collection;
  std::string as;
  std::string token;
  std::string case_id;
  // open
  std::string name, description, rsit_class, rsit_type;
  std::string determination, status;
  int criticality = -1;
  std::vector<std::string> external_impacts;
  std::string tlp = "amber";
  std::vector<std::string> invite;
  std::string nis2_aware;
  // state, report, attach
  std::string state;
  std::string stage;
  std::string at;
  std::string text;
  std::string object;
  // task
  std::string task_id;
  std::string outcome;
  std::vector<std::string> task_types;
  int priority = -1;
  // show, list
  std::string tz;
  std::string now;
  bool json = false;
};

// The node, its collection and the case book on it.
struct Node {
  std::unique_ptr<store::Store> store;
  store::Collection collection;
  std::unique_ptr<cases::CaseBook> book;
};

Result<Node> OpenNode(const CaseOptions& o) {
  Node n;
  auto s = OpenNodeStore(ResolveDataDir(o.data));
  if (!s.ok()) return s.status();
  n.store = std::move(*s);
  auto c = n.store->GetCollection(o.collection);
  if (!c.ok()) {
    if (c.status().code() == StatusCode::kNotFound) {
      return Status::NotFound("unknown collection '" + o.collection +
                              "' (--collection: an id from `entente collection list`)");
    }
    return c.status();
  }
  n.collection = std::move(*c);
  n.book = std::make_unique<cases::CaseBook>(*n.store, n.collection);
  auto record = OpenNodeRecord(ResolveDataDir(o.data));
  if (!record.ok()) return record.status();
  n.book->SetRecord(*record);
  return n;
}

// The organisation acting: --as, else the node's admin organisation.
Result<cases::Actor> ActingAs(store::Store& store, const std::string& as) {
  if (!as.empty()) {
    auto a = cases::ActorFor(store, as);
    if (!a.ok() && a.status().code() == StatusCode::kNotFound) {
      return Status::NotFound(a.status().message() + " (--as: an id from `entente org list`)");
    }
    return a;
  }
  auto orgs = store.ListOrganisations();
  if (!orgs.ok()) return orgs.status();
  for (const auto& org : *orgs) {
    if (org.admin) return cases::ActorFor(store, org.id);
  }
  return Status::NotFound("the node has no admin organisation (--as: name the organisation)");
}

// Input errors are usage errors (2); refusals and failures 1 (io-error 2).
int Refuse(const Status& s) {
  if (s.code() == StatusCode::kInvalidArgument) return UsageError(s.message());
  return Fail(s);
}

// "now", or an RFC 3339 UTC timestamp; 0 for "".
Result<int64_t> ParseTime(const std::string& text, const char* flag) {
  if (text.empty()) return int64_t{0};
  if (text == "now") return SystemClock().NowMicros();
  auto t = ParseTimestamp(text);
  if (!t.ok()) {
    return Status::InvalidArgument(std::string(flag) + ": " + t.status().message() +
                                   " (e.g. 2026-06-01T10:00:00Z, or now)");
  }
  return t->micros;
}

// A time zone name the system knows (an IANA name under /usr/share/zoneinfo). glibc
// reads an unknown TZ as UTC without a word, so unknown names are refused here.
Status CheckZone(const std::string& zone) {
  if (zone.empty()) return Status::Ok();
  if (zone.find("..") != std::string::npos || zone.front() == '/') {
    return Status::InvalidArgument("--tz: not a time zone name: " + zone);
  }
  const char* dir = std::getenv("TZDIR");
  const std::string path = std::string(dir && *dir ? dir : "/usr/share/zoneinfo") + "/" + zone;
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return Status::InvalidArgument("--tz: unknown time zone '" + zone +
                                   "' (an IANA name such as Europe/Paris or Asia/Tokyo)");
  }
  return Status::Ok();
}

// `us` in UTC, and in `zone` too when one is given: "2026-06-02T10:00:00Z (12:00 CEST)".
std::string When(int64_t us, const std::string& zone) {
  std::string out = FormatTimestamp(us, 0);
  if (zone.empty()) return out;
  ::setenv("TZ", zone.c_str(), 1);
  ::tzset();
  std::time_t secs = static_cast<std::time_t>(us / 1'000'000);
  if (us % 1'000'000 < 0) --secs;
  std::tm local{};
  ::localtime_r(&secs, &local);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %Z", &local);
  return out + " (" + buf + ")";
}

// identity id -> local organisation id, for display.
std::map<std::string, std::string> LocalNames(store::Store& store) {
  std::map<std::string, std::string> names;
  auto orgs = store.ListOrganisations();
  if (orgs.ok()) {
    for (const auto& o : *orgs) {
      if (!o.identity_id.empty()) names[o.identity_id] = o.id;
    }
  }
  return names;
}

std::string Who(const std::map<std::string, std::string>& names, const std::string& id) {
  auto it = names.find(id);
  return it == names.end() ? id : it->second + " (" + id + ")";
}

// Local organisation ids or identity ids, as identity ids.
Result<std::vector<std::string>> Identities(store::Store& store,
                                            const std::vector<std::string>& args) {
  std::vector<std::string> out;
  for (const auto& arg : args) {
    for (const auto& w : SplitList(arg)) {
      if (IsIdentityId(w)) {
        out.push_back(w);
        continue;
      }
      auto org = store.GetOrganisation(w);
      if (!org.ok() || org->identity_id.empty()) {
        return Status::InvalidArgument(
            "'" + w +
            "' is neither an identity id (identity--UUID, e.g. an organisation declared on a "
            "peer) nor a local organisation with one");
      }
      out.push_back(org->identity_id);
    }
  }
  return out;
}

int RunOpen(const CaseOptions& o) {
  auto rsit = cases::ClassifyRsit(o.rsit_class, o.rsit_type);
  if (!rsit.ok()) return UsageError("case open: " + rsit.status().message());
  cases::CaseSpec spec;
  spec.name = o.name;
  spec.description = o.description;
  spec.rsit = *rsit;
  if (!o.determination.empty()) spec.determination = o.determination;
  if (!o.status.empty()) spec.investigation_status = o.status;
  if (o.criticality >= 0) spec.criticality = o.criticality;
  for (const auto& list : o.external_impacts) {
    for (auto& e : SplitList(list)) spec.external_impacts.push_back(e);
  }
  if (!policy::ParseTlp(o.tlp, &spec.tlp)) {
    return UsageError("case open: --tlp: one of clear, green, amber, amber+strict, red");
  }
  auto aware = ParseTime(o.nis2_aware, "--nis2-aware");
  if (!aware.ok()) return UsageError("case open: " + aware.status().message());
  if (*aware != 0) spec.nis2_awareness_us = *aware;
  auto node = OpenNode(o);
  if (!node.ok()) return Fail(node.status());
  auto as = ActingAs(*node->store, o.as);
  if (!as.ok()) return Fail(as.status());
  // The organisations to invite are resolved first: nothing is opened for a typo.
  auto invite = Identities(*node->store, o.invite);
  if (!invite.ok()) return UsageError("case open: --invite: " + invite.status().message());
  auto id = node->book->Open(*as, spec);
  if (!id.ok()) return Refuse(id.status());
  if (!invite->empty()) {
    Status s = node->book->Invite(*as, *id, *invite);
    if (!s.ok()) return Refuse(s);
  }
  std::cout << *id << std::endl;
  return kExitOk;
}

int RunInvite(const CaseOptions& o) {
  auto node = OpenNode(o);
  if (!node.ok()) return Fail(node.status());
  auto as = ActingAs(*node->store, o.as);
  if (!as.ok()) return Fail(as.status());
  auto ids = Identities(*node->store, o.invite);
  if (!ids.ok()) return UsageError("case invite: " + ids.status().message());
  Status s = node->book->Invite(*as, o.case_id, *ids);
  if (!s.ok()) return Refuse(s);
  std::cout << "invited " << ids->size() << " organisation(s) to " << o.case_id << std::endl;
  return kExitOk;
}

int RunUpdate(const CaseOptions& o) {
  if (o.determination.empty() && o.status.empty() && o.criticality < 0) {
    return UsageError("case update: give --determination, --status or --criticality");
  }
  auto node = OpenNode(o);
  if (!node.ok()) return Fail(node.status());
  auto as = ActingAs(*node->store, o.as);
  if (!as.ok()) return Fail(as.status());
  std::optional<int> crit;
  if (o.criticality >= 0) crit = o.criticality;
  Status s = node->book->Update(*as, o.case_id, o.determination, o.status, crit);
  if (!s.ok()) return Refuse(s);
  std::cout << "updated " << o.case_id << std::endl;
  return kExitOk;
}

int RunState(const CaseOptions& o) {
  cases::ParticipantState state;
  if (!cases::ParseWritableState(o.state, &state)) {
    return UsageError("case state: unknown state '" + o.state +
                      "' (valid: acknowledged, investigating, contained, closed; 'invited' is "
                      "the state of a participant that wrote none)");
  }
  auto node = OpenNode(o);
  if (!node.ok()) return Fail(node.status());
  auto as = ActingAs(*node->store, o.as);
  if (!as.ok()) return Fail(as.status());
  auto id = node->book->SetState(*as, o.case_id, state, o.text);
  if (!id.ok()) return Refuse(id.status());
  std::cout << *id << std::endl;
  return kExitOk;
}

int RunReport(const CaseOptions& o) {
  cases::Nis2Stage stage;
  if (!cases::ParseNis2Stage(o.stage, &stage)) {
    return UsageError("case report: unknown stage '" + o.stage +
                      "' (valid: early-warning, incident-notification, final-report)");
  }
  auto at = ParseTime(o.at, "--at");
  if (!at.ok()) return UsageError("case report: " + at.status().message());
  auto node = OpenNode(o);
  if (!node.ok()) return Fail(node.status());
  auto as = ActingAs(*node->store, o.as);
  if (!as.ok()) return Fail(as.status());
  auto id = node->book->FileReport(*as, o.case_id, stage, *at, o.text);
  if (!id.ok()) return Refuse(id.status());
  std::cout << *id << std::endl;
  return kExitOk;
}

int RunAttach(const CaseOptions& o) {
  auto node = OpenNode(o);
  if (!node.ok()) return Fail(node.status());
  auto as = ActingAs(*node->store, o.as);
  if (!as.ok()) return Fail(as.status());
  auto id = node->book->Attach(*as, o.case_id, o.object);
  if (!id.ok()) return Refuse(id.status());
  std::cout << *id << std::endl;
  return kExitOk;
}

int RunTask(const CaseOptions& o) {
  auto node = OpenNode(o);
  if (!node.ok()) return Fail(node.status());
  auto as = ActingAs(*node->store, o.as);
  if (!as.ok()) return Fail(as.status());
  if (!o.task_id.empty()) {
    if (o.outcome.empty()) return UsageError("case task --id: give the new --outcome");
    Status s = node->book->SetTaskOutcome(*as, o.case_id, o.task_id, o.outcome);
    if (!s.ok()) return Refuse(s);
    std::cout << o.task_id << std::endl;
    return kExitOk;
  }
  if (o.name.empty()) return UsageError("case task: give --name (a new task) or --id (a change)");
  cases::TaskSpec spec;
  spec.name = o.name;
  spec.description = o.description;
  if (!o.outcome.empty()) spec.outcome = o.outcome;
  for (const auto& list : o.task_types) {
    for (auto& t : SplitList(list)) spec.task_types.push_back(t);
  }
  if (o.priority >= 0) spec.priority = o.priority;
  auto id = node->book->AddTask(*as, o.case_id, spec);
  if (!id.ok()) return Refuse(id.status());
  std::cout << *id << std::endl;
  return kExitOk;
}

json::object ClocksJson(const std::vector<cases::Nis2Clock>& clocks) {
  json::object out;
  for (const auto& c : clocks) {
    json::object j{{"due", FormatTimestamp(c.due_us, 3)},
                   {"status", cases::ClockStatusName(c.status)}};
    if (c.provisional) j["provisional"] = true;
    if (c.submitted_us) j["submitted"] = FormatTimestamp(*c.submitted_us, 3);
    out[cases::Nis2StageName(c.stage)] = std::move(j);
  }
  return out;
}

json::object SnapshotJson(const cases::CaseSnapshot& s, int64_t now_us) {
  const cases::CaseView& v = s.now;
  json::object out{{"id", v.id},
                   {"name", v.name},
                   {"created_by", v.created_by},
                   {"modified", v.version},
                   {"versions", s.versions.size()},
                   {"tlp", policy::TlpName(v.tlp)},
                   {"rsit_class", v.rsit.class_name},
                   {"rsit_type", v.rsit.type_name},
                   {"determination", v.determination},
                   {"investigation_status", v.investigation_status}};
  if (v.criticality) out["criticality"] = *v.criticality;
  json::array impacts;
  for (const auto& i : s.impacts) impacts.emplace_back(i.impact_type);
  out["external_impacts"] = std::move(impacts);
  json::array parts;
  for (const auto& p : s.participants) {
    json::array timeline;
    for (const auto& st : p.states) {
      timeline.emplace_back(json::object{{"state", cases::ParticipantStateName(st.state)},
                                         {"at", FormatTimestamp(st.at_us, 3)},
                                         {"text", st.text}});
    }
    json::object j{{"identity", p.participant},
                   {"state", cases::ParticipantStateName(p.current())},
                   {"timeline", std::move(timeline)}};
    if (p.invited_us) j["invited"] = FormatTimestamp(p.invited_us, 3);
    parts.emplace_back(std::move(j));
  }
  out["participants"] = std::move(parts);
  json::array tasks;
  for (const auto& t : s.tasks) {
    json::object j{{"id", t.id}, {"name", t.name}, {"outcome", t.outcome}};
    if (t.priority) j["priority"] = *t.priority;
    tasks.emplace_back(std::move(j));
  }
  out["tasks"] = std::move(tasks);
  if (v.nis2_awareness_us) {
    out["nis2_awareness"] = FormatTimestamp(*v.nis2_awareness_us, 3);
    out["nis2"] = ClocksJson(cases::Nis2Clocks(*v.nis2_awareness_us, s.submissions, now_us));
  }
  json::array attached;
  for (const auto& a : s.attached) attached.emplace_back(a);
  out["attached"] = std::move(attached);
  json::array ignored;
  for (const auto& i : s.ignored) ignored.emplace_back(i);
  out["ignored"] = std::move(ignored);
  return out;
}

int RunShow(const CaseOptions& o) {
  if (Status s = CheckZone(o.tz); !s.ok()) return UsageError(s.message());
  auto now = ParseTime(o.now.empty() ? "now" : o.now, "--now");
  if (!now.ok()) return UsageError(now.status().message());
  auto node = OpenNode(o);
  if (!node.ok()) return Fail(node.status());
  auto who = RequesterFromFlags(*node->store, o.as, o.token);
  if (!who.ok()) return Fail(who.status());
  auto snap = node->book->Load(*who, o.case_id);
  if (!snap.ok()) return Fail(snap.status());
  if (o.json) {
    std::cout << json::serialize(SnapshotJson(*snap, *now)) << std::endl;
    return kExitOk;
  }
  const auto names = LocalNames(*node->store);
  const cases::CaseView& v = snap->now;
  std::cout << "case " << v.id << ": " << v.name << "\n";
  std::cout << "  opened by     " << Who(names, v.created_by) << " at " << When(v.created_us, o.tz)
            << "\n";
  std::cout << "  RSIT          " << cases::RsitMachineTag(v.rsit) << "\n";
  std::cout << "  determination " << v.determination << ", investigation "
            << v.investigation_status;
  if (v.criticality) std::cout << ", criticality " << *v.criticality;
  std::cout << "\n  TLP           " << policy::TlpName(v.tlp) << ", version " << v.version << " ("
            << snap->versions.size() << " visible)\n";
  if (!snap->impacts.empty()) {
    std::cout << "  external impacts";
    for (const auto& i : snap->impacts) std::cout << " " << i.impact_type;
    std::cout << "\n";
  }
  if (!v.description.empty()) std::cout << "  " << v.description << "\n";
  std::cout << "\nparticipants\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& p : snap->participants) {
    rows.push_back({Who(names, p.participant),
                    std::string(cases::ParticipantStateName(p.current())),
                    p.states.empty() ? (p.invited_us ? When(p.invited_us, o.tz) : "")
                                     : When(p.states.back().at_us, o.tz)});
  }
  PrintTable({"organisation", "state", "since"}, rows);
  std::cout << "\ntimeline\n";
  rows.clear();
  for (const auto& p : snap->participants) {
    if (p.invited_us) {
      rows.push_back({When(p.invited_us, o.tz), Who(names, p.participant),
                      p.participant == v.created_by ? "opened the case" : "invited", ""});
    }
    for (const auto& st : p.states) {
      rows.push_back({When(st.at_us, o.tz), Who(names, p.participant),
                      std::string(cases::ParticipantStateName(st.state)), st.text});
    }
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a[0] < b[0]; });
  PrintTable({"when", "organisation", "state", "note"}, rows);
  if (!snap->tasks.empty()) {
    std::cout << "\ntasks\n";
    rows.clear();
    for (const auto& t : snap->tasks) {
      std::string types;
      for (const auto& k : t.task_types) types += (types.empty() ? "" : ",") + k;
      rows.push_back(
          {t.id, t.outcome, t.priority ? std::to_string(*t.priority) : "", types, t.name});
    }
    PrintTable({"task", "outcome", "priority", "types", "name"}, rows);
  }
  if (v.nis2_awareness_us) {
    std::cout << "\nNIS2 Art. 23(4) clocks, aware since " << When(*v.nis2_awareness_us, o.tz)
              << ", at " << When(*now, o.tz) << "\n";
    rows.clear();
    for (const auto& c : cases::Nis2Clocks(*v.nis2_awareness_us, snap->submissions, *now)) {
      rows.push_back(
          {std::string(cases::Nis2StageName(c.stage)),
           When(c.due_us, o.tz) + (c.provisional ? " (if notified at its deadline)" : ""),
           std::string(cases::ClockStatusName(c.status)),
           c.submitted_us ? When(*c.submitted_us, o.tz) : ""});
    }
    PrintTable({"report", "due", "status", "submitted"}, rows);
  }
  if (!snap->attached.empty()) {
    std::cout << "\nattached\n";
    for (const auto& a : snap->attached) std::cout << "  " << a << "\n";
  }
  if (!snap->ignored.empty()) {
    std::cout << "\nignored\n";
    for (const auto& i : snap->ignored) std::cout << "  " << i << "\n";
  }
  return kExitOk;
}

int RunList(const CaseOptions& o) {
  if (Status s = CheckZone(o.tz); !s.ok()) return UsageError(s.message());
  auto node = OpenNode(o);
  if (!node.ok()) return Fail(node.status());
  auto who = RequesterFromFlags(*node->store, o.as, o.token);
  if (!who.ok()) return Fail(who.status());
  auto list = node->book->List(*who);
  if (!list.ok()) return Fail(list.status());
  if (o.json) {
    json::array out;
    for (const auto& v : *list) {
      out.emplace_back(json::object{{"id", v.id},
                                    {"name", v.name},
                                    {"rsit", cases::RsitMachineTag(v.rsit)},
                                    {"investigation_status", v.investigation_status},
                                    {"created", FormatTimestamp(v.created_us, 3)}});
    }
    std::cout << json::serialize(out) << std::endl;
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& v : *list) {
    rows.push_back({v.id, When(v.created_us, o.tz), cases::RsitMachineTag(v.rsit),
                    v.investigation_status, v.name});
  }
  PrintTable({"case", "opened", "rsit", "status", "name"}, rows);
  return kExitOk;
}

void AddNodeFlags(CLI::App* cmd, CaseOptions* o, bool writes) {
  AddDataOption(cmd, &o->data);
  cmd->add_option("--collection", o->collection, "collection id holding the case")->required();
  if (writes) {
    cmd->add_option("--as", o->as, "the organisation acting (default: the admin organisation)");
  }
}

}  // namespace

void RegisterCaseCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* cs = app.add_subcommand(
      "case",
      "Cross-border incident cases: STIX incidents with the Incident Core Extension, RSIT "
      "classes, participants' states and NIS2 clocks (docs/cases.md)");
  cs->require_subcommand(1);

  auto open = std::make_shared<CaseOptions>();
  CLI::App* cmd = cs->add_subcommand("open", "Open a case; prints its id");
  AddNodeFlags(cmd, open.get(), true);
  cmd->add_option("--name", open->name, "the case's name")->required();
  cmd->add_option("--description", open->description, "what happened");
  cmd->add_option("--rsit-class", open->rsit_class,
                  "RSIT class, e.g. malicious-code, intrusions, availability (required)")
      ->required();
  cmd->add_option("--rsit-type", open->rsit_type, "RSIT type of that class, where known");
  cmd->add_option("--determination", open->determination,
                  "incident-determination-enum (default: suspected)");
  cmd->add_option("--status", open->status, "investigation status: new (default), open, closed");
  cmd->add_option("--criticality", open->criticality, "0-100")->check(CLI::Range(0, 100));
  cmd->add_option("--external-impact", open->external_impacts,
                  "external impacts (comma-separated): national-security, foreign-relations, "
                  "economic, emergency-services, public-confidence, public-health, "
                  "public-safety");
  cmd->add_option("--tlp", open->tlp, "clear, green, amber (default), amber+strict, red");
  cmd->add_option("--invite", open->invite,
                  "organisations to invite at once: local org ids or identity ids");
  cmd->add_option("--nis2-aware", open->nis2_aware,
                  "reported under NIS2: the moment of awareness (RFC 3339 UTC, or now); "
                  "starts the Art. 23(4) clocks");
  cmd->callback([open, &ctx] { ctx.exit_code = RunOpen(*open); });

  auto invite = std::make_shared<CaseOptions>();
  cmd = cs->add_subcommand("invite",
                           "Invite organisations (local org ids, or identity ids of "
                           "organisations on peers) to a case: a new version of it");
  AddNodeFlags(cmd, invite.get(), true);
  cmd->add_option("CASE", invite->case_id, "incident id")->required();
  cmd->add_option("ORG", invite->invite, "org ids or identity ids")->required();
  cmd->callback([invite, &ctx] { ctx.exit_code = RunInvite(*invite); });

  auto update = std::make_shared<CaseOptions>();
  cmd = cs->add_subcommand("update", "Change a case's determination, status or criticality");
  AddNodeFlags(cmd, update.get(), true);
  cmd->add_option("CASE", update->case_id, "incident id")->required();
  cmd->add_option("--determination", update->determination, "incident-determination-enum");
  cmd->add_option("--status", update->status, "new, open, closed");
  cmd->add_option("--criticality", update->criticality, "0-100")->check(CLI::Range(0, 100));
  cmd->callback([update, &ctx] { ctx.exit_code = RunUpdate(*update); });

  auto state = std::make_shared<CaseOptions>();
  cmd = cs->add_subcommand("state",
                           "Set your organisation's own state on a case: acknowledged, "
                           "investigating, contained, closed");
  AddNodeFlags(cmd, state.get(), true);
  cmd->add_option("CASE", state->case_id, "incident id")->required();
  cmd->add_option("STATE", state->state, "acknowledged, investigating, contained, closed")
      ->required();
  cmd->add_option("--note", state->text, "a line for the timeline");
  cmd->callback([state, &ctx] { ctx.exit_code = RunState(*state); });

  auto report = std::make_shared<CaseOptions>();
  cmd = cs->add_subcommand("report",
                           "Record a NIS2 report submitted for the case (by the organisation "
                           "that opened it): early-warning, incident-notification, final-report");
  AddNodeFlags(cmd, report.get(), true);
  cmd->add_option("CASE", report->case_id, "incident id")->required();
  cmd->add_option("STAGE", report->stage, "early-warning, incident-notification, final-report")
      ->required();
  cmd->add_option("--at", report->at, "when it was submitted (RFC 3339 UTC; default now)");
  cmd->add_option("--text", report->text, "the report's content");
  cmd->callback([report, &ctx] { ctx.exit_code = RunReport(*report); });

  auto task = std::make_shared<CaseOptions>();
  cmd = cs->add_subcommand("task",
                           "Add a task to a case (the Incident Extension Suite's Task object), "
                           "or change a task's outcome with --id");
  AddNodeFlags(cmd, task.get(), true);
  cmd->add_option("CASE", task->case_id, "incident id")->required();
  cmd->add_option("--name", task->name, "a new task's name");
  cmd->add_option("--description", task->description, "what is to be done");
  cmd->add_option("--type", task->task_types,
                  "task-type-ov values (comma-separated), e.g. containment, eradication, "
                  "victim-notification");
  cmd->add_option("--priority", task->priority, "0-100")->check(CLI::Range(0, 100));
  cmd->add_option("--id", task->task_id, "an existing task of the case, to change its outcome");
  cmd->add_option("--outcome", task->outcome,
                  "cancelled, failed, ongoing, pending (default for a new task), successful, "
                  "unknown");
  cmd->callback([task, &ctx] { ctx.exit_code = RunTask(*task); });

  auto attach = std::make_shared<CaseOptions>();
  cmd = cs->add_subcommand("attach",
                           "Attach an indicator, sighting, report or note to a case (a STIX "
                           "relationship)");
  AddNodeFlags(cmd, attach.get(), true);
  cmd->add_option("CASE", attach->case_id, "incident id")->required();
  cmd->add_option("OBJECT", attach->object, "the object's id")->required();
  cmd->callback([attach, &ctx] { ctx.exit_code = RunAttach(*attach); });

  auto show = std::make_shared<CaseOptions>();
  cmd = cs->add_subcommand("show",
                           "A case as an organisation sees it: properties, each participant's "
                           "state and timeline, NIS2 clocks");
  AddNodeFlags(cmd, show.get(), false);
  cmd->add_option("CASE", show->case_id, "incident id")->required();
  CLI::Option* as = cmd->add_option("--as", show->as,
                                    "organisation id (default: the local operator, who sees all)");
  cmd->add_option("--token", show->token, "token id: what its holder sees")->excludes(as);
  cmd->add_option("--tz", show->tz, "also show times in this zone (IANA name, e.g. Europe/Paris)");
  cmd->add_option("--now", show->now,
                  "compute the clocks at this time (RFC 3339 UTC; default now)");
  cmd->add_flag("--json", show->json, "the case as JSON");
  cmd->callback([show, &ctx] { ctx.exit_code = RunShow(*show); });

  auto list = std::make_shared<CaseOptions>();
  cmd = cs->add_subcommand("list", "The cases an organisation may see in a collection");
  AddNodeFlags(cmd, list.get(), false);
  as = cmd->add_option("--as", list->as,
                       "organisation id (default: the local operator, who sees all)");
  cmd->add_option("--token", list->token, "token id: what its holder sees")->excludes(as);
  cmd->add_option("--tz", list->tz, "also show times in this zone (IANA name)");
  cmd->add_flag("--json", list->json, "the list as JSON");
  cmd->callback([list, &ctx] { ctx.exit_code = RunList(*list); });
}

}  // namespace entente::cli
