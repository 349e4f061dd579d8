// Tests of the Zeek log readers (zeek.h). The format rules come from Zeek's documentation
// (docs.zeek.org, "Zeek Log Formats and Inspection" and the LogAscii writer's options),
// restated here in our own words; the sample logs are real Zeek output (see
// testdata/zeek/README.md for where each comes from and its licence).
#include "telemetry/zeek.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <new>
#include <sstream>
#include <string>
#include <vector>

// Counts heap allocations while `g_counting` is set, to check that the readers allocate
// nothing per line once warmed up.
namespace {
std::atomic<bool> g_counting{false};
std::atomic<long> g_allocations{0};
}  // namespace

void* operator new(size_t size) {
  if (g_counting) ++g_allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace entente::telemetry {
namespace {

std::string Sample(const std::string& name) {
  std::ifstream in(std::string(ENTENTE_ZEEK_TESTDATA) + "/" + name, std::ios::binary);
  EXPECT_TRUE(in) << name;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    lines.push_back(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return lines;
}

// One record as text: "log time | kind value field; ...".
std::string Show(const Record& r) {
  std::string s = std::string(r.log) + " " + std::to_string(r.time_us) + " |";
  for (size_t i = 0; i < r.count; ++i) {
    const Observable& o = r.observables[i];
    s += " " + std::string(KindName(o.kind)) + " " + o.value + " " + std::string(o.field) + ";";
  }
  return s;
}

struct Outcome {
  std::vector<std::string> records;
  std::vector<std::string> errors;  // "line N: field: message"
};

template <typename Reader>
Outcome ReadAll(Reader& reader, std::string_view text) {
  Outcome outcome;
  Record record;
  LineError error;
  size_t n = 0;
  for (std::string_view line : Lines(text)) {
    ++n;
    switch (reader.Feed(line, &record, &error)) {
      case ZeekLineKind::kRecord:
        outcome.records.push_back(Show(record));
        break;
      case ZeekLineKind::kError:
        outcome.errors.push_back("line " + std::to_string(n) + ": " + error.field + ": " +
                                 error.message);
        break;
      case ZeekLineKind::kNone:
        break;
    }
  }
  return outcome;
}

Outcome Tsv(std::string_view text) {
  ZeekTsvReader reader;
  return ReadAll(reader, text);
}

Outcome Json(std::string_view text, std::string_view log = "") {
  ZeekJsonReader reader(log);
  return ReadAll(reader, text);
}

// The default header of a TSV log with the given path, fields and types.
std::string Header(std::string_view path, std::string_view fields, std::string_view types) {
  return "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\t" +
         std::string(path) + "\n#open\t2026-12-02-10-00-00\n#fields\t" + std::string(fields) +
         "\n#types\t" + std::string(types) + "\n";
}

// --- Real logs, both formats ------------------------------------------------------------

// Zeek's TSV format: a header of '#' lines (separator, set separator, the strings for an
// empty and an unset field, the log's path, when it was opened, the field names and their
// types), then one event per line, fields in the order #fields names them.
TEST(ZeekTsv, DnsSampleFirstLine) {
  Outcome o = Tsv(Sample("wrccdc_dns.log"));
  ASSERT_TRUE(o.errors.empty()) << o.errors.front();
  ASSERT_EQ(o.records.size(), 30u);
  // answers is a vector[string] of names and addresses, split at the set separator ','.
  EXPECT_EQ(o.records[0],
            "dns 1521911720865716 | ipv4 10.47.1.100 id.orig_h; ipv4 10.0.0.100 id.resp_h; "
            "domain ise.wrccdc.org query; domain ise.wrccdc.cpp.edu answers; "
            "ipv4 134.71.3.16 answers;");
}

// Zeek's JSON logs carry the same fields, one object per line; in JSON streaming logs
// each object also names its log in "_path"; `ts` is an ISO 8601 string there.
TEST(ZeekJson, DnsSampleFirstLine) {
  Outcome o = Json(Sample("wrccdc_dns.json"));
  ASSERT_TRUE(o.errors.empty()) << o.errors.front();
  ASSERT_EQ(o.records.size(), 30u);
  EXPECT_EQ(o.records[0],
            "dns 1521911720865716 | ipv4 10.47.1.100 id.orig_h; ipv4 10.0.0.100 id.resp_h; "
            "domain ise.wrccdc.org query; domain ise.wrccdc.cpp.edu answers; "
            "ipv4 134.71.3.16 answers;");
}

// The two WRCCDC samples of each log come from one Zeek run over the same traffic, written
// by both writers: every line yields the same record in either format.
TEST(ZeekBothFormats, SameRecordsFromTheSameTraffic) {
  for (const char* log : {"dns", "ssl", "x509", "smtp", "notice"}) {
    Outcome tsv = Tsv(Sample(std::string("wrccdc_") + log + ".log"));
    Outcome json = Json(Sample(std::string("wrccdc_") + log + ".json"));
    EXPECT_TRUE(tsv.errors.empty()) << log;
    EXPECT_TRUE(json.errors.empty()) << log;
    EXPECT_FALSE(tsv.records.empty()) << log;
    EXPECT_EQ(tsv.records, json.records) << log;
  }
}

TEST(ZeekTsv, SslSampleCertificateChain) {
  Outcome o = Tsv(Sample("wrccdc_ssl.log"));
  ASSERT_FALSE(o.records.empty());
  // server_name is unset ('-'): no domain; cert_chain_fps holds SHA-256 fingerprints.
  EXPECT_EQ(o.records[0],
            "ssl 1521911720615923 | ipv4 10.164.94.120 id.orig_h; ipv4 10.47.3.200 id.resp_h; "
            "x509-sha256 b2dafbcdbc75210672f137f27ce882ccb799887631655d4f11191d5a678e44fe "
            "cert_chain_fps;");
}

TEST(ZeekTsv, X509SampleFingerprintAndSan) {
  Outcome o = Tsv(Sample("wrccdc_x509.log"));
  ASSERT_GE(o.records.size(), 2u);
  EXPECT_EQ(o.records[0],
            "x509 1521911720624556 | x509-sha256 "
            "b2dafbcdbc75210672f137f27ce882ccb799887631655d4f11191d5a678e44fe fingerprint; "
            "domain localhost.localdomain san.dns;");
}

TEST(ZeekTsv, SmtpSampleMailFrom) {
  Outcome o = Tsv(Sample("wrccdc_smtp.log"));
  ASSERT_FALSE(o.records.empty());
  EXPECT_EQ(o.records[0],
            "smtp 1521912292178596 | ipv4 10.164.94.120 id.orig_h; ipv4 10.47.1.208 id.resp_h; "
            "email nessus49048747@hotmail.com mailfrom;");
}

TEST(ZeekTsv, NoticeSampleSrcDst) {
  Outcome o = Tsv(Sample("wrccdc_notice.log"));
  ASSERT_FALSE(o.records.empty());
  EXPECT_EQ(o.records[0],
            "notice 1521911720629574 | ipv4 10.164.94.120 id.orig_h; ipv4 10.47.3.200 id.resp_h; "
            "ipv4 10.164.94.120 src; ipv4 10.47.3.200 dst;");
}

// Zeek documentation's own conn.log and http.log examples (JSON, `ts` as epoch seconds).
TEST(ZeekJson, DocsConnAndHttp) {
  Outcome conn = Json(Sample("zeek_docs_conn.json"), "conn");
  ASSERT_TRUE(conn.errors.empty());
  EXPECT_EQ(conn.records,
            (std::vector<std::string>{"conn 1591367999305988 | ipv4 192.168.4.76 id.orig_h; ipv4 "
                                      "192.168.4.1 id.resp_h;",
                                      "conn 1591367999430166 | ipv4 192.168.4.76 id.orig_h; ipv4 "
                                      "31.3.245.133 id.resp_h;"}));
  Outcome http = Json(Sample("zeek_docs_http.json"), "http");
  ASSERT_TRUE(http.errors.empty());
  EXPECT_EQ(http.records,
            (std::vector<std::string>{"http 1591367999512593 | ipv4 192.168.4.76 id.orig_h; ipv4 "
                                      "31.3.245.133 id.resp_h; domain testmyids.com host; url "
                                      "http://testmyids.com/ host,uri;"}));
}

// --- Every log of the mapping, TSV ------------------------------------------------------

TEST(ZeekTsv, ConnV6) {
  Outcome o = Tsv(Header("conn", "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p",
                         "time\tstring\taddr\tport\taddr\tport") +
                  "1300475167.097012\tClEkJM2Vm5giqnMf4h\tfe80::217:f2ff:fed7:cf65\t5353\tff02::"
                  "fb\t5353\n#close\t2026-12-02-10-00-01\n");
  ASSERT_TRUE(o.errors.empty());
  EXPECT_EQ(o.records, (std::vector<std::string>{"conn 1300475167097012 | ipv6 "
                                                 "fe80::217:f2ff:fed7:cf65 id.orig_h; ipv6 "
                                                 "ff02::fb id.resp_h;"}));
}

TEST(ZeekTsv, HttpHostForms) {
  std::string h =
      Header("http", "ts\tid.orig_h\tid.resp_h\thost\turi", "time\taddr\taddr\tstring\tstring");
  Outcome o = Tsv(h + "1.5\t10.0.0.1\t10.0.0.2\texample.org:8080\t/a?b=c\n" +
                  "2\t10.0.0.1\t10.0.0.2\t[2001:db8::1]:443\tindex.html\n" +
                  "3\t10.0.0.1\t10.0.0.2\t-\thttp://proxy.example/x\n" +
                  "4\t10.0.0.1\t10.0.0.2\t192.0.2.7\t-\n");
  ASSERT_TRUE(o.errors.empty()) << o.errors.front();
  EXPECT_EQ(o.records, (std::vector<std::string>{
                           "http 1500000 | ipv4 10.0.0.1 id.orig_h; ipv4 10.0.0.2 id.resp_h; "
                           "domain example.org host; url http://example.org:8080/a?b=c host,uri;",
                           "http 2000000 | ipv4 10.0.0.1 id.orig_h; ipv4 10.0.0.2 id.resp_h; "
                           "ipv6 2001:db8::1 host; url http://[2001:db8::1]:443/index.html "
                           "host,uri;",
                           "http 3000000 | ipv4 10.0.0.1 id.orig_h; ipv4 10.0.0.2 id.resp_h; url "
                           "http://proxy.example/x uri;",
                           "http 4000000 | ipv4 10.0.0.1 id.orig_h; ipv4 10.0.0.2 id.resp_h; ipv4 "
                           "192.0.2.7 host;"}));
}

TEST(ZeekTsv, FilesHashesAndHosts) {
  std::string h = Header("files", "ts\tfuid\ttx_hosts\trx_hosts\tmd5\tsha1\tsha256",
                         "time\tstring\tset[addr]\tset[addr]\tstring\tstring\tstring");
  Outcome o =
      Tsv(h +
          "1591367999.604000\tFEEsZS1w0Z0VJIb5x4\t31.3.245.133\t192.168.4.76,2001:db8::"
          "5\t2AE5F4E5D6C18A1E4C8E8C3DD6A6B9C1\tF5E4C3B2A1F5E4C3B2A1F5E4C3B2A1F5E4C3B2A1\t-\n");
  ASSERT_TRUE(o.errors.empty()) << o.errors.front();
  // Hashes come out lower-case.
  EXPECT_EQ(o.records,
            (std::vector<std::string>{"files 1591367999604000 | ipv4 31.3.245.133 tx_hosts; ipv4 "
                                      "192.168.4.76 rx_hosts; ipv6 2001:db8::5 rx_hosts; md5 "
                                      "2ae5f4e5d6c18a1e4c8e8c3dd6a6b9c1 md5; sha1 "
                                      "f5e4c3b2a1f5e4c3b2a1f5e4c3b2a1f5e4c3b2a1 sha1;"}));
}

TEST(ZeekTsv, SmtpDisplayNamesAndEscapedSetSeparator) {
  std::string h = Header("smtp", "ts\tmailfrom\trcptto\tfrom\tto",
                         "time\tstring\tset[string]\tstring\tset[string]");
  // Inside a set, Zeek writes a set separator that belongs to an element as \x2c.
  Outcome o = Tsv(h +
                  "10\t<bounce@example.org>\ta@example.org,b@example.net\t\"Doe\\x2c Jane\" "
                  "<jane@example.org>\tJohn <john@example.com>,\"Roe\\x2c R\" <r@example.com>\n");
  ASSERT_TRUE(o.errors.empty()) << o.errors.front();
  EXPECT_EQ(o.records,
            (std::vector<std::string>{"smtp 10000000 | email bounce@example.org mailfrom; email "
                                      "a@example.org rcptto; email b@example.net rcptto; email "
                                      "jane@example.org from; email john@example.com to; email "
                                      "r@example.com to;"}));
}

TEST(ZeekTsv, SslServerNameAndColonFingerprints) {
  std::string h = Header("ssl", "ts\tserver_name\tcert_chain_fps\tcert_chain_fuids",
                         "time\tstring\tvector[string]\tvector[string]");
  Outcome o = Tsv(h +
                  "1\twww.example.org.\t(empty)\tFEEsZS1w0Z0VJIb5x4,"
                  "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01\n");
  ASSERT_TRUE(o.errors.empty()) << o.errors.front();
  // The trailing dot goes; a fuid that is a file id is passed over, a SHA-1 is kept.
  EXPECT_EQ(o.records, (std::vector<std::string>{
                           "ssl 1000000 | domain www.example.org server_name; x509-sha1 "
                           "abcdef0123456789abcdef0123456789abcdef01 cert_chain_fuids;"}));
}

TEST(ZeekTsv, X509SanIp) {
  std::string h = Header("x509", "ts\tfingerprint\tsan.dns\tsan.ip",
                         "time\tstring\tvector[string]\tvector[addr]");
  Outcome o = Tsv(h + "1\t" + std::string(40, 'a') + "\t*.example.org\t192.0.2.1,2001:db8::2\n");
  ASSERT_TRUE(o.errors.empty()) << o.errors.front();
  EXPECT_EQ(o.records,
            (std::vector<std::string>{"x509 1000000 | x509-sha1 " + std::string(40, 'a') +
                                      " fingerprint; domain *.example.org san.dns; ipv4 192.0.2.1 "
                                      "san.ip; ipv6 2001:db8::2 san.ip;"}));
}

// --- Header directives, escapes, concatenated logs --------------------------------------

// #separator is the one header line whose value is escaped (\xNN) and follows a space,
// since the separator is not known yet; the btest baseline uses "||".
TEST(ZeekTsv, OtherSeparatorAndEscapedSeparatorInValue) {
  Outcome o = Tsv(Sample("zeek_btest_escape_ssh.log"));
  ASSERT_TRUE(o.errors.empty()) << o.errors.front();
  // Five lines, each with 7 fields although two hold "\x7c\x7c" (an escaped "||"); an
  // unknown log still maps id.orig_h and id.resp_h; its time field is "t", not "ts".
  ASSERT_EQ(o.records.size(), 5u);
  EXPECT_EQ(o.records[2], "ssh 0 | ipv4 1.2.3.4 id.orig_h; ipv4 2.3.4.5 id.resp_h;");
}

TEST(ZeekTsv, EscapedSetSeparatorBaseline) {
  Outcome o = Tsv(Sample("zeek_btest_escape_set_separator.log"));
  ASSERT_TRUE(o.errors.empty());
  EXPECT_EQ(o.records, (std::vector<std::string>{"test 0 |"}));
}

// A non-printable byte in a value is written \xNN (here \xfc in a URI); btest replaced
// the baseline's times with X's, which is not a time: the line is refused naming "ts".
TEST(ZeekTsv, EscapedByteInUriAndCanonicalisedTime) {
  std::string text = Sample("zeek_btest_escape_odd_url_http.log");
  Outcome raw = Tsv(text);
  ASSERT_EQ(raw.errors.size(), 1u);
  EXPECT_EQ(raw.errors[0].rfind("line 9: ts: not a time", 0), 0u) << raw.errors[0];
  size_t at = text.find("XXXXXXXXXX.XXXXXX");
  text.replace(at, 17, "1315799856.264750");
  Outcome o = Tsv(text);
  ASSERT_TRUE(o.errors.empty()) << o.errors.front();
  ASSERT_EQ(o.records.size(), 1u);
  EXPECT_NE(o.records[0].find("domain lepo.it.da.ut.ee host;"), std::string::npos);
  EXPECT_NE(o.records[0].find("url http://lepo.it.da.ut.ee/~cect/teoreetilised "
                              "seminarid_2010/arheoloogia_uurimisr\xfchma_seminar/Joyce et al"),
            std::string::npos)
      << o.records[0];
}

// #empty_field and #unset_field name the strings written for an empty container and for a
// field with no value; a header may choose others.
TEST(ZeekTsv, CustomEmptyAndUnsetStrings) {
  std::string text =
      "#separator \\x09\n#set_separator\t;\n#empty_field\tEMPTY\n#unset_field\tNONE\n"
      "#path\tdns\n#fields\tts\tquery\tanswers\n#types\ttime\tstring\tvector[string]\n"
      "1\tNONE\tEMPTY\n2\texample.org\t192.0.2.1;192.0.2.2\n3\t-\t(empty)\n";
  Outcome o = Tsv(text);
  ASSERT_TRUE(o.errors.empty()) << o.errors.front();
  EXPECT_EQ(o.records,
            (std::vector<std::string>{
                "dns 1000000 |",
                "dns 2000000 | domain example.org query; ipv4 192.0.2.1 answers; ipv4 192.0.2.2 "
                "answers;",
                // '-' and "(empty)" are ordinary strings under this header; neither is a
                // domain or an address, so nothing comes of them.
                "dns 3000000 |"}));
}

// Several logs in one stream: each begins with its own #separator line, which resets the
// header; #close ends a log.
TEST(ZeekTsv, ConcatenatedLogs) {
  std::string dns = Sample("wrccdc_dns.log");
  std::string ssl = Sample("wrccdc_ssl.log");
  Outcome o = Tsv(dns + "#close\t2024-04-12-19-34-07\n" + ssl + dns);
  ASSERT_TRUE(o.errors.empty()) << o.errors.front();
  ASSERT_EQ(o.records.size(), 90u);
  EXPECT_EQ(o.records[29].rfind("dns ", 0), 0u);
  EXPECT_EQ(o.records[30].rfind("ssl ", 0), 0u);
  EXPECT_EQ(o.records[60].rfind("dns ", 0), 0u);
  EXPECT_EQ(o.records[60], o.records[0]);
}

// A line may still carry its '\n' (or "\r\n"); an empty line is nothing.
TEST(ZeekLines, NewlinesAndEmptyLines) {
  ZeekTsvReader tsv;
  ZeekJsonReader json("conn");
  Record r;
  LineError e;
  const std::string header = Header("conn", "ts\tid.orig_h", "time\taddr");
  for (std::string_view line : Lines(header)) {
    EXPECT_EQ(tsv.Feed(line, &r, &e), ZeekLineKind::kNone);
  }
  EXPECT_EQ(tsv.Feed("", &r, &e), ZeekLineKind::kNone);
  ASSERT_EQ(tsv.Feed("1\t10.0.0.1\r\n", &r, &e), ZeekLineKind::kRecord);
  EXPECT_EQ(Show(r), "conn 1000000 | ipv4 10.0.0.1 id.orig_h;");
  EXPECT_EQ(json.Feed("  ", &r, &e), ZeekLineKind::kNone);
  ASSERT_EQ(json.Feed("{\"id.orig_h\":\"10.0.0.1\"}\r\n", &r, &e), ZeekLineKind::kRecord);
  EXPECT_EQ(Show(r), "conn 0 | ipv4 10.0.0.1 id.orig_h;");
}

// --- Bad input: each line is refused on its own and the stream goes on -----------------

TEST(ZeekTsv, DataBeforeHeader) {
  Outcome o = Tsv("1\t10.0.0.1\n");
  EXPECT_EQ(o.errors, (std::vector<std::string>{"line 1: : data line before any #fields header"}));
}

TEST(ZeekTsv, FieldCountMismatchAndTruncatedLastLine) {
  std::string dns = Sample("wrccdc_dns.log");
  // A file cut in the middle of its last line (a writer killed mid-write).
  std::string cut = dns.substr(0, dns.size() - 40);
  Outcome o = Tsv(cut);
  EXPECT_EQ(o.records.size(), 29u);
  ASSERT_EQ(o.errors.size(), 1u);
  EXPECT_EQ(o.errors[0], "line 38: : line has 22 fields where #fields names 24");
  // Cut inside an address: the missing fields are the reason given, not the address.
  Outcome cut2 = Tsv(Header("conn", "ts\tid.orig_h\tid.resp_h\tproto", "time\taddr\taddr\tenum") +
                     "1\t10.0.0.1\t10.0");
  EXPECT_EQ(cut2.errors,
            (std::vector<std::string>{"line 9: : line has 3 fields where #fields names 4"}));
}

TEST(ZeekTsv, HeaderChangingMidFile) {
  std::string h = Header("conn", "ts\tid.orig_h\tid.resp_h", "time\taddr\taddr");
  Outcome o = Tsv(h + "1\t10.0.0.1\t10.0.0.2\n#fields\tts\tid.resp_h\n#types\ttime\taddr\n" +
                  "2\t10.0.0.3\n");
  ASSERT_EQ(o.errors.size(), 2u);
  EXPECT_EQ(o.errors[0].rfind("line 10: #fields: header changed after data lines", 0), 0u);
  EXPECT_EQ(o.errors[1].rfind("line 11: #types: header changed", 0), 0u);
  // The new header is used for what follows.
  EXPECT_EQ(o.records.back(), "conn 2000000 | ipv4 10.0.0.3 id.resp_h;");
}

TEST(ZeekTsv, NotAnAddress) {
  std::string h = Header("conn", "ts\tid.orig_h\tid.resp_h", "time\taddr\taddr");
  Outcome o = Tsv(h + "1\t10.0.0.256\t10.0.0.2\n2\t10.0.0.1\t10.0.0.2\n");
  EXPECT_EQ(o.errors,
            (std::vector<std::string>{"line 9: id.orig_h: not an IP address: \"10.0.0.256\""}));
  EXPECT_EQ(o.records.size(), 1u);
}

TEST(ZeekTsv, BadHashAndBadTime) {
  std::string h = Header("files", "ts\tmd5", "time\tstring");
  Outcome o = Tsv(h + "1\tabc\n1.2.3\td41d8cd98f00b204e9800998ecf8427e\n");
  ASSERT_EQ(o.errors.size(), 2u);
  EXPECT_EQ(o.errors[0], "line 9: md5: not a hash of the expected length: \"abc\"");
  EXPECT_EQ(o.errors[1], "line 10: ts: not a time in seconds since the epoch: \"1.2.3\"");
}

TEST(ZeekTsv, DataAfterCloseAndTypesCount) {
  std::string h = Header("conn", "ts\tid.orig_h", "time\taddr");
  Outcome o = Tsv(h + "#close\tx\n1\t10.0.0.1\n" + Header("conn", "ts\tid.orig_h", "time") +
                  "2\t10.0.0.1\n");
  ASSERT_EQ(o.errors.size(), 2u);
  EXPECT_EQ(o.errors[0], "line 10: : data line after #close without a new header");
  EXPECT_EQ(o.errors[1], "line 18: #types: #types names 1 types for 2 fields");
  EXPECT_EQ(o.records, (std::vector<std::string>{"conn 2000000 | ipv4 10.0.0.1 id.orig_h;"}));
}

// An empty #set_separator cannot split anything: refused, the previous one is kept.
TEST(ZeekTsv, EmptySetSeparator) {
  Outcome o =
      Tsv("#separator \\x09\n#set_separator\t\n#path\tdns\n#fields\tts\tanswers\n"
          "#types\ttime\tvector[string]\n1\ta.example,b.example\n");
  EXPECT_EQ(o.errors,
            (std::vector<std::string>{
                "line 2: #set_separator: empty set separator; the previous one is kept"}));
  EXPECT_EQ(o.records, (std::vector<std::string>{"dns 1000000 | domain a.example answers; domain "
                                                 "b.example answers;"}));
}

TEST(ZeekLimits, GiganticLine) {
  std::string h = Header("conn", "ts\tid.orig_h", "time\taddr");
  std::string huge = "1\t" + std::string(kZeekMaxLineBytes, 'a');
  Outcome o = Tsv(h + huge + "\n2\t10.0.0.1\n");
  ASSERT_EQ(o.errors.size(), 1u);
  EXPECT_EQ(o.errors[0], "line 9: : line of 1048578 bytes is over the limit of 1048576");
  EXPECT_EQ(o.records.size(), 1u);
  ZeekJsonReader json("conn", 100);
  Record r;
  LineError e;
  EXPECT_EQ(json.Feed("{\"x\":\"" + std::string(100, 'b') + "\"}", &r, &e), ZeekLineKind::kError);
  EXPECT_EQ(e.message, "line of 108 bytes is over the limit of 100");
}

// --- JSON specifics ---------------------------------------------------------------------
// Zeek's JSON writer: one object per line, field names as in the TSV header ("id.orig_h"),
// unset fields left out, sets and vectors as arrays; JSON streaming logs add "_path".

TEST(ZeekJson, TimeForms) {
  // LogAscii::json_timestamps: epoch seconds (default), ISO 8601, or epoch milliseconds.
  Outcome o = Json(
      "{\"ts\":1591367999.305988}\n{\"ts\":\"2020-06-05T14:39:59.305988Z\"}\n"
      "{\"ts\":1591367999305}\n{\"ts\":true}\n{\"ts\":999999999999999.5}\n",
      "conn");
  EXPECT_EQ(o.records,
            (std::vector<std::string>{"conn 1591367999305988 |", "conn 1591367999305988 |",
                                      "conn 1591367999305000 |"}));
  // A time whose microseconds would not fit in 64 bits is not a time.
  EXPECT_EQ(o.errors,
            (std::vector<std::string>{
                "line 4: ts: not a number or a string",
                "line 5: ts: not a time in seconds since the epoch: \"999999999999999.5\""}));
}

TEST(ZeekJson, PathNotFirstAndUnknownLogs) {
  Outcome o = Json(
      "{\"query\":\"example.org\",\"_path\":\"dns\",\"id.orig_h\":\"10.0.0.1\"}\n"
      "{\"_path\":\"weird\",\"id.orig_h\":\"10.0.0.1\",\"query\":\"example.org\"}\n"
      "{\"id.resp_h\":\"::1\"}\n"
      "{\"_path\":\"dns\",\"query\":\"example.org\",\"_path\":\"conn\"}\n");
  EXPECT_EQ(o.errors, (std::vector<std::string>{"line 4: _path: given twice with different logs"}));
  EXPECT_EQ(o.records, (std::vector<std::string>{
                           "dns 0 | domain example.org query; ipv4 10.0.0.1 id.orig_h;",
                           "weird 0 | ipv4 10.0.0.1 id.orig_h;", " 0 | ipv6 ::1 id.resp_h;"}));
}

TEST(ZeekJson, FilesSmtpNoticeX509) {
  Outcome o = Json(
      "{\"_path\":\"files\",\"md5\":\"D41D8CD98F00B204E9800998ECF8427E\",\"tx_hosts\":[\"192.0.2."
      "9\"],\"rx_hosts\":[],\"sha256\":null}\n"
      "{\"_path\":\"smtp\",\"from\":\"\\\"A B\\\" <ab@example.org>\",\"to\":[\"x@example.net\"]}"
      "\n{\"_path\":\"notice\",\"src\":\"192.0.2.1\",\"dst\":\"2001:db8::1\"}\n"
      "{\"_path\":\"x509\",\"fingerprint\":\"" +
      std::string(64, 'F') + "\",\"san.ip\":[\"192.0.2.3\"],\"san.dns\":[\"a.example\"]}\n");
  ASSERT_TRUE(o.errors.empty()) << o.errors.front();
  EXPECT_EQ(o.records,
            (std::vector<std::string>{
                "files 0 | md5 d41d8cd98f00b204e9800998ecf8427e md5; ipv4 192.0.2.9 tx_hosts;",
                "smtp 0 | email ab@example.org from; email x@example.net to;",
                "notice 0 | ipv4 192.0.2.1 src; ipv6 2001:db8::1 dst;",
                "x509 0 | x509-sha256 " + std::string(64, 'f') +
                    " fingerprint; ipv4 192.0.2.3 san.ip; domain a.example san.dns;"}));
}

TEST(ZeekJson, BadLines) {
  Outcome o = Json(
      "{\"_path\":\"conn\",\"id.orig_h\":\"10.0.0.1\"\n"  // truncated object
      "[1,2]\n"                                           // not an object
      "{\"_path\":\"conn\"} {}\n"                         // trailing content
      "{\"_path\":\"conn\",\"id.orig_h\":5}\n"            // wrong type
      "{\"_path\":\"conn\",\"id.orig_h\":\"not-an-ip\"}\n"
      "{\"_path\":\"ssl\",\"cert_chain_fps\":[\"abc\"]}\n"
      "\n"
      "{\"_path\":\"conn\",\"id.orig_h\":\"10.0.0.1\"}\n");
  ASSERT_EQ(o.errors.size(), 6u);
  EXPECT_EQ(o.errors[0].rfind("line 1: : ", 0), 0u) << o.errors[0];
  EXPECT_EQ(o.errors[1].rfind("line 2: : not a JSON object", 0), 0u) << o.errors[1];
  EXPECT_EQ(o.errors[2], "line 3: : not one complete JSON object");
  EXPECT_EQ(o.errors[3], "line 4: id.orig_h: expected a string or an array of strings");
  EXPECT_EQ(o.errors[4], "line 5: id.orig_h: not an IP address: \"not-an-ip\"");
  EXPECT_EQ(o.errors[5], "line 6: cert_chain_fps: not a SHA-1 or SHA-256 fingerprint: \"abc\"");
  EXPECT_EQ(o.records, (std::vector<std::string>{"conn 0 | ipv4 10.0.0.1 id.orig_h;"}));
}

// --- The steady state allocates nothing per line -----------------------------------------

template <typename Reader>
long AllocationsOnSecondPass(Reader& reader, std::string_view text) {
  Record record;
  LineError error;
  std::vector<std::string_view> lines = Lines(text);
  for (std::string_view line : lines) (void)reader.Feed(line, &record, &error);
  g_allocations = 0;
  g_counting = true;
  size_t records = 0;
  for (std::string_view line : lines) {
    records += reader.Feed(line, &record, &error) == ZeekLineKind::kRecord;
  }
  g_counting = false;
  EXPECT_GT(records, 0u);
  return g_allocations;
}

TEST(ZeekAllocation, NonePerLineOnceWarm) {
  for (const char* log : {"dns", "ssl", "x509", "smtp", "notice"}) {
    std::string tsv = Sample(std::string("wrccdc_") + log + ".log");
    std::string json = Sample(std::string("wrccdc_") + log + ".json");
    // Data lines only for TSV: a second pass over the header would rebuild it.
    std::string data = tsv.substr(tsv.find("\n1") + 1);
    ZeekTsvReader tsv_reader;
    Record r;
    LineError e;
    for (std::string_view line : Lines(tsv)) (void)tsv_reader.Feed(line, &r, &e);
    EXPECT_EQ(AllocationsOnSecondPass(tsv_reader, data), 0) << log;
    ZeekJsonReader json_reader;
    EXPECT_EQ(AllocationsOnSecondPass(json_reader, json), 0) << log;
  }
}

}  // namespace
}  // namespace entente::telemetry
