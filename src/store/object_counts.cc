#include "store/object_counts.h"

#include "store/records.h"

namespace entente::store {

// The scan itself, for stores that keep no counts (and as the reference the tests compare
// SqliteStore's kept counts with).
Result<VisibleCounts> Store::CountVisibleObjects(
    std::string_view collection_id, const std::function<bool(const policy::Labels&)>& visible,
    size_t budget) {
  VisibleCounts out;
  ObjectQuery q;
  q.collection_id = std::string(collection_id);
  q.visible = visible;
  size_t seen = 0;
  Status s = ScanObjects(q, [&](const ObjectRow& row) {
    if (seen == budget) {
      out.capped = true;
      return ScanAction::kStop;
    }
    ++seen;
    ++out.by_tlp[static_cast<int>(row.labels.tlp)];
    return ScanAction::kContinue;
  });
  if (!s.ok()) return s;
  return out;
}

IdCountState StateOf(const std::vector<LabelColumns>& versions) {
  IdCountState state;
  if (versions.empty()) return state;
  state.kind = IdCountState::Kind::kUniform;
  state.labels = versions.front();
  for (const LabelColumns& v : versions) {
    if (v != state.labels) return IdCountState{IdCountState::Kind::kMixed, {}};
  }
  return state;
}

void CountChanges::Bump(const LabelColumns& labels, int64_t delta) {
  if (last_delta_ == nullptr || labels != last_labels_) {
    last_delta_ = &deltas_[labels];
    last_labels_ = labels;
  }
  *last_delta_ += delta;
}

Status CountChanges::SetMixed(Connection& c, int64_t id_key, std::string_view id, bool mixed) {
  auto st = c.Prepare(mixed ? "INSERT OR IGNORE INTO object_mixed (collection, id_key, id) "
                              "VALUES (?1, ?2, ?3)"
                            : "DELETE FROM object_mixed WHERE collection = ?1 AND id_key = ?2 "
                              "AND id = ?3");
  if (!st.ok()) return st.status();
  st->Bind(1, collection_);
  st->Bind(2, id_key);
  st->BindStatic(3, id);
  Status s = st->Exec(mixed ? "count objects: mark an id mixed" : "count objects: unmark an id");
  st->Reset();
  return s;
}

Status CountChanges::AddVersion(Connection& c, int64_t id_key, std::string_view id,
                                const LabelColumns& first, const LabelColumns& last,
                                bool one_version, const LabelColumns& added) {
  // Versions that all carry one label have equal first and last: different ones mean the
  // id is mixed already, and stays so.
  if (first != last) return Status::Ok();
  if (!one_version) {
    auto st =
        c.Prepare("SELECT 1 FROM object_mixed WHERE collection = ?1 AND id_key = ?2 AND id = ?3");
    if (!st.ok()) return st.status();
    st->Bind(1, collection_);
    st->Bind(2, id_key);
    st->BindStatic(3, id);
    const int rc = st->Step();
    st->Reset();
    if (rc == SQLITE_ROW) return Status::Ok();
    if (rc != SQLITE_DONE) return SqliteError(rc, c.db(), "count objects: look up a mixed id");
  }
  if (added == last) return Status::Ok();
  Bump(last, -1);
  return SetMixed(c, id_key, id, true);
}

Status CountChanges::Move(Connection& c, int64_t id_key, std::string_view id,
                          const IdCountState& before, const IdCountState& after) {
  using Kind = IdCountState::Kind;
  if (before == after) return Status::Ok();
  if (before.kind == Kind::kUniform) Bump(before.labels, -1);
  if (after.kind == Kind::kUniform) Bump(after.labels, +1);
  const bool was_mixed = before.kind == Kind::kMixed, is_mixed = after.kind == Kind::kMixed;
  if (was_mixed != is_mixed) return SetMixed(c, id_key, id, is_mixed);
  return Status::Ok();
}

Status CountChanges::Apply(Connection& c) {
  last_delta_ = nullptr;
  if (deltas_.empty()) return Status::Ok();
  auto add = c.Prepare(
      "INSERT INTO object_counts (collection, tlp, audience, owner_org, n) "
      "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (collection, tlp, audience, owner_org) "
      "DO UPDATE SET n = n + excluded.n");
  auto drop = c.Prepare(
      "DELETE FROM object_counts WHERE collection = ?1 AND tlp = ?2 AND audience = ?3 "
      "AND owner_org = ?4 AND n = 0");
  if (!add.ok()) return add.status();
  if (!drop.ok()) return drop.status();
  for (const auto& [labels, delta] : deltas_) {
    if (delta == 0) continue;
    for (Statement* st : {&*add, &*drop}) {
      if (st == &*drop && delta > 0) continue;
      st->Bind(1, collection_);
      st->Bind(2, labels.tlp);
      st->BindStatic(3, labels.audience);
      st->BindStatic(4, labels.owner_org);
      if (st == &*add) st->Bind(5, delta);
      Status s = st->Exec("count objects: update a count");
      st->Reset();
      ENTENTE_RETURN_IF_ERROR(s);
    }
  }
  deltas_.clear();
  return Status::Ok();
}

namespace {

// The labels ScanObjects gives a row with these columns (sqlite_objects.cc ReadLabels).
void LabelsOf(int64_t tlp, std::string_view audience, std::string_view owner,
              policy::Labels* labels) {
  labels->tlp = TlpFromColumn(tlp);
  labels->audience = policy::DecodeAudience(audience, &labels->withheld_for, &labels->granular);
  labels->owner_org.assign(owner.data(), owner.size());
}

}  // namespace

Result<VisibleCounts> CountVisibleIn(Connection& c, int64_t collection_seq,
                                     const std::function<bool(const policy::Labels&)>& visible,
                                     size_t budget) {
  VisibleCounts out;
  size_t examined = 0;
  policy::Labels labels;
  // Ids whose versions share one label: the whole row is visible or not.
  auto rows =
      c.Prepare("SELECT tlp, audience, owner_org, n FROM object_counts WHERE collection = ?1");
  if (!rows.ok()) return rows.status();
  rows->Bind(1, collection_seq);
  int rc;
  while ((rc = rows->Step()) == SQLITE_ROW) {
    if (examined == budget) {
      out.capped = true;
      break;
    }
    ++examined;
    LabelsOf(rows->Int(0), rows->Text(1), rows->Text(2), &labels);
    if (visible(labels)) out.by_tlp[static_cast<int>(labels.tlp)] += rows->Int(3);
  }
  rows->Reset();
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    return SqliteError(rc, c.db(), "count objects: read counts");
  }
  if (out.capped) return out;
  // Mixed ids: the newest version the reader may see, as ScanObjects chooses it (the
  // greatest version_us; on ties the version stored first), decides the TLP. CROSS JOIN
  // keeps object_mixed the outer loop (SQLite does not reorder it): the planner would
  // otherwise walk the collection's objects and sort.
  auto versions = c.Prepare(
      "SELECT m.id_key, m.id, o.seq, o.version_us, o.tlp, o.audience, o.owner_org "
      "FROM object_mixed AS m CROSS JOIN objects AS o INDEXED BY objects_id "
      "ON o.collection = m.collection AND o.id_key = m.id_key AND o.id = m.id "
      "WHERE m.collection = ?1 ORDER BY m.id_key, m.id");
  if (!versions.ok()) return versions.status();
  versions->Bind(1, collection_seq);
  // The versions of mixed ids mostly share a few labels: each is decoded and decided once.
  using Key = std::tuple<int64_t, std::string, std::string>;
  std::map<Key, std::pair<bool, policy::Tlp>, std::less<>> decided;
  std::string id;
  int64_t id_key = 0;
  bool any = false, found = false;
  int64_t best_us = 0, best_seq = 0;
  policy::Tlp best_tlp = policy::Tlp::kAmber;
  auto close_id = [&] {
    if (found) ++out.by_tlp[static_cast<int>(best_tlp)];
    found = false;
  };
  while ((rc = versions->Step()) == SQLITE_ROW) {
    if (!any || versions->Int(0) != id_key || versions->Text(1) != id) {
      close_id();
      if (examined == budget) {
        out.capped = true;
        break;
      }
      ++examined;
      any = true;
      id_key = versions->Int(0);
      id.assign(versions->Text(1));
    }
    const auto key = std::make_tuple(versions->Int(4), versions->Text(5), versions->Text(6));
    auto it = decided.find(key);
    if (it == decided.end()) {
      LabelsOf(versions->Int(4), versions->Text(5), versions->Text(6), &labels);
      it = decided
               .emplace(Key(versions->Int(4), versions->Text(5), versions->Text(6)),
                        std::make_pair(visible(labels), labels.tlp))
               .first;
    }
    if (!it->second.first) continue;
    const int64_t seq = versions->Int(2), version_us = versions->Int(3);
    if (!found || version_us > best_us || (version_us == best_us && seq < best_seq)) {
      found = true;
      best_us = version_us;
      best_seq = seq;
      best_tlp = it->second.second;
    }
  }
  versions->Reset();
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    return SqliteError(rc, c.db(), "count objects: read mixed ids");
  }
  if (!out.capped) close_id();
  return out;
}

}  // namespace entente::store
