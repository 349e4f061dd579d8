// WriteObserver: what a store tells, inside each write transaction and before it
// commits, about the writes that matter to the node's record (object versions added,
// versions and collections deleted, organisations, tokens and grants changed).
//
// The store calls the observer on its writer, under its write lock, after the rows are
// written and before COMMIT; an error the observer returns rolls the whole transaction
// back and is what the write returns. So a write is never committed without the observer
// having accepted it (the observer of a node appends to the record, audit/: nothing is
// stored unrecorded). The observer must not call back into the store. Calls come from
// whichever thread writes, one at a time per store; an observer shared by several stores
// must be safe for concurrent use. store/ knows nothing of what the observer does with
// what it is told.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "entente/status.h"
#include "store/store.h"

namespace entente::store {

// A change to the node's configuration the store made.
struct ConfigChange {
  enum class Subject { kOrganisation, kToken, kCollection, kPeer };
  Subject what = Subject::kOrganisation;
  std::string id;      // the organisation id, the token's public id, the collection id, the peer
  std::string action;  // "put", "delete", "add", "revoke"
  // Public values only (never a token's secret or its hash): for an organisation its
  // name, country, admin flag, communities; for a token its organisation and label; for a
  // collection its API root, default TLP, readers and writers; for a peer its URL,
  // jurisdiction, communities, recipients, links and sovereignty rules (never the token
  // it presents there or the key of its keyed hashes).
  std::map<std::string, std::string> fields;
};

class WriteObserver {
 public:
  virtual ~WriteObserver() = default;
  // `objects` were offered to `collection_id`; results[i] says what became of objects[i]
  // (only kAdded rows are new). Called for every add, bulk adds included (once per Add,
  // inside the transaction their Commit ends).
  virtual Status ObjectsAdded(std::string_view collection_id, const std::vector<NewObject>& objects,
                              const std::vector<AddResult>& results) = 0;
  // The versions `removed` (id, version) of one object were deleted from `collection_id`;
  // `owner_org` is the owner whose rows the caller asked for ("" for any).
  virtual Status VersionsDeleted(std::string_view collection_id, std::string_view id,
                                 const std::vector<std::string>& removed,
                                 std::string_view owner_org) = 0;
  virtual Status ConfigChanged(const ConfigChange& change) = 0;
};

// Who the writes of the current thread are made for, for observers that record it: an
// organisation id, a peer's name, or "operator" (the default: a thread that set none
// acts for the operator of the node). Set by the way in (the TAXII handler for its
// caller) for the duration of a scope; scopes nest.
class ActingFor {
 public:
  explicit ActingFor(std::string who);
  ~ActingFor();
  ActingFor(const ActingFor&) = delete;
  ActingFor& operator=(const ActingFor&) = delete;
  static const std::string& Current();

 private:
  std::string previous_;
};

}  // namespace entente::store
