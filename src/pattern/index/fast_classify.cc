#include "pattern/index/fast_classify.h"

#include <array>
#include <string>
#include <vector>

#include "pattern/hash_values.h"
#include "pattern/index/cidr_set.h"
#include "pattern/nfc.h"

namespace entente::pattern::index {
namespace {

// The lexer's keywords (lexer.cc); a word equal to one is never an identifier.
constexpr std::array<std::string_view, 18> kKeywords = {
    "AND",      "OR",         "NOT",    "FOLLOWEDBY", "LIKE",   "MATCHES",
    "ISSUBSET", "ISSUPERSET", "EXISTS", "IN",         "WITHIN", "SECONDS",
    "REPEATS",  "TIMES",      "START",  "STOP",       "true",   "false"};

bool IsKeyword(std::string_view w) {
  for (std::string_view k : kKeywords) {
    if (k == w) return true;
  }
  return false;
}

bool IsIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || (c >= '0' && c <= '9') || c == '-'; }
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

class Scanner {
 public:
  explicit Scanner(std::string_view t) : t_(t) {}

  void SkipSpace() {
    while (i_ < t_.size() && IsSpace(t_[i_])) ++i_;
  }
  bool AtEnd() const { return i_ >= t_.size(); }
  bool Eat(char c) {
    if (i_ < t_.size() && t_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  char Peek() const { return i_ < t_.size() ? t_[i_] : '\0'; }

  // An identifier-character run starting with an identifier start, not followed by a
  // quote (which would make h'…', b'…', t'…' literals or a lexer/parser error).
  bool Word(std::string_view* out) {
    if (i_ >= t_.size() || !IsIdentStart(t_[i_])) return false;
    size_t start = i_;
    while (i_ < t_.size() && IsIdentChar(t_[i_])) ++i_;
    if (i_ < t_.size() && t_[i_] == '\'') return false;
    *out = t_.substr(start, i_ - start);
    return true;
  }

  // A string constant: '…' with \' and \\ escapes only.
  bool String(std::string* out) {
    if (!Eat('\'')) return false;
    size_t start = i_;
    size_t n = t_.size();
    // Fast scan for the common case without escapes.
    while (i_ < n && t_[i_] != '\'' && t_[i_] != '\\') ++i_;
    if (i_ < n && t_[i_] == '\'') {
      out->assign(t_.data() + start, i_ - start);
      ++i_;
      return true;
    }
    out->assign(t_.data() + start, i_ - start);
    while (i_ < n) {
      char c = t_[i_];
      if (c == '\'') {
        ++i_;
        return true;
      }
      if (c == '\\') {
        if (i_ + 1 < n && (t_[i_ + 1] == '\'' || t_[i_ + 1] == '\\')) {
          out->push_back(t_[i_ + 1]);
          i_ += 2;
          continue;
        }
        return false;
      }
      out->push_back(c);
      ++i_;
    }
    return false;  // unterminated
  }

 private:
  std::string_view t_;
  size_t i_ = 0;
};

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// The parser refuses a hash constant that cannot be a value of its algorithm (issue 12);
// the fast path applies the same rule (pattern/hash_values.h) to hashes.<algorithm> and
// leaves every other path through a `hashes` key to the full parser.
bool HashLeafIsPlain(const std::vector<std::string>& keys, std::string_view literal) {
  bool any = false;
  for (const std::string& k : keys) any = any || k == "hashes";
  if (!any) return true;
  if (keys.size() != 2 || keys[0] != "hashes") return false;
  return !HashValueProblem(keys[1], literal).has_value();
}

}  // namespace

bool FastClassify(std::string_view text, const ParseOptions& options, Classified* out) {
  if (text.size() > options.max_length || options.max_depth < 1 || options.max_comparisons < 1 ||
      options.max_observations < 1) {
    return false;
  }
  Scanner s(text);
  Leaf leaf;
  s.SkipSpace();
  if (!s.Eat('[')) return false;
  s.SkipSpace();
  std::string_view type;
  if (!s.Word(&type) || IsKeyword(type)) return false;
  s.SkipSpace();
  if (!s.Eat(':')) return false;
  // Keys: plain names (no '-', not keywords) or quoted strings, joined by '.'.
  while (true) {
    s.SkipSpace();
    if (leaf.keys.size() >= options.max_path_steps) return false;
    if (s.Peek() == '\'') {
      std::string key;
      if (!s.String(&key)) return false;
      leaf.keys.push_back(std::move(key));
    } else {
      std::string_view key;
      if (!s.Word(&key) || IsKeyword(key) || key.find('-') != std::string_view::npos) return false;
      leaf.keys.emplace_back(key);
    }
    s.SkipSpace();
    if (s.Peek() != '.') break;
    s.Eat('.');
    s.SkipSpace();
    // ".5" would lex as a number; only a name or a quoted key may follow.
    if (!IsIdentStart(s.Peek()) && s.Peek() != '\'') return false;
  }
  // A reference followed by more steps is dereferenced: not a leaf; nor is a binary
  // property or a reference at the end (classify.h).
  for (size_t k = 0; k + 1 < leaf.keys.size(); ++k) {
    if (EndsWith(leaf.keys[k], "_ref")) return false;
  }
  if (IsBinaryProperty(leaf.keys.back()) || IsReferenceProperty(leaf.keys.back())) return false;
  if (s.Eat('=')) {
    s.Eat('=');  // '==' is one token
    leaf.op = LeafOp::kEqual;
  } else {
    std::string_view op;
    if (!s.Word(&op)) return false;
    if (op == "LIKE") {
      leaf.op = LeafOp::kLike;
    } else if (op == "ISSUBSET") {
      leaf.op = LeafOp::kIsSubset;
    } else {
      return false;
    }
  }
  s.SkipSpace();
  if (!s.String(&leaf.literal)) return false;
  if (leaf.op == LeafOp::kIsSubset && !ParseIpBlock(leaf.literal)) return false;
  if (!HashLeafIsPlain(leaf.keys, leaf.literal)) return false;
  s.SkipSpace();
  if (!s.Eat(']')) return false;
  s.SkipSpace();
  if (!s.AtEnd()) return false;
  if (!IsNfc(leaf.literal)) leaf.literal = ToNfc(leaf.literal);
  leaf.object_type = std::string(type);
  out->kind = PatternClass::kSimple;
  out->object_types.assign(1, leaf.object_type);
  out->leaves.clear();
  out->leaves.push_back(std::move(leaf));
  return true;
}

}  // namespace entente::pattern::index
