#include "federation/peer_store.h"

#include <openssl/sha.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <initializer_list>
#include <tuple>
#include <variant>

namespace entente::federation {
namespace {

namespace json = boost::json;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS fed_peers (
  name TEXT PRIMARY KEY,
  config TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS fed_checkpoints (
  peer TEXT NOT NULL,
  direction TEXT NOT NULL,
  remote_collection TEXT NOT NULL,
  local_collection TEXT NOT NULL,
  added_after TEXT NOT NULL DEFAULT '',
  next_cursor TEXT NOT NULL DEFAULT '',
  next_last TEXT NOT NULL DEFAULT '',
  pushed_until_us INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (peer, direction, remote_collection, local_collection)
);
-- Where each version came from. Rows are appended in seq order and found through a
-- narrow index on VersionKey(object_id, version) (lookups compare the text columns
-- too): an index on the ids themselves was ~110 bytes an entry in random order, so
-- every commit of a large pull rewrote pages all over it.
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
-- Push links get a small number, so that fed_pushed stays narrow.
CREATE TABLE IF NOT EXISTS fed_links (
  seq INTEGER PRIMARY KEY,
  peer TEXT NOT NULL,
  local_collection TEXT NOT NULL,
  remote_collection TEXT NOT NULL,
  UNIQUE (peer, local_collection, remote_collection)
);
-- Versions a peer acknowledged, so that their deletion follows them there: a 64-bit key
-- of (object id, version) (VersionKey), and the id the peer holds when sovereignty
-- rules changed it (NULL when the same).
CREATE TABLE IF NOT EXISTS fed_pushed (
  link INTEGER NOT NULL,
  version_key INTEGER NOT NULL,
  remote_id TEXT,
  PRIMARY KEY (link, version_key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS fed_status (
  peer TEXT PRIMARY KEY,
  last_attempt_us INTEGER NOT NULL DEFAULT 0,
  last_success_us INTEGER NOT NULL DEFAULT 0,
  lag_us INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  pulled INTEGER NOT NULL DEFAULT 0,
  pushed INTEGER NOT NULL DEFAULT 0,
  withheld INTEGER NOT NULL DEFAULT 0,
  refused INTEGER NOT NULL DEFAULT 0,
  failures INTEGER NOT NULL DEFAULT 0
);
)sql";

using Param = std::variant<std::string_view, int64_t, std::monostate>;

// Parameters: VersionKey, collection, object id, version.
constexpr char kSelectProvenance[] =
    "SELECT origin, path FROM fed_provenance_v2 WHERE version_key = ? AND collection = ? AND "
    "object_id = ? AND version = ?";
// Parameters: VersionKey, collection, object id, version, origin, path (JSON array).
constexpr char kInsertProvenance[] =
    "INSERT INTO fed_provenance_v2(version_key, collection, object_id, version, origin, path) "
    "VALUES(?, ?, ?, ?, ?, ?)";

Status SqliteError(sqlite3* db, std::string_view what) {
  const int code = sqlite3_errcode(db);
  std::string msg = std::string(what) + ": " + sqlite3_errmsg(db);
  if (code == SQLITE_BUSY || code == SQLITE_LOCKED) return Status::Unavailable(msg);
  if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB) return Status::Corruption(msg);
  return Status::IoError(msg);
}

// One prepared statement with bound parameters; finalized on destruction. Rebind()
// runs it again with other parameters (bulk writes prepare once).
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql, std::initializer_list<Param> params) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) {
      status_ = SqliteError(db, "prepare");
      return;
    }
    Bind(params);
  }
  ~Stmt() { sqlite3_finalize(stmt_); }
  const Status& status() const { return status_; }
  // Resets the statement and binds `params` (NULL for a std::monostate).
  void Rebind(std::initializer_list<Param> params) {
    if (!status_.ok()) return;
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    Bind(params);
  }
  // True when a row is available; errors end up in status().
  bool Step() {
    if (!status_.ok()) return false;
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) status_ = SqliteError(db_, "step");
    return false;
  }
  Status Run() {
    Step();
    return status_;
  }
  std::string Text(int col) {
    const auto* p = sqlite3_column_text(stmt_, col);
    return p ? std::string(reinterpret_cast<const char*>(p),
                           static_cast<size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string();
  }
  int64_t Int(int col) { return sqlite3_column_int64(stmt_, col); }
  bool IsNull(int col) { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

 private:
  void Bind(std::initializer_list<Param> params) {
    int i = 1;
    for (const auto& p : params) {
      int rc;
      if (const auto* s = std::get_if<std::string_view>(&p)) {
        rc = sqlite3_bind_text(stmt_, i, s->data(), static_cast<int>(s->size()), SQLITE_TRANSIENT);
      } else if (const auto* n = std::get_if<int64_t>(&p)) {
        rc = sqlite3_bind_int64(stmt_, i, *n);
      } else {
        rc = sqlite3_bind_null(stmt_, i);
      }
      if (rc != SQLITE_OK) {
        status_ = SqliteError(db_, "bind");
        return;
      }
      ++i;
    }
  }

  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  Status status_;
};

const char* DirName(Direction d) { return d == Direction::kPull ? "pull" : "push"; }

Result<Peer> DecodePeer(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return Status::Corruption("fed_peers.config is not a JSON object");
  return PeerFromJson(v.get_object());
}

}  // namespace

Result<std::unique_ptr<PeerStore>> PeerStore::Open(const std::string& db_path) {
  sqlite3* db = nullptr;
  const int rc =
      sqlite3_open_v2(db_path.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Status s = Status::IoError("cannot open " + db_path + ": " +
                               (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
    sqlite3_close(db);
    return s;
  }
  ::chmod(db_path.c_str(), 0600);
  sqlite3_busy_timeout(db, 5000);
  std::unique_ptr<PeerStore> store(new PeerStore(db));
  ENTENTE_RETURN_IF_ERROR(store->Exec("PRAGMA journal_mode=WAL"));
  ENTENTE_RETURN_IF_ERROR(store->Exec("PRAGMA synchronous=FULL"));
  // Room for the provenance key index of a few million versions (~14 bytes each).
  ENTENTE_RETURN_IF_ERROR(store->Exec("PRAGMA cache_size=-32768"));
  ENTENTE_RETURN_IF_ERROR(store->SetAutoCheckpoint());
  ENTENTE_RETURN_IF_ERROR(store->Exec(kSchema));
  // Files made before deletions travelled lack these columns.
  for (const auto& [table, column, ddl] :
       {std::tuple{"fed_checkpoints", "tombstones_until",
                   "ALTER TABLE fed_checkpoints ADD COLUMN tombstones_until INTEGER NOT NULL "
                   "DEFAULT 0"},
        std::tuple{"fed_status", "deleted",
                   "ALTER TABLE fed_status ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0"}}) {
    bool present = false;
    Stmt info(db, "SELECT 1 FROM pragma_table_info(?) WHERE name = ?",
              {std::string_view(table), std::string_view(column)});
    present = info.Step();
    ENTENTE_RETURN_IF_ERROR(info.status());
    if (!present) ENTENTE_RETURN_IF_ERROR(store->Exec(ddl));
  }
  ENTENTE_RETURN_IF_ERROR(store->MigrateProvenance());
  return store;
}

Status PeerStore::SetAutoCheckpoint() {
  // Checkpoints are the store's checkpoint thread's job (store/checkpointer.h: woken at
  // 16 MiB of log by the store's commits). SQLite's default here, 1000 pages, had
  // provenance and checkpoint commits copy the log into the database on the sync thread
  // (15 % of a pulling node's CPU). This connection checkpoints only past 64 MiB, where
  // the store's writer helps too: that keeps the log bounded when only the federation
  // writes (status rows every round on an otherwise idle node).
  constexpr int64_t kAutoCheckpointBytes = int64_t{64} << 20;
  int64_t page_size = 0;
  {
    Stmt st(db_, "PRAGMA page_size", {});
    if (st.Step()) page_size = st.Int(0);
    ENTENTE_RETURN_IF_ERROR(st.status());
  }
  if (page_size <= 0) page_size = 4096;
  const std::string sql =
      "PRAGMA wal_autocheckpoint=" + std::to_string(kAutoCheckpointBytes / page_size);
  return Exec(sql.c_str());
}

Status PeerStore::MigrateProvenance() {
  bool old_table = false;
  {
    Stmt probe(db_, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
               {std::string_view("fed_provenance")});
    old_table = probe.Step();
    ENTENTE_RETURN_IF_ERROR(probe.status());
  }
  if (!old_table) return Status::Ok();
  ENTENTE_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  Status s;
  {
    Stmt read(db_,
              "SELECT collection, object_id, version, origin, path FROM fed_provenance "
              "ORDER BY rowid",
              {});
    Stmt write(db_, kInsertProvenance, {});
    while (s.ok() && read.Step()) {
      const std::string collection = read.Text(0), id = read.Text(1), version = read.Text(2),
                        origin = read.Text(3), path = read.Text(4);
      write.Rebind({VersionKey(id, version), std::string_view(collection), std::string_view(id),
                    std::string_view(version), std::string_view(origin), std::string_view(path)});
      s = write.Run();
    }
    if (s.ok()) s = read.status();
  }
  if (s.ok()) s = Exec("DROP TABLE fed_provenance");
  if (!s.ok()) {
    (void)Exec("ROLLBACK");
    return s;
  }
  return Exec("COMMIT");
}

int64_t PeerStore::VersionKey(std::string_view id, std::string_view version) {
  std::string text;
  text.reserve(id.size() + version.size() + 1);
  text.append(id);
  text += '\n';
  text.append(version);
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), md);
  uint64_t key = 0;
  for (int i = 0; i < 8; ++i) key = (key << 8) | md[i];
  return static_cast<int64_t>(key);
}

Result<int64_t> PeerStore::LinkSeq(std::string_view peer, const CollectionLink& link, bool create) {
  if (create) {
    ENTENTE_RETURN_IF_ERROR(Stmt(db_,
                                 "INSERT OR IGNORE INTO fed_links(peer, local_collection, "
                                 "remote_collection) VALUES(?, ?, ?)",
                                 {peer, link.local, link.remote})
                                .Run());
  }
  Stmt s(db_,
         "SELECT seq FROM fed_links WHERE peer = ? AND local_collection = ? AND "
         "remote_collection = ?",
         {peer, link.local, link.remote});
  if (s.Step()) return s.Int(0);
  if (!s.status().ok()) return s.status();
  return int64_t{0};  // no such link yet: nothing was pushed through it
}

Status PeerStore::CommitPush(std::string_view peer, const CollectionLink& link,
                             const Checkpoint& cp, const std::vector<PushedVersion>& pushed) {
  std::lock_guard<std::mutex> lock(mu_);
  ENTENTE_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  auto body = [&]() -> Status {
    if (!pushed.empty()) {
      auto seq = LinkSeq(peer, link, /*create=*/true);
      if (!seq.ok()) return seq.status();
      Stmt ins(db_,
               "INSERT OR REPLACE INTO fed_pushed(link, version_key, remote_id) VALUES(?, ?, ?)",
               {});
      for (const auto& v : pushed) {
        if (v.remote_id.empty()) {
          ins.Rebind({*seq, VersionKey(v.id, v.version), std::monostate()});
        } else {
          ins.Rebind({*seq, VersionKey(v.id, v.version), std::string_view(v.remote_id)});
        }
        ENTENTE_RETURN_IF_ERROR(ins.Run());
      }
    }
    return PutCheckpointLocked(peer, Direction::kPush, link, cp);
  };
  Status s = body();
  if (!s.ok()) {
    (void)Exec("ROLLBACK");
    return s;
  }
  return Exec("COMMIT");
}

Result<std::optional<std::string>> PeerStore::PushedAs(std::string_view peer,
                                                       const CollectionLink& link,
                                                       std::string_view id,
                                                       std::string_view version) {
  std::lock_guard<std::mutex> lock(mu_);
  auto seq = LinkSeq(peer, link, /*create=*/false);
  if (!seq.ok()) return seq.status();
  if (*seq == 0) return std::optional<std::string>();
  Stmt s(db_, "SELECT remote_id FROM fed_pushed WHERE link = ? AND version_key = ?",
         {*seq, VersionKey(id, version)});
  if (!s.Step()) {
    if (!s.status().ok()) return s.status();
    return std::optional<std::string>();
  }
  return std::optional<std::string>(s.IsNull(0) ? std::string(id) : s.Text(0));
}

Status PeerStore::CommitDeletions(std::string_view peer, const CollectionLink& link,
                                  const Checkpoint& cp,
                                  const std::vector<std::pair<std::string, std::string>>& deleted) {
  std::lock_guard<std::mutex> lock(mu_);
  ENTENTE_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  auto body = [&]() -> Status {
    auto seq = LinkSeq(peer, link, /*create=*/false);
    if (!seq.ok()) return seq.status();
    if (*seq != 0 && !deleted.empty()) {
      Stmt del(db_, "DELETE FROM fed_pushed WHERE link = ? AND version_key = ?", {});
      for (const auto& [id, version] : deleted) {
        del.Rebind({*seq, VersionKey(id, version)});
        ENTENTE_RETURN_IF_ERROR(del.Run());
      }
    }
    return PutCheckpointLocked(peer, Direction::kPush, link, cp);
  };
  Status s = body();
  if (!s.ok()) {
    (void)Exec("ROLLBACK");
    return s;
  }
  return Exec("COMMIT");
}

PeerStore::~PeerStore() { sqlite3_close(db_); }

Status PeerStore::Exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return Status::IoError("federation schema: " + msg);
  }
  return Status::Ok();
}

Status PeerStore::AddPeer(const Peer& peer) {
  ENTENTE_RETURN_IF_ERROR(ValidatePeer(peer));
  const std::string config = json::serialize(PeerToJson(peer));
  std::lock_guard<std::mutex> lock(mu_);
  Stmt s(db_, "INSERT INTO fed_peers(name, config) VALUES(?, ?) ON CONFLICT(name) DO NOTHING",
         {peer.name, config});
  ENTENTE_RETURN_IF_ERROR(s.Run());
  if (sqlite3_changes(db_) == 0) {
    return Status::AlreadyExists("a peer with this name exists (name: " + peer.name + ")");
  }
  return Status::Ok();
}

Status PeerStore::PutPeer(const Peer& peer) {
  ENTENTE_RETURN_IF_ERROR(ValidatePeer(peer));
  const std::string config = json::serialize(PeerToJson(peer));
  std::lock_guard<std::mutex> lock(mu_);
  return Stmt(db_, "INSERT OR REPLACE INTO fed_peers(name, config) VALUES(?, ?)",
              {peer.name, config})
      .Run();
}

Result<Peer> PeerStore::GetPeer(std::string_view name) {
  std::lock_guard<std::mutex> lock(mu_);
  Stmt s(db_, "SELECT config FROM fed_peers WHERE name = ?", {name});
  if (!s.Step()) {
    if (!s.status().ok()) return s.status();
    return Status::NotFound("no such peer (name: " + std::string(name) + ")");
  }
  return DecodePeer(s.Text(0));
}

Result<std::vector<Peer>> PeerStore::ListPeers() {
  std::lock_guard<std::mutex> lock(mu_);
  Stmt s(db_, "SELECT config FROM fed_peers ORDER BY name", {});
  std::vector<Peer> out;
  while (s.Step()) {
    auto p = DecodePeer(s.Text(0));
    if (!p.ok()) return p.status();
    out.push_back(std::move(*p));
  }
  if (!s.status().ok()) return s.status();
  return out;
}

Status PeerStore::RemovePeer(std::string_view name) {
  std::lock_guard<std::mutex> lock(mu_);
  ENTENTE_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  Stmt del(db_, "DELETE FROM fed_peers WHERE name = ?", {name});
  Status s = del.Run();
  const int removed = sqlite3_changes(db_);
  if (s.ok()) s = Stmt(db_, "DELETE FROM fed_checkpoints WHERE peer = ?", {name}).Run();
  if (s.ok()) s = Stmt(db_, "DELETE FROM fed_status WHERE peer = ?", {name}).Run();
  if (s.ok()) {
    s = Stmt(db_, "DELETE FROM fed_pushed WHERE link IN (SELECT seq FROM fed_links WHERE peer = ?)",
             {name})
            .Run();
  }
  if (s.ok()) s = Stmt(db_, "DELETE FROM fed_links WHERE peer = ?", {name}).Run();
  if (!s.ok() || removed == 0) {
    (void)Exec("ROLLBACK");
    if (!s.ok()) return s;
    return Status::NotFound("no such peer (name: " + std::string(name) + ")");
  }
  return Exec("COMMIT");
}

Result<Checkpoint> PeerStore::GetCheckpoint(std::string_view peer, Direction dir,
                                            const CollectionLink& link) {
  std::lock_guard<std::mutex> lock(mu_);
  Stmt s(db_,
         "SELECT added_after, next_cursor, pushed_until_us, next_last, tombstones_until FROM "
         "fed_checkpoints WHERE "
         "peer = ? "
         "AND direction = ? AND remote_collection = ? AND local_collection = ?",
         {peer, DirName(dir), link.remote, link.local});
  Checkpoint cp;
  if (s.Step()) {
    cp.added_after = s.Text(0);
    cp.next = s.Text(1);
    cp.pushed_until_us = s.Int(2);
    cp.next_last = s.Text(3);
    cp.tombstones_until = s.Int(4);
  }
  if (!s.status().ok()) return s.status();
  return cp;
}

Status PeerStore::PutCheckpoint(std::string_view peer, Direction dir, const CollectionLink& link,
                                const Checkpoint& cp) {
  std::lock_guard<std::mutex> lock(mu_);
  return PutCheckpointLocked(peer, dir, link, cp);
}

Status PeerStore::PutCheckpointLocked(std::string_view peer, Direction dir,
                                      const CollectionLink& link, const Checkpoint& cp) {
  return Stmt(db_,
              "INSERT OR REPLACE INTO fed_checkpoints(peer, direction, remote_collection, "
              "local_collection, added_after, next_cursor, pushed_until_us, next_last, "
              "tombstones_until) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)",
              {peer, DirName(dir), link.remote, link.local, cp.added_after, cp.next,
               cp.pushed_until_us, cp.next_last, cp.tombstones_until})
      .Run();
}

Status PeerStore::RecordProvenance(std::string_view collection,
                                   const std::vector<ProvenanceEntry>& entries) {
  if (entries.empty()) return Status::Ok();
  std::lock_guard<std::mutex> lock(mu_);
  ENTENTE_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  Stmt find(db_, kSelectProvenance, {});
  Stmt ins(db_, kInsertProvenance, {});
  for (const auto& e : entries) {
    // The first provenance recorded for a version is kept.
    const int64_t key = VersionKey(e.object_id, e.version);
    find.Rebind({key, collection, e.object_id, e.version});
    const bool known = find.Step();
    Status s = find.status();
    if (s.ok() && !known) {
      json::array path;
      for (const auto& n : e.provenance.path) path.emplace_back(n);
      const std::string path_text = json::serialize(path);
      ins.Rebind({key, collection, e.object_id, e.version, e.provenance.origin, path_text});
      s = ins.Run();
    }
    if (!s.ok()) {
      (void)Exec("ROLLBACK");
      return s;
    }
  }
  return Exec("COMMIT");
}

namespace {

Result<Provenance> ProvenanceFromRow(std::string origin, const std::string& path_json) {
  Provenance p;
  p.origin = std::move(origin);
  boost::system::error_code ec;
  json::value v = json::parse(path_json, ec);
  if (ec || !v.is_array()) return Status::Corruption("fed_provenance_v2.path is not a JSON array");
  for (const auto& e : v.get_array()) {
    if (e.is_string()) p.path.emplace_back(e.get_string());
  }
  return p;
}

}  // namespace

Result<std::optional<Provenance>> PeerStore::GetProvenance(std::string_view collection,
                                                           std::string_view object_id,
                                                           std::string_view version) {
  auto all = GetProvenances(collection, {{object_id, version}});
  if (!all.ok()) return all.status();
  return std::move(all->front());
}

Result<std::vector<std::optional<Provenance>>> PeerStore::GetProvenances(
    std::string_view collection,
    const std::vector<std::pair<std::string_view, std::string_view>>& versions) {
  std::vector<std::optional<Provenance>> out(versions.size());
  if (versions.empty()) return out;
  std::lock_guard<std::mutex> lock(mu_);
  ENTENTE_RETURN_IF_ERROR(Exec("BEGIN"));
  Status failed;
  {
    Stmt s(db_, kSelectProvenance, {});
    for (size_t i = 0; i < versions.size() && failed.ok(); ++i) {
      s.Rebind({VersionKey(versions[i].first, versions[i].second), collection, versions[i].first,
                versions[i].second});
      if (s.Step()) {
        auto p = ProvenanceFromRow(s.Text(0), s.Text(1));
        if (p.ok()) {
          out[i] = std::move(*p);
        } else {
          failed = p.status();
        }
      }
      if (!s.status().ok()) failed = s.status();
    }
  }
  Status end = Exec(failed.ok() ? "COMMIT" : "ROLLBACK");
  if (!failed.ok()) return failed;
  ENTENTE_RETURN_IF_ERROR(end);
  return out;
}

Result<PeerStatus> PeerStore::GetStatus(std::string_view peer) {
  std::lock_guard<std::mutex> lock(mu_);
  Stmt s(db_,
         "SELECT last_attempt_us, last_success_us, lag_us, last_error, pulled, pushed, withheld, "
         "refused, failures, deleted FROM fed_status WHERE peer = ?",
         {peer});
  PeerStatus st;
  if (s.Step()) {
    st.last_attempt_us = s.Int(0);
    st.last_success_us = s.Int(1);
    st.lag_us = s.Int(2);
    st.last_error = s.Text(3);
    st.pulled = s.Int(4);
    st.pushed = s.Int(5);
    st.withheld = s.Int(6);
    st.refused = s.Int(7);
    st.failures = s.Int(8);
    st.deleted = s.Int(9);
  }
  if (!s.status().ok()) return s.status();
  return st;
}

Status PeerStore::PutStatus(std::string_view peer, const PeerStatus& st) {
  std::lock_guard<std::mutex> lock(mu_);
  return Stmt(db_,
              "INSERT OR REPLACE INTO fed_status(peer, last_attempt_us, last_success_us, lag_us, "
              "last_error, pulled, pushed, withheld, refused, failures, deleted) "
              "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
              {peer, st.last_attempt_us, st.last_success_us, st.lag_us, st.last_error, st.pulled,
               st.pushed, st.withheld, st.refused, st.failures, st.deleted})
      .Run();
}

}  // namespace entente::federation
