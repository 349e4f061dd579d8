// object_counts: the object counts SqliteStore keeps per collection and label (schema
// version 8), so that counting a collection for a reader (Store::CountVisibleObjects)
// costs the number of distinct labels, not the number of objects.
//
// What is kept, in the write transaction that changes it:
//   object_counts (collection, tlp, audience, owner_org) -> n: the number of ids whose
//     stored versions all carry these labels (the columns as objects stores them).
//     Visibility is all or nothing for such an id: a reader who may see one of its
//     versions may see all of them, so its newest visible version is its stored newest,
//     and the gate (policy::MayRead) decides the whole count of a row at once.
//   object_mixed (collection, id_key, id): the ids whose versions carry different labels
//     (a version re-marked AMBER after a CLEAR one, copies of an SCO from two owners).
//     For them the newest version a reader may see depends on the reader, so they are
//     counted per read from their versions, in one join.
// An id is in exactly one of the two: counted under the labels of its versions, or
// listed as mixed. A new id adds one to its labels' row; a new version with other labels
// than its id's makes the id mixed; a deletion recomputes the id from the versions left.
//
// Functions run on a connection the caller holds (the writer inside its write
// transaction, or a reader); none is safe for concurrent use on one connection.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <tuple>

#include "entente/status.h"
#include "store/sqlite_db.h"
#include "store/store.h"

namespace entente::store {

// The label columns of one stored version: tlp, audience (the stored text, with
// withheld_for and granular), owner_org.
struct LabelColumns {
  int64_t tlp = 0;
  std::string audience;
  std::string owner_org;
  auto operator<=>(const LabelColumns&) const = default;
};

// What an id's versions say about its count: it has none, they all carry `labels`
// (uniform), or they differ (mixed).
struct IdCountState {
  enum class Kind { kAbsent, kUniform, kMixed } kind = Kind::kAbsent;
  LabelColumns labels;  // for kUniform
  bool operator==(const IdCountState&) const = default;
};

// The changes one write makes to the counts of one collection, applied before commit.
// Counts are summed in memory (a bulk add of 5,000 objects with one label makes one
// update); an id's move to or from mixed is written at once, so that a later lookup in
// the same transaction sees it.
class CountChanges {
 public:
  explicit CountChanges(int64_t collection_seq) : collection_(collection_seq) {}

  // A new id whose one version carries `labels`.
  void AddNewId(const LabelColumns& labels) { Bump(labels, +1); }
  // A version with labels `added` stored for an id that had versions: `first` and `last`
  // are the labels of its stored first and last versions (equal when it had one version).
  // Looks the id up in object_mixed only when it cannot tell otherwise.
  Status AddVersion(Connection& c, int64_t id_key, std::string_view id, const LabelColumns& first,
                    const LabelColumns& last, bool one_version, const LabelColumns& added);
  // An id whose state went from `before` to `after` (a deletion).
  Status Move(Connection& c, int64_t id_key, std::string_view id, const IdCountState& before,
              const IdCountState& after);
  // Writes the summed counts; call once per write, before commit.
  Status Apply(Connection& c);

 private:
  void Bump(const LabelColumns& labels, int64_t delta);
  Status SetMixed(Connection& c, int64_t id_key, std::string_view id, bool mixed);

  const int64_t collection_;
  std::map<LabelColumns, int64_t> deltas_;
  LabelColumns last_labels_;       // the last key bumped, to skip the map lookup
  int64_t* last_delta_ = nullptr;  // its entry in deltas_
};

// The state of an id from the label columns of all its versions (in any order).
IdCountState StateOf(const std::vector<LabelColumns>& versions);

// Store::CountVisibleObjects on a connection: object_counts rows, then the versions of
// the mixed ids, at most `budget` rows and ids together.
Result<VisibleCounts> CountVisibleIn(Connection& c, int64_t collection_seq,
                                     const std::function<bool(const policy::Labels&)>& visible,
                                     size_t budget);

}  // namespace entente::store
