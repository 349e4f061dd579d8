// `--listen HOST:PORT` for `entente serve`.
//
// Accepts "host:port", "[ipv6]:port" and "ipv6-address-with-brackets"; the port is a
// decimal number 0..65535 (0: the server picks a free port). Pure functions, safe from
// any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "entente/status.h"

namespace entente::cli {

struct ListenAddress {
  std::string host;  // without brackets, e.g. "127.0.0.1", "::1", "localhost"
  uint16_t port = 0;
};

// Errors: invalid-argument naming the rule that failed.
Result<ListenAddress> ParseListenAddress(std::string_view text);

// "scheme://host:port/taxii2/" with IPv6 hosts in brackets.
std::string DiscoveryUrl(std::string_view scheme, std::string_view host, uint16_t port);

}  // namespace entente::cli
