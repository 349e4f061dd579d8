// sightings/record_match.h: one line of sensor telemetry (telemetry::Record) matched
// against the compiled indicator index - the one mapping `entente sense` and the sensor
// benchmark share.
//
// Each observable of a record stands for one STIX 2.1 SCO (section 6) holding its value -
// ipv4-addr / ipv6-addr / domain-name / url / email-addr `value`, file `hashes` MD5,
// SHA-1, SHA-256, x509-certificate `hashes` SHA-1, SHA-256 - and the record for one
// observation per SCO: the JSON array RecordJson builds. RecordMatcher hands the index
// the same SCOs as plain values (IndexSnapshot::MatchScos), so that no JSON is built per
// line; the index builds it only for a record an indicator needing the pattern evaluator
// may match, and the answer is the same (pattern/index/flat_match_test.cc).
//
// Background telemetry repeats a few values heavily (resolvers, popular domains, busy
// hosts), and almost none of them is an indicator's. Match therefore remembers, for the
// snapshot it last matched against, recently seen observables that gave the index nothing
// to do (IndexSnapshot::MatchScos's `quiet`), and does not have the index probe them again
// (the exact matcher, when some other observable calls for it, still reads the whole
// record); a record made of such observables alone matches nothing and is answered without
// the index. The memory is a fixed table (kQuietSlots entries of one cache line, a few
// hundred KiB: it stays in L2), each entry the kind and the whole value (never a hash
// alone), and it is emptied when Match is handed a snapshot with another serial(), so an
// answer is never carried from one snapshot to the next. MatchBatch uses the same memory
// and, besides, overlaps the probes of the observables it does not know across records.
//
// A RecordMatcher keeps reusable scratch: one per thread, not safe for concurrent use.
// The indicator ids it returns point into the snapshot and stay valid while the caller
// holds it.
#pragma once

#include <boost/json/value.hpp>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "pattern/index/indicator_index.h"
#include "telemetry/observable.h"

namespace entente::sightings {

// The SCO observable `o` stands for, as the index's plain input (views into `o`).
pattern::index::FlatSco ScoOf(const telemetry::Observable& o);

// The record as the JSON array of its SCOs (no ids), which IndexSnapshot::MatchRecord
// reads as one observation per SCO: what RecordMatcher's answer equals.
boost::json::value RecordJson(const telemetry::Record& record);

// One indicator matched by record `record` of a batch.
struct RecordHit {
  size_t record = 0;
  std::string_view indicator;
  bool operator==(const RecordHit&) const = default;
};

class RecordMatcher {
 public:
  // Sets *indicator_ids to the ids of the indicators matching `record` (observables
  // [0, record.count)), each once however many observables matched, sorted.
  void Match(const pattern::index::IndexSnapshot& snapshot, const telemetry::Record& record,
             std::vector<std::string_view>* indicator_ids,
             pattern::index::MatchCounters* counters = nullptr);
  // Match without the memory of quiet values (the reference its answers must equal).
  void MatchUncached(const pattern::index::IndexSnapshot& snapshot, const telemetry::Record& record,
                     std::vector<std::string_view>* indicator_ids,
                     pattern::index::MatchCounters* counters = nullptr);
  // The same for several records at once (their hash-table probes overlap): sets *hits
  // to one RecordHit per (record, indicator), sorted by record then id. A few dozen
  // records per call: 64 was fastest of 32, 64, 128 and 256 in bench_sense_path.
  void MatchBatch(const pattern::index::IndexSnapshot& snapshot,
                  std::span<const telemetry::Record* const> records, std::vector<RecordHit>* hits,
                  pattern::index::MatchCounters* counters = nullptr);

  static constexpr size_t kQuietSlots = 4096;   // a power of two
  static constexpr size_t kQuietValueMax = 54;  // longer values are not remembered

 private:
  struct QuietEntry {
    uint64_t hash = 0;
    uint8_t kind = 0;  // ObservableKind + 1; 0: empty
    uint8_t size = 0;
    char value[kQuietValueMax];
  };
  static uint64_t QuietHash(const telemetry::Observable& o);
  // Empties the memory when `snapshot` is not the one it was learnt from.
  void Follow(const pattern::index::IndexSnapshot& snapshot);
  // Appends to hashes_ and quiet_flags_ the hash and the remembered quietness of each
  // observable of `record`; true when every one of them is remembered as quiet.
  bool Recall(const telemetry::Record& record);
  // Remembers the observables of `record` that quiet_flags_[first, ...) say are quiet.
  void Remember(const telemetry::Record& record, size_t first);
  void ToIds(std::vector<std::string_view>* indicator_ids);

  std::vector<QuietEntry> quiet_;  // kQuietSlots once used
  uint64_t quiet_serial_ = 0;      // the snapshot quiet_ was learnt from
  std::vector<uint64_t> hashes_;
  std::vector<uint8_t> quiet_flags_;
  std::vector<pattern::index::FlatSco> scos_;
  std::vector<std::span<const pattern::index::FlatSco>> spans_;
  std::vector<pattern::index::Hit> hits_;
};

}  // namespace entente::sightings
