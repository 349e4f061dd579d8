#include "public_feeds.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "pattern/index/cidr_set.h"

namespace entente::bench {

namespace idx = entente::pattern::index;

std::vector<std::string> ReadGzLines(const std::string& path) {
  std::vector<std::string> out;
  std::string cmd = "zcat '" + path + "'";
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return out;
  char buf[8192];
  while (fgets(buf, sizeof buf, p) != nullptr) {
    size_t n = strlen(buf);
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r')) --n;
    out.emplace_back(buf, n);
  }
  pclose(p);
  return out;
}

std::vector<std::string> WarningList(const std::string& path) {
  std::vector<std::string> out;
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  boost::system::error_code ec;
  auto v = boost::json::parse(ss.str(), ec);
  if (ec || !v.is_object()) return out;
  if (auto* l = v.as_object().if_contains("list"); l && l->is_array()) {
    for (const auto& s : l->as_array()) {
      if (s.is_string()) out.emplace_back(s.as_string());
    }
  }
  return out;
}

std::string Hex(std::mt19937_64& rng, size_t n) {
  static const char* kHex = "0123456789abcdef";
  std::string s(n, '0');
  for (auto& c : s) c = kHex[rng() & 15];
  return s;
}

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

Feed LoadFeed(const std::string& dir, const std::function<bool(const std::string&)>& keep) {
  Feed f;
  auto lines = ReadGzLines(dir + "/iocs/maltrail-static.tsv.gz");
  for (size_t i = 1; i < lines.size(); ++i) {
    std::string v = lines[i].substr(0, lines[i].find('\t'));
    if (!keep(v)) continue;
    if (v.find('/') != std::string::npos && v.find("://") == std::string::npos &&
        idx::ParseIpBlock(v)) {
      f.cidrs.push_back(v);
      continue;
    }
    std::string host = v.substr(0, v.find(':'));
    if (v.find('/') == std::string::npos && idx::ParseIpBlock(host) &&
        host.find('.') != std::string::npos) {
      f.ips.push_back(host);
    } else if (v.find('/') != std::string::npos) {
      f.urls.push_back(v.rfind("http", 0) == 0 ? v : "http://" + v);
    } else {
      f.domains.push_back(v);
    }
  }
  for (const auto& l : ReadGzLines(dir + "/iocs/ipsum.txt.gz")) {
    if (l.empty() || l[0] == '#') continue;
    f.ips.push_back(l.substr(0, l.find('\t')));
  }
  auto dedupe = [](std::vector<std::string>& v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
  };
  dedupe(f.ips);
  dedupe(f.domains);
  dedupe(f.urls);
  dedupe(f.cidrs);
  return f;
}

std::string NetworkOf(const std::string& ip, int prefix) {
  auto b = idx::ParseIpBlock(ip + "/" + std::to_string(prefix));
  if (!b) return "";
  uint32_t v = static_cast<uint32_t>(b->bits >> 96);
  return std::to_string(v >> 24) + "." + std::to_string((v >> 16) & 255) + "." +
         std::to_string((v >> 8) & 255) + "." + std::to_string(v & 255) + "/" +
         std::to_string(prefix);
}

void AddNonEqualityIndicators(const Feed& feed, size_t n_cidr, size_t n_regex, size_t n_multi,
                              std::mt19937_64& rng, const std::function<void(std::string)>& add) {
  std::vector<std::string> cidrs = feed.cidrs;
  for (size_t i = 0; cidrs.size() < n_cidr && i < feed.ips.size(); ++i) {
    cidrs.push_back(NetworkOf(feed.ips[(i * 7) % feed.ips.size()], i % 4 == 0 ? 16 : 24));
  }
  std::sort(cidrs.begin(), cidrs.end());
  cidrs.erase(std::unique(cidrs.begin(), cidrs.end()), cidrs.end());
  for (size_t i = 0; i < n_cidr; ++i) {
    add("[ipv4-addr:value ISSUBSET '" + cidrs[i % cidrs.size()] + "']");
  }
  for (size_t i = 0; i < n_regex; ++i) {
    const std::string& d = feed.domains[(i * 131) % feed.domains.size()];
    switch (i % 4) {
      case 0:
        add("[url:value LIKE " + Quote("http://" + d + "/%") + "]");
        break;
      case 1:
        add("[file:name LIKE " + Quote("%" + Hex(rng, 6) + "%.exe") + "]");
        break;
      case 2:
        add("[url:value MATCHES " + Quote("^https?://[a-z0-9.-]*" + Hex(rng, 8)) + "]");
        break;
      default:
        add("[domain-name:value MATCHES " + Quote("^[a-z]{3,8}" + Hex(rng, 5) + "\\.") + "]");
    }
  }
  for (size_t i = 0; i < n_multi; ++i) {
    const std::string& ip = feed.ips[(i * 17) % feed.ips.size()];
    const std::string& d = feed.domains[(i * 29) % feed.domains.size()];
    if (i % 2 == 0) {
      add("([ipv4-addr:value = " + Quote(ip) + "] FOLLOWEDBY [domain-name:value = " + Quote(d) +
          "]) WITHIN 300 SECONDS");
    } else {
      add("[domain-name:value = " + Quote(d) + "] REPEATS 3 TIMES");
    }
  }
}

}  // namespace entente::bench
