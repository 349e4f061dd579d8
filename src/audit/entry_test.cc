// entry.h: one encoding per entry, every kind round trips, and no token secret enters.
#include "audit/entry.h"

#include <gtest/gtest.h>

#include "common/env.h"

namespace entente::audit {
namespace {

const std::string kSha(64, 'a');

std::vector<Entry> OneOfEach() {
  return {
      {EntryKind::kObjectStored, ObjectStored{"indicator--1", "2026-01-01T00:00:00.000Z", "c1",
                                              kSha, "org-a", Channel::kPeer}},
      {EntryKind::kEgressDecision,
       EgressDecision{"indicator--1", "v", "peer-b", Decision::kWithheld, "tlp", "AMBER"}},
      {EntryKind::kDeletion, Deletion{"indicator--1", "", "c1", "operator", "revoked"}},
      {EntryKind::kOrganisationChange, Change{"org-a", "create", "operator", {{"name", "A"}}}},
      {EntryKind::kTokenChange, Change{"tok_0123abcd", "create", "operator", {{"org", "a"}}}},
      {EntryKind::kGrantChange, Change{"c1", "update", "operator", {}}},
      {EntryKind::kPeerChange, Change{"peer-b", "delete", "operator", {}}},
      {EntryKind::kSovereigntyChange, Change{"rule-1", "create", "operator", {}}},
      {EntryKind::kRestrictedRead,
       RestrictedRead{"report--2", "v", Tlp::kAmberStrict, "org-a", "tok_1", "taxii"}},
      {EntryKind::kCaseEvent, ActivityEvent{"incident--3", "opened", "org-a", {}}},
      {EntryKind::kIntakeEvent, ActivityEvent{"note--4", "submitted", "org-a", {{"k", "é\n"}}}},
      {EntryKind::kHotlineEvent, ActivityEvent{"note--5", "ack", "org-b", {}}},
  };
}

TEST(Entry, EveryKindRoundTrips) {
  uint64_t i = 0;
  for (const Entry& e : OneOfEach()) {
    RecordedEntry r{i++, 1764720000123456, e};
    auto text = EncodeEntry(r);
    ASSERT_TRUE(text.ok()) << text.status().ToString();
    auto back = ParseEntry(*text);
    ASSERT_TRUE(back.ok()) << *text << " " << back.status().ToString();
    EXPECT_EQ(back->index, r.index);
    EXPECT_EQ(back->time_us, r.time_us);
    EXPECT_EQ(back->entry.kind, e.kind);
    EXPECT_EQ(EncodeEntry(*back).value(), *text);
    EXPECT_EQ(KindFromName(KindName(e.kind)).value(), e.kind);
  }
}

TEST(Entry, TheEncodingIsCanonical) {
  RecordedEntry r{7, 1764720000000000, OneOfEach()[0]};
  std::string text = EncodeEntry(r).value();
  EXPECT_EQ(text.substr(0, 9), "{\"body\":{");
  EXPECT_NE(text.find("\"index\":7,\"kind\":\"object-stored\",\"time\":\"2025-12-03T00:00:00."
                      "000000Z\",\"v\":1}"),
            std::string::npos)
      << text;
  // The same entry written any other way is refused: one entry, one leaf hash.
  std::string spaced = text;
  spaced.insert(1, " ");
  EXPECT_FALSE(ParseEntry(spaced).ok());
  std::string extra = text;
  extra.insert(text.size() - 1, ",\"x\":1");
  EXPECT_FALSE(ParseEntry(extra).ok());
  std::string body_extra = text;
  body_extra.insert(9, "\"a\":\"b\",");
  EXPECT_FALSE(ParseEntry(body_extra).ok());
  std::string escaped = text;
  escaped.replace(escaped.find("org-a"), 5, "org\\u002da");
  EXPECT_FALSE(ParseEntry(escaped).ok());
  EXPECT_FALSE(ParseEntry("[]").ok());
  EXPECT_FALSE(ParseEntry("").ok());
}

// Every entry must read back: text that is not UTF-8 or a field name outside the
// identifier alphabet could not, so it is refused when written.
TEST(Entry, WhatCouldNotBeReadBackIsRefused) {
  for (std::string bad : {std::string("\xff"), std::string("\xc0\x80"), std::string("\xed\xa0\x80"),
                          std::string("a\xe2\x82")}) {
    Entry e{EntryKind::kCaseEvent, ActivityEvent{"incident--1", bad, "o", {}}};
    EXPECT_FALSE(EncodeEntry({0, 0, e}).ok());
  }
  Entry key{EntryKind::kCaseEvent, ActivityEvent{"incident--1", "x", "o", {{"Bad Key", "v"}}}};
  EXPECT_FALSE(EncodeEntry({0, 0, key}).ok());
  Entry fine{EntryKind::kCaseEvent,
             ActivityEvent{"incident--1", "\xf0\x9f\x94\x92 \x01", "o", {{"a.b-c_1", ""}}}};
  auto text = EncodeEntry({0, 0, fine});
  ASSERT_TRUE(text.ok());
  EXPECT_NE(text->find("\\u0001"), std::string::npos) << *text;
  EXPECT_TRUE(ParseEntry(*text).ok());
}

TEST(Entry, BodyMustBeTheKindsType) {
  Entry wrong{EntryKind::kEgressDecision, Deletion{}};
  EXPECT_FALSE(EncodeEntry({0, 0, wrong}).ok());
  Entry bad_sha{EntryKind::kObjectStored, ObjectStored{"x", "v", "c", "ABC", "o"}};
  EXPECT_FALSE(EncodeEntry({0, 0, bad_sha}).ok());
}

// "secrets never enter the log" (issue 16): a bearer token in any field is refused.
TEST(Entry, NoTokenSecretCanEnter) {
  std::string secret = NewToken();
  ASSERT_TRUE(ContainsTokenSecret(secret));
  ASSERT_TRUE(ContainsTokenSecret("token was " + secret + "."));
  EXPECT_FALSE(ContainsTokenSecret("tok_0123abcd"));
  EXPECT_FALSE(ContainsTokenSecret("ent_short"));
  std::vector<Entry> carriers = {
      {EntryKind::kTokenChange, Change{"tok_1", "create", "operator", {{"secret", secret}}}},
      {EntryKind::kTokenChange, Change{"tok_1", "create", "operator", {{secret, "x"}}}},
      {EntryKind::kTokenChange, Change{secret, "create", "operator", {}}},
      {EntryKind::kRestrictedRead, RestrictedRead{"r", "v", Tlp::kRed, "o", secret, "taxii"}},
      {EntryKind::kHotlineEvent, ActivityEvent{"n", "ack", "o", {{"note", "use " + secret}}}},
      {EntryKind::kEgressDecision, EgressDecision{"i", "v", "p", Decision::kSent, "", secret}},
  };
  for (const Entry& e : carriers) {
    auto text = EncodeEntry({0, 0, e});
    ASSERT_FALSE(text.ok()) << *text;
    EXPECT_NE(text.status().message().find("token secret"), std::string::npos);
  }
}

}  // namespace
}  // namespace entente::audit
