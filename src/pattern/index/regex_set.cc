#include "pattern/index/regex_set.h"

#include <hs/hs.h>
#include <re2/re2.h>

#include <algorithm>
#include <atomic>
#include <utility>

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

bool IsRegexMeta(char c) {
  switch (c) {
    case '\\':
    case '^':
    case '$':
    case '.':
    case '|':
    case '?':
    case '*':
    case '+':
    case '(':
    case ')':
    case '[':
    case ']':
    case '{':
    case '}':
      return true;
    default:
      return false;
  }
}

}  // namespace

std::string LikeToRegex(std::string_view like) {
  std::string out = "^";
  for (char c : like) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '%') {
      out += ".*";
    } else if (c == '_') {
      out += '.';
    } else if (IsRegexMeta(c)) {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      static const char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    } else {
      out += c;  // printable ASCII, or a byte of a UTF-8 sequence (kept as is)
    }
  }
  out += "\\z";
  return out;
}

std::unique_ptr<RE2> CompileRe2(const RegexSpec& spec) {
  RE2::Options opts;
  opts.set_log_errors(false);
  opts.set_encoding(spec.utf8 ? RE2::Options::EncodingUTF8 : RE2::Options::EncodingLatin1);
  opts.set_dot_nl(spec.dot_all);
  opts.set_max_mem(1 << 20);  // as pattern::Matcher compiles them
  auto re = std::make_unique<RE2>(spec.expression, opts);
  if (!re->ok()) return nullptr;
  return re;
}

RegexSet::RegexSet() = default;
RegexSet::~RegexSet() {
  if (db_ != nullptr) hs_free_database(db_);
}
RegexSet::RegexSet(RegexSet&& o) noexcept
    : db_(std::exchange(o.db_, nullptr)),
      serial_(o.serial_),
      hs_ids_(std::move(o.hs_ids_)),
      hs_confirm_(std::move(o.hs_confirm_)),
      re2_(std::move(o.re2_)) {}
RegexSet& RegexSet::operator=(RegexSet&& o) noexcept {
  if (this != &o) {
    if (db_ != nullptr) hs_free_database(db_);
    db_ = std::exchange(o.db_, nullptr);
    serial_ = o.serial_;
    hs_ids_ = std::move(o.hs_ids_);
    hs_confirm_ = std::move(o.hs_confirm_);
    re2_ = std::move(o.re2_);
  }
  return *this;
}

Result<RegexSet> RegexSet::Build(const std::vector<RegexSpec>& specs,
                                 std::vector<uint32_t>* rejected) {
  RegexSet set;
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

void RegexSet::ScanImpl(std::string_view value, Callback cb, void* ctx) const {
  if (db_ != nullptr) {
    ThreadScratch& ts = tls_scratch;
    if (std::find(ts.sized_for.begin(), ts.sized_for.end(), serial_) == ts.sized_for.end()) {
      // Grows the scratch if this database needs more. On failure (out of memory) the
      // serial is not recorded and hs_scan below refuses the too-small scratch.
      if (hs_alloc_scratch(db_, &ts.scratch) == HS_SUCCESS) {
        if (ts.sized_for.size() >= 64) ts.sized_for.erase(ts.sized_for.begin());
        ts.sized_for.push_back(serial_);
      }
    }
    ScanContext sc{value, &hs_ids_, &hs_confirm_, cb, ctx};
    if (ts.scratch != nullptr)
      hs_scan(db_, value.data(), static_cast<unsigned>(value.size()), 0, ts.scratch, OnMatch, &sc);
  }
  for (const Re2Entry& e : re2_) {
    if (RE2::PartialMatch(re2::StringPiece(value.data(), value.size()), *e.re)) cb(ctx, e.id);
  }
}

size_t RegexSet::MemoryBytes() const {
  size_t n = hs_ids_.capacity() * 4 + re2_.capacity() * sizeof(Re2Entry);
  if (db_ != nullptr) {
    size_t sz = 0;
    if (hs_database_size(db_, &sz) == HS_SUCCESS) n += sz;
  }
  for (const Re2Entry& e : re2_) n += static_cast<size_t>(e.re->ProgramSize()) * 16;
  for (const auto& re : hs_confirm_) {
    if (re != nullptr) n += static_cast<size_t>(re->ProgramSize()) * 16;
  }
  return n;
}

}  // namespace entente::pattern::index
