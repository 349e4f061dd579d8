#include "pattern/matcher.h"

#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>

#include "pattern/codec.h"
#include "pattern/like.h"
#include "pattern/nfc.h"

namespace entente::pattern {
namespace {

namespace json = boost::json;

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool IsBinaryKey(std::string_view key) { return EndsWith(key, "_bin") || EndsWith(key, "_hex"); }

// The bytes of a UTF-8 string whose code points are all below 256, one byte each (how
// the reference turns a string into bytes to compare it with binary data); nullopt
// when a code point is 256 or more or the text is not UTF-8.
std::optional<std::string> Latin1Bytes(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if ((c == 0xC2 || c == 0xC3) && i + 1 < text.size() &&
               (static_cast<unsigned char>(text[i + 1]) & 0xC0) == 0x80) {
      out.push_back(
          static_cast<char>(((c & 0x03) << 6) | (static_cast<unsigned char>(text[i + 1]) & 0x3F)));
      ++i;
    } else {
      return std::nullopt;
    }
  }
  return out;
}

// `text`, in NFC; `storage` keeps the normalised copy when one was needed.
std::string_view Nfc(std::string_view text, std::string& storage) {
  if (IsNfc(text)) return text;
  storage = ToNfc(text);
  return storage;
}

int Cmp3(std::string_view a, std::string_view b) { return a < b ? -1 : (b < a ? 1 : 0); }

// What a comparison makes of one value an object path reached.
// Not copyable: `nfc` may point into `nfc_storage`.
struct Typed {
  Typed() = default;
  Typed(const Typed&) = delete;
  Typed& operator=(const Typed&) = delete;
  enum class Kind { kString, kBytes, kInt, kUint, kFloat, kBool, kOther };
  Kind kind = Kind::kOther;
  std::string_view text;  // kString: as in the data
  std::string_view nfc;   // kString: in NFC (== text unless it needed normalising)
  std::string nfc_storage;
  std::string bytes;  // kBytes: decoded from a `_bin` (base64) or `_hex` property
  int64_t i = 0;
  uint64_t u = 0;
  double d = 0;
  bool b = false;
};

// Fills `t` in place: its nfc view may point into its own storage, so it is not moved.
void TypeOf(const json::value& v, std::string_view key, Typed& t) {
  switch (v.kind()) {
    case json::kind::string: {
      std::string_view s = v.get_string();
      if (IsBinaryKey(key)) {
        std::optional<std::string> bytes = EndsWith(key, "_bin") ? DecodeBase64(s) : DecodeHex(s);
        if (bytes) {
          t.kind = Typed::Kind::kBytes;
          t.bytes = std::move(*bytes);
        }
        return;  // undecodable binary data compares with nothing
      }
      t.kind = Typed::Kind::kString;
      t.text = s;
      t.nfc = Nfc(s, t.nfc_storage);
      return;
    }
    case json::kind::int64:
      t.kind = Typed::Kind::kInt;
      t.i = v.get_int64();
      return;
    case json::kind::uint64:
      t.kind = Typed::Kind::kUint;
      t.u = v.get_uint64();
      return;
    case json::kind::double_:
      t.kind = Typed::Kind::kFloat;
      t.d = v.get_double();
      return;
    case json::kind::bool_:
      t.kind = Typed::Kind::kBool;
      t.b = v.get_bool();
      return;
    default:
      return;
  }
}

bool IsNumber(const Typed& t) {
  return t.kind == Typed::Kind::kInt || t.kind == Typed::Kind::kUint ||
         t.kind == Typed::Kind::kFloat;
}

// Numeric three-way comparison of a value with an int or float constant.
std::optional<int> CompareNumber(const Typed& v, const Constant& k) {
  auto cmp = [](auto a, auto b) { return a < b ? -1 : (b < a ? 1 : 0); };
  if (k.kind == Constant::Kind::kInt) {
    if (v.kind == Typed::Kind::kInt) return cmp(v.i, k.int_value);
    if (v.kind == Typed::Kind::kUint) {
      if (k.int_value < 0) return 1;
      return cmp(v.u, static_cast<uint64_t>(k.int_value));
    }
  }
  double a = v.kind == Typed::Kind::kInt    ? static_cast<double>(v.i)
             : v.kind == Typed::Kind::kUint ? static_cast<double>(v.u)
                                            : v.d;
  double b = k.kind == Constant::Kind::kInt ? static_cast<double>(k.int_value) : k.float_value;
  if (std::isnan(a) || std::isnan(b)) return std::nullopt;
  return cmp(a, b);
}

// A value reached by an object path, with the last key name (to know `_bin`/`_hex`).
struct Reached {
  const json::value* value;
  std::string_view key;
};

struct CompiledConstant {
  std::string nfc;                    // kString: the text in NFC
  std::optional<std::string> latin1;  // kString: its bytes when every code point < 256
};

struct CompiledComparison {
  std::unique_ptr<RE2> regex;         // LIKE and MATCHES, over text (UTF-8, NFC operand)
  std::unique_ptr<RE2> bytes_regex;   // MATCHES over binary values (Latin-1 operand)
  bool like_on_bytes = false;         // LIKE: binary values (as UTF-8) may be tested
  std::optional<Cidr> cidr;           // ISSUBSET / ISSUPERSET
  CompiledConstant value;             // the constant of =, !=, <, …
  std::vector<CompiledConstant> set;  // IN: per member
  bool timestamps = false;            // the constant (or IN set) is t'…'
};

// A comparison's outcome for one value.
enum class Outcome { kFalse, kTrue, kError };

Outcome Of(bool b) { return b ? Outcome::kTrue : Outcome::kFalse; }

struct Binding {
  // Observations used and how many of each one's number_observed instances (sorted by
  // observation). Two bindings combine when no observation is used more often than it
  // was observed (STIX 2.1 9.6: observation expressions bind distinct observations; an
  // observed-data with number_observed n stands for n of them).
  std::vector<std::pair<uint32_t, uint32_t>> uses;
  std::vector<BindingEntry> entries;
  bool timed = false;
  int64_t max_first = 0;  // the latest first_observed among the observations
  int64_t min_last = 0;   // the earliest last_observed among them
};

// A comparison expression as evaluated: each node knows its single object type ("" when
// its comparisons name several) and, for a comparison, its compiled form.
struct CompiledNode {
  ComparisonExpr::Kind kind = ComparisonExpr::Kind::kComparison;
  std::string only_type;
  const Comparison* comparison = nullptr;
  const CompiledComparison* compiled = nullptr;
  std::vector<CompiledNode> children;
};

}  // namespace

struct Matcher::Impl {
  Pattern pattern;
  MatchOptions options;
  std::vector<const ObservationExpr*> leaves;
  std::unordered_map<const ObservationExpr*, size_t> leaf_index;
  std::unordered_map<const Comparison*, CompiledComparison> compiled;
  // For each comparison-expression node: its single object type, or "" when mixed.
  std::unordered_map<const ComparisonExpr*, std::string> node_type;
  // The comparisons with a timestamp constant: checked against every observation first,
  // since one that meets a value which is not a timestamp makes the match an error.
  std::vector<const Comparison*> timestamp_comparisons;
  // For each leaf observation expression, its comparisons as evaluated.
  std::unordered_map<const ObservationExpr*, CompiledNode> leaf_nodes;

  Status Prepare(const ObservationExpr& e);
  CompiledNode BuildNode(const ComparisonExpr& e) const;
  Status PrepareComparisons(const ComparisonExpr& e);
};

namespace {

// Per-Match state: the work budget, the data, and the first data error met.
class Evaluation {
 public:
  Evaluation(const Matcher::Impl& impl, const ObservationSet& set) : impl_(impl), set_(set) {}

  bool Spend(size_t units = 1) {
    steps_ += units;
    if (steps_ > impl_.options.max_steps) gave_up_ = true;
    return !gave_up_;
  }
  bool gave_up() const { return gave_up_; }
  bool truncated() const { return truncated_; }
  const Status& error() const { return error_; }

  // Evaluates every timestamp comparison on every object of its type, as the reference
  // does, so that a value which is not a timestamp is reported whatever else the
  // pattern says. Returns false on such a value (error() says which).
  bool CheckTimestamps() {
    for (const Comparison* c : impl_.timestamp_comparisons) {
      const CompiledComparison& cc = impl_.compiled.at(c);
      for (const Observation& obs : set_.observations()) {
        for (const json::object* sco : obs.objects) {
          if (!error_.ok() || gave_up_) return error_.ok();
          const json::value* t = sco->if_contains("type");
          if (t == nullptr || !t->is_string() || t->get_string() != c->path.object_type) continue;
          Compare(*c, cc, *sco, obs);
        }
      }
    }
    return error_.ok();
  }

  std::vector<Binding> Bindings(const ObservationExpr& e) {
    std::vector<Binding> out;
    if (!Spend() || !error_.ok()) return out;
    switch (e.kind) {
      case ObservationExpr::Kind::kComparison: {
        size_t leaf = impl_.leaf_index.at(&e);
        const CompiledNode& root = impl_.leaf_nodes.at(&e);
        const auto& obs = set_.observations();
        for (size_t i = 0; i < obs.size() && !gave_up_; ++i) {
          if (!MatchesObservation(root, obs[i])) continue;
          Binding b;
          b.uses.push_back({static_cast<uint32_t>(i), 1});
          b.entries.push_back({leaf, i});
          b.timed = obs[i].first_observed.has_value() && obs[i].last_observed.has_value();
          b.max_first = obs[i].first_observed.value_or(0);
          b.min_last = obs[i].last_observed.value_or(0);
          if (!Keep(out, std::move(b))) break;
        }
        break;
      }
      case ObservationExpr::Kind::kOr:
        for (const ObservationExpr& c : e.children) {
          for (Binding& b : Bindings(c)) {
            if (!Keep(out, std::move(b))) break;
          }
        }
        break;
      case ObservationExpr::Kind::kAnd:
      case ObservationExpr::Kind::kFollowedBy: {
        bool followed = e.kind == ObservationExpr::Kind::kFollowedBy;
        out = Bindings(e.children[0]);
        for (size_t k = 1; k < e.children.size() && !out.empty(); ++k) {
          std::vector<Binding> right = Bindings(e.children[k]);
          std::vector<Binding> next;
          for (const Binding& l : out) {
            for (const Binding& r : right) {
              if (!Spend(1 + l.uses.size() + r.uses.size())) break;
              // FOLLOWEDBY (9.6): some time of each left observation can precede some
              // time of each right one: the latest first_observed on the left is no
              // later than the earliest last_observed on the right.
              if (followed && !(l.timed && r.timed && l.max_first <= r.min_last)) continue;
              if (!Combinable(l, r)) continue;
              if (!Keep(next, Merge(l, r))) break;
            }
            if (gave_up_ || next.size() >= impl_.options.max_bindings) break;
          }
          out = std::move(next);
        }
        break;
      }
    }
    for (size_t q = 0; q < e.qualifiers.size(); ++q) {
      out = Qualify(e.qualifiers, q, std::move(out));
    }
    return out;
  }

 private:
  bool Keep(std::vector<Binding>& out, Binding b) {
    if (out.size() >= impl_.options.max_bindings) {
      truncated_ = true;
      return false;
    }
    out.push_back(std::move(b));
    return true;
  }

  int64_t Instances(uint32_t observation) const {
    return std::max<int64_t>(1, set_.observations()[observation].number_observed);
  }

  bool Combinable(const Binding& a, const Binding& b) const {
    size_t i = 0, j = 0;
    while (i < a.uses.size() && j < b.uses.size()) {
      if (a.uses[i].first == b.uses[j].first) {
        if (a.uses[i].second + b.uses[j].second > Instances(a.uses[i].first)) return false;
        ++i;
        ++j;
      } else if (a.uses[i].first < b.uses[j].first) {
        ++i;
      } else {
        ++j;
      }
    }
    return true;
  }

  static Binding Merge(const Binding& a, const Binding& b) {
    Binding m;
    size_t i = 0, j = 0;
    while (i < a.uses.size() || j < b.uses.size()) {
      if (j == b.uses.size() || (i < a.uses.size() && a.uses[i].first < b.uses[j].first)) {
        m.uses.push_back(a.uses[i++]);
      } else if (i == a.uses.size() || b.uses[j].first < a.uses[i].first) {
        m.uses.push_back(b.uses[j++]);
      } else {
        m.uses.push_back({a.uses[i].first, a.uses[i].second + b.uses[j].second});
        ++i;
        ++j;
      }
    }
    // Entries name (leaf, observation) pairs for the answer: kept once each, so that a
    // binding merged with itself (REPEATS on an observed-data seen n times) stays small.
    m.entries = a.entries;
    for (const BindingEntry& e : b.entries) {
      bool known = std::any_of(m.entries.begin(), m.entries.end(), [&](const BindingEntry& k) {
        return k.expression == e.expression && k.observation == e.observation;
      });
      if (!known) m.entries.push_back(e);
    }
    m.timed = a.timed && b.timed;
    m.max_first = std::max(a.max_first, b.max_first);
    m.min_last = std::min(a.min_last, b.min_last);
    return m;
  }

  // WITHIN n SECONDS (9.7): the observations' [first_observed, last_observed] intervals
  // all meet one window n seconds long: latest first − earliest last ≤ n.
  static bool Within(const Binding& b, const Qualifier& q) {
    return b.timed && static_cast<double>(b.max_first - b.min_last) <= q.within_seconds * 1e6;
  }
  // START s STOP e (9.7): each observation's interval meets [s, e): it begins before e
  // and ends at or after s.
  static bool InStartStop(const Binding& b, const Qualifier& q) {
    return b.timed && b.max_first < q.stop.micros && b.min_last >= q.start.micros;
  }

  std::vector<Binding> Qualify(const std::vector<Qualifier>& qs, size_t index,
                               std::vector<Binding> in) {
    const Qualifier& q = qs[index];
    std::vector<Binding> out;
    switch (q.kind) {
      case Qualifier::Kind::kWithin:
        for (Binding& b : in) {
          if (Within(b, q)) out.push_back(std::move(b));
        }
        return out;
      case Qualifier::Kind::kStartStop:
        for (Binding& b : in) {
          if (InStartStop(b, q)) out.push_back(std::move(b));
        }
        return out;
      case Qualifier::Kind::kRepeats:
        return Repeat(qs, index, std::move(in));
    }
    return out;
  }

  // REPEATS n TIMES: n matches of the expression that use distinct observations. A
  // START/STOP written after it holds for the whole when it holds for every member, so
  // members that fail it are dropped first; a WITHIN written after it is searched for
  // directly: for each candidate "anchor" with the earliest last_observed, the members
  // whose first_observed is at most n seconds after the anchor's last_observed (and that
  // end no earlier than it) fit one window. Members are then taken greedily in
  // first_observed order, each as often as its observations allow. Exact for a
  // bracketed expression; for nested compound expressions a heuristic.
  std::vector<Binding> Repeat(const std::vector<Qualifier>& qs, size_t index,
                              std::vector<Binding> in) {
    const int64_t needed = qs[index].repeats;
    const Qualifier* within = nullptr;
    for (size_t k = index + 1; k < qs.size() && qs[k].kind != Qualifier::Kind::kRepeats; ++k) {
      if (qs[k].kind == Qualifier::Kind::kStartStop) {
        std::erase_if(in, [&](const Binding& b) { return !InStartStop(b, qs[k]); });
      } else if (within == nullptr) {
        within = &qs[k];
      }
    }
    std::stable_sort(in.begin(), in.end(),
                     [](const Binding& a, const Binding& b) { return a.max_first < b.max_first; });
    std::vector<Binding> out;
    std::set<std::vector<std::pair<uint32_t, uint32_t>>> found;
    for (size_t i = 0; i < in.size() && !gave_up_; ++i) {
      const Binding& anchor = in[i];
      auto fits = [&](const Binding& b) {
        if (within == nullptr) return true;
        return b.timed && anchor.timed && b.min_last >= anchor.min_last &&
               static_cast<double>(b.max_first - anchor.min_last) <= within->within_seconds * 1e6;
      };
      // Two ways to grow from the anchor (candidates taken in order from it, cyclically),
      // to leave different observations free for the rest of the pattern: "fill" takes
      // each candidate, the anchor first, as often as its observations allow; "spread"
      // takes every other candidate once before taking any twice.
      bool fill_reused = false;
      for (bool spread : {false, true}) {
        // With every observation used once, spreading would find what filling found.
        if (spread && !fill_reused) break;
        Binding acc = anchor;
        int64_t count = 1;
        for (int pass = spread ? 0 : 1; pass < 2 && count < needed && !gave_up_; ++pass) {
          for (size_t step = 0; step < in.size() && count < needed && !gave_up_; ++step) {
            const size_t j = (i + step) % in.size();
            if (!fits(in[j]) || (pass == 0 && j == i)) continue;
            while (count < needed && Spend(1 + acc.uses.size() + in[j].uses.size()) &&
                   Combinable(acc, in[j])) {
              acc = Merge(acc, in[j]);
              ++count;
              if (pass == 0) break;
            }
          }
        }
        if (!spread) {
          fill_reused = std::any_of(acc.uses.begin(), acc.uses.end(),
                                    [](const auto& u) { return u.second > 1; });
        }
        if (count < needed) continue;
        // Growing in order from each anchor without reuse gives different sets; with
        // reuse (and the spread variant) the same set can come again: kept once.
        if (fill_reused && !found.insert(acc.uses).second) continue;
        if (!Keep(out, std::move(acc))) return out;
      }
    }
    return out;
  }

  // Inside [ … ] (9.5, and the reference matcher): every comparison selects root
  // objects of its object type; AND keeps the objects both sides selected, OR those
  // either did. The observation matches when some object remains, so all the
  // comparisons joined by AND hold for the same object (following its references).
  bool MatchesObservation(const CompiledNode& root, const Observation& obs) {
    for (const json::object* sco : obs.objects) {
      if (!Spend() || !error_.ok()) return false;
      const json::value* t = sco->if_contains("type");
      if (t == nullptr || !t->is_string()) continue;
      if (MatchesObject(root, t->get_string(), *sco, obs)) return true;
    }
    return false;
  }

  bool MatchesObject(const CompiledNode& node, std::string_view type, const json::object& sco,
                     const Observation& obs) {
    if (!node.only_type.empty() && node.only_type != type) return false;
    switch (node.kind) {
      case ComparisonExpr::Kind::kComparison:
        return Compare(*node.comparison, *node.compiled, sco, obs);
      case ComparisonExpr::Kind::kAnd:
        for (const CompiledNode& c : node.children) {
          if (!MatchesObject(c, type, sco, obs)) return false;
        }
        return true;
      case ComparisonExpr::Kind::kOr:
        for (const CompiledNode& c : node.children) {
          if (MatchesObject(c, type, sco, obs)) return true;
        }
        return false;
    }
    return false;
  }

  // Appends every value `steps[i…]` reaches from `cur`.
  void Walk(const json::value& cur, std::string_view key, const std::vector<PathStep>& steps,
            size_t i, const Observation& obs, std::vector<Reached>& out) {
    if (!Spend()) return;
    if (i == steps.size()) {
      if (out.size() >= impl_.options.max_path_values) {
        truncated_ = true;
        return;
      }
      out.push_back({&cur, key});
      return;
    }
    const PathStep& s = steps[i];
    auto next = [&](const json::value& v, std::string_view k) {
      if (s.dereference) {
        if (!v.is_string()) return;
        const json::object* target = set_.Resolve(obs, v.get_string());
        if (target == nullptr) return;
        WalkObject(*target, k, steps, i + 1, obs, out);
        return;
      }
      Walk(v, k, steps, i + 1, obs, out);
    };
    switch (s.kind) {
      case PathStep::Kind::kKey: {
        if (!cur.is_object()) return;
        const json::value* v = cur.get_object().if_contains(s.key);
        if (v != nullptr) next(*v, s.key);
        return;
      }
      case PathStep::Kind::kIndex: {
        if (!cur.is_array()) return;
        const json::array& a = cur.get_array();
        if (s.index < 0 || static_cast<uint64_t>(s.index) >= a.size()) return;
        next(a[static_cast<size_t>(s.index)], key);
        return;
      }
      case PathStep::Kind::kAnyIndex:
        if (!cur.is_array()) return;
        for (const json::value& v : cur.get_array()) {
          if (gave_up_) return;
          next(v, key);
        }
        return;
    }
  }

  void WalkObject(const json::object& o, std::string_view key, const std::vector<PathStep>& steps,
                  size_t i, const Observation& obs, std::vector<Reached>& out) {
    // json::object is not a json::value; walk its keys directly for the next step.
    if (!Spend()) return;
    if (i == steps.size()) return;  // a path never ends on a dereferenced object
    const PathStep& s = steps[i];
    if (s.kind != PathStep::Kind::kKey) return;
    const json::value* v = o.if_contains(s.key);
    if (v == nullptr) return;
    if (s.dereference) {
      if (!v->is_string()) return;
      const json::object* target = set_.Resolve(obs, v->get_string());
      if (target != nullptr) WalkObject(*target, s.key, steps, i + 1, obs, out);
      return;
    }
    Walk(*v, s.key, steps, i + 1, obs, out);
  }

  // Whether the object path, from `sco`, reaches a value that passes the comparison
  // (its NOT included): STIX 2.1 9.5, a comparison on a path that reaches several
  // values (lists, [*]) holds when it holds for one of them. A path that reaches
  // nothing passes nothing, negated or not.
  bool Compare(const Comparison& c, const CompiledComparison& cc, const json::object& sco,
               const Observation& obs) {
    std::vector<Reached>& values = values_;  // reused: Compare never nests
    values.clear();
    WalkObject(sco, {}, c.path.steps, 0, obs, values);
    if (c.op == CompareOp::kExists) {
      for (const Reached& r : values) {
        if (!r.value->is_null()) return true;
      }
      return false;
    }
    for (const Reached& r : values) {
      // Regular expressions and string work cost in proportion to the value's length.
      size_t cost = 1;
      if (r.value->is_string()) cost += r.value->get_string().size() / 64;
      if (!Spend(cost)) return false;
      Outcome o = Apply(c, cc, r);
      if (o == Outcome::kTrue) return true;
      if (o == Outcome::kError) return false;
    }
    return false;
  }

  // A value the pattern compares with a timestamp must be one (the reference raises an
  // error otherwise, and `entente pattern match` exits 2).
  std::optional<int64_t> TimestampOf(std::string_view s, const Comparison& c) {
    Result<Timestamp> ts = ParseTimestamp(s);
    if (ts.ok()) return ts->micros;
    if (error_.ok()) {
      error_ = Status::InvalidArgument(
          "the observed value '" + std::string(s.substr(0, 80)) + "' of " + c.path.ToString() +
          " is compared with a timestamp but is not one (" + ts.status().message() + ")");
    }
    return std::nullopt;
  }

  // Equality of a value with one constant: nullopt only on a data error.
  std::optional<bool> Equal(const Typed& v, const Constant& k, const CompiledConstant& kc,
                            const Comparison& c) {
    switch (k.kind) {
      case Constant::Kind::kString:
        if (v.kind == Typed::Kind::kString) return v.nfc == kc.nfc;
        // Binary data equals a string whose code points, each taken as one byte, are
        // those bytes (the reference's rule; a code point ≥ 256 never equals).
        if (v.kind == Typed::Kind::kBytes) return kc.latin1 && *kc.latin1 == v.bytes;
        return false;
      case Constant::Kind::kInt:
      case Constant::Kind::kFloat: {
        if (!IsNumber(v)) return false;
        std::optional<int> o = CompareNumber(v, k);
        return o && *o == 0;
      }
      case Constant::Kind::kBool:
        return v.kind == Typed::Kind::kBool && v.b == k.bool_value;
      case Constant::Kind::kHex:
      case Constant::Kind::kBinary:
        if (v.kind == Typed::Kind::kBytes) return v.bytes == k.text;
        if (v.kind == Typed::Kind::kString) {
          std::optional<std::string> bytes = Latin1Bytes(v.text);
          return bytes && *bytes == k.text;
        }
        return false;
      case Constant::Kind::kTimestamp: {
        if (v.kind != Typed::Kind::kString) return false;
        std::optional<int64_t> ts = TimestampOf(v.text, c);
        if (!ts) return std::nullopt;
        return *ts == k.timestamp.micros;
      }
    }
    return false;
  }

  // Order of a value against a constant (<, >, <=, >=). kUnordered: the types do not
  // order (the comparison is false, NOT or not); kNotBytes: a string that cannot be taken
  // as bytes met binary data (false, so NOT makes it true). Data errors set error_.
  struct Ordering {
    enum class State { kUnordered, kNotBytes, kOrdered };
    State state = State::kUnordered;
    int cmp = 0;
  };
  static Ordering Ordered(int cmp) { return {Ordering::State::kOrdered, cmp}; }
  static Ordering NotBytes() { return {Ordering::State::kNotBytes, 0}; }

  Ordering Order(const Typed& v, const Constant& k, const CompiledConstant& kc,
                 const Comparison& c) {
    switch (k.kind) {
      case Constant::Kind::kString:
        if (v.kind == Typed::Kind::kString) return Ordered(Cmp3(v.nfc, kc.nfc));
        if (v.kind == Typed::Kind::kBytes) {
          if (!kc.latin1) return NotBytes();
          return Ordered(Cmp3(v.bytes, *kc.latin1));
        }
        return {};
      case Constant::Kind::kInt:
      case Constant::Kind::kFloat: {
        if (!IsNumber(v)) return {};
        std::optional<int> o = CompareNumber(v, k);
        if (!o) return {};
        return Ordered(*o);
      }
      case Constant::Kind::kBool:
        return {};
      case Constant::Kind::kHex:
      case Constant::Kind::kBinary:
        if (v.kind == Typed::Kind::kBytes) return Ordered(Cmp3(v.bytes, k.text));
        if (v.kind == Typed::Kind::kString) {
          std::optional<std::string> bytes = Latin1Bytes(v.text);
          if (!bytes) return NotBytes();
          return Ordered(Cmp3(*bytes, k.text));
        }
        return {};
      case Constant::Kind::kTimestamp: {
        if (v.kind != Typed::Kind::kString) return {};
        std::optional<int64_t> ts = TimestampOf(v.text, c);
        if (!ts) return {};
        return Ordered(*ts < k.timestamp.micros ? -1 : (*ts > k.timestamp.micros ? 1 : 0));
      }
    }
    return {};
  }

  // One value against the comparison, NOT included (STIX 2.1 9.5 and the reference):
  // a value of another type than the constant is not equal to it, so `=` is false and
  // `!=`, NOT =, NOT IN, NOT LIKE, NOT MATCHES, NOT ISSUBSET… are true; ordering
  // operators are false for values they cannot order, with or without NOT.
  Outcome Apply(const Comparison& c, const CompiledComparison& cc, const Reached& r) {
    Typed v;
    TypeOf(*r.value, r.key, v);
    bool result = false;
    switch (c.op) {
      case CompareOp::kEqual:
      case CompareOp::kNotEqual: {
        std::optional<bool> eq = Equal(v, c.value, cc.value, c);
        if (!eq) return Outcome::kError;
        result = c.op == CompareOp::kEqual ? *eq : !*eq;
        break;
      }
      case CompareOp::kLess:
      case CompareOp::kGreater:
      case CompareOp::kLessEqual:
      case CompareOp::kGreaterEqual: {
        Ordering o = Order(v, c.value, cc.value, c);
        if (!error_.ok()) return Outcome::kError;
        if (o.state == Ordering::State::kUnordered) return Outcome::kFalse;
        if (o.state == Ordering::State::kNotBytes) {
          result = false;
        } else if (c.op == CompareOp::kLess) {
          result = o.cmp < 0;
        } else if (c.op == CompareOp::kGreater) {
          result = o.cmp > 0;
        } else if (c.op == CompareOp::kLessEqual) {
          result = o.cmp <= 0;
        } else {
          result = o.cmp >= 0;
        }
        break;
      }
      case CompareOp::kIn:
        for (size_t i = 0; i < c.set.size() && !result; ++i) {
          std::optional<bool> eq = Equal(v, c.set[i], cc.set[i], c);
          if (!eq) return Outcome::kError;
          result = *eq;
        }
        break;
      case CompareOp::kLike:
        if (v.kind == Typed::Kind::kString) {
          result = cc.regex && RE2::FullMatch(v.nfc, *cc.regex);
        } else if (v.kind == Typed::Kind::kBytes && cc.like_on_bytes && IsValidUtf8(v.bytes)) {
          // Binary data is read as UTF-8 text for LIKE (the reference's rule).
          std::string storage;
          result = cc.regex && RE2::FullMatch(Nfc(v.bytes, storage), *cc.regex);
        }
        break;
      case CompareOp::kMatches:
        if (v.kind == Typed::Kind::kString) {
          result = cc.regex && RE2::PartialMatch(v.nfc, *cc.regex);
        } else if (v.kind == Typed::Kind::kBytes) {
          result = cc.bytes_regex && RE2::PartialMatch(v.bytes, *cc.bytes_regex);
        }
        break;
      case CompareOp::kIsSubset:
      case CompareOp::kIsSuperset:
        if (v.kind == Typed::Kind::kString && cc.cidr) {
          std::optional<Cidr> value = ParseCidr(v.text);
          if (value && value->v6 == cc.cidr->v6) {
            result = c.op == CompareOp::kIsSubset ? CidrContains(*cc.cidr, *value)
                                                  : CidrContains(*value, *cc.cidr);
          }
        }
        break;
      case CompareOp::kExists:
        result = !r.value->is_null();
        break;
    }
    return Of(result != c.negated);
  }

  const Matcher::Impl& impl_;
  const ObservationSet& set_;
  std::vector<Reached> values_;
  size_t steps_ = 0;
  bool gave_up_ = false;
  bool truncated_ = false;
  Status error_;
};

}  // namespace

namespace {

CompiledConstant CompileConstant(const Constant& k) {
  CompiledConstant out;
  if (k.kind == Constant::Kind::kString) {
    out.nfc = ToNfc(k.text);
    out.latin1 = Latin1Bytes(k.text);
  }
  return out;
}

}  // namespace

Status Matcher::Impl::PrepareComparisons(const ComparisonExpr& e) {
  if (e.kind == ComparisonExpr::Kind::kComparison) {
    const Comparison& c = e.comparison;
    node_type[&e] = c.path.object_type;
    CompiledComparison& cc = compiled[&c];
    cc.value = CompileConstant(c.value);
    for (const Constant& k : c.set) cc.set.push_back(CompileConstant(k));
    cc.timestamps = (c.op != CompareOp::kIn && c.op != CompareOp::kExists &&
                     c.value.kind == Constant::Kind::kTimestamp) ||
                    (c.op == CompareOp::kIn && !c.set.empty() &&
                     c.set.front().kind == Constant::Kind::kTimestamp);
    if (cc.timestamps) timestamp_comparisons.push_back(&c);
    if (c.op == CompareOp::kLike || c.op == CompareOp::kMatches) {
      RE2::Options ro;
      ro.set_log_errors(false);
      ro.set_max_mem(1 << 20);
      // Both sides of LIKE and MATCHES are compared in NFC (9.5); the operand once here.
      const std::string operand = ToNfc(c.value.text);
      // LIKE: pattern/like.h's expression (the index tests the same rules), UTF-8 with
      // '.' matching '\n', as it asks.
      if (c.op == CompareOp::kLike) ro.set_dot_nl(true);
      std::string re = c.op == CompareOp::kLike ? LikeToRegex(operand) : operand;
      auto regex = std::make_unique<RE2>(re, ro);
      if (!regex->ok()) {
        return Status::InvalidArgument(
            "at offset " + std::to_string(c.value.position) +
            ": regular expression not supported by RE2: " + regex->error());
      }
      cc.regex = std::move(regex);
      // Binary (`_bin`, `_hex`) values: MATCHES runs on their bytes with the operand's
      // code points as bytes (Latin-1: '\\xd4' is one byte), and only when all are below
      // 256; LIKE reads them as UTF-8 text under the same condition (the reference's
      // rules). Only a path whose last key names binary data can reach such values.
      std::optional<std::string> latin1 = Latin1Bytes(operand);
      std::string_view last_key;
      for (auto it = c.path.steps.rbegin(); it != c.path.steps.rend(); ++it) {
        if (it->kind == PathStep::Kind::kKey) {
          last_key = it->key;
          break;
        }
      }
      if (latin1 && IsBinaryKey(last_key)) {
        cc.like_on_bytes = c.op == CompareOp::kLike;
        if (c.op == CompareOp::kMatches) {
          RE2::Options bo = ro;
          bo.set_encoding(RE2::Options::EncodingLatin1);
          auto bytes_regex = std::make_unique<RE2>(*latin1, bo);
          if (bytes_regex->ok()) cc.bytes_regex = std::move(bytes_regex);
        }
      }
    }
    if (c.op == CompareOp::kIsSubset || c.op == CompareOp::kIsSuperset) {
      std::optional<Cidr> cidr = ParseCidr(c.value.text);
      if (!cidr) {
        return Status::InvalidArgument("at offset " + std::to_string(c.value.position) +
                                       ": expected an IPv4 or IPv6 CIDR");
      }
      cc.cidr = cidr;
    }
    return Status::Ok();
  }
  std::string type;
  bool mixed = false;
  for (const ComparisonExpr& child : e.children) {
    ENTENTE_RETURN_IF_ERROR(PrepareComparisons(child));
    const std::string& t = node_type[&child];
    if (t.empty() || (!type.empty() && t != type)) mixed = true;
    if (type.empty()) type = t;
  }
  node_type[&e] = mixed ? std::string() : type;
  return Status::Ok();
}

CompiledNode Matcher::Impl::BuildNode(const ComparisonExpr& e) const {
  CompiledNode node;
  node.kind = e.kind;
  node.only_type = node_type.at(&e);
  if (e.kind == ComparisonExpr::Kind::kComparison) {
    node.comparison = &e.comparison;
    node.compiled = &compiled.at(&e.comparison);
  }
  for (const ComparisonExpr& c : e.children) node.children.push_back(BuildNode(c));
  return node;
}

Status Matcher::Impl::Prepare(const ObservationExpr& e) {
  if (e.kind == ObservationExpr::Kind::kComparison) {
    leaf_index[&e] = leaves.size();
    leaves.push_back(&e);
    ENTENTE_RETURN_IF_ERROR(PrepareComparisons(e.comparison));
    leaf_nodes[&e] = BuildNode(e.comparison);
    return Status::Ok();
  }
  for (const ObservationExpr& c : e.children) ENTENTE_RETURN_IF_ERROR(Prepare(c));
  return Status::Ok();
}

Matcher::Matcher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Matcher::Matcher(Matcher&&) noexcept = default;
Matcher& Matcher::operator=(Matcher&&) noexcept = default;
Matcher::~Matcher() = default;

Result<Matcher> Matcher::Compile(const Pattern& pattern, const MatchOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->pattern = pattern;
  impl->options = options;
  ENTENTE_RETURN_IF_ERROR(impl->Prepare(impl->pattern.root));
  return Matcher(std::move(impl));
}

const std::vector<const ObservationExpr*>& Matcher::leaves() const { return impl_->leaves; }
const Pattern& Matcher::pattern() const { return impl_->pattern; }

MatchResult Matcher::Match(const ObservationSet& observations) const {
  Evaluation eval(*impl_, observations);
  MatchResult result;
  if (!eval.CheckTimestamps()) {
    result.status = eval.error();
    return result;
  }
  std::vector<Binding> bindings = eval.Bindings(impl_->pattern.root);
  if (!eval.error().ok()) {
    result.status = eval.error();
    return result;
  }
  if (!bindings.empty()) {
    result.matched = true;
    result.binding = bindings.front().entries;
    std::sort(result.binding.begin(), result.binding.end(),
              [](const BindingEntry& a, const BindingEntry& b) {
                return a.expression != b.expression ? a.expression < b.expression
                                                    : a.observation < b.observation;
              });
    result.binding.erase(std::unique(result.binding.begin(), result.binding.end(),
                                     [](const BindingEntry& a, const BindingEntry& b) {
                                       return a.expression == b.expression &&
                                              a.observation == b.observation;
                                     }),
                         result.binding.end());
    return result;
  }
  if (eval.gave_up() || eval.truncated()) {
    result.status = Status::ResourceExhausted(
        "pattern too complex for these observations: evaluation stopped at its bounds "
        "without finding a match");
  }
  return result;
}

std::string Matcher::BindingsJson(const MatchResult& result,
                                  const ObservationSet& observations) const {
  json::object root;
  root["matched"] = result.matched;
  json::array list;
  for (size_t leaf = 0; leaf < impl_->leaves.size(); ++leaf) {
    json::array ids;
    for (const BindingEntry& e : result.binding) {
      if (e.expression != leaf) continue;
      ids.emplace_back(json::string(observations.observations()[e.observation].id));
    }
    if (ids.empty()) continue;
    ObservationExpr bare = *impl_->leaves[leaf];
    bare.qualifiers.clear();
    Pattern p;
    p.root = std::move(bare);
    json::object entry;
    entry["expression"] = leaf;
    entry["pattern"] = p.ToString();
    entry["observed_data"] = std::move(ids);
    list.emplace_back(std::move(entry));
  }
  root["bindings"] = std::move(list);
  return json::serialize(root);
}

}  // namespace entente::pattern
