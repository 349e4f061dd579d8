// SqliteStore: reading the tombstones DeleteObject leaves (federation sends them on).
//
// A tombstone's seq is its rowid. Tombstones are only ever appended, and removed only
// with their collection, so within a collection the rowid only grows: a reader that
// resumes after the last seq it handled misses none and sees none twice.
#include <algorithm>
#include <cstdint>

#include "store/sqlite_store.h"

namespace entente::store {

Result<std::vector<Tombstone>> SqliteStore::ListTombstones(std::string_view collection_id,
                                                           int64_t after_seq, size_t limit) {
  auto r = BorrowReader();
  if (!r.ok()) return r.status();
  auto seq = CollectionSeq(**r, collection_id);
  if (!seq.ok()) return seq.status();
  auto st = (*r)->Prepare(
      "SELECT rowid, id, version, deleted_at_us FROM tombstones "
      "WHERE collection = ?1 AND rowid > ?2 ORDER BY rowid LIMIT ?3");
  if (!st.ok()) return st.status();
  st->Bind(1, *seq);
  st->Bind(2, after_seq);
  st->Bind(3, static_cast<int64_t>(std::min<size_t>(limit, INT64_MAX)));
  std::vector<Tombstone> out;
  int rc;
  while ((rc = st->Step()) == SQLITE_ROW) {
    Tombstone t;
    t.seq = st->Int(0);
    t.id = std::string(st->Text(1));
    t.version = std::string(st->Text(2));
    t.deleted_at_us = st->Int(3);
    out.push_back(std::move(t));
  }
  if (rc != SQLITE_DONE) return SqliteError(rc, (*r)->db(), "list tombstones");
  return out;
}

}  // namespace entente::store
