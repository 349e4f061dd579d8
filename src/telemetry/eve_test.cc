// Tests of the Suricata EVE reader (telemetry/eve.h) against real EVE lines in
// testdata/eve/ (origins and licences in its README.md) and against hand-written lines for
// shapes and bad input those samples lack. The field names and forms checked are those of
// Suricata's "Eve JSON Format" documentation (doc/userguide/output/eve/eve-json-format.rst),
// cited per test in our own words; the mapping to observables is docs/telemetry.md.
#include "telemetry/eve.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <new>
#include <string>
#include <vector>

// Counts allocations so that a test can check that the steady state allocates nothing.
// (GCC 12 sees malloc/free under operator new/delete and warns of a mismatch it imagines.)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
namespace {
std::atomic<long> g_allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace entente::telemetry {
namespace {

std::vector<std::string> ReadLines(const std::string& name) {
  std::ifstream in(std::string(ENTENTE_EVE_TESTDATA) + "/" + name);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// "kind field value" per observable, in record order.
std::vector<std::string> Observables(const Record& r) {
  std::vector<std::string> out;
  for (size_t i = 0; i < r.count; ++i) {
    const Observable& o = r.observables[i];
    out.push_back(std::string(KindName(o.kind)) + " " + std::string(o.field) + " " + o.value);
  }
  return out;
}

class EveTest : public ::testing::Test {
 protected:
  // Parses a line that must be accepted.
  std::vector<std::string> Ok(std::string_view line) {
    auto error = parser_.Parse(line, record_);
    EXPECT_FALSE(error.has_value()) << (error ? error->field + ": " + error->message : "");
    EXPECT_EQ(record_.format, "eve");
    return Observables(record_);
  }
  // Parses a line that must be refused; returns the field named.
  std::string Refused(std::string_view line) {
    auto error = parser_.Parse(line, record_);
    EXPECT_TRUE(error.has_value());
    EXPECT_EQ(record_.count, 0u);
    if (!error) return "<accepted>";
    EXPECT_FALSE(error->message.empty());
    return error->field;
  }

  EveParser parser_;
  Record record_;
};

using Want = std::vector<std::string>;

// Suricata docs, common section: every event has "timestamp" and "event_type", and the
// flow tuple src_ip/dest_ip. An event type outside the mapping (here "ssh") keeps only
// the addresses; "stats" has no tuple at all.
TEST_F(EveTest, UnknownEventTypesGiveAddressesOnly) {
  const auto lines = ReadLines("authored-eve-small.json");
  ASSERT_EQ(lines.size(), 8u);
  EXPECT_EQ(Ok(lines[0]), (Want{"ipv4 src_ip 192.0.2.10", "ipv4 dest_ip 192.0.2.112"}));
  EXPECT_EQ(record_.log, "ssh");
  EXPECT_EQ(record_.time_us, 1709643669820360);  // 09:01:09.820360 at -0400
  EXPECT_EQ(Ok(lines[5]), Want{});
  EXPECT_EQ(record_.log, "stats");

  // A line of a type outside the mapping that carries an "http" object: still addresses
  // only, and no error.
  EXPECT_EQ(Ok(R"({"event_type":"anomaly","src_ip":"192.0.2.1","dest_ip":"192.0.2.2",)"
               R"("http":{"hostname":"evil.example","url":"/x"},"anomaly":{"type":"applayer"}})"),
            (Want{"ipv4 src_ip 192.0.2.1", "ipv4 dest_ip 192.0.2.2"}));
  EXPECT_EQ(record_.log, "anomaly");
  // No event_type at all: the same.
  EXPECT_EQ(Ok(R"({"src_ip":"192.0.2.1","tls":{"sni":"a.example"}})"),
            (Want{"ipv4 src_ip 192.0.2.1"}));
  EXPECT_EQ(record_.log, "");
}

// Suricata docs, alert: the alert object, plus the application-layer object of the
// transaction ("tls" here, with "sni" logged when the client sent one).
TEST_F(EveTest, AlertWithTlsContext) {
  const auto lines = ReadLines("authored-eve-small.json");
  EXPECT_EQ(Ok(lines[1]), (Want{"ipv4 src_ip 192.0.2.10", "ipv4 dest_ip 198.51.100.70",
                                "domain tls.sni tracker.example"}));
  EXPECT_EQ(record_.log, "alert");
}

// Suricata docs, alert: rule metadata is logged under alert.metadata; it names no
// observed value and is ignored (here it even holds the string "src_ip"). The http object
// gives hostname and url.
TEST_F(EveTest, AlertWithHttpContextIgnoresMetadata) {
  const auto lines = ReadLines("authored-eve-alert-metadata.json");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(Ok(lines[0]), (Want{"ipv4 src_ip 203.0.113.143", "ipv4 dest_ip 192.0.2.240",
                                "domain http.hostname nids-test.example",
                                "url http.url http://nids-test.example/uid/index.html"}));
  EXPECT_EQ(record_.time_us, 1706315291488362);  // +0100
}

// Suricata 7's alert context for DNS: "dns":{"query":[{...}]} and an "answer" object in
// the v2 answer form. The trailing dot of a name is dropped (observable.h, kDomain).
TEST_F(EveTest, AlertWithDnsContext) {
  EXPECT_EQ(Ok(R"({"timestamp":"2024-01-01T12:00:00.123456+0000","event_type":"alert",)"
               R"("src_ip":"10.0.0.1","dest_ip":"10.0.0.53","alert":{"signature_id":1,)"
               R"("metadata":{"hostile":["8.8.8.8"]}},"dns":{"query":[{"type":"query",)"
               R"("rrname":"bad.example.","rrtype":"A"}],"answer":{"version":2,"type":"answer",)"
               R"("rrname":"bad.example","answers":[{"rrname":"bad.example","rrtype":"A",)"
               R"("rdata":"192.0.2.7"}]}}})"),
            (Want{"ipv4 src_ip 10.0.0.1", "ipv4 dest_ip 10.0.0.53",
                  "domain dns.query[].rrname bad.example", "ipv4 dns.answers[].rdata 192.0.2.7"}));
  EXPECT_EQ(record_.time_us, 1704110400123456);
}

// Suricata docs, http: "hostname" is the host the event is attributed to, "url" the path
// at it. A Host that is an address gives an address (here equal to dest_ip, so kept once);
// the URL is built as http://host/url (EVE does not say whether TLS was used).
TEST_F(EveTest, HttpEvent) {
  const auto lines = ReadLines("authored-eve-small.json");
  EXPECT_EQ(Ok(lines[2]), (Want{"ipv4 src_ip 192.0.2.10", "ipv4 dest_ip 192.0.2.28",
                                "url http.url http://192.0.2.28/desc.xml"}));
  EXPECT_EQ(record_.log, "http");
}

// Suricata docs, http: "http_port" is logged when the Host header carries a port; it goes
// into the URL. An IPv6 host is bracketed in the URL. An absolute url (a proxy request) is
// kept as written; a url that is no path (CONNECT's host:port, OPTIONS' "*") gives no URL.
TEST_F(EveTest, HttpUrlForms) {
  EXPECT_EQ(
      Ok(R"({"event_type":"http","src_ip":"2001:db8::1","dest_ip":"2001:db8::2",)"
         R"("http":{"hostname":"www.test.org","http_port":1337,"url":"\/this\/is\/test.tar.gz"}})"),
      (Want{"ipv6 src_ip 2001:db8::1", "ipv6 dest_ip 2001:db8::2",
            "domain http.hostname www.test.org",
            "url http.url http://www.test.org:1337/this/is/test.tar.gz"}));
  EXPECT_EQ(Ok(R"({"event_type":"http","http":{"hostname":"2001:db8::5","url":"/x"}})"),
            (Want{"ipv6 http.hostname 2001:db8::5", "url http.url http://[2001:db8::5]/x"}));
  EXPECT_EQ(
      Ok(R"({"event_type":"http","http":{"url":"http://proxy.example/a","hostname":"proxy.example"}})"),
      (Want{"domain http.hostname proxy.example", "url http.url http://proxy.example/a"}));
  EXPECT_EQ(
      Ok(R"({"event_type":"http","http":{"hostname":"tunnel.example","url":"tunnel.example:443"}})"),
      (Want{"domain http.hostname tunnel.example"}));
  // No hostname: no URL either (a path alone is no absolute URL).
  EXPECT_EQ(Ok(R"({"event_type":"http","http":{"url":"/only/a/path"}})"), Want{});
  EXPECT_EQ(Refused(R"({"event_type":"http","http":{"hostname":"a.example","http_port":70000}})"),
            "http.http_port");
}

// Suricata docs, tls (extended): "fingerprint" is the SHA-1 of the certificate as
// colon-separated hex, "sni" the client's Server Name Indication.
TEST_F(EveTest, TlsEvent) {
  const auto lines = ReadLines("authored-eve-small.json");
  EXPECT_EQ(Ok(lines[6]),
            (Want{"ipv4 src_ip 192.0.2.10", "ipv4 dest_ip 203.0.113.13",
                  "x509-sha1 tls.fingerprint 4cfe01352ca8673d57ef0966a52c490c3b6b08ef",
                  "domain tls.sni imap.mail.example.org"}));
  EXPECT_EQ(record_.time_us, 1709646710666597);
  const auto checks = ReadLines("suricata-verify-checks.json");
  EXPECT_EQ(Ok(checks[3]),
            (Want{"ipv4 src_ip 192.168.0.253", "ipv4 dest_ip 151.101.36.133",
                  "x509-sha1 tls.fingerprint ccaa484866460e91532c9c7c232ab1744d299d33",
                  "domain tls.sni raw.githubusercontent.com"}));
  EXPECT_EQ(record_.time_us, 0);  // no timestamp in the reassembled line
  // Upper-case hex is lower-cased; ja3 is not mapped.
  EXPECT_EQ(
      Ok(R"({"event_type":"tls","tls":{"fingerprint":"8F:51:12:06:A0:CC:4E:CD:E8:A3:8B:38:F8:87:59:E5:AF:95:CA:CD",)"
         R"("ja3":{"hash":"e7eca2baf4458d095b7f45da28c16c34"}}})"),
      (Want{"x509-sha1 tls.fingerprint 8f511206a0cc4ecde8a38b38f88759e5af95cacd"}));
}

// Suricata docs, fileinfo: md5/sha1/sha256 of the file when hashing is enabled, next to the
// application-layer object (http here) of the transaction that carried it.
TEST_F(EveTest, FileinfoEvent) {
  const auto lines = ReadLines("authored-eve-small.json");
  EXPECT_EQ(Ok(lines[3]),
            (Want{"ipv4 src_ip 192.0.2.28", "ipv4 dest_ip 192.0.2.10",
                  "url http.url http://192.0.2.28/files/report.bin",
                  "md5 fileinfo.md5 8f30de1b573cc9c3ccbbcac691face91",
                  "sha1 fileinfo.sha1 62df7ba41d75f61ffee0c413de6790634726342a",
                  "sha256 fileinfo.sha256 "
                  "5b76869ec054d4cc851101f887516645438e1a248addd32e8587a0c5e1f81f78"}));
  EXPECT_EQ(record_.log, "fileinfo");
  const auto verify = ReadLines("suricata-verify-output-eve-fileinfo.json");
  ASSERT_EQ(verify.size(), 1u);
  EXPECT_EQ(Ok(verify[0]), (Want{"ipv4 src_ip 188.40.238.250", "ipv4 dest_ip 10.16.1.11",
                                 "domain http.hostname www.eicar.org",
                                 "url http.url http://www.eicar.org/download/eicar.com"}));
  EXPECT_EQ(record_.time_us, 1465416112875791);
  const auto checks = ReadLines("suricata-verify-checks.json");
  EXPECT_EQ(Ok(checks[4]),
            (Want{"ipv4 src_ip 192.168.100.16", "ipv4 dest_ip 192.168.100.230",
                  "sha256 fileinfo.sha256 "
                  "7d400735ff3054837da5d92a10ad2faa8b6825f100dc167a6b008e753015b382"}));
}

// Suricata docs, flow: counters and state only; the event's own tuple is all it shows.
// IPv6 addresses are kept as Suricata writes them (uncompressed).
TEST_F(EveTest, FlowEvent) {
  const auto lines = ReadLines("authored-eve-small.json");
  EXPECT_EQ(Ok(lines[7]), (Want{"ipv6 src_ip fe80:0000:0000:0000:0211:22ff:fe33:4455",
                                "ipv6 dest_ip ff02:0000:0000:0000:0000:0000:0001:0002"}));
  EXPECT_EQ(record_.log, "flow");
}

// Suricata docs, dns: the old format logs one record per event at the top of "dns"
// (rrname, rrtype, rdata); rdata is an address for A/AAAA and a name for CNAME.
TEST_F(EveTest, DnsVersion1) {
  const auto small = ReadLines("authored-eve-small.json");
  EXPECT_EQ(Ok(small[4]),
            (Want{"ipv4 src_ip 192.0.2.1", "ipv4 dest_ip 192.0.2.10",
                  "domain dns.rrname cdn.example.net", "ipv4 dns.rdata 203.0.113.110"}));
  const auto dns = ReadLines("authored-eve-dns-v1-v2.json");
  ASSERT_EQ(dns.size(), 5u);
  EXPECT_EQ(Ok(dns[0]), (Want{"ipv4 src_ip 192.0.2.15", "ipv4 dest_ip 192.0.2.3",
                              "domain dns.rrname example.com"}));
  EXPECT_EQ(record_.time_us, 1724370507924120);
  EXPECT_EQ(Ok(dns[3]),
            (Want{"ipv4 src_ip 192.0.2.3", "ipv4 dest_ip 192.0.2.15",
                  "domain dns.rrname www.example.net", "domain dns.rdata edge-1.example.net"}));
  EXPECT_EQ(Ok(dns[4]), (Want{"ipv4 src_ip 192.0.2.3", "ipv4 dest_ip 192.0.2.15",
                              "domain dns.rrname edge-1.example.net",
                              "ipv6 dns.rdata 2001:0db8:0058:1836:0000:0000:0000:0010"}));
}

// Suricata docs, dns version 2: answers in one event, "detailed" (answers[] with rrname,
// rrtype, rdata) and/or "grouped" (values by record type). A value given by both is kept
// once.
TEST_F(EveTest, DnsVersion2DetailedAndGrouped) {
  const auto dns = ReadLines("authored-eve-dns-v1-v2.json");
  EXPECT_EQ(Ok(dns[1]), (Want{"ipv4 src_ip 192.0.2.3", "ipv4 dest_ip 192.0.2.15",
                              "domain dns.rrname example.com",
                              "ipv6 dns.answers[].rdata 2001:0db8:4006:0805:0000:0000:0000:200e"}));
  EXPECT_EQ(
      Ok(dns[2]),
      (Want{"ipv4 src_ip 192.0.2.3", "ipv4 dest_ip 192.0.2.15", "domain dns.rrname www.example.org",
            "domain dns.answers[].rdata edge.cdn.example.net",
            "ipv4 dns.answers[].rdata 203.0.113.1", "ipv4 dns.answers[].rdata 203.0.113.2",
            "ipv4 dns.answers[].rdata 203.0.113.3", "ipv4 dns.answers[].rdata 203.0.113.4"}));
  // Grouped only, with the name types and one type that is not mapped (TXT).
  EXPECT_EQ(Ok(R"({"event_type":"dns","dns":{"version":2,"type":"answer","rrname":"example.org",)"
               R"("grouped":{"MX":["mail.example.org"],"NS":["ns1.example.org."],)"
               R"("TXT":["v=spf1 -all"],"PTR":["host.example.org"],"A":["192.0.2.1"]}}})"),
            (Want{"domain dns.rrname example.org", "domain dns.grouped.MX mail.example.org",
                  "domain dns.grouped.NS ns1.example.org",
                  "domain dns.grouped.PTR host.example.org", "ipv4 dns.grouped.A 192.0.2.1"}));
}

// Suricata 8's dns version 3 (suricata-verify decode-teredo-01): "type" request/response,
// queries[] and answers[]; authorities[] are not mapped.
TEST_F(EveTest, DnsVersion3) {
  const auto checks = ReadLines("suricata-verify-checks.json");
  ASSERT_EQ(checks.size(), 5u);
  EXPECT_EQ(Ok(checks[0]), (Want{"ipv4 src_ip 192.168.2.16", "ipv4 dest_ip 192.168.2.1",
                                 "domain dns.queries[].rrname ipv6.google.com"}));
  EXPECT_EQ(Ok(checks[1]),
            (Want{"ipv4 src_ip 192.168.2.1", "ipv4 dest_ip 192.168.2.16",
                  "domain dns.queries[].rrname ipv6.google.com",
                  "domain dns.answers[].rdata ipv6.l.google.com",
                  "ipv6 dns.answers[].rdata 2001:4860:0000:2001:0000:0000:0000:0068"}));
}

// SMTP envelope (smtp.mail_from, smtp.rcpt_to[]) and the parsed message (email.from,
// email.to[], email.cc[]): addr-specs without display names or angle brackets.
TEST_F(EveTest, SmtpAndEmail) {
  const auto checks = ReadLines("suricata-verify-checks.json");
  EXPECT_EQ(Ok(checks[2]), (Want{"ipv4 src_ip 127.0.0.1", "email smtp.mail_from toto@gmail.com",
                                 "email smtp.rcpt_to[] 172.16.92.2@linuxbox"}));
  EXPECT_EQ(record_.log, "smtp");
  EXPECT_EQ(
      Ok(R"({"event_type":"smtp","smtp":{"mail_from":"<>","rcpt_to":["<a@example.org>","postmaster"]},)"
         R"("email":{"from":"\"Doe, John\" <john@example.org>",)"
         R"("to":["x@example.org, Y <y@example.org>"],"cc":["c@example.org"]}})"),
      (Want{"email smtp.rcpt_to[] a@example.org", "email email.from john@example.org",
            "email email.to[] x@example.org", "email email.to[] y@example.org",
            "email email.cc[] c@example.org"}));
  // A stray bracket leaves no addr-spec (found by fuzz_eve: "user@host>" was kept).
  EXPECT_EQ(
      Ok(R"({"event_type":"smtp","email":{"from":"user@example.org>","to":["a@example.org<"]}})"),
      Want{});
  // An alert on an SMTP transaction carries the same objects.
  EXPECT_EQ(Ok(R"({"event_type":"alert","alert":{},"smtp":{"mail_from":"<alice@example.com>"}})"),
            (Want{"email smtp.mail_from alice@example.com"}));
}

// "Missing or null fields produce nothing."
TEST_F(EveTest, NullFieldsGiveNothing) {
  EXPECT_EQ(Ok(R"({"event_type":"dns","src_ip":null,"dest_ip":"10.0.0.1","dns":null})"),
            (Want{"ipv4 dest_ip 10.0.0.1"}));
  EXPECT_EQ(Ok(R"({"event_type":"tls","timestamp":null,"tls":{"sni":null,"fingerprint":null}})"),
            Want{});
  EXPECT_EQ(Ok(R"({"event_type":"dns","dns":{"answers":null,"grouped":{"A":null}}})"), Want{});
  EXPECT_EQ(Ok(R"({"event_type":"fileinfo","fileinfo":{"md5":"","sha1":null}})"), Want{});
}

// Issue 14, bad input: a malformed line and a truncated line are refused as a whole.
TEST_F(EveTest, MalformedAndTruncatedLines) {
  EXPECT_EQ(Refused(R"({"event_type":"dns",,})"), "");
  EXPECT_EQ(Refused(R"({"event_type" "dns"})"), "");
  EXPECT_EQ(Refused(""), "");
  EXPECT_EQ(Refused("   "), "");
  EXPECT_EQ(Refused(R"({"a":1} {"b":2})"), "");
  EXPECT_EQ(Refused(R"({"event_type":"flow","flow":{"age":1})"), "");  // unbalanced
  // Documented limit (eve.h): a malformed value that is not read does not refuse the line.
  EXPECT_EQ(Ok(R"({"event_type":"flow","src_ip":"10.0.0.1","flow":{"age":tru}})"),
            (Want{"ipv4 src_ip 10.0.0.1"}));
  const auto lines = ReadLines("authored-eve-small.json");
  for (const std::string& line : lines) {
    for (size_t cut : {line.size() / 3, line.size() / 2, line.size() - 1}) {
      SCOPED_TRACE(line.substr(0, cut));
      Refused(std::string_view(line).substr(0, cut));
    }
  }
}

// Issue 14, bad input: a value that is not an address, in every place an address is
// expected, names its field; so do values of the wrong JSON type, a digest that is not
// hex of the right length, and a timestamp that is not one.
TEST_F(EveTest, ValuesThatAreNotWhatTheFieldHolds) {
  EXPECT_EQ(Refused(R"({"event_type":"flow","src_ip":"not-an-ip","dest_ip":"10.0.0.1"})"),
            "src_ip");
  EXPECT_EQ(Refused(R"({"event_type":"flow","dest_ip":"300.1.1.1"})"), "dest_ip");
  EXPECT_EQ(Refused(R"({"event_type":"flow","dest_ip":17})"), "dest_ip");
  EXPECT_EQ(
      Refused(R"({"event_type":"dns","dns":{"answers":[{"rrtype":"A","rdata":"x.example"}]}})"),
      "dns.answers[].rdata");
  EXPECT_EQ(Refused(R"({"event_type":"dns","dns":{"rrtype":"AAAA","rdata":"1.2.3.4.5"}})"),
            "dns.rdata");
  EXPECT_EQ(Refused(R"({"event_type":"dns","dns":{"grouped":{"AAAA":["zz::1::2"]}}})"),
            "dns.grouped.AAAA");
  EXPECT_EQ(Refused(R"({"event_type":"dns","dns":{"answers":{"rrtype":"A"}}})"), "dns.answers[]");
  EXPECT_EQ(
      Refused(R"({"event_type":"fileinfo","fileinfo":{"md5":"427b7337ff37eeb24d74f47d8e04cf2"}})"),
      "fileinfo.md5");
  EXPECT_EQ(
      Refused(
          R"({"event_type":"fileinfo","fileinfo":{"sha1":"g13573490192c685e9e53abef25453ed0d5e2aee"}})"),
      "fileinfo.sha1");
  EXPECT_EQ(
      Refused(
          R"({"event_type":"tls","tls":{"fingerprint":"6a:ff:ac:a6:5f:8a:05:e7:a9:8c:76:29:b9:08:c7:69:ad:dc:72:47:00"}})"),
      "tls.fingerprint");
  EXPECT_EQ(Refused(R"({"event_type":"smtp","smtp":{"rcpt_to":"a@example.org"}})"),
            "smtp.rcpt_to[]");
  EXPECT_EQ(Refused(R"({"event_type":["dns"]})"), "event_type");
  EXPECT_EQ(Refused(R"({"timestamp":"2024-13-01T00:00:00.000000+0000","event_type":"flow"})"),
            "timestamp");
  EXPECT_EQ(Refused(R"({"timestamp":"2023-02-29T00:00:00+0000","event_type":"flow"})"),
            "timestamp");
  EXPECT_EQ(Refused(R"({"timestamp":"yesterday","event_type":"flow"})"), "timestamp");
}

// Timestamps: EVE writes a +hhmm offset; "Z", +hh:mm and no offset (UTC) are read too, and
// digits past the microsecond are dropped.
TEST_F(EveTest, TimestampForms) {
  const int64_t want = 1704110400123456;
  for (const char* ts : {"2024-01-01T12:00:00.123456+0000", "2024-01-01T12:00:00.123456Z",
                         "2024-01-01T13:00:00.123456+01:00", "2024-01-01T12:00:00.123456",
                         "2024-01-01T12:00:00.1234569Z", "2024-01-01T07:30:00.123456-0430"}) {
    SCOPED_TRACE(ts);
    Ok(std::string(R"({"event_type":"flow","timestamp":")") + ts + "\"}");
    EXPECT_EQ(record_.time_us, want);
  }
  Ok(R"({"event_type":"flow","timestamp":"1969-12-31T23:59:59.000000+0000"})");
  EXPECT_EQ(record_.time_us, -1000000);
}

// Issue 14, bad input: a gigantic line is refused by length, before parsing, and the limit
// is documented (EveParser::kMaxLineBytes); a long line under it is read.
TEST_F(EveTest, GiganticLine) {
  std::string payload(EveParser::kMaxLineBytes, 'A');
  const std::string over =
      R"({"event_type":"flow","src_ip":"10.0.0.1","payload":")" + payload + "\"}";
  EXPECT_EQ(Refused(over), "");
  auto error = parser_.Parse(over, record_);
  ASSERT_TRUE(error.has_value());
  EXPECT_NE(error->message.find("limit"), std::string::npos);

  payload.resize(EveParser::kMaxLineBytes - 100);
  const std::string under =
      R"({"event_type":"flow","src_ip":"10.0.0.1","payload":")" + payload + "\"}";
  ASSERT_LE(under.size(), EveParser::kMaxLineBytes);
  EXPECT_EQ(Ok(under), (Want{"ipv4 src_ip 10.0.0.1"}));
}

// Issue 14, bad input: JSON that is not an object.
TEST_F(EveTest, JsonThatIsNotAnObject) {
  EXPECT_EQ(Refused("[1,2,3]"), "");
  EXPECT_EQ(Refused(R"("event_type")"), "");
  EXPECT_EQ(Refused("42"), "");
  EXPECT_EQ(Refused("null"), "");
}

// A line end is not part of the line; after a refused line the parser reads the next one.
TEST_F(EveTest, LineEndsAndReuse) {
  EXPECT_EQ(Ok("{\"event_type\":\"flow\",\"src_ip\":\"10.0.0.1\"}\r\n"),
            (Want{"ipv4 src_ip 10.0.0.1"}));
  Refused(R"({"event_type":"flow","src_ip":"nope"})");
  EXPECT_EQ(Ok(R"({"event_type":"flow","src_ip":"10.0.0.2"})"), (Want{"ipv4 src_ip 10.0.0.2"}));
}

// Keys are compared as written, but a key spelled with a JSON escape is still the key
// (RFC 8259 section 7: "\u005f" is "_").
TEST_F(EveTest, EscapedKeys) {
  EXPECT_EQ(Ok(R"({"event_type":"flow","src\u005fip":"10.0.0.9","dest_ip":"10.0.0.8"})"),
            (Want{"ipv4 src_ip 10.0.0.9", "ipv4 dest_ip 10.0.0.8"}));
  EXPECT_EQ(Ok(R"({"event\u005ftype":"dns","dns":{"rr\u006eame":"a.example"}})"),
            (Want{"domain dns.rrname a.example"}));
}

// At most kMaxObservables per line; the rest are dropped, not refused.
TEST_F(EveTest, ObservableCap) {
  std::string line = R"({"event_type":"dns","dns":{"grouped":{"A":[)";
  for (int i = 0; i < 400; ++i) {
    if (i) line += ",";
    line += "\"10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256) + "\"";
  }
  line += "]}}}";
  Ok(line);
  EXPECT_EQ(record_.count, EveParser::kMaxObservables);
}

// The aim of the design (issue 14, a million lines per CPU-second): once the parser and
// the Record have seen the lines, reading them again allocates nothing.
TEST_F(EveTest, SteadyStateAllocatesNothing) {
  std::vector<std::string> lines;
  for (const char* file : {"authored-eve-small.json", "authored-eve-dns-v1-v2.json",
                           "authored-eve-alert-metadata.json", "suricata-verify-checks.json",
                           "suricata-verify-output-eve-fileinfo.json"}) {
    for (auto& l : ReadLines(file)) lines.push_back(std::move(l));
  }
  ASSERT_GT(lines.size(), 15u);
  // The counter works: a fresh parser and Record allocate while they grow.
  {
    const long cold = g_allocations.load();
    EveParser fresh;
    Record record;
    for (const auto& l : lines) ASSERT_FALSE(fresh.Parse(l, record).has_value()) << l;
    EXPECT_GT(g_allocations.load() - cold, 0);
  }
  for (int warm = 0; warm < 2; ++warm) {
    for (const auto& l : lines) ASSERT_FALSE(parser_.Parse(l, record_).has_value()) << l;
  }
  const long before = g_allocations.load();
  size_t observed = 0;
  for (int round = 0; round < 3; ++round) {
    for (const auto& l : lines) {
      const bool refused = parser_.Parse(l, record_).has_value();
      observed += record_.count + (refused ? 1000000 : 0);
    }
  }
  const long after = g_allocations.load();
  EXPECT_EQ(after - before, 0);
  EXPECT_GT(observed, 0u);
  EXPECT_LT(observed, 1000000u);
}

}  // namespace
}  // namespace entente::telemetry
