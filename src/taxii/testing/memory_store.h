// taxii/testing/memory_store.h: an in-memory store::Store for TAXII tests.
//
// Implements the Store contract (date_added strictly increasing per collection,
// duplicate versions not stored twice, one owner per versioned id and one copy per owner
// of an unversioned object, version matching first/last/all/explicit, through a
// visibility filter too) with
// an index of keys and version spans; meant for tests and benchmarks that must not depend on the
// SQLite backend. Safe for concurrent use (one mutex); a ScanObjects visitor runs with the mutex
// held, so it must not call back into the store. FailScansWhen injects scan errors.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/env.h"
#include "store/store.h"

namespace entente::taxii::testing {

class MemoryStore final : public store::Store {
 public:
  explicit MemoryStore(Clock& clock = SystemClock()) : clock_(clock) {}

  Status PutSettings(const store::NodeSettings& settings) override;
  Result<store::NodeSettings> GetSettings() override;
  Status PutOrganisation(const store::Organisation& org) override;
  Result<store::Organisation> GetOrganisation(std::string_view id) override;
  Result<std::vector<store::Organisation>> ListOrganisations() override;
  Status DeleteOrganisation(std::string_view id) override;
  Status AddToken(const store::TokenInfo& info, std::string_view secret_sha256_hex) override;
  Result<store::TokenInfo> FindTokenByHash(std::string_view secret_sha256_hex) override;
  Result<std::vector<store::TokenInfo>> ListTokens(std::string_view org_id) override;
  Status RevokeToken(std::string_view token_id) override;
  Status PutApiRoot(const store::ApiRoot& root) override;
  Result<std::vector<store::ApiRoot>> ListApiRoots() override;
  Status PutCollection(const store::Collection& c) override;
  Result<store::Collection> GetCollection(std::string_view id) override;
  Result<std::vector<store::Collection>> ListCollections(std::string_view api_root) override;
  Status DeleteCollection(std::string_view id) override;
  Result<std::vector<store::AddResult>> AddObjects(
      std::string_view collection_id, const std::vector<store::NewObject>& objects) override;
  Result<std::vector<store::AddResult>> AddObjectsAndCheckpoint(
      std::string_view collection_id, const std::vector<store::NewObject>& objects,
      std::string_view name, std::string_view checkpoint) override;
  Result<std::string> GetCheckpoint(std::string_view name) override;
  Status ScanObjects(
      const store::ObjectQuery& query,
      const std::function<store::ScanAction(const store::ObjectRow&)>& visit) override;
  Result<int64_t> DeleteObject(std::string_view collection_id, std::string_view id,
                               const std::vector<std::string>& versions,
                               std::string_view owner_org) override;
  Result<int64_t> CountObjects(std::string_view collection_id) override;
  Status ScanValueHolders(
      const std::vector<std::string>& values,
      const std::function<store::ScanAction(const store::ValueHolder&)>& visit) override;
  Result<std::vector<store::Tombstone>> ListTombstones(std::string_view collection_id,
                                                       int64_t after_seq, size_t limit) override;
  Status PutStatus(const store::StatusRecord& status) override;
  Result<store::StatusRecord> GetStatus(std::string_view id) override;
  Result<std::vector<store::StatusRecord>> ListPendingStatuses() override;
  Result<std::vector<std::optional<store::Provenance>>> GetProvenances(
      std::string_view collection_id,
      const std::vector<std::pair<std::string_view, std::string_view>>& versions) override;

  // From now on ScanObjects returns the error `fault` gives for a query instead of
  // scanning, when it gives one (Ok: scan as usual). Empty: no faults.
  void FailScansWhen(std::function<Status(const store::ObjectQuery&)> fault);

  // Fault injection: PutStatus asks `fault` first (under the store's lock) and, when it
  // answers an error, returns it and stores nothing. Empty (the default): no faults.
  void SetPutStatusFault(std::function<Status(const store::StatusRecord&)> fault);

 private:
  struct Row {
    int64_t date_added_us;
    store::NewObject object;
    const std::pair<int64_t, int64_t>* span;  // entry of Coll::span for object.id
  };
  struct Coll {
    store::Collection meta;
    std::vector<Row> rows;  // in date_added order
    int64_t last_added_us = 0;
    std::unordered_set<std::string> keys;  // RowKey of every row
    // The owner of every id that has versioned rows.
    std::unordered_map<std::string, std::string> owner;
    // First and last version time of every id.
    std::unordered_map<std::string, std::pair<int64_t, int64_t>> span;
    void RecomputeSpan(const std::string& id);
    std::vector<store::Tombstone> tombstones;  // in seq order
    // id + '\n' + version -> the first provenance recorded (kept after deletion).
    std::unordered_map<std::string, store::Provenance> provenance;
  };

  Clock& clock_;
  Result<std::vector<store::AddResult>> AddObjectsLocked(
      std::string_view collection_id, const std::vector<store::NewObject>& objects);  // mu_ held

  std::mutex mu_;
  std::optional<store::NodeSettings> settings_;
  std::map<std::string, store::Organisation, std::less<>> orgs_;
  std::map<std::string, std::pair<store::TokenInfo, std::string>, std::less<>> tokens_;
  std::map<std::string, store::ApiRoot, std::less<>> roots_;
  std::map<std::string, Coll, std::less<>> colls_;
  std::map<std::string, store::StatusRecord, std::less<>> statuses_;
  std::map<std::string, std::string, std::less<>> checkpoints_;
  int64_t last_tombstone_seq_ = 0;
  std::function<Status(const store::StatusRecord&)> put_status_fault_;
  std::function<Status(const store::ObjectQuery&)> scan_fault_;
};

}  // namespace entente::taxii::testing
