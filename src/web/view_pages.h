// web/view_pages.h: the pages and JSON of the views added after the first dashboard:
// cases with their participants and NIS2 clocks, the hotline inbox, the record with its
// signed head and the peers' witness state, and what was withheld from a peer
// (docs/dashboard.md). Written from data already read through the gate
// (web/case_reads.h, web/record_reads.h); rendering reads nothing itself.
//
// As web/pages.h: every text goes through web::Html, links through web::Href, no inline
// script or style, real forms and links. The one state-changing form (Acknowledge)
// carries the session's CSRF token. Remaining times are written by the server
// ("due in 3 h 12 min"); app.js may tick them down from their data-deadline attribute.
// Pure functions, safe from any thread.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "web/case_reads.h"
#include "web/pages.h"
#include "web/record_reads.h"

namespace entente::web {

// "in 2 d 3 h", "in 4 h 12 min", "in 35 s" or "5 h 2 min ago" (deadline - now).
std::string RemainingText(int64_t deadline_us, int64_t now_us);

std::string CasesPageHtml(const Viewer& viewer, const CaseListQuery& query,
                          const CaseListPage& page);
std::string CasePageHtml(const Viewer& viewer, const CaseDetail& d);
// `notice`: a line shown above the list (after an acknowledgement), "" for none.
std::string InboxPageHtml(const Viewer& viewer, const InboxQuery& query, const InboxPage& page,
                          int64_t now_us, const std::string& notice);
// `kind_text`: the kind filter as given. `peers`: administrators only (else null).
std::string RecordPageHtml(const Viewer& viewer, const RecordQuery& query,
                           const std::string& kind_text, const RecordPage& page,
                           const std::vector<PeerWitness>* peers);
std::string WithheldPageHtml(const Viewer& viewer, const WithheldReport& r);

boost::json::object CasesJson(const CaseListPage& page);
boost::json::object CaseJson(const CaseDetail& d);
boost::json::object InboxJson(const InboxPage& page, int64_t now_us);
boost::json::object RecordJson(const RecordPage& page, const std::vector<PeerWitness>* peers);
boost::json::object WithheldJson(const WithheldReport& r);

}  // namespace entente::web
