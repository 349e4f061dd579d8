// CanonicalWriter: RFC 8785 (JSON Canonicalization Scheme) text for the record's entries,
// written member by member by a caller that gives the members in sorted order (entry.cc
// does: its member names are fixed ASCII). Strings are checked on the way: text that is
// not UTF-8, a map key outside a-z 0-9 _ . - (1-64 characters), or a token secret
// (entry.h ContainsTokenSecret) makes the writer remember a refusal instead.
//
// A value type, not safe for concurrent use. Internal to audit/.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "audit/entry.h"

namespace entente::audit {

// Well-formed UTF-8 (RFC 3629): no overlong forms, surrogates or code points past U+10FFFF.
bool IsUtf8(std::string_view s);
// A name allowed as a key of an entry's map field.
bool IsMapKey(std::string_view k);

// Writes RFC 8785 canonical JSON for the entry's fixed shape: members are written in
// the sorted order of their (ASCII) names by the caller; strings escaped as RFC 8785
// (ECMAScript JSON.stringify) does. Remembers the first field that cannot enter.
class CanonicalWriter {
 public:
  void Key(std::string_view k) {
    out_.push_back(first_ ? '{' : ',');
    first_ = false;
    out_.push_back('"');
    out_.append(k);
    out_ += "\":";
  }
  void Str(std::string_view k, std::string_view v) {
    Key(k);
    String(v);
  }
  void String(std::string_view v) {
    static constexpr char kHex[] = "0123456789abcdef";
    if (!IsUtf8(v)) Refuse("a field is not UTF-8");
    if (ContainsTokenSecret(v)) Refuse("a token secret cannot enter the record");
    out_.push_back('"');
    size_t run = 0;  // start of the characters not yet written, which need no escape
    for (size_t i = 0; i < v.size(); ++i) {
      auto u = static_cast<unsigned char>(v[i]);
      if (u >= 0x20 && u != '"' && u != '\\') continue;
      out_.append(v.data() + run, i - run);
      run = i + 1;
      switch (v[i]) {
        case '"':
          out_ += "\\\"";
          break;
        case '\\':
          out_ += "\\\\";
          break;
        case '\b':
          out_ += "\\b";
          break;
        case '\f':
          out_ += "\\f";
          break;
        case '\n':
          out_ += "\\n";
          break;
        case '\r':
          out_ += "\\r";
          break;
        case '\t':
          out_ += "\\t";
          break;
        default:
          out_ += "\\u00";
          out_.push_back(kHex[u >> 4]);
          out_.push_back(kHex[u & 15]);
      }
    }
    out_.append(v.data() + run, v.size() - run);
    out_.push_back('"');
  }
  void Map(std::string_view k, const std::map<std::string, std::string>& m) {
    Key(k);
    if (m.empty()) {
      out_ += "{}";
      return;
    }
    char open = '{';
    for (const auto& [mk, mv] : m) {
      if (ContainsTokenSecret(mk)) Refuse("a token secret cannot enter the record");
      if (!IsMapKey(mk)) Refuse("a field name is not 1-64 characters of a-z 0-9 _ . -");
      out_.push_back(open);
      open = ',';
      out_.push_back('"');
      out_.append(mk);
      out_ += "\":";
      String(mv);
    }
    out_.push_back('}');
  }
  void Uint(std::string_view k, uint64_t v) {
    Key(k);
    out_ += std::to_string(v);
  }
  // Opens a nested object as the value of member `k`.
  void Open(std::string_view k) {
    Key(k);
    first_ = true;
  }
  void Close() {
    if (first_) out_.push_back('{');  // an empty object
    out_.push_back('}');
    first_ = false;
  }
  void Refuse(const char* why) {
    if (refused_.empty()) refused_ = why;
  }
  const std::string& refused() const { return refused_; }
  std::string& out() { return out_; }

 private:
  std::string out_;
  bool first_ = true;
  std::string refused_;
};

}  // namespace entente::audit
