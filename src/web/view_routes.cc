// The routes of cases, the hotline, the record and the peers (WebHandler::ViewPage,
// ::ViewApi and ::AcknowledgePost, web/handler.h): each loads its data through the gate
// (web/case_reads.h, web/record_reads.h) once, then renders it as HTML or JSON
// (web/view_pages.h). Administrator-only routes answer a non-administrator as the
// explain page does: 403 "Administrators only" (JSON: {"error": ...} with 403).
#include "common/timestamp.h"
#include "http/query.h"
#include "web/handler.h"
#include "web/responses.h"
#include "web/view_pages.h"

namespace entente::web {

namespace {

constexpr size_t kCaseScanCap = 20000;    // notes, reports, relationships per case page
constexpr size_t kHotlineRowCap = 20000;  // hotline notes per collection
constexpr size_t kRecordBudget = 2000;    // entries examined per record page
constexpr size_t kWitnessHeads = 5;
constexpr size_t kWitnessAlarms = 20;
constexpr size_t kWithheldBudget = 2000;  // versions decided per withheld page
constexpr int64_t kWithheldWindowUs = 7LL * 24 * 3600 * 1'000'000;

std::string Param(const std::vector<http::QueryParam>& params, std::string_view key) {
  for (const auto& [k, v] : params) {
    if (k == key) return v;
  }
  return "";
}

Result<CaseListQuery> CasesQuery(const http::Request& req) {
  CaseListQuery q;
  q.collection_id = Param(req.query, "collection");
  if (std::string after = Param(req.query, "after"); !after.empty()) {
    auto t = ParseTimestamp(after);
    if (!t.ok()) return Status::InvalidArgument("after: not an RFC 3339 timestamp");
    q.after_us = t->micros;
  }
  return q;
}

Result<InboxQuery> HotlineQuery(const http::Request& req) {
  InboxQuery q;
  q.sent = !Param(req.query, "sent").empty();
  q.max_rows = kHotlineRowCap;
  if (std::string offset = Param(req.query, "offset"); !offset.empty()) {
    if (offset.size() > 9 || offset.find_first_not_of("0123456789") != std::string::npos) {
      return Status::InvalidArgument("offset: a number");
    }
    q.offset = std::stoul(offset);
  }
  return q;
}

Result<RecordQuery> RecordFilter(const http::Request& req, std::string* kind_text) {
  RecordQuery q;
  q.budget = kRecordBudget;
  q.subject = Param(req.query, "subject");
  q.organisation = Param(req.query, "org");
  q.peer = Param(req.query, "peer");
  *kind_text = Param(req.query, "kind");
  if (!kind_text->empty()) {
    auto k = audit::KindFromName(*kind_text);
    if (!k.ok()) return Status::InvalidArgument("kind: not a kind of record entry");
    q.kind = *k;
  }
  if (std::string from = Param(req.query, "from"); !from.empty()) {
    if (from.size() > 18 || from.find_first_not_of("0123456789") != std::string::npos) {
      return Status::InvalidArgument("from: an entry index");
    }
    q.from = std::stoull(from);
  }
  return q;
}

http::Response AdminOnly(const Viewer& v, bool api) {
  if (api) return ErrorJson(Status::PermissionDenied("administrators only"));
  return HtmlPage(403, MessagePage(&v, "Administrators only",
                                   "The node's peers and what leaves for them are shown to the "
                                   "node's administrator organisations."));
}

}  // namespace

std::optional<http::Response> WebHandler::ViewPage(const http::Request& req, const Caller& caller,
                                                   std::string_view route) {
  const Viewer& v = caller.viewer;
  const policy::Requester& who = caller.requester;
  if (route == "/cases") {
    auto q = CasesQuery(req);
    if (!q.ok()) return ErrorPage(&v, q.status());
    auto page = ListCases(store_, who, *q);
    if (!page.ok()) return ErrorPage(&v, page.status());
    return HtmlPage(200, CasesPageHtml(v, *q, *page));
  }
  if (route == "/case") {
    auto d = ReadCaseDetail(store_, who, Param(req.query, "collection"), Param(req.query, "id"),
                            clock_.NowMicros(), kCaseScanCap);
    if (!d.ok()) return ErrorPage(&v, d.status());
    return HtmlPage(200, CasePageHtml(v, *d));
  }
  if (route == "/hotline") {
    auto q = HotlineQuery(req);
    if (!q.ok()) return ErrorPage(&v, q.status());
    const int64_t now = clock_.NowMicros();
    auto page = ReadInbox(store_, peers_, who, now, *q);
    if (!page.ok()) return ErrorPage(&v, page.status());
    // After an acknowledgement (POST, then 303 here): said only of a message shown.
    const std::string acked = Param(req.query, "acked");
    std::string notice;
    for (const auto& m : page->messages) {
      if (!acked.empty() && m.state.message.id == acked && m.state.acknowledged) {
        notice = "Acknowledged " + acked + ".";
      }
    }
    return HtmlPage(200, InboxPageHtml(v, *q, *page, now, notice));
  }
  if (route == "/record") {
    std::string kind_text;
    auto q = RecordFilter(req, &kind_text);
    if (!q.ok()) return ErrorPage(&v, q.status());
    RecordPage page;
    if (options_.record != nullptr) {
      auto read = ReadRecord(*options_.record, store_, who, v.org_id, v.admin, *q);
      if (!read.ok()) return ErrorPage(&v, read.status());
      page = std::move(*read);
    }
    page.receipts_only = !v.admin;
    std::optional<std::vector<PeerWitness>> peers;
    if (v.admin && peers_ != nullptr) {
      auto w = ReadPeerWitness(*peers_, kWitnessHeads, kWitnessAlarms);
      if (!w.ok()) return ErrorPage(&v, w.status());
      peers = std::move(*w);
    }
    return HtmlPage(200, RecordPageHtml(v, *q, kind_text, page, peers ? &*peers : nullptr));
  }
  if (route == "/peer") {
    if (!v.admin || peers_ == nullptr) return AdminOnly(v, false);
    const int64_t now = clock_.NowMicros();
    auto r = ReadWithheld(store_, *peers_, options_.record, who, Param(req.query, "name"),
                          now - kWithheldWindowUs, kWithheldBudget);
    if (!r.ok()) return ErrorPage(&v, r.status());
    return HtmlPage(200, WithheldPageHtml(v, *r));
  }
  return std::nullopt;
}

std::optional<http::Response> WebHandler::ViewApi(const http::Request& req, const Caller& caller,
                                                  std::string_view route) {
  const Viewer& v = caller.viewer;
  const policy::Requester& who = caller.requester;
  if (route == "cases") {
    auto q = CasesQuery(req);
    if (!q.ok()) return ErrorJson(q.status());
    auto page = ListCases(store_, who, *q);
    if (!page.ok()) return ErrorJson(page.status());
    return Json(200, CasesJson(*page));
  }
  if (route == "case") {
    auto d = ReadCaseDetail(store_, who, Param(req.query, "collection"), Param(req.query, "id"),
                            clock_.NowMicros(), kCaseScanCap);
    if (!d.ok()) return ErrorJson(d.status());
    return Json(200, CaseJson(*d));
  }
  if (route == "hotline") {
    auto q = HotlineQuery(req);
    if (!q.ok()) return ErrorJson(q.status());
    const int64_t now = clock_.NowMicros();
    auto page = ReadInbox(store_, peers_, who, now, *q);
    if (!page.ok()) return ErrorJson(page.status());
    return Json(200, InboxJson(*page, now));
  }
  if (route == "record") {
    std::string kind_text;
    auto q = RecordFilter(req, &kind_text);
    if (!q.ok()) return ErrorJson(q.status());
    RecordPage page;
    if (options_.record != nullptr) {
      auto read = ReadRecord(*options_.record, store_, who, v.org_id, v.admin, *q);
      if (!read.ok()) return ErrorJson(read.status());
      page = std::move(*read);
    }
    page.receipts_only = !v.admin;
    std::optional<std::vector<PeerWitness>> peers;
    if (v.admin && peers_ != nullptr) {
      auto w = ReadPeerWitness(*peers_, kWitnessHeads, kWitnessAlarms);
      if (!w.ok()) return ErrorJson(w.status());
      peers = std::move(*w);
    }
    return Json(200, RecordJson(page, peers ? &*peers : nullptr));
  }
  if (route == "peer") {
    if (!v.admin || peers_ == nullptr) return AdminOnly(v, true);
    const int64_t now = clock_.NowMicros();
    auto r = ReadWithheld(store_, *peers_, options_.record, who, Param(req.query, "name"),
                          now - kWithheldWindowUs, kWithheldBudget);
    if (!r.ok()) return ErrorJson(r.status());
    return Json(200, WithheldJson(*r));
  }
  return std::nullopt;
}

http::Response WebHandler::AcknowledgePost(const http::Request& req) {
  auto caller = Authenticate(req);
  if (!caller.ok()) {
    if (caller.status().code() != StatusCode::kUnauthenticated) {
      return ErrorPage(nullptr, caller.status());
    }
    return Redirect("/ui/login");
  }
  const Viewer& v = caller->viewer;
  auto form = http::ParseQuery(req.body, 16);
  if (!form.ok() || !SecretEquals(Param(*form, "csrf"), v.csrf)) {
    return HtmlPage(403, MessagePage(&v, "Refused", "The request carried no valid CSRF token."));
  }
  const std::string message = Param(*form, "message");
  auto r = AcknowledgeMessage(store_, peers_, caller->requester, v.org_id,
                              Param(*form, "collection"), message, Param(*form, "note"),
                              "note--" + NewUuid4(random_), clock_.NowMicros(), kHotlineRowCap);
  if (!r.ok()) return ErrorPage(&v, r.status());
  http::Response res = Redirect("/ui/hotline?acked=" + http::EncodeQueryValue(message));
  res.log_user = v.org_id;
  return res;
}

}  // namespace entente::web
