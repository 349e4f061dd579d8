// The dashboard's pages and JSON calls (WebHandler::Page and ::Api, web/handler.h): each
// route loads its data through the gate (web/reads.h, web/explain.h) once, then renders
// it as HTML (web/pages.h) or JSON (web/api.h).
#include <algorithm>

#include <boost/json/serialize.hpp>

#include "common/timestamp.h"
#include "web/api.h"
#include "web/handler.h"
#include "web/responses.h"

namespace entente::web {

namespace {

// Rows read per collection to count it: distinct labels, plus objects whose versions carry
// different labels (reads.h CountObjects); past it the counts show "+".
constexpr size_t kCountCap = 20000;
constexpr size_t kChartCapPerHour = 1000;
constexpr size_t kSearchLimit = 200;
constexpr size_t kRecentSightings = 10;
constexpr int64_t kDayUs = 24LL * 3600 * 1'000'000;
constexpr size_t kDeadlinesShown = 5;
constexpr size_t kNis2ListBudget = 5000;    // rows per collection the cases are looked for in
constexpr size_t kNis2CasesRead = 3;        // cases whose clocks the overview reads
constexpr size_t kNis2CaseScanCap = 20000;  // as the case page
constexpr size_t kInboxScan = 1000;         // messages looked at for the overview's deadlines
constexpr size_t kInboxMaxRows = 20000;     // rows read per collection, as the inbox page

std::string Param(const http::Request& req, std::string_view key) {
  for (const auto& [k, v] : req.query) {
    if (k == key) return v;
  }
  return "";
}

Result<OverviewData> LoadOverview(store::Store& store, store::FederationState* peers,
                                  const policy::Requester& who, bool admin, int64_t now_us) {
  OverviewData d;
  d.count_cap = kCountCap;
  d.chart_cap_per_hour = kChartCapPerHour;
  auto counts = CountObjects(store, who, kCountCap);
  if (!counts.ok()) return counts.status();
  d.collections = std::move(*counts);
  auto hourly = AddedPerHour(store, who, now_us, 24, kChartCapPerHour);
  if (!hourly.ok()) return hourly.status();
  d.hourly = std::move(*hourly);
  auto sightings_hourly = AddedPerHour(store, who, now_us, 24, kChartCapPerHour, {"sighting"});
  if (!sightings_hourly.ok()) return sightings_hourly.status();
  d.sightings_hourly = std::move(*sightings_hourly);
  auto sightings = RecentSightings(store, who, now_us - kDayUs, now_us, kRecentSightings);
  if (!sightings.ok()) return sightings.status();
  d.sightings = std::move(*sightings);
  // Running deadlines: what waits for this organisation's acknowledgement.
  InboxQuery inbox;
  inbox.limit = kInboxScan;
  inbox.max_rows = kInboxMaxRows;
  auto messages = ReadInbox(store, peers, who, now_us, inbox);
  if (!messages.ok()) return messages.status();
  d.now_us = now_us;
  d.deadlines_capped = messages->capped;
  for (auto& m : messages->messages) {
    if (m.to_reader && !m.state.acknowledged && m.state.phase != cases::Phase::kAcknowledged) {
      d.deadlines.push_back(std::move(m));
    }
  }
  std::sort(d.deadlines.begin(), d.deadlines.end(),
            [](const auto& a, const auto& b) { return a.state.deadline_us < b.state.deadline_us; });
  d.deadlines_total = d.deadlines.size();
  if (d.deadlines.size() > kDeadlinesShown) d.deadlines.resize(kDeadlinesShown);
  // The NIS2 clocks of the newest cases under NIS2, each read as its page reads it.
  CaseListQuery list;
  list.budget = kNis2ListBudget;
  d.nis2_cases_read = kNis2CasesRead;
  d.nis2_list_budget = kNis2ListBudget;
  auto listed = ListCases(store, who, list);
  if (!listed.ok()) return listed.status();
  std::vector<const CaseRow*> under_nis2;
  for (const CaseRow& row : listed->rows) {
    if (row.view.nis2_awareness_us) under_nis2.push_back(&row);
  }
  std::sort(under_nis2.begin(), under_nis2.end(), [](const CaseRow* a, const CaseRow* b) {
    return *a->view.nis2_awareness_us > *b->view.nis2_awareness_us;
  });
  d.nis2_more = under_nis2.size() > kNis2CasesRead;
  if (d.nis2_more) under_nis2.resize(kNis2CasesRead);
  for (const CaseRow* row : under_nis2) {
    auto detail =
        ReadCaseDetail(store, who, row->collection_id, row->view.id, now_us, kNis2CaseScanCap);
    if (!detail.ok()) {
      if (detail.status().code() == StatusCode::kNotFound) continue;
      return detail.status();
    }
    for (const cases::Nis2Clock& clock : detail->clocks) {
      if (clock.status == cases::ClockStatus::kDue ||
          clock.status == cases::ClockStatus::kOverdue) {
        d.nis2.push_back({row->collection_id, row->view.id, row->view.name, clock});
      }
    }
  }
  std::sort(d.nis2.begin(), d.nis2.end(),
            [](const auto& a, const auto& b) { return a.clock.due_us < b.clock.due_us; });
  if (admin && peers != nullptr) {
    auto list = peers->ListPeers();
    if (!list.ok()) return list.status();
    d.peers.emplace();
    for (auto& p : *list) {
      auto status = peers->GetStatus(p.name);
      if (!status.ok()) return status.status();
      d.peers->push_back(PeerLine{std::move(p), std::move(*status)});
    }
  }
  return d;
}

Result<std::pair<BrowseForm, BrowsePage>> LoadBrowse(store::Store& store,
                                                     const policy::Requester& who,
                                                     const http::Request& req) {
  BrowseForm form;
  auto collections = ReadableCollections(store, who);
  if (!collections.ok()) return collections.status();
  form.collections = std::move(*collections);
  form.query.collection_id = Param(req, "collection");
  form.query.type = Param(req, "type");
  form.query.community = Param(req, "community");
  form.tlp_text = Param(req, "tlp");
  if (!form.tlp_text.empty()) {
    policy::Tlp tlp;
    if (!policy::ParseTlp(form.tlp_text, &tlp)) {
      return Status::InvalidArgument("unknown TLP (tlp: clear, green, amber, amber+strict, red)");
    }
    form.query.tlp = tlp;
  }
  if (std::string after = Param(req, "after"); !after.empty()) {
    auto t = ParseTimestamp(after);
    if (!t.ok()) return Status::InvalidArgument("after: not an RFC 3339 timestamp");
    form.query.after_us = t->micros;
  }
  if (form.query.collection_id.empty()) {
    if (form.collections.empty()) return std::make_pair(std::move(form), BrowsePage{});
    form.query.collection_id = form.collections.front().id;
  }
  auto page = Browse(store, who, form.query);
  if (!page.ok()) return page.status();
  return std::make_pair(std::move(form), std::move(*page));
}

bool LooksLikeId(std::string_view q) {
  const size_t dash = q.find("--");
  return dash != std::string_view::npos && dash > 0 && q.find(' ') == std::string_view::npos;
}

// Results by id when `q` looks like a STIX id, else by value (the value index).
Result<std::vector<RowSummary>> LoadSearch(store::Store& store, const policy::Requester& who,
                                           const std::string& q, std::string* kind) {
  if (LooksLikeId(q)) {
    *kind = "id";
    return FindById(store, who, q);
  }
  *kind = "value";
  return SearchValue(store, who, q, kSearchLimit);
}

// The object page's object: in the collection given, else in the first readable
// collection that holds a version the reader may see.
Result<ObjectDetail> LoadObject(store::Store& store, const policy::Requester& who,
                                const http::Request& req) {
  const std::string id = Param(req, "id");
  std::string collection = Param(req, "collection");
  if (id.empty()) return Status::NotFound("no such object");
  if (collection.empty()) {
    auto found = FindById(store, who, id);
    if (!found.ok()) return found.status();
    if (found->empty()) return Status::NotFound("no such object");
    collection = found->front().collection_id;
  }
  return ReadObject(store, who, collection, id);
}

}  // namespace

http::Response WebHandler::Page(const http::Request& req, const Caller& caller,
                                std::string_view route) {
  const Viewer& v = caller.viewer;
  const policy::Requester& who = caller.requester;
  if (route == "/") {
    auto d = LoadOverview(store_, peers_, who, v.admin, clock_.NowMicros());
    if (!d.ok()) return ErrorPage(&v, d.status());
    return HtmlPage(200, OverviewPage(v, *d));
  }
  if (route == "/browse") {
    auto d = LoadBrowse(store_, who, req);
    if (!d.ok()) return ErrorPage(&v, d.status());
    return HtmlPage(200, BrowsePageHtml(v, d->first, d->second));
  }
  if (route == "/search") {
    const std::string q = Param(req, "q");
    if (q.empty()) return HtmlPage(200, SearchPage(v, q, "", nullptr));
    std::string kind;
    auto results = LoadSearch(store_, who, q, &kind);
    if (!results.ok()) return ErrorPage(&v, results.status());
    return HtmlPage(200, SearchPage(v, q, kind, &*results));
  }
  if (route == "/object") {
    auto d = LoadObject(store_, who, req);
    if (!d.ok()) return ErrorPage(&v, d.status());
    std::vector<std::string> names;
    if (v.admin && peers_ != nullptr) {
      auto list = peers_->ListPeers();
      if (!list.ok()) return ErrorPage(&v, list.status());
      for (const auto& p : *list) names.push_back(p.name);
    }
    return HtmlPage(200, ObjectPage(v, *d, v.admin ? &names : nullptr));
  }
  if (route == "/explain") {
    if (!v.admin || peers_ == nullptr) {
      return HtmlPage(403, MessagePage(&v, "Administrators only",
                                       "What leaves for a peer is shown to the node's "
                                       "administrator organisations."));
    }
    auto e = ExplainEgress(store_, *peers_, who, Param(req, "collection"), Param(req, "id"),
                           Param(req, "peer"));
    if (!e.ok()) return ErrorPage(&v, e.status());
    return HtmlPage(200, ExplainPage(v, *e));
  }
  if (auto res = ViewPage(req, caller, route)) return std::move(*res);
  return ErrorPage(&v, Status::NotFound("no such page"));
}

http::Response WebHandler::Api(const http::Request& req, const Caller& caller,
                               std::string_view route) {
  const Viewer& v = caller.viewer;
  const policy::Requester& who = caller.requester;
  if (route == "overview") {
    auto d = LoadOverview(store_, peers_, who, v.admin, clock_.NowMicros());
    if (!d.ok()) return ErrorJson(d.status());
    return Json(200, OverviewJson(*d));
  }
  if (route == "browse") {
    auto d = LoadBrowse(store_, who, req);
    if (!d.ok()) return ErrorJson(d.status());
    return Json(200, BrowseJson(d->first, d->second));
  }
  if (route == "search") {
    const std::string q = Param(req, "q");
    if (q.empty()) return ErrorJson(Status::InvalidArgument("q: a value or an id is required"));
    std::string kind;
    auto results = LoadSearch(store_, who, q, &kind);
    if (!results.ok()) return ErrorJson(results.status());
    return Json(200, SearchJson(q, kind, *results));
  }
  if (route == "object") {
    auto d = LoadObject(store_, who, req);
    if (!d.ok()) return ErrorJson(d.status());
    return Json(200, ObjectJson(*d));
  }
  if (route == "explain") {
    if (!v.admin || peers_ == nullptr) {
      return ErrorJson(Status::PermissionDenied("administrators only"));
    }
    auto e = ExplainEgress(store_, *peers_, who, Param(req, "collection"), Param(req, "id"),
                           Param(req, "peer"));
    if (!e.ok()) return ErrorJson(e.status());
    return Json(200, ExplainJson(*e));
  }
  if (auto res = ViewApi(req, caller, route)) return std::move(*res);
  return ErrorJson(Status::NotFound("no such call"));
}

}  // namespace entente::web
