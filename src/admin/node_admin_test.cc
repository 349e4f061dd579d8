// admin/node_admin.h: the checks, effects and record entries shared by the command line
// and the dashboard.
#include "admin/node_admin.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <memory>

#include "audit/head.h"
#include "audit/log.h"
#include "audit/node_key.h"
#include "common/fake_clock.h"
#include "store/memory_federation_state.h"
#include "taxii/testing/fixture.h"
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

// `entente peer add` without --log-key reads the key from the peer's identity (its TAXII
// discovery resource) and pins it; a peer that cannot be asked is added all the same.
class PeerIdentityTest : public ::testing::Test {
 protected:
  void Start(bool with_record) {
    dir_ = std::filesystem::temp_directory_path() /
           ("admin_peer_identity_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    taxii::ServerOptions o;
    if (with_record) {
      audit::LogOptions lo;
      lo.synchronous = "OFF";
      o.record = audit::AuditLog::Open((dir_ / "audit.db").string(), lo).value();
      o.record_key = key_.public_key();
    }
    peer_node_ = std::make_unique<taxii::testing::TaxiiFixture>(o);
  }
  void TearDown() override {
    peer_node_.reset();
    std::filesystem::remove_all(dir_);
  }
  NewPeer Peer(const std::string& name) {
    NewPeer p;
    p.name = name;
    p.url = "http://127.0.0.1:" + std::to_string(peer_node_->server().port()) + "/api/";
    p.token = peer_node_->beta.token;
    p.jurisdiction = "FR";
    return p;
  }
  std::string KeyHex() const { return audit::BytesHex(key_.public_key().data(), 32); }

  std::filesystem::path dir_;
  audit::NodeKey key_ = audit::NodeKey::Generate();
  std::unique_ptr<taxii::testing::TaxiiFixture> peer_node_;
  taxii::testing::MemoryStore store_;
  store::MemoryFederationState peers_;
};

TEST_F(PeerIdentityTest, TheKeyThePeerPublishesIsPinned) {
  Start(true);
  PeerIdentityRead read;
  ASSERT_TRUE(AddPeer(store_, peers_, Peer("node-a"), 1'700'000'000'000'000, &read).ok());
  EXPECT_TRUE(read.attempted);
  ASSERT_TRUE(read.status.ok()) << read.status.ToString();
  EXPECT_TRUE(read.pinned);
  EXPECT_EQ(read.identity.name, "node-a");
  auto stored = peers_.GetPeer("node-a");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->log_key, KeyHex());
  EXPECT_EQ(stored->log_key_read_us, 1'700'000'000'000'000);
  // Configured later by the operator: no longer the key read at first use.
  ASSERT_TRUE(SetPeerLogKey(peers_, "node-a", KeyHex()).ok());
  EXPECT_EQ(peers_.GetPeer("node-a")->log_key_read_us, 0);
}

TEST_F(PeerIdentityTest, AGivenKeyIsKeptAndTheIdentityNotAsked) {
  Start(true);
  NewPeer p = Peer("node-a");
  p.log_key = std::string(64, 'e');
  PeerIdentityRead read;
  ASSERT_TRUE(AddPeer(store_, peers_, p, 1, &read).ok());
  EXPECT_FALSE(read.attempted);
  EXPECT_EQ(peers_.GetPeer("node-a")->log_key, std::string(64, 'e'));
  EXPECT_EQ(peers_.GetPeer("node-a")->log_key_read_us, 0);
}

TEST_F(PeerIdentityTest, ANodeWithoutARecordPublishesNoKey) {
  Start(false);
  PeerIdentityRead read;
  ASSERT_TRUE(AddPeer(store_, peers_, Peer("node-a"), 1, &read).ok());
  EXPECT_TRUE(read.status.ok());
  EXPECT_FALSE(read.pinned);
  EXPECT_TRUE(peers_.GetPeer("node-a")->log_key.empty());
}

TEST_F(PeerIdentityTest, APeerThatCannotBeAskedIsAddedAllTheSame) {
  Start(true);
  NewPeer p = Peer("node-a");
  p.token = "ent_not_a_token_of_it";  // 401
  PeerIdentityRead read;
  ASSERT_TRUE(AddPeer(store_, peers_, p, 1, &read).ok());
  EXPECT_EQ(read.status.code(), StatusCode::kUnauthenticated);
  EXPECT_FALSE(read.pinned);
  EXPECT_TRUE(peers_.GetPeer("node-a")->log_key.empty());
  // Nobody listening there.
  p = Peer("node-b");
  peer_node_.reset();
  ASSERT_TRUE(AddPeer(store_, peers_, p, 1, &read, 500).ok());
  EXPECT_EQ(read.status.code(), StatusCode::kUnavailable);
  EXPECT_TRUE(peers_.GetPeer("node-b")->log_key.empty());
  // What fails AddPeer's own checks is refused before anything is asked.
  p.name = "node-c";
  p.url = "ftp://example/";
  EXPECT_EQ(AddPeer(store_, peers_, p, 1, &read).code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(read.attempted);
}

}  // namespace
}  // namespace entente::admin
