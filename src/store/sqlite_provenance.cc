// SqliteStore: the provenance of object versions (fed_provenance_v2).
#include <string>

#include "store/records.h"
#include "store/sqlite_store.h"

namespace entente::store {
namespace {

// Rows are appended in seq order and found through a narrow index on
// VersionKey(object_id, version) (lookups compare the text columns too): an index on the
// ids themselves was ~110 bytes an entry in random order, so every commit of a large
// pull rewrote pages all over it.
constexpr const char* kProvenanceSchema = R"sql(
CREATE TABLE IF NOT EXISTS fed_provenance_v2 (
  seq INTEGER PRIMARY KEY,
  version_key INTEGER NOT NULL,
  collection TEXT NOT NULL,
  object_id TEXT NOT NULL,
  version TEXT NOT NULL,
  origin TEXT NOT NULL,
  path TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS fed_provenance_key ON fed_provenance_v2 (version_key);
)sql";

// Parameters: VersionKey, collection, object id, version.
constexpr char kSelectProvenance[] =
    "SELECT origin, path FROM fed_provenance_v2 WHERE version_key = ?1 AND collection = ?2 AND "
    "object_id = ?3 AND version = ?4";
// Parameters: VersionKey, collection, object id, version, origin, path (JSON array).
constexpr char kInsertProvenance[] =
    "INSERT INTO fed_provenance_v2(version_key, collection, object_id, version, origin, path) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6)";

Result<bool> TableExists(Connection& c, std::string_view name) {
  auto st = c.Prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1");
  if (!st.ok()) return st.status();
  st->Bind(1, name);
  const int rc = st->Step();
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteError(rc, c.db(), "look for table " + std::string(name));
}

Status InsertProvenance(Connection& c, int64_t key, std::string_view collection,
                        std::string_view id, std::string_view version, std::string_view origin,
                        std::string_view path_json) {
  auto ins = c.Prepare(kInsertProvenance);
  if (!ins.ok()) return ins.status();
  ins->Bind(1, key);
  ins->BindStatic(2, collection);
  ins->BindStatic(3, id);
  ins->BindStatic(4, version);
  ins->BindStatic(5, origin);
  ins->BindStatic(6, path_json);
  return ins->Exec("record provenance of " + std::string(id));
}

}  // namespace

Status SqliteStore::PrepareProvenance() {
  bool ready = false;
  {
    std::lock_guard<std::mutex> lock(write_mu_);
    auto current = TableExists(*writer_, "fed_provenance_v2");
    if (!current.ok()) return current.status();
    auto old = TableExists(*writer_, "fed_provenance");
    if (!old.ok()) return old.status();
    ready = *current && !*old;
  }
  if (ready) return Status::Ok();
  return InWriteTransaction("prepare provenance", [](Connection& c) -> Status {
    ENTENTE_RETURN_IF_ERROR(c.ExecScript(kProvenanceSchema, "create the provenance table"));
    auto old = TableExists(c, "fed_provenance");
    if (!old.ok()) return old.status();
    if (!*old) return Status::Ok();
    // Earlier releases kept provenance keyed by the id text: move it, in its order.
    auto read = c.Prepare(
        "SELECT collection, object_id, version, origin, path FROM fed_provenance ORDER BY rowid");
    if (!read.ok()) return read.status();
    int rc;
    while ((rc = read->Step()) == SQLITE_ROW) {
      ENTENTE_RETURN_IF_ERROR(InsertProvenance(c, VersionKey(read->Text(1), read->Text(2)),
                                               read->Text(0), read->Text(1), read->Text(2),
                                               read->Text(3), read->Text(4)));
    }
    if (rc != SQLITE_DONE) return SqliteError(rc, c.db(), "read fed_provenance");
    read->Reset();
    return c.ExecScript("DROP TABLE fed_provenance", "drop fed_provenance");
  });
}

Status SqliteStore::RecordProvenanceIn(Connection& c, std::string_view collection_id,
                                       std::string_view id, std::string_view version,
                                       const Provenance& p) {
  const int64_t key = VersionKey(id, version);
  auto find = c.Prepare(kSelectProvenance);
  if (!find.ok()) return find.status();
  find->Bind(1, key);
  find->BindStatic(2, collection_id);
  find->BindStatic(3, id);
  find->BindStatic(4, version);
  const int rc = find->Step();
  if (rc == SQLITE_ROW) return Status::Ok();  // the first provenance recorded is kept
  if (rc != SQLITE_DONE) return SqliteError(rc, c.db(), "look up provenance of " + std::string(id));
  return InsertProvenance(c, key, collection_id, id, version, p.origin, EncodeStringList(p.path));
}

Result<std::vector<std::optional<Provenance>>> SqliteStore::GetProvenances(
    std::string_view collection_id,
    const std::vector<std::pair<std::string_view, std::string_view>>& versions) {
  std::vector<std::optional<Provenance>> out(versions.size());
  if (versions.empty()) return out;
  auto r = BorrowReader();
  if (!r.ok()) return r.status();
  // One read transaction: every answer comes from the same snapshot.
  ENTENTE_RETURN_IF_ERROR((*r)->ExecScript("BEGIN", "get provenance: begin"));
  Status failed = [&]() -> Status {
    auto st = (*r)->Prepare(kSelectProvenance);
    if (!st.ok()) return st.status();
    for (size_t i = 0; i < versions.size(); ++i) {
      const auto& [id, version] = versions[i];
      st->Bind(1, VersionKey(id, version));
      st->BindStatic(2, collection_id);
      st->BindStatic(3, id);
      st->BindStatic(4, version);
      const int rc = st->Step();
      if (rc == SQLITE_ROW) {
        const std::string_view path = st->Text(1);
        Provenance p;
        p.origin = st->String(0);
        p.path = DecodeStringList(path);
        if (p.path.empty() && path != "[]") {
          return Status::Corruption("fed_provenance_v2.path is not a JSON array");
        }
        out[i] = std::move(p);
      } else if (rc != SQLITE_DONE) {
        return SqliteError(rc, (*r)->db(), "get provenance");
      }
      st->Reset();
    }
    return Status::Ok();
  }();
  (void)(*r)->ExecScript("COMMIT", "get provenance: end");  // a read: nothing to lose
  if (!failed.ok()) return failed;
  return out;
}

}  // namespace entente::store
