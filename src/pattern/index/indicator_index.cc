#include "pattern/index/indicator_index.h"

#include <algorithm>
#include <atomic>
#include <boost/json/array.hpp>

#include "pattern/index/fast_classify.h"
#include "pattern/parser.h"

namespace entente::pattern::index {
namespace {

class MatcherExact final : public ExactMatcher {
 public:
  explicit MatcherExact(Matcher m) : m_(std::move(m)) {}
  ExactResult Match(const ObservationSet& set) const override {
    MatchResult r = m_.Match(set);
    ExactResult out;
    out.matched = r.matched;
    out.gave_up = !r.matched && !r.status.ok();
    if (r.matched && !r.binding.empty()) out.observation = r.binding.front().observation;
    return out;
  }

 private:
  Matcher m_;
};

}  // namespace

std::shared_ptr<const ExactMatcher> ExactFromMatcher(Matcher matcher) {
  return std::make_shared<MatcherExact>(std::move(matcher));
}

void IndexSnapshot::MatchRecord(const boost::json::value& record, std::vector<Hit>* hits,
                                MatchCounters* counters) const {
  const boost::json::value* one = &record;
  MatchBatch(std::span<const boost::json::value* const>(&one, 1), hits, counters);
}

// Per-thread scratch of the Match calls: matching allocates nothing in the steady state.
struct IndexSnapshot::Scratch {
  std::vector<ViewSet> sets;  // MatchBatch: one per record of the batch
  struct View {
    uint32_t record;
    uint32_t local;       // index of the view in its record
    std::string_view id;  // what a fast hit names as its observation
  };
  std::vector<View> views;
  std::vector<const ObservationView*> view_of;  // MatchBatch: views[g]'s view
  ProbeBatch probe[2];
  struct Confirm {
    uint32_t record;
    uint32_t part;
    uint32_t indicator;
    bool operator<(const Confirm& o) const {
      if (record != o.record) return record < o.record;
      return part != o.part ? part < o.part : indicator < o.indicator;
    }
    bool operator==(const Confirm&) const = default;
  };
  std::vector<Confirm> confirm;

  void Clear() {
    views.clear();
    view_of.clear();
    confirm.clear();
    for (ProbeBatch& pb : probe) pb.Clear();
  }
};

namespace {

// The id a hit names for observation `n` of a record: the observed-data's id, or for a
// bare SCO (evaluated hits only) the SCO's own id.
std::string_view ObservationIdOf(const ViewSet& set, size_t n, bool bare_own_id) {
  if (n >= set.views.size()) return {};
  const ObservationView& v = set.views[n];
  if (v.observed_data != nullptr || !bare_own_id || v.objects.empty()) return v.id();
  const boost::json::value* id = v.objects.front()->if_contains("id");
  if (id == nullptr || !id->is_string()) return {};
  return {id->get_string().data(), id->get_string().size()};
}

}  // namespace

template <typename Load, typename EvalId>
void IndexSnapshot::Finish(Scratch& s, std::vector<Hit>* hits, MatchCounters& c, const Load& load,
                           const EvalId& eval_id) const {
  const IndexPart* parts[2] = {base_.get(), delta_.get()};
  c.observations += s.views.size();

  // 2. The hash-table probes of the whole batch, then the fast-path hits.
  for (int p = 0; p < 2; ++p) {
    const IndexPart& part = *parts[p];
    ProbeBatch& pb = s.probe[p];
    part.Resolve(&pb);
    std::vector<ProbeBatch::Found>& direct = pb.direct;
    if (direct.size() > 1) {
      std::sort(direct.begin(), direct.end());
      direct.erase(std::unique(direct.begin(), direct.end()), direct.end());
    }
    // (Emit started loading each one's id offset.)
    for (const ProbeBatch::Found& f : direct) part.PrefetchId(f.indicator);
    for (const ProbeBatch::Found& f : direct) {
      if (p == 0 && (*base_removed_)[f.indicator]) continue;
      const Scratch::View& view = s.views[f.view];
      if (confirm_simple_ && part.exact(f.indicator) != nullptr) {
        s.confirm.push_back(Scratch::Confirm{view.record, static_cast<uint32_t>(p), f.indicator});
        continue;
      }
      ++c.fast_hits;
      hits->push_back(Hit{part.id(f.indicator), view.id, view.local, view.record});
    }
    for (const ProbeBatch::Found& f : pb.to_confirm) {
      s.confirm.push_back(
          Scratch::Confirm{s.views[f.view].record, static_cast<uint32_t>(p), f.indicator});
    }
  }
  if (s.confirm.empty()) return;

  // 3. The exact evaluator, once per (record, indicator) the fast path could not decide.
  std::sort(s.confirm.begin(), s.confirm.end());
  s.confirm.erase(std::unique(s.confirm.begin(), s.confirm.end()), s.confirm.end());
  for (size_t i = 0; i < s.confirm.size();) {
    uint32_t r = s.confirm[i].record;
    size_t end = i;
    while (end < s.confirm.size() && s.confirm[end].record == r) ++end;
    Result<ObservationSet> set = load(r);
    if (!set.ok()) {
      ++c.bad_records;
      i = end;
      continue;
    }
    for (; i < end; ++i) {
      const Scratch::Confirm& cf = s.confirm[i];
      if (cf.part == 0 && (*base_removed_)[cf.indicator]) continue;
      const IndexPart& part = *parts[cf.part];
      const ExactMatcher* exact = part.exact(cf.indicator);
      if (exact == nullptr) continue;  // Build guarantees one for non-simple indicators
      ++c.evaluations;
      ExactResult res = exact->Match(*set);
      if (res.gave_up) ++c.gave_up;
      if (!res.matched) continue;
      ++c.evaluated_hits;
      hits->push_back(Hit{part.id(cf.indicator), eval_id(r, res.observation), res.observation, r});
    }
  }
}

void IndexSnapshot::MatchBatch(std::span<const boost::json::value* const> records,
                               std::vector<Hit>* hits, MatchCounters* counters) const {
  MatchCounters local;
  MatchCounters& c = counters != nullptr ? *counters : local;
  c.records += records.size();
  thread_local Scratch scratch;
  Scratch& s = scratch;
  if (s.sets.size() < records.size()) s.sets.resize(records.size());
  s.Clear();
  const IndexPart* parts[2] = {base_.get(), delta_.get()};

  // 1. Split the records into observations, then collect what to probe. The parsed
  // records are trees of separately allocated nodes, larger together than the first
  // cache levels: each pass starts loading what the next one reads first (the records'
  // member tables, then the SCOs' tables).
  for (const boost::json::value* record : records) {
    if (const boost::json::object* o = record->if_object()) __builtin_prefetch(o->begin());
  }
  for (size_t r = 0; r < records.size(); ++r) {
    ViewsOf(*records[r], &s.sets[r]);
    const std::vector<ObservationView>& views = s.sets[r].views;
    for (size_t v = 0; v < views.size(); ++v) {
      s.views.push_back(
          Scratch::View{static_cast<uint32_t>(r), static_cast<uint32_t>(v), views[v].id()});
      s.view_of.push_back(&views[v]);
      for (const boost::json::object* o : views[v].objects) __builtin_prefetch(o->begin());
    }
  }
  for (uint32_t g = 0; g < s.views.size(); ++g) {
    for (int p = 0; p < 2; ++p) parts[p]->Collect(*s.view_of[g], g, &s.probe[p]);
  }
  Finish(
      s, hits, c, [&](uint32_t r) { return LoadObservations(*records[r], StixVersion::k21); },
      [&](uint32_t r, size_t n) { return ObservationIdOf(s.sets[r], n, true); });
}

uint64_t IndexSnapshot::NextSerial() {
  static std::atomic<uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

void IndexSnapshot::MatchScos(std::span<const FlatSco> scos, std::vector<Hit>* hits,
                              MatchCounters* counters) const {
  std::span<const FlatSco> one[1] = {scos};
  MatchFlat(one, hits, counters, nullptr);
}

void IndexSnapshot::MatchScos(std::span<const FlatSco> scos, std::vector<Hit>* hits,
                              MatchCounters* counters, std::vector<uint8_t>* quiet) const {
  std::span<const FlatSco> one[1] = {scos};
  MatchFlat(one, hits, counters, quiet);
}

void IndexSnapshot::MatchScosBatch(std::span<const std::span<const FlatSco>> records,
                                   std::vector<Hit>* hits, MatchCounters* counters) const {
  MatchFlat(records, hits, counters, nullptr);
}

void IndexSnapshot::MatchScosBatch(std::span<const std::span<const FlatSco>> records,
                                   std::vector<Hit>* hits, MatchCounters* counters,
                                   std::vector<uint8_t>* quiet) const {
  MatchFlat(records, hits, counters, quiet);
}

void IndexSnapshot::MatchFlat(std::span<const std::span<const FlatSco>> records,
                              std::vector<Hit>* hits, MatchCounters* counters,
                              std::vector<uint8_t>* quiet) const {
  MatchCounters local;
  MatchCounters& c = counters != nullptr ? *counters : local;
  c.records += records.size();
  thread_local Scratch scratch;
  Scratch& s = scratch;
  s.Clear();
  const IndexPart* parts[2] = {base_.get(), delta_.get()};
  for (size_t r = 0; r < records.size(); ++r) {
    for (size_t v = 0; v < records[r].size(); ++v) {
      uint32_t g = static_cast<uint32_t>(s.views.size());
      s.views.push_back(
          Scratch::View{static_cast<uint32_t>(r), static_cast<uint32_t>(v), std::string_view()});
      if (quiet != nullptr && (*quiet)[g] != 0) continue;  // known to name nothing
      for (int p = 0; p < 2; ++p) parts[p]->CollectFlat(records[r][v], g, &s.probe[p]);
    }
  }
  // Only a record some non-simple indicator may match is turned into JSON: the array
  // MatchRecord would have been given, read by the same loader.
  Finish(
      s, hits, c,
      [&](uint32_t r) {
        boost::json::array scos;
        scos.reserve(records[r].size());
        for (const FlatSco& sco : records[r]) scos.emplace_back(JsonOf(sco));
        return LoadObservations(boost::json::value(std::move(scos)), StixVersion::k21);
      },
      [](uint32_t, size_t) { return std::string_view(); });
  if (quiet == nullptr) return;
  // Every indicator a view's SCO named, in either part, is still in the probe batches
  // (Finish only sorts them): a view none names is quiet (and one known to be quiet named
  // none, not being probed). quiet is given for one record only, whose view g is its SCO g.
  std::fill(quiet->begin(), quiet->end(), 1);
  for (const ProbeBatch& pb : s.probe) {
    for (const ProbeBatch::Found& f : pb.direct) (*quiet)[f.view] = 0;
    for (const ProbeBatch::Found& f : pb.to_confirm) (*quiet)[f.view] = 0;
  }
}

size_t IndexSnapshot::size() const { return base_->size() - base_removed_count_ + delta_->size(); }

IndexSnapshot::Stats IndexSnapshot::GetStats() const {
  Stats s;
  s.base = base_->GetStats();
  s.delta = delta_->GetStats();
  s.removed_in_base = base_removed_count_;
  return s;
}

IndicatorIndex::IndicatorIndex(IndexOptions options) : options_(std::move(options)) {
  base_ = IndexPart::Build({}).value();
  base_removed_ = std::make_shared<const std::vector<bool>>();
  Status s = Publish(false);
  (void)s;  // building empty parts cannot fail
}

Status IndicatorIndex::Add(const std::vector<IndicatorSpec>& specs,
                           std::vector<std::pair<std::string, Status>>* rejected) {
  // Parse and compile outside the lock, in parallel chunks (order is kept).
  constexpr size_t kChunk = 16384;
  size_t chunks = (specs.size() + kChunk - 1) / kChunk;
  std::vector<std::vector<IndicatorInput>> chunk_inputs(chunks);
  std::vector<std::vector<std::pair<std::string, Status>>> chunk_rejected(chunks);
  ParallelFor(chunks, [&](size_t c) {
    size_t end = std::min(specs.size(), (c + 1) * kChunk);
    for (size_t i = c * kChunk; i < end; ++i) {
      const IndicatorSpec& spec = specs[i];
      ParseOptions po;
      po.version = spec.version;
      IndicatorInput in;
      if (!options_.confirm_simple && FastClassify(spec.pattern, po, &in.pattern)) {
        in.id = spec.id;
        chunk_inputs[c].push_back(std::move(in));
        continue;
      }
      auto parsed = ParsePattern(spec.pattern, po);
      if (!parsed.ok()) {
        chunk_rejected[c].emplace_back(spec.id, parsed.status());
        continue;
      }
      in.id = spec.id;
      in.pattern = Classify(*parsed);
      if (in.pattern.kind != PatternClass::kSimple || options_.confirm_simple) {
        auto m = Matcher::Compile(*parsed, options_.match_options);
        if (!m.ok()) {
          chunk_rejected[c].emplace_back(spec.id, m.status());
          continue;
        }
        in.exact = ExactFromMatcher(std::move(m).value());
      }
      chunk_inputs[c].push_back(std::move(in));
    }
  });
  std::vector<IndicatorInput> inputs;
  inputs.reserve(specs.size());
  for (size_t c = 0; c < chunks; ++c) {
    for (IndicatorInput& in : chunk_inputs[c]) inputs.push_back(std::move(in));
    if (rejected != nullptr) {
      for (auto& r : chunk_rejected[c]) rejected->push_back(std::move(r));
    }
  }
  chunk_inputs.clear();
  std::lock_guard<std::mutex> lock(mu_);
  size_t live = base_->size() - base_removed_count_;
  if (delta_.size() + inputs.size() > std::max(options_.min_delta, live / 8)) {
    return MergeWith(std::move(inputs));  // a merge follows anyway: skip indexing the delta
  }
  delta_pos_.reserve(delta_.size() + inputs.size());
  std::vector<bool>* removed = nullptr;  // copied on first write
  std::shared_ptr<std::vector<bool>> removed_copy;
  for (IndicatorInput& in : inputs) {
    if (auto n = base_->Find(in.id); n && !(*base_removed_)[*n]) {
      if (removed == nullptr) {
        removed_copy = std::make_shared<std::vector<bool>>(*base_removed_);
        removed = removed_copy.get();
      }
      (*removed)[*n] = true;
      ++base_removed_count_;
    }
    auto it = delta_pos_.find(in.id);
    if (it != delta_pos_.end()) {
      delta_[it->second] = std::move(in);
    } else {
      delta_pos_.emplace(in.id, delta_.size());
      delta_.push_back(std::move(in));
    }
  }
  if (removed_copy != nullptr) base_removed_ = removed_copy;
  size_t live_base = base_->size() - base_removed_count_;
  bool merge = delta_.size() > std::max(options_.min_delta, live_base / 8);
  return Publish(merge);
}

Status IndicatorIndex::Remove(const std::vector<std::string>& ids) {
  std::lock_guard<std::mutex> lock(mu_);
  std::shared_ptr<std::vector<bool>> removed_copy;
  bool delta_changed = false;
  for (const std::string& id : ids) {
    if (auto n = base_->Find(id); n && !(*base_removed_)[*n]) {
      if (removed_copy == nullptr) {
        removed_copy = std::make_shared<std::vector<bool>>(*base_removed_);
      }
      (*removed_copy)[*n] = true;
      ++base_removed_count_;
    }
    auto it = delta_pos_.find(id);
    if (it != delta_pos_.end()) {
      size_t pos = it->second;
      delta_pos_.erase(it);
      if (pos + 1 != delta_.size()) {
        delta_[pos] = std::move(delta_.back());
        delta_pos_[delta_[pos].id] = pos;
      }
      delta_.pop_back();
      delta_changed = true;
    }
  }
  if (removed_copy == nullptr && !delta_changed) return Status::Ok();
  if (removed_copy != nullptr) base_removed_ = removed_copy;
  return Publish(false);
}

Status IndicatorIndex::MergeWith(std::vector<IndicatorInput> batch) {
  // Base indicators the batch replaces are dropped with the removed ones.
  std::vector<bool> keep(base_->size());
  for (uint32_t n = 0; n < keep.size(); ++n) keep[n] = !(*base_removed_)[n];
  for (const IndicatorInput& in : batch) {
    if (auto n = base_->Find(in.id)) keep[*n] = false;
  }
  std::vector<IndicatorInput> all = base_->Export([&](uint32_t n) { return keep[n]; });
  size_t first = all.size();
  all.reserve(first + delta_.size() + batch.size());
  for (IndicatorInput& in : delta_) all.push_back(std::move(in));
  for (IndicatorInput& in : batch) all.push_back(std::move(in));
  batch.clear();
  // The delta and the batch may repeat an id: the last one wins (open addressing over
  // positions, walked from the end).
  size_t tail = all.size() - first;
  size_t cap = 16;
  while (cap < 2 * tail) cap *= 2;
  std::vector<uint32_t> seen(cap, 0xffffffffu);
  std::vector<bool> dead(tail, false);
  for (size_t k = tail; k-- > 0;) {
    const std::string& id = all[first + k].id;
    size_t slot = HashKey(0, id) & (cap - 1);
    while (seen[slot] != 0xffffffffu) {
      if (all[first + seen[slot]].id == id) {
        dead[k] = true;
        break;
      }
      slot = (slot + 1) & (cap - 1);
    }
    if (!dead[k]) seen[slot] = static_cast<uint32_t>(k);
  }
  size_t w = first;
  for (size_t k = 0; k < tail; ++k) {
    if (dead[k]) continue;
    if (w != first + k) all[w] = std::move(all[first + k]);
    ++w;
  }
  all.resize(w);
  delta_.clear();
  delta_pos_.clear();
  auto base = IndexPart::Build(std::move(all));
  // On failure the unmerged additions are lost; the published snapshot stays as it was.
  if (!base.ok()) return base.status();
  base_ = *base;
  base_removed_ = std::make_shared<const std::vector<bool>>(base_->size(), false);
  base_removed_count_ = 0;
  return Publish(false);
}

Status IndicatorIndex::Publish(bool merge) {
  auto snap = std::make_shared<IndexSnapshot>();
  snap->confirm_simple_ = options_.confirm_simple;
  if (merge) {
    const std::vector<bool>& removed = *base_removed_;
    std::vector<IndicatorInput> all = base_->Export([&](uint32_t n) { return !removed[n]; });
    all.reserve(all.size() + delta_.size());
    for (IndicatorInput& in : delta_) all.push_back(std::move(in));
    delta_.clear();
    delta_pos_.clear();
    auto base = IndexPart::Build(std::move(all));
    // On failure the unmerged additions are lost; the published snapshot stays as it was.
    if (!base.ok()) return base.status();
    base_ = *base;
    base_removed_ = std::make_shared<const std::vector<bool>>(base_->size(), false);
    base_removed_count_ = 0;
  }
  auto delta = IndexPart::Build(delta_);
  if (!delta.ok()) return delta.status();
  snap->base_ = base_;
  snap->base_removed_ = base_removed_;
  snap->base_removed_count_ = base_removed_count_;
  snap->delta_ = *delta;
  current_.store(std::shared_ptr<const IndexSnapshot>(std::move(snap)));
  return Status::Ok();
}

}  // namespace entente::pattern::index
