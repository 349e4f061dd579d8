#include "pattern/index/index_part.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <functional>
#include <map>
#include <thread>
#include <utility>

#include "pattern/nfc.h"

namespace entente::pattern::index {
namespace {

constexpr uint32_t kNoIndicator = 0xffffffffu;
constexpr uint32_t kIdField = 0xfffffffeu;  // hash seed for ids, never a real field

std::string FieldKey(const std::string& type, const std::vector<std::string>& keys) {
  std::string k = type;
  for (const std::string& s : keys) {
    k += '\x1f';
    k += s;
  }
  return k;
}

uint32_t SlotOf(uint64_t hash, size_t cap) {
  return static_cast<uint32_t>((static_cast<uint64_t>(static_cast<uint32_t>(hash)) * cap) >> 32);
}

std::string_view TypeOf(const boost::json::object& o) { return StringMemberOf(o, "type"); }

}  // namespace

void ParallelFor(size_t n, const std::function<void(size_t)>& fn) {
  size_t threads = std::min<size_t>(n, std::max(1u, std::thread::hardware_concurrency()));
  if (threads <= 1) {
    for (size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  std::atomic<size_t> next{0};
  std::vector<std::thread> pool;
  for (size_t t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (size_t i = next++; i < n; i = next++) fn(i);
    });
  }
  for (auto& th : pool) th.join();
}

Result<std::shared_ptr<const IndexPart>> IndexPart::Build(std::vector<IndicatorInput> inputs) {
  auto part = std::make_shared<IndexPart>();
  IndexPart& p = *part;
  size_t n = inputs.size();
  if (n >= kIdField) return Status::ResourceExhausted("index: too many indicators in one part");
  p.kinds_.resize(n);
  p.id_offsets_.resize(n);
  size_t id_bytes = 0;
  for (const IndicatorInput& in : inputs) id_bytes += 2 + in.id.size();
  p.ids_.reserve(id_bytes);

  std::map<std::string, uint32_t> field_ids;
  uint32_t last_field = kNoIndicator;  // feeds repeat one field many times in a row
  auto field_of = [&](const Leaf& leaf) {
    if (last_field != kNoIndicator && p.fields_[last_field].keys == leaf.keys &&
        p.fields_[last_field].object_type == leaf.object_type) {
      return last_field;
    }
    std::string key = FieldKey(leaf.object_type, leaf.keys);
    auto [it, inserted] = field_ids.emplace(key, static_cast<uint32_t>(p.fields_.size()));
    if (inserted) {
      Field f;
      f.object_type = leaf.object_type;
      f.keys = leaf.keys;
      p.fields_.push_back(std::move(f));
    }
    last_field = it->second;
    return it->second;
  };
  std::map<std::string, uint32_t> type_ids;
  auto type_of = [&](const std::string& type) {
    auto [it, inserted] = type_ids.emplace(type, static_cast<uint32_t>(p.types_.size()));
    if (inserted) p.types_.push_back(TypeEntry{type, {}, {}});
    return it->second;
  };

  // Pass 1: ids, kinds, and the regular expressions (an expression no engine compiles
  // demotes its indicator to kGated, so the exact matcher decides it).
  std::map<uint32_t, std::vector<RegexSpec>> specs_by_field;
  for (uint32_t i = 0; i < n; ++i) {
    IndicatorInput& in = inputs[i];
    if (in.id.size() > 0xffff) return Status::InvalidArgument("index: id longer than 65535 bytes");
    p.id_offsets_[i] = static_cast<uint32_t>(p.ids_.size());
    uint16_t len = static_cast<uint16_t>(in.id.size());
    char b[2];
    std::memcpy(b, &len, 2);
    p.ids_.insert(p.ids_.end(), b, b + 2);
    p.ids_.insert(p.ids_.end(), in.id.begin(), in.id.end());
    p.kinds_[i] = static_cast<uint8_t>(in.pattern.kind);
    if (in.pattern.kind == PatternClass::kGated) continue;
    for (const Leaf& leaf : in.pattern.leaves) {
      if (leaf.op != LeafOp::kLike && leaf.op != LeafOp::kMatches) continue;
      uint32_t f = field_of(leaf);
      RegexSpec spec;
      uint32_t term = static_cast<uint32_t>(p.regex_terms_.size());
      if (leaf.op == LeafOp::kLike) {
        spec = LikeSpec(leaf.literal, term);
      } else {
        spec.id = term;
        spec.utf8 = true;
        spec.expression = leaf.literal;
        spec.exact_re2 = true;
      }
      specs_by_field[f].push_back(std::move(spec));
      p.regex_terms_.push_back(RegexTerm{i, f, leaf.op, leaf.literal});
    }
  }
  // Hyperscan compiles of expressions grow faster than linearly with their number:
  // databases of at most kRegexChunk expressions, compiled in parallel. Literal tests
  // (most LIKEs) and MATCHES found by their RE2 atoms compile quickly: all of a field's
  // in one set, so that a value is scanned once for them.
  constexpr size_t kRegexChunk = 4096;
  std::vector<std::pair<uint32_t, std::vector<RegexSpec>>> jobs;
  for (auto& [f, specs] : specs_by_field) {
    std::vector<RegexSpec> literal, expr;
    for (RegexSpec& sp : specs) {
      (CompilesAsLiterals(sp) ? literal : expr).push_back(std::move(sp));
    }
    if (!literal.empty()) jobs.emplace_back(f, std::move(literal));
    for (size_t b = 0; b < expr.size(); b += kRegexChunk) {
      size_t e = std::min(expr.size(), b + kRegexChunk);
      jobs.emplace_back(f, std::vector<RegexSpec>(std::make_move_iterator(expr.begin() + b),
                                                  std::make_move_iterator(expr.begin() + e)));
    }
  }
  // Largest first, so that two threads finish together.
  std::stable_sort(jobs.begin(), jobs.end(),
                   [](const auto& a, const auto& b) { return a.second.size() > b.second.size(); });
  std::vector<std::optional<Result<RegexSet>>> built(jobs.size());
  std::vector<std::vector<uint32_t>> rejected(jobs.size());
  ParallelFor(jobs.size(),
              [&](size_t j) { built[j].emplace(RegexSet::Build(jobs[j].second, &rejected[j])); });
  for (size_t j = 0; j < jobs.size(); ++j) {
    if (!built[j]->ok()) return built[j]->status();
    for (uint32_t term : rejected[j]) {
      p.kinds_[p.regex_terms_[term].indicator] = static_cast<uint8_t>(PatternClass::kGated);
    }
    p.fields_[jobs[j].first].regex.push_back(std::move(*built[j]).value());
  }

  // Pass 2: equality and CIDR leaves, gated types, exact matchers.
  ValueTableBuilder equal;
  std::map<uint32_t, CidrSetBuilder> cidr_by_field;
  for (uint32_t i = 0; i < n; ++i) {
    IndicatorInput& in = inputs[i];
    PatternClass kind = static_cast<PatternClass>(p.kinds_[i]);
    if (kind != PatternClass::kSimple && in.exact == nullptr) {
      return Status::InvalidArgument("index: indicator " + in.id +
                                     " needs the pattern evaluator (no exact matcher given)");
    }
    if (in.exact != nullptr) p.extras_.push_back(Extra{i, in.exact, in.pattern.object_types});
    if (kind == PatternClass::kGated) {
      for (const std::string& t : in.pattern.object_types) p.types_[type_of(t)].gated.push_back(i);
      continue;
    }
    for (const Leaf& leaf : in.pattern.leaves) {
      if (leaf.op == LeafOp::kEqual) {
        uint32_t f = field_of(leaf);
        p.fields_[f].has_equal = true;
        equal.Add(f, leaf.literal, i);
      } else if (leaf.op == LeafOp::kIsSubset) {
        auto blk = ParseIpBlock(leaf.literal);
        if (!blk) {
          return Status::InvalidArgument("index: indicator " + in.id + ": ISSUBSET operand '" +
                                         leaf.literal + "' is not an IP address or CIDR");
        }
        uint32_t f = field_of(leaf);
        cidr_by_field[f].Add(*blk, i);
        p.cidr_terms_.push_back(CidrTerm{f, i, leaf.literal});
      }
    }
  }
  if (!equal.Build(&p.equal_)) return Status::ResourceExhausted("index: value table too large");
  for (auto& [f, builder] : cidr_by_field) {
    p.fields_[f].cidr = std::make_unique<CidrSet>();
    builder.Build(p.fields_[f].cidr.get());
  }
  for (uint32_t f = 0; f < p.fields_.size(); ++f) {
    uint32_t t = type_of(p.fields_[f].object_type);
    p.types_[t].fields.push_back(f);
    if (p.types_[t].keys < 0) {
      p.types_[t].keys = static_cast<int32_t>(p.key_nodes_.size());
      p.key_nodes_.emplace_back();
    }
    int32_t node = p.types_[t].keys;
    const std::vector<std::string>& keys = p.fields_[f].keys;
    for (size_t k = 0; k < keys.size(); ++k) {
      std::vector<KeyEdge>& edges = p.key_nodes_[node].edges;
      size_t e = 0;
      while (e < edges.size() && edges[e].key != keys[k]) ++e;
      if (e == edges.size()) edges.push_back(KeyEdge{keys[k], -1, -1});
      if (k + 1 == keys.size()) {
        p.key_nodes_[node].edges[e].field = static_cast<int32_t>(f);
      } else {
        if (p.key_nodes_[node].edges[e].child < 0) {
          p.key_nodes_[node].edges[e].child = static_cast<int32_t>(p.key_nodes_.size());
          p.key_nodes_.emplace_back();
        }
        node = p.key_nodes_[node].edges[e].child;
      }
    }
  }

  for (Field& f : p.fields_) {
    f.regex_base = static_cast<uint32_t>(p.regex_sets_.size());
    for (const RegexSet& set : f.regex) p.regex_sets_.push_back(&set);
  }

  // Id lookup: open addressing over indicator numbers, verified against the id arena.
  size_t cap = n + n / 4 + 8;
  p.id_slots_.assign(cap, kNoIndicator);
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t s = SlotOf(HashKey(kIdField, inputs[i].id), cap);
    while (p.id_slots_[s] != kNoIndicator) s = s + 1 == cap ? 0 : s + 1;
    p.id_slots_[s] = i;
  }
  p.regex_terms_.shrink_to_fit();
  p.cidr_terms_.shrink_to_fit();
  p.extras_.shrink_to_fit();
  return std::shared_ptr<const IndexPart>(std::move(part));
}

std::string_view IndexPart::id(uint32_t n) const {
  const char* p = ids_.data() + id_offsets_[n];
  uint16_t len;
  std::memcpy(&len, p, 2);
  return {p + 2, len};
}

const ExactMatcher* IndexPart::exact(uint32_t n) const {
  auto it = std::lower_bound(extras_.begin(), extras_.end(), n,
                             [](const Extra& e, uint32_t v) { return e.indicator < v; });
  return it != extras_.end() && it->indicator == n ? it->exact.get() : nullptr;
}

std::optional<uint32_t> IndexPart::Find(std::string_view want) const {
  size_t cap = id_slots_.size();
  if (cap == 0) return std::nullopt;
  uint32_t s = SlotOf(HashKey(kIdField, want), cap);
  while (id_slots_[s] != kNoIndicator) {
    if (id(id_slots_[s]) == want) return id_slots_[s];
    s = s + 1 == cap ? 0 : s + 1;
  }
  return std::nullopt;
}

void IndexPart::Visit(uint32_t f, std::string_view value, uint32_t view, ProbeBatch* batch) const {
  const Field& field = fields_[f];
  // Leaves hold their strings in NFC (classify.h); an observed string is compared in NFC
  // too (STIX 2.1 section 9.4). ASCII, nearly every value, is NFC already.
  if ((field.has_equal || !field.regex.empty()) && !IsAscii(value) && !IsNfc(value)) {
    value = batch->normalized.emplace_back(ToNfc(value));
  }
  if (field.has_equal) {
    uint64_t hash = HashKey(f, value);
    equal_.Prefetch(hash);
    batch->equality.push_back(ProbeBatch::Equality{view, f, value, hash, 0});
  }
  if (field.cidr != nullptr) {
    // A plain dotted quad (most values) is what ParseIpBlock would make of it: an IPv4
    // address with prefix 32 (it holds no '/', ':' or NUL). Looked up in Resolve.
    if (auto v4 = ParseIpv4(value)) {
      batch->cidr.push_back(ProbeBatch::Cidr{f, view, {}});
      field.cidr->StartV4(*v4, &batch->cidr.back().probe);
    } else if (auto blk = ParseIpBlock(value)) {
      field.cidr->ForEachContaining(*blk, [&](uint32_t i) { Emit(view, i, batch); });
    }
  }
  for (uint32_t j = 0; j < field.regex.size(); ++j) {
    batch->regex.push_back(ProbeBatch::Regex{field.regex_base + j, view, value});
  }
}

void IndexPart::Walk(const boost::json::object& o, int32_t node, uint32_t view,
                     ProbeBatch* batch) const {
  const std::vector<KeyEdge>& edges = key_nodes_[node].edges;
  for (const auto& member : o) {
    std::string_view key = member.key();
    for (const KeyEdge& e : edges) {
      if (!SameBytes(e.key, key)) {
        continue;
      }
      const boost::json::value& v = member.value();
      if (e.field >= 0) {
        if (const boost::json::string* s = v.if_string()) {
          Visit(static_cast<uint32_t>(e.field), std::string_view(s->data(), s->size()), view,
                batch);
        }
      }
      if (e.child >= 0) {
        if (const boost::json::object* child = v.if_object()) Walk(*child, e.child, view, batch);
      }
      break;
    }
  }
}

const IndexPart::TypeEntry* IndexPart::EntryOf(std::string_view type) const {
  for (const TypeEntry& t : types_) {
    if (SameBytes(t.object_type, type)) return &t;
  }
  return nullptr;
}

void IndexPart::Collect(const ObservationView& obs, uint32_t view, ProbeBatch* batch) const {
  if (types_.empty()) return;
  for (const boost::json::object* o : obs.objects) {
    const TypeEntry* entry = EntryOf(TypeOf(*o));
    if (entry == nullptr) continue;
    for (uint32_t n : entry->gated) batch->to_confirm.push_back(ProbeBatch::Found{view, n});
    if (entry->keys >= 0) Walk(*o, entry->keys, view, batch);
  }
}

void IndexPart::CollectFlat(const FlatSco& sco, uint32_t view, ProbeBatch* batch) const {
  const TypeEntry* entry = EntryOf(sco.type);
  if (entry == nullptr) return;
  for (uint32_t n : entry->gated) batch->to_confirm.push_back(ProbeBatch::Found{view, n});
  if (entry->keys < 0) return;
  // Walk over {"type": type, property: value-or-{key: value}}: the same edges, in the
  // same way (a path ending at an object visits nothing, one going through a string
  // visits nothing).
  for (const KeyEdge& e : key_nodes_[entry->keys].edges) {
    if (e.field >= 0 && SameBytes(e.key, "type")) {
      Visit(static_cast<uint32_t>(e.field), sco.type, view, batch);
      break;
    }
  }
  for (const KeyEdge& e : key_nodes_[entry->keys].edges) {
    if (!SameBytes(e.key, sco.property)) continue;
    if (sco.key.empty()) {
      if (e.field >= 0) Visit(static_cast<uint32_t>(e.field), sco.value, view, batch);
    } else if (e.child >= 0) {
      for (const KeyEdge& k : key_nodes_[e.child].edges) {
        if (k.field >= 0 && SameBytes(k.key, sco.key)) {
          Visit(static_cast<uint32_t>(k.field), sco.value, view, batch);
          break;
        }
      }
    }
    break;
  }
}

void IndexPart::Resolve(ProbeBatch* batch) const {
  // Collect prefetched each key's first control byte. Three passes over the batch -
  // control bytes, then slot tags, then keys - each prefetching what the next reads; the
  // regex scans run between the first two, while the slots load (which matters most
  // for a batch of one record).
  // The IPv4 CIDR lookups go the same way, a stage at a time between them.
  for (ProbeBatch::Equality& q : batch->equality) q.slot = equal_.FirstMetaMatch(q.hash);
  for (ProbeBatch::Cidr& c : batch->cidr) fields_[c.field].cidr->NarrowV4(&c.probe);
  ResolveRegex(batch);
  for (ProbeBatch::Equality& q : batch->equality) q.slot = equal_.FirstTagMatch(q.hash, q.slot);
  for (ProbeBatch::Cidr& c : batch->cidr) fields_[c.field].cidr->LocateV4(&c.probe);
  for (const ProbeBatch::Equality& q : batch->equality) {
    equal_.ForEachFrom(q.field, q.value, q.hash, q.slot,
                       [&](uint32_t i) { Emit(q.view, i, batch); });
  }
  for (const ProbeBatch::Cidr& c : batch->cidr) {
    fields_[c.field].cidr->ReportV4(c.probe, [&](uint32_t i) { Emit(c.view, i, batch); });
  }
  batch->equality.clear();
  batch->cidr.clear();
}

void IndexPart::ResolveRegex(ProbeBatch* batch) const {
  // The queued LIKE/MATCHES scans, grouped by set (counting sort over the sets present),
  // each group scanned together.
  std::vector<ProbeBatch::Regex>& rq = batch->regex;
  if (rq.empty()) return;
  std::vector<uint32_t>& count = batch->regex_count;
  std::vector<uint32_t>& present = batch->regex_present;
  if (count.size() < regex_sets_.size()) count.resize(regex_sets_.size(), 0);
  present.clear();
  for (const ProbeBatch::Regex& q : rq) {
    if (count[q.set]++ == 0) present.push_back(q.set);
  }
  uint32_t offset = 0;
  for (uint32_t set : present) {
    uint32_t n = count[set];
    count[set] = offset;  // now where the set's group starts
    offset += n;
  }
  std::vector<ProbeBatch::Regex>& grouped = batch->regex_grouped;
  grouped.resize(rq.size());
  for (const ProbeBatch::Regex& q : rq) grouped[count[q.set]++] = q;
  std::vector<std::string_view>& values = batch->regex_values;
  size_t begin = 0;
  for (uint32_t set : present) {
    size_t end = count[set];
    count[set] = 0;  // left zeroed for the next batch
    const ProbeBatch::Regex* group = &grouped[begin];
    if (end - begin == 1) {
      regex_sets_[set]->Scan(group->value, [&](uint32_t term) {
        Emit(group->view, regex_terms_[term].indicator, batch);
      });
    } else {
      values.clear();
      for (size_t i = begin; i < end; ++i) values.push_back(grouped[i].value);
      regex_sets_[set]->ScanMany(values, [&](uint32_t k, uint32_t term) {
        Emit(group[k].view, regex_terms_[term].indicator, batch);
      });
    }
    begin = end;
  }
  rq.clear();
}

std::vector<IndicatorInput> IndexPart::ExportImpl(const std::vector<bool>& keep) const {
  std::vector<IndicatorInput> all(size());
  for (uint32_t i = 0; i < size(); ++i) {
    if (!keep[i]) continue;
    all[i].id = std::string(id(i));
    all[i].pattern.kind = kind(i);
  }
  for (const Extra& e : extras_) {
    if (!keep[e.indicator]) continue;
    all[e.indicator].exact = e.exact;
    all[e.indicator].pattern.object_types = e.object_types;
  }
  auto add_leaf = [&](uint32_t i, uint32_t f, LeafOp op, std::string_view literal) {
    if (!keep[i] || kind(i) == PatternClass::kGated) return;
    Leaf l;
    l.object_type = fields_[f].object_type;
    l.keys = fields_[f].keys;
    l.op = op;
    l.literal = std::string(literal);
    all[i].pattern.leaves.push_back(std::move(l));
  };
  equal_.ForEachEntry(
      [&](uint32_t f, std::string_view v, uint32_t i) { add_leaf(i, f, LeafOp::kEqual, v); });
  for (const CidrTerm& t : cidr_terms_)
    add_leaf(t.indicator, t.field, LeafOp::kIsSubset, t.literal);
  for (const RegexTerm& t : regex_terms_) add_leaf(t.indicator, t.field, t.op, t.literal);
  std::vector<IndicatorInput> out;
  for (uint32_t i = 0; i < size(); ++i) {
    if (!keep[i]) continue;
    IndicatorInput& in = all[i];
    if (in.pattern.object_types.empty()) {
      for (const Leaf& l : in.pattern.leaves) in.pattern.object_types.push_back(l.object_type);
      std::sort(in.pattern.object_types.begin(), in.pattern.object_types.end());
      in.pattern.object_types.erase(
          std::unique(in.pattern.object_types.begin(), in.pattern.object_types.end()),
          in.pattern.object_types.end());
    }
    out.push_back(std::move(in));
  }
  return out;
}

IndexPart::Stats IndexPart::GetStats() const {
  Stats s;
  s.indicators = size();
  for (uint8_t k : kinds_) {
    switch (static_cast<PatternClass>(k)) {
      case PatternClass::kSimple:
        ++s.simple;
        break;
      case PatternClass::kPrefiltered:
        ++s.prefiltered;
        break;
      case PatternClass::kGated:
        ++s.gated;
        break;
    }
  }
  s.equality_keys = equal_.key_count();
  s.bytes = equal_.MemoryBytes() + kinds_.capacity() + id_offsets_.capacity() * 4 +
            ids_.capacity() + id_slots_.capacity() * 4 + extras_.capacity() * sizeof(Extra) +
            regex_terms_.capacity() * sizeof(RegexTerm) + cidr_terms_.capacity() * sizeof(CidrTerm);
  for (const RegexTerm& t : regex_terms_) s.bytes += t.literal.capacity();
  for (const CidrTerm& t : cidr_terms_) s.bytes += t.literal.capacity();
  for (const Field& f : fields_) {
    if (f.cidr) {
      s.cidr_blocks += f.cidr->block_count();
      s.bytes += f.cidr->MemoryBytes();
    }
    for (const RegexSet& r : f.regex) {
      s.regexes += r.size();
      s.regexes_in_re2 += r.re2_count();
      s.bytes += r.MemoryBytes();
    }
  }
  return s;
}

}  // namespace entente::pattern::index
