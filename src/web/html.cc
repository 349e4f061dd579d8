#include "web/html.h"

#include <boost/json/serialize.hpp>

#include "common/timestamp.h"
#include "http/query.h"

namespace entente::web {

namespace {

// Length of the valid UTF-8 sequence starting at text[i], or 0 when it is not one.
size_t Utf8Length(std::string_view text, size_t i) {
  const auto c = static_cast<unsigned char>(text[i]);
  size_t n = 0;
  uint32_t min = 0;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2, min = 0x80;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3, min = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4, min = 0x10000;
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  uint32_t cp = c & (0xFF >> (n + 1));
  for (size_t k = 1; k < n; ++k) {
    const auto d = static_cast<unsigned char>(text[i + k]);
    if ((d & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (d & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

void Indent(std::string* out, int depth) { out->append(static_cast<size_t>(depth) * 2, ' '); }

void Pretty(const boost::json::value& v, int depth, std::string* out) {
  if (v.is_object()) {
    const auto& o = v.get_object();
    if (o.empty()) {
      *out += "{}";
      return;
    }
    *out += "{\n";
    bool first = true;
    for (const auto& kv : o) {
      if (!first) *out += ",\n";
      first = false;
      Indent(out, depth + 1);
      *out += boost::json::serialize(boost::json::value(kv.key()));
      *out += ": ";
      Pretty(kv.value(), depth + 1, out);
    }
    *out += '\n';
    Indent(out, depth);
    *out += '}';
  } else if (v.is_array()) {
    const auto& a = v.get_array();
    if (a.empty()) {
      *out += "[]";
      return;
    }
    *out += "[\n";
    for (size_t i = 0; i < a.size(); ++i) {
      if (i > 0) *out += ",\n";
      Indent(out, depth + 1);
      Pretty(a[i], depth + 1, out);
    }
    *out += '\n';
    Indent(out, depth);
    *out += ']';
  } else {
    *out += boost::json::serialize(v);
  }
}

}  // namespace

std::string Html(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (size_t i = 0; i < text.size();) {
    const char c = text[i];
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default: {
        const size_t n = Utf8Length(text, i);
        if (n == 0) {
          out += "\xEF\xBF\xBD";  // U+FFFD
          ++i;
        } else {
          out.append(text.substr(i, n));
          i += n;
        }
        continue;
      }
    }
    ++i;
  }
  return out;
}

std::string Href(std::string_view path,
                 const std::vector<std::pair<std::string, std::string>>& params) {
  std::string url(path);
  char sep = '?';
  for (const auto& [key, value] : params) {
    if (value.empty()) continue;
    url += sep;
    url += http::EncodeQueryValue(key);
    url += '=';
    url += http::EncodeQueryValue(value);
    sep = '&';
  }
  return Html(url);
}

std::string PrettyJson(const boost::json::value& v) {
  std::string out;
  Pretty(v, 0, &out);
  return out;
}

std::string Thousands(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string WhenText(int64_t micros) {
  if (micros == 0) return "never";
  std::string t = FormatTimestamp(micros, 0);  // 2026-12-03T01:02:03Z
  if (t.size() >= 19) t = t.substr(0, 10) + " " + t.substr(11, 8) + " UTC";
  return t;
}

}  // namespace entente::web
