#include "web/record_reads.h"

#include <algorithm>
#include <limits>
#include <variant>

#include "federation/egress.h"
#include "federation/peer.h"
#include "policy/access.h"
#include "taxii/receipt.h"
#include "web/reads.h"

namespace entente::web {

namespace {

bool Holds(const std::vector<std::string>& names, const std::string& name) {
  return name.empty() || std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

Result<RecordPage> ReadRecord(audit::AuditLog& log, store::Store& store,
                              const policy::Requester& who, const std::string& org_id, bool admin,
                              const RecordQuery& query) {
  RecordPage page;
  page.receipts_only = !admin;
  auto head = log.LatestHead();
  if (!head.ok()) return head.status();
  page.head = *head;
  // An administrator examines every entry stored (the file, which other processes append
  // to as well: not this object's Size()); anyone else up to the signed head.
  page.bound =
      admin ? std::numeric_limits<uint64_t>::max() : (page.head ? page.head->head.tree_size : 0);
  if (query.from >= page.bound || query.budget == 0) return page;
  audit::EntryFilter f;
  f.subject = query.subject;
  f.kind = query.kind;
  f.after_index = query.from;
  f.limit = query.budget;  // no organisation/peer filter here: SQL's LIMIT bounds the read
  auto entries = log.List(f);
  if (!entries.ok()) return entries.status();
  uint64_t next = query.from;
  bool reached_bound = false;
  for (auto& e : *entries) {
    if (e.index >= page.bound) {
      reached_bound = true;  // what lies beyond is not this reader's to page through
      break;
    }
    if (page.rows.size() == query.limit) {
      page.more = true;
      break;
    }
    next = e.index + 1;
    if (!Holds(audit::EntryOrganisations(e.entry), query.organisation) ||
        !Holds(audit::EntryPeers(e.entry), query.peer)) {
      continue;
    }
    if (!admin) {
      auto may = taxii::ReceiptReadable(store, who, org_id, e.entry);
      if (!may.ok()) return may.status();
      if (!*may) continue;
    }
    auto text = audit::EncodeEntry(e);
    if (!text.ok()) return text.status();
    RecordRow row;
    row.leaf_hash = audit::HashLeaf(*text);
    if (page.head && e.index < page.head->head.tree_size) {
      auto proof = log.InclusionProof(e.index, page.head->head.tree_size);
      if (!proof.ok()) return proof.status();
      row.proof = std::move(*proof);
      row.proof_size = page.head->head.tree_size;
    }
    row.entry = std::move(e);
    row.text = std::move(*text);
    page.rows.push_back(std::move(row));
  }
  // The budget ran out before the bound: more may follow (told only below the bound).
  if (!page.more && !reached_bound && entries->size() == query.budget && next < page.bound) {
    page.more = true;
  }
  if (page.more) page.next_from = next;
  return page;
}

Result<std::vector<PeerWitness>> ReadPeerWitness(store::FederationState& peers, size_t heads,
                                                 size_t alarms) {
  auto list = peers.ListPeers();
  if (!list.ok()) return list.status();
  std::vector<PeerWitness> out;
  for (auto& p : *list) {
    PeerWitness w;
    auto status = peers.GetStatus(p.name);
    if (!status.ok()) return status.status();
    w.status = std::move(*status);
    auto kept = peers.WitnessedHeads(p.name, true, heads);
    if (!kept.ok()) return kept.status();
    w.heads = std::move(*kept);
    auto raised = peers.WitnessAlarms(p.name);
    if (!raised.ok()) return raised.status();
    w.alarm_count = raised->size();
    const size_t skip = raised->size() > alarms ? raised->size() - alarms : 0;
    w.alarms.assign(raised->begin() + static_cast<std::ptrdiff_t>(skip), raised->end());
    // What `entente peer list` shows in its WITNESS column (cli/peer_witness.h).
    if (w.alarm_count > 0) {
      w.summary = "ALARM (" + std::to_string(w.alarm_count) + ")";
    } else {
      w.summary = w.heads.empty() ? "-" : "ok " + std::to_string(w.heads.back().tree_size);
    }
    w.peer = std::move(p);
    out.push_back(std::move(w));
  }
  return out;
}

Result<WithheldReport> ReadWithheld(store::Store& store, store::FederationState& peers,
                                    audit::AuditLog* log, const policy::Requester& who,
                                    const std::string& peer_name, int64_t since_us, size_t budget) {
  auto peer = peers.GetPeer(peer_name);
  if (!peer.ok()) {
    if (peer.status().code() == StatusCode::kNotFound) return Status::NotFound("no such peer");
    return peer.status();
  }
  WithheldReport r;
  r.since_us = since_us;
  auto status = peers.GetStatus(peer_name);
  if (!status.ok()) return status.status();
  r.status = std::move(*status);
  // What the record says: egress decisions about the peer among the newest entries.
  if (log != nullptr) {
    r.record_available = true;
    const uint64_t size = log->Size();
    audit::EntryFilter f;
    f.kind = audit::EntryKind::kEgressDecision;
    f.after_index = size > budget ? size - budget : 0;
    f.limit = budget;
    auto entries = log->List(f);
    if (!entries.ok()) return entries.status();
    for (auto& e : *entries) {
      const auto* d = std::get_if<audit::EgressDecision>(&e.entry.body);
      if (d == nullptr || d->peer != peer_name || d->decision == audit::Decision::kSent) continue;
      r.recorded.push_back(std::move(e));
    }
    std::reverse(r.recorded.begin(), r.recorded.end());  // newest first
  }
  // The push's own decision now, for what was added to its collections in the window.
  auto all = peers.ListPeers();
  if (!all.ok()) return all.status();
  auto settings = store.GetSettings();
  if (!settings.ok()) return settings.status();
  const policy::PeerProfile profile = federation::ProfileOf(*peer);
  for (const auto& link : peer->push) {
    if (r.examined == budget) {
      r.capped = true;
      break;
    }
    auto c = store.GetCollection(link.local);
    if (!c.ok()) {
      if (c.status().code() == StatusCode::kNotFound) continue;
      return c.status();
    }
    // Only what the administrator's own organisation may read (the gate of every page).
    if (!policy::AccessToCollection(who, c->readers, c->writers).can_read) continue;
    store::ObjectQuery q;
    q.collection_id = c->id;
    q.added_after_us = since_us;
    q.match_last = false;
    q.match_all = true;
    q.visible = [&who](const policy::Labels& l) { return policy::MayRead(who, l); };
    struct Row {
      std::string id, type, version, json;
      int64_t date_added_us;
      policy::Labels labels;
    };
    std::vector<Row> rows;
    Status s = store.ScanObjects(q, [&](const store::ObjectRow& row) {
      if (!policy::MayRead(who, row.labels)) return store::ScanAction::kContinue;
      if (r.examined == budget) {
        r.capped = true;
        return store::ScanAction::kStop;
      }
      ++r.examined;
      rows.push_back({std::string(row.id), std::string(row.type), std::string(row.version),
                      std::string(row.json), row.date_added_us, row.labels});
      return store::ScanAction::kContinue;
    });
    if (!s.ok()) return s;
    std::vector<std::pair<std::string_view, std::string_view>> keys;
    for (const Row& row : rows) keys.emplace_back(row.id, row.version);
    auto provenance = store.GetProvenances(c->id, keys);
    if (!provenance.ok()) return provenance.status();
    for (size_t i = 0; i < rows.size(); ++i) {
      const Row& row = rows[i];
      auto egress = federation::PrepareEgress(profile, *all, settings->name, row.id, row.json,
                                              row.labels, (*provenance)[i]);
      std::string reason;
      if (!egress.ok()) {
        reason = egress.status().message();  // the push withholds it too ("not sent")
      } else if (!egress->decision.send) {
        reason = egress->decision.reason;
      } else {
        continue;
      }
      r.now.push_back(
          WithheldRow{c->id, row.id, row.type, row.version, row.date_added_us, std::move(reason)});
    }
  }
  std::reverse(r.now.begin(), r.now.end());  // newest first (per collection, then links)
  r.peer = std::move(*peer);
  return r;
}

}  // namespace entente::web
