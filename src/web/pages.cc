#include "web/pages.h"

#include "web/view_pages.h"

#include <string_view>

#include "common/timestamp.h"
#include "web/chart.h"
#include "web/html.h"

namespace entente::web {

namespace {

std::string TlpUpper(policy::Tlp tlp) {
  std::string s(policy::TlpName(tlp));
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string NavItem(const char* href, const char* text, bool current) {
  return std::string("<li><a href=\"") + href + "\"" + (current ? " aria-current=\"page\"" : "") +
         ">" + text + "</a></li>";
}

std::string ObjectLink(const RowSummary& r) {
  return "<a href=\"" + Href("/ui/object", {{"collection", r.collection_id}, {"id", r.id}}) +
         "\"><code>" + Html(r.id) + "</code></a>";
}

}  // namespace

std::string TlpBadge(policy::Tlp tlp) {
  std::string cls(policy::TlpName(tlp));
  for (char& c : cls) c = c == '+' ? '-' : c;
  return "<span class=\"tlp tlp-" + cls + "\">TLP:" + Html(TlpUpper(tlp)) + "</span>";
}

std::string Layout(const std::string& title, Nav current, const Viewer* viewer,
                   const std::string& body) {
  std::string h =
      "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>" +
      Html(title) +
      " · entente</title><link rel=\"stylesheet\" href=\"/ui/assets/style.css\">"
      "<script src=\"/ui/assets/app.js\" defer></script></head><body>"
      "<header class=\"top\"><a class=\"brand\" href=\"/ui/\">entente</a>";
  if (viewer != nullptr) {
    h += "<nav aria-label=\"Main\"><ul>" + NavItem("/ui/", "Overview", current == Nav::kOverview) +
         NavItem("/ui/browse", "Browse", current == Nav::kBrowse) +
         NavItem("/ui/search", "Search", current == Nav::kSearch) +
         NavItem("/ui/cases", "Cases", current == Nav::kCases) +
         NavItem("/ui/hotline", "Hotline", current == Nav::kHotline) +
         NavItem("/ui/record", "Record", current == Nav::kRecord) +
         (viewer->admin ? NavItem("/ui/admin", "Administration", current == Nav::kAdmin) : "") +
         "</ul></nav>";
    h += "<div class=\"who\"><span>Signed in as <strong>" + Html(viewer->org_name) +
         "</strong> (<code>" + Html(viewer->org_id) + "</code>)" +
         (viewer->admin ? ", administrator" : "") +
         "</span><form method=\"post\" action=\"/ui/logout\">"
         "<input type=\"hidden\" name=\"csrf\" value=\"" +
         Html(viewer->csrf) +
         "\"><button class=\"link\" type=\"submit\">Sign out</button></form></div>";
  }
  h += "</header><main id=\"main\">" + body + "</main></body></html>";
  return h;
}

std::string LoginPage(const std::string& login_csrf, const std::string& error) {
  std::string body = "<h1>Sign in</h1>";
  if (!error.empty()) body += "<p class=\"error\" role=\"alert\">" + Html(error) + "</p>";
  body +=
      "<form class=\"login\" method=\"post\" action=\"/ui/login\">"
      "<input type=\"hidden\" name=\"csrf\" value=\"" +
      Html(login_csrf) +
      "\"><label for=\"token\">API token<input id=\"token\" name=\"token\" type=\"password\" "
      "autocomplete=\"off\" required></label>"
      "<button type=\"submit\">Sign in</button></form>"
      "<p class=\"muted\">Use a token of your organisation (<code>entente token create</code>). "
      "You see exactly what TAXII shows that token.</p>";
  return Layout("Sign in", Nav::kNone, nullptr, body);
}

std::string MessagePage(const Viewer* viewer, const std::string& title,
                        const std::string& message) {
  return Layout(title, Nav::kNone, viewer,
                "<h1>" + Html(title) + "</h1><p>" + Html(message) + "</p>");
}

std::string OverviewPage(const Viewer& viewer, const OverviewData& data) {
  std::string b = "<h1>Overview</h1>";
  // Collections by TLP.
  b += "<section class=\"panel\" aria-labelledby=\"h-coll\"><h2 id=\"h-coll\">Collections</h2>"
       "<table><caption class=\"visually-hidden\">Objects you may see, by TLP</caption><thead><tr>"
       "<th scope=\"col\">Collection</th>";
  for (int t = 0; t <= static_cast<int>(policy::Tlp::kRed); ++t) {
    b += "<th scope=\"col\" class=\"num\">" + TlpBadge(static_cast<policy::Tlp>(t)) + "</th>";
  }
  b += "<th scope=\"col\" class=\"num\">Total</th></tr></thead><tbody>";
  for (const auto& c : data.collections) {
    b += "<tr data-collection=\"" + Html(c.collection.id) + "\"><th scope=\"row\"><a href=\"" +
         Href("/ui/browse", {{"collection", c.collection.id}}) + "\">" + Html(c.collection.title) +
         "</a></th>";
    for (int64_t n : c.by_tlp) b += "<td class=\"num\">" + Thousands(n) + "</td>";
    b += "<td class=\"num total\">" + Thousands(c.total) + (c.capped ? "+" : "") + "</td></tr>";
  }
  if (data.collections.empty()) {
    b += "<tr><td colspan=\"7\">No collection you may read.</td></tr>";
  }
  b += "</tbody></table><p class=\"muted\">The newest version of each object you may see. "
       "Exact, unless a collection needs more than " +
       Thousands(static_cast<int64_t>(data.count_cap)) +
       " distinct markings and re-marked objects read to count it (then shown with +).</p>"
       "</section>";
  // The chart: object versions and, of them, sightings added per hour.
  BarChart chart;
  chart.title = "Object versions and sightings added per hour, last 24 hours (UTC)";
  chart.x_title = "hour (UTC)";
  chart.y_title = "added per hour";
  chart.label_every = 3;
  BarSeries objects{"object versions", "bar-objects", {}};
  BarSeries sighted{"sightings", "bar-sightings", {}};
  int64_t total = 0, total_sightings = 0;
  for (size_t i = 0; i < data.hourly.counts.size(); ++i) {
    const int64_t start = data.hourly.first_hour_us + static_cast<int64_t>(i) * 3600'000'000LL;
    const int64_t s = i < data.sightings_hourly.counts.size() ? data.sightings_hourly.counts[i] : 0;
    chart.labels.push_back(FormatTimestamp(start, 0).substr(11, 5));
    objects.values.push_back(data.hourly.counts[i]);
    sighted.values.push_back(s);
    total += data.hourly.counts[i];
    total_sightings += s;
  }
  chart.series = {objects, sighted};
  const bool capped = data.hourly.capped || data.sightings_hourly.capped;
  b += "<section class=\"panel\" aria-labelledby=\"h-chart\"><h2 id=\"h-chart\">Objects and "
       "sightings added per hour</h2>" +
       BarChartSvg(chart) + "<p>" + Thousands(total) + (data.hourly.capped ? "+" : "") +
       " object versions you may see were added in the last 24 hours, " +
       Thousands(total_sightings) + (data.sightings_hourly.capped ? "+" : "") +
       " of them sightings." +
       (capped ? " Counting stops at " + Thousands(static_cast<int64_t>(data.chart_cap_per_hour)) +
                     " per hour."
               : "") +
       "</p>"
       "<details><summary>The numbers</summary><table><thead><tr><th scope=\"col\">Hour "
       "starting (UTC)</th><th scope=\"col\" class=\"num\">Versions added</th><th "
       "scope=\"col\" class=\"num\">Sightings</th></tr></thead><tbody>";
  for (size_t i = 0; i < chart.labels.size(); ++i) {
    b += "<tr><td>" + Html(chart.labels[i]) + "</td><td class=\"num\">" +
         Thousands(objects.values[i]) + "</td><td class=\"num\">" + Thousands(sighted.values[i]) +
         "</td></tr>";
  }
  b += "</tbody></table></details></section>";
  // Peers (administrators).
  if (data.peers) {
    b += "<section class=\"panel\" aria-labelledby=\"h-peers\"><h2 id=\"h-peers\">Peers</h2>"
         "<table><thead><tr><th scope=\"col\">Peer</th><th scope=\"col\">Jurisdiction</th>"
         "<th scope=\"col\">Last sync</th><th scope=\"col\" class=\"num\">Lag (s)</th>"
         "<th scope=\"col\" class=\"num\">Pulled</th><th scope=\"col\" class=\"num\">Pushed</th>"
         "<th scope=\"col\" class=\"num\">Withheld</th><th scope=\"col\">Last error</th>"
         "</tr></thead><tbody>";
    for (const auto& p : *data.peers) {
      b += "<tr><th scope=\"row\">" + Html(p.peer.name) + "</th><td>" + Html(p.peer.jurisdiction) +
           "</td><td>" + Html(WhenText(p.status.last_success_us)) + "</td><td class=\"num\">" +
           Thousands(p.status.lag_us / 1'000'000) + "</td><td class=\"num\">" +
           Thousands(p.status.pulled) + "</td><td class=\"num\">" + Thousands(p.status.pushed) +
           "</td><td class=\"num\">" + Thousands(p.status.withheld) + "</td><td>" +
           (p.status.last_error.empty()
                ? "—"
                : "<span class=\"error\">" + Html(p.status.last_error) + " (" +
                      Thousands(p.status.failures) + " failed rounds)</span>") +
           "</td></tr>";
    }
    if (data.peers->empty()) b += "<tr><td colspan=\"8\">No peers.</td></tr>";
    b += "</tbody></table></section>";
  }
  // Running deadlines.
  b += "<section class=\"panel\" aria-labelledby=\"h-deadlines\"><h2 id=\"h-deadlines\">"
       "Running deadlines</h2><p>Hotline messages waiting for your organisation's "
       "acknowledgement, soonest first (acknowledge them in the <a href=\"/ui/hotline\">"
       "hotline inbox</a>; each case's NIS2 clocks are on <a href=\"/ui/cases\">its "
       "page</a>).</p><table id=\"deadlines\"><thead><tr><th scope=\"col\">Subject</th>"
       "<th scope=\"col\">Collection</th><th scope=\"col\">State</th><th scope=\"col\">"
       "Deadline</th></tr></thead><tbody>";
  for (const auto& m : data.deadlines) {
    const auto& st = m.state;
    b += "<tr><td>" + Html(st.message.subject) + "</td><td>" + Html(m.collection_title) +
         "</td><td class=\"phase phase-" + Html(cases::PhaseName(st.phase)) + "\">" +
         Html(cases::PhaseName(st.phase)) + "</td><td><time datetime=\"" +
         Html(FormatTimestamp(st.deadline_us, 0)) + "\">" + Html(WhenText(st.deadline_us)) +
         "</time> <span class=\"remaining" + (st.deadline_us < data.now_us ? " late" : "") +
         "\">(" + Html(RemainingText(st.deadline_us, data.now_us)) + ")</span></td></tr>";
  }
  if (data.deadlines.empty()) {
    b += "<tr><td colspan=\"4\">Nothing waits for your acknowledgement.</td></tr>";
  }
  b += "</tbody></table>";
  if (data.deadlines_total > data.deadlines.size()) {
    b += "<p>" + Thousands(static_cast<int64_t>(data.deadlines_total - data.deadlines.size())) +
         " more in the <a href=\"/ui/hotline\">hotline inbox</a>.</p>";
  }
  if (data.deadlines_capped) {
    b += "<p class=\"cap\">A collection was read up to its bound; messages stored after it "
         "are not counted here (docs/dashboard.md).</p>";
  }
  b += "<h3 id=\"h-nis2\">NIS2 clocks</h3><table id=\"nis2\" aria-labelledby=\"h-nis2\">"
       "<thead><tr><th scope=\"col\">Case</th><th scope=\"col\">Report</th><th "
       "scope=\"col\">State</th><th scope=\"col\">Deadline</th></tr></thead><tbody>";
  for (const auto& n : data.nis2) {
    b += "<tr><td><a href=\"" +
         Href("/ui/case", {{"collection", n.collection_id}, {"id", n.case_id}}) + "\">" +
         Html(n.case_name.empty() ? n.case_id : n.case_name) + "</a></td><td>" +
         Html(cases::Nis2StageName(n.clock.stage)) + "</td><td class=\"clock-" +
         Html(cases::ClockStatusName(n.clock.status)) + "\">" +
         Html(cases::ClockStatusName(n.clock.status)) + "</td><td><time datetime=\"" +
         Html(FormatTimestamp(n.clock.due_us, 0)) + "\">" + Html(WhenText(n.clock.due_us)) +
         "</time> <span class=\"remaining" + (n.clock.due_us < data.now_us ? " late" : "") +
         "\">(" + Html(RemainingText(n.clock.due_us, data.now_us)) + ")</span></td></tr>";
  }
  if (data.nis2.empty()) {
    b += "<tr><td colspan=\"4\">No NIS2 report due in the newest cases you may see.</td></tr>";
  }
  b += "</tbody></table><p>The clocks of the " + std::to_string(data.nis2_cases_read) +
       " newest cases under NIS2 found among the first " +
       Thousands(static_cast<int64_t>(data.nis2_list_budget)) + " objects of each collection" +
       (data.nis2_more ? "; more such cases are on the <a href=\"/ui/cases\">cases page</a>" : "") +
       ".</p></section>";
  // Recent sightings.
  b += "<section class=\"panel\" aria-labelledby=\"h-sight\"><h2 id=\"h-sight\">Recent "
       "sightings</h2><table><thead><tr><th scope=\"col\">Added</th><th scope=\"col\">Sighting"
       "</th><th scope=\"col\">Of</th><th scope=\"col\">Collection</th></tr></thead><tbody>";
  for (const auto& s : data.sightings) {
    b += "<tr><td>" + Html(WhenText(s.date_added_us)) + "</td><td>" + ObjectLink(s) +
         "</td><td><a href=\"" + Href("/ui/search", {{"q", s.label}}) + "\"><code>" +
         Html(s.label) + "</code></a></td><td>" + Html(s.collection_title) + "</td></tr>";
  }
  if (data.sightings.empty()) {
    b += "<tr><td colspan=\"4\">No sighting you may see in the last 24 hours.</td></tr>";
  }
  b += "</tbody></table></section>";
  return Layout("Overview", Nav::kOverview, &viewer, b);
}

std::string BrowsePageHtml(const Viewer& viewer, const BrowseForm& form, const BrowsePage& page) {
  std::string b =
      "<h1>Browse</h1><form class=\"filters\" method=\"get\" action=\"/ui/browse\">"
      "<label for=\"collection\">Collection<select id=\"collection\" "
      "name=\"collection\" data-autosubmit>";
  for (const auto& c : form.collections) {
    b += "<option value=\"" + Html(c.id) + "\"" +
         (c.id == form.query.collection_id ? " selected" : "") + ">" + Html(c.title) + "</option>";
  }
  b += "</select></label><label for=\"type\">Type<input id=\"type\" name=\"type\" type=\"text\" "
       "value=\"" +
       Html(form.query.type) +
       "\" placeholder=\"e.g. indicator\"></label>"
       "<label for=\"tlp\">TLP<select id=\"tlp\" name=\"tlp\" data-autosubmit>"
       "<option value=\"\">any</option>";
  for (int t = 0; t <= static_cast<int>(policy::Tlp::kRed); ++t) {
    const std::string name(policy::TlpName(static_cast<policy::Tlp>(t)));
    b += "<option value=\"" + Html(name) + "\"" + (form.tlp_text == name ? " selected" : "") + ">" +
         Html(TlpUpper(static_cast<policy::Tlp>(t))) + "</option>";
  }
  b += "</select></label><label for=\"community\">Community<input id=\"community\" "
       "name=\"community\" type=\"text\" value=\"" +
       Html(form.query.community) +
       "\" placeholder=\"e.g. health-isac\"></label><button type=\"submit\">Show</button></form>";
  b += "<table><thead><tr><th scope=\"col\">Added</th><th scope=\"col\">Type</th>"
       "<th scope=\"col\">Name, value or pattern</th><th scope=\"col\">TLP</th>"
       "<th scope=\"col\">Id</th></tr></thead><tbody>";
  for (const auto& r : page.rows) {
    b += "<tr><td>" + Html(WhenText(r.date_added_us)) + "</td><td>" + Html(r.type) + "</td><td>" +
         Html(r.label) + "</td><td>" + TlpBadge(r.tlp) + "</td><td>" + ObjectLink(r) + "</td></tr>";
  }
  if (page.rows.empty()) b += "<tr><td colspan=\"5\">Nothing here you may see.</td></tr>";
  b += "</tbody></table>";
  if (page.more) {
    b += "<p><a rel=\"next\" href=\"" +
         Href("/ui/browse", {{"collection", form.query.collection_id},
                             {"type", form.query.type},
                             {"tlp", form.tlp_text},
                             {"community", form.query.community},
                             {"after", FormatTimestamp(page.next_after_us, 6)}}) +
         "\">Next page</a></p>";
  }
  return Layout("Browse", Nav::kBrowse, &viewer, b);
}

std::string SearchPage(const Viewer& viewer, const std::string& q, const std::string& kind,
                       const std::vector<RowSummary>* results) {
  std::string b =
      "<h1>Search</h1><form class=\"filters\" method=\"get\" action=\"/ui/search\" "
      "role=\"search\"><label for=\"q\">Value or id<input id=\"q\" name=\"q\" type=\"search\" "
      "value=\"" +
      Html(q) +
      "\" placeholder=\"an IP, a domain, a hash, or type--uuid\"></label>"
      "<button type=\"submit\">Search</button></form>";
  if (results != nullptr) {
    b += "<h2>" + Thousands(static_cast<int64_t>(results->size())) + " result(s) by " + Html(kind) +
         " for <code>" + Html(q) + "</code></h2>";
    b += "<table><thead><tr><th scope=\"col\">Type</th><th scope=\"col\">Name, value or "
         "pattern</th><th scope=\"col\">TLP</th><th scope=\"col\">Collection</th>"
         "<th scope=\"col\">Id</th></tr></thead><tbody>";
    for (const auto& r : *results) {
      b += "<tr><td>" + Html(r.type) + "</td><td>" + Html(r.label) + "</td><td>" + TlpBadge(r.tlp) +
           "</td><td>" + Html(r.collection_title) + "</td><td>" + ObjectLink(r) + "</td></tr>";
    }
    if (results->empty()) b += "<tr><td colspan=\"5\">Nothing you may see.</td></tr>";
    b += "</tbody></table>";
  }
  return Layout("Search", Nav::kSearch, &viewer, b);
}

}  // namespace entente::web
