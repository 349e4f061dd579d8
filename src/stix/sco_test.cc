// Rule by rule: the STIX Cyber-observable Objects.
#include <gtest/gtest.h>

#include <string>

#include "stix/stix.h"
#include "stix/test_util.h"

namespace entente::stix {
namespace {

using testing::Breaks;
using testing::Describe;
using testing::Obj;
using testing::RulesOf;

constexpr char kUuid[] = "6ba7b810-9dad-51d1-b0b4-00c04fd430c8";
constexpr char kUuid4[] = "4527e5de-8572-446a-a57a-706f15467461";

std::string Id(const std::string& type) { return "\"" + type + "--" + kUuid + "\""; }

boost::json::object Sco(const std::string& type, const std::string& extra) {
  return Obj(R"({"type": ")" + type + R"(", "spec_version": "2.1", "id": )" + Id(type) +
             (extra.empty() ? "" : ", " + extra) + "}");
}

TEST(ScoTest, MinimalValidObjects) {
  const std::pair<std::string, std::string> cases[] = {
      {"artifact", R"("payload_bin": "iVBORw0KGgoAAAANSUhEUgAAADI=")"},
      {"artifact",
       R"("url": "https://x.example/a", "hashes": {"MD5": "d41d8cd98f00b204e9800998ecf8427e"})"},
      {"autonomous-system", R"("number": 15139)"},
      {"directory", R"("path": "C:\\Windows")"},
      {"domain-name", R"("value": "example.com", "resolves_to_refs": [)" + Id("ipv4-addr") + "]"},
      {"email-addr", R"("value": "a@example.com", "belongs_to_ref": )" + Id("user-account")},
      {"email-message", R"("is_multipart": false, "body": "hi", "from_ref": )" + Id("email-addr")},
      {"file", R"("name": "a.exe", "size": 0, "parent_directory_ref": )" + Id("directory")},
      {"file",
       R"("hashes": {"SHA-256": "4bac27393bdd9777ce02453256c5577cd02275510b2227f473d03f533924f877", "x_custom": "v"})"},
      {"ipv4-addr",
       R"("value": "198.51.100.3", "belongs_to_refs": [)" + Id("autonomous-system") + "]"},
      {"ipv6-addr", R"("value": "2001:db8::1")"},
      {"mac-addr", R"("value": "d2:fb:49:24:37:18")"},
      {"mutex", R"("name": "__CLEANSWEEP__")"},
      {"network-traffic",
       R"("protocols": ["ipv4", "tcp"], "src_port": 0, "dst_port": 65535, "src_ref": )" +
           Id("ipv4-addr")},
      {"process", R"("pid": 1221, "image_ref": )" + Id("file")},
      {"software", R"("name": "Word")"},
      {"url", R"("value": "https://example.com/")"},
      {"user-account", R"("user_id": "1001")"},
      {"windows-registry-key",
       R"("key": "HKEY_LOCAL_MACHINE\\System", "values": [{"name": "Foo", "data_type": "REG_SZ"}])"},
      {"x509-certificate",
       R"("serial_number": "36:f7:d4:32:f4:ab:70:ea:d3:ce:98:6e:ea:99:93:49:32:0a:b7:06")"},
  };
  for (const auto& [type, extra] : cases) {
    SCOPED_TRACE(type);
    auto object = Sco(type, extra);
    // Section 2.9: a process has no ID contributing property, so its id is a UUIDv4.
    if (type == "process") object["id"] = "process--" + std::string(kUuid4);
    const auto findings = ValidateObject(object);
    EXPECT_TRUE(findings.empty()) << Describe(findings);
  }
}

TEST(ScoTest, SpecVersionIsOptionalButCommonSdoPropertiesAreNotRequired) {
  auto o =
      Obj(R"({"type": "url", "id": "url--6ba7b810-9dad-51d1-b0b4-00c04fd430c8", "value": "x"})");
  EXPECT_TRUE(RulesOf(o).empty()) << Describe(ValidateObject(o));
  EXPECT_TRUE(Breaks(Sco("url", R"("value": "x", "defanged": "yes")"), "type-boolean", "defanged"));
}

TEST(ScoTest, RequiredProperties) {
  const std::pair<const char*, const char*> cases[] = {
      {"autonomous-system", "number"},
      {"directory", "path"},
      {"domain-name", "value"},
      {"email-addr", "value"},
      {"email-message", "is_multipart"},
      {"ipv4-addr", "value"},
      {"ipv6-addr", "value"},
      {"mac-addr", "value"},
      {"mutex", "name"},
      {"network-traffic", "protocols"},
      {"software", "name"},
      {"url", "value"},
  };
  for (const auto& [type, property] : cases) {
    SCOPED_TRACE(std::string(type) + "." + property);
    EXPECT_TRUE(Breaks(Sco(type, ""), "required-property", property));
  }
  for (const char* type : {"file", "network-traffic", "process", "user-account",
                           "windows-registry-key", "x509-certificate"}) {
    SCOPED_TRACE(type);
    EXPECT_TRUE(Breaks(Sco(type, ""), "at-least-one", ""));
  }
}

TEST(ScoTest, Artifact) {
  EXPECT_TRUE(Breaks(Sco("artifact", ""), "payload-xor-url", "payload_bin"));
  EXPECT_TRUE(Breaks(
      Sco("artifact",
          R"("payload_bin": "AAAA", "url": "u", "hashes": {"MD5": "d41d8cd98f00b204e9800998ecf8427e"})"),
      "payload-xor-url", "url"));
  EXPECT_TRUE(Breaks(Sco("artifact", R"("url": "u")"), "required-property", "hashes"));
  EXPECT_TRUE(
      Breaks(Sco("artifact", R"("payload_bin": "not base64!")"), "binary-format", "payload_bin"));
}

TEST(ScoTest, Hashes) {
  EXPECT_TRUE(Breaks(Sco("file", R"("hashes": {"MD5": "d41d8cd98f00b204e9800998ecf8427"})"),
                     "hash-value", "hashes.MD5"));
  EXPECT_TRUE(
      Breaks(Sco("file", R"("hashes": {"SHA-1": "zz39a3ee5e6b4b0d3255bfef95601890afd80709"})"),
             "hash-value", "hashes.SHA-1"));
  EXPECT_TRUE(
      Breaks(Sco("file", R"("hashes": {"SHA-512": "00"})"), "hash-value", "hashes.SHA-512"));
  EXPECT_TRUE(Breaks(Sco("file", R"("hashes": {})"), "empty-dictionary", "hashes"));
  EXPECT_TRUE(Breaks(Sco("file", R"("hashes": {"MD5": 5})"), "type-string", "hashes.MD5"));
  // Section 10.7: SSDEEP is a piecewise hash, TLSH a 35-byte digest (70 hex digits).
  EXPECT_TRUE(
      RulesOf(Sco("file", R"("hashes": {"SSDEEP": "3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C",
                          "TLSH": "T1A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4"})"))
          .empty());
  EXPECT_TRUE(Breaks(Sco("file", R"("hashes": {"TLSH": "t"})"), "hash-value", "hashes.TLSH"));
}

TEST(ScoTest, ReferenceTargets) {
  EXPECT_TRUE(Breaks(Sco("file", R"("name": "a", "parent_directory_ref": )" + Id("file")),
                     "ref-type", "parent_directory_ref"));
  EXPECT_TRUE(Breaks(Sco("file", R"("name": "a", "contains_refs": [)" + Id("identity") + "]"),
                     "ref-type", "contains_refs[0]"));
  EXPECT_TRUE(RulesOf(Sco("file", R"("name": "a", "contains_refs": [)" + Id("url") + "]")).empty());
  EXPECT_TRUE(Breaks(Sco("domain-name", R"("value": "a", "resolves_to_refs": [)" + Id("url") + "]"),
                     "ref-type", "resolves_to_refs[0]"));
  EXPECT_TRUE(Breaks(
      Sco("ipv4-addr", R"("value": "1.2.3.4", "resolves_to_refs": [)" + Id("ipv4-addr") + "]"),
      "ref-type", "resolves_to_refs[0]"));
  EXPECT_TRUE(Breaks(
      Sco("email-message", R"("is_multipart": false, "to_refs": [)" + Id("user-account") + "]"),
      "ref-type", "to_refs[0]"));
  EXPECT_TRUE(Breaks(Sco("network-traffic", R"("protocols": ["tcp"], "dst_ref": )" + Id("url")),
                     "ref-type", "dst_ref"));
  EXPECT_TRUE(
      Breaks(Sco("process", R"("pid": 1, "parent_ref": )" + Id("file")), "ref-type", "parent_ref"));
}

TEST(ScoTest, EmailMessageMultipart) {
  EXPECT_TRUE(
      RulesOf(Sco("email-message", R"("is_multipart": true, "subject": "s", "body_multipart": [
      {"body": "text"}, {"body_raw_ref": )" +
                                       Id("artifact") + "}]"))
          .empty());
  EXPECT_TRUE(Breaks(Sco("email-message", R"("is_multipart": true, "body": "x")"), "multipart-body",
                     "body"));
  EXPECT_TRUE(
      Breaks(Sco("email-message", R"("is_multipart": false, "body_multipart": [{"body": "x"}])"),
             "multipart-body", "body_multipart"));
  EXPECT_TRUE(Breaks(Sco("email-message", R"("is_multipart": true, "body_multipart": [{}])"),
                     "mime-part-body", "body_multipart[0]"));
  EXPECT_TRUE(Breaks(
      Sco("email-message",
          R"("is_multipart": true, "body_multipart": [{"body_raw_ref": )" + Id("url") + "}]"),
      "ref-type", "body_multipart[0].body_raw_ref"));
}

TEST(ScoTest, MacAddress) {
  for (const char* bad :
       {"D2:FB:49:24:37:18", "d2-fb-49-24-37-18", "d2:fb:49:24:37", "2:fb:49:24:37:18"}) {
    SCOPED_TRACE(bad);
    EXPECT_TRUE(
        Breaks(Sco("mac-addr", R"("value": ")" + std::string(bad) + "\""), "mac-format", "value"));
  }
}

TEST(ScoTest, NetworkTraffic) {
  const std::string base = R"("protocols": ["tcp"], "src_ref": )" + Id("ipv4-addr");
  EXPECT_TRUE(Breaks(Sco("network-traffic", R"("protocols": ["tcp"])"), "at-least-one", ""));
  EXPECT_TRUE(Breaks(Sco("network-traffic", base + R"(, "src_port": 65536)"), "range", "src_port"));
  EXPECT_TRUE(
      Breaks(Sco("network-traffic",
                 base + R"(, "start": "2020-01-02T00:00:00Z", "end": "2020-01-01T00:00:00Z")"),
             "end-before-start", "end"));
  EXPECT_TRUE(
      Breaks(Sco("network-traffic", base + R"(, "is_active": true, "end": "2020-01-01T00:00:00Z")"),
             "active-with-end", "end"));
  EXPECT_TRUE(Breaks(Sco("network-traffic", base + R"(, "src_byte_count": -1)"), "range",
                     "src_byte_count"));
}

TEST(ScoTest, WindowsRegistryDataType) {
  EXPECT_TRUE(Breaks(Sco("windows-registry-key", R"("values": [{"data_type": "REG_STRING"}])"),
                     "enum", "values[0].data_type"));
}

TEST(ScoTest, PredefinedExtensions) {
  const std::string nt = R"("protocols": ["tcp"], "src_ref": )" + Id("ipv4-addr");
  EXPECT_TRUE(RulesOf(Sco("network-traffic", nt + R"(, "extensions": {
      "http-request-ext": {"request_method": "get", "request_value": "/",
                           "message_body_data_ref": )" +
                                                 Id("artifact") + R"(},
      "socket-ext": {"address_family": "AF_INET"}, "tcp-ext": {"src_flags_hex": "00000002"}})"))
                  .empty());
  EXPECT_TRUE(Breaks(Sco("network-traffic",
                         nt + R"(, "extensions": {"http-request-ext": {"request_method": "get"}})"),
                     "required-property", "extensions.http-request-ext.request_value"));
  EXPECT_TRUE(Breaks(Sco("network-traffic",
                         nt + R"(, "extensions": {"socket-ext": {"address_family": "AF_MARS"}})"),
                     "enum", "extensions.socket-ext.address_family"));
  EXPECT_TRUE(Breaks(Sco("network-traffic", nt + R"(, "extensions": {"http-request-ext": {
      "request_method": "get", "request_value": "/", "message_body_data_ref": )" +
                                                Id("file") + "}}"),
                     "ref-type", "extensions.http-request-ext.message_body_data_ref"));
  EXPECT_TRUE(Breaks(Sco("file", R"("name": "a", "extensions": {"archive-ext": {"comment": "c"}})"),
                     "required-property", "extensions.archive-ext.contains_refs"));
  EXPECT_TRUE(
      Breaks(Sco("file",
                 R"("name": "a", "extensions": {"windows-pebinary-ext": {"machine_hex": "014c"}})"),
             "required-property", "extensions.windows-pebinary-ext.pe_type"));
  EXPECT_TRUE(
      Breaks(Sco("url", R"("value": "a", "extensions": {"archive-ext": {"contains_refs": [)" +
                            Id("file") + "]}}"),
             "extension-object-type", "extensions.archive-ext"));
  EXPECT_TRUE(Breaks(
      Sco("network-traffic",
          nt + R"(, "extensions": {"icmp-ext": {"icmp_type_hex": "zz", "icmp_code_hex": "00"}})"),
      "hex-format", "extensions.icmp-ext.icmp_type_hex"));
  EXPECT_TRUE(Breaks(Sco("file", R"("name": "a", "extensions": {"ntfs-ext": {}})"),
                     "empty-dictionary", "extensions.ntfs-ext"));
}

TEST(ScoTest, Extensions) {
  EXPECT_TRUE(
      RulesOf(Sco("file", R"("name": "a.zip", "extensions": {"archive-ext": {"contains_refs": [)" +
                              Id("file") + "]}}"))
          .empty());
  EXPECT_TRUE(Breaks(
      Sco("file", R"("name": "a.zip", "extensions": {"archive-ext": {"contains_refs": ["x"]}})"),
      "identifier-format", "extensions.archive-ext.contains_refs[0]"));
}

}  // namespace
}  // namespace entente::stix
