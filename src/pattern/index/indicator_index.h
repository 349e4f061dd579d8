// IndicatorIndex: millions of STIX indicators compiled into one matcher, updated while
// observations are being matched.
//
// Matching: IndexSnapshot::MatchRecord takes one record (a JSON line or a whole bundle,
// split into observations as observation.h says) and reports every indicator whose
// pattern matches it - the same answer as running pattern::Matcher for each pattern on
// pattern::LoadObservations(record) on its own. Single-observation patterns made of
// equality / IN / ISSUBSET / LIKE / MATCHES comparisons are answered by the hash table,
// the CIDR set and the Hyperscan database alone; every other pattern is evaluated by
// pattern::Matcher, but only on records the index cannot rule out (see classify.h).
// MatchScos does the same for a record whose SCOs the caller holds as plain values
// (FlatSco, observation.h: sensor telemetry), without JSON unless the evaluator must run.
//
// Concurrency contract (RCU style): an IndexSnapshot is immutable and safe for any
// number of concurrent MatchRecord / MatchScos calls; it stays valid, and keeps
// answering with the indicators it was taken with, for as long as the caller holds the
// shared_ptr.
// IndicatorIndex::Add/Remove may be called from any thread (they serialise on an
// internal mutex); each builds new immutable parts and publishes a new snapshot with
// one atomic store, so snapshot() never blocks on a writer and a reader never sees half
// an update. A batch passed to one Add or Remove call becomes visible all at once.
// Matcher threads typically call snapshot() once per batch of records.
//
// Update cost: a snapshot is a large base part plus a small delta part and a set of
// removed base indicators. Add rebuilds only the delta; when the delta outgrows
// max(min_delta, live base / 8) indicators, base and delta are merged into a new base
// (amortised O(1) rebuild work per added indicator).
#pragma once

#include <atomic>
#include <boost/json/value.hpp>
#include <cstddef>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "entente/status.h"
#include "pattern/index/index_part.h"
#include "pattern/matcher.h"

namespace entente::pattern::index {

struct IndicatorSpec {
  std::string id;       // e.g. "indicator--…"; unique key of the indicator in the index
  std::string pattern;  // STIX patterning text
  StixVersion version = StixVersion::k21;
};

struct IndexOptions {
  // Also confirm fast-path hits with pattern::Matcher (slower; for cross-checking).
  bool confirm_simple = false;
  size_t min_delta = 4096;
  MatchOptions match_options;
};

// One match. The views point into the snapshot (indicator) and into the matched record
// (observation_id): they stay valid while the caller holds both.
struct Hit {
  std::string_view indicator;       // the indicator id
  std::string_view observation_id;  // the observed-data id; "" for a bare SCO on the fast
                                    // path, the SCO's own id (if any) when evaluated
  size_t observation = 0;           // index of the observation in the record
  size_t record = 0;                // MatchBatch: index of the record in the batch
};

// Counts added to by MatchRecord (per caller; not shared between threads).
struct MatchCounters {
  uint64_t records = 0, observations = 0;
  uint64_t fast_hits = 0;       // hits decided by the fast structures alone
  uint64_t evaluations = 0;     // pattern::Matcher runs
  uint64_t evaluated_hits = 0;  // of those, matches
  uint64_t gave_up = 0;         // evaluations cut short by a bound (reported as no match)
  uint64_t bad_records = 0;     // records pattern::LoadObservations refused
};

// Wraps pattern::Matcher as the index's ExactMatcher.
std::shared_ptr<const ExactMatcher> ExactFromMatcher(Matcher matcher);

class IndexSnapshot {
 public:
  // Appends the hits for `record`: one per (indicator, observation) for fast-path hits,
  // one per indicator (naming the first observation of a satisfying binding) for
  // evaluated ones. Hits come in no particular order.
  void MatchRecord(const boost::json::value& record, std::vector<Hit>* hits,
                   MatchCounters* counters = nullptr) const;
  // The same for several records at once (Hit::record says which): the hash-table
  // probes of the whole batch are issued together so that their cache misses overlap.
  // A few hundred records per call is plenty.
  void MatchBatch(std::span<const boost::json::value* const> records, std::vector<Hit>* hits,
                  MatchCounters* counters = nullptr) const;

  // One record given as plain SCOs, one observation each (observation n is scos[n]):
  // the same hits as MatchRecord on the JSON array of JsonOf(scos[n]) (observation.h),
  // without building it - simple indicators are answered from the hash table, the CIDR
  // sets and the regex sets; the array is built, and the exact matcher run on it, only
  // for a record some other indicator may match (a leaf of it holds, or its gate type
  // occurs). observation_id is "" in every hit (the SCOs have no id).
  void MatchScos(std::span<const FlatSco> scos, std::vector<Hit>* hits,
                 MatchCounters* counters = nullptr) const;
  // The same, with what the caller knows and learns of single SCOs. An SCO is quiet in a
  // snapshot when it gives it nothing to do - no indicator in the hash table, the CIDR
  // sets, the regex sets or the type gates names it - so that it takes part in no match
  // in any record. quiet holds scos.size() entries: on entry (*quiet)[n] == 1 says the
  // caller knows SCO n to be quiet here, and it is not probed (it still counts as an
  // observation and is still part of the record the exact matcher reads; a 1 for an SCO
  // that is not quiet makes the answer wrong); on return (*quiet)[n] is 1 for each quiet
  // SCO and 0 for the others. A record whose SCOs are all quiet matches nothing; matching
  // it only adds 1 to counters->records and its SCOs to counters->observations.
  void MatchScos(std::span<const FlatSco> scos, std::vector<Hit>* hits, MatchCounters* counters,
                 std::vector<uint8_t>* quiet) const;
  // The same for several records at once (Hit::record says which), their probes
  // overlapped as in MatchBatch.
  void MatchScosBatch(std::span<const std::span<const FlatSco>> records, std::vector<Hit>* hits,
                      MatchCounters* counters = nullptr) const;
  // The same with MatchScos's `quiet`, one entry per SCO of the records taken in order
  // (record 0's SCOs, then record 1's, ...).
  void MatchScosBatch(std::span<const std::span<const FlatSco>> records, std::vector<Hit>* hits,
                      MatchCounters* counters, std::vector<uint8_t>* quiet) const;

  size_t size() const;  // live indicators
  // A number no other snapshot of this process has (so that a cache of answers learnt
  // from one snapshot can tell it is given another, even at the same address).
  uint64_t serial() const { return serial_; }
  struct Stats {
    IndexPart::Stats base, delta;
    size_t removed_in_base = 0;
  };
  Stats GetStats() const;

 private:
  friend class IndicatorIndex;
  struct Scratch;
  // Steps 2 and 3 of every Match call, once the scratch holds what was collected:
  // resolves the probes, reports the fast hits, and runs the exact matchers on the
  // ObservationSet load(r) gives for each record r that needs them. eval_id(r, n) names
  // observation n of record r in an evaluated hit.
  template <typename Load, typename EvalId>
  void Finish(Scratch& s, std::vector<Hit>* hits, MatchCounters& c, const Load& load,
              const EvalId& eval_id) const;
  void MatchFlat(std::span<const std::span<const FlatSco>> records, std::vector<Hit>* hits,
                 MatchCounters* counters, std::vector<uint8_t>* quiet) const;
  static uint64_t NextSerial();
  uint64_t serial_ = NextSerial();
  std::shared_ptr<const IndexPart> base_, delta_;
  std::shared_ptr<const std::vector<bool>> base_removed_;
  size_t base_removed_count_ = 0;
  bool confirm_simple_ = false;
};

class IndicatorIndex {
 public:
  explicit IndicatorIndex(IndexOptions options = {});

  // Parses and adds `specs`, replacing indicators with the same id (the last one wins
  // within a batch). A spec whose pattern does not parse or compile is skipped and
  // listed in `rejected` with its error (invalid-argument/resource-exhausted naming the
  // offset); the others are published together. Returns non-OK only when the index
  // itself cannot be built (internal: Hyperscan failed as a whole); the previous
  // snapshot then stays published and additions not yet merged are dropped.
  Status Add(const std::vector<IndicatorSpec>& specs,
             std::vector<std::pair<std::string, Status>>* rejected = nullptr);
  // Removes the indicators with these ids; unknown ids are ignored.
  Status Remove(const std::vector<std::string>& ids);

  // The current snapshot (never null). Lock-free for readers.
  std::shared_ptr<const IndexSnapshot> snapshot() const { return current_.load(); }

 private:
  Status Publish(bool merge);  // requires mu_
  // Merges base, delta and `batch` (replacing same ids) into a new base; requires mu_.
  Status MergeWith(std::vector<IndicatorInput> batch);

  const IndexOptions options_;
  std::mutex mu_;
  std::shared_ptr<const IndexPart> base_;
  std::shared_ptr<const std::vector<bool>> base_removed_;
  size_t base_removed_count_ = 0;
  std::vector<IndicatorInput> delta_;
  std::unordered_map<std::string, size_t> delta_pos_;
  std::atomic<std::shared_ptr<const IndexSnapshot>> current_;
};

}  // namespace entente::pattern::index
