// Cases and the hotline inbox (declared in web/view_pages.h).
#include <boost/json/array.hpp>

#include "common/timestamp.h"
#include "web/html.h"
#include "web/view_pages.h"

namespace entente::web {

namespace json = boost::json;

namespace {

std::string Fact(const std::string& name, const std::string& html_value) {
  return "<dt>" + Html(name) + "</dt><dd>" + html_value + "</dd>";
}

std::string Iso(int64_t us) { return us == 0 ? "" : FormatTimestamp(us, 3); }

// A deadline: the time, and the remaining time the page's script may tick down.
std::string DeadlineHtml(int64_t deadline_us, int64_t now_us, bool running) {
  std::string h = Html(WhenText(deadline_us));
  if (running) {
    h += " <span class=\"remaining" + std::string(deadline_us < now_us ? " late" : "") +
         "\" data-deadline=\"" + Html(Iso(deadline_us)) + "\">(" +
         Html(RemainingText(deadline_us, now_us)) + ")</span>";
  }
  return h;
}

std::string CaseLink(const std::string& collection, const std::string& id,
                     const std::string& text) {
  return "<a href=\"" + Href("/ui/case", {{"collection", collection}, {"id", id}}) + "\">" +
         Html(text) + "</a>";
}

json::array Strings(const std::vector<std::string>& items) {
  json::array a;
  for (const auto& i : items) a.emplace_back(i);
  return a;
}

json::object CaseViewJson(const cases::CaseView& v) {
  json::object o{{"id", v.id},
                 {"version", v.version},
                 {"created", Iso(v.created_us)},
                 {"created_by", v.created_by},
                 {"name", v.name},
                 {"rsit_class", v.rsit.class_name},
                 {"rsit_type", v.rsit.type_name},
                 {"determination", v.determination},
                 {"investigation_status", v.investigation_status},
                 {"tlp", std::string(policy::TlpName(v.tlp))},
                 {"recipients", Strings(v.recipients)}};
  if (v.criticality) o["criticality"] = *v.criticality;
  if (v.nis2_awareness_us) o["nis2_awareness"] = Iso(*v.nis2_awareness_us);
  return o;
}

std::string_view ClockTitle(cases::Nis2Stage s) {
  switch (s) {
    case cases::Nis2Stage::kEarlyWarning:
      return "Early warning (24 hours)";
    case cases::Nis2Stage::kIncidentNotification:
      return "Incident notification (72 hours)";
    case cases::Nis2Stage::kFinalReport:
      return "Final report (one month after the notification)";
  }
  return "";
}

}  // namespace

std::string RemainingText(int64_t deadline_us, int64_t now_us) {
  const bool past = deadline_us < now_us;
  int64_t s = (past ? now_us - deadline_us : deadline_us - now_us) / 1'000'000;
  const int64_t d = s / 86400, h = s % 86400 / 3600, m = s % 3600 / 60;
  std::string t;
  if (d > 0) {
    t = std::to_string(d) + " d " + std::to_string(h) + " h";
  } else if (h > 0) {
    t = std::to_string(h) + " h " + std::to_string(m) + " min";
  } else if (m > 0) {
    t = std::to_string(m) + " min";
  } else {
    t = std::to_string(s) + " s";
  }
  return past ? t + " ago" : "in " + t;
}

std::string CasesPageHtml(const Viewer& viewer, const CaseListQuery& query,
                          const CaseListPage& page) {
  std::string b = "<h1>Cases</h1>";
  b += "<table><thead><tr><th scope=\"col\">Opened</th><th scope=\"col\">Case</th>"
       "<th scope=\"col\">RSIT</th><th scope=\"col\">Status</th><th scope=\"col\">TLP</th>"
       "<th scope=\"col\">NIS2</th><th scope=\"col\">Participants</th>"
       "<th scope=\"col\">Collection</th></tr></thead><tbody>";
  for (const CaseRow& r : page.rows) {
    const cases::CaseView& v = r.view;
    b += "<tr data-case=\"" + Html(v.id) + "\"><td>" + Html(WhenText(v.created_us)) + "</td><td>" +
         CaseLink(r.collection_id, v.id, v.name.empty() ? v.id : v.name) + "</td><td>" +
         Html(v.rsit.class_name) +
         (v.rsit.type_name.empty() ? "" : " / " + Html(v.rsit.type_name)) + "</td><td>" +
         Html(v.investigation_status) + " (" + Html(v.determination) + ")</td><td>" +
         TlpBadge(v.tlp) + "</td><td>" +
         (v.nis2_awareness_us ? "aware since " + Html(WhenText(*v.nis2_awareness_us)) : "—") +
         "</td><td class=\"num\">" + Thousands(static_cast<int64_t>(v.recipients.size())) +
         "</td><td>" + Html(r.collection_title) + "</td></tr>";
  }
  if (page.rows.empty()) b += "<tr><td colspan=\"8\">No case you may see here.</td></tr>";
  b += "</tbody></table>";
  for (const CaseListMore& m : page.more) {
    b += "<p><a rel=\"next\" href=\"" +
         Href("/ui/cases",
              {{"collection", m.collection_id}, {"after", FormatTimestamp(m.after_us, 6)}}) +
         "\">More in " + Html(m.collection_title) + "</a></p>";
  }
  b += "<p class=\"muted\">The newest version of each case you may see, oldest first. A page "
       "examines at most " +
       Thousands(static_cast<int64_t>(query.budget)) +
       " objects of each collection (of any type: the store has no index by type) and shows "
       "at most " +
       Thousands(static_cast<int64_t>(query.limit)) +
       " cases of each; \"More in …\" goes on from there.</p>";
  return Layout("Cases", Nav::kCases, &viewer, b);
}

std::string CasePageHtml(const Viewer& viewer, const CaseDetail& d) {
  const cases::CaseSnapshot& s = d.snapshot;
  const cases::CaseView& v = s.now;
  std::string b = "<h1>Case: " + Html(v.name.empty() ? v.id : v.name) + "</h1>";
  b += "<section class=\"panel\" aria-labelledby=\"h-case\"><h2 id=\"h-case\">The case</h2>"
       "<dl class=\"facts\">";
  b += Fact("Id", "<code>" + Html(v.id) + "</code>");
  b += Fact("Collection", Html(d.collection.title));
  b += Fact("Opened", Html(WhenText(v.created_us)) + " by <code>" + Html(v.created_by) + "</code>");
  b += Fact("Version", Html(v.version) + " (" + Thousands(static_cast<int64_t>(s.versions.size())) +
                           " you may see)");
  b += Fact("TLP", TlpBadge(v.tlp));
  b += Fact("RSIT", Html(v.rsit.class_name) +
                        (v.rsit.type_name.empty() ? "" : " / " + Html(v.rsit.type_name)));
  b += Fact("Determination", Html(v.determination));
  b += Fact("Investigation", Html(v.investigation_status));
  b += Fact("Criticality", v.criticality ? Html(std::to_string(*v.criticality)) : "—");
  if (!v.description.empty()) b += Fact("Description", Html(v.description));
  std::string impacts;
  for (const auto& i : s.impacts) impacts += (impacts.empty() ? "" : ", ") + Html(i.impact_type);
  b += Fact("External impacts", impacts.empty() ? "—" : impacts);
  b += "</dl></section>";
  // NIS2 clocks.
  b += "<section class=\"panel\" aria-labelledby=\"h-nis2\"><h2 id=\"h-nis2\">NIS2 clocks</h2>";
  if (d.clocks.empty()) {
    b += "<p>Not reported under NIS2 (no moment of awareness recorded).</p>";
  } else {
    b += "<p>Aware since " + Html(WhenText(*v.nis2_awareness_us)) +
         ". Directive (EU) 2022/2555, Article 23(4); times in UTC, computed now (" +
         Html(WhenText(d.now_us)) + ").</p>";
    b += "<table class=\"clocks\"><thead><tr><th scope=\"col\">Report</th><th scope=\"col\">"
         "Deadline</th><th scope=\"col\">Submitted</th><th scope=\"col\">State</th></tr></thead>"
         "<tbody>";
    for (const cases::Nis2Clock& c : d.clocks) {
      const bool running = c.status == cases::ClockStatus::kDue ||
                           c.status == cases::ClockStatus::kOverdue ||
                           c.status == cases::ClockStatus::kWaiting;
      b += "<tr data-stage=\"" + Html(cases::Nis2StageName(c.stage)) + "\"><th scope=\"row\">" +
           Html(ClockTitle(c.stage)) + "</th><td>" + DeadlineHtml(c.due_us, d.now_us, running) +
           (c.provisional ? " <span class=\"muted\">(provisional: the notification is not "
                            "submitted yet)</span>"
                          : "") +
           "</td><td>" + (c.submitted_us ? Html(WhenText(*c.submitted_us)) : "—") +
           "</td><td class=\"clock-" + Html(cases::ClockStatusName(c.status)) + "\">" +
           Html(cases::ClockStatusName(c.status)) + "</td></tr>";
    }
    b += "</tbody></table>";
  }
  b += "</section>";
  // Participants.
  b += "<section class=\"panel\" aria-labelledby=\"h-part\"><h2 id=\"h-part\">Participants "
       "and their states</h2><table><thead><tr><th scope=\"col\">Participant</th>"
       "<th scope=\"col\">Invited</th><th scope=\"col\">State</th><th scope=\"col\">Since</th>"
       "<th scope=\"col\">Timeline</th></tr></thead><tbody>";
  for (const auto& p : s.participants) {
    std::string timeline;
    for (const auto& st : p.states) {
      timeline += "<li>" + Html(WhenText(st.at_us)) + ": " +
                  Html(cases::ParticipantStateName(st.state)) +
                  (st.text.empty() ? "" : " — " + Html(st.text)) + "</li>";
    }
    b += "<tr data-participant=\"" + Html(p.participant) + "\"><th scope=\"row\"><code>" +
         Html(p.participant) + "</code>" + (p.participant == v.created_by ? " (opened it)" : "") +
         "</th><td>" + (p.invited_us ? Html(WhenText(p.invited_us)) : "—") +
         "</td><td class=\"state\">" + Html(cases::ParticipantStateName(p.current())) +
         "</td><td>" + (p.states.empty() ? "—" : Html(WhenText(p.states.back().at_us))) +
         "</td><td>" + (timeline.empty() ? "—" : "<ul>" + timeline + "</ul>") + "</td></tr>";
  }
  b += "</tbody></table></section>";
  // Tasks, attachments, what was not counted.
  b += "<section class=\"panel\" aria-labelledby=\"h-tasks\"><h2 id=\"h-tasks\">Tasks and "
       "attachments</h2><ul>";
  for (const auto& t : s.tasks) {
    b += "<li>Task " + Html(t.name) + ": " + Html(t.outcome) + "</li>";
  }
  for (const auto& a : s.attached) {
    b += "<li>Attached <a href=\"" + Href("/ui/search", {{"q", a}}) + "\"><code>" + Html(a) +
         "</code></a></li>";
  }
  if (s.tasks.empty() && s.attached.empty()) b += "<li>None you may see.</li>";
  b += "</ul>";
  if (!s.ignored.empty()) {
    b += "<h3>Not counted</h3><ul>";
    for (const auto& i : s.ignored) b += "<li>" + Html(i) + "</li>";
    b += "</ul>";
  }
  b += "</section>";
  if (s.capped) {
    b += "<p class=\"error\" role=\"note\">This case's collection holds more objects than one "
         "page reads (" +
         Thousands(static_cast<int64_t>(d.scan_cap)) +
         "): states, reports and attachments added after them are not shown. "
         "<code>entente case show</code> reads them all.</p>";
  }
  return Layout("Case " + v.id, Nav::kCases, &viewer, b);
}

std::string InboxPageHtml(const Viewer& viewer, const InboxQuery& query, const InboxPage& page,
                          int64_t now_us, const std::string& notice) {
  std::string b = "<h1>Hotline</h1>";
  b += "<p><a href=\"/ui/hotline\"" + std::string(query.sent ? "" : " aria-current=\"page\"") +
       ">Received</a> · <a href=\"/ui/hotline?sent=1\"" +
       (query.sent ? " aria-current=\"page\"" : "") + ">Sent</a></p>";
  if (!notice.empty()) b += "<p class=\"send\" role=\"status\">" + Html(notice) + "</p>";
  b += "<table><thead><tr><th scope=\"col\">Sent</th><th scope=\"col\">" +
       std::string(query.sent ? "To" : "From") +
       "</th><th scope=\"col\">Subject</th><th scope=\"col\">State</th>"
       "<th scope=\"col\">With contact</th><th scope=\"col\">Deadline</th>"
       "<th scope=\"col\">Escalations</th><th scope=\"col\">Action</th></tr></thead><tbody>";
  for (const InboxMessage& m : page.messages) {
    const cases::MessageState& st = m.state;
    const cases::Message& msg = st.message;
    const bool open = st.phase != cases::Phase::kAcknowledged;
    std::string steps;
    for (const auto& step : st.steps) {
      steps += "<li>" + Html(WhenText(step.at_us)) + ": " + Html(cases::StepName(step.what)) +
               (step.contact.empty() ? "" : " (" + Html(step.contact) + ")") +
               (step.deadline_us ? ", until " + Html(WhenText(step.deadline_us)) : "") +
               (step.detail.empty() ? "" : " — " + Html(step.detail)) + "</li>";
    }
    b += "<tr data-message=\"" + Html(msg.id) + "\"><td>" + Html(WhenText(msg.sent_us)) +
         "</td><td><code>" + Html(query.sent ? msg.to : msg.from) + "</code></td><td>" +
         Html(msg.subject) + (msg.kind == cases::MessageKind::kPing ? " <em>(ping)</em>" : "") +
         "<details><summary>History</summary><ul>" + steps + "</ul>" +
         (msg.body.empty() ? "" : "<p>" + Html(msg.body) + "</p>") +
         "</details></td><td class=\"phase phase-" + Html(cases::PhaseName(st.phase)) + "\">" +
         Html(cases::PhaseName(st.phase)) +
         (st.acknowledged ? " " + Html(WhenText(st.ack_us)) : "") + "</td><td><code>" +
         Html(st.current < msg.chain.size() ? msg.chain[st.current] : "") + "</code></td><td>" +
         DeadlineHtml(st.deadline_us, now_us, open) + "</td><td class=\"num\">" +
         Thousands(m.escalations) + "</td><td>";
    if (m.to_reader && open) {
      b += "<form method=\"post\" action=\"/ui/hotline/ack\" class=\"ack\">"
           "<input type=\"hidden\" name=\"csrf\" value=\"" +
           Html(viewer.csrf) + "\"><input type=\"hidden\" name=\"collection\" value=\"" +
           Html(m.collection_id) + "\"><input type=\"hidden\" name=\"message\" value=\"" +
           Html(msg.id) + "\"><label class=\"visually-hidden\" for=\"note-" + Html(msg.id) +
           "\">Note</label><input type=\"text\" id=\"note-" + Html(msg.id) +
           "\" name=\"note\" placeholder=\"note (optional)\" maxlength=\"10000\">"
           "<button type=\"submit\">Acknowledge</button></form>";
    } else {
      b += "—";
    }
    b += "</td></tr>";
  }
  if (page.messages.empty()) {
    b += "<tr><td colspan=\"8\">No message " +
         std::string(query.sent ? "sent by your organisation." : "to your organisation.") +
         "</td></tr>";
  }
  b += "</tbody></table>";
  if (page.more) {
    b += "<p><a rel=\"next\" href=\"" +
         Href("/ui/hotline", {{"sent", query.sent ? "1" : ""},
                              {"offset", std::to_string(query.offset + query.limit)}}) +
         "\">Next page</a></p>";
  }
  b += "<p class=\"muted\">" + Thousands(static_cast<int64_t>(page.total)) +
       " message(s), newest first, " + Thousands(static_cast<int64_t>(query.limit)) +
       " a page. A page reads at most " + Thousands(static_cast<int64_t>(query.max_rows)) +
       " objects of each collection (of any type: the store has no index by type).</p>";
  if (page.capped) {
    std::string names;
    for (const auto& c : page.capped_collections) names += (names.empty() ? "" : ", ") + c;
    b += "<p class=\"error\" role=\"note\">More objects than one page reads in: " + Html(names) +
         ". Messages stored after them are not shown here; <code>entente hotline inbox</code> "
         "reads them all.</p>";
  }
  return Layout("Hotline", Nav::kHotline, &viewer, b);
}

json::object CasesJson(const CaseListPage& page) {
  json::array rows;
  for (const CaseRow& r : page.rows) {
    json::object o = CaseViewJson(r.view);
    o["collection"] = r.collection_id;
    o["date_added"] = FormatTimestamp(r.date_added_us, 6);
    rows.push_back(std::move(o));
  }
  json::array more;
  for (const CaseListMore& m : page.more) {
    more.push_back(
        json::object{{"collection", m.collection_id}, {"after", FormatTimestamp(m.after_us, 6)}});
  }
  return json::object{{"cases", std::move(rows)}, {"more", std::move(more)}};
}

json::object CaseJson(const CaseDetail& d) {
  const cases::CaseSnapshot& s = d.snapshot;
  json::object o = CaseViewJson(s.now);
  o["collection"] = d.collection.id;
  o["versions"] = static_cast<int64_t>(s.versions.size());
  json::array clocks;
  for (const cases::Nis2Clock& c : d.clocks) {
    json::object j{{"stage", cases::Nis2StageName(c.stage)},
                   {"due", Iso(c.due_us)},
                   {"provisional", c.provisional},
                   {"status", cases::ClockStatusName(c.status)},
                   {"remaining_seconds", (c.due_us - d.now_us) / 1'000'000}};
    if (c.submitted_us) j["submitted"] = Iso(*c.submitted_us);
    clocks.push_back(std::move(j));
  }
  o["nis2_clocks"] = std::move(clocks);
  o["now"] = Iso(d.now_us);
  json::array parts;
  for (const auto& p : s.participants) {
    json::array timeline;
    for (const auto& st : p.states) {
      timeline.push_back(json::object{{"state", cases::ParticipantStateName(st.state)},
                                      {"at", Iso(st.at_us)},
                                      {"text", st.text}});
    }
    parts.push_back(json::object{{"participant", p.participant},
                                 {"invited", Iso(p.invited_us)},
                                 {"state", cases::ParticipantStateName(p.current())},
                                 {"timeline", std::move(timeline)}});
  }
  o["participants"] = std::move(parts);
  json::array tasks;
  for (const auto& t : s.tasks) {
    tasks.push_back(json::object{{"id", t.id}, {"name", t.name}, {"outcome", t.outcome}});
  }
  o["tasks"] = std::move(tasks);
  o["attached"] = Strings(s.attached);
  o["ignored"] = Strings(s.ignored);
  o["capped"] = s.capped;
  return o;
}

json::object InboxJson(const InboxPage& page, int64_t now_us) {
  json::array msgs;
  for (const InboxMessage& m : page.messages) {
    const cases::MessageState& st = m.state;
    const cases::Message& msg = st.message;
    json::array steps;
    for (const auto& step : st.steps) {
      json::object j{{"what", cases::StepName(step.what)},
                     {"at", Iso(step.at_us)},
                     {"by", step.by},
                     {"contact", step.contact},
                     {"detail", step.detail}};
      if (step.deadline_us) j["deadline"] = Iso(step.deadline_us);
      steps.push_back(std::move(j));
    }
    msgs.push_back(
        json::object{{"id", msg.id},
                     {"collection", m.collection_id},
                     {"kind", msg.kind == cases::MessageKind::kPing ? "ping" : "request"},
                     {"from", msg.from},
                     {"to", msg.to},
                     {"subject", msg.subject},
                     {"sent", Iso(msg.sent_us)},
                     {"phase", cases::PhaseName(st.phase)},
                     {"contact", st.current < msg.chain.size() ? msg.chain[st.current] : ""},
                     {"deadline", Iso(st.deadline_us)},
                     {"remaining_seconds", (st.deadline_us - now_us) / 1'000'000},
                     {"acknowledged", st.acknowledged},
                     {"acknowledged_at", Iso(st.ack_us)},
                     {"escalations", m.escalations},
                     {"may_acknowledge", m.to_reader && st.phase != cases::Phase::kAcknowledged},
                     {"steps", std::move(steps)}});
  }
  return json::object{{"messages", std::move(msgs)},
                      {"total", static_cast<int64_t>(page.total)},
                      {"more", page.more},
                      {"capped", page.capped}};
}

}  // namespace entente::web
