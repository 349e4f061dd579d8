// `entente hotline`: messages to points of contact that must be acknowledged in time,
// escalation, ping tests and reachability (issue 15; docs/cases.md, "Hotline").
//
//   entente hotline send --as ORG --collection ID (--to CONTACT | --org IDENTITY [--role R])
//                        --subject TEXT [--body TEXT] --within DURATION [--tlp amber|amber+strict]
//                        [--about ID]
//   entente hotline ping --as ORG --collection ID (--to CONTACT | --org IDENTITY) --within D
//   entente hotline ack MESSAGE-ID --as ORG --collection ID [--contact CONTACT] [--note TEXT]
//   entente hotline inbox --collection ID [--as ORG] [--sent] [--tz ZONE] [--json]
//   entente hotline status MESSAGE-ID --collection ID [--tz ZONE] [--json]
//   entente hotline stats --collection ID [--as ORG] [--json]
//   entente hotline tick [--collection ID]
#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "cases/hotline.h"
#include "cli/command.h"
#include "cli/hotline_loop.h"
#include "cli/node_util.h"
#include "common/env.h"
#include "common/timestamp.h"

namespace entente::cli {
namespace {

struct HotlineOptions {
  std::string data, as, collection, to, org, role, subject, body, within, tlp = "amber", about;
  std::string message, contact, note, tz;
  bool json = false;
  bool sent = false;  // inbox --sent: the messages this node's organisations sent
};

// What every subcommand opens: the store, the collection, the parties, the directory.
struct Node {
  std::unique_ptr<store::Store> store;
  store::Collection collection;
  cases::NodeParties parties;
  std::vector<cases::Contact> contacts;
  std::map<std::string, std::string> names;  // contact id -> name; identity -> org name

  std::string Name(const std::string& id) const {
    auto it = names.find(id);
    return it == names.end() ? id : id + " (" + it->second + ")";
  }
};

Result<Node> OpenNode(const HotlineOptions& o) {
  Node n;
  auto store = OpenNodeStore(ResolveDataDir(o.data));
  if (!store.ok()) return store.status();
  n.store = std::move(*store);
  auto collection = n.store->GetCollection(o.collection);
  if (!collection.ok()) {
    return Status::NotFound("unknown collection '" + o.collection + "' (--collection)");
  }
  n.collection = std::move(*collection);
  auto parties = LoadParties(*n.store);
  if (!parties.ok()) return parties.status();
  n.parties = std::move(*parties);
  auto contacts = cases::ListContacts(*n.store, n.collection.id, n.parties, {});
  if (!contacts.ok()) return contacts.status();
  n.contacts = std::move(*contacts);
  for (const auto& c : n.contacts) n.names[c.id] = c.name;
  for (const auto& org : n.parties.orgs) {
    if (!org.identity_id.empty()) n.names[org.identity_id] = org.id;
  }
  return n;
}

Result<store::Organisation> LocalOrg(const Node& n, const std::string& id) {
  for (const auto& org : n.parties.orgs) {
    if (org.id == id) return org;
  }
  return Status::NotFound("unknown organisation '" + id +
                          "' (--as: an organisation of this node; a node sends only as the "
                          "organisations that live on it)");
}

// Every hotline message of the node's collection, with its state now.
Result<std::vector<cases::MessageState>> MessagesNow(const Node& n) {
  return cases::LoadMessages(*n.store, n.collection.id, n.parties, SystemClock().NowMicros());
}

// The identity of the organisation --as names, or "" without --as (every organisation).
Result<std::string> IdentityOfAs(const Node& n, const std::string& as) {
  if (as.empty()) return std::string();
  auto org = LocalOrg(n, as);
  if (!org.ok()) return org.status();
  return org->identity_id;
}

// The contacts a send or a ping goes to: the contact --to names; or of the organisation
// --org names (with --role), its first one (office hours before 24/7, then by rank), or
// every one when `all`.
Result<std::vector<cases::Contact>> Targets(const Node& n, const HotlineOptions& o, bool all) {
  if (o.to.empty() == o.org.empty()) {
    return Status::InvalidArgument("give --to CONTACT or --org IDENTITY (one of them)");
  }
  std::vector<cases::Contact> out;
  for (const auto& c : n.contacts) {
    const bool wanted = !o.to.empty()
                            ? c.id == o.to
                            : c.org_identity == o.org &&
                                  (o.role.empty() || cases::ContactRoleName(c.role) == o.role);
    if (wanted) out.push_back(c);
  }
  if (out.empty()) {
    return Status::NotFound(!o.to.empty()
                                ? "no contact " + o.to + " in the directory of this collection"
                                : "organisation " + o.org +
                                      " has no contact in the directory of this collection "
                                      "(`entente contact list`)");
  }
  std::sort(out.begin(), out.end(), [](const cases::Contact& a, const cases::Contact& b) {
    return std::tie(a.always_on, a.rank, a.name) < std::tie(b.always_on, b.rank, b.name);
  });
  if (!all) out.resize(1);
  return out;
}

int FailOrUsage(const Status& s) {
  return s.code() == StatusCode::kInvalidArgument ? UsageError(s.message()) : Fail(s);
}

// Checks --tz when given.
Status CheckTz(const HotlineOptions& o) {
  return o.tz.empty() ? Status::Ok() : CheckTimeZone(o.tz);
}

int RunSend(const HotlineOptions& o, cases::MessageKind kind) {
  if (Status s = CheckTz(o); !s.ok()) return UsageError(s.message());
  auto within = ParseDuration(o.within);
  if (!within.ok()) return UsageError("--within: " + within.status().message());
  policy::Tlp tlp;
  if (!policy::ParseTlp(o.tlp, &tlp)) return UsageError("--tlp: amber or amber+strict");
  auto n = OpenNode(o);
  if (!n.ok()) return Fail(n.status());
  auto from = LocalOrg(*n, o.as);
  if (!from.ok()) return Fail(from.status());
  auto targets = Targets(*n, o, kind == cases::MessageKind::kPing && o.to.empty());
  if (!targets.ok()) return FailOrUsage(targets.status());
  for (const cases::Contact& to : *targets) {
    cases::SendRequest r;
    r.kind = kind;
    r.to = to;
    r.chain = kind == cases::MessageKind::kPing ? std::vector<cases::Contact>{to}
                                                : cases::EscalationChain(to, n->contacts);
    r.subject = kind == cases::MessageKind::kPing && o.subject.empty()
                    ? "Ping test: please acknowledge"
                    : o.subject;
    r.body = o.body;
    r.about = o.about;
    r.ack_within_us = *within;
    r.tlp = tlp;
    auto m = cases::Send(*n->store, n->collection, n->parties, *from, r, "note--" + NewUuid4(),
                         SystemClock().NowMicros());
    if (!m.ok()) return FailOrUsage(m.status());
    std::cout << m->id << "\n";
    std::cerr << (kind == cases::MessageKind::kPing ? "ping" : "message") << " to "
              << n->Name(to.id) << " of " << n->Name(m->to) << ": acknowledge by "
              << ShowTime(m->DeadlineOf(0), o.tz);
    if (m->chain.size() > 1) {
      std::cerr << "; then escalates to";
      for (size_t k = 1; k < m->chain.size(); ++k) {
        std::cerr << (k > 1 ? "," : "") << " " << n->Name(m->chain[k]);
      }
    }
    std::cerr << std::endl;
  }
  return kExitOk;
}

int RunAck(const HotlineOptions& o) {
  if (Status s = CheckTz(o); !s.ok()) return UsageError(s.message());
  auto n = OpenNode(o);
  if (!n.ok()) return Fail(n.status());
  auto by = LocalOrg(*n, o.as);
  if (!by.ok()) return Fail(by.status());
  std::string contact = o.contact;
  if (contact.empty()) {
    // The contact the message is with now.
    auto all = MessagesNow(*n);
    if (!all.ok()) return Fail(all.status());
    for (const auto& st : *all) {
      if (st.message.id == o.message) contact = st.message.chain[st.current];
    }
  }
  auto r = cases::Acknowledge(*n->store, n->collection, n->parties, *by, o.message, contact, o.note,
                              "note--" + NewUuid4(), SystemClock().NowMicros());
  if (!r.ok()) return FailOrUsage(r.status());
  std::cout << r->id << "\n";
  std::cerr << "acknowledged " << o.message << " as " << by->id << " at "
            << ShowTime(r->at_us, o.tz) << std::endl;
  return kExitOk;
}

boost::json::object StateJson(const cases::MessageState& st) {
  const cases::Message& m = st.message;
  boost::json::object j;
  j["id"] = m.id;
  j["kind"] = m.kind == cases::MessageKind::kPing ? "ping" : "request";
  j["from"] = m.from;
  j["to"] = m.to;
  j["subject"] = m.subject;
  j["sent"] = FormatTimestamp(m.sent_us, 3);
  j["phase"] = cases::PhaseName(st.phase);
  j["contact"] = m.chain[st.current];
  j["deadline"] = FormatTimestamp(st.deadline_us, 3);
  j["delivered"] = st.delivered;
  j["acknowledged"] = st.acknowledged;
  if (st.acknowledged) {
    j["acknowledged_at"] = FormatTimestamp(st.ack_us, 3);
    j["ack_in_time"] = st.ack_in_time;
  }
  boost::json::array steps;
  for (const auto& s : st.steps) {
    boost::json::object step;
    step["what"] = cases::StepName(s.what);
    step["at"] = FormatTimestamp(s.at_us, 3);
    step["by"] = s.by;
    if (!s.contact.empty()) step["contact"] = s.contact;
    if (s.deadline_us != 0) step["deadline"] = FormatTimestamp(s.deadline_us, 3);
    if (!s.detail.empty()) step["detail"] = s.detail;
    steps.push_back(std::move(step));
  }
  j["steps"] = std::move(steps);
  return j;
}

int RunStatus(const HotlineOptions& o) {
  if (Status s = CheckTz(o); !s.ok()) return UsageError(s.message());
  auto n = OpenNode(o);
  if (!n.ok()) return Fail(n.status());
  auto all = MessagesNow(*n);
  if (!all.ok()) return Fail(all.status());
  for (const auto& st : *all) {
    if (st.message.id != o.message) continue;
    if (o.json) {
      std::cout << boost::json::serialize(StateJson(st)) << "\n";
      return kExitOk;
    }
    const cases::Message& m = st.message;
    std::cout << "message  " << m.id << "\n"
              << "kind     " << (m.kind == cases::MessageKind::kPing ? "ping" : "request") << "\n"
              << "from     " << n->Name(m.from) << "\n"
              << "to       " << n->Name(m.to) << "\n"
              << "subject  " << m.subject << "\n"
              << "state    " << cases::PhaseName(st.phase);
    if (st.acknowledged) {
      std::cout << " at " << ShowTime(st.ack_us, o.tz)
                << (st.ack_in_time ? " (in time)" : " (late)");
    } else {
      std::cout << ": with " << n->Name(m.chain[st.current]) << ", deadline "
                << ShowTime(st.deadline_us, o.tz);
    }
    std::cout << "\n";
    for (const auto& s : st.steps) {
      std::cout << "  " << ShowTime(s.at_us, o.tz) << "  " << cases::StepName(s.what) << "  by "
                << n->Name(s.by);
      if (!s.contact.empty()) std::cout << "  contact " << n->Name(s.contact);
      if (s.deadline_us != 0) std::cout << "  deadline " << ShowTime(s.deadline_us, o.tz);
      if (!s.detail.empty()) std::cout << "  (" << s.detail << ")";
      std::cout << "\n";
    }
    return kExitOk;
  }
  PrintError("no hotline message " + o.message + " in collection " + o.collection);
  return kExitNo;
}

int RunInbox(const HotlineOptions& o) {
  if (Status s = CheckTz(o); !s.ok()) return UsageError(s.message());
  auto n = OpenNode(o);
  if (!n.ok()) return Fail(n.status());
  auto only = IdentityOfAs(*n, o.as);
  if (!only.ok()) return Fail(only.status());
  auto all = MessagesNow(*n);
  if (!all.ok()) return Fail(all.status());
  std::vector<std::vector<std::string>> rows;
  for (const auto& st : *all) {
    const cases::Message& m = st.message;
    const std::string& party = o.sent ? m.from : m.to;
    if (!only->empty() ? party != *only
                       : cases::LocalOrgWithIdentity(n->parties, party) == nullptr) {
      continue;
    }
    if (o.json) {
      std::cout << boost::json::serialize(StateJson(st)) << "\n";
      continue;
    }
    rows.push_back({m.id, m.kind == cases::MessageKind::kPing ? "ping" : "request", n->Name(m.from),
                    n->Name(m.chain[st.current]), ShowTime(st.deadline_us, o.tz),
                    std::string(cases::PhaseName(st.phase)), m.subject});
  }
  if (!o.json) {
    PrintTable({"id", "kind", o.sent ? "to" : "from", "with", "deadline", "state", "subject"},
               rows);
  }
  return kExitOk;
}

std::string Seconds(int64_t us) {
  if (us < 0) return "-";
  return std::to_string(us / 1'000'000) + "s";
}

int RunStats(const HotlineOptions& o) {
  auto n = OpenNode(o);
  if (!n.ok()) return Fail(n.status());
  auto only = IdentityOfAs(*n, o.as);
  if (!only.ok()) return Fail(only.status());
  auto all = MessagesNow(*n);
  if (!all.ok()) return Fail(all.status());
  std::vector<cases::MessageState> sent;
  for (auto& st : *all) {
    if (only->empty() || st.message.from == *only) sent.push_back(std::move(st));
  }
  std::vector<std::vector<std::string>> rows;
  for (const cases::ReachStats& s : cases::ComputeStats(sent)) {
    const char* kind = s.kind == cases::MessageKind::kPing ? "ping" : "request";
    if (o.json) {
      boost::json::object j{
          {"organization", s.org},
          {"kind", kind},
          {"sent", s.sent},
          {"delivered", s.delivered},
          {"acknowledged", s.acknowledged},
          {"in_time", s.in_time},
          {"escalated", s.escalated},
          {"ack_rate", s.sent > 0 ? double(s.acknowledged) / double(s.sent) : 0.0}};
      if (!s.contact.empty()) j["contact"] = s.contact;
      if (s.median_ack_us >= 0) {
        j["median_ack_seconds"] = double(s.median_ack_us) / 1e6;
        j["max_ack_seconds"] = double(s.max_ack_us) / 1e6;
      }
      std::cout << boost::json::serialize(j) << "\n";
      continue;
    }
    rows.push_back({n->Name(s.org), kind, s.contact.empty() ? "-" : n->Name(s.contact),
                    std::to_string(s.sent), std::to_string(s.delivered),
                    std::to_string(s.acknowledged), std::to_string(s.in_time),
                    std::to_string(s.escalated),
                    std::to_string(s.sent > 0 ? 100 * s.acknowledged / s.sent : 0) + "%",
                    Seconds(s.median_ack_us), Seconds(s.max_ack_us)});
  }
  if (!o.json) {
    PrintTable({"organisation", "kind", "contact", "sent", "delivered", "acked", "in time",
                "escalated", "ack rate", "median ack", "max ack"},
               rows);
  }
  return kExitOk;
}

int RunTick(const HotlineOptions& o) {
  auto store = OpenNodeStore(ResolveDataDir(o.data));
  if (!store.ok()) return Fail(store.status());
  cases::IntakeForwarder forwarder(**store);
  auto round =
      RunRound(**store, ResolveDataDir(o.data), SystemClock().NowMicros(), forwarder, o.collection);
  if (!round.ok()) return Fail(round.status());
  for (const auto& p : round->problems) PrintError("hotline tick: " + p);
  std::cout << "deliveries " << round->tick.deliveries << ", escalations "
            << round->tick.escalations << ", scheduled pings " << round->pings
            << ", intake forwarded " << round->forward.forwarded << ", not forwarded "
            << round->forward.withheld << ", waiting " << round->forward.waiting << std::endl;
  // Problems of the tick itself fail it; pings and forwards that wait are reported above.
  return round->tick.problems.empty() ? kExitOk : kExitNo;
}

// DATA/hotline-pings.json, written atomically (a temporary file renamed over it).
Status WriteSchedules(const std::string& data, const std::vector<cases::PingSchedule>& all) {
  return WriteFileAtomically(ResolveDataDir(data) + "/" + std::string(cases::kPingScheduleFile),
                             boost::json::serialize(cases::PingSchedulesToJson(all)) + "\n");
}

struct ScheduleOptions {
  HotlineOptions h;
  std::string name, every;
};

int RunScheduleAdd(const ScheduleOptions& o) {
  auto every = ParseDuration(o.every);
  if (!every.ok()) return UsageError("--every: " + every.status().message());
  auto within = ParseDuration(o.h.within);
  if (!within.ok()) return UsageError("--within: " + within.status().message());
  cases::PingSchedule s;
  s.name = o.name;
  s.as = o.h.as;
  s.collection = o.h.collection;
  s.contact = o.h.to;
  s.org = o.h.org;
  s.role = o.h.role;
  s.every_seconds = *every / 1'000'000;
  s.within_seconds = *within / 1'000'000;
  if (Status st = cases::CheckPingSchedule(s); !st.ok()) return UsageError(st.message());
  auto n = OpenNode(o.h);
  if (!n.ok()) return Fail(n.status());
  if (auto from = LocalOrg(*n, o.h.as); !from.ok()) return Fail(from.status());
  auto targets = Targets(*n, o.h, true);
  if (!targets.ok()) return FailOrUsage(targets.status());
  auto all = ReadPingSchedules(ResolveDataDir(o.h.data));
  if (!all.ok()) return Fail(all.status());
  for (const auto& existing : *all) {
    if (existing.name == s.name) return UsageError("a schedule named " + s.name + " exists");
  }
  all->push_back(s);
  if (Status st = WriteSchedules(o.h.data, *all); !st.ok()) return Fail(st);
  std::cout << "schedule " << s.name << " added: " << targets->size() << " contact(s) pinged every "
            << s.every_seconds << " s\n";
  return kExitOk;
}

int RunScheduleList(const ScheduleOptions& o) {
  auto all = ReadPingSchedules(ResolveDataDir(o.h.data));
  if (!all.ok()) return Fail(all.status());
  if (o.h.json) {
    std::cout << boost::json::serialize(cases::PingSchedulesToJson(*all)) << "\n";
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& s : *all) {
    rows.push_back({s.name, s.as, s.collection,
                    !s.contact.empty() ? s.contact : s.org + (s.role.empty() ? "" : " " + s.role),
                    std::to_string(s.every_seconds) + "s", std::to_string(s.within_seconds) + "s"});
  }
  PrintTable({"name", "as", "collection", "pinged", "every", "within"}, rows);
  return kExitOk;
}

int RunScheduleRemove(const ScheduleOptions& o) {
  auto all = ReadPingSchedules(ResolveDataDir(o.h.data));
  if (!all.ok()) return Fail(all.status());
  auto at = std::find_if(all->begin(), all->end(),
                         [&](const cases::PingSchedule& s) { return s.name == o.name; });
  if (at == all->end()) return Fail(Status::NotFound("no schedule named " + o.name));
  all->erase(at);
  if (Status st = WriteSchedules(o.h.data, *all); !st.ok()) return Fail(st);
  std::cout << "schedule " << o.name << " removed\n";
  return kExitOk;
}

void AddCommon(CLI::App* cmd, HotlineOptions* o, bool collection_required = true) {
  AddDataOption(cmd, &o->data);
  CLI::Option* c = cmd->add_option("--collection", o->collection, "collection id");
  if (collection_required) c->required();
}

}  // namespace

void RegisterHotlineCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* hotline = app.add_subcommand(
      "hotline", "Messages to points of contact that must be acknowledged in time");
  hotline->require_subcommand(1);

  auto s = std::make_shared<HotlineOptions>();
  CLI::App* send = hotline->add_subcommand("send", "Send a message that must be acknowledged");
  AddCommon(send, s.get());
  send->add_option("--as", s->as, "the sending organisation (lives on this node)")->required();
  send->add_option("--to", s->to, "the contact's identity id");
  send->add_option("--org", s->org, "or an organisation's identity id: its first contact");
  send->add_option("--role", s->role, "with --org: policy or technical");
  send->add_option("--subject", s->subject, "what it is about")->required();
  send->add_option("--body", s->body, "the message");
  send->add_option("--within", s->within, "time each contact has to acknowledge: 90s, 30m, 2h")
      ->required();
  send->add_option("--tlp", s->tlp, "amber or amber+strict")->capture_default_str();
  send->add_option("--about", s->about, "the object it concerns, e.g. a case's incident id");
  send->add_option("--tz", s->tz, "also show times in this IANA zone");
  send->callback([s, &ctx] { ctx.exit_code = RunSend(*s, cases::MessageKind::kRequest); });

  auto p = std::make_shared<HotlineOptions>();
  CLI::App* ping = hotline->add_subcommand(
      "ping", "Reachability test: a message each contact must acknowledge (no escalation)");
  AddCommon(ping, p.get());
  ping->add_option("--as", p->as, "the sending organisation")->required();
  ping->add_option("--to", p->to, "one contact's identity id");
  ping->add_option("--org", p->org, "or an organisation's identity id: every contact of it");
  ping->add_option("--role", p->role, "with --org: policy or technical");
  ping->add_option("--within", p->within, "time to acknowledge: 90s, 30m, 2h")->required();
  ping->add_option("--subject", p->subject, "default: Ping test: please acknowledge");
  ping->add_option("--tz", p->tz, "also show times in this IANA zone");
  ping->callback([p, &ctx] { ctx.exit_code = RunSend(*p, cases::MessageKind::kPing); });

  auto a = std::make_shared<HotlineOptions>();
  CLI::App* ack = hotline->add_subcommand("ack", "Acknowledge a message to ORG");
  AddCommon(ack, a.get());
  ack->add_option("MESSAGE-ID", a->message, "note--...")->required();
  ack->add_option("--as", a->as, "the addressee organisation")->required();
  ack->add_option("--contact", a->contact, "who acknowledges (default: the current contact)");
  ack->add_option("--note", a->note, "a word to the sender");
  ack->add_option("--tz", a->tz, "also show times in this IANA zone");
  ack->callback([a, &ctx] { ctx.exit_code = RunAck(*a); });

  auto i = std::make_shared<HotlineOptions>();
  CLI::App* inbox = hotline->add_subcommand("inbox", "Messages to this node's organisations");
  AddCommon(inbox, i.get());
  inbox->add_option("--as", i->as, "only those to (with --sent: from) this organisation");
  inbox->add_flag("--sent", i->sent, "the messages this node's organisations sent instead");
  inbox->add_option("--tz", i->tz, "also show times in this IANA zone");
  inbox->add_flag("--json", i->json, "one JSON object per message");
  inbox->callback([i, &ctx] { ctx.exit_code = RunInbox(*i); });

  auto st = std::make_shared<HotlineOptions>();
  CLI::App* status = hotline->add_subcommand("status", "Every step of one message");
  AddCommon(status, st.get());
  status->add_option("MESSAGE-ID", st->message, "note--...")->required();
  status->add_option("--tz", st->tz, "also show times in this IANA zone");
  status->add_flag("--json", st->json, "as one JSON object");
  status->callback([st, &ctx] { ctx.exit_code = RunStatus(*st); });

  auto sa = std::make_shared<HotlineOptions>();
  CLI::App* stats = hotline->add_subcommand(
      "stats", "Acknowledgement rate and times per organisation (pings per contact)");
  AddCommon(stats, sa.get());
  stats->add_option("--as", sa->as, "only messages sent by this organisation");
  stats->add_flag("--json", sa->json, "one JSON object per row");
  stats->callback([sa, &ctx] { ctx.exit_code = RunStats(*sa); });

  auto t = std::make_shared<HotlineOptions>();
  CLI::App* tick = hotline->add_subcommand(
      "tick", "Record deliveries and due escalations now (what `serve` does periodically)");
  AddCommon(tick, t.get(), /*collection_required=*/false);
  tick->callback([t, &ctx] { ctx.exit_code = RunTick(*t); });

  CLI::App* schedule = hotline->add_subcommand(
      "schedule", "Periodic pings `serve` sends itself (DATA/hotline-pings.json)");
  schedule->require_subcommand(1);
  auto sa2 = std::make_shared<ScheduleOptions>();
  CLI::App* sadd = schedule->add_subcommand("add",
                                            "Ping a contact, or an organisation's contacts, "
                                            "every DURATION");
  AddCommon(sadd, &sa2->h);
  sadd->add_option("NAME", sa2->name, "the schedule's name ([a-z0-9._-])")->required();
  sadd->add_option("--as", sa2->h.as, "the sending organisation")->required();
  sadd->add_option("--to", sa2->h.to, "one contact's identity id");
  sadd->add_option("--org", sa2->h.org, "or an organisation's identity id: every contact of it");
  sadd->add_option("--role", sa2->h.role, "with --org: policy or technical");
  sadd->add_option("--every", sa2->every, "how often: 30m, 1d")->required();
  sadd->add_option("--within", sa2->h.within, "time to acknowledge each ping: 15m")->required();
  sadd->callback([sa2, &ctx] { ctx.exit_code = RunScheduleAdd(*sa2); });
  auto sl = std::make_shared<ScheduleOptions>();
  CLI::App* slist = schedule->add_subcommand("list", "The ping schedules");
  AddDataOption(slist, &sl->h.data);
  slist->add_flag("--json", sl->h.json, "the file's JSON");
  slist->callback([sl, &ctx] { ctx.exit_code = RunScheduleList(*sl); });
  auto sr = std::make_shared<ScheduleOptions>();
  CLI::App* sremove = schedule->add_subcommand("remove", "Remove a ping schedule");
  AddDataOption(sremove, &sr->h.data);
  sremove->add_option("NAME", sr->name, "the schedule's name")->required();
  sremove->callback([sr, &ctx] { ctx.exit_code = RunScheduleRemove(*sr); });
}

}  // namespace entente::cli
