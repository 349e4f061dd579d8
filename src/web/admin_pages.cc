// The administrator pages (web/admin_pages.h).
#include "web/admin_pages.h"

#include "web/html.h"

namespace entente::web {

namespace {

std::string Joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + Html(i);
  return out.empty() ? "—" : out;
}

std::string Csrf(const Viewer& v) {
  return "<input type=\"hidden\" name=\"csrf\" value=\"" + Html(v.csrf) + "\">";
}

// A one-button form posting `fields` (already named and escaped here) to `action`.
std::string ButtonForm(const Viewer& v, const std::string& action,
                       const std::vector<std::pair<std::string, std::string>>& fields,
                       const std::string& label, const std::string& aria_label) {
  std::string f =
      "<form class=\"inline\" method=\"post\" action=\"" + Html(action) + "\">" + Csrf(v);
  for (const auto& [name, value] : fields) {
    f += "<input type=\"hidden\" name=\"" + Html(name) + "\" value=\"" + Html(value) + "\">";
  }
  return f + "<button type=\"submit\" aria-label=\"" + Html(aria_label) + "\">" + Html(label) +
         "</button></form>";
}

std::string TextField(const std::string& name, const std::string& label, bool required = false,
                      const std::string& type = "text", const std::string& extra = "") {
  return "<label for=\"f-" + name + "\">" + Html(label) + "<input id=\"f-" + name + "\" name=\"" +
         name + "\" type=\"" + type + "\"" + (required ? " required" : "") + extra + "></label>";
}

std::string LinesField(const std::string& name, const std::string& label) {
  return "<label for=\"f-" + name + "\">" + Html(label) + "<textarea id=\"f-" + name +
         "\" name=\"" + name + "\" rows=\"2\"></textarea></label>";
}

std::string OrgOptions(const std::vector<store::Organisation>& orgs, bool with_none) {
  std::string o = with_none ? "<option value=\"\">(none)</option>" : "";
  for (const auto& org : orgs) {
    o += "<option value=\"" + Html(org.id) + "\">" + Html(org.id) + " — " + Html(org.name) +
         "</option>";
  }
  return o;
}

std::string OrgSelect(const std::string& id, const std::string& name, const std::string& label,
                      const std::vector<store::Organisation>& orgs, bool with_none) {
  return "<label for=\"" + id + "\">" + Html(label) + "<select id=\"" + id + "\" name=\"" + name +
         "\"" + (with_none ? "" : " required") + ">" + OrgOptions(orgs, with_none) +
         "</select></label>";
}

std::string CapNote(size_t shown, size_t total) {
  if (total <= shown) return "";
  return "<p class=\"muted\">The first " + Thousands(static_cast<int64_t>(shown)) + " of " +
         Thousands(static_cast<int64_t>(total)) + " are shown.</p>";
}

std::string Age(int64_t then_us, int64_t now_us) {
  if (then_us <= 0) return "never";
  const int64_t s = (now_us - then_us) / 1'000'000;
  if (s < 120) return std::to_string(s) + " s ago";
  if (s < 7200) return std::to_string(s / 60) + " min ago";
  return std::to_string(s / 3600) + " h ago";
}

std::string Duration(int64_t us) {
  if (us < 1000) return std::to_string(us) + " µs";
  if (us < 10'000'000) return std::to_string(us / 1000) + " ms";
  return std::to_string(us / 1'000'000) + " s";
}

std::string Organisations(const Viewer& v, const AdminData& d) {
  std::string b =
      "<section class=\"panel\" aria-labelledby=\"h-orgs\"><h2 id=\"h-orgs\">Organisations "
      "(" +
      Thousands(static_cast<int64_t>(d.orgs.size())) +
      ")</h2><table><thead><tr><th scope=\"col\">Id</th><th scope=\"col\">Name</th>"
      "<th scope=\"col\">Country</th><th scope=\"col\">Sector</th><th scope=\"col\">Identity</th>"
      "<th scope=\"col\">Client of</th><th scope=\"col\">Communities</th>"
      "<th scope=\"col\">Administrator</th><th scope=\"col\"><span class=\"visually-hidden\">"
      "Actions</span></th></tr></thead><tbody>";
  auto client_of = [&](const std::string& identity) {
    for (const auto& o : d.orgs) {
      if (o.identity_id == identity) return o.id;
    }
    return identity;
  };
  size_t shown = 0;
  for (const auto& o : d.orgs) {
    if (shown++ == kAdminRowCap) break;
    b += "<tr data-org=\"" + Html(o.id) + "\"><th scope=\"row\"><code>" + Html(o.id) +
         "</code></th><td>" + Html(o.name) + "</td><td>" + Html(o.country) + "</td><td>" +
         Html(o.sector) + "</td><td><code>" + Html(o.identity_id) + "</code></td><td>" +
         Html(o.client_of.empty() ? "" : client_of(o.client_of)) + "</td><td>" +
         Joined(o.communities) + "</td><td>" + (o.admin ? "yes" : "no") + "</td><td>" +
         ButtonForm(v, "/ui/admin/organisations/remove", {{"id", o.id}}, "Remove",
                    "Remove organisation " + o.id) +
         "</td></tr>";
  }
  b += "</tbody></table>" + CapNote(kAdminRowCap, d.orgs.size()) +
       "<p class=\"muted\">Removing an organisation removes its tokens: its sessions end at "
       "once.</p></section>";
  b += "<section class=\"panel\" aria-labelledby=\"h-org-add\"><h2 id=\"h-org-add\">Add an "
       "organisation</h2><form class=\"filters admin\" method=\"post\" "
       "action=\"/ui/admin/organisations/add\">" +
       Csrf(v) + TextField("id", "Id (a-z 0-9 . _ -)", true) + TextField("name", "Name", true) +
       TextField("country", "Country (ISO 3166-1 alpha-2)", true, "text",
                 " maxlength=\"2\" size=\"3\"") +
       TextField("sector", "Sector") +
       OrgSelect("f-client-of", "client-of", "Client of", d.orgs, true) +
       LinesField("community", "Communities (one a line)") +
       TextField("identity", "STIX identity id (empty: a new one)") +
       "<label for=\"f-admin\" class=\"check\"><input id=\"f-admin\" name=\"admin\" "
       "type=\"checkbox\" value=\"1\">Administrator (its tokens administer the node)</label>"
       "<button type=\"submit\">Add organisation</button></form></section>";
  return b;
}

std::string Tokens(const Viewer& v, const AdminData& d) {
  std::string b =
      "<section class=\"panel\" aria-labelledby=\"h-tokens\"><h2 id=\"h-tokens\">Tokens (" +
      Thousands(static_cast<int64_t>(d.tokens.size())) +
      ")</h2><p class=\"muted\">Tokens are listed by their public id; their secrets are never "
      "kept, only their SHA-256.</p><table><thead><tr><th scope=\"col\">Token id</th>"
      "<th scope=\"col\">Organisation</th><th scope=\"col\">Label</th>"
      "<th scope=\"col\">Individual</th><th scope=\"col\">Created</th><th scope=\"col\">"
      "<span class=\"visually-hidden\">Actions</span></th></tr></thead><tbody>";
  size_t shown = 0;
  for (const auto& t : d.tokens) {
    if (shown++ == kAdminRowCap) break;
    b += "<tr data-token=\"" + Html(t.token_id) + "\"><th scope=\"row\"><code>" + Html(t.token_id) +
         "</code></th><td><code>" + Html(t.org_id) + "</code></td><td>" + Html(t.label) +
         "</td><td><code>" + Html(t.individual_id) + "</code></td><td>" +
         Html(WhenText(t.created_us)) + "</td><td>" +
         ButtonForm(v, "/ui/admin/tokens/revoke", {{"token-id", t.token_id}}, "Revoke",
                    "Revoke token " + t.token_id) +
         "</td></tr>";
  }
  b += "</tbody></table>" + CapNote(kAdminRowCap, d.tokens.size()) + "</section>";
  b += "<section class=\"panel\" aria-labelledby=\"h-token-add\"><h2 id=\"h-token-add\">Create "
       "a token</h2><form class=\"filters admin\" method=\"post\" "
       "action=\"/ui/admin/tokens/create\">" +
       Csrf(v) + OrgSelect("f-org", "org", "Organisation", d.orgs, false) +
       TextField("label", "Label") +
       TextField("individual", "Individual (identity id, for TLP:RED recipients)") +
       "<button type=\"submit\">Create token</button></form><p class=\"muted\">The token is "
       "shown once, on the page that answers; copy it then.</p></section>";
  return b;
}

std::string Collections(const Viewer& v, const AdminData& d) {
  std::string b =
      "<section class=\"panel\" aria-labelledby=\"h-colls\"><h2 id=\"h-colls\">"
      "Collections and grants (" +
      Thousands(static_cast<int64_t>(d.collections.size())) +
      ")</h2><table><thead><tr><th scope=\"col\">Title</th><th scope=\"col\">Id</th>"
      "<th scope=\"col\">API root</th><th scope=\"col\">Default TLP</th>"
      "<th scope=\"col\">Read</th><th scope=\"col\">Write</th>"
      "<th scope=\"col\">Grant</th><th scope=\"col\">Revoke</th><th scope=\"col\">Remove"
      "</th></tr></thead><tbody>";
  size_t shown = 0;
  for (const auto& c : d.collections) {
    if (shown++ == kAdminRowCap) break;
    const std::string key = Html(c.id);
    b += "<tr data-collection=\"" + key + "\"><th scope=\"row\">" + Html(c.title) +
         "</th><td><code>" + key + "</code></td><td>" + Html(c.api_root) + "</td><td>" +
         TlpBadge(c.default_tlp) + "</td><td>" + Joined(c.readers) + "</td><td>" +
         Joined(c.writers) + "</td><td>";
    b += "<form class=\"inline grant\" method=\"post\" action=\"/ui/admin/collections/grant\">" +
         Csrf(v) + "<input type=\"hidden\" name=\"id\" value=\"" + key + "\">" +
         "<label>Organisation<select name=\"org\" required>" + OrgOptions(d.orgs, false) +
         "</select></label><label class=\"check\"><input type=\"checkbox\" name=\"read\" "
         "value=\"1\">read</label><label class=\"check\"><input type=\"checkbox\" "
         "name=\"write\" value=\"1\">write</label><button type=\"submit\" aria-label=\"Grant on " +
         Html(c.title) + "\">Grant</button></form></td><td>";
    b += "<form class=\"inline revoke\" method=\"post\" action=\"/ui/admin/collections/revoke\">" +
         Csrf(v) + "<input type=\"hidden\" name=\"id\" value=\"" + key + "\">" +
         "<label>Organisation<select name=\"org\" required>" + OrgOptions(d.orgs, false) +
         "</select></label><button type=\"submit\" aria-label=\"Revoke grants on " + Html(c.title) +
         "\">Revoke read and write</button></form></td><td>";
    b += "<form class=\"inline remove\" method=\"post\" action=\"/ui/admin/collections/remove\">" +
         Csrf(v) + "<input type=\"hidden\" name=\"id\" value=\"" + key + "\">" +
         "<label>Type its id to confirm<input name=\"confirm\" type=\"text\" required "
         "autocomplete=\"off\"></label><button type=\"submit\" aria-label=\"Remove " +
         Html(c.title) + " and its objects\">Remove with its objects</button></form></td></tr>";
  }
  b += "</tbody></table>" + CapNote(kAdminRowCap, d.collections.size()) + "</section>";
  std::string roots;
  for (const auto& r : d.roots) {
    roots += "<option value=\"" + Html(r.name) + "\"" + (r.name == "api" ? " selected" : "") + ">" +
             Html(r.name) + "</option>";
  }
  std::string tlps;
  for (const char* t : {"clear", "green", "amber", "amber+strict", "red"}) {
    tlps += std::string("<option value=\"") + t + "\"" +
            (std::string_view(t) == "amber" ? " selected" : "") + ">" + t + "</option>";
  }
  b += "<section class=\"panel\" aria-labelledby=\"h-coll-add\"><h2 id=\"h-coll-add\">Create a "
       "collection</h2><form class=\"filters admin\" method=\"post\" "
       "action=\"/ui/admin/collections/add\">" +
       Csrf(v) + TextField("title", "Title", true) +
       "<label for=\"f-api-root\">API root<select id=\"f-api-root\" name=\"api-root\">" + roots +
       "</select></label>" + TextField("description", "Description") +
       "<label for=\"f-tlp\">Default TLP<select id=\"f-tlp\" name=\"tlp\">" + tlps +
       "</select></label>" + TextField("read", "Read (organisation ids, comma-separated)") +
       TextField("write", "Write (organisation ids, comma-separated)") +
       TextField("collection-id", "Id (empty: a new UUID)") +
       "<button type=\"submit\">Create collection</button></form></section>";
  return b;
}

std::string Peers(const Viewer& v, const AdminData& d) {
  if (!d.peers) {
    return "<section class=\"panel\"><h2>Peers</h2><p>This node runs without federation "
           "state.</p></section>";
  }
  std::string b =
      "<section class=\"panel\" aria-labelledby=\"h-peers\"><h2 id=\"h-peers\">Peers (" +
      Thousands(static_cast<int64_t>(d.peers->size())) +
      ")</h2><table><thead><tr><th scope=\"col\">Name</th><th scope=\"col\">URL</th>"
      "<th scope=\"col\">Jurisdiction</th><th scope=\"col\" class=\"num\">Pull</th>"
      "<th scope=\"col\" class=\"num\">Push</th><th scope=\"col\">Last sync</th>"
      "<th scope=\"col\">Lag</th><th scope=\"col\" class=\"num\">Failures</th>"
      "<th scope=\"col\">Last error</th><th scope=\"col\" class=\"num\">Pulled</th>"
      "<th scope=\"col\" class=\"num\">Pushed</th><th scope=\"col\" class=\"num\">Withheld</th>"
      "<th scope=\"col\" class=\"num\">Refused</th><th scope=\"col\">Record key</th>"
      "<th scope=\"col\"><span class=\"visually-hidden\">Actions</span></th></tr></thead><tbody>";
  for (const auto& line : *d.peers) {
    const store::Peer& p = line.peer;
    const store::PeerStatus& s = line.status;
    b += "<tr data-peer=\"" + Html(p.name) + "\"><th scope=\"row\">" + Html(p.name) +
         "</th><td><code>" + Html(p.api_root_url) + "</code></td><td>" + Html(p.jurisdiction) +
         "</td><td class=\"num\">" + Thousands(static_cast<int64_t>(p.pull.size())) +
         "</td><td class=\"num\">" + Thousands(static_cast<int64_t>(p.push.size())) +
         "</td><td title=\"" + Html(WhenText(s.last_success_us)) + "\">" +
         Html(Age(s.last_success_us, d.now_us)) + "</td><td>" + Html(Duration(s.lag_us)) +
         "</td><td class=\"num\">" + Thousands(s.failures) + "</td><td>" +
         Html(s.last_error.empty() ? "—" : s.last_error) + "</td><td class=\"num\">" +
         Thousands(s.pulled) + "</td><td class=\"num\">" + Thousands(s.pushed) +
         "</td><td class=\"num\">" + Thousands(s.withheld) + "</td><td class=\"num\">" +
         Thousands(s.refused) + "</td><td><code>" +
         Html(p.log_key.empty() ? "pinned at first sight" : p.log_key) + "</code>";
    b += "<form class=\"inline\" method=\"post\" action=\"/ui/admin/peers/set\">" + Csrf(v) +
         "<input type=\"hidden\" name=\"name\" value=\"" + Html(p.name) +
         "\"><label>Record key (64 hex digits)<input name=\"log-key\" type=\"text\" "
         "required size=\"20\"></label><button type=\"submit\" aria-label=\"Set the record key "
         "of " +
         Html(p.name) + "\">Set</button></form></td><td>" +
         ButtonForm(v, "/ui/admin/peers/remove", {{"name", p.name}}, "Remove",
                    "Remove peer " + p.name) +
         "</td></tr>";
  }
  b += "</tbody></table><p class=\"muted\">The token this node presents to a peer is kept in "
       "the node's federation state and never shown.</p></section>";
  b += "<section class=\"panel\" aria-labelledby=\"h-peer-add\"><h2 id=\"h-peer-add\">Add a "
       "peer</h2><form class=\"filters admin\" method=\"post\" action=\"/ui/admin/peers/add\">" +
       Csrf(v) + TextField("name", "Name (as in provenance)", true) +
       TextField("url", "TAXII API root URL", true, "url") +
       TextField("token", "Token this node presents there", true, "password",
                 " autocomplete=\"off\"") +
       TextField("user", "HTTP Basic user name (optional)") +
       TextField("jurisdiction", "Jurisdiction (ISO 3166-1 alpha-2)", true, "text",
                 " maxlength=\"2\" size=\"3\"") +
       LinesField("community", "Communities present there (one a line)") +
       LinesField("recipient", "Recipient identity ids (one a line)") +
       LinesField("rule", "Sovereignty rules TYPE[.PROPERTY]=withhold|redact|hash (one a line)") +
       TextField("hash-key", "Keyed-hash key", false, "password", " autocomplete=\"off\"") +
       LinesField("pull", "Pull REMOTE[:LOCAL] (one a line)") +
       LinesField("push", "Push LOCAL[:REMOTE] (one a line)") +
       TextField("pin-sha256", "Pinned certificate SHA-256") +
       LinesField("pin-pem", "Pinned certificate (PEM)") +
       OrgSelect("f-local-org", "local-org", "Local organisation (whose token it pushes with)",
                 d.orgs, true) +
       TextField("quota", "Quota (objects per round each way)", false, "number",
                 " value=\"10000\" min=\"1\"") +
       TextField("hop-limit", "Hop limit", false, "number",
                 " value=\"" + std::to_string(policy::kDefaultHopLimit) + "\" min=\"1\"") +
       TextField("log-key", "Record key (64 hex digits, optional)") +
       "<button type=\"submit\">Add peer</button></form></section>";
  return b;
}

std::string AdminNav(AdminSection current) {
  auto item = [&](const char* href, const char* text, AdminSection s) {
    return std::string("<li><a href=\"") + href + "\"" +
           (s == current ? " aria-current=\"page\"" : "") + ">" + text + "</a></li>";
  };
  return "<nav aria-label=\"Administration\" class=\"subnav\"><ul>" +
         item("/ui/admin/organisations", "Organisations", AdminSection::kOrganisations) +
         item("/ui/admin/tokens", "Tokens", AdminSection::kTokens) +
         item("/ui/admin/collections", "Collections and grants", AdminSection::kCollections) +
         item("/ui/admin/peers", "Peers", AdminSection::kPeers) + "</ul></nav>";
}

}  // namespace

std::string AdminPage(const Viewer& viewer, AdminSection section, const AdminData& data,
                      const AdminNotice& notice) {
  std::string b = "<h1>Administration</h1>" + AdminNav(section);
  if (!notice.text.empty()) {
    b += std::string("<p class=\"") + (notice.error ? "error" : "notice") + "\" role=\"" +
         (notice.error ? "alert" : "status") + "\" id=\"admin-notice\">" + Html(notice.text) +
         "</p>";
  }
  if (!notice.secret.empty()) {
    b += "<section class=\"panel secret\" aria-labelledby=\"h-secret\"><h2 id=\"h-secret\">The "
         "new token</h2><p><strong>Copy it now: it is shown this once and cannot be shown "
         "again.</strong> Only its SHA-256 is kept.</p><pre id=\"new-token\" tabindex=\"0\">" +
         Html(notice.secret) +
         "</pre><button type=\"button\" data-copy=\"new-token\" hidden>Copy token</button>"
         "</section>";
  }
  switch (section) {
    case AdminSection::kOrganisations:
      b += Organisations(viewer, data);
      break;
    case AdminSection::kTokens:
      b += Tokens(viewer, data);
      break;
    case AdminSection::kCollections:
      b += Collections(viewer, data);
      break;
    case AdminSection::kPeers:
      b += Peers(viewer, data);
      break;
  }
  return Layout("Administration", Nav::kAdmin, &viewer, b);
}

}  // namespace entente::web
