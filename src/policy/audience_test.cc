#include "policy/audience.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "policy/egress.h"

namespace entente::policy {
namespace {

struct Lists {
  std::vector<std::string> communities, organisations, client_of, individuals;
  Recipient On(Reach reach) const {
    return {reach, communities, organisations, client_of, individuals};
  }
};

Audience Named() {
  Audience a;
  a.communities = {"eu-csirts"};
  a.recipients = {"identity--r"};
  a.individuals = {"identity--p"};
  return a;
}

TEST(MatchAudience, TheTableOnThisNodeAndForAPeer) {
  const Audience a = Named();
  Lists member{{"eu-csirts"}, {"identity--m"}, {}, {}};
  Lists recipient{{}, {"identity--r"}, {}, {}};
  Lists client{{}, {"identity--c"}, {"identity--r"}, {}};
  Lists person{{}, {"identity--x"}, {}, {"identity--p"}};
  Lists stranger{{"other"}, {"identity--s"}, {}, {}};
  for (Reach reach : {Reach::kThisNode, Reach::kPeerNode}) {
    EXPECT_EQ(MatchAudience(Tlp::kClear, a, stranger.On(reach)), AudienceMatch::kIncluded);
    EXPECT_EQ(MatchAudience(Tlp::kGreen, a, member.On(reach)), AudienceMatch::kIncluded);
    EXPECT_EQ(MatchAudience(Tlp::kGreen, a, stranger.On(reach)), AudienceMatch::kNoSharedCommunity);
    EXPECT_EQ(MatchAudience(Tlp::kAmber, a, recipient.On(reach)), AudienceMatch::kIncluded);
    EXPECT_EQ(MatchAudience(Tlp::kAmber, a, client.On(reach)), AudienceMatch::kIncluded);
    EXPECT_EQ(MatchAudience(Tlp::kAmber, a, member.On(reach)), AudienceMatch::kNotARecipient);
    EXPECT_EQ(MatchAudience(Tlp::kAmberStrict, a, recipient.On(reach)), AudienceMatch::kIncluded);
    EXPECT_EQ(MatchAudience(Tlp::kAmberStrict, a, client.On(reach)), AudienceMatch::kNotARecipient);
    EXPECT_EQ(MatchAudience(Tlp::kRed, a, recipient.On(reach)),
              reach == Reach::kThisNode ? AudienceMatch::kNotAnIndividual
                                        : AudienceMatch::kRedNeverLeaves);
  }
  EXPECT_EQ(MatchAudience(Tlp::kRed, a, person.On(Reach::kThisNode)), AudienceMatch::kIncluded);
  EXPECT_EQ(MatchAudience(Tlp::kRed, a, person.On(Reach::kPeerNode)),
            AudienceMatch::kRedNeverLeaves);
}

TEST(MatchAudience, GreenNamingNoCommunityIsTheCollectionsReadersAndStaysHere) {
  Lists stranger{{"other"}, {"identity--s"}, {}, {}};
  EXPECT_EQ(MatchAudience(Tlp::kGreen, Audience{}, stranger.On(Reach::kThisNode)),
            AudienceMatch::kIncluded);
  EXPECT_EQ(MatchAudience(Tlp::kGreen, Audience{}, stranger.On(Reach::kPeerNode)),
            AudienceMatch::kNoCommunityNamed);
}

// An organisation without an identity, a token naming no person, a peer configured with
// an empty name: none of them is the empty entry an object's audience may carry.
TEST(MatchAudience, AnEmptyValueNeverMatchesAnEmptyEntry) {
  Audience a;
  a.communities = {""};
  a.recipients = {""};
  a.individuals = {""};
  Lists empty{{""}, {""}, {""}, {""}};
  for (Reach reach : {Reach::kThisNode, Reach::kPeerNode}) {
    EXPECT_NE(MatchAudience(Tlp::kGreen, a, empty.On(reach)), AudienceMatch::kIncluded);
    EXPECT_NE(MatchAudience(Tlp::kAmber, a, empty.On(reach)), AudienceMatch::kIncluded);
    EXPECT_NE(MatchAudience(Tlp::kAmberStrict, a, empty.On(reach)), AudienceMatch::kIncluded);
    EXPECT_NE(MatchAudience(Tlp::kRed, a, empty.On(reach)), AudienceMatch::kIncluded);
  }
  EXPECT_FALSE(Names(std::vector<std::string>{""}, ""));
  EXPECT_TRUE(Names(std::vector<std::string>{"a", "b"}, "b"));
}

// Both gates agree on it: the read gate and egress to a peer.
TEST(MatchAudience, BothGatesRefuseAnEmptyIdentity) {
  Labels l;
  l.tlp = Tlp::kAmber;
  l.owner_org = "owner";
  l.audience.recipients = {""};
  l.audience.individuals = {""};
  Requester nobody;
  nobody.org_id = "x";
  EXPECT_FALSE(MayRead(nobody, l));
  l.tlp = Tlp::kRed;
  EXPECT_FALSE(MayRead(nobody, l));

  PeerProfile peer;
  peer.node_name = "cert-de";
  peer.recipients = {""};
  peer.communities = {""};
  const auto obj = boost::json::parse(R"({"type":"indicator","id":"indicator--1"})").as_object();
  for (Tlp tlp : {Tlp::kAmber, Tlp::kAmberStrict}) {
    l.tlp = tlp;
    EXPECT_FALSE(DecideEgress(peer, l, obj, {}).send) << TlpName(tlp);
  }
  l.tlp = Tlp::kGreen;
  l.audience.communities = {""};
  EXPECT_FALSE(DecideEgress(peer, l, obj, {}).send);
}

// A label that is not one of the five (never stored, but never trusted either) is AMBER
// for both gates: no widening on read, no forwarding without a recipient.
TEST(MatchAudience, AnUnknownTlpValueCountsAsAmber) {
  const Tlp unknown = static_cast<Tlp>(7);
  EXPECT_EQ(KnownTlp(unknown), Tlp::kAmber);
  EXPECT_EQ(KnownTlp(Tlp::kRed), Tlp::kRed);
  Labels l;
  l.tlp = unknown;
  l.owner_org = "owner";
  l.audience.recipients = {"identity--r"};
  Requester stranger;
  stranger.org_id = "s";
  stranger.identity_id = "identity--s";
  EXPECT_FALSE(MayRead(stranger, l));
  Requester recipient = stranger;
  recipient.identity_id = "identity--r";
  EXPECT_TRUE(MayRead(recipient, l));

  PeerProfile peer;
  peer.node_name = "cert-de";
  peer.recipients = {"identity--other"};
  const auto obj = boost::json::parse(R"({"type":"indicator","id":"indicator--1"})").as_object();
  EgressDecision d = DecideEgress(peer, l, obj, {});
  EXPECT_FALSE(d.send);
  EXPECT_EQ(d.reason, "TLP:AMBER: no named recipient lives on cert-de");
  peer.recipients.push_back("identity--r");
  EXPECT_TRUE(DecideEgress(peer, l, obj, {}).send);
}

}  // namespace
}  // namespace entente::policy
