// The object page and "What leaves and why" (declared in web/pages.h).
#include <boost/json/parse.hpp>
#include <map>

#include "common/timestamp.h"
#include "web/html.h"
#include "web/pages.h"

namespace entente::web {

namespace {

std::string Pretty(const std::string& text) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  return ec ? text : PrettyJson(v);
}

std::string Fact(const std::string& name, const std::string& html_value) {
  return "<dt>" + Html(name) + "</dt><dd>" + html_value + "</dd>";
}

std::string Joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + Html(i);
  return out.empty() ? "—" : out;
}

std::string AudienceHtml(const policy::Audience& a) {
  if (a.empty()) return "everyone the TLP allows";
  std::string out;
  if (!a.communities.empty()) out += "communities: " + Joined(a.communities) + "; ";
  if (!a.recipients.empty()) out += "organisations: " + Joined(a.recipients) + "; ";
  if (!a.individuals.empty()) out += "individuals: " + Joined(a.individuals) + "; ";
  return out;
}

// Relationships whose target_ref is this object.
std::string IncomingSection(const ObjectDetail& d) {
  std::string b =
      "<section class=\"panel\" aria-labelledby=\"h-incoming\"><h2 "
      "id=\"h-incoming\">Relationships pointing at it (" +
      Thousands(static_cast<int64_t>(d.incoming.size())) + (d.incoming_more ? "+" : "") + ")</h2>";
  if (d.incoming.empty()) {
    b += "<p>None you may see.</p>";
  } else {
    b += "<table id=\"incoming\"><thead><tr><th scope=\"col\">From</th><th "
         "scope=\"col\">Relationship</th><th scope=\"col\">TLP</th><th "
         "scope=\"col\">Added</th></tr></thead><tbody>";
    for (const auto& in : d.incoming) {
      const RowSummary& r = in.relationship;
      b += "<tr><td><a href=\"" + Href("/ui/search", {{"q", in.source_ref}}) + "\"><code>" +
           Html(in.source_ref) + "</code></a></td><td><a href=\"" +
           Href("/ui/object", {{"collection", r.collection_id}, {"id", r.id}}) + "\">" +
           Html(in.relationship_type.empty() ? "(no type)" : in.relationship_type) +
           "</a></td><td>" + TlpBadge(r.tlp) + "</td><td>" + Html(WhenText(r.date_added_us)) +
           "</td></tr>";
    }
    b += "</tbody></table>";
  }
  b += "<p class=\"muted\">The newest version of each relationship you may see, newest first; "
       "at most " +
       Thousands(static_cast<int64_t>(kMaxIncoming)) +
       " shown (+ when there are more), from at most " +
       Thousands(static_cast<int64_t>(kMaxIncomingExamined)) +
       " relationships pointing at it looked at.</p></section>";
  return b;
}

std::string CountsTable(const std::string& id, const std::string& what,
                        const std::map<std::string, int64_t>& counts) {
  std::string b = "<table id=\"" + id + "\"><caption class=\"visually-hidden\">" + Html(what) +
                  "</caption><thead><tr><th scope=\"col\">" + Html(what) +
                  "</th><th scope=\"col\" class=\"num\">Sightings (sum of counts)</th></tr>"
                  "</thead><tbody>";
  for (const auto& [k, n] : counts) {
    b += "<tr><th scope=\"row\">" + Html(k) + "</th><td class=\"num\">" + Thousands(n) +
         "</td></tr>";
  }
  return b + "</tbody></table>";
}

// "Who else saw it": the sightings of it by country and sector (store/seen.h).
std::string WhoSawSection(const ObjectDetail& d) {
  const store::SeenReport& r = d.seen;
  std::string b =
      "<section class=\"panel\" aria-labelledby=\"h-seen\"><h2 id=\"h-seen\">Who "
      "else saw it</h2>";
  if (r.sightings == 0) {
    b += "<p>No sighting of it you may see.</p>";
  } else {
    b += "<p id=\"seen-summary\">" + Thousands(r.sightings) + " sighting" +
         (r.sightings == 1 ? "" : "s") + ", seen " + Thousands(r.total) + " time" +
         (r.total == 1 ? "" : "s") + " in all.</p><div class=\"seen-tables\">" +
         CountsTable("seen-country", "Country", r.by_country) +
         CountsTable("seen-sector", "Sector", r.by_sector) + "</div>";
  }
  b += "<p class=\"muted\">Counted from the sightings you may see (the newest version of each), "
       "by the country of the location and the sector of the identity they name as where "
       "they were seen (\"unknown\" when you may see neither); at most " +
       Thousands(static_cast<int64_t>(kMaxSeenSightings)) +
       " sightings of it looked at.</p></section>";
  return b;
}

}  // namespace

std::string ObjectPage(const Viewer& viewer, const ObjectDetail& d,
                       const std::vector<std::string>* peers) {
  const RowSummary& s = d.summary;
  std::string b = "<h1>" + Html(s.type) + (s.label.empty() ? "" : ": " + Html(s.label)) + "</h1>";
  b += "<section class=\"panel\" aria-labelledby=\"h-facts\"><h2 id=\"h-facts\">Markings and "
       "origin</h2><dl class=\"facts\">";
  b += Fact("Id", "<code>" + Html(s.id) + "</code>");
  b += Fact("Collection", Html(d.collection.title));
  b += Fact("TLP", TlpBadge(d.labels.tlp));
  b += Fact("Audience", AudienceHtml(d.labels.audience));
  b += Fact("Contributed by", "<code>" + Html(d.labels.owner_org) + "</code>");
  b += Fact("Version", Html(s.version.empty() ? "(none)" : s.version));
  b += Fact("Added", Html(WhenText(s.date_added_us)));
  b += Fact("Granular markings", d.labels.granular ? "yes" : "no");
  b += Fact("Provenance", d.provenance ? Html([&] {
              std::string route;
              for (const auto& n : d.provenance->path) route += (route.empty() ? "" : " → ") + n;
              return route;
            }())
                                       : "made on this node");
  b += "</dl></section>";
  // Its JSON, as the reader may receive it.
  b += "<section class=\"panel\" aria-labelledby=\"h-json\"><h2 id=\"h-json\">JSON</h2>"
       "<button type=\"button\" data-copy=\"object-json\" hidden>Copy JSON</button>"
       "<pre class=\"json\" id=\"object-json\" tabindex=\"0\">" +
       Html(Pretty(d.json)) + "</pre></section>";
  // Versions.
  b += "<section class=\"panel\" aria-labelledby=\"h-versions\"><h2 id=\"h-versions\">Versions "
       "(" +
       Thousands(static_cast<int64_t>(d.versions.size())) +
       ")</h2><table><thead><tr><th scope=\"col\">Version</th><th scope=\"col\">Added</th></tr>"
       "</thead><tbody>";
  for (const auto& [version, added] : d.versions) {
    b += "<tr><td>" + Html(version.empty() ? "(none)" : version) + "</td><td>" +
         Html(WhenText(added)) + "</td></tr>";
  }
  b += "</tbody></table></section>";
  // References it makes.
  b += "<section class=\"panel\" aria-labelledby=\"h-refs\"><h2 id=\"h-refs\">References and "
       "relationships it makes</h2><ul>";
  for (const auto& [prop, id] : d.refs) {
    b += "<li>" + Html(prop) + ": <a href=\"" + Href("/ui/search", {{"q", id}}) + "\"><code>" +
         Html(id) + "</code></a></li>";
  }
  if (d.refs.empty()) b += "<li>None.</li>";
  b += "</ul></section>";
  // Sightings of it.
  b += "<section class=\"panel\" aria-labelledby=\"h-sightings\"><h2 id=\"h-sightings\">Sightings "
       "of it (" +
       Thousands(static_cast<int64_t>(d.sightings.size())) + ")</h2><ul>";
  for (const auto& r : d.sightings) {
    b += "<li><a href=\"" + Href("/ui/object", {{"collection", r.collection_id}, {"id", r.id}}) +
         "\"><code>" + Html(r.id) + "</code></a>, added " + Html(WhenText(r.date_added_us)) +
         "</li>";
  }
  if (d.sightings.empty()) b += "<li>None you may see.</li>";
  b += "</ul></section>";
  b += IncomingSection(d) + WhoSawSection(d);
  // What leaves and why (administrators).
  if (peers != nullptr) {
    b += "<section class=\"panel\" aria-labelledby=\"h-egress\"><h2 id=\"h-egress\">What leaves "
         "and why</h2>";
    if (peers->empty()) {
      b += "<p>This node has no peers.</p>";
    } else {
      b += "<form class=\"filters\" method=\"get\" action=\"/ui/explain\">"
           "<input type=\"hidden\" name=\"collection\" value=\"" +
           Html(d.collection.id) + "\"><input type=\"hidden\" name=\"id\" value=\"" + Html(s.id) +
           "\"><label for=\"peer\">Peer<select id=\"peer\" name=\"peer\">";
      for (const auto& p : *peers) b += "<option>" + Html(p) + "</option>";
      b += "</select></label><button type=\"submit\">Explain</button></form>";
    }
    b += "</section>";
  }
  return Layout(s.type + " " + s.id, Nav::kNone, &viewer, b);
}

std::string ExplainPage(const Viewer& viewer, const Explanation& e) {
  const policy::EgressDecision& d = e.egress.decision;
  std::string route;
  for (const auto& n : e.egress.path) route += (route.empty() ? "" : " → ") + n;
  std::string b = "<h1>What leaves for " + Html(e.peer.name) + ", and why</h1>";
  b += "<section class=\"panel\"><dl class=\"facts\">";
  b += Fact("Object", "<a href=\"" +
                          Href("/ui/object", {{"collection", e.collection_id}, {"id", e.id}}) +
                          "\"><code>" + Html(e.id) + "</code></a>");
  b += Fact("Version", Html(e.version.empty() ? "(none)" : e.version));
  b += Fact("Peer", Html(e.peer.name) + " (" + Html(e.peer.jurisdiction) + ")");
  b += Fact("TLP", TlpBadge(e.labels.tlp));
  b += Fact("Provenance", Html(route));
  b += Fact("Hops", Html(std::to_string(e.egress.hops) + " (hop limit towards " + e.peer.name +
                         ": " + std::to_string(e.peer.hop_limit) + ")"));
  b += Fact("Decision", d.send ? "<span class=\"send\" id=\"decision\">send</span>"
                               : "<span class=\"withhold\" id=\"decision\">withhold</span>");
  b += Fact("Reason", d.reason.empty() ? "sent unchanged: no rule applies"
                                       : "<span id=\"reason\">" + Html(d.reason) + "</span>");
  b += "</dl>";
  if (!d.changes.empty()) {
    b += "<h2>Changes on the way out</h2><ul>";
    for (const auto& c : d.changes) b += "<li>" + Html(c) + "</li>";
    b += "</ul>";
  }
  b += "</section>";
  if (d.send) {
    b += "<section class=\"panel\" aria-labelledby=\"h-out\"><h2 id=\"h-out\">The object as it "
         "would leave</h2>";
    if (e.json_hidden) {
      b += "<p>Not shown: parts of this object are hidden from your organisation.</p>";
    } else {
      b += "<pre class=\"json\" id=\"egress-json\" tabindex=\"0\">" + Html(Pretty(e.egress.json)) +
           "</pre>";
    }
    b += "</section>";
  }
  return Layout("What leaves and why", Nav::kNone, &viewer, b);
}

}  // namespace entente::web
