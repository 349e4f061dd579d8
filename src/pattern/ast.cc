#include "pattern/ast.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace entente::pattern {
namespace {

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

bool IsPlainIdentifier(const std::string& s) {
  if (s.empty()) return false;
  if (!(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  }
  return true;
}

std::string Base64Encode(const std::string& bytes) {
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t v = (static_cast<uint8_t>(bytes[i]) << 16) |
                 (static_cast<uint8_t>(bytes[i + 1]) << 8) | static_cast<uint8_t>(bytes[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i + 1 == bytes.size()) {
    uint32_t v = static_cast<uint8_t>(bytes[i]) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    uint32_t v = (static_cast<uint8_t>(bytes[i]) << 16) | (static_cast<uint8_t>(bytes[i + 1]) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

// Shortest text that reads back as the same double, never in exponent form (the
// pattern grammar has no exponents), always with a '.'.
std::string FormatDouble(double d) {
  char buf[400];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed);
  std::string s = ec == std::errc() ? std::string(buf, end) : std::string("0");
  if (s.find('.') == std::string::npos) s += ".0";
  return s;
}

std::string ComparisonExprToString(const ComparisonExpr& e, bool nested);

std::string ComparisonToString(const Comparison& c) {
  if (c.op == CompareOp::kExists) return std::string("EXISTS ") + c.path.ToString();
  std::string out = c.path.ToString();
  if (c.negated) out += " NOT";
  out += ' ';
  out += CompareOpName(c.op);
  out += ' ';
  if (c.op == CompareOp::kIn) {
    out += '(';
    for (size_t i = 0; i < c.set.size(); ++i) {
      if (i > 0) out += ", ";
      out += c.set[i].ToString();
    }
    out += ')';
  } else {
    out += c.value.ToString();
  }
  return out;
}

std::string ComparisonExprToString(const ComparisonExpr& e, bool nested) {
  if (e.kind == ComparisonExpr::Kind::kComparison) return ComparisonToString(e.comparison);
  const char* op = e.kind == ComparisonExpr::Kind::kAnd ? " AND " : " OR ";
  std::string out = nested ? "(" : "";
  for (size_t i = 0; i < e.children.size(); ++i) {
    if (i > 0) out += op;
    out += ComparisonExprToString(e.children[i], true);
  }
  if (nested) out += ')';
  return out;
}

std::string QualifierToString(const Qualifier& q) {
  switch (q.kind) {
    case Qualifier::Kind::kWithin: {
      double whole = 0;
      if (std::modf(q.within_seconds, &whole) == 0 && whole < 9e15) {
        return " WITHIN " + std::to_string(static_cast<int64_t>(whole)) + " SECONDS";
      }
      return " WITHIN " + FormatDouble(q.within_seconds) + " SECONDS";
    }
    case Qualifier::Kind::kRepeats:
      return " REPEATS " + std::to_string(q.repeats) + " TIMES";
    case Qualifier::Kind::kStartStop:
      return " START t'" + FormatTimestamp(q.start.micros, std::min(q.start.fraction_digits, 6)) +
             "' STOP t'" + FormatTimestamp(q.stop.micros, std::min(q.stop.fraction_digits, 6)) +
             "'";
  }
  return "";
}

std::string ObservationToString(const ObservationExpr& e, bool nested) {
  std::string out;
  if (e.kind == ObservationExpr::Kind::kComparison) {
    out = "[" + ComparisonExprToString(e.comparison, false) + "]";
  } else {
    const char* op = e.kind == ObservationExpr::Kind::kAnd  ? " AND "
                     : e.kind == ObservationExpr::Kind::kOr ? " OR "
                                                            : " FOLLOWEDBY ";
    bool parens = nested || !e.qualifiers.empty();
    if (parens) out += '(';
    for (size_t i = 0; i < e.children.size(); ++i) {
      if (i > 0) out += op;
      out += ObservationToString(e.children[i], true);
    }
    if (parens) out += ')';
  }
  // At most one qualifier of each kind per expression (the parser refuses a second one):
  // a kind that comes again applies to the expression qualified so far, in parentheses.
  bool seen[3] = {false, false, false};
  for (const Qualifier& q : e.qualifiers) {
    const auto kind = static_cast<size_t>(q.kind);
    if (seen[kind]) {
      out = "(" + out + ")";
      seen[0] = seen[1] = seen[2] = false;
    }
    seen[kind] = true;
    out += QualifierToString(q);
  }
  return out;
}

}  // namespace

const char* CompareOpName(CompareOp op) {
  switch (op) {
    case CompareOp::kEqual:
      return "=";
    case CompareOp::kNotEqual:
      return "!=";
    case CompareOp::kLess:
      return "<";
    case CompareOp::kGreater:
      return ">";
    case CompareOp::kLessEqual:
      return "<=";
    case CompareOp::kGreaterEqual:
      return ">=";
    case CompareOp::kIn:
      return "IN";
    case CompareOp::kLike:
      return "LIKE";
    case CompareOp::kMatches:
      return "MATCHES";
    case CompareOp::kIsSubset:
      return "ISSUBSET";
    case CompareOp::kIsSuperset:
      return "ISSUPERSET";
    case CompareOp::kExists:
      return "EXISTS";
  }
  return "?";
}

std::string ObjectPath::ToString() const {
  std::string out = object_type + ":";
  for (size_t i = 0; i < steps.size(); ++i) {
    const PathStep& s = steps[i];
    switch (s.kind) {
      case PathStep::Kind::kKey:
        if (i > 0) out += '.';
        out += IsPlainIdentifier(s.key) && !s.quoted ? s.key : Quote(s.key);
        break;
      case PathStep::Kind::kIndex:
        out += "[" + std::to_string(s.index) + "]";
        break;
      case PathStep::Kind::kAnyIndex:
        out += "[*]";
        break;
    }
  }
  return out;
}

std::string Constant::ToString() const {
  switch (kind) {
    case Kind::kString:
      return Quote(text);
    case Kind::kInt:
      return std::to_string(int_value);
    case Kind::kFloat:
      return FormatDouble(float_value);
    case Kind::kBool:
      return bool_value ? "true" : "false";
    case Kind::kHex: {
      static const char kHex[] = "0123456789abcdef";
      std::string out = "h'";
      for (char c : text) {
        out += kHex[(static_cast<uint8_t>(c) >> 4) & 15];
        out += kHex[static_cast<uint8_t>(c) & 15];
      }
      return out + "'";
    }
    case Kind::kBinary:
      return "b'" + Base64Encode(text) + "'";
    case Kind::kTimestamp:
      return "t'" + FormatTimestamp(timestamp.micros, std::min(timestamp.fraction_digits, 6)) + "'";
  }
  return "";
}

std::string Pattern::ToString() const { return ObservationToString(root, false); }

}  // namespace entente::pattern
