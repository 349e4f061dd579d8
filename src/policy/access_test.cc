#include "policy/access.h"

#include <gtest/gtest.h>

namespace entente::policy {
namespace {

OrgFacts Beta() { return {"beta", "identity--b", "identity--a", {"eu-csirts"}}; }

TEST(RequesterFor, CarriesTheOrganisationAndTheTokensIndividual) {
  Requester r = RequesterFor(Beta(), "identity--p");
  EXPECT_EQ(r.org_id, "beta");
  EXPECT_EQ(r.identity_id, "identity--b");
  EXPECT_EQ(r.client_of, "identity--a");
  EXPECT_EQ(r.communities, std::vector<std::string>{"eu-csirts"});
  EXPECT_EQ(r.individual_id, "identity--p");
  EXPECT_FALSE(r.local_operator);

  Labels red;
  red.tlp = Tlp::kRed;
  red.owner_org = "alpha";
  red.audience.individuals = {"identity--p"};
  EXPECT_TRUE(MayRead(r, red));
  EXPECT_FALSE(MayRead(RequesterFor(Beta(), ""), red));
  EXPECT_TRUE(MayRead(LocalOperator(), red));
}

TEST(AccessToCollection, GrantsAreOrganisationIds) {
  const std::vector<std::string> readers = {"alpha", "beta"}, writers = {"beta", "gamma"};
  auto of = [&](const char* org) {
    Requester r;
    r.org_id = org;
    return AccessToCollection(r, readers, writers);
  };
  CollectionAccess alpha = of("alpha"), beta = of("beta"), gamma = of("gamma"), delta = of("delta");
  EXPECT_TRUE(alpha.can_read && !alpha.can_write && alpha.visible() && !alpha.may_delete());
  EXPECT_TRUE(beta.can_read && beta.can_write && beta.may_delete());
  EXPECT_TRUE(!gamma.can_read && gamma.can_write && gamma.visible() && !gamma.may_delete());
  EXPECT_FALSE(delta.visible());
  EXPECT_FALSE(AccessToCollection(Requester{}, {""}, {""}).visible());
  CollectionAccess op = AccessToCollection(LocalOperator(), {}, {});
  EXPECT_TRUE(op.can_read && op.can_write);
}

TEST(MayReadStatus, OnlyTheOrganisationThatCreatedIt) {
  Requester beta = RequesterFor(Beta(), "");
  EXPECT_TRUE(MayReadStatus(beta, "beta"));
  EXPECT_FALSE(MayReadStatus(beta, "alpha"));
  EXPECT_FALSE(MayReadStatus(Requester{}, ""));
}

}  // namespace
}  // namespace entente::policy
