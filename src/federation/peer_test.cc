#include "federation/peer.h"

#include <gtest/gtest.h>

namespace entente::federation {
namespace {

constexpr const char* kCol1 = "11111111-1111-4111-8111-111111111111";
constexpr const char* kCol2 = "22222222-2222-4222-8222-222222222222";

Peer ValidPeer() {
  Peer p;
  p.name = "cert-de";
  p.api_root_url = "https://cert.example.de:9440/api/";
  p.token = "ent_secret";
  p.jurisdiction = "DE";
  p.communities = {"eu-csirts"};
  p.recipients = {"identity--33333333-3333-4333-8333-333333333333"};
  p.pull = {{kCol1, kCol2}};
  return p;
}

TEST(PeerTest, ValidPeerPasses) { EXPECT_TRUE(ValidatePeer(ValidPeer()).ok()); }

TEST(PeerTest, RejectsBadFieldsNamingThem) {
  Peer p = ValidPeer();
  p.name = "Bad Name";
  EXPECT_NE(ValidatePeer(p).message().find("name"), std::string::npos);
  p = ValidPeer();
  p.api_root_url = "ftp://x/";
  EXPECT_NE(ValidatePeer(p).message().find("url"), std::string::npos);
  p = ValidPeer();
  p.api_root_url = "http://x/api";  // no trailing slash
  EXPECT_FALSE(ValidatePeer(p).ok());
  p = ValidPeer();
  p.jurisdiction = "de";
  EXPECT_NE(ValidatePeer(p).message().find("jurisdiction"), std::string::npos);
  p = ValidPeer();
  p.recipients = {"identity--nope"};
  EXPECT_NE(ValidatePeer(p).message().find("recipient"), std::string::npos);
  p = ValidPeer();
  p.token.clear();
  EXPECT_FALSE(ValidatePeer(p).ok());
  p = ValidPeer();
  p.pin_sha256 = "ABC";
  EXPECT_NE(ValidatePeer(p).message().find("pin"), std::string::npos);
  p = ValidPeer();
  p.rules = {{"email-addr", "value", policy::SovereigntyAction::kKeyedHash}};
  EXPECT_NE(ValidatePeer(p).message().find("hash-key"), std::string::npos);
  p.hash_key = "0123456789abcdef";
  EXPECT_TRUE(ValidatePeer(p).ok());
}

TEST(PeerTest, ParsesRules) {
  auto r = ParseRule("email-addr.value=hash");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->object_type, "email-addr");
  EXPECT_EQ(r->property, "value");
  EXPECT_EQ(r->action, policy::SovereigntyAction::kKeyedHash);
  EXPECT_EQ(FormatRule(*r), "email-addr.value=hash");
  r = ParseRule("user-account=withhold");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->property, "");
  EXPECT_EQ(r->action, policy::SovereigntyAction::kWithhold);
  EXPECT_FALSE(ParseRule("user-account").ok());
  EXPECT_FALSE(ParseRule("user-account=burn").ok());
  EXPECT_FALSE(ParseRule("user-account=redact").ok());  // redact needs a property
  EXPECT_FALSE(ParseRule("User Account.value=hash").ok());
}

TEST(PeerTest, ParsesLinksInTheirDirection) {
  auto pull = ParsePullLink(std::string(kCol1) + ":" + kCol2);
  ASSERT_TRUE(pull.ok());
  EXPECT_EQ(pull->remote, kCol1);
  EXPECT_EQ(pull->local, kCol2);
  auto push = ParsePushLink(std::string(kCol1) + ":" + kCol2);
  ASSERT_TRUE(push.ok());
  EXPECT_EQ(push->local, kCol1);
  EXPECT_EQ(push->remote, kCol2);
  auto same = ParsePullLink(kCol1);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->remote, same->local);
  EXPECT_FALSE(ParsePullLink("not-a-uuid").ok());
}

TEST(PeerTest, JsonRoundTrip) {
  Peer p = ValidPeer();
  p.rules = {{"email-addr", "value", policy::SovereigntyAction::kKeyedHash},
             {"user-account", "", policy::SovereigntyAction::kWithhold}};
  p.hash_key = "0123456789abcdef";
  p.push = {{kCol2, kCol1}};
  p.quota = 7;
  p.local_org = "cert-de-node";
  auto back = PeerFromJson(PeerToJson(p));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->name, p.name);
  EXPECT_EQ(back->pull, p.pull);
  EXPECT_EQ(back->push, p.push);
  EXPECT_EQ(back->rules.size(), 2u);
  EXPECT_EQ(back->rules[1].object_type, "user-account");
  EXPECT_EQ(back->quota, 7);
  EXPECT_EQ(back->hop_limit, policy::kDefaultHopLimit);
  EXPECT_EQ(back->local_org, "cert-de-node");
  EXPECT_EQ(back->token, "ent_secret");
}

TEST(PeerTest, ProfileCarriesTheGateInputs) {
  Peer p = ValidPeer();
  policy::PeerProfile profile = ProfileOf(p);
  EXPECT_EQ(profile.node_name, "cert-de");
  EXPECT_EQ(profile.jurisdiction, "DE");
  EXPECT_EQ(profile.communities, p.communities);
  EXPECT_EQ(profile.recipients, p.recipients);
}

TEST(PeerTest, HopLimitIsKeptCheckedAndGivenToTheGate) {
  Peer p = ValidPeer();
  EXPECT_EQ(p.hop_limit, policy::kDefaultHopLimit);
  p.hop_limit = 3;
  auto back = PeerFromJson(PeerToJson(p));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->hop_limit, 3);
  EXPECT_EQ(ProfileOf(p).hop_limit, 3);
  // A peer stored by an earlier release has no hop limit: the default.
  boost::json::object old = PeerToJson(ValidPeer());
  old.erase("hop_limit");
  EXPECT_EQ(PeerFromJson(old)->hop_limit, policy::kDefaultHopLimit);
  for (int64_t bad : {int64_t{0}, int64_t{-1}, kMaxHopLimit + 1}) {
    p.hop_limit = bad;
    Status s = ValidatePeer(p);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(s.message().find("hop-limit"), std::string::npos) << s.message();
  }
  p.hop_limit = kMaxHopLimit;
  EXPECT_TRUE(ValidatePeer(p).ok());
}

}  // namespace
}  // namespace entente::federation
