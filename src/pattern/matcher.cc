#include "pattern/matcher.h"

#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <unordered_map>
#include <utility>

#include "pattern/codec.h"
#include "pattern/like.h"

namespace entente::pattern {
namespace {

namespace json = boost::json;

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

struct CompiledComparison {
  std::unique_ptr<RE2> regex;  // LIKE and MATCHES
  std::optional<Cidr> cidr;    // ISSUBSET / ISSUPERSET
};

// A value reached by an object path, with the last key name (to know `_bin`/`_hex`).
struct Reached {
  const json::value* value;
  std::string_view key;
};

struct Binding {
  std::vector<uint32_t> observations;  // sorted, unique
  std::vector<BindingEntry> entries;
  bool timed = false;
  int64_t first = 0;
  int64_t last = 0;
  int64_t weight = 1;
};

bool Disjoint(const Binding& a, const Binding& b) {
  size_t i = 0, j = 0;
  while (i < a.observations.size() && j < b.observations.size()) {
    if (a.observations[i] == b.observations[j]) return false;
    if (a.observations[i] < b.observations[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  return true;
}

Binding Merge(const Binding& a, const Binding& b) {
  Binding m;
  std::merge(a.observations.begin(), a.observations.end(), b.observations.begin(),
             b.observations.end(), std::back_inserter(m.observations));
  m.entries = a.entries;
  m.entries.insert(m.entries.end(), b.entries.begin(), b.entries.end());
  m.timed = a.timed && b.timed;
  m.first = std::min(a.first, b.first);
  m.last = std::max(a.last, b.last);
  m.weight = std::min(a.weight, b.weight);
  return m;
}

}  // namespace

struct Matcher::Impl {
  Pattern pattern;
  MatchOptions options;
  std::vector<const ObservationExpr*> leaves;
  std::unordered_map<const ObservationExpr*, size_t> leaf_index;
  std::unordered_map<const Comparison*, CompiledComparison> compiled;
  // For each comparison-expression node: its single object type, or "" when mixed.
  std::unordered_map<const ComparisonExpr*, std::string> node_type;

  Status Prepare(const ObservationExpr& e);
  Status PrepareComparisons(const ComparisonExpr& e);
};

namespace {

// Per-Match state: the work budget and the data.
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

  std::vector<Binding> Bindings(const ObservationExpr& e) {
    std::vector<Binding> out;
    if (!Spend()) return out;
    switch (e.kind) {
      case ObservationExpr::Kind::kComparison: {
        size_t leaf = impl_.leaf_index.at(&e);
        const auto& obs = set_.observations();
        for (size_t i = 0; i < obs.size() && !gave_up_; ++i) {
          if (!MatchesObservation(e.comparison, obs[i])) continue;
          Binding b;
          b.observations.push_back(static_cast<uint32_t>(i));
          b.entries.push_back({leaf, i});
          b.timed = obs[i].first_observed.has_value();
          b.first = obs[i].first_observed.value_or(0);
          b.last = obs[i].last_observed.value_or(0);
          b.weight = obs[i].number_observed;
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
              if (!Spend(1 + l.observations.size() + r.observations.size())) break;
              if (!Disjoint(l, r)) continue;
              if (followed && !(l.timed && r.timed && l.last <= r.first)) continue;
              if (!Keep(next, Merge(l, r))) break;
            }
            if (gave_up_ || next.size() >= impl_.options.max_bindings) break;
          }
          out = std::move(next);
        }
        break;
      }
    }
    for (const Qualifier& q : e.qualifiers) out = Qualify(q, std::move(out));
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

  std::vector<Binding> Qualify(const Qualifier& q, std::vector<Binding> in) {
    std::vector<Binding> out;
    switch (q.kind) {
      case Qualifier::Kind::kWithin: {
        const double limit = q.within_seconds * 1e6;
        for (Binding& b : in) {
          if (b.timed && static_cast<double>(b.last - b.first) <= limit)
            out.push_back(std::move(b));
        }
        return out;
      }
      case Qualifier::Kind::kStartStop:
        for (Binding& b : in) {
          if (b.timed && b.first >= q.start.micros && b.last < q.stop.micros) {
            out.push_back(std::move(b));
          }
        }
        return out;
      case Qualifier::Kind::kRepeats: {
        std::stable_sort(in.begin(), in.end(),
                         [](const Binding& a, const Binding& b) { return a.first < b.first; });
        for (size_t i = 0; i < in.size() && !gave_up_; ++i) {
          Binding acc = in[i];
          int64_t count = acc.weight;
          for (size_t j = i + 1; j < in.size() && count < q.repeats; ++j) {
            if (!Spend(1 + acc.observations.size() + in[j].observations.size())) break;
            if (!Disjoint(acc, in[j])) continue;
            int64_t w = in[j].weight;
            acc = Merge(acc, in[j]);
            count += w;
          }
          if (count >= q.repeats) {
            acc.weight = 1;
            if (!Keep(out, std::move(acc))) break;
          }
        }
        return out;
      }
    }
    return out;
  }

  bool MatchesObservation(const ComparisonExpr& e, const Observation& obs) {
    const std::string& type = impl_.node_type.at(&e);
    if (!type.empty()) {
      for (const json::object* sco : obs.objects) {
        if (!Spend()) return false;
        const json::value* t = sco->if_contains("type");
        if (t == nullptr || !t->is_string() || t->get_string() != type) continue;
        if (MatchesObject(e, *sco, obs)) return true;
      }
      return false;
    }
    if (e.kind == ComparisonExpr::Kind::kAnd) {
      for (const ComparisonExpr& c : e.children) {
        if (!MatchesObservation(c, obs)) return false;
      }
      return true;
    }
    for (const ComparisonExpr& c : e.children) {
      if (MatchesObservation(c, obs)) return true;
    }
    return false;
  }

  bool MatchesObject(const ComparisonExpr& e, const json::object& sco, const Observation& obs) {
    switch (e.kind) {
      case ComparisonExpr::Kind::kComparison:
        return Compare(e.comparison, sco, obs);
      case ComparisonExpr::Kind::kAnd:
        for (const ComparisonExpr& c : e.children) {
          if (!MatchesObject(c, sco, obs)) return false;
        }
        return true;
      case ComparisonExpr::Kind::kOr:
        for (const ComparisonExpr& c : e.children) {
          if (MatchesObject(c, sco, obs)) return true;
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
        // Re-wrap: walk continues from the referenced object.
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

  bool Compare(const Comparison& c, const json::object& sco, const Observation& obs) {
    std::vector<Reached> values;
    WalkObject(sco, {}, c.path.steps, 0, obs, values);
    if (c.op == CompareOp::kExists) {
      for (const Reached& r : values) {
        if (!r.value->is_null()) return true;
      }
      return false;
    }
    const CompiledComparison* compiled = nullptr;
    auto it = impl_.compiled.find(&c);
    if (it != impl_.compiled.end()) compiled = &it->second;
    for (const Reached& r : values) {
      // Regular expressions and string work cost in proportion to the value's length.
      size_t cost = 1;
      if (r.value->is_string()) cost += r.value->get_string().size() / 64;
      if (!Spend(cost)) return false;
      std::optional<bool> result = Apply(c, compiled, r);
      if (result.has_value() && *result != c.negated) return true;
    }
    return false;
  }

  static std::optional<int> Order(const Constant& k, const Reached& r) {
    const json::value& v = *r.value;
    auto cmp = [](auto a, auto b) { return a < b ? -1 : (b < a ? 1 : 0); };
    switch (k.kind) {
      case Constant::Kind::kString:
        if (!v.is_string()) return std::nullopt;
        return cmp(std::string_view(v.get_string()), std::string_view(k.text));
      case Constant::Kind::kInt:
      case Constant::Kind::kFloat: {
        if (!v.is_number()) return std::nullopt;
        if (k.kind == Constant::Kind::kInt && v.is_int64()) return cmp(v.get_int64(), k.int_value);
        if (k.kind == Constant::Kind::kInt && v.is_uint64()) {
          if (k.int_value < 0) return 1;
          return cmp(v.get_uint64(), static_cast<uint64_t>(k.int_value));
        }
        double a = v.to_number<double>();
        double b =
            k.kind == Constant::Kind::kInt ? static_cast<double>(k.int_value) : k.float_value;
        if (std::isnan(a) || std::isnan(b)) return std::nullopt;
        return cmp(a, b);
      }
      case Constant::Kind::kBool:
        if (!v.is_bool()) return std::nullopt;
        return cmp(v.get_bool(), k.bool_value);
      case Constant::Kind::kTimestamp: {
        if (!v.is_string()) return std::nullopt;
        Result<Timestamp> ts = ParseTimestamp(std::string_view(v.get_string()));
        if (!ts.ok()) return std::nullopt;
        return cmp(ts->micros, k.timestamp.micros);
      }
      case Constant::Kind::kHex:
      case Constant::Kind::kBinary: {
        if (!v.is_string()) return std::nullopt;
        std::string_view s = v.get_string();
        std::optional<std::string> bytes;
        if (EndsWith(r.key, "_bin")) {
          bytes = DecodeBase64(s);
        } else if (EndsWith(r.key, "_hex")) {
          bytes = DecodeHex(s);
        } else {
          bytes = std::string(s);
        }
        if (!bytes) return std::nullopt;
        return cmp(std::string_view(*bytes), std::string_view(k.text));
      }
    }
    return std::nullopt;
  }

  static std::optional<bool> Apply(const Comparison& c, const CompiledComparison* compiled,
                                   const Reached& r) {
    const json::value& v = *r.value;
    switch (c.op) {
      case CompareOp::kEqual:
      case CompareOp::kNotEqual:
      case CompareOp::kLess:
      case CompareOp::kGreater:
      case CompareOp::kLessEqual:
      case CompareOp::kGreaterEqual: {
        std::optional<int> o = Order(c.value, r);
        if (!o) return std::nullopt;
        switch (c.op) {
          case CompareOp::kEqual:
            return *o == 0;
          case CompareOp::kNotEqual:
            return *o != 0;
          case CompareOp::kLess:
            return *o < 0;
          case CompareOp::kGreater:
            return *o > 0;
          case CompareOp::kLessEqual:
            return *o <= 0;
          default:
            return *o >= 0;
        }
      }
      case CompareOp::kIn: {
        std::optional<bool> result;
        for (const Constant& k : c.set) {
          std::optional<int> o = Order(k, r);
          if (!o) continue;
          if (*o == 0) return true;
          result = false;
        }
        return result;
      }
      case CompareOp::kLike:
        if (!v.is_string() || compiled == nullptr || !compiled->regex) return std::nullopt;
        return RE2::FullMatch(std::string_view(v.get_string()), *compiled->regex);
      case CompareOp::kMatches: {
        if (!v.is_string() || compiled == nullptr || !compiled->regex) return std::nullopt;
        if (compiled->regex->options().encoding() == RE2::Options::EncodingLatin1) {
          if (!EndsWith(r.key, "_bin")) return std::nullopt;
          std::optional<std::string> bytes = DecodeBase64(v.get_string());
          if (!bytes) return std::nullopt;
          return RE2::PartialMatch(*bytes, *compiled->regex);
        }
        return RE2::PartialMatch(std::string_view(v.get_string()), *compiled->regex);
      }
      case CompareOp::kIsSubset:
      case CompareOp::kIsSuperset: {
        if (!v.is_string() || compiled == nullptr || !compiled->cidr) return std::nullopt;
        std::optional<Cidr> value = ParseCidr(v.get_string());
        if (!value || value->v6 != compiled->cidr->v6) return std::nullopt;
        return c.op == CompareOp::kIsSubset ? CidrContains(*compiled->cidr, *value)
                                            : CidrContains(*value, *compiled->cidr);
      }
      case CompareOp::kExists:
        return !v.is_null();
    }
    return std::nullopt;
  }

  const Matcher::Impl& impl_;
  const ObservationSet& set_;
  size_t steps_ = 0;
  bool gave_up_ = false;
  bool truncated_ = false;
};

}  // namespace

Status Matcher::Impl::PrepareComparisons(const ComparisonExpr& e) {
  if (e.kind == ComparisonExpr::Kind::kComparison) {
    const Comparison& c = e.comparison;
    node_type[&e] = c.path.object_type;
    if (c.op == CompareOp::kLike || c.op == CompareOp::kMatches) {
      RE2::Options ro;
      ro.set_log_errors(false);
      ro.set_max_mem(1 << 20);
      // LIKE: pattern/like.h's expression (the index tests the same rules), UTF-8 with
      // '.' matching '\n', as it asks.
      if (c.op == CompareOp::kLike) ro.set_dot_nl(true);
      std::string re = c.op == CompareOp::kLike ? LikeToRegex(c.value.text) : c.value.text;
      // A MATCHES on a binary (`_bin`) property runs on the decoded bytes (Latin-1); any
      // other on the UTF-8 text. The path's last key decides, so only one is compiled.
      const PathStep& last = c.path.steps.back();
      if (c.op == CompareOp::kMatches && last.kind == PathStep::Kind::kKey &&
          EndsWith(last.key, "_bin")) {
        ro.set_encoding(RE2::Options::EncodingLatin1);
      }
      auto regex = std::make_unique<RE2>(re, ro);
      if (!regex->ok()) {
        return Status::InvalidArgument(
            "at offset " + std::to_string(c.value.position) +
            ": regular expression not supported by RE2: " + regex->error());
      }
      compiled[&c].regex = std::move(regex);
    }
    if (c.op == CompareOp::kIsSubset || c.op == CompareOp::kIsSuperset) {
      std::optional<Cidr> cidr = ParseCidr(c.value.text);
      if (!cidr) {
        return Status::InvalidArgument("at offset " + std::to_string(c.value.position) +
                                       ": expected an IPv4 or IPv6 CIDR");
      }
      compiled[&c].cidr = cidr;
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

Status Matcher::Impl::Prepare(const ObservationExpr& e) {
  if (e.kind == ObservationExpr::Kind::kComparison) {
    leaf_index[&e] = leaves.size();
    leaves.push_back(&e);
    return PrepareComparisons(e.comparison);
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
  std::vector<Binding> bindings = eval.Bindings(impl_->pattern.root);
  MatchResult result;
  if (!bindings.empty()) {
    result.matched = true;
    result.binding = bindings.front().entries;
    std::sort(result.binding.begin(), result.binding.end(),
              [](const BindingEntry& a, const BindingEntry& b) {
                return a.expression != b.expression ? a.expression < b.expression
                                                    : a.observation < b.observation;
              });
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
