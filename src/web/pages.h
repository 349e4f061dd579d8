// web/pages.h: the dashboard's HTML pages, written from data already read through the
// gate (web/reads.h, web/explain.h). Rendering reads nothing itself.
//
// Every text that enters a page goes through web::Html (html.h); links are built with
// web::Href. Pages hold no inline script or style (the Content-Security-Policy forbids
// them): style.css and app.js come from /ui/assets/. Forms are real forms with labels,
// links real links, so every page works by keyboard and without JavaScript.
// Pure functions, safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/federation_state.h"
#include "web/case_reads.h"
#include "web/explain.h"
#include "web/reads.h"

namespace entente::web {

// Who is signed in, as the page header shows it.
struct Viewer {
  std::string org_id;
  std::string org_name;
  bool admin = false;
  std::string csrf;  // the session's synchronizer token (sign-out form)
};

enum class Nav { kOverview, kBrowse, kSearch, kCases, kHotline, kRecord, kAdmin, kNone };

// The page shell: header with navigation and sign-out, then `body` (already HTML).
std::string Layout(const std::string& title, Nav current, const Viewer* viewer,
                   const std::string& body);

// The sign-in form; `login_csrf` is echoed in a hidden field, `error` shown when set.
std::string LoginPage(const std::string& login_csrf, const std::string& error);

// A page with a heading and one sentence (404, 403, 500).
std::string MessagePage(const Viewer* viewer, const std::string& title, const std::string& message);

struct PeerLine {
  store::Peer peer;
  store::PeerStatus status;
};

struct OverviewData {
  std::vector<CollectionCounts> collections;
  size_t count_cap = 0;
  HourlyCounts hourly;            // object versions added per hour (any type)
  HourlyCounts sightings_hourly;  // of which sightings, per hour
  size_t chart_cap_per_hour = 0;
  std::vector<RowSummary> sightings;
  std::optional<std::vector<PeerLine>> peers;  // set for administrators only
  // Running deadlines: the hotline messages addressed to the reader's organisation that
  // wait for its acknowledgement, soonest deadline first (web/case_reads.h ReadInbox,
  // bounded as the inbox is); the NIS2 clocks are on each case's page.
  std::vector<InboxMessage> deadlines;
  // The NIS2 clocks still running (due or overdue) of the newest cases under NIS2 the
  // reader may see, as their case pages compute them (web/case_reads.h ReadCaseDetail),
  // for at most kNis2CasesRead cases found among the first rows of each collection
  // (ListCases' budget); nis2_more when more such cases were found.
  struct Nis2Line {
    std::string collection_id;
    std::string case_id;
    std::string case_name;
    cases::Nis2Clock clock;
  };
  std::vector<Nis2Line> nis2;
  bool nis2_more = false;
  size_t nis2_cases_read = 0;  // the bounds, for the page to state
  size_t nis2_list_budget = 0;
  size_t deadlines_total = 0;     // waiting messages found (more than shown when larger)
  bool deadlines_capped = false;  // a collection's read stopped at its bound
  int64_t now_us = 0;
};
std::string OverviewPage(const Viewer& viewer, const OverviewData& data);

struct BrowseForm {
  std::vector<store::Collection> collections;  // readable, for the select
  BrowseQuery query;
  std::string tlp_text;  // as given
};
std::string BrowsePageHtml(const Viewer& viewer, const BrowseForm& form, const BrowsePage& page);

std::string SearchPage(const Viewer& viewer, const std::string& q, const std::string& kind,
                       const std::vector<RowSummary>* results);

// `peers` (administrators only) fills the "What leaves and why" form.
std::string ObjectPage(const Viewer& viewer, const ObjectDetail& d,
                       const std::vector<std::string>* peers);

std::string ExplainPage(const Viewer& viewer, const Explanation& e);

// The TLP as a badge: <span class="tlp tlp-amber">TLP:AMBER</span>.
std::string TlpBadge(policy::Tlp tlp);

}  // namespace entente::web
