#include "pattern/like.h"

#include <cstdint>
#include <vector>

namespace entente::pattern {
namespace {

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

bool IsValidUtf8(std::string_view s) {
  size_t i = 0, n = s.size();
  while (i < n) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if (c >= 0xc2 && c <= 0xdf) {
      len = 2;
      cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      len = 3;
      cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (size_t k = 1; k < len; ++k) {
      unsigned char d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3f);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff)) {
      return false;
    }
    i += len;
  }
  return true;
}

LikeShape AnalyzeLike(std::string_view like) {
  LikeShape shape;
  size_t lead = 0, trail = 0;
  while (lead < like.size() && like[lead] == '%') ++lead;
  while (trail < like.size() - lead && like[like.size() - 1 - trail] == '%') ++trail;
  shape.leading_percents = lead;
  shape.trailing_percents = trail;
  if (like.find('_') != std::string_view::npos || !IsValidUtf8(like)) {
    shape.kind = LikeShape::Kind::kGeneral;
    return shape;
  }
  std::string_view core = like.substr(lead, like.size() - lead - trail);
  if (core.find('%') != std::string_view::npos) {
    // Found by its longest piece (the first of equal length), then checked whole.
    std::string_view longest;
    size_t start = 0;
    while (start <= like.size()) {
      size_t end = like.find('%', start);
      if (end == std::string_view::npos) end = like.size();
      if (end - start > longest.size()) longest = like.substr(start, end - start);
      start = end + 1;
    }
    shape.kind = LikeShape::Kind::kPercent;
    shape.literal = longest;
    return shape;
  }
  shape.literal = core;
  if (core.empty()) {
    shape.kind = lead + trail > 0 ? LikeShape::Kind::kAny : LikeShape::Kind::kExact;
  } else if (lead == 0) {
    shape.kind = trail == 0 ? LikeShape::Kind::kExact : LikeShape::Kind::kPrefix;
  } else {
    shape.kind = trail == 0 ? LikeShape::Kind::kSuffix : LikeShape::Kind::kContains;
  }
  return shape;
}

bool PercentLikeMatches(std::string_view like, std::string_view value) {
  // Pieces between '%'s; the first must be a prefix and the last a suffix unless a '%'
  // stands before/after them; the others are found leftmost-first, in order, between.
  std::vector<std::string_view> pieces;
  size_t start = 0;
  while (true) {
    size_t end = like.find('%', start);
    if (end == std::string_view::npos) {
      pieces.push_back(like.substr(start));
      break;
    }
    pieces.push_back(like.substr(start, end - start));
    start = end + 1;
  }
  if (pieces.size() == 1) return value == pieces[0];
  const std::string_view first = pieces.front(), last = pieces.back();
  if (value.size() < first.size() + last.size()) return false;
  if (value.substr(0, first.size()) != first) return false;
  if (value.substr(value.size() - last.size()) != last) return false;
  size_t pos = first.size();
  size_t limit = value.size() - last.size();
  for (size_t i = 1; i + 1 < pieces.size(); ++i) {
    if (pieces[i].empty()) continue;
    size_t at = value.substr(0, limit).find(pieces[i], pos);
    if (at == std::string_view::npos) return false;
    pos = at + pieces[i].size();
  }
  return pos <= limit;
}

}  // namespace entente::pattern
