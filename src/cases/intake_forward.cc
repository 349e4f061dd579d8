#include "cases/intake_forward.h"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <tuple>

#include "cases/contact.h"
#include "cases/hotline.h"
#include "cases/intake_desk.h"
#include "common/timestamp.h"
#include "stix/stix.h"

namespace entente::cases {

namespace {

constexpr int64_t kSecond = 1'000'000;

const boost::json::object* IntakeExtension(const boost::json::object& obj) {
  const auto* exts = obj.if_contains("extensions");
  if (exts == nullptr || !exts->is_object()) return nullptr;
  const auto* ext = exts->get_object().if_contains(kIntakeExtensionId);
  if (ext == nullptr || !ext->is_object()) return nullptr;
  return &ext->get_object();
}

int64_t TimeOf(const boost::json::object& o, std::string_view key) {
  auto ts = ParseTimestamp(JsonString(o, key));
  return ts.ok() ? ts->micros : 0;
}

// Where a ticket goes: the target organisation's identity, or why it cannot be told yet.
struct Target {
  std::string identity;
  std::string waiting;  // non-empty: not resolvable now (tried again next round)
};

Target ResolveTarget(const NodeParties& parties, std::string_view to) {
  Target t;
  if (to.starts_with("org:")) {
    const std::string_view id = to.substr(4);
    for (const auto& o : parties.orgs) {
      if (o.id == id) t.identity = o.identity_id;
    }
    if (t.identity.empty()) {
      t.waiting = "organisation " + std::string(id) + " of " + std::string(to) +
                  " is not an organisation of this node (or has no STIX identity)";
    }
    return t;
  }
  std::string_view name = to.substr(5);
  std::string_view identity;
  if (const size_t slash = name.find('/'); slash != std::string_view::npos) {
    identity = name.substr(slash + 1);
    name = name.substr(0, slash);
  }
  const store::Peer* peer = nullptr;
  for (const auto& p : parties.peers) {
    if (p.name == name) peer = &p;
  }
  if (peer == nullptr) {
    t.waiting = "no peer named " + std::string(name) + " (`entente peer add`)";
    return t;
  }
  if (!identity.empty()) {
    if (std::find(peer->recipients.begin(), peer->recipients.end(), identity) ==
        peer->recipients.end()) {
      t.waiting = std::string(identity) + " is not declared to live on peer " + std::string(name) +
                  " (`entente peer add --recipient`)";
      return t;
    }
    t.identity = std::string(identity);
    return t;
  }
  if (peer->recipients.size() != 1) {
    t.waiting = "peer " + std::string(name) + " declares " +
                std::to_string(peer->recipients.size()) +
                " organisations: name one as peer:" + std::string(name) + "/identity--UUID";
    return t;
  }
  t.identity = peer->recipients.front();
  return t;
}

std::string Body(const std::string& ticket, const std::string& rule, int64_t received_us,
                 const IntakeReport& r) {
  std::string b = "An intake report received on " + FormatTimestamp(received_us, 3) +
                  " was routed to your organisation (rule " + rule + ").\nTicket: " + ticket +
                  "\nRSIT: " + r.rsit.class_name +
                  (r.rsit.type_name.empty() ? "" : "/" + r.rsit.type_name) +
                  "\nSeverity: " + std::string(SeverityName(r.severity)) +
                  "\nTLP of the report: " + std::string(policy::TlpName(r.tlp));
  if (r.nis2) {
    b += "\nReported under NIS2 Art. 23";
    if (r.aware_at_us != 0) b += ", aware since " + FormatTimestamp(r.aware_at_us, 3);
  }
  if (!r.victim.empty()) {
    b += "\nVictim: " + r.victim.organisation;
    if (!r.victim.sector.empty()) b += ", sector " + r.victim.sector;
    if (!r.victim.country.empty()) b += ", " + r.victim.country;
  }
  if (!r.observables.empty()) {
    b += "\nObservables:";
    for (const auto& o : r.observables) b += "\n  " + o.type + " " + o.value;
  }
  if (!r.title.empty()) b += "\nTitle: " + r.title;
  b += "\n\n" + r.description;
  return b;
}

// The note that records a ticket's forwarding outcome on the ticket, deterministic in every
// property (its time is the message's, or the ticket's receipt when nothing was sent).
boost::json::object OutcomeNote(const std::string& api_root, const std::string& ticket,
                                const std::string& creator, const std::vector<std::string>& recips,
                                std::string_view state, int64_t at_us, std::string_view message,
                                std::string_view to, std::string_view collection,
                                std::string_view reason) {
  boost::json::object ext{
      {"extension_type", "property-extension"}, {"ticket", ticket}, {"state", std::string(state)}};
  if (!message.empty()) ext["message_ref"] = std::string(message);
  if (!to.empty()) ext["forwarded_to"] = std::string(to);
  if (!collection.empty()) ext["forward_collection"] = std::string(collection);
  if (!reason.empty()) ext["reason"] = std::string(reason);
  boost::json::object exts;
  exts[policy::kAudienceExtensionId] = AudienceExtension(recips);
  exts[kIntakeExtensionId] = std::move(ext);
  const std::string when = FormatTimestamp(at_us, 3);
  boost::json::object note;
  note["type"] = "note";
  note["spec_version"] = "2.1";
  note["id"] = ForwardNoteId(api_root, ticket);
  note["created"] = when;
  note["modified"] = when;
  note["created_by_ref"] = creator;
  note["content"] = state == "forwarded" ? "Forwarded to " + std::string(to) +
                                               " as hotline message " + std::string(message)
                                         : "Not forwarded: " + std::string(reason);
  note["object_refs"] = boost::json::array{"incident--" + ticket};
  note["object_marking_refs"] = boost::json::array{std::string(TlpMarking(policy::Tlp::kAmber))};
  note["extensions"] = std::move(exts);
  return note;
}

}  // namespace

std::string ForwardMessageId(std::string_view api_root, std::string_view ticket) {
  return HotlineDeterministicId(
      "note", "intake-forward/message\n" + std::string(api_root) + "\n" + std::string(ticket));
}

std::string ForwardNoteId(std::string_view api_root, std::string_view ticket) {
  return HotlineDeterministicId(
      "note", "intake-forward/outcome\n" + std::string(api_root) + "\n" + std::string(ticket));
}

Status IntakeForwarder::CatchUp(const store::Collection& intake, Root& root) {
  store::ObjectQuery q;
  q.collection_id = intake.id;
  if (root.cursor_us >= 0) q.added_after_us = root.cursor_us;
  q.match_last = false;
  q.match_all = true;
  q.types = {"incident", "note"};
  return store_.ScanObjects(q, [&](const store::ObjectRow& row) {
    root.cursor_us = std::max(root.cursor_us, row.date_added_us);
    auto parsed = stix::ParseJson(row.json);
    if (!parsed.ok() || !parsed->is_object()) return store::ScanAction::kContinue;
    const auto& obj = parsed->get_object();
    const auto* e = IntakeExtension(obj);
    if (e == nullptr) return store::ScanAction::kContinue;
    const std::string ticket = JsonString(*e, "ticket");
    if (ticket.empty()) return store::ScanAction::kContinue;
    if (row.type == "note") {
      const std::string state = JsonString(*e, "state");
      if (state == "forwarded" || state == "withheld" || state == "kept" || state == "closed") {
        pending_.erase(ticket);
      }
      return store::ScanAction::kContinue;
    }
    const auto* triage = e->if_contains("triage");
    if (triage == nullptr || !triage->is_object()) return store::ScanAction::kContinue;
    const auto& tj = triage->get_object();
    const std::string to = JsonString(tj, "routed_to");
    if (to.empty() || !JsonString(tj, "duplicate_of").empty()) {
      return store::ScanAction::kContinue;  // the handlers' own, or follows its primary
    }
    const auto* report = e->if_contains("report");
    if (report == nullptr || !report->is_object()) return store::ScanAction::kContinue;
    auto r = IntakeReportFromJson(report->get_object());
    if (!r.ok()) return store::ScanAction::kContinue;
    Pending p;
    p.api_root = intake.api_root;
    p.ticket = ticket;
    p.route_to = to;
    p.route_rule = JsonString(tj, "route_rule");
    p.reporter_identity = JsonString(obj, "created_by_ref");
    p.received_us = TimeOf(*e, "received");
    p.report = std::move(*r);
    pending_.emplace(ticket, std::move(p));
    return store::ScanAction::kContinue;
  });
}

Result<ForwardReport> IntakeForwarder::Run(const IntakeConfig& config, const NodeParties& parties,
                                           int64_t now_us) {
  ForwardReport report;
  auto api_roots = store_.ListApiRoots();
  if (!api_roots.ok()) return api_roots.status();
  std::map<std::string, store::Collection> intakes;  // api root -> its intake collection
  for (const auto& r : *api_roots) {
    auto c = store_.GetCollection(IntakeCollectionId(r.name));
    if (!c.ok()) {
      if (c.status().code() == StatusCode::kNotFound) continue;
      return c.status();
    }
    ENTENTE_RETURN_IF_ERROR(CatchUp(*c, roots_[r.name]));
    intakes.emplace(r.name, std::move(*c));
  }
  if (pending_.empty()) return report;
  const ForwardConfig& f = config.forward;
  if (f.collection.empty()) {
    report.waiting = static_cast<int64_t>(pending_.size());
    report.problems.push_back(std::to_string(pending_.size()) +
                              " routed ticket(s) not forwarded: no forward collection is "
                              "configured (`entente intake route forward`)");
    return report;
  }
  const store::Organisation* from = nullptr;
  for (const auto& o : parties.orgs) {
    if (o.id == f.as) from = &o;
  }
  auto collection = store_.GetCollection(f.collection);
  std::string blocked;
  if (from == nullptr || from->identity_id.empty()) {
    blocked = "forward.as " + f.as + " is not an organisation of this node with an identity";
  } else if (!collection.ok()) {
    blocked = "forward collection " + f.collection + ": " + collection.status().message();
  }
  if (!blocked.empty()) {
    report.waiting = static_cast<int64_t>(pending_.size());
    report.problems.push_back(blocked);
    return report;
  }
  auto contacts = ListContacts(store_, f.collection, parties, {});
  if (!contacts.ok()) return contacts.status();

  for (auto it = pending_.begin(); it != pending_.end();) {
    const Pending& p = it->second;
    auto intake = intakes.find(p.api_root);
    if (intake == intakes.end()) {
      ++it;
      continue;
    }
    const store::Collection& ic = intake->second;
    std::vector<std::string> recips;
    if (!p.reporter_identity.empty()) recips.push_back(p.reporter_identity);
    bool sender_handles = false;
    for (const auto& reader : ic.readers) {
      sender_handles = sender_handles || reader == from->id;
      for (const auto& o : parties.orgs) {
        if (o.id == reader && !o.identity_id.empty() &&
            std::find(recips.begin(), recips.end(), o.identity_id) == recips.end()) {
          recips.push_back(o.identity_id);
        }
      }
    }
    if (!sender_handles) {
      report.problems.push_back("forward.as " + f.as + " does not handle the intake of " +
                                p.api_root + " (it may not read what it would forward)");
      ++report.waiting;
      ++it;
      continue;
    }
    // What the ticket's outcome is, and the note that records it.
    std::string state, reason, message_id, target_identity;
    int64_t at_us = p.received_us;
    const Target target = ResolveTarget(parties, p.route_to);
    if (p.report.tlp == policy::Tlp::kRed) {
      state = "withheld";
      reason = "the report is TLP:RED: it stays with the node's handlers";
    } else if (!target.waiting.empty()) {
      report.problems.push_back("ticket " + p.ticket + " (" + p.route_to + "): " + target.waiting);
      ++report.waiting;
      ++it;
      continue;
    } else if (target.identity == from->identity_id) {
      state = "kept";
      reason = "routed to the forwarding organisation itself";
    } else {
      message_id = ForwardMessageId(p.api_root, p.ticket);
      target_identity = target.identity;
      // Sent before (a round interrupted between the message and its note)?
      store::ObjectQuery q;
      q.collection_id = f.collection;
      q.ids = {message_id};
      int64_t sent_us = -1;
      Status scanned = store_.ScanObjects(q, [&](const store::ObjectRow& row) {
        auto parsed = stix::ParseJson(row.json);
        if (parsed.ok() && parsed->is_object()) {
          sent_us = TimeOf(parsed->get_object(), "created");
        }
        return store::ScanAction::kStop;
      });
      if (!scanned.ok()) return scanned;
      if (sent_us < 0) {
        std::vector<Contact> theirs;
        for (const auto& c : *contacts) {
          if (c.org_identity == target.identity) theirs.push_back(c);
        }
        if (theirs.empty()) {
          report.problems.push_back(
              "ticket " + p.ticket + " (" + p.route_to + "): " + target.identity +
              " has no point of contact in collection " + f.collection + " yet");
          ++report.waiting;
          ++it;
          continue;
        }
        std::sort(theirs.begin(), theirs.end(), [](const Contact& a, const Contact& b) {
          return std::tie(a.always_on, a.rank, a.name) < std::tie(b.always_on, b.rank, b.name);
        });
        SendRequest r;
        r.kind = MessageKind::kRequest;
        r.to = theirs.front();
        r.chain = EscalationChain(theirs.front(), *contacts);
        r.subject = "Intake report routed to you: " +
                    (p.report.title.empty() ? "RSIT " + p.report.rsit.class_name : p.report.title);
        if (r.subject.size() > 1000) r.subject.resize(1000);
        r.body = Body(p.ticket, p.route_rule, p.received_us, p.report);
        r.ack_within_us = f.within_seconds * kSecond;
        r.tlp = p.report.tlp == policy::Tlp::kAmberStrict ? policy::Tlp::kAmberStrict
                                                          : policy::Tlp::kAmber;
        auto sent = Send(store_, *collection, parties, *from, r, message_id, now_us);
        if (!sent.ok()) {
          report.problems.push_back("ticket " + p.ticket +
                                    ": the hotline message could not be "
                                    "stored: " +
                                    sent.status().message());
          ++report.waiting;
          ++it;
          continue;
        }
        sent_us = sent->sent_us;
      }
      state = "forwarded";
      at_us = sent_us;
    }
    auto stored = StoreAs(
        store_, ic, parties, *from,
        OutcomeNote(p.api_root, p.ticket, from->identity_id, recips, state, at_us, message_id,
                    target_identity, state == "forwarded" ? f.collection : "", reason));
    if (!stored.ok()) {
      report.problems.push_back("ticket " + p.ticket + ": its forwarding could not be recorded: " +
                                stored.status().message());
      ++report.waiting;
      ++it;
      continue;
    }
    ++(state == "forwarded" ? report.forwarded : report.withheld);
    it = pending_.erase(it);
  }
  return report;
}

}  // namespace entente::cases
