// admin/node_admin.h: the checks, effects and record entries shared by the command line
// and the dashboard.
#include "admin/node_admin.h"

#include <gtest/gtest.h>

#include "common/fake_clock.h"
#include "taxii/testing/memory_store.h"

namespace entente::admin {
namespace {

class NodeAdminTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::ApiRoot root;
    root.name = "api";
    root.title = "API";
    ASSERT_TRUE(store_.PutApiRoot(root).ok());
  }

  NewOrganisation Org(const std::string& id) {
    NewOrganisation o;
    o.id = id;
    o.name = "Org " + id;
    o.country = "DE";
    o.sector = "government";
    return o;
  }

  taxii::testing::MemoryStore store_;
};

TEST_F(NodeAdminTest, AddOrganisationStores) {
  auto org = AddOrganisation(store_, Org("cert-de"), "admin-org");
  ASSERT_TRUE(org.ok()) << org.status().message();
  EXPECT_TRUE(org->identity_id.starts_with("identity--"));
  auto stored = store_.GetOrganisation("cert-de");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->country, "DE");
}

TEST_F(NodeAdminTest, OrganisationValidationTouchesNothing) {
  NewOrganisation bad = Org("Cert");  // upper case: not an organisation id
  EXPECT_EQ(AddOrganisation(store_, bad, "x").status().code(), StatusCode::kInvalidArgument);
  bad = Org("cert");
  bad.country = "UK";  // exceptionally reserved, not assigned
  auto s = AddOrganisation(store_, bad, "x").status();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("--country"), std::string::npos);
  EXPECT_EQ(store_.GetOrganisation("cert").status().code(), StatusCode::kNotFound);
}

TEST_F(NodeAdminTest, DuplicateOrganisationIsRefused) {
  ASSERT_TRUE(AddOrganisation(store_, Org("a"), "x").ok());
  EXPECT_EQ(AddOrganisation(store_, Org("a"), "x").status().code(), StatusCode::kAlreadyExists);
}

TEST_F(NodeAdminTest, RemoveOrganisationEndsItsTokens) {
  ASSERT_TRUE(AddOrganisation(store_, Org("a"), "x").ok());
  auto token = CreateToken(store_, NewToken{"a", "laptop", ""}, "x");
  ASSERT_TRUE(token.ok());
  ASSERT_TRUE(RemoveOrganisation(store_, "a", "x").ok());
  EXPECT_FALSE(store_.FindTokenByHash(Sha256Hex(token->secret)).ok());
  EXPECT_EQ(RemoveOrganisation(store_, "a", "x").code(), StatusCode::kNotFound);
}

TEST_F(NodeAdminTest, TokenSecretIsStoredHashed) {
  ASSERT_TRUE(AddOrganisation(store_, Org("a"), "x").ok());
  FakeClock clock(1'700'000'000'000'000);
  auto token = CreateToken(store_, NewToken{"a", "laptop", ""}, "x", clock);
  ASSERT_TRUE(token.ok()) << token.status().message();
  EXPECT_TRUE(token->info.token_id.starts_with("tok_"));
  EXPECT_EQ(token->info.created_us, 1'700'000'000'000'000);
  auto found = store_.FindTokenByHash(Sha256Hex(token->secret));
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->token_id, token->info.token_id);
  auto listed = ListTokens(store_, "");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  ASSERT_TRUE(RevokeToken(store_, token->info.token_id).ok());
  EXPECT_FALSE(store_.FindTokenByHash(Sha256Hex(token->secret)).ok());
  EXPECT_EQ(RevokeToken(store_, token->info.token_id).code(), StatusCode::kNotFound);
}

TEST_F(NodeAdminTest, TokenForUnknownOrganisationIsRefused) {
  auto s = CreateToken(store_, NewToken{"ghost", "", ""}, "x").status();
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_NE(s.message().find("--org"), std::string::npos);
  EXPECT_EQ(CreateToken(store_, NewToken{"ghost", "", "identity--nope"}, "x").status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(NodeAdminTest, CollectionsAndGrants) {
  ASSERT_TRUE(AddOrganisation(store_, Org("a"), "x").ok());
  ASSERT_TRUE(AddOrganisation(store_, Org("b"), "x").ok());
  NewCollection nc;
  nc.title = "Feed";
  nc.tlp = "green";
  nc.read = {"a,b", "a"};
  auto c = AddCollection(store_, nc);
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->readers, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(c->default_tlp, policy::Tlp::kGreen);
  ASSERT_TRUE(GrantCollection(store_, c->id, "b", false, true).ok());
  auto stored = store_.GetCollection(c->id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->writers, (std::vector<std::string>{"b"}));
  EXPECT_EQ(GrantCollection(store_, c->id, "b", false, false).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(GrantCollection(store_, c->id, "ghost", true, false).code(), StatusCode::kNotFound);
  ASSERT_TRUE(RevokeCollectionGrants(store_, c->id, "b").ok());
  stored = store_.GetCollection(c->id);
  EXPECT_EQ(stored->readers, (std::vector<std::string>{"a"}));
  EXPECT_TRUE(stored->writers.empty());
  nc.tlp = "purple";
  EXPECT_EQ(AddCollection(store_, nc).status().code(), StatusCode::kInvalidArgument);
  nc.tlp = "amber";
  nc.api_root = "nope";
  EXPECT_EQ(AddCollection(store_, nc).status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(RemoveCollection(store_, c->id).ok());
  EXPECT_EQ(RemoveCollection(store_, c->id).code(), StatusCode::kNotFound);
}

TEST(NodeAdminIds, Shapes) {
  EXPECT_TRUE(IsOrgId("cert-de.gov_1"));
  EXPECT_FALSE(IsOrgId("-x"));
  EXPECT_FALSE(IsOrgId(std::string(65, 'a')));
  EXPECT_TRUE(IsIdentityId("identity--0b9d1e4c-5a55-4a4e-9d2b-1c2d3e4f5a6b"));
  EXPECT_FALSE(IsIdentityId("identity--0B9D1E4C-5A55-4A4E-9D2B-1C2D3E4F5A6B"));
  std::string key;
  EXPECT_TRUE(CheckLogKey("", &key).ok());
  EXPECT_TRUE(key.empty());
  EXPECT_TRUE(CheckLogKey(std::string(64, 'A'), &key).ok());
  EXPECT_EQ(key, std::string(64, 'a'));
  EXPECT_EQ(CheckLogKey("abc", &key).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(SplitList(" a, ,b "), (std::vector<std::string>{"a", "b"}));
}

}  // namespace
}  // namespace entente::admin
