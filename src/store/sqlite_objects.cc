// SqliteStore: object versions (add, scan, delete, count).
#include <algorithm>
#include <memory>
#include <mutex>
#include <string>

#include "store/object_counts.h"
#include "store/records.h"
#include "store/sqlite_store.h"
#include "store/write_observer.h"

namespace entente::store {
namespace {

// One version of the object being added that is already stored.
struct StoredVersion {
  int64_t seq = 0;
  int64_t version_us = 0;
  LabelColumns labels;  // for the counts (store/object_counts.h)
};

// Reads the labels stored beside a version from the columns tlp, audience and owner_org,
// in that order from column `first` (the audience text also carries withheld_for and
// granular).
void ReadLabels(const Statement& st, int first, policy::Labels* labels) {
  labels->tlp = TlpFromColumn(st.Int(first));
  labels->audience =
      policy::DecodeAudience(st.Text(first + 1), &labels->withheld_for, &labels->granular);
  std::string_view owner = st.Text(first + 2);
  labels->owner_org.assign(owner.data(), owner.size());
}

// Appends " AND <column> IN (?n, ...)" for `count` parameters starting at *next.
void AppendIn(std::string* sql, const char* column, size_t count, int* next) {
  if (count == 0) return;
  *sql += " AND ";
  *sql += column;
  *sql += " IN (";
  for (size_t i = 0; i < count; ++i) {
    if (i > 0) *sql += ", ";
    *sql += '?';
    *sql += std::to_string((*next)++);
  }
  *sql += ')';
}

// Where adds to a collection continue from: its key and the greatest date_added it has
// assigned. kNotFound when there is no such collection.
struct AddPosition {
  int64_t seq = 0;
  int64_t last_added_us = 0;
};

Result<AddPosition> ReadAddPosition(Connection& c, std::string_view collection_id) {
  auto coll = c.Prepare("SELECT seq, last_added_us FROM collections WHERE id = ?1");
  if (!coll.ok()) return coll.status();
  coll->Bind(1, collection_id);
  int rc = coll->Step();
  if (rc == SQLITE_DONE) return Status::NotFound("no collection " + std::string(collection_id));
  if (rc != SQLITE_ROW) return SqliteError(rc, c.db(), "add objects: find collection");
  return AddPosition{coll->Int(0), coll->Int(1)};
}

}  // namespace

// Holds the writer (write_mu_) from the first Add after a commit until the next Commit.
// Once enough objects have come through it, it keeps a KnownIds filter of the
// collection so that ids certainly new skip the index lookup (most of a bulk load).
class SqliteStore::SqliteBulkAdd final : public Store::BulkAdd {
 public:
  SqliteBulkAdd(SqliteStore* store, std::string_view collection)
      : store_(store), collection_(collection), lock_(store->write_mu_, std::defer_lock) {}
  ~SqliteBulkAdd() override { Discard(); }

  Result<std::vector<AddResult>> Add(const std::vector<NewObject>& objects) override {
    Connection& c = *store_->writer_;
    if (!lock_.owns_lock()) {
      lock_.lock();
      Status s = store_->BeginWrite("bulk add");
      if (!s.ok()) {
        lock_.unlock();
        return s;
      }
    }
    seen_ += objects.size();
    std::vector<AddResult> results;
    Status s = RefreshKnownIds(c);
    if (s.ok()) s = store_->AddObjectsIn(c, collection_, objects, &results, known_.get());
    if (!s.ok()) {
      Discard();
      return s;
    }
    return results;
  }

  Status Commit() override {
    if (!lock_.owns_lock()) return Status::Ok();
    Status s = store_->CommitWrite("bulk add");  // rolled back when it fails
    lock_.unlock();
    return s;
  }

 private:
  // A filter costs a scan of the collection's id index: worth it only once this bulk
  // add has brought some objects, and while the collection holds at most
  // kStoredPerSeen stored versions for each object brought so far.
  static constexpr size_t kMinSeen = 20000;
  static constexpr size_t kStoredPerSeen = 8;

  // Drops the filter if another writer or a rollback changed the collection since it
  // was made, or if it is over capacity; (re)loads it when worth it.
  Status RefreshKnownIds(Connection& c) {
    if (seen_ < kMinSeen) return Status::Ok();
    auto at = ReadAddPosition(c, collection_);
    if (!at.ok()) {  // AddObjectsIn reports a missing collection
      return at.status().code() == StatusCode::kNotFound ? Status::Ok() : at.status();
    }
    const int64_t seq = at->seq, last_added = at->last_added_us;
    if (known_ != nullptr && known_->as_of_last_added == last_added &&
        known_->count() <= known_->capacity()) {
      return Status::Ok();
    }
    known_.reset();
    if (seen_ < next_load_at_) return Status::Ok();
    const size_t limit = seen_ * kStoredPerSeen;
    auto keys = c.Prepare("SELECT id_key FROM objects WHERE collection = ?1 LIMIT ?2");
    if (!keys.ok()) return keys.status();
    keys->Bind(1, seq);
    keys->Bind(2, static_cast<int64_t>(limit));
    std::vector<int64_t> stored;
    int rc;
    while ((rc = keys->Step()) == SQLITE_ROW) stored.push_back(keys->Int(0));
    if (rc != SQLITE_DONE) return SqliteError(rc, c.db(), "bulk add: read id keys");
    if (stored.size() >= limit) {  // too large for now; try again when twice as far
      next_load_at_ = seen_ * 2;
      return Status::Ok();
    }
    known_ = std::make_unique<KnownIds>(2 * (stored.size() + seen_));
    for (int64_t k : stored) known_->Add(k);
    known_->as_of_last_added = last_added;
    return Status::Ok();
  }

  void Discard() {
    if (!lock_.owns_lock()) return;
    store_->RollbackWrite();
    lock_.unlock();
  }

  SqliteStore* const store_;
  const std::string collection_;
  std::unique_lock<std::mutex> lock_;  // owned while a transaction is open
  size_t seen_ = 0;                    // objects passed to Add
  size_t next_load_at_ = 0;
  std::unique_ptr<KnownIds> known_;
};

Result<std::unique_ptr<Store::BulkAdd>> SqliteStore::BeginBulkAdd(std::string_view collection_id) {
  return std::unique_ptr<BulkAdd>(new SqliteBulkAdd(this, collection_id));
}

Result<std::vector<AddResult>> SqliteStore::AddObjects(std::string_view collection_id,
                                                       const std::vector<NewObject>& objects) {
  std::vector<AddResult> results;
  Status s = InWriteTransaction("add objects", [&](Connection& c) {
    return AddObjectsIn(c, collection_id, objects, &results);
  });
  if (!s.ok()) return s;
  return results;
}

Result<std::vector<AddResult>> SqliteStore::AddObjectsAndCheckpoint(
    std::string_view collection_id, const std::vector<NewObject>& objects, std::string_view name,
    std::string_view checkpoint) {
  std::vector<AddResult> results;
  Status s = InWriteTransaction("add objects and checkpoint", [&](Connection& c) -> Status {
    ENTENTE_RETURN_IF_ERROR(AddObjectsIn(c, collection_id, objects, &results));
    auto st = c.Prepare("INSERT OR REPLACE INTO checkpoints (name, value) VALUES (?1, ?2)");
    if (!st.ok()) return st.status();
    st->Bind(1, name);
    st->Bind(2, checkpoint);
    return st->Exec("save checkpoint");
  });
  if (!s.ok()) return s;
  return results;
}

Result<std::string> SqliteStore::GetCheckpoint(std::string_view name) {
  auto r = BorrowReader();
  if (!r.ok()) return r.status();
  auto st = (*r)->Prepare("SELECT value FROM checkpoints WHERE name = ?1");
  if (!st.ok()) return st.status();
  st->Bind(1, name);
  int rc = st->Step();
  if (rc == SQLITE_DONE) return std::string();
  if (rc != SQLITE_ROW) return SqliteError(rc, (*r)->db(), "read checkpoint");
  return std::string(st->Text(0));
}

Status SqliteStore::AddObjectsIn(Connection& c, std::string_view collection_id,
                                 const std::vector<NewObject>& objects, std::vector<AddResult>* out,
                                 KnownIds* known) {
  for (const auto& o : objects) {
    if (o.id.empty()) return Status::InvalidArgument("object to add has an empty id");
  }
  std::vector<AddResult>& results = *out;
  results.clear();
  results.reserve(objects.size());
  auto at = ReadAddPosition(c, collection_id);
  if (!at.ok()) return at.status();
  const int64_t seq = at->seq;
  int64_t last_added = at->last_added_us;
  int rc;

  // Every stored version of the id that decides something: the same version (all the
  // copies of an unversioned object share ""), the first and the last.
  auto find = c.Prepare(
      "SELECT seq, version, version_us, is_first, is_last, date_added_us, owner_org, tlp, "
      "audience FROM objects WHERE collection = ?1 AND id_key = ?4 AND id = ?2 "
      "AND (version = ?3 OR is_first = 1 OR is_last = 1)");
  auto clear_first = c.Prepare("UPDATE objects SET is_first = 0 WHERE seq = ?1");
  auto clear_last = c.Prepare("UPDATE objects SET is_last = 0 WHERE seq = ?1");
  auto insert = c.Prepare(
      "INSERT INTO objects (collection, date_added_us, id, version, version_us, type, "
      "spec_version, tlp, audience, owner_org, is_first, is_last, json, id_key) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)");
  auto insert_value =
      c.Prepare("INSERT OR IGNORE INTO object_values (object, value) VALUES (?1, ?2)");
  for (auto* st : {&find, &clear_first, &clear_last, &insert, &insert_value}) {
    if (!st->ok()) return st->status();
  }
  // One clock reading per transaction; date_added still increases strictly per row.
  const int64_t now = clock_->NowMicros();
  CountChanges counts(seq);
  LabelColumns added_labels;
  std::string audience;
  std::string other_owner;
  for (const NewObject& o : objects) {
    const bool versioned = !o.version.empty();
    const int64_t id_key = keyer_.KeyOf(o.id);
    std::optional<int64_t> duplicate_added;
    std::optional<StoredVersion> first, last;
    other_owner.clear();
    if (known == nullptr || known->MayContain(id_key)) {
      find->Bind(1, seq);
      find->BindStatic(2, o.id);
      find->BindStatic(3, o.version);
      find->Bind(4, id_key);
      while ((rc = find->Step()) == SQLITE_ROW) {
        const std::string_view row_owner = find->Text(6);
        const bool mine = row_owner == o.labels.owner_org;
        if (versioned) {
          // A versioned id is owned by the owner of its first version (versions stored
          // before ownership was enforced may have others; the creator's stays decisive).
          if (find->Int(3) != 0) other_owner.assign(mine ? std::string_view() : row_owner);
          if (find->Text(1) == o.version) duplicate_added = find->Int(5);
        } else if (find->Text(1).empty() && mine) {
          duplicate_added = find->Int(5);  // only this owner's copy is "already present"
        }
        if (find->Int(3) != 0 || find->Int(4) != 0) {
          StoredVersion stored{find->Int(0), find->Int(2), {find->Int(7), {}, {}}};
          stored.labels.audience.assign(find->Text(8));
          stored.labels.owner_org.assign(row_owner);
          if (find->Int(3) != 0) first = stored;
          if (find->Int(4) != 0) last = std::move(stored);
        }
      }
      find->Reset();
      if (rc != SQLITE_DONE) return SqliteError(rc, c.db(), "add objects: look up " + o.id);
    }
    AddResult result;
    if (!other_owner.empty()) {
      if (!o.override_owner) {
        results.push_back({AddOutcome::kNotOwner, 0, {}});
        continue;
      }
      result.overridden_owner = other_owner;
    }
    if (duplicate_added) {
      result.outcome = AddOutcome::kDuplicate;
      result.date_added_us = *duplicate_added;
      results.push_back(std::move(result));
      continue;
    }
    // Only with a version it adds: a version already held keeps where it came from (a
    // node's own object sent back to it does not become the peer's).
    if (o.provenance.has_value()) {
      ENTENTE_RETURN_IF_ERROR(RecordProvenanceIn(c, collection_id, o.id, o.version, *o.provenance));
    }
    int64_t added = std::max(now, last_added + 1);
    last_added = added;
    // An unversioned object's copies are its versions in date_added order.
    const int64_t version_us = versioned ? o.version_us : added;
    // Ties keep the version stored first.
    bool is_first = !first || version_us < first->version_us;
    bool is_last = !last || version_us > last->version_us;
    if (is_first && first) {
      clear_first->Bind(1, first->seq);
      ENTENTE_RETURN_IF_ERROR(clear_first->Exec("add objects: move first version"));
      clear_first->Reset();
    }
    if (is_last && last) {
      clear_last->Bind(1, last->seq);
      ENTENTE_RETURN_IF_ERROR(clear_last->Exec("add objects: move last version"));
      clear_last->Reset();
    }
    audience = policy::EncodeAudience(o.labels.audience, o.labels.withheld_for, o.labels.granular);
    insert->Bind(1, seq);
    insert->Bind(2, added);
    insert->BindStatic(3, o.id);
    insert->BindStatic(4, o.version);
    insert->Bind(5, version_us);
    insert->BindStatic(6, o.type);
    insert->BindStatic(7, o.spec_version);
    insert->Bind(8, static_cast<int64_t>(o.labels.tlp));
    insert->BindStatic(9, audience);
    // Under an override the version joins its id's owner.
    const std::string& stored_owner =
        result.overridden_owner.empty() ? o.labels.owner_org : result.overridden_owner;
    insert->BindStatic(10, stored_owner);
    insert->Bind(11, int64_t{is_first ? 1 : 0});
    insert->Bind(12, int64_t{is_last ? 1 : 0});
    insert->BindStatic(13, o.json);
    insert->Bind(14, id_key);
    if (insert->Step() != SQLITE_DONE) {
      return SqliteError(sqlite3_extended_errcode(c.db()), c.db(), "add objects: insert " + o.id);
    }
    insert->Reset();
    const int64_t row_seq = sqlite3_last_insert_rowid(c.db());
    added_labels.tlp = static_cast<int64_t>(o.labels.tlp);
    added_labels.audience.assign(audience);
    added_labels.owner_org.assign(stored_owner);
    if (first && last) {
      ENTENTE_RETURN_IF_ERROR(counts.AddVersion(c, id_key, o.id, first->labels, last->labels,
                                                first->seq == last->seq, added_labels));
    } else {
      counts.AddNewId(added_labels);
    }
    for (const std::string& value : o.values) {
      insert_value->Bind(1, row_seq);
      insert_value->BindStatic(2, value);
      ENTENTE_RETURN_IF_ERROR(insert_value->Exec("add objects: index a value"));
      insert_value->Reset();
    }
    if (known != nullptr) known->Add(id_key);
    result.date_added_us = added;
    results.push_back(std::move(result));
  }
  ENTENTE_RETURN_IF_ERROR(counts.Apply(c));
  auto mark = c.Prepare("UPDATE collections SET last_added_us = ?2 WHERE seq = ?1");
  if (!mark.ok()) return mark.status();
  mark->Bind(1, seq);
  mark->Bind(2, last_added);
  ENTENTE_RETURN_IF_ERROR(mark->Exec("add objects: record last date_added"));
  if (options_.observer != nullptr) {
    ENTENTE_RETURN_IF_ERROR(options_.observer->ObjectsAdded(collection_id, objects, results));
  }
  if (known != nullptr) known->as_of_last_added = last_added;
  return Status::Ok();
}

Status SqliteStore::ScanObjects(const ObjectQuery& q,
                                const std::function<ScanAction(const ObjectRow&)>& visit) {
  auto r = BorrowReader();
  if (!r.ok()) return r.status();
  Connection& c = **r;
  auto seq = CollectionSeq(c, q.collection_id);
  if (!seq.ok()) return seq.status();

  // The SQL text carries placeholders only; its shape depends on which filters are set.
  std::string sql =
      "SELECT date_added_us, id, type, spec_version, version, json, tlp, audience, owner_org, "
      "seq, version_us, is_first, is_last, id_key FROM objects";
  // With ids, read their few versions through the key index and sort them; with one
  // type, walk that type's rows in date_added order (schema version 7), so that a rare
  // type costs its own rows only; otherwise walk the collection in date_added order (the
  // planner, without statistics, would walk the whole collection for an id lookup too).
  const bool one_type = q.ids.empty() && q.types.size() == 1;
  sql += !q.ids.empty() ? " INDEXED BY objects_id"
         : one_type     ? " INDEXED BY objects_type_added"
                        : " INDEXED BY objects_added";
  sql += " WHERE collection = ?1";
  int next = 2;
  const bool after = q.added_after_us.has_value();
  if (after) sql += " AND date_added_us > ?" + std::to_string(next++);
  const int id_keys_at = next;
  AppendIn(&sql, "id_key", q.ids.size(), &next);
  const int ids_at = next;
  AppendIn(&sql, "id", q.ids.size(), &next);
  const int types_at = next;
  if (one_type) {
    sql += " AND type = ?" + std::to_string(next++);  // an equality, for the index order
  } else {
    AppendIn(&sql, "type", q.types.size(), &next);
  }
  const int specs_at = next;
  AppendIn(&sql, "spec_version", q.spec_versions.size(), &next);
  const int versions_at = next;
  // With a visibility filter the first/last a reader gets may be a version that is not
  // the stored first/last: every version is read and the versions are chosen below.
  const bool choose_versions = q.visible && !q.match_all;
  if (!q.match_all && !choose_versions) {
    std::string any;
    auto add = [&any](const std::string& term) { any += (any.empty() ? "" : " OR ") + term; };
    if (q.match_first) add("is_first = 1");
    if (q.match_last) add("is_last = 1");
    if (!q.version_us.empty()) {
      std::string in = "version_us IN (";
      for (size_t i = 0; i < q.version_us.size(); ++i) {
        in += (i > 0 ? ", ?" : "?") + std::to_string(next++);
      }
      add(in + ")");
    }
    sql += any.empty() ? " AND 0" : " AND (" + any + ")";
  }
  sql += q.newest_first ? " ORDER BY date_added_us DESC" : " ORDER BY date_added_us";

  auto st = c.Prepare(sql);
  if (!st.ok()) return st.status();
  st->Bind(1, *seq);
  if (after) st->Bind(2, *q.added_after_us);
  for (size_t i = 0; i < q.ids.size(); ++i) {
    st->Bind(id_keys_at + static_cast<int>(i), keyer_.KeyOf(q.ids[i]));
    st->BindStatic(ids_at + static_cast<int>(i), q.ids[i]);
  }
  for (size_t i = 0; i < q.types.size(); ++i) {
    st->BindStatic(types_at + static_cast<int>(i), q.types[i]);
  }
  for (size_t i = 0; i < q.spec_versions.size(); ++i) {
    st->BindStatic(specs_at + static_cast<int>(i), q.spec_versions[i]);
  }
  if (!q.match_all && !choose_versions) {
    for (size_t i = 0; i < q.version_us.size(); ++i) {
      st->Bind(versions_at + static_cast<int>(i), q.version_us[i]);
    }
  }

  // Whether a version the filter accepts exists beyond (newer than, or older than) the
  // row (version_us, seq) of the same id: first/last ties go to the version stored first.
  policy::Labels other;
  auto accepted_beyond = [&](bool newer_side, int64_t id_key, std::string_view id,
                             int64_t version_us, int64_t row_seq) -> Result<bool> {
    auto beyond =
        c.Prepare(newer_side ? "SELECT tlp, audience, owner_org FROM objects INDEXED BY objects_id "
                               "WHERE collection = ?1 AND id_key = ?2 AND id = ?3 "
                               "AND (version_us > ?4 OR (version_us = ?4 AND seq < ?5))"
                             : "SELECT tlp, audience, owner_org FROM objects INDEXED BY objects_id "
                               "WHERE collection = ?1 AND id_key = ?2 AND id = ?3 "
                               "AND (version_us < ?4 OR (version_us = ?4 AND seq < ?5))");
    if (!beyond.ok()) return beyond.status();
    beyond->Bind(1, *seq);
    beyond->Bind(2, id_key);
    beyond->BindStatic(3, id);
    beyond->Bind(4, version_us);
    beyond->Bind(5, row_seq);
    int brc;
    bool found = false;
    while (!found && (brc = beyond->Step()) == SQLITE_ROW) {
      ReadLabels(*beyond, 0, &other);
      found = q.visible(other);
    }
    if (!found && brc != SQLITE_DONE) {
      beyond->Reset();
      return SqliteError(brc, c.db(), "scan objects: look up versions");
    }
    beyond->Reset();
    return found;
  };

  ObjectRow row;
  int rc;
  while ((rc = st->Step()) == SQLITE_ROW) {
    row.date_added_us = st->Int(0);
    row.id = st->Text(1);
    row.type = st->Text(2);
    row.spec_version = st->Text(3);
    row.version = st->Text(4);
    row.json = st->Text(5);
    ReadLabels(*st, 6, &row.labels);
    if (q.visible && !q.visible(row.labels)) continue;
    if (choose_versions) {
      const int64_t version_us = st->Int(10);
      bool wanted =
          std::find(q.version_us.begin(), q.version_us.end(), version_us) != q.version_us.end();
      // Only a version that is not its id's stored last (first) costs a lookup.
      for (bool newer_side : {true, false}) {
        if (wanted || !(newer_side ? q.match_last : q.match_first)) continue;
        if (st->Int(newer_side ? 12 : 11) != 0) {
          wanted = true;
          continue;
        }
        auto beyond = accepted_beyond(newer_side, st->Int(13), row.id, version_us, st->Int(9));
        if (!beyond.ok()) return beyond.status();
        wanted = !*beyond;
      }
      if (!wanted) continue;
    }
    if (visit(row) == ScanAction::kStop) return Status::Ok();
  }
  if (rc != SQLITE_DONE) return SqliteError(rc, c.db(), "scan objects");
  return Status::Ok();
}

Result<int64_t> SqliteStore::DeleteObject(std::string_view collection_id, std::string_view id,
                                          const std::vector<std::string>& versions,
                                          std::string_view owner_org) {
  int64_t removed = 0;
  Status s = InWriteTransaction("delete object", [&](Connection& c) -> Status {
    removed = 0;
    auto seq = CollectionSeq(c, collection_id);
    if (!seq.ok()) return seq.status();
    const int64_t id_key = keyer_.KeyOf(id);
    auto list = c.Prepare(
        "SELECT seq, version, owner_org, tlp, audience FROM objects "
        "WHERE collection = ?1 AND id_key = ?3 AND id = ?2");
    if (!list.ok()) return list.status();
    list->Bind(1, *seq);
    list->Bind(2, id);
    list->Bind(3, id_key);
    std::vector<std::pair<int64_t, std::string>> doomed;
    std::vector<LabelColumns> before, after;  // the labels of the versions, for the counts
    int rc;
    while ((rc = list->Step()) == SQLITE_ROW) {
      std::string_view v = list->Text(1);
      LabelColumns labels{list->Int(3), std::string(list->Text(4)), std::string(list->Text(2))};
      before.push_back(labels);
      if ((owner_org.empty() || list->Text(2) == owner_org) &&
          (versions.empty() || std::find(versions.begin(), versions.end(), v) != versions.end())) {
        doomed.emplace_back(list->Int(0), std::string(v));
      } else {
        after.push_back(std::move(labels));
      }
    }
    list->Reset();
    if (rc != SQLITE_DONE) return SqliteError(rc, c.db(), "delete object: list versions");
    if (doomed.empty()) return Status::Ok();

    auto del = c.Prepare("DELETE FROM objects WHERE seq = ?1");
    auto tomb = c.Prepare(
        "INSERT INTO tombstones (collection, id, version, deleted_at_us) VALUES (?1, ?2, ?3, ?4)");
    if (!del.ok()) return del.status();
    if (!tomb.ok()) return tomb.status();
    const int64_t now = clock_->NowMicros();
    for (const auto& [row_seq, version] : doomed) {
      del->Bind(1, row_seq);
      ENTENTE_RETURN_IF_ERROR(del->Exec("delete object: remove version"));
      del->Reset();
      tomb->Bind(1, *seq);
      tomb->Bind(2, id);
      tomb->Bind(3, version);
      tomb->Bind(4, now);
      ENTENTE_RETURN_IF_ERROR(tomb->Exec("delete object: write tombstone"));
      tomb->Reset();
    }
    removed = static_cast<int64_t>(doomed.size());
    CountChanges counts(*seq);
    ENTENTE_RETURN_IF_ERROR(counts.Move(c, id_key, id, StateOf(before), StateOf(after)));
    ENTENTE_RETURN_IF_ERROR(counts.Apply(c));
    if (options_.observer != nullptr) {
      std::vector<std::string> gone;
      gone.reserve(doomed.size());
      for (const auto& d : doomed) gone.push_back(d.second);
      ENTENTE_RETURN_IF_ERROR(
          options_.observer->VersionsDeleted(collection_id, id, gone, owner_org));
    }
    // The remaining versions elect their first and last again (ties: stored first).
    auto flags = c.Prepare(
        "UPDATE objects SET "
        "is_first = (seq = (SELECT seq FROM objects WHERE collection = ?1 AND id_key = ?3 "
        "AND id = ?2 ORDER BY version_us ASC, seq ASC LIMIT 1)), "
        "is_last = (seq = (SELECT seq FROM objects WHERE collection = ?1 AND id_key = ?3 "
        "AND id = ?2 ORDER BY version_us DESC, seq ASC LIMIT 1)) "
        "WHERE collection = ?1 AND id_key = ?3 AND id = ?2");
    if (!flags.ok()) return flags.status();
    flags->Bind(1, *seq);
    flags->Bind(2, id);
    flags->Bind(3, id_key);
    return flags->Exec("delete object: update first/last flags");
  });
  if (!s.ok()) return s;
  return removed;
}

Result<int64_t> SqliteStore::CountObjects(std::string_view collection_id) {
  auto r = BorrowReader();
  if (!r.ok()) return r.status();
  auto seq = CollectionSeq(**r, collection_id);
  if (!seq.ok()) return seq.status();
  auto st = (*r)->Prepare("SELECT count(*) FROM objects WHERE collection = ?1");
  if (!st.ok()) return st.status();
  st->Bind(1, *seq);
  int rc = st->Step();
  if (rc != SQLITE_ROW) return SqliteError(rc, (*r)->db(), "count objects");
  return st->Int(0);
}

Result<VisibleCounts> SqliteStore::CountVisibleObjects(
    std::string_view collection_id, const std::function<bool(const policy::Labels&)>& visible,
    size_t budget) {
  auto r = BorrowReader();
  if (!r.ok()) return r.status();
  // One read transaction: the counts and the mixed ids of one snapshot.
  ENTENTE_RETURN_IF_ERROR((*r)->ExecScript("BEGIN", "count objects: begin"));
  auto seq = CollectionSeq(**r, collection_id);
  Result<VisibleCounts> out =
      seq.ok() ? CountVisibleIn(**r, *seq, visible, budget) : Result<VisibleCounts>(seq.status());
  Status ended = (*r)->ExecScript("COMMIT", "count objects: end");
  if (!out.ok()) return out;
  if (!ended.ok()) return ended;
  return out;
}

Status SqliteStore::ScanValueHolders(const std::vector<std::string>& values,
                                     const std::function<ScanAction(const ValueHolder&)>& visit) {
  if (values.empty()) return Status::Ok();
  auto r = BorrowReader();
  if (!r.ok()) return r.status();
  Connection& c = **r;
  // One value at a time: each is one range of the value index.
  auto st = c.Prepare(
      "SELECT v.value, c.id, o.id, o.type, o.version FROM object_values AS v "
      "INDEXED BY object_values_value JOIN objects AS o ON o.seq = v.object "
      "JOIN collections AS c ON c.seq = o.collection WHERE v.value = ?1");
  if (!st.ok()) return st.status();
  for (const std::string& value : values) {
    st->BindStatic(1, value);
    int rc;
    while ((rc = st->Step()) == SQLITE_ROW) {
      ValueHolder h{st->Text(0), st->Text(1), st->Text(2), st->Text(3), st->Text(4)};
      if (visit(h) == ScanAction::kStop) {
        st->Reset();
        return Status::Ok();
      }
    }
    st->Reset();
    if (rc != SQLITE_DONE) return SqliteError(rc, c.db(), "scan value holders");
  }
  return Status::Ok();
}

}  // namespace entente::store
