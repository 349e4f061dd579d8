// taxii/node_identity.h: the node's identity in its discovery resource — its JSON form,
// what a reader refuses, and what a running server publishes to any partner's token.
#include "taxii/node_identity.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <set>

#include "audit/node_key.h"
#include "taxii/testing/fixture.h"

namespace entente::taxii {
namespace {

namespace json = boost::json;
using testing::TaxiiFixture;

NodeIdentity Sample() {
  NodeIdentity id;
  id.name = "cert-fr";
  id.jurisdiction = "FR";
  id.identity = "identity--5f0c2a0e-8c1e-4b8e-9d2a-1f3b4c5d6e7f";
  id.record_key = audit::NodeKey::Generate().public_key();
  return id;
}

json::object Discovery(const json::object& member) {
  return json::object{{"title", "x"}, {std::string(kNodeIdentityMember), member}};
}

TEST(NodeIdentityTest, RoundTripsThroughTheDiscoveryResource) {
  const NodeIdentity id = Sample();
  json::object member = NodeIdentityJson(id);
  // The key id is SHA-256 of the key's 32 bytes, as a signed head names it.
  EXPECT_EQ(member.at("record_key_id").as_string(), audit::HashHex(audit::KeyIdOf(*id.record_key)));
  auto back = NodeIdentityFromDiscovery(Discovery(member));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, id);

  // A node without a record, jurisdiction or operating organisation: those members absent.
  NodeIdentity bare;
  bare.name = "lab";
  member = NodeIdentityJson(bare);
  EXPECT_EQ(member.size(), 1u);
  back = NodeIdentityFromDiscovery(Discovery(member));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, bare);
}

TEST(NodeIdentityTest, TheMemberNameFollowsTaxiiCustomPropertyRules) {
  // TAXII 2.1 §7.1.1: a–z, 0–9 and underscore, 3 to 250 characters, prefixed "x_".
  const std::string_view m = kNodeIdentityMember;
  EXPECT_TRUE(m.starts_with("x_"));
  EXPECT_GE(m.size(), 3u);
  EXPECT_LE(m.size(), 250u);
  for (char c : m) EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') << c;
}

TEST(NodeIdentityTest, AbsentOrMalformedIdentitiesAreRefusedNamingTheMember) {
  EXPECT_EQ(NodeIdentityFromDiscovery(json::object{{"title", "other server"}}).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(NodeIdentityFromDiscovery(json::object{{"x_entente_node", "cert-fr"}}).status().code(),
            StatusCode::kInvalidArgument);
  const json::object good = NodeIdentityJson(Sample());
  auto refused = [&](const std::string& member, json::value value) {
    json::object m = good;
    if (value.is_null()) {
      m.erase(member);
    } else {
      m[member] = std::move(value);
    }
    Status s = NodeIdentityFromDiscovery(Discovery(m)).status();
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << member;
    return s.message();
  };
  EXPECT_NE(refused("name", "").find("x_entente_node.name"), std::string::npos);
  refused("name", nullptr);
  refused("name", "cert fr");
  refused("name", 7);
  EXPECT_NE(refused("jurisdiction", "XX").find("x_entente_node.jurisdiction"), std::string::npos);
  refused("jurisdiction", "fr");
  refused("identity", "indicator--5f0c2a0e-8c1e-4b8e-9d2a-1f3b4c5d6e7f");
  refused("identity", "identity--not-a-uuid");
  refused("record_key", "abc");
  refused("record_key", nullptr);
  refused("record_key_id", nullptr);
  // A key id that is not the key's: never trusted, whichever of the two was changed.
  EXPECT_NE(refused("record_key_id", json::string(std::string(64, '0')))
                .find("not the SHA-256 of record_key"),
            std::string::npos);
  const std::string other = audit::BytesHex(audit::NodeKey::Generate().public_key().data(), 32);
  EXPECT_NE(refused("record_key", json::string(other)).find("not the SHA-256 of record_key"),
            std::string::npos);
}

// A server with a record: alpha administers the node; delta, a partner with no grants,
// reads the identity through the TAXII client as a peer's `entente peer add` does.
class PublishedIdentityTest : public ::testing::Test {
 protected:
  void Start(bool with_record) {
    dir_ = std::filesystem::temp_directory_path() /
           ("taxii_node_identity_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    ServerOptions o;
    if (with_record) {
      audit::LogOptions lo;
      lo.synchronous = "OFF";
      o.record = audit::AuditLog::Open((dir_ / "audit.db").string(), lo).value();
      o.record_key = key_.public_key();
      ASSERT_TRUE(o.record->SignHead(key_).ok());
    }
    fx_ = std::make_unique<TaxiiFixture>(o);
    // The server reads the settings and organisations on each request.
    auto settings = fx_->store().GetSettings().value();
    settings.jurisdiction = "FR";
    ASSERT_TRUE(fx_->store().PutSettings(settings).ok());
    for (const std::string& id : {fx_->alpha.id, fx_->gamma.id}) {
      auto org = fx_->store().GetOrganisation(id).value();
      org.admin = true;
      ASSERT_TRUE(fx_->store().PutOrganisation(org).ok());
    }
  }
  void TearDown() override {
    fx_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::unique_ptr<TaxiiClient> Client(const std::string& token) {
    ClientOptions o;
    o.api_root_url = "http://127.0.0.1:" + std::to_string(fx_->server().port()) + "/api/";
    o.token = token;
    return TaxiiClient::Create(o).value();
  }

  std::filesystem::path dir_;
  audit::NodeKey key_ = audit::NodeKey::Generate();
  std::unique_ptr<TaxiiFixture> fx_;
};

TEST_F(PublishedIdentityTest, AnyPartnerReadsTheNodeAndItsRecordKeyAndNothingMore) {
  Start(true);
  auto read = ReadNodeIdentity(*Client(fx_->delta.token));
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->name, "node-a");
  EXPECT_EQ(read->jurisdiction, "FR");
  // The first administrator organisation by id (alpha before gamma).
  EXPECT_EQ(read->identity, fx_->alpha.identity);
  ASSERT_TRUE(read->record_key.has_value());
  EXPECT_EQ(*read->record_key, key_.public_key());

  // The member holds exactly these; the resource names no other organisation, and the
  // rest of it is TAXII's own discovery.
  auto res = fx_->Get("/taxii2/", fx_->delta.token);
  ASSERT_EQ(res.status, 200) << res.body;
  const json::object v = TaxiiFixture::Json(res).as_object();
  std::set<std::string> members;
  for (const auto& [k, _] : v.at(kNodeIdentityMember).as_object()) members.insert(k);
  EXPECT_EQ(members, (std::set<std::string>{"identity", "jurisdiction", "name", "record_key",
                                            "record_key_id"}));
  std::set<std::string> top;
  for (const auto& [k, _] : v) top.insert(k);
  EXPECT_EQ(top, (std::set<std::string>{"api_roots", "contact", "default", "description", "title",
                                        std::string(kNodeIdentityMember)}));
  for (const auto* org : {&fx_->beta, &fx_->gamma, &fx_->delta}) {
    EXPECT_EQ(res.body.find(org->identity), std::string::npos) << org->id;
  }
  for (const std::string name : {"\"alpha\"", "\"beta\"", "\"gamma\"", "\"delta\""}) {
    EXPECT_EQ(res.body.find(name), std::string::npos) << name;
  }
  // The same key the record's head route serves with the signed heads.
  auto head = Client(fx_->delta.token)->GetNodeJson("/x-entente/log/head");
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->at("public_key").as_string(),
            v.at(kNodeIdentityMember).at("record_key").as_string());
  EXPECT_EQ(head->at("head").at("key_id").as_string(),
            v.at(kNodeIdentityMember).at("record_key_id").as_string());
}

TEST_F(PublishedIdentityTest, WithoutARecordNoKeyIsPublished) {
  Start(false);
  auto read = ReadNodeIdentity(*Client(fx_->beta.token));
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->name, "node-a");
  EXPECT_FALSE(read->record_key.has_value());
}

TEST_F(PublishedIdentityTest, OnlyForAuthenticatedCallers) {
  Start(true);
  EXPECT_EQ(fx_->Get("/taxii2/", "").status, 401);
  EXPECT_EQ(ReadNodeIdentity(*Client("ent_not_a_real_token")).status().code(),
            StatusCode::kUnauthenticated);
}

}  // namespace
}  // namespace entente::taxii
