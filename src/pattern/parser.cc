#include "pattern/parser.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <utility>

#include "pattern/codec.h"
#include "pattern/hash_values.h"
#include "pattern/lexer.h"

namespace entente::pattern {
namespace {

Status ErrorAt(size_t offset, const std::string& what) {
  return Status::InvalidArgument("at offset " + std::to_string(offset) + ": " + what);
}
Status LimitAt(size_t offset, const std::string& what) {
  return Status::ResourceExhausted("at offset " + std::to_string(offset) + ": " + what);
}

// What an expression refused for its size is counted as (in RE2 instructions): the
// most it could have compiled before RE2 gave up, roughly its memory budget over the
// 16 bytes RE2 spends per instruction.
size_t FailedCompileCost(size_t max_regex_memory) { return max_regex_memory / 16; }

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Recursive-descent parser over the lexer's tokens, one token of lookahead.
class Parser {
 public:
  Parser(std::string_view text, const ParseOptions& options) : lexer_(text), options_(options) {}

  // RE2 instructions compiled for MATCHES so far (see ParsePatternCounting).
  size_t regex_program_size() const { return regex_program_size_; }

  Result<Pattern> Run() {
    ENTENTE_RETURN_IF_ERROR(Advance());
    Pattern pattern;
    pattern.version = options_.version;
    ENTENTE_RETURN_IF_ERROR(ParseFollowedBy(pattern.root, 0));
    if (tok_.kind != TokenKind::kEnd) {
      return Unexpected("'AND', 'OR', 'FOLLOWEDBY', a qualifier or the end of the pattern");
    }
    return pattern;
  }

 private:
  Status Advance() {
    Result<Token> t = lexer_.Next();
    if (!t.ok()) return t.status();
    tok_ = std::move(t).value();
    return Status::Ok();
  }

  Status Unexpected(const std::string& expected) const {
    std::string found =
        tok_.kind == TokenKind::kEnd ? "end of pattern" : "'" + std::string(tok_.text) + "'";
    if (found.size() > 40) found = found.substr(0, 37) + "...'";
    return ErrorAt(tok_.offset, "expected " + expected + " but found " + found);
  }

  Status Expect(TokenKind kind, const char* what) {
    if (tok_.kind != kind) return Unexpected(what);
    return Advance();
  }

  Status Enter(int depth) const {
    if (depth > options_.max_depth) {
      return LimitAt(tok_.offset, "pattern nesting deeper than " +
                                      std::to_string(options_.max_depth) +
                                      " levels of brackets and parentheses");
    }
    return Status::Ok();
  }

  // observationExpressions: OR-groups joined by FOLLOWEDBY (lowest precedence).
  Status ParseFollowedBy(ObservationExpr& out, int depth) {
    return ParseObsChain(out, depth, TokenKind::kFollowedBy, ObservationExpr::Kind::kFollowedBy);
  }

  Status ParseObsChain(ObservationExpr& out, int depth, TokenKind op, ObservationExpr::Kind kind) {
    ENTENTE_RETURN_IF_ERROR(Enter(depth));
    size_t position = tok_.offset;
    ObservationExpr first;
    ENTENTE_RETURN_IF_ERROR(ParseObsLevel(first, depth, op));
    if (tok_.kind != op) {
      out = std::move(first);
      return Status::Ok();
    }
    out = ObservationExpr();
    out.kind = kind;
    out.position = position;
    out.children.push_back(std::move(first));
    while (tok_.kind == op) {
      ENTENTE_RETURN_IF_ERROR(Advance());
      ObservationExpr next;
      ENTENTE_RETURN_IF_ERROR(ParseObsLevel(next, depth, op));
      out.children.push_back(std::move(next));
    }
    return Status::Ok();
  }

  // One level below `op`: FOLLOWEDBY -> OR -> AND -> primary.
  Status ParseObsLevel(ObservationExpr& out, int depth, TokenKind op) {
    if (op == TokenKind::kFollowedBy) {
      return ParseObsChain(out, depth, TokenKind::kOr, ObservationExpr::Kind::kOr);
    }
    if (op == TokenKind::kOr) {
      return ParseObsChain(out, depth, TokenKind::kAnd, ObservationExpr::Kind::kAnd);
    }
    return ParseObsPrimary(out, depth);
  }

  Status ParseObsPrimary(ObservationExpr& out, int depth) {
    ENTENTE_RETURN_IF_ERROR(Enter(depth));
    size_t position = tok_.offset;
    if (tok_.kind == TokenKind::kLBracket) {
      if (++observations_ > options_.max_observations) {
        return LimitAt(position, "more than " + std::to_string(options_.max_observations) +
                                     " observation expressions");
      }
      ENTENTE_RETURN_IF_ERROR(Advance());
      out = ObservationExpr();
      out.kind = ObservationExpr::Kind::kComparison;
      out.position = position;
      ENTENTE_RETURN_IF_ERROR(ParseCompOr(out.comparison, depth + 1));
      ENTENTE_RETURN_IF_ERROR(Expect(TokenKind::kRBracket, "']' or 'AND'/'OR'"));
    } else if (tok_.kind == TokenKind::kLParen) {
      ENTENTE_RETURN_IF_ERROR(Advance());
      ENTENTE_RETURN_IF_ERROR(ParseFollowedBy(out, depth + 1));
      ENTENTE_RETURN_IF_ERROR(Expect(TokenKind::kRParen, "')' or 'AND'/'OR'/'FOLLOWEDBY'"));
    } else {
      return Unexpected("'[' or '(' to start an observation expression");
    }
    return ParseQualifiers(out);
  }

  Status ParseQualifiers(ObservationExpr& out) {
    // Qualifiers already on `out` came from inside parentheses: "([a] WITHIN 5 SECONDS)
    // WITHIN 9 SECONDS" qualifies the group again, which is allowed.
    const size_t first_here = out.qualifiers.size();
    while (tok_.kind == TokenKind::kWithin || tok_.kind == TokenKind::kRepeats ||
           tok_.kind == TokenKind::kStart) {
      Qualifier q;
      q.position = tok_.offset;
      if (++qualifiers_ > options_.max_qualifiers) {
        return LimitAt(q.position,
                       "more than " + std::to_string(options_.max_qualifiers) + " qualifiers");
      }
      TokenKind which = tok_.kind;
      // One qualifier of each kind per observation expression (9.7; the reference
      // validator reports "Duplicate qualifier type"): WITHIN … WITHIN, REPEATS …
      // REPEATS and a second START/STOP on the same expression are refused.
      for (size_t k = first_here; k < out.qualifiers.size(); ++k) {
        const Qualifier& earlier = out.qualifiers[k];
        bool same = (which == TokenKind::kWithin && earlier.kind == Qualifier::Kind::kWithin) ||
                    (which == TokenKind::kRepeats && earlier.kind == Qualifier::Kind::kRepeats) ||
                    (which == TokenKind::kStart && earlier.kind == Qualifier::Kind::kStartStop);
        if (same) {
          return ErrorAt(q.position, "a second " + std::string(tok_.text) +
                                         " qualifier on the same observation expression (at "
                                         "most one of each kind; group with parentheses to "
                                         "qualify the qualified expression again)");
        }
      }
      ENTENTE_RETURN_IF_ERROR(Advance());
      if (which == TokenKind::kWithin) {
        q.kind = Qualifier::Kind::kWithin;
        if (tok_.kind != TokenKind::kInt && tok_.kind != TokenKind::kFloat) {
          return Unexpected("a positive number of seconds after WITHIN");
        }
        double v = std::strtod(std::string(tok_.text).c_str(), nullptr);
        if (!(v > 0) || v > 1e12) {
          return ErrorAt(tok_.offset, "WITHIN needs a positive number of seconds");
        }
        q.within_seconds = v;
        ENTENTE_RETURN_IF_ERROR(Advance());
        ENTENTE_RETURN_IF_ERROR(Expect(TokenKind::kSeconds, "'SECONDS'"));
      } else if (which == TokenKind::kRepeats) {
        q.kind = Qualifier::Kind::kRepeats;
        if (tok_.kind != TokenKind::kInt) return Unexpected("a positive integer after REPEATS");
        Result<int64_t> n = IntValue(tok_);
        if (!n.ok()) return n.status();
        if (*n < 1) return ErrorAt(tok_.offset, "REPEATS needs a positive integer");
        if (*n > options_.max_repeats) {
          return LimitAt(tok_.offset,
                         "REPEATS larger than " + std::to_string(options_.max_repeats));
        }
        q.repeats = *n;
        ENTENTE_RETURN_IF_ERROR(Advance());
        ENTENTE_RETURN_IF_ERROR(Expect(TokenKind::kTimes, "'TIMES'"));
      } else {
        q.kind = Qualifier::Kind::kStartStop;
        Result<Timestamp> start =
            TimestampToken(options_.version == StixVersion::k20 ? "a timestamp after START"
                                                                : "a timestamp t'…' after START");
        if (!start.ok()) return start.status();
        q.start = *start;
        ENTENTE_RETURN_IF_ERROR(Expect(TokenKind::kStop, "'STOP'"));
        size_t stop_offset = tok_.offset;
        Result<Timestamp> stop =
            TimestampToken(options_.version == StixVersion::k20 ? "a timestamp after STOP"
                                                                : "a timestamp t'…' after STOP");
        if (!stop.ok()) return stop.status();
        q.stop = *stop;
        if (q.stop.micros <= q.start.micros) {
          return ErrorAt(stop_offset, "STOP must be later than START");
        }
      }
      out.qualifiers.push_back(std::move(q));
    }
    return Status::Ok();
  }

  Result<Timestamp> TimestampToken(const char* expected) {
    // STIX 2.0's grammar writes START/STOP times as plain strings ('2016-…Z'); 2.0 mode
    // takes those as well as t'…'.
    bool v20_string = options_.version == StixVersion::k20 && tok_.kind == TokenKind::kString;
    if (tok_.kind != TokenKind::kTimestamp && !v20_string) return Unexpected(expected);
    Result<Timestamp> ts = ParseTimestamp(tok_.value);
    if (!ts.ok()) return ErrorAt(tok_.offset, "invalid timestamp: " + ts.status().message());
    ENTENTE_RETURN_IF_ERROR(Advance());
    return ts;
  }

  Result<int64_t> IntValue(const Token& t) {
    std::string s(t.text);
    errno = 0;
    char* end = nullptr;
    long long v = std::strtoll(s.c_str(), &end, 10);
    if (errno == ERANGE || end != s.c_str() + s.size()) {
      return ErrorAt(t.offset, "integer out of range (64-bit signed)");
    }
    return static_cast<int64_t>(v);
  }

  Status ParseCompOr(ComparisonExpr& out, int depth) {
    return ParseCompChain(out, depth, TokenKind::kOr, ComparisonExpr::Kind::kOr);
  }

  Status ParseCompChain(ComparisonExpr& out, int depth, TokenKind op, ComparisonExpr::Kind kind) {
    ENTENTE_RETURN_IF_ERROR(Enter(depth));
    size_t position = tok_.offset;
    auto sub = [&](ComparisonExpr& e) {
      return op == TokenKind::kOr
                 ? ParseCompChain(e, depth, TokenKind::kAnd, ComparisonExpr::Kind::kAnd)
                 : ParsePropTest(e, depth);
    };
    ComparisonExpr first;
    ENTENTE_RETURN_IF_ERROR(sub(first));
    if (tok_.kind != op) {
      out = std::move(first);
      return Status::Ok();
    }
    out = ComparisonExpr();
    out.kind = kind;
    out.position = position;
    out.children.push_back(std::move(first));
    while (tok_.kind == op) {
      ENTENTE_RETURN_IF_ERROR(Advance());
      ComparisonExpr next;
      ENTENTE_RETURN_IF_ERROR(sub(next));
      out.children.push_back(std::move(next));
    }
    return Status::Ok();
  }

  Status ParsePropTest(ComparisonExpr& out, int depth) {
    ENTENTE_RETURN_IF_ERROR(Enter(depth));
    out = ComparisonExpr();
    out.position = tok_.offset;
    if (tok_.kind == TokenKind::kLParen) {
      ENTENTE_RETURN_IF_ERROR(Advance());
      ENTENTE_RETURN_IF_ERROR(ParseCompOr(out, depth + 1));
      return Expect(TokenKind::kRParen, "')' or 'AND'/'OR'");
    }
    if (++comparisons_ > options_.max_comparisons) {
      return LimitAt(tok_.offset,
                     "more than " + std::to_string(options_.max_comparisons) + " comparisons");
    }
    out.kind = ComparisonExpr::Kind::kComparison;
    Comparison& c = out.comparison;
    c.position = tok_.offset;
    if (tok_.kind == TokenKind::kExists) {
      ENTENTE_RETURN_IF_ERROR(Advance());
      c.op = CompareOp::kExists;
      return ParseObjectPath(c.path);
    }
    ENTENTE_RETURN_IF_ERROR(ParseObjectPath(c.path));
    if (tok_.kind == TokenKind::kNot) {
      c.negated = true;
      ENTENTE_RETURN_IF_ERROR(Advance());
    }
    const size_t op_offset = tok_.offset;
    switch (tok_.kind) {
      case TokenKind::kEq:
        c.op = CompareOp::kEqual;
        break;
      case TokenKind::kNeq:
        c.op = CompareOp::kNotEqual;
        break;
      case TokenKind::kLt:
        c.op = CompareOp::kLess;
        break;
      case TokenKind::kGt:
        c.op = CompareOp::kGreater;
        break;
      case TokenKind::kLe:
        c.op = CompareOp::kLessEqual;
        break;
      case TokenKind::kGe:
        c.op = CompareOp::kGreaterEqual;
        break;
      case TokenKind::kIn:
        c.op = CompareOp::kIn;
        break;
      case TokenKind::kLike:
        c.op = CompareOp::kLike;
        break;
      case TokenKind::kMatches:
        c.op = CompareOp::kMatches;
        break;
      case TokenKind::kIsSubset:
        c.op = CompareOp::kIsSubset;
        break;
      case TokenKind::kIsSuperset:
        c.op = CompareOp::kIsSuperset;
        break;
      default:
        return Unexpected(c.negated ? "a comparison operator after NOT"
                                    : "a comparison operator (=, !=, <, >, <=, >=, IN, LIKE, "
                                      "MATCHES, ISSUBSET, ISSUPERSET) or NOT");
    }
    ENTENTE_RETURN_IF_ERROR(Advance());
    if (c.op == CompareOp::kIn) {
      ENTENTE_RETURN_IF_ERROR(ParseSet(c));
      return CheckHashConstant(c);
    }
    Result<Constant> value = ParseConstant();
    if (!value.ok()) return value.status();
    c.value = std::move(value).value();
    ENTENTE_RETURN_IF_ERROR(CheckTypes(c, op_offset));
    return CheckHashConstant(c);
  }

  Status ParseSet(Comparison& c) {
    ENTENTE_RETURN_IF_ERROR(Expect(TokenKind::kLParen, "'(' to start the set after IN"));
    if (tok_.kind != TokenKind::kRParen) {
      while (true) {
        if (c.set.size() >= options_.max_set_size) {
          return LimitAt(tok_.offset,
                         "IN set larger than " + std::to_string(options_.max_set_size));
        }
        Result<Constant> v = ParseConstant();
        if (!v.ok()) return v.status();
        const Constant& first = c.set.empty() ? v.value() : c.set.front();
        if (!SameFamily(first.kind, v->kind)) {
          return ErrorAt(v->position, "IN set members must all be of one type (found " +
                                          KindName(v->kind) + " after " + KindName(first.kind) +
                                          ")");
        }
        c.set.push_back(std::move(v).value());
        if (tok_.kind == TokenKind::kComma) {
          ENTENTE_RETURN_IF_ERROR(Advance());
          continue;
        }
        break;
      }
    }
    return Expect(TokenKind::kRParen, "',' or ')' in the IN set");
  }

  static bool IsNumber(Constant::Kind k) {
    return k == Constant::Kind::kInt || k == Constant::Kind::kFloat;
  }
  static bool SameFamily(Constant::Kind a, Constant::Kind b) {
    return a == b || (IsNumber(a) && IsNumber(b));
  }
  static std::string KindName(Constant::Kind k) {
    switch (k) {
      case Constant::Kind::kString:
        return "a string";
      case Constant::Kind::kInt:
        return "an integer";
      case Constant::Kind::kFloat:
        return "a float";
      case Constant::Kind::kBool:
        return "a boolean";
      case Constant::Kind::kHex:
        return "a hex constant";
      case Constant::Kind::kBinary:
        return "a binary constant";
      case Constant::Kind::kTimestamp:
        return "a timestamp";
    }
    return "?";
  }

  // A hash algorithm's value has a fixed form (STIX 2.1 section 10.3, hashing-algorithm-
  // ov: MD5 is 32 hex digits, SHA-1 40, SHA-256 and SHA3-256 64, SHA-512 and SHA3-512
  // 128, …): a constant that cannot be such a value makes the comparison meaningless.
  // Checked, as the reference validator does, for a path ending in hashes.<algorithm>
  // (the name compared without case and '-'); only where the constant is a value
  // (=, !=, IN), not a LIKE/MATCHES pattern or an ordering bound.
  Status CheckHashConstant(const Comparison& c) {
    const std::vector<PathStep>& steps = c.path.steps;
    if (steps.size() < 2 || steps.back().kind != PathStep::Kind::kKey) return Status::Ok();
    if (c.op != CompareOp::kEqual && c.op != CompareOp::kNotEqual && c.op != CompareOp::kIn) {
      return Status::Ok();
    }
    bool under_hashes = false;
    for (size_t i = 0; i + 1 < steps.size(); ++i) {
      if (steps[i].kind == PathStep::Kind::kKey && steps[i].key == "hashes") under_hashes = true;
    }
    if (!under_hashes) return Status::Ok();
    auto problem = [&](const Constant& k) -> std::optional<std::string> {
      if (k.kind == Constant::Kind::kHex || k.kind == Constant::Kind::kBinary) return std::nullopt;
      // A number or boolean is no hash value (an unknown algorithm accepts anything).
      if (k.kind != Constant::Kind::kString) return HashValueProblem(steps.back().key, "");
      return HashValueProblem(steps.back().key, k.text);
    };
    auto complain = [&](const Constant& k, const std::string& what) {
      return ErrorAt(k.position, k.ToString() + " cannot be the " + steps.back().key +
                                     " hash of anything: expected " + what);
    };
    if (c.op == CompareOp::kIn) {
      for (const Constant& k : c.set) {
        if (auto what = problem(k)) return complain(k, *what);
      }
      return Status::Ok();
    }
    if (auto what = problem(c.value)) return complain(c.value, *what);
    return Status::Ok();
  }

  Status CheckTypes(const Comparison& c, size_t op_offset) {
    const Constant& v = c.value;
    const std::string op = CompareOpName(c.op);
    switch (c.op) {
      case CompareOp::kLess:
      case CompareOp::kGreater:
      case CompareOp::kLessEqual:
      case CompareOp::kGreaterEqual:
        if (v.kind == Constant::Kind::kBool) {
          return ErrorAt(v.position, "operator " + op + " cannot compare a boolean");
        }
        return Status::Ok();
      case CompareOp::kLike:
      case CompareOp::kMatches:
      case CompareOp::kIsSubset:
      case CompareOp::kIsSuperset:
        if (v.kind != Constant::Kind::kString) {
          return ErrorAt(v.position,
                         "operator " + op + " takes a string constant, not " + KindName(v.kind));
        }
        break;
      default:
        return Status::Ok();
    }
    if (c.op == CompareOp::kMatches) {
      if (regex_program_size_ >= options_.max_regex_program_size) {  // nothing left to spend
        return LimitAt(v.position, "regular expressions too large in total (over " +
                                       std::to_string(options_.max_regex_program_size) +
                                       " RE2 instructions)");
      }
      RE2::Options ro;
      ro.set_log_errors(false);
      ro.set_max_mem(static_cast<int64_t>(options_.max_regex_memory));
      RE2 re(v.text, ro);
      if (re.error_code() == RE2::ErrorPatternTooLarge) {
        regex_program_size_ += FailedCompileCost(options_.max_regex_memory);
        return LimitAt(v.position,
                       "regular expression too costly to compile: its RE2 program needs more "
                       "than " +
                           std::to_string(options_.max_regex_memory / 1024) +
                           " KiB (the compile budget of one expression); use fewer or smaller "
                           "counted repetitions, e.g. of Unicode classes such as \\p{L}");
      }
      if (!re.ok()) {
        return ErrorAt(v.position,
                       "regular expression not supported by RE2 (linear-time "
                       "subset of PCRE): " +
                           re.error());
      }
      regex_program_size_ += static_cast<size_t>(std::max(re.ProgramSize(), 0));
      if (regex_program_size_ > options_.max_regex_program_size) {
        return LimitAt(v.position, "regular expressions too large in total (over " +
                                       std::to_string(options_.max_regex_program_size) +
                                       " RE2 instructions)");
      }
    }
    if (c.op == CompareOp::kIsSubset || c.op == CompareOp::kIsSuperset) {
      if (!ParseCidr(v.text)) {
        return ErrorAt(v.position,
                       "operator " + op + " expects an IPv4 or IPv6 address or CIDR block");
      }
    }
    (void)op_offset;
    return Status::Ok();
  }

  Result<Constant> ParseConstant() {
    Constant c;
    c.position = tok_.offset;
    switch (tok_.kind) {
      case TokenKind::kString:
        c.kind = Constant::Kind::kString;
        c.text = tok_.value;
        break;
      case TokenKind::kInt: {
        c.kind = Constant::Kind::kInt;
        Result<int64_t> n = IntValue(tok_);
        if (!n.ok()) return n.status();
        c.int_value = *n;
        break;
      }
      case TokenKind::kFloat:
        c.kind = Constant::Kind::kFloat;
        c.float_value = std::strtod(std::string(tok_.text).c_str(), nullptr);
        if (!std::isfinite(c.float_value)) {
          return ErrorAt(tok_.offset, "float constant out of range");
        }
        break;
      case TokenKind::kTrue:
      case TokenKind::kFalse:
        c.kind = Constant::Kind::kBool;
        c.bool_value = tok_.kind == TokenKind::kTrue;
        break;
      case TokenKind::kHex: {
        c.kind = Constant::Kind::kHex;
        std::optional<std::string> bytes = DecodeHex(tok_.value);
        if (!bytes) return ErrorAt(tok_.offset, "hex constant needs an even number of hex digits");
        c.text = std::move(*bytes);
        break;
      }
      case TokenKind::kBinary: {
        c.kind = Constant::Kind::kBinary;
        std::optional<std::string> bytes = DecodeBase64(tok_.value);
        if (!bytes) return ErrorAt(tok_.offset, "binary constant is not valid base64");
        c.text = std::move(*bytes);
        break;
      }
      case TokenKind::kTimestamp: {
        c.kind = Constant::Kind::kTimestamp;
        Result<Timestamp> ts = ParseTimestamp(tok_.value);
        if (!ts.ok()) return ErrorAt(tok_.offset, "invalid timestamp: " + ts.status().message());
        c.timestamp = *ts;
        break;
      }
      default:
        return Unexpected("a constant (string, number, true/false, h'…', b'…' or t'…')");
    }
    ENTENTE_RETURN_IF_ERROR(Advance());
    return c;
  }

  Status AddKey(ObjectPath& path, std::string key, bool quoted) {
    if (path.steps.size() >= options_.max_path_steps) {
      return LimitAt(tok_.offset, "object path longer than " +
                                      std::to_string(options_.max_path_steps) + " steps");
    }
    PathStep s;
    s.kind = PathStep::Kind::kKey;
    s.key = std::move(key);
    s.quoted = quoted;
    path.steps.push_back(std::move(s));
    return Status::Ok();
  }

  Status ParseObjectPath(ObjectPath& path) {
    path.position = tok_.offset;
    if (tok_.kind != TokenKind::kIdentifier) {
      return Unexpected("an object path (object-type:property)");
    }
    path.object_type = std::string(tok_.text);
    ENTENTE_RETURN_IF_ERROR(Advance());
    ENTENTE_RETURN_IF_ERROR(Expect(TokenKind::kColon, "':' after the object type"));
    ENTENTE_RETURN_IF_ERROR(ParseKey(path, "a property name after ':'"));
    while (true) {
      if (tok_.kind == TokenKind::kDot) {
        ENTENTE_RETURN_IF_ERROR(Advance());
        ENTENTE_RETURN_IF_ERROR(ParseKey(path, "a property name or quoted key after '.'"));
      } else if (tok_.kind == TokenKind::kLBracket) {
        ENTENTE_RETURN_IF_ERROR(Advance());
        if (path.steps.size() >= options_.max_path_steps) {
          return LimitAt(tok_.offset, "object path longer than " +
                                          std::to_string(options_.max_path_steps) + " steps");
        }
        PathStep s;
        if (tok_.kind == TokenKind::kStar) {
          s.kind = PathStep::Kind::kAnyIndex;
        } else if (tok_.kind == TokenKind::kInt) {
          s.kind = PathStep::Kind::kIndex;
          Result<int64_t> n = IntValue(tok_);
          if (!n.ok()) return n.status();
          s.index = *n;
        } else {
          return Unexpected("a list index or '*' inside '[ ]'");
        }
        ENTENTE_RETURN_IF_ERROR(Advance());
        ENTENTE_RETURN_IF_ERROR(Expect(TokenKind::kRBracket, "']' after the list index"));
        path.steps.push_back(std::move(s));
      } else {
        break;
      }
    }
    // Mark reference steps that further steps dereference.
    for (size_t i = 0; i + 1 < path.steps.size(); ++i) {
      PathStep& s = path.steps[i];
      if (s.kind == PathStep::Kind::kKey) {
        s.dereference = EndsWith(s.key, "_ref");
      } else if (i > 0 && path.steps[i - 1].kind == PathStep::Kind::kKey) {
        s.dereference = EndsWith(path.steps[i - 1].key, "_refs");
      }
    }
    return Status::Ok();
  }

  Status ParseKey(ObjectPath& path, const char* expected) {
    if (tok_.kind == TokenKind::kIdentifier) {
      if (tok_.text.find('-') != std::string_view::npos) {
        return ErrorAt(tok_.offset, "property name '" + std::string(tok_.text) +
                                        "' contains '-': quote it, e.g. '" +
                                        std::string(tok_.text) + "'");
      }
      ENTENTE_RETURN_IF_ERROR(AddKey(path, std::string(tok_.text), false));
    } else if (tok_.kind == TokenKind::kString) {
      ENTENTE_RETURN_IF_ERROR(AddKey(path, tok_.value, true));
    } else if (tok_.kind >= TokenKind::kAnd && tok_.kind <= TokenKind::kFalse) {
      // Keywords are valid property names after ':' or '.' (e.g. x:STOP is odd but legal).
      ENTENTE_RETURN_IF_ERROR(AddKey(path, std::string(tok_.text), false));
    } else {
      return Unexpected(expected);
    }
    return Advance();
  }

  Lexer lexer_;
  const ParseOptions& options_;
  Token tok_;
  size_t observations_ = 0;
  size_t comparisons_ = 0;
  size_t qualifiers_ = 0;
  size_t regex_program_size_ = 0;
};

}  // namespace

Result<Pattern> ParsePattern(std::string_view text, const ParseOptions& options) {
  size_t regex_cost = 0;
  return ParsePatternCounting(text, options, &regex_cost);
}

Result<Pattern> ParsePatternCounting(std::string_view text, const ParseOptions& options,
                                     size_t* regex_cost) {
  *regex_cost = 0;
  if (text.size() > options.max_length) {
    return Status::ResourceExhausted("at offset " + std::to_string(options.max_length) +
                                     ": pattern longer than " + std::to_string(options.max_length) +
                                     " bytes");
  }
  Parser parser(text, options);
  Result<Pattern> parsed = parser.Run();
  *regex_cost = parser.regex_program_size();
  return parsed;
}

std::string FormatParseError(std::string_view text, const Status& error) {
  std::string out = error.message();
  size_t offset = 0;
  const std::string prefix = "at offset ";
  if (error.message().rfind(prefix, 0) == 0) {
    offset = std::strtoull(error.message().c_str() + prefix.size(), nullptr, 10);
  } else {
    return out;
  }
  offset = std::min(offset, text.size());
  size_t begin = offset > 60 ? offset - 60 : 0;
  size_t end = std::min(text.size(), begin + 120);
  std::string line(text.substr(begin, end - begin));
  for (char& c : line) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  out += "\n";
  out += begin > 0 ? "..." : "";
  out += line;
  out += end < text.size() ? "..." : "";
  out += "\n";
  out += std::string((begin > 0 ? 3 : 0) + (offset - begin), ' ');
  out += "^";
  return out;
}

std::optional<std::string> CheckPattern(std::string_view text) {
  Result<Pattern> p = ParsePattern(text);
  if (p.ok()) return std::nullopt;
  return p.status().message();
}

ParseOptions IndicatorParseOptions(std::string_view pattern_version) {
  ParseOptions options;
  options.version = pattern_version == "2.0" ? StixVersion::k20 : StixVersion::k21;
  return options;
}

std::optional<std::string> CheckIndicatorPattern(std::string_view text,
                                                 std::string_view pattern_type,
                                                 std::string_view pattern_version) {
  if (pattern_type != "stix") return std::nullopt;
  Result<Pattern> p = ParsePattern(text, IndicatorParseOptions(pattern_version));
  if (p.ok()) return std::nullopt;
  return p.status().message();
}

PatternCheck CheckIndicatorPatternCost(std::string_view text, std::string_view pattern_type,
                                       std::string_view pattern_version, ParseOptions limits) {
  PatternCheck check;
  if (pattern_type != "stix") return check;
  limits.version = IndicatorParseOptions(pattern_version).version;
  Result<Pattern> p = ParsePatternCounting(text, limits, &check.regex_cost);
  check.status = p.status();
  return check;
}

}  // namespace entente::pattern
