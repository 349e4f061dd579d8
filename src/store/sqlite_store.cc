// SqliteStore: opening, the connection pool, and the node's small tables.
#include "store/sqlite_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

#include "store/records.h"
#include "store/schema.h"

namespace entente::store {
namespace {

constexpr size_t kMaxIdleReaders = 8;

bool NormaliseSynchronous(std::string_view in, std::string* out) {
  std::string up;
  for (char ch : in) up += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  for (const char* ok : {"OFF", "NORMAL", "FULL", "EXTRA"}) {
    if (up == ok) {
      *out = up;
      return true;
    }
  }
  return false;
}

// Creates the database file with mode 0600 so that SQLite, which gives the -wal and
// -shm files the mode of the database, never makes them readable by others.
Status CreateFileIfMissing(const std::string& path, bool create) {
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) return Status::Ok();
  if (errno != ENOENT) return Status::IoError("stat " + path + ": " + std::strerror(errno));
  if (!create) return Status::NotFound("no database at " + path);
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IoError("create " + path + ": " + std::strerror(errno));
  int rc = ::fchmod(fd, 0600);  // whatever the umask
  ::close(fd);
  if (rc != 0) return Status::IoError("chmod " + path + ": " + std::strerror(errno));
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<Store>> SqliteStore::Open(const std::string& path,
                                                 const SqliteOptions& options) {
  SqliteOptions opts = options;
  if (!NormaliseSynchronous(options.synchronous, &opts.synchronous)) {
    return Status::InvalidArgument("synchronous must be OFF, NORMAL, FULL or EXTRA, not '" +
                                   options.synchronous + "'");
  }
  ENTENTE_RETURN_IF_ERROR(CreateFileIfMissing(path, options.create_if_missing));
  auto writer =
      Connection::Open(path, SQLITE_OPEN_READWRITE, opts.busy_timeout_ms, opts.synchronous);
  if (!writer.ok()) return writer.status();
  // 16 KiB pages for a new database (an existing one keeps its size): a bulk ingest
  // writes fewer, larger WAL frames and walks fewer pages in the page cache
  // (docs/benchmarks-store.md). Must precede WAL mode, after which the size is fixed.
  ENTENTE_RETURN_IF_ERROR((*writer)->ExecScript("PRAGMA page_size=16384", "set page size"));
  {
    auto st = (*writer)->Prepare("PRAGMA journal_mode=WAL");
    if (!st.ok()) return st.status();
    int rc = st->Step();
    if (rc != SQLITE_ROW) return SqliteError(rc, (*writer)->db(), "set WAL mode on " + path);
    if (st->Text(0) != "wal") {
      return Status::IoError("cannot put " + path + " in WAL mode (got " + st->String(0) + ")");
    }
  }
  // A larger page cache keeps the random-order id index in memory during bulk ingest.
  // Checkpoints run on their own thread (common/wal_checkpointer.h), every 32 MiB of WAL
  // rather than SQLite's 4 MiB, so each hot index page reaches the database file less
  // often and the writer never waits for one (docs/benchmarks-store.md).
  ENTENTE_RETURN_IF_ERROR((*writer)->ExecScript("PRAGMA cache_size=-65536", "set writer cache"));
  ENTENTE_RETURN_IF_ERROR(RegisterIdKeyFunction(**writer));
  ENTENTE_RETURN_IF_ERROR(Migrate(**writer, kSchemaVersion, opts.extract_values));
  auto keyer = LoadIdKeyer(**writer);
  if (!keyer.ok()) return keyer.status();
  auto checkpointer =
      WalCheckpointer::Start(path, (*writer)->db(), opts.busy_timeout_ms, opts.synchronous);
  if (!checkpointer.ok()) return checkpointer.status();
  std::unique_ptr<SqliteStore> store(
      new SqliteStore(path, std::move(opts), std::move(writer).value(), *keyer));
  store->checkpointer_ = std::move(checkpointer).value();
  ENTENTE_RETURN_IF_ERROR(store->PrepareProvenance());
  return std::unique_ptr<Store>(std::move(store));
}

SqliteStore::SqliteStore(std::string path, SqliteOptions options,
                         std::unique_ptr<Connection> writer, IdKeyer keyer)
    : path_(std::move(path)),
      options_(std::move(options)),
      clock_(options_.clock != nullptr ? options_.clock : &SystemClock()),
      keyer_(keyer),
      writer_(std::move(writer)) {}

SqliteStore::Reader::~Reader() {
  if (conn_ == nullptr) return;
  std::lock_guard<std::mutex> lock(store_->pool_mu_);
  if (store_->idle_readers_.size() < kMaxIdleReaders) {
    store_->idle_readers_.push_back(std::move(conn_));
  }
}

Status SqliteStore::Observe(const ConfigChange& change) {
  if (options_.observer == nullptr) return Status::Ok();
  return options_.observer->ConfigChanged(change);
}

Result<SqliteStore::Reader> SqliteStore::BorrowReader() {
  {
    std::lock_guard<std::mutex> lock(pool_mu_);
    if (!idle_readers_.empty()) {
      std::unique_ptr<Connection> conn = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return Reader(this, std::move(conn));
    }
  }
  auto conn =
      Connection::Open(path_, SQLITE_OPEN_READONLY, options_.busy_timeout_ms, options_.synchronous);
  if (!conn.ok()) return conn.status();
  // Scans read the database through a memory map (no read() copy per page); the file
  // is never truncated while open (no VACUUM), which mmap requires.
  ENTENTE_RETURN_IF_ERROR((*conn)->ExecScript(
      "PRAGMA mmap_size=2147418112; PRAGMA cache_size=-16384", "set reader cache"));
  return Reader(this, std::move(conn).value());
}

Status SqliteStore::InWriteTransaction(std::string_view op,
                                       const std::function<Status(Connection&)>& body) {
  std::lock_guard<std::mutex> lock(write_mu_);
  ENTENTE_RETURN_IF_ERROR(BeginWrite(op));
  Status s = body(*writer_);
  if (!s.ok()) {
    RollbackWrite();
    return s;
  }
  return CommitWrite(op);
}

Status SqliteStore::BeginWrite(std::string_view op) {
  auto begin = writer_->Prepare("BEGIN IMMEDIATE");
  if (!begin.ok()) return begin.status();
  return begin->Exec(std::string(op) + ": begin");
}

Status SqliteStore::CommitWrite(std::string_view op) {
  auto commit = writer_->Prepare("COMMIT");
  Status s = commit.ok() ? commit->Exec(std::string(op) + ": commit") : commit.status();
  if (!s.ok()) RollbackWrite();
  return s;
}

void SqliteStore::RollbackWrite() {
  if (!sqlite3_get_autocommit(writer_->db())) (void)writer_->ExecScript("ROLLBACK", "rollback");
}

Result<int64_t> SqliteStore::CollectionSeq(Connection& conn, std::string_view collection_id) {
  auto st = conn.Prepare("SELECT seq FROM collections WHERE id = ?1");
  if (!st.ok()) return st.status();
  st->Bind(1, collection_id);
  int rc = st->Step();
  if (rc == SQLITE_ROW) return st->Int(0);
  if (rc == SQLITE_DONE) return Status::NotFound("no collection " + std::string(collection_id));
  return SqliteError(rc, conn.db(), "find collection");
}

// ---- settings ----

Status SqliteStore::PutSettings(const NodeSettings& s) {
  return InWriteTransaction("put settings", [&](Connection& c) {
    auto st = c.Prepare(
        "INSERT OR REPLACE INTO settings (k, name, jurisdiction, title, description, contact, "
        "default_api_root) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)");
    if (!st.ok()) return st.status();
    st->Bind(1, s.name);
    st->Bind(2, s.jurisdiction);
    st->Bind(3, s.title);
    st->Bind(4, s.description);
    st->Bind(5, s.contact);
    st->Bind(6, s.default_api_root);
    return st->Exec("put settings");
  });
}

Result<NodeSettings> SqliteStore::GetSettings() {
  auto r = BorrowReader();
  if (!r.ok()) return r.status();
  auto st = (*r)->Prepare(
      "SELECT name, jurisdiction, title, description, contact, default_api_root FROM settings "
      "WHERE k = 1");
  if (!st.ok()) return st.status();
  int rc = st->Step();
  if (rc == SQLITE_DONE) return Status::NotFound("node settings not set");
  if (rc != SQLITE_ROW) return SqliteError(rc, (*r)->db(), "get settings");
  NodeSettings s;
  s.name = st->String(0);
  s.jurisdiction = st->String(1);
  s.title = st->String(2);
  s.description = st->String(3);
  s.contact = st->String(4);
  s.default_api_root = st->String(5);
  return s;
}

// ---- organisations ----

namespace {
constexpr const char* kOrgColumns =
    "id, name, country, sector, identity_id, client_of, communities, admin";

Organisation ReadOrg(const Statement& st) {
  Organisation o;
  o.id = st.String(0);
  o.name = st.String(1);
  o.country = st.String(2);
  o.sector = st.String(3);
  o.identity_id = st.String(4);
  o.client_of = st.String(5);
  o.communities = DecodeStringList(st.Text(6));
  o.admin = st.Int(7) != 0;
  return o;
}
}  // namespace

Status SqliteStore::PutOrganisation(const Organisation& org) {
  return InWriteTransaction("put organisation", [&](Connection& c) {
    auto st = c.Prepare(std::string("INSERT OR REPLACE INTO organisations (") + kOrgColumns +
                        ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    if (!st.ok()) return st.status();
    st->Bind(1, org.id);
    st->Bind(2, org.name);
    st->Bind(3, org.country);
    st->Bind(4, org.sector);
    st->Bind(5, org.identity_id);
    st->Bind(6, org.client_of);
    st->Bind(7, EncodeStringList(org.communities));
    st->Bind(8, int64_t{org.admin ? 1 : 0});
    ENTENTE_RETURN_IF_ERROR(st->Exec("put organisation"));
    return Observe({ConfigChange::Subject::kOrganisation,
                    org.id,
                    "put",
                    {{"name", org.name},
                     {"country", org.country},
                     {"sector", org.sector},
                     {"identity_id", org.identity_id},
                     {"client_of", org.client_of},
                     {"communities", EncodeStringList(org.communities)},
                     {"admin", org.admin ? "true" : "false"}}});
  });
}

Result<Organisation> SqliteStore::GetOrganisation(std::string_view id) {
  auto r = BorrowReader();
  if (!r.ok()) return r.status();
  auto st =
      (*r)->Prepare(std::string("SELECT ") + kOrgColumns + " FROM organisations WHERE id = ?1");
  if (!st.ok()) return st.status();
  st->Bind(1, id);
  int rc = st->Step();
  if (rc == SQLITE_DONE) return Status::NotFound("no organisation " + std::string(id));
  if (rc != SQLITE_ROW) return SqliteError(rc, (*r)->db(), "get organisation");
  return ReadOrg(*st);
}

Result<std::vector<Organisation>> SqliteStore::ListOrganisations() {
  auto r = BorrowReader();
  if (!r.ok()) return r.status();
  auto st = (*r)->Prepare(std::string("SELECT ") + kOrgColumns + " FROM organisations ORDER BY id");
  if (!st.ok()) return st.status();
  std::vector<Organisation> out;
  int rc;
  while ((rc = st->Step()) == SQLITE_ROW) out.push_back(ReadOrg(*st));
  if (rc != SQLITE_DONE) return SqliteError(rc, (*r)->db(), "list organisations");
  return out;
}

Status SqliteStore::DeleteOrganisation(std::string_view id) {
  return InWriteTransaction("delete organisation", [&](Connection& c) {
    auto del = c.Prepare("DELETE FROM organisations WHERE id = ?1");
    if (!del.ok()) return del.status();
    del->Bind(1, id);
    ENTENTE_RETURN_IF_ERROR(del->Exec("delete organisation"));
    if (c.Changes() == 0) return Status::NotFound("no organisation " + std::string(id));
    auto tokens = c.Prepare("DELETE FROM tokens WHERE org_id = ?1");
    if (!tokens.ok()) return tokens.status();
    tokens->Bind(1, id);
    ENTENTE_RETURN_IF_ERROR(tokens->Exec("delete the organisation's tokens"));
    return Observe({ConfigChange::Subject::kOrganisation, std::string(id), "delete", {}});
  });
}

// ---- tokens ----

namespace {
constexpr const char* kTokenColumns = "token_id, org_id, label, individual_id, created_us";

TokenInfo ReadToken(const Statement& st) {
  TokenInfo t;
  t.token_id = st.String(0);
  t.org_id = st.String(1);
  t.label = st.String(2);
  t.individual_id = st.String(3);
  t.created_us = st.Int(4);
  return t;
}
}  // namespace

Status SqliteStore::AddToken(const TokenInfo& info, std::string_view secret_sha256_hex) {
  return InWriteTransaction("add token", [&](Connection& c) {
    auto st = c.Prepare(std::string("INSERT INTO tokens (") + kTokenColumns +
                        ", hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!st.ok()) return st.status();
    st->Bind(1, info.token_id);
    st->Bind(2, info.org_id);
    st->Bind(3, info.label);
    st->Bind(4, info.individual_id);
    st->Bind(5, info.created_us);
    st->Bind(6, secret_sha256_hex);
    ENTENTE_RETURN_IF_ERROR(st->Exec("add token " + info.token_id));
    return Observe(
        {ConfigChange::Subject::kToken,
         info.token_id,
         "add",
         {{"org", info.org_id}, {"label", info.label}, {"individual_id", info.individual_id}}});
  });
}

Result<TokenInfo> SqliteStore::FindTokenByHash(std::string_view secret_sha256_hex) {
  auto r = BorrowReader();
  if (!r.ok()) return r.status();
  auto st = (*r)->Prepare(std::string("SELECT ") + kTokenColumns + " FROM tokens WHERE hash = ?1");
  if (!st.ok()) return st.status();
  st->Bind(1, secret_sha256_hex);
  int rc = st->Step();
  if (rc == SQLITE_DONE) return Status::NotFound("no such token");
  if (rc != SQLITE_ROW) return SqliteError(rc, (*r)->db(), "find token");
  return ReadToken(*st);
}

Result<std::vector<TokenInfo>> SqliteStore::ListTokens(std::string_view org_id) {
  auto r = BorrowReader();
  if (!r.ok()) return r.status();
  auto st = (*r)->Prepare(std::string("SELECT ") + kTokenColumns +
                          " FROM tokens WHERE ?1 = '' OR org_id = ?1 ORDER BY created_us, "
                          "token_id");
  if (!st.ok()) return st.status();
  st->Bind(1, org_id);
  std::vector<TokenInfo> out;
  int rc;
  while ((rc = st->Step()) == SQLITE_ROW) out.push_back(ReadToken(*st));
  if (rc != SQLITE_DONE) return SqliteError(rc, (*r)->db(), "list tokens");
  return out;
}

Status SqliteStore::RevokeToken(std::string_view token_id) {
  return InWriteTransaction("revoke token", [&](Connection& c) {
    auto st = c.Prepare("DELETE FROM tokens WHERE token_id = ?1");
    if (!st.ok()) return st.status();
    st->Bind(1, token_id);
    ENTENTE_RETURN_IF_ERROR(st->Exec("revoke token"));
    if (c.Changes() == 0) return Status::NotFound("no such token");
    return Observe({ConfigChange::Subject::kToken, std::string(token_id), "revoke", {}});
  });
}

// ---- API roots and collections ----

Status SqliteStore::PutApiRoot(const ApiRoot& root) {
  return InWriteTransaction("put API root", [&](Connection& c) {
    auto st = c.Prepare(
        "INSERT OR REPLACE INTO api_roots (name, title, description, max_content_length) "
        "VALUES (?1, ?2, ?3, ?4)");
    if (!st.ok()) return st.status();
    st->Bind(1, root.name);
    st->Bind(2, root.title);
    st->Bind(3, root.description);
    st->Bind(4, root.max_content_length);
    return st->Exec("put API root");
  });
}

Result<std::vector<ApiRoot>> SqliteStore::ListApiRoots() {
  auto r = BorrowReader();
  if (!r.ok()) return r.status();
  auto st = (*r)->Prepare(
      "SELECT name, title, description, max_content_length FROM api_roots ORDER BY name");
  if (!st.ok()) return st.status();
  std::vector<ApiRoot> out;
  int rc;
  while ((rc = st->Step()) == SQLITE_ROW) {
    ApiRoot a;
    a.name = st->String(0);
    a.title = st->String(1);
    a.description = st->String(2);
    a.max_content_length = st->Int(3);
    out.push_back(std::move(a));
  }
  if (rc != SQLITE_DONE) return SqliteError(rc, (*r)->db(), "list API roots");
  return out;
}

Status SqliteStore::PutCollection(const Collection& col) {
  return InWriteTransaction("put collection", [&](Connection& c) {
    // An upsert keeps the collection's integer key, which its objects refer to.
    auto st = c.Prepare(
        "INSERT INTO collections (id, api_root, title, description, default_tlp) "
        "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO UPDATE SET api_root = excluded.api_root, "
        "title = excluded.title, description = excluded.description, "
        "default_tlp = excluded.default_tlp");
    if (!st.ok()) return st.status();
    st->Bind(1, col.id);
    st->Bind(2, col.api_root);
    st->Bind(3, col.title);
    st->Bind(4, col.description);
    st->Bind(5, static_cast<int64_t>(col.default_tlp));
    ENTENTE_RETURN_IF_ERROR(st->Exec("put collection"));
    auto seq = CollectionSeq(c, col.id);
    if (!seq.ok()) return seq.status();
    auto clear = c.Prepare("DELETE FROM grants WHERE collection = ?1");
    if (!clear.ok()) return clear.status();
    clear->Bind(1, *seq);
    ENTENTE_RETURN_IF_ERROR(clear->Exec("replace collection grants"));
    auto add =
        c.Prepare("INSERT INTO grants (collection, kind, pos, org_id) VALUES (?1, ?2, ?3, ?4)");
    if (!add.ok()) return add.status();
    for (int kind = 0; kind < 2; ++kind) {
      const auto& list = kind == 0 ? col.readers : col.writers;
      for (size_t i = 0; i < list.size(); ++i) {
        add->Bind(1, *seq);
        add->Bind(2, int64_t{kind});
        add->Bind(3, static_cast<int64_t>(i));
        add->Bind(4, list[i]);
        ENTENTE_RETURN_IF_ERROR(add->Exec("add collection grant"));
        sqlite3_reset(add->raw());
      }
    }
    return Observe({ConfigChange::Subject::kCollection,
                    col.id,
                    "put",
                    {{"api_root", col.api_root},
                     {"title", col.title},
                     {"default_tlp", std::string(policy::TlpName(col.default_tlp))},
                     {"readers", EncodeStringList(col.readers)},
                     {"writers", EncodeStringList(col.writers)}}});
  });
}

Status SqliteStore::ReadGrants(Connection& conn, int64_t seq, Collection* c) {
  auto st =
      conn.Prepare("SELECT kind, org_id FROM grants WHERE collection = ?1 ORDER BY kind, pos");
  if (!st.ok()) return st.status();
  st->Bind(1, seq);
  int rc;
  while ((rc = st->Step()) == SQLITE_ROW) {
    (st->Int(0) == 0 ? c->readers : c->writers).push_back(st->String(1));
  }
  if (rc != SQLITE_DONE) return SqliteError(rc, conn.db(), "read collection grants");
  return Status::Ok();
}

namespace {
constexpr const char* kCollectionColumns = "seq, id, api_root, title, description, default_tlp";

Collection ReadCollection(const Statement& st) {
  Collection c;
  c.id = st.String(1);
  c.api_root = st.String(2);
  c.title = st.String(3);
  c.description = st.String(4);
  c.default_tlp = TlpFromColumn(st.Int(5));
  return c;
}
}  // namespace

Result<Collection> SqliteStore::GetCollection(std::string_view id) {
  auto r = BorrowReader();
  if (!r.ok()) return r.status();
  // One read transaction, so that the grants belong to the same collection row.
  ENTENTE_RETURN_IF_ERROR((*r)->ExecScript("BEGIN", "get collection: begin"));
  auto result = [&]() -> Result<Collection> {
    auto st = (*r)->Prepare(std::string("SELECT ") + kCollectionColumns +
                            " FROM collections WHERE id = ?1");
    if (!st.ok()) return st.status();
    st->Bind(1, id);
    int rc = st->Step();
    if (rc == SQLITE_DONE) return Status::NotFound("no collection " + std::string(id));
    if (rc != SQLITE_ROW) return SqliteError(rc, (*r)->db(), "get collection");
    Collection c = ReadCollection(*st);
    ENTENTE_RETURN_IF_ERROR(ReadGrants(**r, st->Int(0), &c));
    return c;
  }();
  (void)(*r)->ExecScript("COMMIT", "get collection: end");
  return result;
}

Result<std::vector<Collection>> SqliteStore::ListCollections(std::string_view api_root) {
  auto r = BorrowReader();
  if (!r.ok()) return r.status();
  ENTENTE_RETURN_IF_ERROR((*r)->ExecScript("BEGIN", "list collections: begin"));
  auto result = [&]() -> Result<std::vector<Collection>> {
    auto st = (*r)->Prepare(std::string("SELECT ") + kCollectionColumns +
                            " FROM collections WHERE ?1 = '' OR api_root = ?1 ORDER BY seq");
    if (!st.ok()) return st.status();
    st->Bind(1, api_root);
    std::vector<Collection> out;
    int rc;
    while ((rc = st->Step()) == SQLITE_ROW) {
      out.push_back(ReadCollection(*st));
      ENTENTE_RETURN_IF_ERROR(ReadGrants(**r, st->Int(0), &out.back()));
    }
    if (rc != SQLITE_DONE) return SqliteError(rc, (*r)->db(), "list collections");
    return out;
  }();
  (void)(*r)->ExecScript("COMMIT", "list collections: end");
  return result;
}

Status SqliteStore::DeleteCollection(std::string_view id) {
  return InWriteTransaction("delete collection", [&](Connection& c) {
    // Grants, objects and tombstones go with it (ON DELETE CASCADE).
    auto st = c.Prepare("DELETE FROM collections WHERE id = ?1");
    if (!st.ok()) return st.status();
    st->Bind(1, id);
    ENTENTE_RETURN_IF_ERROR(st->Exec("delete collection"));
    if (c.Changes() == 0) return Status::NotFound("no collection " + std::string(id));
    return Observe({ConfigChange::Subject::kCollection, std::string(id), "delete", {}});
  });
}

// ---- status resources ----

Status SqliteStore::PutStatus(const StatusRecord& s) {
  return InWriteTransaction("put status", [&](Connection& c) {
    auto st = c.Prepare(
        "INSERT OR REPLACE INTO statuses (id, api_root, owner_org, status, request_timestamp_us, "
        "total_count, successes, failures, pendings, collection) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    if (!st.ok()) return st.status();
    st->Bind(1, s.id);
    st->Bind(2, s.api_root);
    st->Bind(3, s.owner_org);
    st->Bind(4, s.status);
    st->Bind(5, s.request_timestamp_us);
    st->Bind(6, s.total_count);
    st->Bind(7, EncodeDetails(s.successes));
    st->Bind(8, EncodeDetails(s.failures));
    st->Bind(9, EncodeDetails(s.pendings));
    st->Bind(10, s.collection_id);
    return st->Exec("put status");
  });
}

namespace {

constexpr const char* kStatusColumns =
    "SELECT id, api_root, owner_org, status, request_timestamp_us, total_count, successes, "
    "failures, pendings, collection FROM statuses ";

Result<StatusRecord> StatusFromRow(Statement& st) {
  StatusRecord s;
  s.id = st.String(0);
  s.api_root = st.String(1);
  s.owner_org = st.String(2);
  s.status = st.String(3);
  s.request_timestamp_us = st.Int(4);
  s.total_count = st.Int(5);
  ENTENTE_RETURN_IF_ERROR(DecodeDetails(st.Text(6), &s.successes));
  ENTENTE_RETURN_IF_ERROR(DecodeDetails(st.Text(7), &s.failures));
  ENTENTE_RETURN_IF_ERROR(DecodeDetails(st.Text(8), &s.pendings));
  s.collection_id = st.String(9);
  return s;
}

}  // namespace

Result<StatusRecord> SqliteStore::GetStatus(std::string_view id) {
  auto r = BorrowReader();
  if (!r.ok()) return r.status();
  auto st = (*r)->Prepare(std::string(kStatusColumns) + "WHERE id = ?1");
  if (!st.ok()) return st.status();
  st->Bind(1, id);
  int rc = st->Step();
  if (rc == SQLITE_DONE) return Status::NotFound("no status " + std::string(id));
  if (rc != SQLITE_ROW) return SqliteError(rc, (*r)->db(), "get status");
  return StatusFromRow(*st);
}

Result<std::vector<StatusRecord>> SqliteStore::ListPendingStatuses() {
  auto r = BorrowReader();
  if (!r.ok()) return r.status();
  auto st = (*r)->Prepare(std::string(kStatusColumns) + "WHERE status = 'pending'");
  if (!st.ok()) return st.status();
  std::vector<StatusRecord> out;
  int rc;
  while ((rc = st->Step()) == SQLITE_ROW) {
    auto s = StatusFromRow(*st);
    if (!s.ok()) return s.status();
    out.push_back(std::move(s).value());
  }
  if (rc != SQLITE_DONE) return SqliteError(rc, (*r)->db(), "list pending statuses");
  return out;
}

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path,
                                               const SqliteOptions& options) {
  return SqliteStore::Open(path, options);
}

}  // namespace entente::store
