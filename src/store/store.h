// store/: the node's durable state behind one interface.
//
// A Store holds the node's settings, organisations, tokens (as SHA-256 hashes only),
// API roots, collections with per-organisation read/write grants, STIX object versions
// with the provenance of those that came from other nodes, and TAXII status resources.
// The federation's own state (peers, checkpoints) is store/federation_state.h. Object versions are
// immutable rows keyed by (collection, id, version), and by owner for objects without a
// version (see NewObject); each carries the date_added TAXII exposes,
// which is strictly increasing within a collection (no two versions share one), so that a cursor on
// date_added resumes exactly.
//
// Durability: a call that returns OK has committed; with the default settings a commit
// survives the process being killed at any instant, and (synchronous=FULL) power loss.
//
// Implementations are safe for concurrent use from many threads; an ObjectRow passed to
// a ScanObjects visitor is valid only during that call.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "entente/status.h"
#include "policy/access.h"
#include "policy/policy.h"

namespace entente {
class Clock;  // common/env.h
}  // namespace entente

namespace entente::store {

class WriteObserver;  // store/write_observer.h

struct NodeSettings {
  std::string name;          // node name, e.g. "cert-fr"
  std::string jurisdiction;  // ISO 3166-1 alpha-2, e.g. "FR"
  std::string title;         // TAXII discovery title
  std::string description;
  std::string contact;
  std::string default_api_root;  // name of the API root discovery points at
};

struct Organisation {
  std::string id;           // short unique name chosen by the operator, e.g. "cert-fr"
  std::string name;         // display name
  std::string country;      // ISO 3166-1 alpha-2
  std::string sector;       // free text, e.g. "government", "energy"
  std::string identity_id;  // STIX identity id, globally unique ("identity--<uuid>")
  std::string client_of;    // identity id of the organisation it is a declared client of
  std::vector<std::string> communities;  // trust community names it belongs to
  bool admin = false;                    // its tokens may administer the node
};

// What the policy gate needs of an organisation (policy/access.h RequesterFor).
inline policy::OrgFacts OrgFactsOf(Organisation org) {
  return {.org_id = std::move(org.id),
          .identity_id = std::move(org.identity_id),
          .client_of = std::move(org.client_of),
          .communities = std::move(org.communities)};
}

struct TokenInfo {
  std::string token_id;  // public id of the token (not the secret), e.g. "tok_ab12cd34"
  std::string org_id;
  std::string label;
  std::string individual_id;  // identity id of the person holding it, if any (TLP:RED)
  int64_t created_us = 0;
};

struct ApiRoot {
  std::string name;  // URL path segment, e.g. "cti"
  std::string title;
  std::string description;
  int64_t max_content_length = 10 * 1024 * 1024;
};

struct Collection {
  std::string id;  // UUID (TAXII collection ids are UUIDs)
  std::string api_root;
  std::string title;
  std::string description;
  policy::Tlp default_tlp = policy::Tlp::kAmber;
  std::vector<std::string> readers;  // organisation ids allowed to read
  std::vector<std::string> writers;  // organisation ids allowed to write
};

// Where an object version came from: the node it was made on first, then the nodes it
// passed through to reach this one.
struct Provenance {
  std::string origin;
  std::vector<std::string> path;  // includes origin as its first element
  bool operator==(const Provenance&) const = default;
};

// One object version to add. `version` is the STIX `modified`, else `created`, else
// empty (for objects that carry neither, such as most SCOs); it is part of the key.
//
// Ownership (STIX 2.1 §3.6: only the creator of an object issues new versions of it):
// the versions of an id are owned by one organisation, labels.owner_org of its first
// version (the oldest, match[version]=first). A version of an id that another
// organisation owns is refused (AddOutcome::kNotOwner), whether new or already stored,
// unless override_owner is set (an administrator's explicit override: the version is
// then stored as owned by the id's owner). Objects without a version (SCOs, whose ids are
// deterministic, STIX 2.1 §2.9) have no creator to protect and must not tell a
// submitter what others hold: they are kept one copy per owner, the copies being the
// object's versions in date_added order (their version_us is their date_added; TAXII 2.1
// §3.4.2 leaves the version of an object with neither modified nor created to "a value
// for the version that is consistent to the server", and the date_added shown as its
// version by manifest and versions is also what match[version] finds).
struct NewObject {
  std::string id;
  std::string type;
  std::string spec_version;  // "2.1" (or "2.0" for objects without spec_version)
  std::string version;
  int64_t version_us = 0;  // `version` parsed, for ordering; 0 when empty
  std::string json;        // the object exactly as it will be served
  policy::Labels labels;
  // Set for a version received from another node: recorded in the transaction that
  // stores the version, and only when it stores it (a version already held keeps the
  // provenance it has, or none: it was made here); a provenance row left from a deleted
  // copy of the version is kept, as history.
  std::optional<Provenance> provenance;
  // Stored even when the id is owned by another organisation (see above).
  bool override_owner = false;
  // The observable values the version holds (admission/observable_values.h fills it):
  // one row each in the value index, which ScanValueHolders reads. Empty for most types.
  std::vector<std::string> values;
  // Who submitted the version and how ("client", "peer", "sensor", "local"), as admission
  // tells it: not stored with the row, only told to the WriteObserver (write_observer.h)
  // that records it. Empty when the version did not come through admission/.
  std::string submitter;
  std::string channel;
  // SHA-256 of the version's canonical JSON (RFC 8785), 64 lower-case hex digits, as
  // admission computed it; also only for the WriteObserver, which computes it itself
  // when empty. With it, what the record keeps of the version, made where admission
  // runs (off the store's writer): its item's 32-byte leaf hash (audit/stored_batch.h).
  // Opaque to the store.
  std::string sha256;
  std::string record_leaf;
};

enum class AddOutcome {
  kAdded,
  kDuplicate,  // this owner's copy of the version is already stored
  kNotOwner,   // versions of the id are owned by another organisation: not stored
};

struct AddResult {
  AddOutcome outcome = AddOutcome::kAdded;
  // Of the new row, or of the row that was already there (0 for kNotOwner: what others
  // hold is not told).
  int64_t date_added_us = 0;
  // Set when override_owner let the version through an id owned by another
  // organisation: that organisation (the version is stored as its own).
  std::string overridden_owner;
};

struct ObjectRow {
  int64_t date_added_us = 0;
  std::string_view id;
  std::string_view type;
  std::string_view spec_version;
  std::string_view version;  // empty when the object has neither modified nor created
  std::string_view json;
  policy::Labels labels;
};

enum class VersionMatch { kLast, kFirst, kAll };

struct ObjectQuery {
  std::string collection_id;
  std::optional<int64_t> added_after_us;   // only rows with date_added > this
  std::vector<std::string> ids;            // empty = any
  std::vector<std::string> types;          // empty = any
  std::vector<std::string> spec_versions;  // empty = any
  // Versions: any of first/last/all, and/or explicit version timestamps (microseconds).
  bool match_first = false;
  bool match_last = true;
  bool match_all = false;
  std::vector<int64_t> version_us;
  // When set, only rows it accepts exist for this scan, and first/last mean the oldest/
  // newest version it accepts: the result is exactly that of a collection that never held
  // the other rows. A row that is not its id's stored first/last costs one more lookup.
  std::function<bool(const policy::Labels&)> visible;
  // Visit the rows newest first (descending date_added) instead of oldest first.
  bool newest_first = false;
};

enum class ScanAction { kContinue, kStop };

// Objects of one collection counted for one reader (Store::CountVisibleObjects).
struct VisibleCounts {
  std::array<int64_t, 5> by_tlp{};  // indexed by int(policy::Tlp)
  bool capped = false;              // the budget ran out: the counts are a lower bound
};

// One stored version that holds a value (NewObject::values), as ScanValueHolders gives
// it; the views are valid only during the visitor's call.
struct ValueHolder {
  std::string_view value;
  std::string_view collection_id;
  std::string_view id;
  std::string_view type;
  std::string_view version;  // empty when the object has neither modified nor created
};

// How the values of versions stored before the value index existed are found, when a
// store is migrated to it: the type and stored JSON of a version in, its values out
// (admission::ObservableValuesOfJson; store/ cannot parse patterns itself).
using ValueExtractor =
    std::function<void(std::string_view type, std::string_view json, std::vector<std::string>*)>;

// A deleted object version, as DeleteObject remembers it.
struct Tombstone {
  int64_t seq = 0;  // strictly increasing within a collection: resume after it
  std::string id;
  std::string version;  // empty when the object had neither modified nor created
  int64_t deleted_at_us = 0;
};

struct StatusDetail {
  std::string id;
  std::string version;
  std::string message;
};

struct StatusRecord {
  std::string id;  // UUID
  std::string api_root;
  std::string owner_org;  // only this organisation may read it
  std::string status;     // "pending" or "complete"
  int64_t request_timestamp_us = 0;
  int64_t total_count = 0;
  std::vector<StatusDetail> successes, failures, pendings;
  // The collection the envelope was posted to ("" for statuses stored before schema
  // version 3): where a restart looks for the objects of a status left pending.
  std::string collection_id;
};

class Store {
 public:
  virtual ~Store() = default;

  // Node settings (one row).
  virtual Status PutSettings(const NodeSettings& settings) = 0;
  virtual Result<NodeSettings> GetSettings() = 0;

  // Organisations.
  virtual Status PutOrganisation(const Organisation& org) = 0;  // insert or replace
  virtual Result<Organisation> GetOrganisation(std::string_view id) = 0;
  virtual Result<std::vector<Organisation>> ListOrganisations() = 0;
  virtual Status DeleteOrganisation(std::string_view id) = 0;  // and its tokens

  // Tokens. Only the SHA-256 hex of the secret is stored.
  virtual Status AddToken(const TokenInfo& info, std::string_view secret_sha256_hex) = 0;
  virtual Result<TokenInfo> FindTokenByHash(std::string_view secret_sha256_hex) = 0;
  virtual Result<std::vector<TokenInfo>> ListTokens(std::string_view org_id) = 0;
  virtual Status RevokeToken(std::string_view token_id) = 0;

  // API roots and collections.
  virtual Status PutApiRoot(const ApiRoot& root) = 0;
  virtual Result<std::vector<ApiRoot>> ListApiRoots() = 0;
  virtual Status PutCollection(const Collection& c) = 0;  // insert or replace, with grants
  virtual Result<Collection> GetCollection(std::string_view id) = 0;
  virtual Result<std::vector<Collection>> ListCollections(std::string_view api_root) = 0;
  virtual Status DeleteCollection(std::string_view id) = 0;  // and its objects

  // Objects. AddObjects commits all of `objects` in one transaction and assigns each new
  // row a date_added strictly greater than any before it in the collection. A version
  // already present (same collection, id, version) is not stored again.
  virtual Result<std::vector<AddResult>> AddObjects(std::string_view collection_id,
                                                    const std::vector<NewObject>& objects) = 0;
  // Bulk loading (`entente ingest`): several batches added in one transaction, so that
  // fewer commits rewrite the pages of the random-order id index fewer times. Add
  // behaves as AddObjects except that nothing is durable or visible to readers until
  // Commit; an error from Add or Commit discards every add since the last Commit, as
  // does destroying the object without committing. While adds are uncommitted, other
  // writes to this store wait: commit whenever the producer has nothing ready. One
  // thread uses a BulkAdd, from creation to destruction. The default implementation
  // commits each Add on its own (stores without a cheaper way).
  class BulkAdd {
   public:
    virtual ~BulkAdd() = default;
    virtual Result<std::vector<AddResult>> Add(const std::vector<NewObject>& objects) = 0;
    virtual Status Commit() = 0;
  };
  virtual Result<std::unique_ptr<BulkAdd>> BeginBulkAdd(std::string_view collection_id) {
    class EachOnItsOwn final : public BulkAdd {
     public:
      EachOnItsOwn(Store& store, std::string_view collection) : store_(store), coll_(collection) {}
      Result<std::vector<AddResult>> Add(const std::vector<NewObject>& objects) override {
        return store_.AddObjects(coll_, objects);
      }
      Status Commit() override { return Status::Ok(); }

     private:
      Store& store_;
      const std::string coll_;
    };
    return std::unique_ptr<BulkAdd>(new EachOnItsOwn(*this, collection_id));
  }
  // Sensor checkpoints (`entente sense`): a named text - where a sensor stands in its logs
  // and its open sighting windows - replaced in the same transaction as the objects it
  // goes with, so that after a crash the sensor resumes exactly where the stored objects
  // leave off: nothing counted twice, nothing lost. AddObjectsAndCheckpoint is AddObjects
  // plus that write; GetCheckpoint gives "" for a name never written.
  virtual Result<std::vector<AddResult>> AddObjectsAndCheckpoint(
      std::string_view collection_id, const std::vector<NewObject>& objects, std::string_view name,
      std::string_view checkpoint) = 0;
  virtual Result<std::string> GetCheckpoint(std::string_view name) = 0;
  // Visits matching rows in date_added order until the visitor says stop.
  virtual Status ScanObjects(const ObjectQuery& query,
                             const std::function<ScanAction(const ObjectRow&)>& visit) = 0;
  // Deletes the listed versions of one object (all its versions if `versions` is empty),
  // only the rows owned by `owner_org` unless it is empty (copies of an unversioned object
  // owned by others share the version ""); returns how many rows were removed. Deletions
  // are remembered as tombstones.
  virtual Result<int64_t> DeleteObject(std::string_view collection_id, std::string_view id,
                                       const std::vector<std::string>& versions,
                                       std::string_view owner_org) = 0;
  virtual Result<int64_t> CountObjects(std::string_view collection_id) = 0;
  // The objects (ids, not versions) of `collection_id` that have a version `visible`
  // accepts, by the TLP of the newest such version: exactly the rows ScanObjects visits
  // with ObjectQuery::visible = `visible` and match[version]=last, counted. `budget`
  // bounds the rows looked at (which rows depends on the implementation); when it runs
  // out the counts stop there and `capped` is set. kNotFound without the collection. The
  // default implementation is that scan; SqliteStore reads counts it keeps per label
  // (store/object_counts.h).
  virtual Result<VisibleCounts> CountVisibleObjects(
      std::string_view collection_id, const std::function<bool(const policy::Labels&)>& visible,
      size_t budget);
  // Visits every stored version, of every collection, that holds one of `values`, whatever
  // its labels: the caller gates what it shows (store/seen.h). In no particular order; a
  // version holding several of the values is visited once per value. The index has one
  // row per (version, value), never pairs of objects, so the cost of a lookup grows with
  // the number of holders of the values asked for, not with the square of anything.
  virtual Status ScanValueHolders(const std::vector<std::string>& values,
                                  const std::function<ScanAction(const ValueHolder&)>& visit) = 0;
  // The tombstones of `collection_id` with seq > after_seq, in seq order, at most
  // `limit` of them (kNotFound without the collection). A version deleted, added again
  // and deleted again has two tombstones.
  virtual Result<std::vector<Tombstone>> ListTombstones(std::string_view collection_id,
                                                        int64_t after_seq, size_t limit) = 0;
  // The provenance recorded for each of `versions` (id, version) of `collection_id`, in
  // one read: the i-th result belongs to versions[i], nullopt when it has none (it was
  // made here). Provenance outlives the version's deletion (it is history).
  virtual Result<std::vector<std::optional<Provenance>>> GetProvenances(
      std::string_view collection_id,
      const std::vector<std::pair<std::string_view, std::string_view>>& versions) = 0;

  // TAXII status resources.
  virtual Status PutStatus(const StatusRecord& status) = 0;  // insert or replace
  virtual Result<StatusRecord> GetStatus(std::string_view id) = 0;
  // Every status still "pending": after a crash, the envelopes that were never finished.
  virtual Result<std::vector<StatusRecord>> ListPendingStatuses() = 0;
};

struct SqliteOptions {
  bool create_if_missing = false;
  // "FULL" survives power loss; "NORMAL" survives a process crash only.
  std::string synchronous = "FULL";
  // Source of date_added; nullptr = SystemClock(). Must outlive the store.
  Clock* clock = nullptr;
  // How long a statement waits for another process's write lock before kUnavailable.
  int busy_timeout_ms = 5000;
  // Needed only to migrate a store that holds objects to schema version 6 (the value
  // index): without it such a migration fails and the store does not open.
  ValueExtractor extract_values;
  // Told, inside each write transaction and before it commits, of the versions added,
  // the versions and collections deleted and the organisations, tokens, grants and peers
  // changed; its error rolls the write back (store/write_observer.h). Null: no one.
  std::shared_ptr<WriteObserver> observer;
};

// Opens (or creates) the SQLite store at `path` in WAL mode.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path,
                                               const SqliteOptions& options = {});

}  // namespace entente::store
