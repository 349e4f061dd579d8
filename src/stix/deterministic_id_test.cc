// Expected ids computed independently with Python's uuid.uuid5 over
// json.dumps(props, sort_keys=True, separators=(",", ":"), ensure_ascii=False).
#include "stix/deterministic_id.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <string>

#include "stix/identifiers.h"
#include "stix/stix.h"
#include "stix/test_util.h"

namespace entente::stix {
namespace {

using testing::Obj;

std::string IdOf(std::string_view json) {
  auto id = DeterministicScoId(Obj(json));
  EXPECT_TRUE(id.ok()) << id.status().ToString();
  return id.ok() ? *id : std::string();
}

TEST(DeterministicIdTest, MatchesIndependentVectors) {
  EXPECT_EQ(IdOf(R"({"type": "ipv4-addr", "value": "198.51.100.3"})"),
            "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4");
  EXPECT_EQ(IdOf(R"({"type": "domain-name", "value": "example.com", "spec_version": "2.1"})"),
            "domain-name--bedb4899-d24b-5401-bc86-8f6b4cc18ec7");
  EXPECT_EQ(IdOf(R"({"type": "file", "name": "foo.exe", "size": 25536,
                     "hashes": {"SHA-256": "4bac27393bdd9777ce02453256c5577cd02275510b2227f473d03f533924f877",
                                "MD5": "d41d8cd98f00b204e9800998ecf8427e"}})"),
            "file--51d0535d-dfbb-5909-b066-8ee329783353");
  EXPECT_EQ(IdOf(R"({"type": "network-traffic", "protocols": ["ipv4", "tcp"], "dst_port": 443,
                     "src_ref": "ipv4-addr--1e4ffad7-0b88-41d4-ba4d-77d27490b956"})"),
            "network-traffic--6d8f9da0-de9a-5a90-a86a-c6307bf3710e");
  EXPECT_EQ(IdOf(R"({"type": "url", "value": "https://example.com/\u00e4?q=\"x\"\\"})"),
            "url--d9f71028-b969-531f-9f62-c973954f8006");
  EXPECT_EQ(IdOf(R"({"type": "autonomous-system", "number": 15139, "name": "Slime Industries"})"),
            "autonomous-system--3aa27478-50b5-5ab8-9da9-cdc12b657fff");
  EXPECT_EQ(IdOf(R"({"type": "user-account", "user_id": "1001", "account_login": "jdoe",
                     "display_name": "J Doe"})"),
            "user-account--bc72c238-7239-5121-97a0-67530f226169");
}

TEST(DeterministicIdTest, IdsAreVersion5AndValid) {
  const std::string id = IdOf(R"({"type": "email-addr", "value": "jdoe@example.com"})");
  EXPECT_EQ(id, "email-addr--6deb37bd-12b7-54ae-805f-5f7146f3d171");
  EXPECT_EQ(CheckIdentifier(id), IdProblem::kOk);
  EXPECT_EQ(UuidVersion(id.substr(id.find("--") + 2)), 5);
}

TEST(DeterministicIdTest, NonContributingPropertiesDoNotMatter) {
  EXPECT_EQ(IdOf(R"({"type": "ipv4-addr", "value": "10.0.0.1"})"),
            IdOf(R"({"type": "ipv4-addr", "value": "10.0.0.1", "x_seen_by": "ids-3",
                     "id": "ipv4-addr--6ba7b810-9dad-41d1-b0b4-00c04fd430c8"})"));
  EXPECT_NE(IdOf(R"({"type": "ipv4-addr", "value": "10.0.0.1"})"),
            IdOf(R"({"type": "ipv4-addr", "value": "10.0.0.2"})"));
}

TEST(DeterministicIdTest, Errors) {
  EXPECT_FALSE(DeterministicScoId(Obj(R"({"value": "x"})")).ok());
  EXPECT_FALSE(DeterministicScoId(Obj(R"({"type": "process", "pid": 4})")).ok());
  EXPECT_FALSE(DeterministicScoId(Obj(R"({"type": "x-acme-thing", "value": "x"})")).ok());
  EXPECT_FALSE(DeterministicScoId(Obj(R"({"type": "file", "size": 3})")).ok());
}

TEST(CanonicalJsonTest, SortsKeysAndEscapesMinimally) {
  auto v = ParseJson(R"({"b": [1, 2.5, true, null], "a": {"z": "\u0001\n\"/", "m": -3}})");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(CanonicalJson(*v), R"({"a":{"m":-3,"z":"\u0001\n\"/"},"b":[1,2.5,true,null]})");
}

// RFC 8785 3.2.2.2 (strings as ECMAScript's JSON.stringify writes them): '"' and '\\'
// escaped, \b \f \n \r \t in their short forms, other bytes below 0x20 as \u00xx in
// lower case, everything else as it is. A byte-at-a-time reading of that rule, against the
// writer's eight-bytes-at-a-time scan, on strings of every length around the word size
// with the special bytes at every position.
std::string ReferenceEscape(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"') {
      out += "\\\"";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c == '\b') {
      out += "\\b";
    } else if (c == '\f') {
      out += "\\f";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", u);
      out += buf;
    } else {
      out.push_back(c);
    }
  }
  return out + "\"";
}

TEST(CanonicalJsonTest, StringsAgreeWithAByteAtATimeReading) {
  const std::string alphabet = std::string("a~ \x7f\"\\\x01\x1f\n\t\xc3\xa9\x80", 13) + '\0';
  std::mt19937 rng(8785);
  for (size_t len = 0; len <= 40; ++len) {
    for (int round = 0; round < 200; ++round) {
      std::string s(len, 'x');
      // Mostly plain text with a few special bytes, so that both paths are taken.
      for (char& c : s) {
        if (rng() % 6 == 0) c = alphabet[rng() % alphabet.size()];
      }
      boost::json::value v(boost::json::string(s.data(), s.size()));
      ASSERT_EQ(CanonicalJson(v), ReferenceEscape(s)) << "length " << len;
    }
  }
}

}  // namespace
}  // namespace entente::stix
