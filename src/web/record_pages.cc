// The record, the peers' witness state and what was withheld from a peer (declared in
// web/view_pages.h).
#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <variant>

#include "common/timestamp.h"
#include "web/html.h"
#include "web/view_pages.h"

namespace entente::web {

namespace json = boost::json;

namespace {

std::string Fact(const std::string& name, const std::string& html_value) {
  return "<dt>" + Html(name) + "</dt><dd>" + html_value + "</dd>";
}

std::string Iso(int64_t us) { return us == 0 ? "" : FormatTimestamp(us, 6); }

// The entry's body, pretty, from its canonical text.
std::string BodyText(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return text;
  const json::value* body = v.get_object().if_contains("body");
  return body != nullptr ? PrettyJson(*body) : text;
}

std::string_view DecisionName(audit::Decision d) {
  switch (d) {
    case audit::Decision::kSent:
      return "sent";
    case audit::Decision::kWithheld:
      return "withheld";
    case audit::Decision::kRedacted:
      return "redacted";
    case audit::Decision::kHashed:
      return "hashed";
  }
  return "";
}

std::string ProofHtml(const RecordRow& r) {
  if (r.proof_size == 0) return "Not yet covered by a signed head.";
  std::string h = "Inclusion proof in the tree of " +
                  Thousands(static_cast<int64_t>(r.proof_size)) + " entries (RFC 9162 2.1.3):";
  for (const auto& p : r.proof) h += " <code>" + Html(audit::HashHex(p)) + "</code>";
  return h;
}

json::object HeadJson(const audit::SignedHead& h) {
  return json::object{{"tree_size", static_cast<int64_t>(h.head.tree_size)},
                      {"timestamp", Iso(h.head.timestamp_us)},
                      {"root", audit::HashHex(h.head.root)},
                      {"key_id", audit::HashHex(h.head.key_id)},
                      {"signed", audit::FormatSignedHead(h)}};
}

}  // namespace

std::string RecordPageHtml(const Viewer& viewer, const RecordQuery& query,
                           const std::string& kind_text, const RecordPage& page,
                           const std::vector<PeerWitness>* peers) {
  std::string b = "<h1>Record</h1>";
  // The newest signed head.
  b += "<section class=\"panel\" aria-labelledby=\"h-head\"><h2 id=\"h-head\">Newest signed "
       "head</h2>";
  if (page.head) {
    const audit::TreeHead& h = page.head->head;
    b += "<dl class=\"facts\" id=\"head\">";
    b += Fact("Entries",
              "<span id=\"head-size\">" + Thousands(static_cast<int64_t>(h.tree_size)) + "</span>");
    b += Fact("Signed", Html(WhenText(h.timestamp_us)));
    b += Fact("Root (SHA-256)", "<code>" + Html(audit::HashHex(h.root)) + "</code>");
    b += Fact("Key id", "<code>" + Html(audit::HashHex(h.key_id)) + "</code>");
    b += "</dl><p class=\"muted\">Peers fetch it at <code>/x-entente/log/head</code> and keep "
         "it as evidence; proofs are at <code>/x-entente/log/inclusion</code> and "
         "<code>/x-entente/log/consistency</code> (docs/evidence.md).</p>";
  } else {
    b += "<p>No head signed yet (<code>entente log head</code>, or <code>serve</code> every "
         "<code>--head-interval</code>).</p>";
  }
  b += "</section>";
  // Entries.
  b += "<section class=\"panel\" aria-labelledby=\"h-entries\"><h2 id=\"h-entries\">Entries</h2>";
  if (page.receipts_only) {
    b += "<p>Your organisation reads the entries of the object versions it submitted or "
         "deleted, while it may still read them (receipts), up to the newest signed head — "
         "what <code>/x-entente/log</code> gives it. The other entries are for the node's "
         "administrators.</p>";
  }
  b += "<form class=\"filters\" method=\"get\" action=\"/ui/record\">"
       "<label for=\"subject\">Object or subject<input id=\"subject\" name=\"subject\" "
       "type=\"text\" value=\"" +
       Html(query.subject) +
       "\"></label><label for=\"org\">Organisation<input id=\"org\" "
       "name=\"org\" type=\"text\" value=\"" +
       Html(query.organisation) +
       "\"></label><label for=\"kind\">Kind<select id=\"kind\" "
       "name=\"kind\"><option value=\"\">any</option>";
  for (int k = 0; k <= static_cast<int>(audit::EntryKind::kHotlineEvent); ++k) {
    const std::string name(audit::KindName(static_cast<audit::EntryKind>(k)));
    b += "<option" + std::string(kind_text == name ? " selected" : "") + ">" + Html(name) +
         "</option>";
  }
  b += "</select></label><label for=\"peer\">Peer<input id=\"peer\" name=\"peer\" type=\"text\" "
       "value=\"" +
       Html(query.peer) +
       "\"></label><label for=\"from\">From index<input id=\"from\" "
       "name=\"from\" type=\"text\" inputmode=\"numeric\" value=\"" +
       Html(query.from ? std::to_string(query.from) : "") +
       "\"></label><button type=\"submit\">Show</button></form>";
  b += "<table id=\"entries\"><thead><tr><th scope=\"col\" class=\"num\">Index</th>"
       "<th scope=\"col\">Time</th><th scope=\"col\">Kind</th><th scope=\"col\">Subject</th>"
       "<th scope=\"col\">Entry</th></tr></thead><tbody>";
  for (const RecordRow& r : page.rows) {
    b += "<tr data-index=\"" + std::to_string(r.entry.index) + "\"><td class=\"num\">" +
         std::to_string(r.entry.index) + "</td><td>" + Html(WhenText(r.entry.time_us)) +
         "</td><td>" + Html(audit::KindName(r.entry.entry.kind)) + "</td><td><code>" +
         Html(audit::EntrySubject(r.entry.entry)) +
         "</code></td><td><details><summary>Body and proof</summary><pre class=\"json\">" +
         Html(BodyText(r.text)) + "</pre><p>Leaf hash <code>" + Html(audit::HashHex(r.leaf_hash)) +
         "</code>. " + ProofHtml(r) + "</p></details></td></tr>";
  }
  if (page.rows.empty()) b += "<tr><td colspan=\"5\">No entry here you may read.</td></tr>";
  b += "</tbody></table>";
  if (page.more) {
    b += "<p><a rel=\"next\" href=\"" +
         Href("/ui/record", {{"subject", query.subject},
                             {"org", query.organisation},
                             {"kind", kind_text},
                             {"peer", query.peer},
                             {"from", std::to_string(page.next_from)}}) +
         "\">Next page</a></p>";
  }
  b += "<p class=\"muted\">In index order, " + Thousands(static_cast<int64_t>(query.limit)) +
       " a page; a page examines at most " + Thousands(static_cast<int64_t>(query.budget)) +
       " entries (\"Next page\" goes on from there).</p></section>";
  // Witnessing (administrators).
  if (peers != nullptr) {
    b += "<section class=\"panel\" aria-labelledby=\"h-witness\"><h2 id=\"h-witness\">Peers' "
         "records, as this node witnessed them</h2><table id=\"witness\"><thead><tr>"
         "<th scope=\"col\">Peer</th><th scope=\"col\">Witness</th><th scope=\"col\">Key "
         "expected</th><th scope=\"col\">Newest head kept</th><th scope=\"col\">Alarms</th>"
         "<th scope=\"col\">Withheld</th></tr></thead><tbody>";
    for (const PeerWitness& w : *peers) {
      std::string alarms;
      for (const auto& a : w.alarms) {
        alarms += "<li>" + Html(WhenText(a.time_us)) + ": " + Html(a.message) +
                  "<details><summary>Evidence</summary><pre class=\"json\">" + Html(a.evidence) +
                  "</pre></details></li>";
      }
      b += "<tr data-peer=\"" + Html(w.peer.name) + "\"><th scope=\"row\">" + Html(w.peer.name) +
           "</th><td class=\"" + (w.alarm_count > 0 ? "error" : "") + "\">" + Html(w.summary) +
           "</td><td>" +
           (w.peer.log_key.empty() ? "none yet (pinned at first sight)"
                                   : "<code>" + Html(w.peer.log_key) + "</code>") +
           "</td><td>" +
           (w.heads.empty() ? "never witnessed"
                            : Thousands(static_cast<int64_t>(w.heads.back().tree_size)) +
                                  " entries, seen " + Html(WhenText(w.heads.back().seen_us))) +
           "</td><td>" +
           (alarms.empty()
                ? "none"
                : "<ul>" + alarms + "</ul>" +
                      (w.alarm_count > w.alarms.size()
                           ? "<p class=\"muted\">(the newest " +
                                 Thousands(static_cast<int64_t>(w.alarms.size())) + " of " +
                                 Thousands(static_cast<int64_t>(w.alarm_count)) + ")</p>"
                           : "")) +
           "</td><td><a href=\"" + Href("/ui/peer", {{"name", w.peer.name}}) + "\">" +
           Thousands(w.status.withheld) + " — by which rule</a></td></tr>";
    }
    if (peers->empty()) b += "<tr><td colspan=\"6\">No peers.</td></tr>";
    b += "</tbody></table></section>";
  }
  return Layout("Record", Nav::kRecord, &viewer, b);
}

std::string WithheldPageHtml(const Viewer& viewer, const WithheldReport& r) {
  std::string b = "<h1>Withheld from " + Html(r.peer.name) + ", and by which rule</h1>";
  b += "<section class=\"panel\"><dl class=\"facts\">";
  b += Fact("Peer", Html(r.peer.name) + " (" + Html(r.peer.jurisdiction) + ")");
  b +=
      Fact("Withheld by the pushes", "<span id=\"withheld-count\">" + Thousands(r.status.withheld) +
                                         "</span> object versions "
                                         "(a counter: the push keeps no list)");
  b += Fact("Pushed", Thousands(r.status.pushed));
  b += Fact("Last sync", Html(WhenText(r.status.last_success_us)));
  b += "</dl></section>";
  // What the record holds.
  b += "<section class=\"panel\" aria-labelledby=\"h-recorded\"><h2 id=\"h-recorded\">Egress "
       "decisions in the record</h2>";
  if (!r.record_available) {
    b += "<p>This node serves no record.</p>";
  } else if (r.recorded.empty()) {
    b += "<p id=\"recorded-none\">None among the newest entries of the record: nothing "
         "was pushed to this peer, or sent or withheld, since the record's newest "
         "entries began.</p>";
  } else {
    b += "<table><thead><tr><th scope=\"col\" class=\"num\">Index</th><th scope=\"col\">Time"
         "</th><th scope=\"col\">Object</th><th scope=\"col\">Decision</th><th scope=\"col\">"
         "Rule</th><th scope=\"col\">Reason</th></tr></thead><tbody>";
    for (const auto& e : r.recorded) {
      const auto& d = std::get<audit::EgressDecision>(e.entry.body);
      b += "<tr><td class=\"num\">" + std::to_string(e.index) + "</td><td>" +
           Html(WhenText(e.time_us)) + "</td><td><code>" + Html(d.object_id) + "</code> " +
           Html(d.version) + "</td><td>" + Html(DecisionName(d.decision)) + "</td><td>" +
           Html(d.rule) + "</td><td>" + Html(d.reason) + "</td></tr>";
    }
    b += "</tbody></table>";
  }
  b += "</section>";
  // The decisions as the rules stand now.
  b += "<section class=\"panel\" aria-labelledby=\"h-now\"><h2 id=\"h-now\">What the push "
       "withholds, as the rules stand now</h2><p>The object versions added since " +
       Html(WhenText(r.since_us)) +
       " to the collections pushed to this peer, each decided as the push decides it "
       "(<code>entente peer explain</code>): " +
       Thousands(static_cast<int64_t>(r.examined)) + " examined" +
       (r.capped ? " (the first ones only: a page examines at most that many)" : "") +
       ", those your organisation may read.</p>";
  b += "<table id=\"withheld\"><thead><tr><th scope=\"col\">Added</th><th scope=\"col\">Object"
       "</th><th scope=\"col\">Type</th><th scope=\"col\">Rule (the gate's reason)</th>"
       "</tr></thead><tbody>";
  for (const WithheldRow& w : r.now) {
    b += "<tr><td>" + Html(WhenText(w.date_added_us)) + "</td><td><a href=\"" +
         Href("/ui/explain",
              {{"collection", w.collection_id}, {"id", w.id}, {"peer", r.peer.name}}) +
         "\"><code>" + Html(w.id) + "</code></a></td><td>" + Html(w.type) +
         "</td><td class=\"reason\">" + Html(w.reason) + "</td></tr>";
  }
  if (r.now.empty()) b += "<tr><td colspan=\"4\">Nothing withheld among them.</td></tr>";
  b += "</tbody></table></section>";
  return Layout("Withheld from " + r.peer.name, Nav::kRecord, &viewer, b);
}

json::object RecordJson(const RecordPage& page, const std::vector<PeerWitness>* peers) {
  json::object o;
  if (page.head) o["head"] = HeadJson(*page.head);
  o["receipts_only"] = page.receipts_only;
  json::array entries;
  for (const RecordRow& r : page.rows) {
    boost::system::error_code ec;
    json::value v = json::parse(r.text, ec);
    json::array proof;
    for (const auto& p : r.proof) proof.emplace_back(audit::HashHex(p));
    json::object row{{"entry", ec ? json::value(r.text) : std::move(v)},
                     {"leaf_hash", audit::HashHex(r.leaf_hash)},
                     {"proof", std::move(proof)}};
    if (r.proof_size > 0) row["proof_size"] = static_cast<int64_t>(r.proof_size);
    entries.push_back(std::move(row));
  }
  o["entries"] = std::move(entries);
  o["more"] = page.more;
  if (page.more) o["next_from"] = static_cast<int64_t>(page.next_from);
  if (peers != nullptr) {
    json::array list;
    for (const PeerWitness& w : *peers) {
      json::array alarms;
      for (const auto& a : w.alarms) {
        alarms.push_back(json::object{
            {"time", Iso(a.time_us)}, {"message", a.message}, {"evidence", a.evidence}});
      }
      json::object j{
          {"name", w.peer.name},         {"witness", w.summary},
          {"log_key", w.peer.log_key},   {"alarm_count", static_cast<int64_t>(w.alarm_count)},
          {"alarms", std::move(alarms)}, {"withheld", w.status.withheld}};
      if (!w.heads.empty()) {
        j["newest_head"] =
            json::object{{"tree_size", static_cast<int64_t>(w.heads.back().tree_size)},
                         {"seen", Iso(w.heads.back().seen_us)},
                         {"head", w.heads.back().head}};
      }
      list.push_back(std::move(j));
    }
    o["peers"] = std::move(list);
  }
  return o;
}

json::object WithheldJson(const WithheldReport& r) {
  json::array recorded;
  for (const auto& e : r.recorded) {
    const auto& d = std::get<audit::EgressDecision>(e.entry.body);
    recorded.push_back(json::object{{"index", static_cast<int64_t>(e.index)},
                                    {"time", Iso(e.time_us)},
                                    {"id", d.object_id},
                                    {"version", d.version},
                                    {"decision", DecisionName(d.decision)},
                                    {"rule", d.rule},
                                    {"reason", d.reason}});
  }
  json::array now;
  for (const WithheldRow& w : r.now) {
    now.push_back(json::object{{"collection", w.collection_id},
                               {"id", w.id},
                               {"type", w.type},
                               {"version", w.version},
                               {"date_added", Iso(w.date_added_us)},
                               {"reason", w.reason}});
  }
  return json::object{{"peer", r.peer.name},
                      {"withheld_count", r.status.withheld},
                      {"record_available", r.record_available},
                      {"recorded", std::move(recorded)},
                      {"since", Iso(r.since_us)},
                      {"examined", static_cast<int64_t>(r.examined)},
                      {"capped", r.capped},
                      {"withheld_now", std::move(now)}};
}

}  // namespace entente::web
