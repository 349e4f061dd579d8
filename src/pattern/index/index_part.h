// IndexPart: an immutable compiled set of indicators - the unit the IndicatorIndex
// snapshots are made of (a large base part and a small delta part).
//
// Built once by IndexPart::Build, then read-only: Probe and every accessor are safe for
// concurrent use. Indicators are numbered 0..size()-1 in input order. Memory: per
// simple equality indicator one ValueTable slot (12 bytes at 80 % load), its key in the
// table's arena (8 bytes + the value), its id in an id arena (2 bytes + the id), and a
// 4-byte id-hash slot and 4-byte offset.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "entente/status.h"
#include "pattern/index/cidr_set.h"
#include "pattern/index/classify.h"
#include "pattern/index/observation.h"
#include "pattern/index/regex_set.h"
#include "pattern/index/value_table.h"
#include "pattern/observations.h"

namespace entente::pattern::index {

// Runs fn(0..n-1) on up to hardware_concurrency threads and waits for all of them.
void ParallelFor(size_t n, const std::function<void(size_t)>& fn);

struct ExactResult {
  bool matched = false;
  size_t observation = 0;  // matched: index in the set of (the first) matching observation
  bool gave_up = false;    // the evaluator hit a bound and could not decide (not matched)
};

// Decides exactly whether one pattern matches a set of observations - the pattern
// engine's own answer (see ExactFromPattern). Implementations must be safe for
// concurrent use.
class ExactMatcher {
 public:
  virtual ~ExactMatcher() = default;
  virtual ExactResult Match(const ObservationSet& observations) const = 0;
};

// One indicator ready to be indexed.
struct IndicatorInput {
  std::string id;
  Classified pattern;
  // Required unless pattern.kind is kSimple (and then used only when the index is asked
  // to confirm simple hits).
  std::shared_ptr<const ExactMatcher> exact;
};

// Scratch space for probing a batch of observations against one IndexPart: what
// IndexPart::Collect gathers and IndexPart::Resolve completes. Observations are named by
// the caller's `view` numbers. Reusable (Clear keeps the capacity); one per thread.
struct ProbeBatch {
  struct Equality {
    uint32_t view;
    uint32_t field;
    std::string_view value;  // points into the observation's JSON (or the caller's FlatSco)
    uint64_t hash;
    uint32_t slot;
  };
  struct Found {
    uint32_t view;
    uint32_t indicator;
    bool operator<(const Found& o) const {
      return view != o.view ? view < o.view : indicator < o.indicator;
    }
    bool operator==(const Found&) const = default;
  };
  struct Regex {
    uint32_t set;  // the IndexPart's number of the RegexSet
    uint32_t view;
    std::string_view value;  // points into the observation's JSON (or the caller's FlatSco)
  };
  struct Cidr {
    uint32_t field;
    uint32_t view;
    CidrSet::V4Probe probe;
  };
  std::vector<Equality> equality;  // pending hash-table probes
  std::vector<Cidr> cidr;          // pending IPv4 address lookups
  std::vector<Regex> regex;        // pending LIKE/MATCHES scans, made per set together
  // Indicators the fast structures prove to match the view (kSimple), and those the
  // exact matcher must decide over the view's whole record (kPrefiltered with a leaf
  // hit, kGated whose types occur). Both may hold duplicates.
  std::vector<Found> direct, to_confirm;
  // Resolve's scratch: queued scans grouped by set (a counting sort), their values.
  std::vector<Regex> regex_grouped;
  std::vector<uint32_t> regex_count, regex_present;
  std::vector<std::string_view> regex_values;
  // NFC forms of observed strings that were not in NFC (the queued probes point into
  // them; a deque never moves its strings).
  std::deque<std::string> normalized;
  void Clear() {
    normalized.clear();
    equality.clear();
    cidr.clear();
    regex.clear();
    direct.clear();
    to_confirm.clear();
  }
};

class IndexPart {
 public:
  // Fails (invalid-argument naming the id) when an indicator that needs an exact
  // matcher has none, or internal when Hyperscan fails as a whole.
  static Result<std::shared_ptr<const IndexPart>> Build(std::vector<IndicatorInput> inputs);

  // Probing happens in two steps so that the hash-table cache misses of a whole batch
  // overlap. Collect reads the observation's objects in one pass over their members
  // (only the properties some indicator names) and queues each equality probe (hashed,
  // its slot prefetched), each IPv4 address to look up in a CIDR set (its bucket
  // prefetched) and each value to scan for LIKE/MATCHES; Resolve then runs the queued
  // probes and lookups in stages, and the scans of each regex set over all its queued
  // values together (RegexSet::ScanMany). Other CIDR queries are answered at once. Results go to
  // batch->direct / batch->to_confirm under `view`.
  void Collect(const ObservationView& obs, uint32_t view, ProbeBatch* batch) const;
  // The same for one observation holding one SCO given as plain values: queues what
  // Collect would queue for JsonOf(sco), without JSON.
  void CollectFlat(const FlatSco& sco, uint32_t view, ProbeBatch* batch) const;
  void Resolve(ProbeBatch* batch) const;
  // Starts loading what id(n) reads.
  void PrefetchIdOffset(uint32_t n) const { __builtin_prefetch(&id_offsets_[n]); }
  void PrefetchId(uint32_t n) const { __builtin_prefetch(ids_.data() + id_offsets_[n]); }

  size_t size() const { return id_offsets_.size(); }
  std::string_view id(uint32_t n) const;
  PatternClass kind(uint32_t n) const { return static_cast<PatternClass>(kinds_[n]); }
  const ExactMatcher* exact(uint32_t n) const;
  std::optional<uint32_t> Find(std::string_view id) const;

  // Rebuilds the inputs of every indicator for which keep(n) is true (used to merge
  // parts). Leaves come back in a different but equivalent order.
  template <typename Keep>
  std::vector<IndicatorInput> Export(Keep&& keep) const {
    std::vector<bool> k(size());
    for (uint32_t n = 0; n < size(); ++n) k[n] = keep(n);
    return ExportImpl(k);
  }

  struct Stats {
    size_t indicators = 0, simple = 0, prefiltered = 0, gated = 0;
    size_t equality_keys = 0, cidr_blocks = 0, regexes = 0, regexes_in_re2 = 0;
    size_t bytes = 0;  // the part's own arrays and structures
  };
  Stats GetStats() const;

 private:
  struct Field {
    std::string object_type;
    std::vector<std::string> keys;
    bool has_equal = false;
    std::unique_ptr<CidrSet> cidr;  // ISSUBSET leaves on this field
    std::vector<RegexSet> regex;    // LIKE/MATCHES leaves, in chunks; ids index regex_terms_
    uint32_t regex_base = 0;        // regex[j] is regex_sets_[regex_base + j]
  };
  struct TypeEntry {
    std::string object_type;
    std::vector<uint32_t> fields;
    std::vector<uint32_t> gated;  // kGated indicators naming this type
    int32_t keys = -1;            // root of the type's key tree in key_nodes_
  };
  // The property paths of a type's fields as a tree of keys, so that one pass over an
  // object's members finds every indexed property (instead of one lookup per field).
  struct KeyEdge {
    std::string key;
    int32_t field = -1;  // the field whose path ends here (its value must be a string)
    int32_t child = -1;  // longer paths continue in key_nodes_[child] (value an object)
  };
  struct KeyNode {
    std::vector<KeyEdge> edges;
  };
  struct RegexTerm {
    uint32_t indicator;
    uint32_t field;
    LeafOp op;
    std::string literal;
  };
  struct CidrTerm {
    uint32_t field;
    uint32_t indicator;
    std::string literal;
  };

  std::vector<IndicatorInput> ExportImpl(const std::vector<bool>& keep) const;
  void Emit(uint32_t view, uint32_t n, ProbeBatch* batch) const {
    if (kinds_[n] == static_cast<uint8_t>(PatternClass::kSimple)) {
      PrefetchIdOffset(n);  // the hit will name the indicator
      batch->direct.push_back(ProbeBatch::Found{view, n});
    } else {
      batch->to_confirm.push_back(ProbeBatch::Found{view, n});
    }
  }
  void Walk(const boost::json::object& o, int32_t node, uint32_t view, ProbeBatch* batch) const;
  const TypeEntry* EntryOf(std::string_view type) const;
  void Visit(uint32_t f, std::string_view value, uint32_t view, ProbeBatch* batch) const;
  void ResolveRegex(ProbeBatch* batch) const;

  std::vector<Field> fields_;
  std::vector<TypeEntry> types_;
  std::vector<KeyNode> key_nodes_;
  ValueTable equal_;
  std::vector<const RegexSet*> regex_sets_;  // every field's, numbered for ProbeBatch
  std::vector<RegexTerm> regex_terms_;
  std::vector<CidrTerm> cidr_terms_;  // kept to export; CidrSet postings are indicators
  std::vector<uint8_t> kinds_;
  std::vector<uint32_t> id_offsets_;  // into ids_: u16 length then bytes
  std::vector<char> ids_;
  std::vector<uint32_t> id_slots_;  // open addressing over indicator numbers, ~0u empty
  // Exact matchers and object types of the indicators that are not kSimple, sorted.
  struct Extra {
    uint32_t indicator;
    std::shared_ptr<const ExactMatcher> exact;
    std::vector<std::string> object_types;
  };
  std::vector<Extra> extras_;
};

}  // namespace entente::pattern::index
