// Lexer for the STIX patterning language: text -> tokens, one at a time.
//
// A Lexer holds a view of the text; the text must outlive it and the tokens it returns
// (Token::text views into it). Not thread-safe; cheap to create. Keywords are upper-case
// and case-sensitive as in the specification's grammar (AND, OR, NOT, FOLLOWEDBY, LIKE,
// MATCHES, ISSUBSET, ISSUPERSET, EXISTS, IN, WITHIN, SECONDS, REPEATS, TIMES, START,
// STOP); `true` and `false` are lower-case. String-like literals are 'text' (escapes \'
// and \\ only), h'hex', b'base64' and t'timestamp'; the lexer unescapes strings and
// returns the raw body of h/b/t literals for the parser to check.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "entente/status.h"

namespace entente::pattern {

enum class TokenKind {
  kEnd,
  kLBracket,
  kRBracket,
  kLParen,
  kRParen,
  kColon,
  kDot,
  kComma,
  kStar,
  kEq,
  kNeq,
  kLt,
  kGt,
  kLe,
  kGe,
  kAnd,
  kOr,
  kNot,
  kFollowedBy,
  kLike,
  kMatches,
  kIsSubset,
  kIsSuperset,
  kExists,
  kIn,
  kWithin,
  kSeconds,
  kRepeats,
  kTimes,
  kStart,
  kStop,
  kTrue,
  kFalse,
  kIdentifier,  // [A-Za-z_][A-Za-z0-9_-]* that is not a keyword
  kString,      // value = unescaped contents
  kInt,         // text = digits with optional sign
  kFloat,       // text = [sign] digits? '.' digits
  kHex,         // value = body of h'…'
  kBinary,      // value = body of b'…'
  kTimestamp,   // value = body of t'…'
};

// Human-readable name for messages: "']'", "'AND'", "a string", "end of pattern".
const char* TokenKindName(TokenKind kind);

struct Token {
  TokenKind kind = TokenKind::kEnd;
  size_t offset = 0;      // byte offset where the token starts
  std::string_view text;  // the exact source text of the token
  std::string value;      // kString: unescaped; kHex/kBinary/kTimestamp: the body
};

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}
  // The next token, or an InvalidArgument "at offset N: …" error.
  Result<Token> Next();

 private:
  Result<Token> QuotedBody(TokenKind kind, size_t start, size_t body_start);

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace entente::pattern
