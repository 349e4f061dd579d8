#include "pattern/codec.h"

#include <arpa/inet.h>

#include <cstring>

namespace entente::pattern {
namespace {

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<std::string> DecodeBase64(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    int v[4];
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      char c = text[i + k];
      if (c == '=') {
        if (i + 4 != text.size() || k < 2) return std::nullopt;
        v[k] = 0;
        ++pad;
        continue;
      }
      if (pad > 0) return std::nullopt;  // data after padding
      v[k] = Base64Value(c);
      if (v[k] < 0) return std::nullopt;
    }
    uint32_t n = (v[0] << 18) | (v[1] << 12) | (v[2] << 6) | v[3];
    out.push_back(static_cast<char>((n >> 16) & 0xff));
    if (pad < 2) out.push_back(static_cast<char>((n >> 8) & 0xff));
    if (pad < 1) out.push_back(static_cast<char>(n & 0xff));
  }
  return out;
}

std::optional<std::string> DecodeHex(std::string_view text) {
  if (text.size() % 2 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 2);
  for (size_t i = 0; i < text.size(); i += 2) {
    int hi = HexValue(text[i]);
    int lo = HexValue(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>((hi << 4) | lo));
  }
  return out;
}

std::optional<Cidr> ParseCidr(std::string_view text) {
  if (text.empty() || text.size() > 64) return std::nullopt;
  std::string addr(text);
  int prefix = -1;
  size_t slash = addr.find('/');
  if (slash != std::string::npos) {
    std::string_view p = text.substr(slash + 1);
    if (p.empty() || p.size() > 3) return std::nullopt;
    prefix = 0;
    for (char c : p) {
      if (c < '0' || c > '9') return std::nullopt;
      prefix = prefix * 10 + (c - '0');
    }
    addr.resize(slash);
  }
  Cidr cidr;
  if (addr.find(':') != std::string::npos) {
    cidr.v6 = true;
    if (inet_pton(AF_INET6, addr.c_str(), cidr.addr.data()) != 1) return std::nullopt;
    if (prefix < 0) prefix = 128;
    if (prefix > 128) return std::nullopt;
  } else {
    if (inet_pton(AF_INET, addr.c_str(), cidr.addr.data()) != 1) return std::nullopt;
    if (prefix < 0) prefix = 32;
    if (prefix > 32) return std::nullopt;
  }
  cidr.prefix = prefix;
  const int bits = cidr.v6 ? 128 : 32;
  for (int b = prefix; b < bits; ++b) {
    cidr.addr[b / 8] &= static_cast<uint8_t>(~(0x80u >> (b % 8)));
  }
  return cidr;
}

bool CidrContains(const Cidr& outer, const Cidr& inner) {
  if (outer.v6 != inner.v6 || inner.prefix < outer.prefix) return false;
  for (int b = 0; b < outer.prefix; ++b) {
    uint8_t mask = static_cast<uint8_t>(0x80u >> (b % 8));
    if ((outer.addr[b / 8] & mask) != (inner.addr[b / 8] & mask)) return false;
  }
  return true;
}

}  // namespace entente::pattern
