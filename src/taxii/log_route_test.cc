// taxii/log_route.h on a running server: heads and proofs to any authenticated caller,
// verified with merkle.h as a peer would (RFC 9162 2.1.3.2, 2.1.4.2), and an entry's
// text only to an administrator or to a caller that may read the object version it
// records.
#include "taxii/log_route.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>

#include "audit/node_key.h"
#include "taxii/testing/fixture.h"

namespace entente::taxii {
namespace {

namespace json = boost::json;
using testing::Indicator;
using testing::NewId;
using testing::TaxiiFixture;

class LogRouteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("taxii_log_route_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    audit::LogOptions lo;
    lo.synchronous = "OFF";
    log_ = audit::AuditLog::Open((dir_ / "audit.db").string(), lo).value();
    ServerOptions o;
    o.record = log_;
    o.record_key = key_.public_key();
    fx_ = std::make_unique<TaxiiFixture>(o);
    // alpha administers the node.
    auto alpha = fx_->store().GetOrganisation(fx_->alpha.id).value();
    alpha.admin = true;
    ASSERT_TRUE(fx_->store().PutOrganisation(alpha).ok());
    // One object beta may read (shared, GREEN) and one it may not (private).
    shared_obj_ = NewId("indicator");
    private_obj_ = NewId("indicator");
    const std::string v = "2026-01-01T00:00:00.000Z";
    ASSERT_EQ(fx_->PostObjects(fx_->shared_id, fx_->alpha.token,
                               {Indicator(shared_obj_, v,
                                          std::string("\"object_marking_refs\":[\"") +
                                              testing::kGreen + "\"]")})
                  .status,
              202);
    ASSERT_EQ(
        fx_->PostObjects(fx_->private_id, fx_->alpha.token, {Indicator(private_obj_, v)}).status,
        202);
    std::vector<audit::Entry> entries = {
        {audit::EntryKind::kObjectStored,
         audit::ObjectStored{shared_obj_, v, fx_->shared_id, std::string(64, 'a'), fx_->beta.id,
                             audit::Channel::kClient}},
        {audit::EntryKind::kObjectStored,
         audit::ObjectStored{private_obj_, v, fx_->private_id, std::string(64, 'b'), "alpha",
                             audit::Channel::kClient}},
        {audit::EntryKind::kEgressDecision,
         audit::EgressDecision{shared_obj_, v, "cert-de", audit::Decision::kSent, "tlp", "green"}},
        {audit::EntryKind::kObjectStored,
         audit::ObjectStored{shared_obj_, v, fx_->shared_id, std::string(64, 'c'), fx_->alpha.id,
                             audit::Channel::kClient}},
    };
    ASSERT_TRUE(log_->Append(entries).ok());
  }
  void TearDown() override {
    fx_.reset();
    log_.reset();
    std::filesystem::remove_all(dir_);
  }

  static std::vector<audit::Hash> Proof(const json::value& v) {
    std::vector<audit::Hash> out;
    for (const auto& h : v.as_array()) out.push_back(audit::HashFromHex(h.as_string()).value());
    return out;
  }

  std::filesystem::path dir_;
  audit::NodeKey key_ = audit::NodeKey::Generate();
  std::shared_ptr<audit::AuditLog> log_;
  std::unique_ptr<TaxiiFixture> fx_;
  std::string shared_obj_, private_obj_;
};

TEST_F(LogRouteTest, NeedsAToken) {
  EXPECT_EQ(fx_->Get("/x-entente/log/head", "").status, 401);
  EXPECT_EQ(fx_->Get("/x-entente/log/head", "ent_nottoken").status, 401);
}

TEST_F(LogRouteTest, HeadIsSignedAndConsistencyProofsVerify) {
  EXPECT_EQ(fx_->Get("/x-entente/log/head", fx_->delta.token).status, 404);  // none signed yet
  audit::SignedHead first = log_->SignHead(key_).value();
  // delta has no grant at all: heads are hashes only, any authenticated peer gets them.
  auto res = fx_->Get("/x-entente/log/head", fx_->delta.token);
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(TaxiiFixture::Header(res, "Content-Type"), "application/json");
  json::value body = TaxiiFixture::Json(res);
  auto head = audit::ParseSignedHead(json::serialize(body.at("head"))).value();
  EXPECT_EQ(head, first);
  auto key = audit::HashFromHex(body.at("public_key").as_string()).value();
  audit::PublicKey pk;
  std::copy(key.begin(), key.end(), pk.begin());
  EXPECT_TRUE(audit::VerifyHeadSignature(head, pk).ok());

  for (int i = 0; i < 9; ++i) {
    ASSERT_TRUE(log_
                    ->Append(std::vector<audit::Entry>{
                        {audit::EntryKind::kCaseEvent,
                         audit::ActivityEvent{"case-" + std::to_string(i), "opened", "alpha", {}}}})
                    .ok());
  }
  // Before a head covers them, the new entries are not proven to anyone (nor is their
  // number told).
  res = fx_->Get("/x-entente/log/consistency?first=4&second=13", fx_->delta.token);
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(res.body.find("<= 4 (the size of the newest signed head)"), std::string::npos)
      << res.body;
  audit::SignedHead second = log_->SignHead(key_).value();
  res = fx_->Get("/x-entente/log/consistency?first=4&second=13", fx_->delta.token);
  ASSERT_EQ(res.status, 200);
  body = TaxiiFixture::Json(res);
  EXPECT_TRUE(
      audit::VerifyConsistency(4, 13, first.head.root, second.head.root, Proof(body.at("proof")))
          .ok());
  EXPECT_EQ(fx_->Get("/x-entente/log/consistency?first=4&second=14", fx_->delta.token).status, 400);
  EXPECT_EQ(fx_->Get("/x-entente/log/consistency?first=0&second=3", fx_->delta.token).status, 400);
  EXPECT_EQ(fx_->Get("/x-entente/log/consistency?first=3", fx_->delta.token).status, 400);
  EXPECT_EQ(fx_->Get("/x-entente/log/consistency?first=x&second=3", fx_->delta.token).status, 400);
  EXPECT_EQ(fx_->Send("POST", "/x-entente/log/head", fx_->delta.token).status, 405);
  EXPECT_EQ(fx_->Get("/x-entente/log/other", fx_->delta.token).status, 404);
}

TEST_F(LogRouteTest, EntryTextOnlyToWhoMayReadIt) {
  audit::SignedHead head = log_->SignHead(key_).value();
  auto inclusion = [&](const std::string& token, int index) {
    auto res =
        fx_->Get("/x-entente/log/inclusion?index=" + std::to_string(index) + "&size=4", token);
    EXPECT_EQ(res.status, 200) << res.body;
    json::value body = TaxiiFixture::Json(res);
    auto leaf = audit::HashFromHex(body.at("leaf_hash").as_string()).value();
    EXPECT_TRUE(
        audit::VerifyInclusion(index, 4, leaf, Proof(body.at("proof")), head.head.root).ok());
    if (const json::value* e = body.as_object().if_contains("entry")) {
      EXPECT_EQ(audit::HashLeaf(e->as_string()), leaf);
      EXPECT_FALSE(body.at("entry_withheld").as_bool());
      return std::string(e->as_string());
    }
    EXPECT_TRUE(body.at("entry_withheld").as_bool());
    return std::string();
  };
  // The administrator reads every entry.
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(inclusion(fx_->alpha.token, i).empty()) << i;
  // beta reads the receipt of what it submitted and may read (entry 0); not the private
  // object's entry, not the egress decision (whom the node sent it to is the node's
  // business), not alpha's submission of the same object (who else submitted what is not
  // told).
  EXPECT_NE(inclusion(fx_->beta.token, 0).find(shared_obj_), std::string::npos);
  EXPECT_EQ(inclusion(fx_->beta.token, 1), "");
  EXPECT_EQ(inclusion(fx_->beta.token, 2), "");
  EXPECT_EQ(inclusion(fx_->beta.token, 3), "");
  // delta reads none.
  for (int i = 0; i < 4; ++i) EXPECT_EQ(inclusion(fx_->delta.token, i), "") << i;
  EXPECT_EQ(fx_->Get("/x-entente/log/inclusion?index=4&size=4", fx_->alpha.token).status, 400);
}

}  // namespace
}  // namespace entente::taxii
