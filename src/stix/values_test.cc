// The value forms of stix/values.h, one predicate at a time. Each case names the clause
// (STIX 2.1 OS with Errata 01, or the standard it points to) or the reference tool's
// case (cti-stix-validator stix2validator/test/v21/) it comes from.
#include "stix/values.h"

#include <gtest/gtest.h>

#include <string>

namespace entente::stix::detail {
namespace {

// Section 6.8 "one or more IPv4 addresses expressed using CIDR notation"; the invalid
// values are those of the reference's ip_addr_tests.py test_invalid_ipv4.
TEST(ValuesTest, Ipv4AddressesAndBlocks) {
  for (const char* ok : {"192.168.0.1", "192.168.0.1/0", "192.168.0.1/5", "192.168.0.1/32",
                         "0.0.0.0/0", "255.255.255.255", "10.2.0.0/16"}) {
    EXPECT_TRUE(IsIpv4Cidr(ok)) << ok;
  }
  for (const char* bad :
       {"foo", "999.999.999.999", "192.168.0.1/", "192.168.0.1/33", "192.168.0.1/a",
        "192.168.0.1/01", "192.168.00.1", "192.168.0.256", "192.168.0", "192.168.0.1.5", "1.2.3.4 ",
        "", "1..2.3", "01.2.3.4", "1.2.3.4/-1", "1.2.3.4//8"}) {
    EXPECT_FALSE(IsIpv4Cidr(bad)) << bad;
  }
}

// Section 6.9 and RFC 4291 section 2.2; invalid values from the reference's
// test_invalid_ipv6 ("/", "/129", "/a", "/00", "/03").
TEST(ValuesTest, Ipv6AddressesAndBlocks) {
  for (const char* ok :
       {"fe80:0000:0000:0000:0204:61ff:fe9d:f156", "fe80:0000:0000:0000:0204:61ff:fe9d:f156/0",
        "fe80:0000:0000:0000:0204:61ff:fe9d:f156/6", "fe80:0000:0000:0000:0204:61ff:fe9d:f156/128",
        "2001:db8::1", "::", "::1", "2001:db8::/32", "::ffff:192.0.2.1", "fe80::1%eth0",
        "2001:DB8:0:0:8:800:200C:417A", "1:2:3:4:5:6:7::"}) {
    EXPECT_TRUE(IsIpv6Cidr(ok)) << ok;
  }
  for (const char* bad :
       {"foo", "fe80:0000:0000:0000:0204:61ff:fe9d:f156/",
        "fe80:0000:0000:0000:0204:61ff:fe9d:f156/129", "fe80:0000:0000:0000:0204:61ff:fe9d:f156/a",
        "fe80:0000:0000:0000:0204:61ff:fe9d:f156/00", "fe80:0000:0000:0000:0204:61ff:fe9d:f156/03",
        "1::2::3", ":::", "12345::", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "::ffff:192.0.2.256",
        "fe80::1%", "g::1", "198.51.100.3", ""}) {
    EXPECT_FALSE(IsIpv6Cidr(bad)) << bad;
  }
}

// Section 6.5: value "MUST NOT include the display name" and is an RFC 5322 addr-spec;
// the reference's test_email_address_invalid_value refuses "John Doe <jdoe@example.com>".
TEST(ValuesTest, EmailAddrSpec) {
  for (const char* ok :
       {"jdoe@example.com", "jane.smith@example.com", "a+b@x.example", "\"john doe\"@example.com",
        "user@[192.0.2.1]", "admin@localhost", "müller@example.de"}) {
    EXPECT_TRUE(IsEmailAddrSpec(ok)) << ok;
  }
  for (const char* bad :
       {"John Doe <jdoe@example.com>", "jdoe", "@example.com", "jdoe@", "jdoe@@example.com",
        ".jdoe@example.com", "j..doe@example.com", "jdoe@example..com", "jdoe@exa mple.com",
        "j doe@example.com", "<jdoe@example.com>", "\"\"@example.com"}) {
    EXPECT_FALSE(IsEmailAddrSpec(bad)) << bad;
  }
}

// Section 3.2 lang "MUST be a language code conformant to [RFC5646]"; RFC 5646 section 2.1.
// The reference's language_content_tests.py refuses the key "español".
TEST(ValuesTest, LanguageTags) {
  for (const char* ok : {"en", "es", "fr-CA", "zh-Hant", "zh-Hant-TW", "sr-Latn-RS", "de-CH-1901",
                         "zh-yue-HK", "eng", "es-419", "x-private", "en-x-custom",
                         "en-a-bbb-x-a-ccc", "i-klingon", "en-GB-oed", "EN-us", "haw"}) {
    EXPECT_TRUE(IsLanguageTag(ok)) << ok;
  }
  for (const char* bad :
       {"español", "", "e", "en-", "-en", "en--US", "en_US", "123", "en-toolongsubtag", "x", "en-x",
        "en-a", "en-US-US-US", "en US", "en-Latn-Latn", "en-a-x"}) {
    EXPECT_FALSE(IsLanguageTag(bad)) << bad;
  }
}

// Sections 6.1/6.7 mime_type: the IANA "type/subtype" form; the reference refuses "bla" and
// "bla/blabla" (observed_data_tests.py test_file_mime_type, test_artifact_mime_type).
TEST(ValuesTest, MediaTypes) {
  for (const char* ok : {"text/plain", "application/zip", "image/jpeg", "application/x-dosexec",
                         "application/vnd.ms-excel", "text/plain; charset=utf-8", "Text/HTML",
                         "application/ld+json", "font/woff2"}) {
    EXPECT_TRUE(IsMediaType(ok)) << ok;
  }
  for (const char* bad : {"bla", "bla/blabla", "text/", "/plain", "text/pl ain", "text/-plain",
                          "x-world/x-vrml", ""}) {
    EXPECT_FALSE(IsMediaType(bad)) << bad;
  }
}

// Section 3.9.1: "_enc" values are IANA character-set names (Preferred MIME Name where one
// is defined); the reference accepts ISO-8859-2 and US-ASCII, refuses "bla.bla.bla".
TEST(ValuesTest, CharsetNames) {
  for (const char* ok : {"ISO-8859-2", "US-ASCII", "UTF-8", "utf-8", "windows-1252", "Shift_JIS",
                         "UTF-16LE", "KOI8-R", "GB18030"}) {
    EXPECT_TRUE(IsIanaCharsetName(ok)) << ok;
  }
  // "ISO_8859-1:1987" is the Name of a set whose Preferred MIME Name is ISO-8859-1.
  for (const char* bad : {"bla.bla.bla", "utf8", "ISO_8859-1:1987", "latin1", ""}) {
    EXPECT_FALSE(IsIanaCharsetName(bad)) << bad;
  }
}

// Section 10.7: each hash-algorithm-ov value "MUST be a valid" digest of its algorithm.
TEST(ValuesTest, HashValues) {
  const std::string md5(32, 'a');
  EXPECT_TRUE(HashValueFits(HashRuleFor("MD5"), md5));
  EXPECT_TRUE(HashValueFits(HashRuleFor("MD5"), "8D98A25E9D0662B1F4CA3BF22D6F53E9"));
  EXPECT_FALSE(HashValueFits(HashRuleFor("MD5"), md5 + "a"));
  EXPECT_FALSE(HashValueFits(HashRuleFor("MD5"), std::string(31, 'a') + "g"));
  EXPECT_TRUE(HashValueFits(HashRuleFor("SHA-1"), std::string(40, '0')));
  EXPECT_TRUE(HashValueFits(HashRuleFor("sha256"), std::string(64, 'f')));
  EXPECT_FALSE(HashValueFits(HashRuleFor("SHA_256"), std::string(40, 'f')));
  EXPECT_TRUE(HashValueFits(HashRuleFor("SHA-512"), std::string(128, '1')));
  EXPECT_TRUE(HashValueFits(HashRuleFor("SHA3-256"), std::string(64, '1')));
  EXPECT_FALSE(HashValueFits(HashRuleFor("SHA3-512"), std::string(64, '1')));
  EXPECT_TRUE(HashValueFits(HashRuleFor("SSDEEP"), "96:M2ROsj2HQbXGE1hp0J6ZTC:M0Osj2HQbXGEK6ZTC"));
  EXPECT_TRUE(HashValueFits(HashRuleFor("SSDEEP"), "3::"));
  EXPECT_FALSE(HashValueFits(HashRuleFor("SSDEEP"), "not a fuzzy hash"));
  EXPECT_FALSE(HashValueFits(HashRuleFor("SSDEEP"), "96:abc"));
  EXPECT_TRUE(HashValueFits(HashRuleFor("TLSH"), std::string(70, 'A')));
  EXPECT_TRUE(HashValueFits(HashRuleFor("TLSH"), "T1" + std::string(70, 'a')));
  EXPECT_FALSE(HashValueFits(HashRuleFor("TLSH"), std::string(64, 'a')));
  EXPECT_TRUE(HashValueFits(HashRuleFor("x_foo_hash"), "anything at all"));
  // Section 2.7: keys of 3-250 characters; the reference refuses "MD".
  EXPECT_FALSE(IsHashKey("MD"));
  EXPECT_TRUE(IsHashKey("x_foo_hash"));
  EXPECT_FALSE(IsHashKey("SHA 256"));
  EXPECT_FALSE(IsHashKey(std::string(251, 'a')));
}

// Section 6.17: "The hive portion of the key MUST be fully expanded and not truncated".
TEST(ValuesTest, RegistryHives) {
  EXPECT_EQ(AbbreviatedHive("HKLM\\system\\bar\\foo"), "HKLM");
  EXPECT_EQ(AbbreviatedHive("hkcu\\Software"), "HKCU");
  EXPECT_EQ(AbbreviatedHive("HKU"), "HKU");
  EXPECT_EQ(AbbreviatedHive("hkey_local_machine\\system\\bar\\foo"), "");
  EXPECT_EQ(AbbreviatedHive("HKEY_CURRENT_USER\\Software\\HKLM"), "");
}

// Sections 4.1 (CAPEC-[id]) and 4.19 (the exact CVE identifier).
TEST(ValuesTest, CveAndCapecIdentifiers) {
  for (const char* ok : {"CVE-2016-0001", "CVE-2021-44228", "CVE-2014-0160", "CVE-2022-1000000"}) {
    EXPECT_TRUE(IsCveId(ok)) << ok;
  }
  for (const char* bad : {"CVE-2016-001", "cve-2016-0001", "CVE-16-0001", "CVE-2016-01234",
                          "CVE-2016-0001 ", "2016-0001"}) {
    EXPECT_FALSE(IsCveId(bad)) << bad;
  }
  EXPECT_TRUE(IsCapecId("CAPEC-163"));
  EXPECT_FALSE(IsCapecId("CAPEC-"));
  EXPECT_FALSE(IsCapecId("capec-163"));
  EXPECT_FALSE(IsCapecId("CAPEC-16a"));
}

// entente's own convention (policy/egress.h): a value keyed-hashed for a peer.
TEST(ValuesTest, KeyedHashPseudonyms) {
  EXPECT_TRUE(IsKeyedHashPseudonym("hmac-sha256:" + std::string(64, 'a')));
  EXPECT_FALSE(IsKeyedHashPseudonym("hmac-sha256:" + std::string(63, 'a')));
  EXPECT_FALSE(IsKeyedHashPseudonym("hmac-sha256:" + std::string(64, 'A')));
  EXPECT_FALSE(IsKeyedHashPseudonym("hmac-md5:" + std::string(64, 'a')));
}

}  // namespace
}  // namespace entente::stix::detail
