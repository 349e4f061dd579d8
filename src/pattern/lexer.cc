#include "pattern/lexer.h"

#include <array>
#include <cctype>
#include <utility>

namespace entente::pattern {
namespace {

struct Keyword {
  std::string_view word;
  TokenKind kind;
};

constexpr std::array<Keyword, 18> kKeywords = {{
    {"AND", TokenKind::kAnd},
    {"OR", TokenKind::kOr},
    {"NOT", TokenKind::kNot},
    {"FOLLOWEDBY", TokenKind::kFollowedBy},
    {"LIKE", TokenKind::kLike},
    {"MATCHES", TokenKind::kMatches},
    {"ISSUBSET", TokenKind::kIsSubset},
    {"ISSUPERSET", TokenKind::kIsSuperset},
    {"EXISTS", TokenKind::kExists},
    {"IN", TokenKind::kIn},
    {"WITHIN", TokenKind::kWithin},
    {"SECONDS", TokenKind::kSeconds},
    {"REPEATS", TokenKind::kRepeats},
    {"TIMES", TokenKind::kTimes},
    {"START", TokenKind::kStart},
    {"STOP", TokenKind::kStop},
    {"true", TokenKind::kTrue},
    {"false", TokenKind::kFalse},
}};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || IsDigit(c) || c == '-'; }

Status ErrorAt(size_t offset, const std::string& what) {
  return Status::InvalidArgument("at offset " + std::to_string(offset) + ": " + what);
}

std::string Describe(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  if (u >= 0x21 && u < 0x7f) return std::string("'") + c + "'";
  char buf[8];
  static const char kHex[] = "0123456789abcdef";
  buf[0] = '0';
  buf[1] = 'x';
  buf[2] = kHex[u >> 4];
  buf[3] = kHex[u & 15];
  buf[4] = 0;
  return std::string("byte ") + buf;
}

}  // namespace

const char* TokenKindName(TokenKind kind) {
  switch (kind) {
    case TokenKind::kEnd:
      return "end of pattern";
    case TokenKind::kLBracket:
      return "'['";
    case TokenKind::kRBracket:
      return "']'";
    case TokenKind::kLParen:
      return "'('";
    case TokenKind::kRParen:
      return "')'";
    case TokenKind::kColon:
      return "':'";
    case TokenKind::kDot:
      return "'.'";
    case TokenKind::kComma:
      return "','";
    case TokenKind::kStar:
      return "'*'";
    case TokenKind::kEq:
      return "'='";
    case TokenKind::kNeq:
      return "'!='";
    case TokenKind::kLt:
      return "'<'";
    case TokenKind::kGt:
      return "'>'";
    case TokenKind::kLe:
      return "'<='";
    case TokenKind::kGe:
      return "'>='";
    case TokenKind::kAnd:
      return "'AND'";
    case TokenKind::kOr:
      return "'OR'";
    case TokenKind::kNot:
      return "'NOT'";
    case TokenKind::kFollowedBy:
      return "'FOLLOWEDBY'";
    case TokenKind::kLike:
      return "'LIKE'";
    case TokenKind::kMatches:
      return "'MATCHES'";
    case TokenKind::kIsSubset:
      return "'ISSUBSET'";
    case TokenKind::kIsSuperset:
      return "'ISSUPERSET'";
    case TokenKind::kExists:
      return "'EXISTS'";
    case TokenKind::kIn:
      return "'IN'";
    case TokenKind::kWithin:
      return "'WITHIN'";
    case TokenKind::kSeconds:
      return "'SECONDS'";
    case TokenKind::kRepeats:
      return "'REPEATS'";
    case TokenKind::kTimes:
      return "'TIMES'";
    case TokenKind::kStart:
      return "'START'";
    case TokenKind::kStop:
      return "'STOP'";
    case TokenKind::kTrue:
      return "'true'";
    case TokenKind::kFalse:
      return "'false'";
    case TokenKind::kIdentifier:
      return "an identifier";
    case TokenKind::kString:
      return "a string";
    case TokenKind::kInt:
      return "an integer";
    case TokenKind::kFloat:
      return "a float";
    case TokenKind::kHex:
      return "a hex constant h'…'";
    case TokenKind::kBinary:
      return "a binary constant b'…'";
    case TokenKind::kTimestamp:
      return "a timestamp t'…'";
  }
  return "?";
}

Result<Token> Lexer::QuotedBody(TokenKind kind, size_t start, size_t body_start) {
  std::string value;
  size_t i = body_start;
  while (true) {
    if (i >= text_.size())
      return ErrorAt(start, "unterminated quoted constant (expected a closing ')");
    char c = text_[i];
    if (c == '\'') break;
    if (c == '\\') {
      if (kind != TokenKind::kString) {
        return ErrorAt(i, "backslash escapes are only allowed in string constants");
      }
      if (i + 1 < text_.size() && (text_[i + 1] == '\'' || text_[i + 1] == '\\')) {
        value.push_back(text_[i + 1]);
        i += 2;
        continue;
      }
      return ErrorAt(i, "invalid escape in string (expected \\' or \\\\)");
    }
    value.push_back(c);
    ++i;
  }
  pos_ = i + 1;
  Token t;
  t.kind = kind;
  t.offset = start;
  t.text = text_.substr(start, pos_ - start);
  t.value = std::move(value);
  return t;
}

Result<Token> Lexer::Next() {
  while (pos_ < text_.size() &&
         (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r' ||
          text_[pos_] == '\f' || text_[pos_] == '\v')) {
    ++pos_;
  }
  Token t;
  t.offset = pos_;
  if (pos_ >= text_.size()) {
    t.kind = TokenKind::kEnd;
    return t;
  }
  const size_t start = pos_;
  const char c = text_[pos_];
  auto single = [&](TokenKind k, size_t len) -> Result<Token> {
    t.kind = k;
    t.text = text_.substr(start, len);
    pos_ += len;
    return t;
  };
  const char next = pos_ + 1 < text_.size() ? text_[pos_ + 1] : '\0';
  switch (c) {
    case '[':
      return single(TokenKind::kLBracket, 1);
    case ']':
      return single(TokenKind::kRBracket, 1);
    case '(':
      return single(TokenKind::kLParen, 1);
    case ')':
      return single(TokenKind::kRParen, 1);
    case ':':
      return single(TokenKind::kColon, 1);
    case ',':
      return single(TokenKind::kComma, 1);
    case '*':
      return single(TokenKind::kStar, 1);
    case '=':
      return single(TokenKind::kEq, next == '=' ? 2 : 1);
    case '!':
      if (next == '=') return single(TokenKind::kNeq, 2);
      return ErrorAt(start, "unexpected '!' (expected '!=')");
    case '<':
      if (next == '=') return single(TokenKind::kLe, 2);
      if (next == '>') return single(TokenKind::kNeq, 2);
      return single(TokenKind::kLt, 1);
    case '>':
      if (next == '=') return single(TokenKind::kGe, 2);
      return single(TokenKind::kGt, 1);
    case '\'':
      return QuotedBody(TokenKind::kString, start, start + 1);
    default:
      break;
  }
  if (c == '.' && !IsDigit(next)) return single(TokenKind::kDot, 1);
  if ((c == 'h' || c == 'b' || c == 't') && next == '\'') {
    TokenKind k = c == 'h'   ? TokenKind::kHex
                  : c == 'b' ? TokenKind::kBinary
                             : TokenKind::kTimestamp;
    return QuotedBody(k, start, start + 2);
  }
  if (IsDigit(c) || c == '.' || ((c == '-' || c == '+') && (IsDigit(next) || next == '.'))) {
    size_t i = start;
    if (c == '-' || c == '+') ++i;
    size_t digits = 0;
    while (i < text_.size() && IsDigit(text_[i])) ++i, ++digits;
    bool is_float = false;
    if (i < text_.size() && text_[i] == '.') {
      size_t frac = 0;
      size_t j = i + 1;
      while (j < text_.size() && IsDigit(text_[j])) ++j, ++frac;
      if (frac == 0) return ErrorAt(i, "expected digits after '.' in a number");
      is_float = true;
      i = j;
    }
    if (digits == 0 && !is_float) return ErrorAt(start, "expected digits in a number");
    if (i < text_.size() && IsIdentChar(text_[i]) && text_[i] != '-') {
      return ErrorAt(i, "unexpected " + Describe(text_[i]) + " after a number");
    }
    return single(is_float ? TokenKind::kFloat : TokenKind::kInt, i - start);
  }
  if (IsIdentStart(c)) {
    size_t i = start + 1;
    while (i < text_.size() && IsIdentChar(text_[i])) ++i;
    std::string_view word = text_.substr(start, i - start);
    for (const Keyword& k : kKeywords) {
      if (k.word == word) return single(k.kind, word.size());
    }
    return single(TokenKind::kIdentifier, word.size());
  }
  return ErrorAt(start, "unexpected " + Describe(c));
}

}  // namespace entente::pattern
