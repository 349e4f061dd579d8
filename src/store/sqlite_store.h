// SqliteStore: the embedded Store on one SQLite file in WAL mode.
//
// Safe for concurrent use from many threads, and from several processes on the same
// file. Writes go through one writer connection behind a mutex, each call in one
// BEGIN IMMEDIATE transaction (another process's writer makes it wait up to the busy
// timeout, then kUnavailable). Reads borrow a connection from a small pool, one per
// thread at a time, so readers never wait for the writer (WAL snapshots). Every
// connection caches its prepared statements; every value is a bound parameter.
//
// Objects are appended by rowid; date_added is assigned inside the write transaction
// as max(clock, last date_added of the collection + 1), the last value being kept in
// the collections row so that it never goes back, even after deletions. The flags
// is_first / is_last mark the versions of an id with the smallest / greatest
// version_us (on ties the version stored first), so match[version]=first|last is a
// column check; with a visibility filter (ObjectQuery::visible) every version is read
// and only a visible one that is not flagged costs a lookup of the id's other versions.
// The copies of an unversioned object get their date_added as version_us. Ownership is
// checked by AddObjectsIn against the versions its lookup already reads. Provenance lives in
// fed_provenance_v2 (the table keeps the name the federation gave it), written by AddObjectsIn in
// the transaction that stores the version. The federation's state (store/federation_state.h) shares
// the file, the writer and its transactions (SqliteFederationState). Use through OpenSqliteStore()
// (store.h); this header is for the store's own files. The value index (object_values, schema
// version 6) gets a version's NewObject::values in the transaction that stores it and loses
// them with it (ON DELETE CASCADE). The counts per collection and label (object_counts and
// object_mixed, schema version 7, store/object_counts.h) change in the transaction of
// every add and deletion.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/env.h"
#include "common/wal_checkpointer.h"
#include "store/id_key.h"
#include "store/known_ids.h"
#include "store/sqlite_db.h"
#include "store/store.h"
#include "store/write_observer.h"

namespace entente::store {

class SqliteStore final : public Store {
 public:
  static Result<std::unique_ptr<Store>> Open(const std::string& path, const SqliteOptions& options);
  ~SqliteStore() override = default;

  Status PutSettings(const NodeSettings& settings) override;
  Result<NodeSettings> GetSettings() override;

  Status PutOrganisation(const Organisation& org) override;
  Result<Organisation> GetOrganisation(std::string_view id) override;
  Result<std::vector<Organisation>> ListOrganisations() override;
  Status DeleteOrganisation(std::string_view id) override;

  Status AddToken(const TokenInfo& info, std::string_view secret_sha256_hex) override;
  Result<TokenInfo> FindTokenByHash(std::string_view secret_sha256_hex) override;
  Result<std::vector<TokenInfo>> ListTokens(std::string_view org_id) override;
  Status RevokeToken(std::string_view token_id) override;

  Status PutApiRoot(const ApiRoot& root) override;
  Result<std::vector<ApiRoot>> ListApiRoots() override;
  Status PutCollection(const Collection& c) override;
  Result<Collection> GetCollection(std::string_view id) override;
  Result<std::vector<Collection>> ListCollections(std::string_view api_root) override;
  Status DeleteCollection(std::string_view id) override;

  Result<std::vector<AddResult>> AddObjects(std::string_view collection_id,
                                            const std::vector<NewObject>& objects) override;
  Result<std::unique_ptr<BulkAdd>> BeginBulkAdd(std::string_view collection_id) override;
  Status ScanObjects(const ObjectQuery& query,
                     const std::function<ScanAction(const ObjectRow&)>& visit) override;
  Result<int64_t> DeleteObject(std::string_view collection_id, std::string_view id,
                               const std::vector<std::string>& versions,
                               std::string_view owner_org) override;
  Result<int64_t> CountObjects(std::string_view collection_id) override;
  Result<VisibleCounts> CountVisibleObjects(
      std::string_view collection_id, const std::function<bool(const policy::Labels&)>& visible,
      size_t budget) override;
  Status ScanValueHolders(const std::vector<std::string>& values,
                          const std::function<ScanAction(const ValueHolder&)>& visit) override;
  Result<std::vector<Tombstone>> ListTombstones(std::string_view collection_id, int64_t after_seq,
                                                size_t limit) override;
  Result<std::vector<std::optional<Provenance>>> GetProvenances(
      std::string_view collection_id,
      const std::vector<std::pair<std::string_view, std::string_view>>& versions) override;

  Status PutStatus(const StatusRecord& status) override;
  Result<StatusRecord> GetStatus(std::string_view id) override;
  Result<std::vector<AddResult>> AddObjectsAndCheckpoint(std::string_view collection_id,
                                                         const std::vector<NewObject>& objects,
                                                         std::string_view name,
                                                         std::string_view checkpoint) override;
  Result<std::string> GetCheckpoint(std::string_view name) override;
  Result<std::vector<StatusRecord>> ListPendingStatuses() override;

 private:
  friend class SqliteFederationState;  // shares the writer, its transactions and the readers

  // A read connection borrowed from the pool; goes back to it on destruction.
  class Reader {
   public:
    Reader(SqliteStore* store, std::unique_ptr<Connection> conn)
        : store_(store), conn_(std::move(conn)) {}
    Reader(Reader&&) = default;
    Reader& operator=(Reader&&) = delete;
    ~Reader();
    Connection& operator*() { return *conn_; }
    Connection* operator->() { return conn_.get(); }

   private:
    SqliteStore* store_;
    std::unique_ptr<Connection> conn_;
  };

  SqliteStore(std::string path, SqliteOptions options, std::unique_ptr<Connection> writer,
              IdKeyer keyer);

  Result<Reader> BorrowReader();
  // Tells the observer (SqliteOptions::observer) of `change`, inside the caller's write
  // transaction; OK without an observer.
  Status Observe(const ConfigChange& change);
  // Runs `body` on the writer connection inside BEGIN IMMEDIATE ... COMMIT; rolls back
  // when it returns an error. `op` names the operation in error messages.
  Status InWriteTransaction(std::string_view op, const std::function<Status(Connection&)>& body);
  // Its steps, for a transaction that spans several calls (SqliteBulkAdd); the caller
  // holds write_mu_. CommitWrite rolls back when the commit fails; RollbackWrite does
  // nothing when no transaction is open.
  Status BeginWrite(std::string_view op);
  Status CommitWrite(std::string_view op);
  void RollbackWrite();
  // AddObjects' work inside a write transaction the caller holds on `c`. With `known`
  // (current for the collection, see store/known_ids.h), ids it certainly lacks skip the
  // lookup; it learns every id inserted and the collection's new last_added_us.
  Status AddObjectsIn(Connection& c, std::string_view collection_id,
                      const std::vector<NewObject>& objects, std::vector<AddResult>* results,
                      KnownIds* known = nullptr);
  class SqliteBulkAdd;
  // Creates fed_provenance_v2 when missing and moves the rows of the fed_provenance
  // table of earlier releases (keyed by the id text) into it. Called by Open.
  Status PrepareProvenance();
  // Records `p` for version (id, version) of `collection_id` unless it has provenance
  // already, inside the caller's write transaction on `c`.
  static Status RecordProvenanceIn(Connection& c, std::string_view collection_id,
                                   std::string_view id, std::string_view version,
                                   const Provenance& p);
  // The integer key of a collection, or kNotFound.
  static Result<int64_t> CollectionSeq(Connection& conn, std::string_view collection_id);
  static Status ReadGrants(Connection& conn, int64_t seq, Collection* c);

  const std::string path_;
  const SqliteOptions options_;
  Clock* const clock_;
  const IdKeyer keyer_;

  std::mutex write_mu_;
  std::unique_ptr<Connection> writer_;  // guarded by write_mu_
  // Declared after writer_: destroyed first, while the writer connection still exists.
  std::unique_ptr<WalCheckpointer> checkpointer_;

  std::mutex pool_mu_;
  std::vector<std::unique_ptr<Connection>> idle_readers_;  // guarded by pool_mu_
};

}  // namespace entente::store
