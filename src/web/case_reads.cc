#include "web/case_reads.h"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <functional>

#include "policy/access.h"
#include "policy/granular.h"
#include "web/reads.h"

namespace entente::web {

namespace {

namespace json = boost::json;

std::function<bool(const policy::Labels&)> Gate(const policy::Requester& who) {
  return [&who](const policy::Labels& labels) { return policy::MayRead(who, labels); };
}

// The collection `id` when the reader may read it; not-found `absent` otherwise.
Result<store::Collection> Readable(store::Store& store, const policy::Requester& who,
                                   const std::string& id, const Status& absent) {
  auto c = store.GetCollection(id);
  if (!c.ok()) return c.status().code() == StatusCode::kNotFound ? absent : c.status();
  if (!policy::AccessToCollection(who, c->readers, c->writers).can_read) return absent;
  return std::move(*c);
}

}  // namespace

Result<CaseListPage> ListCases(store::Store& store, const policy::Requester& who,
                               const CaseListQuery& query) {
  auto collections = ReadableCollections(store, who);
  if (!collections.ok()) return collections.status();
  CaseListPage page;
  for (const store::Collection& c : *collections) {
    if (!query.collection_id.empty() && c.id != query.collection_id) continue;
    store::ObjectQuery q;
    q.collection_id = c.id;
    if (!query.collection_id.empty()) q.added_after_us = query.after_us;
    q.visible = Gate(who);
    size_t examined = 0, found = 0;
    int64_t last_us = query.collection_id.empty() ? 0 : query.after_us.value_or(0);
    bool more = false;
    Status s = store.ScanObjects(q, [&](const store::ObjectRow& row) {
      if (!policy::MayRead(who, row.labels)) return store::ScanAction::kContinue;
      if (found == query.limit || examined == query.budget) {
        more = true;
        return store::ScanAction::kStop;
      }
      ++examined;
      last_us = row.date_added_us;
      if (row.type != "incident") return store::ScanAction::kContinue;
      const policy::ReaderView view = policy::ViewFor(who, row.labels, row.json);
      if (view.withheld) return store::ScanAction::kContinue;
      boost::system::error_code ec;
      json::value v = json::parse(view.rewritten.empty() ? row.json : view.rewritten, ec);
      if (ec || !v.is_object()) return store::ScanAction::kContinue;
      auto cv = cases::ReadCase(v.get_object());
      if (!cv.ok()) return store::ScanAction::kContinue;  // an incident that is not a case
      ++found;
      page.rows.push_back(CaseRow{c.id, c.title, row.date_added_us, std::move(*cv)});
      return store::ScanAction::kContinue;
    });
    if (!s.ok()) return s;
    if (more) page.more.push_back(CaseListMore{c.id, c.title, last_us});
  }
  return page;
}

Result<CaseDetail> ReadCaseDetail(store::Store& store, const policy::Requester& who,
                                  const std::string& collection_id, const std::string& case_id,
                                  int64_t now_us, size_t scan_cap) {
  const Status absent = Status::NotFound("no such case");
  auto c = Readable(store, who, collection_id, absent);
  if (!c.ok()) return c.status();
  cases::CaseBook book(store, *c);
  auto snap = book.Load(who, case_id, scan_cap);
  if (!snap.ok()) {
    // CaseBook says "no case ID in this collection" for an absent or hidden case: the
    // dashboard answers one sentence for both, whatever the id.
    return snap.status().code() == StatusCode::kNotFound ? absent : snap.status();
  }
  CaseDetail d;
  d.collection = std::move(*c);
  d.now_us = now_us;
  d.scan_cap = scan_cap;
  if (snap->now.nis2_awareness_us) {
    d.clocks = cases::Nis2Clocks(*snap->now.nis2_awareness_us, snap->submissions, now_us);
  }
  d.snapshot = std::move(*snap);
  return d;
}

Result<InboxPage> ReadInbox(store::Store& store, store::FederationState* peers,
                            const policy::Requester& who, int64_t now_us, const InboxQuery& query) {
  InboxPage page;
  if (who.identity_id.empty()) return page;
  auto collections = ReadableCollections(store, who);
  if (!collections.ok()) return collections.status();
  auto parties = cases::LoadNodeParties(store, peers);
  if (!parties.ok()) return parties.status();
  std::vector<InboxMessage> all;
  for (const store::Collection& c : *collections) {
    bool capped = false;
    auto states =
        cases::LoadMessages(store, c.id, *parties, now_us, Gate(who), query.max_rows, &capped);
    if (!states.ok()) return states.status();
    if (capped) {
      page.capped = true;
      page.capped_collections.push_back(c.title);
    }
    for (auto& st : *states) {
      const bool to_me = st.message.to == who.identity_id;
      const bool from_me = st.message.from == who.identity_id;
      // An organisation's inbox holds what was addressed to it; "sent" what it sent.
      if (query.sent ? !from_me : !to_me) continue;
      InboxMessage m;
      m.collection_id = c.id;
      m.collection_title = c.title;
      m.to_reader = to_me;
      for (const auto& step : st.steps) {
        if (step.what == cases::Step::What::kEscalated) ++m.escalations;
      }
      m.state = std::move(st);
      all.push_back(std::move(m));
    }
  }
  std::stable_sort(all.begin(), all.end(), [](const InboxMessage& a, const InboxMessage& b) {
    return a.state.message.sent_us > b.state.message.sent_us;
  });
  page.total = all.size();
  if (query.offset < all.size()) {
    const size_t end = std::min(all.size(), query.offset + query.limit);
    for (size_t i = query.offset; i < end; ++i) page.messages.push_back(std::move(all[i]));
    page.more = end < all.size();
  }
  return page;
}

Result<cases::Record> AcknowledgeMessage(store::Store& store, store::FederationState* peers,
                                         const policy::Requester& who, const std::string& org_id,
                                         const std::string& collection_id,
                                         const std::string& message_id, const std::string& note,
                                         std::string ack_id, int64_t now_us, size_t max_rows) {
  const Status absent = Status::NotFound("no such message");
  auto c = Readable(store, who, collection_id, absent);
  if (!c.ok()) return c.status();
  if (who.identity_id.empty()) return absent;
  auto parties = cases::LoadNodeParties(store, peers);
  if (!parties.ok()) return parties.status();
  auto states = cases::LoadMessages(store, c->id, *parties, now_us, Gate(who), max_rows);
  if (!states.ok()) return states.status();
  std::string contact;
  bool found = false;
  for (const auto& st : *states) {
    if (st.message.id != message_id || st.message.to != who.identity_id) continue;
    found = true;
    // The contact the message is with now, as `entente hotline ack` names by default.
    if (st.current < st.message.chain.size()) contact = st.message.chain[st.current];
  }
  if (!found) return absent;
  auto org = store.GetOrganisation(org_id);
  if (!org.ok()) return org.status();
  auto r = cases::Acknowledge(store, *c, *parties, *org, message_id, contact, note,
                              std::move(ack_id), now_us);
  if (!r.ok() && r.status().code() == StatusCode::kNotFound) return absent;
  return r;
}

}  // namespace entente::web
