#include "pattern/lexer.h"

#include <gtest/gtest.h>

#include <vector>

namespace entente::pattern {
namespace {

std::vector<TokenKind> Kinds(std::string_view text) {
  Lexer lexer(text);
  std::vector<TokenKind> out;
  while (true) {
    Result<Token> t = lexer.Next();
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    if (!t.ok() || t->kind == TokenKind::kEnd) break;
    out.push_back(t->kind);
  }
  return out;
}

TEST(LexerTest, PunctuationAndOperators) {
  EXPECT_EQ(Kinds("[ ] ( ) : . , * = == != <> < > <= >="),
            (std::vector<TokenKind>{
                TokenKind::kLBracket, TokenKind::kRBracket, TokenKind::kLParen, TokenKind::kRParen,
                TokenKind::kColon, TokenKind::kDot, TokenKind::kComma, TokenKind::kStar,
                TokenKind::kEq, TokenKind::kEq, TokenKind::kNeq, TokenKind::kNeq, TokenKind::kLt,
                TokenKind::kGt, TokenKind::kLe, TokenKind::kGe}));
}

TEST(LexerTest, KeywordsAreCaseSensitive) {
  EXPECT_EQ(Kinds("AND and true TRUE FOLLOWEDBY"),
            (std::vector<TokenKind>{TokenKind::kAnd, TokenKind::kIdentifier, TokenKind::kTrue,
                                    TokenKind::kIdentifier, TokenKind::kFollowedBy}));
}

TEST(LexerTest, IdentifiersMayContainHyphens) {
  Lexer lexer("network-traffic:dst_ref");
  Result<Token> t = lexer.Next();
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->kind, TokenKind::kIdentifier);
  EXPECT_EQ(t->text, "network-traffic");
}

TEST(LexerTest, Numbers) {
  EXPECT_EQ(Kinds("12 -3 +4 7.5 -0.25 .5"),
            (std::vector<TokenKind>{TokenKind::kInt, TokenKind::kInt, TokenKind::kInt,
                                    TokenKind::kFloat, TokenKind::kFloat, TokenKind::kFloat}));
  Lexer bad("12abc");
  EXPECT_FALSE(bad.Next().ok());
}

TEST(LexerTest, StringEscapes) {
  Lexer lexer(R"('it\'s a \\ path')");
  Result<Token> t = lexer.Next();
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->kind, TokenKind::kString);
  EXPECT_EQ(t->value, R"(it's a \ path)");
}

TEST(LexerTest, BadEscapeAndUnterminatedStringAreErrors) {
  Lexer bad_escape(R"('a\nb')");
  Result<Token> t = bad_escape.Next();
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("at offset 2"), std::string::npos) << t.status().message();
  Lexer unterminated("'abc");
  EXPECT_FALSE(unterminated.Next().ok());
}

TEST(LexerTest, TypedLiterals) {
  EXPECT_EQ(Kinds("h'ff' b'AA==' t'2020-01-01T00:00:00Z'"),
            (std::vector<TokenKind>{TokenKind::kHex, TokenKind::kBinary, TokenKind::kTimestamp}));
  Lexer lexer("h'0A'");
  EXPECT_EQ(lexer.Next()->value, "0A");
}

TEST(LexerTest, UnexpectedCharacterNamesOffset) {
  Lexer lexer("[file:name = 'a'] ; ");
  Result<Token> t = lexer.Next();
  while (t.ok() && t->kind != TokenKind::kEnd) t = lexer.Next();
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message().rfind("at offset 18: unexpected ';'", 0), 0u)
      << t.status().message();
}

}  // namespace
}  // namespace entente::pattern
