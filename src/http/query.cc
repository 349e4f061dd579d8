#include "http/query.h"

#include <sodium.h>

namespace entente::http {

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && EqualsIgnoreCase(s.substr(0, prefix.size()), prefix);
}

}  // namespace

Result<std::string> PercentDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      int hi = i + 1 < text.size() ? HexValue(text[i + 1]) : -1;
      int lo = i + 2 < text.size() ? HexValue(text[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        return Status::InvalidArgument("bad percent-escape at offset " + std::to_string(i) +
                                       " (query: percent-encoding)");
      }
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Result<std::vector<QueryParam>> ParseQuery(std::string_view query, size_t max_params) {
  std::vector<QueryParam> params;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view piece = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (piece.empty()) continue;
    if (params.size() >= max_params) {
      return Status::ResourceExhausted("more than " + std::to_string(max_params) +
                                       " query parameters (query: parameter count)");
    }
    size_t eq = piece.find('=');
    auto key = PercentDecode(piece.substr(0, eq), true);
    if (!key.ok()) return key.status();
    std::string value;
    if (eq != std::string_view::npos) {
      auto v = PercentDecode(piece.substr(eq + 1), true);
      if (!v.ok()) return v.status();
      value = std::move(v).value();
    }
    params.emplace_back(std::move(key).value(), std::move(value));
  }
  return params;
}

void SplitTarget(std::string_view target, std::string_view* path, std::string_view* query) {
  size_t q = target.find('?');
  *path = target.substr(0, q);
  *query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
}

Result<std::string> ExtractToken(std::string_view authorization) {
  std::string_view value = Trim(authorization);
  if (StartsWithIgnoreCase(value, "Bearer ")) {
    std::string_view token = Trim(value.substr(7));
    if (token.empty() || token.find(' ') != std::string_view::npos) {
      return Status::Unauthenticated("malformed bearer token (Authorization: bearer)");
    }
    return std::string(token);
  }
  if (StartsWithIgnoreCase(value, "Basic ")) {
    std::string_view encoded = Trim(value.substr(6));
    if (encoded.empty() || encoded.size() > 4096) {
      return Status::Unauthenticated("malformed basic credentials (Authorization: basic)");
    }
    std::string decoded(encoded.size(), '\0');
    size_t len = 0;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(decoded.data()), decoded.size(),
                          encoded.data(), encoded.size(), nullptr, &len, nullptr,
                          sodium_base64_VARIANT_ORIGINAL) != 0) {
      return Status::Unauthenticated("basic credentials are not base64 (Authorization: basic)");
    }
    decoded.resize(len);
    size_t colon = decoded.find(':');
    if (colon == std::string::npos || colon + 1 == decoded.size()) {
      return Status::Unauthenticated("basic credentials carry no password (Authorization: basic)");
    }
    return decoded.substr(colon + 1);
  }
  return Status::Unauthenticated("unsupported authorization scheme (Authorization: scheme)");
}

std::string EncodeQueryValue(std::string_view value) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size());
  for (unsigned char c : value) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string BearerAuthorization(std::string_view token) { return "Bearer " + std::string(token); }

std::string BasicAuthorization(std::string_view user, std::string_view token) {
  const std::string plain = std::string(user) + ":" + std::string(token);
  const int variant = sodium_base64_VARIANT_ORIGINAL;
  std::string encoded(sodium_base64_encoded_len(plain.size(), variant), '\0');
  sodium_bin2base64(encoded.data(), encoded.size(),
                    reinterpret_cast<const unsigned char*>(plain.data()), plain.size(), variant);
  encoded.resize(encoded.size() - 1);  // the terminating NUL sodium writes
  return "Basic " + encoded;
}

}  // namespace entente::http
