#include "pattern/index/regex_set.h"

#include <hs/hs.h>
#include <re2/filtered_re2.h>
#include <re2/re2.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <map>
#include <utility>

#include "pattern/like.h"

namespace entente::pattern::index {
namespace {

// One Hyperscan scratch per thread, grown to fit every database the thread scans.
struct ThreadScratch {
  hs_scratch_t* scratch = nullptr;
  // Serials of the RegexSets it has been grown for: Hyperscan lets one scratch serve
  // every database hs_alloc_scratch was called with.
  std::vector<uint64_t> sized_for;
  ~ThreadScratch() {
    if (scratch != nullptr) hs_free_scratch(scratch);
  }
};

thread_local ThreadScratch tls_scratch;
std::atomic<uint64_t> next_serial{1};

struct ScanContext {
  std::string_view value;
  const std::vector<uint32_t>* ids;
  const std::vector<std::unique_ptr<RE2>>* confirm;
  void (*cb)(void*, uint32_t);
  void* ctx;
};

int OnMatch(unsigned int index, unsigned long long, unsigned long long, unsigned int, void* p) {
  auto* sc = static_cast<ScanContext*>(p);
  const RE2* re = (*sc->confirm)[index].get();
  if (re != nullptr &&
      !RE2::PartialMatch(re2::StringPiece(sc->value.data(), sc->value.size()), *re)) {
    return 0;
  }
  sc->cb(sc->ctx, (*sc->ids)[index]);
  return 0;
}

// Longer literals stay expressions, as pattern::Matcher's RE2 (1 MiB program budget) is
// then not certain to compile them.
constexpr size_t kMaxLiteral = 4096;

}  // namespace

RegexSpec LikeSpec(std::string_view like, uint32_t id) {
  RegexSpec spec;
  spec.id = id;
  spec.dot_all = true;
  const LikeShape shape = AnalyzeLike(like);
  const size_t lead = shape.leading_percents, trail = shape.trailing_percents;
  // The expression: LikeToRegex's, minus what a search (unanchored) makes redundant.
  std::string full = LikeToRegex(like);  // "^" ... "\\z"
  std::string_view body(full);
  body = body.substr(1, body.size() - 3);
  if (lead > 0) {
    body = body.substr(2);  // ".*"
  } else {
    spec.expression = "^";
  }
  if (trail > 0 && body.size() >= 2) body = body.substr(0, body.size() - 2);
  spec.expression += body;
  if (trail == 0) spec.expression += "\\z";
  // '%' runs and literal bytes of valid UTF-8 match the same byte-wise as code point by
  // code point; only '_' (or an invalid operand, which must fail as RE2 fails) needs
  // UTF-8 mode.
  spec.utf8 = shape.kind == LikeShape::Kind::kGeneral;
  if (shape.kind == LikeShape::Kind::kGeneral || like.size() - lead - trail > kMaxLiteral) {
    return spec;
  }
  spec.literal = std::string(shape.literal);
  switch (shape.kind) {
    case LikeShape::Kind::kExact:
      spec.literal_kind = LiteralKind::kExact;
      break;
    case LikeShape::Kind::kPrefix:
      spec.literal_kind = LiteralKind::kPrefix;
      break;
    case LikeShape::Kind::kSuffix:
      spec.literal_kind = LiteralKind::kSuffix;
      break;
    case LikeShape::Kind::kContains:
      spec.literal_kind = LiteralKind::kContains;
      break;
    case LikeShape::Kind::kAny:
      spec.literal_kind = LiteralKind::kAny;
      break;
    case LikeShape::Kind::kPercent:
      spec.literal_kind = LiteralKind::kLike;
      spec.like = std::string(like);
      break;
    case LikeShape::Kind::kGeneral:
      break;
  }
  return spec;
}

RE2::Options Re2OptionsFor(const RegexSpec& spec) {
  RE2::Options opts;
  opts.set_log_errors(false);
  opts.set_encoding(spec.utf8 ? RE2::Options::EncodingUTF8 : RE2::Options::EncodingLatin1);
  opts.set_dot_nl(spec.dot_all);
  opts.set_max_mem(1 << 20);  // as pattern::Matcher compiles them
  return opts;
}

// Atoms shorter than this are dropped (the expression then is not filterable).
constexpr int kMinAtom = 3;

// Whether an exact-RE2 spec can be found through its prefilter atoms alone: RE2 accepts
// it, every match contains one of its atoms (it is not "unfiltered"), and caseless
// ASCII matching of the atoms finds every text RE2's lowercasing would. For that the
// expression may name no character beyond U+00FF (written as ASCII, no \x{...}): RE2
// lowercases U+212A KELVIN SIGN to 'k' and U+0130 to 'i', which caseless ASCII matching
// of the atom would not find in the text; and under a (?flags) group no atom may hold
// 'k' or 's', which case folding also matches with U+212A and U+017F.
bool Filterable(const RegexSpec& spec) {
  if (!spec.exact_re2 || !spec.utf8) return false;
  for (char c : spec.expression) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  if (spec.expression.find("\\x{") != std::string::npos) return false;
  re2::FilteredRE2 one(kMinAtom);
  int id = 0;
  if (one.Add(spec.expression, Re2OptionsFor(spec), &id) != RE2::NoError) return false;
  std::vector<std::string> atoms;
  one.Compile(&atoms);
  std::vector<int> unfiltered;
  one.AllPotentials({}, &unfiltered);
  if (atoms.empty() || !unfiltered.empty()) return false;
  bool flags = spec.expression.find("(?") != std::string::npos;
  for (const std::string& a : atoms) {
    for (char c : a) {
      if (static_cast<unsigned char>(c) >= 0x80) return false;
      if (flags && (c == 'k' || c == 's')) return false;
    }
  }
  return true;
}

std::unique_ptr<RE2> CompileRe2(const RegexSpec& spec) {
  auto re = std::make_unique<RE2>(spec.expression, Re2OptionsFor(spec));
  if (!re->ok()) return nullptr;
  return re;
}

bool CompilesAsLiterals(const RegexSpec& spec) {
  return spec.literal_kind != LiteralKind::kNone || Filterable(spec);
}

RegexSet::RegexSet() = default;
RegexSet::~RegexSet() {
  if (db_ != nullptr) hs_free_database(db_);
  if (lit_db_ != nullptr) hs_free_database(lit_db_);
  if (batch_db_ != nullptr) hs_free_database(batch_db_);
}
RegexSet::RegexSet(RegexSet&& o) noexcept
    : filtered_(std::move(o.filtered_)),
      filtered_ids_(std::move(o.filtered_ids_)),
      lit_db_(std::exchange(o.lit_db_, nullptr)),
      lit_serial_(o.lit_serial_),
      literals_(std::move(o.literals_)),
      batch_db_(std::exchange(o.batch_db_, nullptr)),
      batch_serial_(o.batch_serial_),
      batch_first_(std::move(o.batch_first_)),
      batch_members_(std::move(o.batch_members_)),
      lit_count_(o.lit_count_),
      any_ids_(std::move(o.any_ids_)),
      empty_ids_(std::move(o.empty_ids_)),
      db_(std::exchange(o.db_, nullptr)),
      serial_(o.serial_),
      hs_ids_(std::move(o.hs_ids_)),
      hs_confirm_(std::move(o.hs_confirm_)),
      re2_(std::move(o.re2_)) {}
RegexSet& RegexSet::operator=(RegexSet&& o) noexcept {
  if (this != &o) {
    if (db_ != nullptr) hs_free_database(db_);
    if (lit_db_ != nullptr) hs_free_database(lit_db_);
    if (batch_db_ != nullptr) hs_free_database(batch_db_);
    filtered_ = std::move(o.filtered_);
    filtered_ids_ = std::move(o.filtered_ids_);
    lit_db_ = std::exchange(o.lit_db_, nullptr);
    lit_serial_ = o.lit_serial_;
    literals_ = std::move(o.literals_);
    batch_db_ = std::exchange(o.batch_db_, nullptr);
    batch_serial_ = o.batch_serial_;
    batch_first_ = std::move(o.batch_first_);
    batch_members_ = std::move(o.batch_members_);
    lit_count_ = o.lit_count_;
    any_ids_ = std::move(o.any_ids_);
    empty_ids_ = std::move(o.empty_ids_);
    db_ = std::exchange(o.db_, nullptr);
    serial_ = o.serial_;
    hs_ids_ = std::move(o.hs_ids_);
    hs_confirm_ = std::move(o.hs_confirm_);
    re2_ = std::move(o.re2_);
  }
  return *this;
}

// The literal database again for ScanMany: distinct literals once each (a literal that
// many specs share is then reported once per occurrence, not once per spec), and
// without HS_FLAG_SINGLEMATCH. Left unbuilt (ScanMany scans value by value) when a
// literal holds a 0xFF byte, the separator of joined values, or Hyperscan fails.
void RegexSet::BuildBatchDatabase(const std::vector<const char*>& lits,
                                  const std::vector<size_t>& lens,
                                  const std::vector<unsigned>& flags, RegexSet* set) {
  std::map<std::pair<std::string_view, bool>, std::vector<uint32_t>> distinct;
  for (size_t i = 0; i < lits.size(); ++i) {
    std::string_view lit(lits[i], lens[i]);
    if (lit.find('\xff') != std::string_view::npos) return;
    distinct[{lit, (flags[i] & HS_FLAG_CASELESS) != 0}].push_back(static_cast<uint32_t>(i));
  }
  std::vector<const char*> d_lits;
  std::vector<size_t> d_lens;
  std::vector<unsigned> d_flags, d_ids;
  std::vector<uint32_t> first, members;
  for (const auto& [key, idx] : distinct) {
    d_ids.push_back(static_cast<unsigned>(d_lits.size()));
    d_lits.push_back(key.first.data());
    d_lens.push_back(key.first.size());
    d_flags.push_back(key.second ? HS_FLAG_CASELESS : 0u);
    first.push_back(static_cast<uint32_t>(members.size()));
    members.insert(members.end(), idx.begin(), idx.end());
  }
  first.push_back(static_cast<uint32_t>(members.size()));
  hs_database_t* db = nullptr;
  hs_compile_error_t* err = nullptr;
  if (hs_compile_lit_multi(d_lits.data(), d_flags.data(), d_ids.data(), d_lens.data(),
                           static_cast<unsigned>(d_lits.size()), HS_MODE_BLOCK, nullptr, &db,
                           &err) != HS_SUCCESS) {
    hs_free_compile_error(err);
    return;
  }
  set->batch_db_ = db;
  set->batch_serial_ = next_serial.fetch_add(1);
  set->batch_first_ = std::move(first);
  set->batch_members_ = std::move(members);
}

Result<RegexSet> RegexSet::Build(const std::vector<RegexSpec>& all_specs,
                                 std::vector<uint32_t>* rejected) {
  RegexSet set;
  // Literal tests and the atoms of filterable exact-RE2 expressions share one Hyperscan
  // literal database, so that a value is scanned once for both. Literal tests need no
  // SOM: a prefix occurs at offset 0 exactly when its first occurrence ends at its length.
  std::vector<RegexSpec> specs;
  std::vector<const RegexSpec*> lit_specs;
  for (const RegexSpec& sp : all_specs) {
    switch (sp.literal_kind) {
      case LiteralKind::kNone:
        specs.push_back(sp);
        break;
      case LiteralKind::kAny:
        set.any_ids_.push_back(sp.id);
        break;
      case LiteralKind::kExact:
        if (sp.literal.empty()) {
          set.empty_ids_.push_back(sp.id);
          break;
        }
        [[fallthrough]];
      default:
        lit_specs.push_back(&sp);
    }
  }
  std::vector<RegexSpec> filterable;
  {
    std::vector<RegexSpec> rest;
    for (RegexSpec& sp : specs) (Filterable(sp) ? filterable : rest).push_back(std::move(sp));
    specs = std::move(rest);
  }
  std::unique_ptr<re2::FilteredRE2> filtered;
  std::vector<uint32_t> filtered_ids;
  std::vector<std::string> atoms;
  if (!filterable.empty()) {
    filtered = std::make_unique<re2::FilteredRE2>(kMinAtom);
    for (const RegexSpec& sp : filterable) {
      int id = 0;
      if (filtered->Add(sp.expression, Re2OptionsFor(sp), &id) == RE2::NoError) {
        filtered_ids.push_back(sp.id);  // Filterable compiled it alone: always the case here
      }
    }
    filtered->Compile(&atoms);
    if (filtered_ids.size() != filterable.size() || atoms.empty()) {
      filtered.reset();
      for (RegexSpec& sp : filterable) specs.push_back(std::move(sp));  // the general path
      filterable.clear();
      atoms.clear();
    }
  }
  if (!lit_specs.empty() || !atoms.empty()) {
    std::vector<const char*> lits;
    std::vector<size_t> lens;
    std::vector<unsigned> flags, ids;
    for (const RegexSpec* sp : lit_specs) {
      lits.push_back(sp->literal.data());
      lens.push_back(sp->literal.size());
      // A suffix needs its last occurrence, so every occurrence is reported.
      flags.push_back(sp->literal_kind == LiteralKind::kSuffix ? 0 : HS_FLAG_SINGLEMATCH);
    }
    for (const std::string& a : atoms) {
      lits.push_back(a.data());
      lens.push_back(a.size());
      flags.push_back(HS_FLAG_CASELESS | HS_FLAG_SINGLEMATCH);
    }
    for (size_t i = 0; i < lits.size(); ++i) ids.push_back(static_cast<unsigned>(i));
    hs_database_t* db = nullptr;
    hs_compile_error_t* err = nullptr;
    if (hs_compile_lit_multi(lits.data(), flags.data(), ids.data(), lens.data(),
                             static_cast<unsigned>(lits.size()), HS_MODE_BLOCK, nullptr, &db,
                             &err) == HS_SUCCESS) {
      set.lit_db_ = db;
      set.lit_serial_ = next_serial.fetch_add(1);
      for (const RegexSpec* sp : lit_specs) {
        set.literals_.push_back(
            Literal{sp->id, sp->literal_kind, static_cast<uint32_t>(sp->literal.size()), sp->like});
      }
      set.filtered_ = std::move(filtered);
      set.filtered_ids_ = std::move(filtered_ids);
      set.lit_count_ = static_cast<uint32_t>(lits.size());
      BuildBatchDatabase(lits, lens, flags, &set);
    } else {
      hs_free_compile_error(err);
      // Fall back to the specs' expressions.
      for (const RegexSpec* sp : lit_specs) {
        specs.push_back(*sp);
        specs.back().literal_kind = LiteralKind::kNone;
      }
      for (RegexSpec& sp : filterable) specs.push_back(std::move(sp));
    }
  }
  std::vector<bool> to_re2(specs.size(), false);
  // Exact-RE2 expressions that RE2 itself rejects never match; drop them up front.
  std::vector<std::unique_ptr<RE2>> confirm(specs.size());
  for (size_t i = 0; i < specs.size(); ++i) {
    if (!specs[i].exact_re2) continue;
    confirm[i] = CompileRe2(specs[i]);
    if (confirm[i] == nullptr) {
      to_re2[i] = true;  // handled (as rejected) below
    }
  }
  // Hyperscan names one failing expression per attempt; move it to RE2 and retry.
  while (true) {
    std::vector<const char*> exprs;
    std::vector<unsigned> flags, ids;
    std::vector<uint32_t> hs_ids;
    for (size_t i = 0; i < specs.size(); ++i) {
      if (to_re2[i]) continue;
      exprs.push_back(specs[i].expression.c_str());
      unsigned f = HS_FLAG_SINGLEMATCH | HS_FLAG_ALLOWEMPTY;
      if (specs[i].dot_all) f |= HS_FLAG_DOTALL;
      if (specs[i].utf8) f |= HS_FLAG_UTF8;
      if (specs[i].exact_re2) f |= HS_FLAG_PREFILTER;
      flags.push_back(f);
      ids.push_back(static_cast<unsigned>(hs_ids.size()));
      hs_ids.push_back(static_cast<uint32_t>(i));
    }
    if (exprs.empty()) break;
    hs_database_t* db = nullptr;
    hs_compile_error_t* err = nullptr;
    hs_error_t rc =
        hs_compile_multi(exprs.data(), flags.data(), ids.data(),
                         static_cast<unsigned>(exprs.size()), HS_MODE_BLOCK, nullptr, &db, &err);
    if (rc == HS_SUCCESS) {
      set.db_ = db;
      set.serial_ = next_serial.fetch_add(1);
      set.hs_ids_.reserve(hs_ids.size());
      for (uint32_t i : hs_ids) {
        set.hs_ids_.push_back(specs[i].id);
        set.hs_confirm_.push_back(std::move(confirm[i]));
      }
      break;
    }
    int bad = err != nullptr ? err->expression : -1;
    std::string msg = err != nullptr && err->message != nullptr ? err->message : "unknown";
    hs_free_compile_error(err);
    if (bad < 0 || static_cast<size_t>(bad) >= hs_ids.size()) {
      return Status::Internal("hyperscan: cannot compile the expression set: " + msg);
    }
    to_re2[hs_ids[bad]] = true;
  }
  for (size_t i = 0; i < specs.size(); ++i) {
    if (!to_re2[i]) continue;
    auto re = specs[i].exact_re2 ? std::move(confirm[i]) : CompileRe2(specs[i]);
    if (re == nullptr) {
      if (rejected != nullptr) rejected->push_back(specs[i].id);
      continue;
    }
    set.re2_.push_back(Re2Entry{std::move(re), specs[i].id});
  }
  return set;
}

namespace {

// The calling thread's scratch, grown for `db` if it has not been yet. On failure (out
// of memory) the serial is not recorded and hs_scan refuses the too-small scratch.
hs_scratch_t* ScratchFor(const hs_database_t* db, uint64_t serial) {
  ThreadScratch& ts = tls_scratch;
  if (std::find(ts.sized_for.begin(), ts.sized_for.end(), serial) == ts.sized_for.end()) {
    if (hs_alloc_scratch(db, &ts.scratch) == HS_SUCCESS) {
      if (ts.sized_for.size() >= 64) ts.sized_for.erase(ts.sized_for.begin());
      ts.sized_for.push_back(serial);
    }
  }
  return ts.scratch;
}

struct LiteralContext {
  std::string_view value;
  const void* literals;
  std::vector<int>* atoms;  // FilteredRE2 atoms found (database index - literal count)
  void (*cb)(void*, uint32_t);
  void* ctx;
};

}  // namespace

bool RegexSet::LiteralHolds(const Literal& l, unsigned long long to, std::string_view value) {
  switch (l.kind) {
    case LiteralKind::kExact:
      return to == l.length && value.size() == l.length;
    case LiteralKind::kPrefix:
      return to == l.length;
    case LiteralKind::kSuffix:
      return to == value.size();
    case LiteralKind::kLike:
      return PercentLikeMatches(l.like, value);
    default:
      return true;
  }
}

int RegexSet::OnLiteral(unsigned int index, unsigned long long, unsigned long long to, unsigned int,
                        void* p) {
  auto* lc = static_cast<LiteralContext*>(p);
  const auto& literals = *static_cast<const std::vector<Literal>*>(lc->literals);
  if (index >= literals.size()) {
    lc->atoms->push_back(static_cast<int>(index - literals.size()));
    return 0;
  }
  const Literal& l = literals[index];
  if (LiteralHolds(l, to, lc->value)) lc->cb(lc->ctx, l.id);
  return 0;
}

const std::vector<int>& RegexSet::PotentialsFor(const std::vector<int>& atoms) const {
  struct Entry {
    uint64_t serial = 0;
    std::vector<int> atoms, potentials;
  };
  constexpr size_t kEntries = 16;
  thread_local Entry cache[kEntries];
  thread_local size_t next = 0;
  for (Entry& e : cache) {
    if (e.serial == lit_serial_ && e.atoms == atoms) return e.potentials;
  }
  Entry& e = cache[next];
  next = (next + 1) % kEntries;
  e.serial = lit_serial_;
  e.atoms = atoms;
  filtered_->AllPotentials(atoms, &e.potentials);
  return e.potentials;
}

void RegexSet::RunFiltered(std::string_view value, const std::vector<int>& atoms, Callback cb,
                           void* ctx) const {
  // The same few atom sets (e.g. "http" and "://" in every URL) recur: their candidate
  // lists are remembered per thread, as FilteredRE2 allocates computing one.
  for (int r : PotentialsFor(atoms)) {
    if (RE2::PartialMatch(re2::StringPiece(value.data(), value.size()), filtered_->GetRE2(r))) {
      cb(ctx, filtered_ids_[static_cast<size_t>(r)]);
    }
  }
}

void RegexSet::ScanLiterals(std::string_view value, Callback cb, void* ctx) const {
  hs_scratch_t* scratch = ScratchFor(lit_db_, lit_serial_);
  thread_local std::vector<int> atoms;
  atoms.clear();
  LiteralContext lc{value, &literals_, &atoms, cb, ctx};
  if (scratch != nullptr) {
    hs_scan(lit_db_, value.data(), static_cast<unsigned>(value.size()), 0, scratch, OnLiteral, &lc);
  }
  if (!atoms.empty()) {
    std::sort(atoms.begin(), atoms.end());
    RunFiltered(value, atoms, cb, ctx);
  }
}

void RegexSet::ScanExpressions(std::string_view value, Callback cb, void* ctx) const {
  if (db_ != nullptr) {
    hs_scratch_t* scratch = ScratchFor(db_, serial_);
    ScanContext sc{value, &hs_ids_, &hs_confirm_, cb, ctx};
    if (scratch != nullptr) {
      hs_scan(db_, value.data(), static_cast<unsigned>(value.size()), 0, scratch, OnMatch, &sc);
    }
  }
  for (const Re2Entry& e : re2_) {
    if (RE2::PartialMatch(re2::StringPiece(value.data(), value.size()), *e.re)) cb(ctx, e.id);
  }
}

void RegexSet::ScanImpl(std::string_view value, Callback cb, void* ctx) const {
  for (uint32_t id : any_ids_) cb(ctx, id);
  if (value.empty()) {
    for (uint32_t id : empty_ids_) cb(ctx, id);
  }
  if (lit_db_ != nullptr && !value.empty()) ScanLiterals(value, cb, ctx);
  ScanExpressions(value, cb, ctx);
}

namespace {

// Per-thread state of ScanMany.
struct ManyScratch {
  std::string joined;            // the gathered values, each followed by 0xFF
  std::vector<uint32_t> starts;  // offset of each gathered value in `joined`
  std::vector<uint32_t> which;   // its index in the caller's values
  std::vector<uint64_t> seen;    // per lit_db_ index: `mark` of the last value it was
                                 // reported (or decided) for
  uint64_t epoch = 0;            // scans so far, in the top 32 bits of a mark
  std::vector<std::pair<uint32_t, int>> atoms;  // (gathered value, atom) found
  std::vector<int> group;
};
thread_local ManyScratch tls_many;

struct BatchContext {
  const void* set;
  ManyScratch* ms;
  std::span<const std::string_view> values;
  void (*cb)(void*, uint32_t, uint32_t);
  void* ctx;
  uint32_t hint;  // the gathered value of the previous match
};

// Binds a value index to ScanMany's callback for the one-value scanning functions.
struct BoundValue {
  void (*cb)(void*, uint32_t, uint32_t);
  void* ctx;
  uint32_t value;
  static void Call(void* p, uint32_t id) {
    auto* b = static_cast<BoundValue*>(p);
    b->cb(b->ctx, b->value, id);
  }
};

}  // namespace

int RegexSet::OnBatchLiteral(unsigned int index, unsigned long long, unsigned long long to,
                             unsigned int, void* p) {
  auto* bc = static_cast<BatchContext*>(p);
  const RegexSet& set = *static_cast<const RegexSet*>(bc->set);
  ManyScratch& ms = *bc->ms;
  // The gathered value holding the match's last byte (matches need not come in order).
  uint32_t last = static_cast<uint32_t>(to - 1);
  uint32_t pos = bc->hint;
  if (ms.starts[pos] > last || (pos + 1 < ms.starts.size() && ms.starts[pos + 1] <= last)) {
    pos = static_cast<uint32_t>(std::upper_bound(ms.starts.begin(), ms.starts.end(), last) -
                                ms.starts.begin() - 1);
    bc->hint = pos;
  }
  uint32_t k = ms.which[pos];
  std::string_view value = bc->values[k];
  unsigned long long local_to = to - ms.starts[pos];
  uint64_t mark = ms.epoch | pos;
  for (uint32_t i = set.batch_first_[index]; i < set.batch_first_[index + 1]; ++i) {
    uint32_t m = set.batch_members_[i];
    uint64_t& seen = ms.seen[m];
    if (seen == mark) continue;
    if (m >= set.literals_.size()) {
      seen = mark;
      ms.atoms.emplace_back(pos, static_cast<int>(m - set.literals_.size()));
      continue;
    }
    const Literal& l = set.literals_[m];
    if (LiteralHolds(l, local_to, value)) {
      seen = mark;  // reported once per value, as with HS_FLAG_SINGLEMATCH
      bc->cb(bc->ctx, k, l.id);
    } else if (l.kind == LiteralKind::kLike) {
      seen = mark;  // its answer does not depend on where the piece occurs
    }
    // A prefix, exact or suffix test that fails here may hold at another occurrence.
  }
  return 0;
}

void RegexSet::ScanManyImpl(std::span<const std::string_view> values, ManyCallback cb,
                            void* ctx) const {
  ManyScratch& ms = tls_many;
  ms.joined.clear();
  ms.starts.clear();
  ms.which.clear();
  // Joined values must stay addressable by 32-bit offsets: scan in rounds of bounded size.
  constexpr size_t kMaxJoined = size_t{1} << 24;
  auto flush = [&] {
    if (ms.which.empty()) return;
    hs_scratch_t* scratch = ScratchFor(batch_db_, batch_serial_);
    if (ms.seen.size() < lit_count_) ms.seen.resize(lit_count_, 0);
    ms.epoch += uint64_t{1} << 32;
    ms.atoms.clear();
    BatchContext bc{this, &ms, values, cb, ctx, 0};
    if (scratch != nullptr) {
      hs_scan(batch_db_, ms.joined.data(), static_cast<unsigned>(ms.joined.size()), 0, scratch,
              OnBatchLiteral, &bc);
    }
    if (!ms.atoms.empty()) {
      // Matches mostly come in order of their end: usually sorted already.
      if (!std::is_sorted(ms.atoms.begin(), ms.atoms.end())) {
        std::sort(ms.atoms.begin(), ms.atoms.end());
      }
      for (size_t i = 0; i < ms.atoms.size();) {
        uint32_t pos = ms.atoms[i].first;
        ms.group.clear();
        for (; i < ms.atoms.size() && ms.atoms[i].first == pos; ++i) {
          ms.group.push_back(ms.atoms[i].second);
        }
        BoundValue b{cb, ctx, ms.which[pos]};
        RunFiltered(values[ms.which[pos]], ms.group, &BoundValue::Call, &b);
      }
    }
    ms.joined.clear();
    ms.starts.clear();
    ms.which.clear();
  };
  for (uint32_t k = 0; k < values.size(); ++k) {
    std::string_view v = values[k];
    BoundValue b{cb, ctx, k};
    for (uint32_t id : any_ids_) cb(ctx, k, id);
    if (v.empty()) {
      for (uint32_t id : empty_ids_) cb(ctx, k, id);
    } else if (lit_db_ != nullptr) {
      if (batch_db_ != nullptr && v.size() <= kMaxBatchedValue &&
          std::memchr(v.data(), 0xff, v.size()) == nullptr) {
        if (ms.joined.size() + v.size() + 1 > kMaxJoined) flush();
        ms.starts.push_back(static_cast<uint32_t>(ms.joined.size()));
        ms.which.push_back(k);
        ms.joined.append(v);
        ms.joined.push_back('\xff');
      } else {
        ScanLiterals(v, &BoundValue::Call, &b);
      }
    }
    ScanExpressions(v, &BoundValue::Call, &b);
  }
  flush();
}

size_t RegexSet::MemoryBytes() const {
  size_t n = hs_ids_.capacity() * 4 + re2_.capacity() * sizeof(Re2Entry) +
             literals_.capacity() * sizeof(Literal) +
             (any_ids_.capacity() + empty_ids_.capacity()) * 4;
  if (filtered_ != nullptr) {
    n += filtered_ids_.capacity() * 4;
    for (int i = 0; i < filtered_->NumRegexps(); ++i) {
      n += static_cast<size_t>(filtered_->GetRE2(i).ProgramSize()) * 16;
    }
  }
  n += (batch_first_.capacity() + batch_members_.capacity()) * 4;
  for (const hs_database_t* db : {db_, lit_db_, batch_db_}) {
    size_t sz = 0;
    if (db != nullptr && hs_database_size(db, &sz) == HS_SUCCESS) n += sz;
  }
  for (const Re2Entry& e : re2_) n += static_cast<size_t>(e.re->ProgramSize()) * 16;
  for (const auto& re : hs_confirm_) {
    if (re != nullptr) n += static_cast<size_t>(re->ProgramSize()) * 16;
  }
  return n;
}

}  // namespace entente::pattern::index
