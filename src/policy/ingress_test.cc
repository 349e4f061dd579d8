#include "policy/ingress.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace entente::policy {
namespace {

constexpr const char* kOnPeer = "identity--11111111-1111-4111-8111-111111111111";
constexpr const char* kLocal = "identity--22222222-2222-4222-8222-222222222222";
constexpr const char* kElsewhere = "identity--33333333-3333-4333-8333-333333333333";

boost::json::object CreatedBy(const char* creator) {
  boost::json::object o;
  o["type"] = "indicator";
  if (creator != nullptr) o["created_by_ref"] = creator;
  return o;
}

IngressPeer Peer() { return IngressPeer{"fr-cert", "", {kOnPeer}}; }

TEST(DecideIngress, AcceptsAnOrganisationLivingOnThePeer) {
  IngressDecision d = DecideIngress(Peer(), {kLocal}, CreatedBy(kOnPeer));
  EXPECT_EQ(d.verdict, IngressVerdict::kAccept);
  EXPECT_EQ(d.reason, "");
}

TEST(DecideIngress, AcceptsAnObjectThatClaimsNoCreator) {
  EXPECT_EQ(DecideIngress(Peer(), {kLocal}, CreatedBy(nullptr)).verdict, IngressVerdict::kAccept);
}

TEST(DecideIngress, RefusesAClaimToBeMadeHere) {
  IngressDecision d = DecideIngress(Peer(), {kLocal}, CreatedBy(kLocal));
  EXPECT_EQ(d.verdict, IngressVerdict::kForged);
  EXPECT_EQ(d.rule, "forged-provenance");
  EXPECT_NE(d.reason.find(kLocal), std::string::npos) << d.reason;
}

TEST(DecideIngress, ForgeryWinsEvenWhenThePeerListsTheOrganisation) {
  IngressPeer peer = Peer();
  peer.recipients.push_back(kLocal);
  EXPECT_EQ(DecideIngress(peer, {kLocal}, CreatedBy(kLocal)).verdict, IngressVerdict::kForged);
}

TEST(DecideIngress, RefusesAnOrganisationNotLivingOnThePeer) {
  IngressDecision d = DecideIngress(Peer(), {kLocal}, CreatedBy(kElsewhere));
  EXPECT_EQ(d.verdict, IngressVerdict::kNotOnPeer);
  EXPECT_EQ(d.rule, "creator-not-on-peer");
  EXPECT_EQ(d.reason, std::string("created_by_ref ") + kElsewhere +
                          " is not an organisation living on the peer");
}

TEST(OwnerForPeer, LocalOrganisationElsePeerName) {
  EXPECT_EQ(OwnerForPeer("fr-cert", "org-fr"), "org-fr");
  EXPECT_EQ(OwnerForPeer("fr-cert", ""), "peer:fr-cert");
}

TEST(DecideLocalAuthorship, AnotherLocalOrganisationAsCreatorIsForged) {
  IngressDecision d = DecideLocalAuthorship({kLocal}, CreatedBy(kLocal));
  EXPECT_EQ(d.verdict, IngressVerdict::kForged);
  EXPECT_EQ(d.rule, "forged-creator");
  EXPECT_EQ(d.reason.find(kLocal), std::string::npos) << d.reason;
  // Its own identity is not in the list; a creator elsewhere, or none, is accepted.
  EXPECT_EQ(DecideLocalAuthorship({kLocal}, CreatedBy(kElsewhere)).verdict,
            IngressVerdict::kAccept);
  EXPECT_EQ(DecideLocalAuthorship({kLocal}, CreatedBy(nullptr)).verdict, IngressVerdict::kAccept);
  EXPECT_EQ(DecideLocalAuthorship({}, CreatedBy(kLocal)).verdict, IngressVerdict::kAccept);
}

}  // namespace
}  // namespace entente::policy
