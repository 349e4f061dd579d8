// Small value codecs the pattern engine needs: base64 and hex decoding, IPv4/IPv6
// addresses and CIDR blocks. Pure functions, safe from any thread.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace entente::pattern {

// Standard base64 (RFC 4648 alphabet, '=' padding required to a multiple of 4).
std::optional<std::string> DecodeBase64(std::string_view text);
// Hex digits, either case, even count.
std::optional<std::string> DecodeHex(std::string_view text);

// An IPv4 or IPv6 network: address bytes (IPv4 in the first 4) and prefix length.
struct Cidr {
  bool v6 = false;
  std::array<uint8_t, 16> addr{};
  int prefix = 0;  // 0..32 or 0..128
};

// "10.0.0.0/8", "10.1.2.3" (= /32), "2001:db8::/32", "::1" (= /128). Host bits beyond
// the prefix are cleared. nullopt when not an address.
std::optional<Cidr> ParseCidr(std::string_view text);

// True when every address of `inner` is in `outer` (same family only).
bool CidrContains(const Cidr& outer, const Cidr& inner);

}  // namespace entente::pattern
