#include "cli/listen_address.h"

#include <charconv>

namespace entente::cli {
namespace {

Status Bad(std::string_view text, std::string_view rule) {
  return Status::InvalidArgument("invalid listen address '" + std::string(text) +
                                 "' (--listen: " + std::string(rule) + ")");
}

bool IsHostChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_';
}

}  // namespace

Result<ListenAddress> ParseListenAddress(std::string_view text) {
  ListenAddress out;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos) return Bad(text, "'[' without ']'");
    std::string_view host = text.substr(1, close - 1);
    if (host.empty()) return Bad(text, "empty host");
    for (char c : host) {
      bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if (!hex && c != ':' && c != '.' && c != '%') {
        return Bad(text, "IPv6 address in brackets expected");
      }
    }
    if (close + 1 >= text.size() || text[close + 1] != ':') {
      return Bad(text, "HOST:PORT expected");
    }
    out.host = std::string(host);
    port_text = text.substr(close + 2);
  } else {
    size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return Bad(text, "HOST:PORT expected");
    std::string_view host = text.substr(0, colon);
    if (host.empty()) return Bad(text, "empty host");
    if (host.find(':') != std::string_view::npos) {
      return Bad(text, "IPv6 addresses go in brackets, e.g. [::1]:9440");
    }
    for (char c : host) {
      if (!IsHostChar(c)) return Bad(text, "host name or IPv4 address expected");
    }
    out.host = std::string(host);
    port_text = text.substr(colon + 1);
  }
  if (port_text.empty() || port_text.size() > 5) return Bad(text, "port 0-65535 expected");
  unsigned value = 0;
  auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
  if (ec != std::errc() || ptr != port_text.data() + port_text.size() || value > 65535) {
    return Bad(text, "port 0-65535 expected");
  }
  out.port = static_cast<uint16_t>(value);
  return out;
}

std::string DiscoveryUrl(std::string_view scheme, std::string_view host, uint16_t port) {
  std::string url(scheme);
  url += "://";
  if (host.find(':') != std::string_view::npos) {
    url += '[';
    url += host;
    url += ']';
  } else {
    url += host;
  }
  url += ':';
  url += std::to_string(port);
  url += "/taxii2/";
  return url;
}

}  // namespace entente::cli
