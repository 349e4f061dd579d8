// bench_sense_path: the whole sensor path of `entente sense`, in log lines per CPU-second:
// read a log file (telemetry::LogFollower), parse and map each line into a Record
// (telemetry/eve.h, telemetry/zeek.h), match it against 1,000,000 indicators
// (sightings/record_match.h) and aggregate each hit (sightings::Aggregator::Add).
//
//   bench_sense_path [--data DIR] [--indicators N] [--lines L] [--hit-percent P]
//                    [--zipf S] [--runs R] [--formats eve,zeek,zeek-json] [--modes
//                    parse,match,flat,batch,json]
//                    [--batch N] [--dir TMPDIR]
//
// DIR (default: $ENTENTE_BENCH_DATA) holds the public data sets as docs/benchmarks.md
// "Data" describes. Indicators (N, default 1,000,000), shaped as bench_pattern_index's:
// equality patterns on maltrail/ipsum addresses, domains and URLs and on generated file
// hashes and certificate fingerprints, N/10 CIDR ranges, N/100 LIKE/MATCHES patterns and
// N/1000 multi-observation patterns with qualifiers (decided by the pattern evaluator).
//
// Log lines (L per format, default 1,000,000) are generated and written to a file under
// TMPDIR (default $TMPDIR or /tmp) before timing: Suricata EVE (flow, dns, http, tls,
// fileinfo, alert, smtp events), Zeek TSV and Zeek JSON (conn, dns, http, ssl, files,
// smtp logs; TSV in blocks of 1,000 lines of one log, each with its header). In P % of
// lines (default 2) one value is an indicator's; the others are benign - addresses and
// domains from the MISP warninglists and private addresses, drawn by Zipf's law with
// exponent S (default 1: the k-th most popular value is seen about 1/k as often as the
// first, as resolvers, popular domains and busy hosts are in real traffic; each list in a
// fixed shuffled order) or, with --zipf 0, uniformly (the benchmark's first figures).
//
// Modes: parse (read, parse and map alone: the floor), match (flat without the
// aggregator: what matching adds to the floor), flat (RecordMatcher::Match, one record at a
// time: what `entente sense` will call), batch (RecordMatcher::MatchBatch, 256 records per call),
// json (the JSON array of SCOs per line and IndexSnapshot::MatchRecord: the path `entente sense`
// took first). Runs alternate formats and modes (R rounds, default 3) so that a noisy neighbour
// slows all alike; each run prints one JSON line, then a summary table.
#include <time.h>

#include <unistd.h>
#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "pattern/index/cidr_set.h"
#include "pattern/index/indicator_index.h"
#include "public_feeds.h"
#include "sightings/aggregator.h"
#include "sightings/record_match.h"
#include "telemetry/eve.h"
#include "telemetry/follow.h"
#include "telemetry/zeek.h"

namespace idx = entente::pattern::index;
namespace tel = entente::telemetry;
namespace sig = entente::sightings;
using entente::bench::Feed;
using entente::bench::Hex;
using entente::bench::NetworkOf;
using entente::bench::Quote;
using entente::bench::ReadGzLines;
using entente::bench::WarningList;

namespace {

double CpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

double WallSeconds() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

// Printable ASCII without what would need escaping in a JSON string, a Zeek TSV field
// or a set (so that every generated line says what it was meant to say).
bool Plain(const std::string& s) {
  for (char c : s) {
    if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == ',' || c == '\'') return false;
  }
  return !s.empty();
}

// What an indicator matches, for the generator to put into lines.
struct HitPool {
  std::vector<std::string> ips, domains, md5, sha1, sha256, x509_sha1, x509_sha256;
  struct Url {
    std::string host, port, path;  // http://host[:port]path
  };
  std::vector<Url> urls;
};

// Splits "http://host[:port]/path" (false when it is not of that form).
bool SplitUrl(const std::string& url, HitPool::Url* out) {
  if (url.rfind("http://", 0) != 0) return false;
  size_t slash = url.find('/', 7);
  if (slash == std::string::npos) return false;
  std::string hostport = url.substr(7, slash - 7);
  out->path = url.substr(slash);
  size_t colon = hostport.find(':');
  out->host = hostport.substr(0, colon);
  out->port = colon == std::string::npos ? "" : hostport.substr(colon + 1);
  if (out->host.empty() || idx::ParseIpBlock(out->host)) return false;
  for (char c : out->port) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::vector<idx::IndicatorSpec> MakeIndicators(size_t n_ind, const Feed& feed, HitPool* hits) {
  std::mt19937_64 rng(12345);
  size_t n_cidr = n_ind / 10, n_regex = n_ind / 100, n_multi = n_ind / 1000;
  size_t n_eq = n_ind - n_cidr - n_regex - n_multi;
  std::vector<idx::IndicatorSpec> specs;
  specs.reserve(n_ind);
  auto add = [&](std::string pattern) {
    char id[64];
    snprintf(id, sizeof id, "indicator--%08zx-0000-4000-8000-%012zx", specs.size(),
             specs.size() * 7919);
    specs.push_back({id, std::move(pattern), entente::pattern::StixVersion::k21});
  };
  size_t ip_i = 0, dom_i = 0, url_i = 0;
  for (size_t i = 0; i < n_eq; ++i) {
    switch (i % 10) {
      case 0:
      case 1:
      case 2:
        if (ip_i < feed.ips.size()) {
          const std::string& v = feed.ips[ip_i++];
          add("[ipv4-addr:value = " + Quote(v) + "]");
          hits->ips.push_back(v);
          break;
        }
        [[fallthrough]];
      case 3:
      case 4:
      case 5:
        if (dom_i < feed.domains.size()) {
          const std::string& v = feed.domains[dom_i++];
          add("[domain-name:value = " + Quote(v) + "]");
          hits->domains.push_back(v);
          break;
        }
        [[fallthrough]];
      case 6:
      case 7:
        if (url_i < feed.urls.size()) {
          const std::string& v = feed.urls[url_i++];
          add("[url:value = " + Quote(v) + "]");
          HitPool::Url u;
          if (SplitUrl(v, &u)) hits->urls.push_back(std::move(u));
          break;
        }
        [[fallthrough]];
      default: {
        std::string h;
        switch (rng() % 5) {
          case 0:
            h = Hex(rng, 32);
            add("[file:hashes.MD5 = '" + h + "']");
            hits->md5.push_back(h);
            break;
          case 1:
            h = Hex(rng, 40);
            add("[file:hashes.'SHA-1' = '" + h + "']");
            hits->sha1.push_back(h);
            break;
          case 2:
            h = Hex(rng, 64);
            add("[file:hashes.'SHA-256' = '" + h + "']");
            hits->sha256.push_back(h);
            break;
          case 3:
            h = Hex(rng, 40);
            add("[x509-certificate:hashes.'SHA-1' = '" + h + "']");
            hits->x509_sha1.push_back(h);
            break;
          default:
            h = Hex(rng, 64);
            add("[x509-certificate:hashes.'SHA-256' = '" + h + "']");
            hits->x509_sha256.push_back(h);
        }
      }
    }
  }
  AddNonEqualityIndicators(feed, n_cidr, n_regex, n_multi, rng, add);
  auto keep_plain = [](std::vector<std::string>& v) {
    v.erase(std::remove_if(v.begin(), v.end(), [](const std::string& s) { return !Plain(s); }),
            v.end());
  };
  keep_plain(hits->domains);
  hits->ips.erase(std::remove_if(hits->ips.begin(), hits->ips.end(),
                                 [](const std::string& s) { return !Plain(s); }),
                  hits->ips.end());
  return specs;
}

// ---- Log lines ----

struct Benign {
  std::vector<std::string> domains, ips, internal;
  // Cumulative Zipf weights over each list (empty: drawn uniformly).
  std::vector<double> domains_cdf, ips_cdf, internal_cdf;
};

// Cumulative weights of ranks 0..n-1 with weight 1/(rank+1)^s: a draw by them gives rank
// k with probability proportional to 1/(k+1)^s (Zipf's law).
std::vector<double> ZipfCdf(size_t n, double s) {
  std::vector<double> cdf(n);
  double sum = 0;
  for (size_t k = 0; k < n; ++k) cdf[k] = sum += 1.0 / std::pow(static_cast<double>(k + 1), s);
  return cdf;
}

// Drops the values that match an indicator (as SCOs of `type`): background traffic is
// what no indicator names, so that the hit rate is the one asked for.
void KeepBenign(const idx::IndexSnapshot& snapshot, const char* type,
                std::vector<std::string>* values) {
  std::vector<idx::Hit> hits;
  values->erase(std::remove_if(values->begin(), values->end(),
                               [&](const std::string& v) {
                                 idx::FlatSco sco{type, "value", "", v};
                                 hits.clear();
                                 snapshot.MatchScos(std::span<const idx::FlatSco>(&sco, 1), &hits);
                                 return !hits.empty();
                               }),
                values->end());
}

class LineGen {
 public:
  LineGen(const Benign& benign, const HitPool& hits, double hit_fraction, uint64_t seed)
      : benign_(benign), hits_(hits), hit_fraction_(hit_fraction), rng_(seed) {}

  size_t Pick(size_t n) { return rng_() % n; }
  template <typename T>
  const T& One(const std::vector<T>& v) {
    return v[Pick(v.size())];
  }
  // One of v, by the cumulative weights cdf (uniformly when cdf is empty).
  const std::string& Ranked(const std::vector<std::string>& v, const std::vector<double>& cdf) {
    if (cdf.empty()) return One(v);
    double u = std::uniform_real_distribution<double>(0, cdf.back())(rng_);
    size_t k = static_cast<size_t>(std::upper_bound(cdf.begin(), cdf.end(), u) - cdf.begin());
    return v[std::min(k, v.size() - 1)];
  }
  // Whether this line carries an indicator value (decided once per line).
  void NextLine() {
    hit_ = std::uniform_real_distribution<double>(0, 1)(rng_) < hit_fraction_;
    ts_us_ += 1000 + Pick(20000);
    ++flow_;
  }
  bool hit() const { return hit_; }
  std::string Internal() { return Ranked(benign_.internal, benign_.internal_cdf); }
  std::string External() {
    return hit_ && Pick(2) == 0 ? One(hits_.ips) : Ranked(benign_.ips, benign_.ips_cdf);
  }
  std::string Domain() { return hit_ ? One(hits_.domains) : BenignDomain(); }
  std::string BenignDomain() { return Ranked(benign_.domains, benign_.domains_cdf); }
  std::string Hash(const std::vector<std::string>& pool, size_t len) {
    return hit_ ? One(pool) : Hex(rng_, len);
  }
  HitPool::Url Url() {
    if (hit_ && !hits_.urls.empty()) return One(hits_.urls);
    HitPool::Url u;
    u.host = BenignDomain();
    u.path = One(paths_) + (Pick(3) == 0 ? "?id=" + std::to_string(Pick(100000)) : "");
    return u;
  }
  std::mt19937_64& rng() { return rng_; }
  const HitPool& hits() const { return hits_; }
  int64_t ts_us() const { return ts_us_; }
  uint64_t flow() const { return flow_; }
  uint16_t Port() { return static_cast<uint16_t>(32768 + Pick(28000)); }
  std::string Uid() {
    static const char* kAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    std::string s = "C";
    for (int i = 0; i < 17; ++i) s += kAlnum[Pick(62)];
    return s;
  }
  std::string EveTime() {
    time_t secs = static_cast<time_t>(ts_us_ / 1000000);
    tm t;
    gmtime_r(&secs, &t);
    char buf[64];
    snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lld+0000", t.tm_year + 1900,
             t.tm_mon + 1, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec,
             static_cast<long long>(ts_us_ % 1000000));
    return buf;
  }
  std::string ZeekTime() {
    char buf[32];
    snprintf(buf, sizeof buf, "%lld.%06lld", static_cast<long long>(ts_us_ / 1000000),
             static_cast<long long>(ts_us_ % 1000000));
    return buf;
  }

 private:
  const Benign& benign_;
  const HitPool& hits_;
  double hit_fraction_;
  std::mt19937_64 rng_;
  bool hit_ = false;
  int64_t ts_us_ = int64_t{1764669600} * 1000000;  // 2025-12-02T10:00:00Z
  uint64_t flow_ = 1000;
  std::vector<std::string> paths_{"/",
                                  "/index.html",
                                  "/api/v1/status",
                                  "/static/app.js",
                                  "/images/logo.png",
                                  "/update/check",
                                  "/favicon.ico"};
};

std::string Colons(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 2) {
    if (i > 0) out += ':';
    out += hex.substr(i, 2);
  }
  return out;
}

// One Suricata EVE line; event types weighted roughly as an edge sensor writes them.
std::string EveLine(LineGen& g) {
  g.NextLine();
  const HitPool& h = g.hits();
  std::string src = g.Internal(), dst = g.External();
  size_t kind = g.Pick(100);
  std::string head = "{\"timestamp\":\"" + g.EveTime() +
                     "\",\"flow_id\":" + std::to_string(g.flow() * 7919) +
                     ",\"in_iface\":\"eth0\",\"event_type\":\"";
  auto addrs = [&](const char* proto, int dport) {
    return "\",\"src_ip\":\"" + src + "\",\"src_port\":" + std::to_string(g.Port()) +
           ",\"dest_ip\":\"" + dst + "\",\"dest_port\":" + std::to_string(dport) + ",\"proto\":\"" +
           proto + "\"";
  };
  if (kind < 30) {
    return head + "flow" + addrs("TCP", 443) +
           ",\"app_proto\":\"tls\",\"flow\":{\"pkts_toserver\":" + std::to_string(3 + g.Pick(40)) +
           ",\"pkts_toclient\":" + std::to_string(3 + g.Pick(40)) +
           ",\"bytes_toserver\":" + std::to_string(200 + g.Pick(9000)) +
           ",\"bytes_toclient\":" + std::to_string(200 + g.Pick(90000)) + ",\"start\":\"" +
           g.EveTime() + "\",\"end\":\"" + g.EveTime() +
           "\",\"age\":1,\"state\":\"closed\",\"reason\":\"timeout\",\"alerted\":false},"
           "\"tcp\":{\"tcp_flags\":\"1b\",\"tcp_flags_ts\":\"1b\",\"tcp_flags_tc\":\"1b\","
           "\"syn\":true,\"fin\":true,\"psh\":true,\"ack\":true,\"state\":\"closed\"}}";
  }
  if (kind < 60) {
    std::string name = g.Domain(), ip = g.External();
    return head + "dns" + addrs("UDP", 53) +
           ",\"dns\":{\"version\":2,\"type\":\"answer\",\"id\":" + std::to_string(g.Pick(65536)) +
           ",\"flags\":\"8180\",\"qr\":true,\"rd\":true,\"ra\":true,\"rrname\":\"" + name +
           "\",\"rrtype\":\"A\",\"rcode\":\"NOERROR\",\"answers\":[{\"rrname\":\"" + name +
           "\",\"rrtype\":\"A\",\"ttl\":300,\"rdata\":\"" + ip + "\"}],\"grouped\":{\"A\":[\"" +
           ip + "\"]}}}";
  }
  if (kind < 75) {
    HitPool::Url u = g.Url();
    std::string port = u.port.empty() ? "" : ",\"http_port\":" + u.port;
    return head + "http" + addrs("TCP", 80) + ",\"tx_id\":0,\"http\":{\"hostname\":\"" + u.host +
           "\"" + port + ",\"url\":\"" + u.path +
           "\",\"http_user_agent\":\"Mozilla/5.0 (X11; Linux x86_64)\","
           "\"http_content_type\":\"text/html\",\"http_method\":\"GET\","
           "\"protocol\":\"HTTP/1.1\",\"status\":200,\"length\":" +
           std::to_string(g.Pick(100000)) + "}}";
  }
  if (kind < 90) {
    std::string sni = g.Domain();
    std::string fp = Colons(g.Hash(h.x509_sha1, 40));
    return head + "tls" + addrs("TCP", 443) + ",\"tls\":{\"subject\":\"CN=" + sni +
           "\",\"issuerdn\":\"C=US, O=Example CA, CN=R3\",\"serial\":\"04:A1:9C\","
           "\"fingerprint\":\"" +
           fp + "\",\"sni\":\"" + sni +
           "\",\"version\":\"TLS 1.2\",\"notbefore\":\"2025-10-01T00:00:00\","
           "\"notafter\":\"2026-01-01T00:00:00\",\"ja3\":{\"hash\":\"" +
           Hex(g.rng(), 32) + "\"},\"ja3s\":{\"hash\":\"" + Hex(g.rng(), 32) + "\"}}}";
  }
  if (kind < 95) {
    HitPool::Url u = g.Url();
    return head + "fileinfo" + addrs("TCP", 80) + ",\"http\":{\"hostname\":\"" + u.host +
           "\",\"url\":\"" + u.path +
           "\",\"http_method\":\"GET\",\"protocol\":\"HTTP/1.1\",\"status\":200},"
           "\"app_proto\":\"http\",\"fileinfo\":{\"filename\":\"" +
           u.path +
           "\",\"magic\":\"PE32 executable\",\"gaps\":false,\"state\":\"CLOSED\","
           "\"md5\":\"" +
           g.Hash(h.md5, 32) + "\",\"sha1\":\"" + g.Hash(h.sha1, 40) + "\",\"sha256\":\"" +
           g.Hash(h.sha256, 64) +
           "\",\"stored\":false,\"size\":" + std::to_string(g.Pick(1 << 20)) + ",\"tx_id\":0}}";
  }
  if (kind < 98) {
    return head + "alert" + addrs("TCP", 443) +
           ",\"tx_id\":0,\"alert\":{\"action\":\"allowed\",\"gid\":1,\"signature_id\":" +
           std::to_string(2000000 + g.Pick(50000)) +
           ",\"rev\":3,\"signature\":\"ET POLICY Observed suspicious TLS SNI\","
           "\"category\":\"Potentially Bad Traffic\",\"severity\":2},\"app_proto\":\"tls\"}";
  }
  std::string from = "alice@" + g.BenignDomain(), to = "bob@" + g.Domain();
  return head + "smtp" + addrs("TCP", 25) + ",\"tx_id\":0,\"smtp\":{\"helo\":\"mail." +
         g.BenignDomain() + "\",\"mail_from\":\"<" + from + ">\",\"rcpt_to\":[\"<" + to + ">\"]}}";
}

// ---- Zeek: one record per log, as TSV fields or a JSON object ----

struct ZeekLog {
  const char* path;
  std::vector<std::string> fields, types;
};

const std::vector<ZeekLog>& ZeekLogs() {
  static const std::vector<ZeekLog> logs = {
      {"conn",
       {"ts",         "uid",           "id.orig_h",     "id.orig_p",  "id.resp_h",  "id.resp_p",
        "proto",      "service",       "duration",      "orig_bytes", "resp_bytes", "conn_state",
        "local_orig", "local_resp",    "missed_bytes",  "history",    "orig_pkts",  "orig_ip_bytes",
        "resp_pkts",  "resp_ip_bytes", "tunnel_parents"},
       {"time",   "string",   "addr",  "port",  "addr",   "port",  "enum",
        "string", "interval", "count", "count", "string", "bool",  "bool",
        "count",  "string",   "count", "count", "count",  "count", "set[string]"}},
      {"dns",
       {"ts",    "uid",        "id.orig_h", "id.orig_p",  "id.resp_h", "id.resp_p",
        "proto", "trans_id",   "rtt",       "query",      "qclass",    "qclass_name",
        "qtype", "qtype_name", "rcode",     "rcode_name", "AA",        "TC",
        "RD",    "RA",         "Z",         "answers",    "TTLs",      "rejected"},
       {"time",           "string",           "addr",   "port",  "addr",   "port",  "enum",
        "count",          "interval",         "string", "count", "string", "count", "string",
        "count",          "string",           "bool",   "bool",  "bool",   "bool",  "count",
        "vector[string]", "vector[interval]", "bool"}},
      {"http",
       {"ts",
        "uid",
        "id.orig_h",
        "id.orig_p",
        "id.resp_h",
        "id.resp_p",
        "trans_depth",
        "method",
        "host",
        "uri",
        "referrer",
        "version",
        "user_agent",
        "request_body_len",
        "response_body_len",
        "status_code",
        "status_msg",
        "tags",
        "resp_fuids",
        "resp_mime_types"},
       {"time",   "string", "addr",   "port",      "addr",           "port",          "count",
        "string", "string", "string", "string",    "string",         "string",        "count",
        "count",  "count",  "string", "set[enum]", "vector[string]", "vector[string]"}},
      {"ssl",
       {"ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "version", "cipher",
        "curve", "server_name", "resumed", "next_protocol", "established", "ssl_history",
        "cert_chain_fps", "client_cert_chain_fps", "sni_matches_cert"},
       {"time", "string", "addr", "port", "addr", "port", "string", "string", "string", "string",
        "bool", "string", "bool", "string", "vector[string]", "vector[string]", "bool"}},
      {"files",
       {"ts",        "fuid",       "uid",         "id.orig_h",     "id.orig_p",      "id.resp_h",
        "id.resp_p", "source",     "depth",       "analyzers",     "mime_type",      "duration",
        "is_orig",   "seen_bytes", "total_bytes", "missing_bytes", "overflow_bytes", "timedout",
        "md5",       "sha1",       "sha256"},
       {"time",   "string", "string",      "addr",   "port",     "addr",   "port",
        "string", "count",  "set[string]", "string", "interval", "bool",   "count",
        "count",  "count",  "count",       "bool",   "string",   "string", "string"}},
      {"smtp",
       {"ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "trans_depth", "helo",
        "mailfrom", "rcptto", "date", "from", "to", "subject", "tls"},
       {"time", "string", "addr", "port", "addr", "port", "count", "string", "string",
        "set[string]", "string", "string", "set[string]", "string", "bool"}},
  };
  return logs;
}

// The values of one record of log `log` (in its field order); "-" is unset, "(empty)"
// an empty set.
std::vector<std::string> ZeekValues(LineGen& g, size_t log) {
  g.NextLine();
  const HitPool& h = g.hits();
  std::string ts = g.ZeekTime(), uid = g.Uid(), src = g.Internal(), dst = g.External();
  std::string sport = std::to_string(g.Port());
  switch (log) {
    case 0:
      return {ts,
              uid,
              src,
              sport,
              dst,
              "443",
              "tcp",
              "ssl",
              "0.254115",
              std::to_string(g.Pick(9000)),
              std::to_string(g.Pick(90000)),
              "SF",
              "T",
              "F",
              "0",
              "ShADadFf",
              std::to_string(3 + g.Pick(40)),
              std::to_string(400 + g.Pick(9000)),
              std::to_string(3 + g.Pick(40)),
              std::to_string(400 + g.Pick(90000)),
              "(empty)"};
    case 1: {
      std::string ip = g.External();
      return {ts,         uid,        src,          sport,
              dst,        "53",       "udp",        std::to_string(g.Pick(65536)),
              "0.000870", g.Domain(), "1",          "C_INTERNET",
              "1",        "A",        "0",          "NOERROR",
              "F",        "F",        "T",          "T",
              "0",        ip,         "300.000000", "F"};
    }
    case 2: {
      HitPool::Url u = g.Url();
      std::string host = u.port.empty() ? u.host : u.host + ":" + u.port;
      return {ts,
              uid,
              src,
              sport,
              dst,
              "80",
              "1",
              "GET",
              host,
              u.path,
              "-",
              "1.1",
              "Mozilla/5.0",
              "0",
              std::to_string(g.Pick(100000)),
              "200",
              "OK",
              "(empty)",
              "F" + g.Uid().substr(1),
              "text/html"};
    }
    case 3: {
      std::string fp = g.Hash(h.x509_sha256, 64);
      return {ts,
              uid,
              src,
              sport,
              dst,
              "443",
              "TLSv12",
              "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
              "secp256r1",
              g.Domain(),
              "F",
              "h2",
              "T",
              "CsxknGIti",
              fp + "," + Hex(g.rng(), 64),
              "(empty)",
              "T"};
    }
    case 4:
      return {ts,
              "F" + g.Uid().substr(1),
              uid,
              dst,
              "80",
              src,
              sport,
              "HTTP",
              "0",
              "MD5,SHA1,SHA256",
              "application/x-dosexec",
              "0.01",
              "F",
              std::to_string(g.Pick(1 << 20)),
              "-",
              "0",
              "0",
              "F",
              g.Hash(h.md5, 32),
              g.Hash(h.sha1, 40),
              g.Hash(h.sha256, 64)};
    default:
      return {ts,
              uid,
              src,
              sport,
              dst,
              "25",
              "1",
              "mail." + g.BenignDomain(),
              "alice@" + g.BenignDomain(),
              "bob@" + g.Domain(),
              "Tue, 2 Dec 2025 10:00:00 +0000",
              "Alice <alice@" + g.BenignDomain() + ">",
              "bob@" + g.Domain(),
              "report",
              "F"};
  }
}

// Weights of the logs in the stream (conn, dns, http, ssl, files, smtp).
size_t ZeekLogOf(LineGen& g) {
  size_t k = g.Pick(100);
  return k < 35 ? 0 : k < 65 ? 1 : k < 80 ? 2 : k < 95 ? 3 : k < 98 ? 4 : 5;
}

std::string ZeekJsonLine(LineGen& g) {
  size_t log = ZeekLogOf(g);
  const ZeekLog& l = ZeekLogs()[log];
  std::vector<std::string> v = ZeekValues(g, log);
  std::string out = "{\"_path\":\"" + std::string(l.path) + "\"";
  for (size_t i = 0; i < l.fields.size(); ++i) {
    if (v[i] == "-") continue;
    const std::string& t = l.types[i];
    out += ",\"" + l.fields[i] + "\":";
    if (t.rfind("set[", 0) == 0 || t.rfind("vector[", 0) == 0) {
      out += "[";
      if (v[i] != "(empty)") {
        size_t start = 0;
        for (bool first = true;; first = false) {
          size_t comma = v[i].find(',', start);
          std::string item = v[i].substr(start, comma - start);
          out += (first ? "" : ",");
          out += t.find("interval") != std::string::npos ? item : "\"" + item + "\"";
          if (comma == std::string::npos) break;
          start = comma + 1;
        }
      }
      out += "]";
    } else if (t == "time" || t == "port" || t == "count" || t == "interval") {
      out += v[i];
    } else if (t == "bool") {
      out += v[i] == "T" ? "true" : "false";
    } else {
      out += "\"" + v[i] + "\"";
    }
  }
  return out + "}";
}

// Writes `lines` lines of `format` to `path`; returns the number of bytes.
size_t WriteLog(const std::string& path, const std::string& format, size_t lines, LineGen& g) {
  FILE* f = fopen(path.c_str(), "w");
  if (f == nullptr) return 0;
  size_t bytes = 0;
  auto put = [&](const std::string& s) {
    fwrite(s.data(), 1, s.size(), f);
    fputc('\n', f);
    bytes += s.size() + 1;
  };
  if (format == "eve") {
    for (size_t i = 0; i < lines; ++i) put(EveLine(g));
  } else if (format == "zeek-json") {
    for (size_t i = 0; i < lines; ++i) put(ZeekJsonLine(g));
  } else {
    // Blocks of 1,000 records of one log, each with its header, the logs drawn by weight.
    for (size_t done = 0; done < lines;) {
      size_t log = ZeekLogOf(g);
      const ZeekLog& l = ZeekLogs()[log];
      put("#separator \\x09");
      put("#set_separator\t,");
      put("#empty_field\t(empty)");
      put("#unset_field\t-");
      put(std::string("#path\t") + l.path);
      put("#open\t2025-12-02-10-00-00");
      std::string fields = "#fields", types = "#types";
      for (size_t i = 0; i < l.fields.size(); ++i) {
        fields += "\t" + l.fields[i];
        types += "\t" + l.types[i];
      }
      put(fields);
      put(types);
      size_t n = std::min<size_t>(1000, lines - done);
      for (size_t i = 0; i < n; ++i) {
        std::vector<std::string> v = ZeekValues(g, log);
        std::string line;
        for (size_t k = 0; k < v.size(); ++k) line += (k ? "\t" : "") + v[k];
        put(line);
      }
      put("#close\t2025-12-02-11-00-00");
      done += n;
    }
  }
  fclose(f);
  return bytes;
}

// ---- The path under test ----

// One parser for the chosen format behind one call (as `entente sense` has).
class Reader {
 public:
  explicit Reader(std::string format) : format_(std::move(format)) {}
  bool Read(std::string_view line, tel::Record* record) {
    if (format_ == "eve") return !line.empty() && !eve_.Parse(line, *record).has_value();
    tel::LineError error;
    tel::ZeekLineKind kind =
        format_ == "zeek" ? tsv_.Feed(line, record, &error) : json_.Feed(line, record, &error);
    return kind == tel::ZeekLineKind::kRecord;
  }

 private:
  std::string format_;
  tel::EveParser eve_;
  tel::ZeekTsvReader tsv_;
  tel::ZeekJsonReader json_;
};

struct RunResult {
  uint64_t lines = 0, records = 0, refused = 0, hit_lines = 0, hits = 0;
  double cpu = 0, wall = 0;
};

size_t batch_size = 64;  // --batch: records per MatchBatch call (`entente sense` uses 64)

RunResult RunPath(const std::string& path, const std::string& format, const std::string& mode,
                  const idx::IndexSnapshot& snapshot) {
  RunResult r;
  const std::string creator = "identity--0a000000-0000-4000-8000-000000000002";
  sig::Aggregator aggregator({"identity--0a000000-0000-4000-8000-000000000001", "energy", "DE"},
                             sig::AggregatorOptions{});
  Reader reader(format);
  sig::RecordMatcher matcher;
  std::vector<std::string_view> ids;
  std::vector<idx::Hit> hits;
  std::vector<tel::Record> records(mode == "batch" ? batch_size : 1);
  std::vector<const tel::Record*> pending;
  std::vector<sig::RecordHit> batch_hits;
  const bool aggregate = mode != "match";
  auto add = [&](std::string_view id, const tel::Record& rec) {
    ++r.hits;
    if (aggregate) aggregator.Add(id, rec.time_us, creator);
  };
  auto flush_batch = [&] {
    if (pending.empty()) return;
    matcher.MatchBatch(snapshot, pending, &batch_hits);
    size_t last = SIZE_MAX;
    for (const sig::RecordHit& h : batch_hits) {
      if (h.record != last) ++r.hit_lines;
      last = h.record;
      add(h.indicator, *pending[h.record]);
    }
    pending.clear();
  };
  double cpu0 = CpuSeconds(), wall0 = WallSeconds();
  tel::LogFollower follower(path);
  if (!follower.Open().ok()) return r;
  auto read = follower.Poll([&](std::string_view line, const tel::Position&) {
    ++r.lines;
    tel::Record& rec = records[mode == "batch" ? pending.size() : 0];
    if (!reader.Read(line, &rec)) {
      if (!line.empty() && line[0] != '#') ++r.refused;
      return;
    }
    ++r.records;
    if (rec.count == 0) return;
    if (mode == "batch") {
      pending.push_back(&rec);
      if (pending.size() == batch_size) flush_batch();
      return;
    }
    if (mode == "parse") return;  // the floor: read, parse and map alone
    if (mode == "flat" || mode == "match") {
      matcher.Match(snapshot, rec, &ids);
    } else {
      hits.clear();
      snapshot.MatchRecord(sig::RecordJson(rec), &hits);
      ids.clear();
      for (const idx::Hit& h : hits) ids.push_back(h.indicator);
      std::sort(ids.begin(), ids.end());
      ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    }
    if (!ids.empty()) ++r.hit_lines;
    for (std::string_view id : ids) add(id, rec);
  });
  flush_batch();
  r.cpu = CpuSeconds() - cpu0;
  r.wall = WallSeconds() - wall0;
  if (!read.ok()) r.lines = 0;
  return r;
}

std::vector<std::string> Split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) out.push_back(item);
  return out;
}

double LoadAverage() {
  double l = 0;
  std::ifstream f("/proc/loadavg");
  f >> l;
  return l;
}

}  // namespace

int main(int argc, char** argv) {
  size_t n_ind = 1'000'000, n_lines = 1'000'000, runs = 3;
  double hit_percent = 2, zipf = 1.0;
  const char* data_env = std::getenv("ENTENTE_BENCH_DATA");
  std::string dir = data_env != nullptr ? data_env : "";
  const char* tmp_env = std::getenv("TMPDIR");
  std::string tmp = tmp_env != nullptr ? tmp_env : "/tmp";
  std::vector<std::string> formats{"eve", "zeek", "zeek-json"},
      modes{"parse", "match", "flat", "batch", "json"};
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i], v = argv[i + 1];
    if (a == "--indicators") {
      n_ind = std::stoul(v);
    } else if (a == "--lines") {
      n_lines = std::stoul(v);
    } else if (a == "--data") {
      dir = v;
    } else if (a == "--hit-percent") {
      hit_percent = std::stod(v);
    } else if (a == "--zipf") {
      zipf = std::stod(v);
    } else if (a == "--runs") {
      runs = std::max<size_t>(1, std::stoul(v));
    } else if (a == "--formats") {
      formats = Split(v);
    } else if (a == "--modes") {
      modes = Split(v);
    } else if (a == "--batch") {
      batch_size = std::max<size_t>(1, std::stoul(v));
    } else if (a == "--dir") {
      tmp = v;
    } else {
      std::cerr << "usage: bench_sense_path [--data DIR] [--indicators N] [--lines L] "
                   "[--hit-percent P] [--zipf S] [--runs R] [--formats eve,zeek,zeek-json] "
                   "[--modes parse,match,flat,batch,json] [--batch N] [--dir TMPDIR]\n";
      return 2;
    }
  }
  if (dir.empty()) {
    std::cerr << "bench_sense_path: no data folder: give --data DIR or set ENTENTE_BENCH_DATA "
                 "(docs/benchmarks.md, \"Data\", says how to get it)\n";
    return 2;
  }
  Feed feed = entente::bench::LoadFeed(dir, Plain);
  Benign benign;
  benign.domains = WarningList(dir + "/benign/warninglist-cloudflare-top100k.json");
  for (const std::string& ip : WarningList(dir + "/benign/warninglist-public-dns-v4.json")) {
    if (ip.find('/') == std::string::npos && ip.find(':') == std::string::npos) {
      benign.ips.push_back(ip);
    }
  }
  auto keep_plain = [](std::vector<std::string>& v) {
    v.erase(std::remove_if(v.begin(), v.end(), [](const std::string& s) { return !Plain(s); }),
            v.end());
  };
  keep_plain(benign.domains);
  keep_plain(benign.ips);
  if (feed.ips.empty() || feed.domains.empty() || benign.domains.empty() || benign.ips.empty()) {
    std::cerr << "bench_sense_path: cannot read the data under " << dir << "\n";
    return 2;
  }
  HitPool pool;
  std::vector<idx::IndicatorSpec> specs = MakeIndicators(n_ind, feed, &pool);
  idx::IndicatorIndex index;
  std::vector<std::pair<std::string, entente::Status>> rejected;
  double b0 = WallSeconds();
  entente::Status st = index.Add(specs, &rejected);
  if (!st.ok()) {
    std::cerr << "bench_sense_path: index build failed: " << st.ToString() << "\n";
    return 1;
  }
  auto snapshot = index.snapshot();
  std::cout << "{\"indicators\":" << snapshot->size() << ",\"rejected\":" << rejected.size()
            << ",\"build_s\":" << WallSeconds() - b0 << "}" << std::endl;
  specs.clear();
  specs.shrink_to_fit();
  for (int i = 0; i < 4096; ++i) {
    benign.internal.push_back("10." + std::to_string(i % 4) + "." + std::to_string(i / 16) + "." +
                              std::to_string(1 + (i * 37) % 254));
  }
  size_t benign_before = benign.domains.size() + benign.ips.size() + benign.internal.size();
  KeepBenign(*snapshot, "domain-name", &benign.domains);
  KeepBenign(*snapshot, "ipv4-addr", &benign.ips);
  KeepBenign(*snapshot, "ipv4-addr", &benign.internal);
  if (benign.domains.empty() || benign.ips.empty() || benign.internal.empty()) {
    std::cerr << "bench_sense_path: every benign value matches an indicator\n";
    return 1;
  }
  if (zipf > 0) {
    // Popularity is not the lists' order (which may be alphabetical): a fixed shuffle.
    std::mt19937_64 shuffle(4242);
    for (std::vector<std::string>* v : {&benign.domains, &benign.ips, &benign.internal}) {
      std::shuffle(v->begin(), v->end(), shuffle);
    }
    benign.domains_cdf = ZipfCdf(benign.domains.size(), zipf);
    benign.ips_cdf = ZipfCdf(benign.ips.size(), zipf);
    benign.internal_cdf = ZipfCdf(benign.internal.size(), zipf);
  }
  std::cout << "{\"benign_domains\":" << benign.domains.size()
            << ",\"benign_ips\":" << benign.ips.size() << ",\"benign_dropped\":"
            << benign_before - benign.domains.size() - benign.ips.size() - benign.internal.size()
            << "}" << std::endl;

  std::map<std::string, std::string> files;
  for (size_t f = 0; f < formats.size(); ++f) {
    const std::string& format = formats[f];
    if (format != "eve" && format != "zeek" && format != "zeek-json") {
      std::cerr << "bench_sense_path: unknown format " << format << "\n";
      return 2;
    }
    LineGen gen(benign, pool, hit_percent / 100.0, 777 + f);
    std::string path = tmp + "/bench_sense_path." + std::to_string(getpid()) + "." + format;
    size_t bytes = WriteLog(path, format, n_lines, gen);
    if (bytes == 0) {
      std::cerr << "bench_sense_path: cannot write " << path << "\n";
      return 1;
    }
    files[format] = path;
    std::cout << "{\"file\":\"" << path << "\",\"format\":\"" << format
              << "\",\"lines\":" << n_lines << ",\"bytes\":" << bytes << "}" << std::endl;
  }

  std::map<std::pair<std::string, std::string>, std::vector<double>> rates;
  std::map<std::string, RunResult> last;
  for (size_t run = 0; run < runs; ++run) {
    for (const std::string& format : formats) {
      for (const std::string& mode : modes) {
        RunResult r = RunPath(files[format], format, mode, *snapshot);
        double rate = r.cpu > 0 ? r.records / r.cpu : 0;
        rates[{format, mode}].push_back(rate);
        last[format] = r;
        std::cout << "{\"run\":" << run << ",\"format\":\"" << format << "\",\"mode\":\"" << mode
                  << "\",\"lines\":" << r.lines << ",\"records\":" << r.records
                  << ",\"refused\":" << r.refused << ",\"hit_lines\":" << r.hit_lines
                  << ",\"hits\":" << r.hits << ",\"cpu_s\":" << r.cpu << ",\"wall_s\":" << r.wall
                  << ",\"records_per_cpu_s\":" << static_cast<uint64_t>(rate)
                  << ",\"load\":" << LoadAverage() << "}" << std::endl;
      }
    }
  }
  std::cout << "\nformat     mode    records/CPU-s (min .. max over " << runs
            << " runs)   lines with a hit\n";
  for (const std::string& format : formats) {
    for (const std::string& mode : modes) {
      std::vector<double>& v = rates[{format, mode}];
      std::sort(v.begin(), v.end());
      char buf[200];
      const RunResult& r = last[format];
      snprintf(buf, sizeof buf, "%-10s %-7s %9.0f .. %9.0f              %.2f %%\n", format.c_str(),
               mode.c_str(), v.front(), v.back(),
               r.records ? 100.0 * r.hit_lines / r.records : 0.0);
      std::cout << buf;
    }
  }
  for (auto& [format, path] : files) std::remove(path.c_str());
  return 0;
}
