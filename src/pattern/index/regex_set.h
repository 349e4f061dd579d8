// RegexSet: many regular expressions compiled into one Hyperscan database, with RE2 for
// the expressions Hyperscan rejects, scanned in one pass per value.
//
// Built once by RegexSet::Build, then read-only; Scan is safe for concurrent use from any
// number of threads (each thread keeps its own Hyperscan scratch space, allocated on
// first use and grown when it meets a larger database). Expressions use PCRE syntax and
// are searched (unanchored unless they anchor themselves), as STIX MATCHES requires.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "entente/status.h"

namespace re2 {
class RE2;
class FilteredRE2;
}  // namespace re2

struct hs_database;

namespace entente::pattern::index {

// A test that needs no regular expression (see LikeSpec).
enum class LiteralKind : uint8_t {
  kNone,      // use `expression`
  kExact,     // value == literal
  kPrefix,    // value starts with literal
  kSuffix,    // value ends with literal
  kContains,  // literal occurs in value
  kAny,       // always (LIKE '%')
  kLike,      // `like` (a LIKE operand with '%' but no '_') matches (PercentLikeMatches,
              // pattern/like.h); `literal` is its longest '%'-free piece, which must occur
};

struct RegexSpec {
  std::string expression;  // PCRE syntax (RE2 syntax when `exact_re2`)
  bool dot_all = false;    // '.' also matches '\n'
  bool utf8 = true;        // expression and scanned values are UTF-8; '.' is one code point
  // The expression's meaning is RE2's (default options plus dot_all/utf8), as STIX
  // MATCHES is evaluated by the pattern engine. Hyperscan then only prefilters
  // (HS_FLAG_PREFILTER: it may over-report, never under-report) and every Hyperscan hit
  // is confirmed with RE2, so Scan reports exactly RE2's answer.
  bool exact_re2 = false;
  uint32_t id = 0;  // reported on a match; ids need not be unique
  // When not kNone, Scan tests `literal` (bytes, case-sensitive) this way instead: such
  // specs go into a Hyperscan literal database, far quicker to compile than the same
  // strings as expressions. `expression` must still say the same (it is the fallback).
  LiteralKind literal_kind = LiteralKind::kNone;
  std::string literal;
  std::string like;  // kLike
};

// The spec for a STIX LIKE operand, meaning what pattern::Matcher's match of it means on
// UTF-8 values (both follow pattern/like.h): a literal test for the shapes
// pattern::AnalyzeLike finds ('abc', 'abc%', '%abc', '%abc%', '%'); kLike for its
// kPercent shape (found by its longest piece, then checked by PercentLikeMatches) - each
// when the operand between its end '%'s is at most 4096 bytes; otherwise pattern::LikeToRegex's
// expression without a leading '^.*' / trailing '.*\z', in UTF-8 mode only when the operand has a
// '_' or is not valid UTF-8.
RegexSpec LikeSpec(std::string_view like, uint32_t id);

// True when RegexSet needs no expression database for `spec`: a literal test, or an
// exact-RE2 expression its RE2 prefilter atoms can find (see RegexSet). Such specs compile
// quickly in any number; the others are best compiled in bounded chunks.
bool CompilesAsLiterals(const RegexSpec& spec);

class RegexSet {
 public:
  RegexSet();
  ~RegexSet();
  RegexSet(RegexSet&&) noexcept;
  RegexSet& operator=(RegexSet&&) noexcept;

  // Compiles `specs`. Expressions neither Hyperscan nor RE2 can compile are returned in
  // `*rejected` (their ids) and never reported by Scan. Errors: internal if Hyperscan
  // fails for a reason that is not one expression.
  static Result<RegexSet> Build(const std::vector<RegexSpec>& specs,
                                std::vector<uint32_t>* rejected);

  // Calls fn(id) for every expression matching somewhere in `value` (at most once per
  // expression; ids shared by several expressions may repeat). `value` must be valid
  // UTF-8 when any spec has utf8 (strings from Boost.JSON always are).
  template <typename Fn>
  void Scan(std::string_view value, Fn&& fn) const {
    ScanImpl(value, &CallThunk<Fn>, &fn);
  }

  // The same answers as Scan for each of `values`, as fn(k, id) for values[k]. The
  // literal database is run once over all the values of at most kMaxBatchedValue bytes,
  // joined by a 0xFF byte (no literal holds one, and valid UTF-8 never does), instead of
  // once per value: most of a short scan's cost is Hyperscan's fixed cost per call.
  // Longer values, and values holding a 0xFF byte, are scanned one by one.
  static constexpr size_t kMaxBatchedValue = 256;
  template <typename Fn>
  void ScanMany(std::span<const std::string_view> values, Fn&& fn) const {
    ScanManyImpl(values, &CallThunk2<Fn>, &fn);
  }

  size_t size() const {
    return hs_ids_.size() + re2_.size() + literals_.size() + any_ids_.size() + empty_ids_.size() +
           filtered_ids_.size();
  }
  size_t filtered_count() const { return filtered_ids_.size(); }
  size_t hyperscan_count() const { return hs_ids_.size(); }
  size_t re2_count() const { return re2_.size(); }
  size_t MemoryBytes() const;

 private:
  using Callback = void (*)(void* ctx, uint32_t id);
  template <typename Fn>
  static void CallThunk(void* ctx, uint32_t id) {
    (*static_cast<Fn*>(ctx))(id);
  }
  using ManyCallback = void (*)(void* ctx, uint32_t value, uint32_t id);
  template <typename Fn>
  static void CallThunk2(void* ctx, uint32_t value, uint32_t id) {
    (*static_cast<Fn*>(ctx))(value, id);
  }
  void ScanImpl(std::string_view value, Callback cb, void* ctx) const;
  void ScanManyImpl(std::span<const std::string_view> values, ManyCallback cb, void* ctx) const;
  // Parts of ScanImpl: the literal database (with the atoms' RE2s), and the expression
  // database with the RE2-only expressions.
  void ScanLiterals(std::string_view value, Callback cb, void* ctx) const;
  void ScanExpressions(std::string_view value, Callback cb, void* ctx) const;
  // Runs the FilteredRE2 expressions whose atoms (sorted) occur in `value`.
  void RunFiltered(std::string_view value, const std::vector<int>& atoms, Callback cb,
                   void* ctx) const;
  // FilteredRE2 expressions that may match a text holding exactly these (sorted) atoms.
  const std::vector<int>& PotentialsFor(const std::vector<int>& atoms) const;

  struct Literal {
    uint32_t id;
    LiteralKind kind;
    uint32_t length;
    std::string like;  // kLike
  };
  static int OnLiteral(unsigned int index, unsigned long long from, unsigned long long to,
                       unsigned int flags, void* ctx);
  static int OnBatchLiteral(unsigned int index, unsigned long long from, unsigned long long to,
                            unsigned int flags, void* ctx);
  static void BuildBatchDatabase(const std::vector<const char*>& lits,
                                 const std::vector<size_t>& lens,
                                 const std::vector<unsigned>& flags, RegexSet* set);
  // Whether literal spec `l`, found ending at offset `to` of `value`, holds.
  static bool LiteralHolds(const Literal& l, unsigned long long to, std::string_view value);

  // Exact-RE2 expressions that RE2's prefilter can rule out by ASCII literal "atoms"
  // (most real MATCHES): the atoms in the caseless part of lit_db_, and RE2
  // runs only on the expressions whose atoms occur. Compiling this is two orders of
  // magnitude quicker than the same expressions as a Hyperscan database.
  std::unique_ptr<re2::FilteredRE2> filtered_;
  std::vector<uint32_t> filtered_ids_;  // FilteredRE2 index -> id
  // Literal specs (kExact/kPrefix/kSuffix/kContains/kLike), then the FilteredRE2's atoms
  // (caseless), in one literal database: database index < literals_.size() is a literal
  // spec, the rest atom index + literals_.size().
  hs_database* lit_db_ = nullptr;
  uint64_t lit_serial_ = 0;
  std::vector<Literal> literals_;  // lit_db_ expression index -> what to check
  // The same literals for ScanMany: each distinct (bytes, caseless) once, without
  // HS_FLAG_SINGLEMATCH (a literal may occur in several of the joined values).
  // batch_db_ expression e stands for lit_db_ indices
  // batch_members_[batch_first_[e], batch_first_[e + 1]). Null when not built.
  hs_database* batch_db_ = nullptr;
  uint64_t batch_serial_ = 0;
  std::vector<uint32_t> batch_first_, batch_members_;
  uint32_t lit_count_ = 0;         // lit_db_ indices: literal specs, then atoms
  std::vector<uint32_t> any_ids_;  // kAny, and kExact '' (empty_ids_)
  std::vector<uint32_t> empty_ids_;
  hs_database* db_ = nullptr;
  uint64_t serial_ = 0;           // unique per compiled database; keys the per-thread scratch
  std::vector<uint32_t> hs_ids_;  // Hyperscan expression index -> id
  // Hyperscan expression index -> RE2 confirming its hits (null: Hyperscan is exact).
  std::vector<std::unique_ptr<re2::RE2>> hs_confirm_;
  struct Re2Entry {
    std::unique_ptr<re2::RE2> re;
    uint32_t id;
  };
  std::vector<Re2Entry> re2_;
};

}  // namespace entente::pattern::index
