// Two in-process nodes (TAXII server over the in-memory store each) exchanging objects
// through PeerSyncer rounds and the Federation loop.
#include "federation/sync.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <boost/json/parse.hpp>
#include <chrono>
#include <map>
#include <thread>

#include "common/fake_clock.h"
#include "federation/egress.h"
#include "federation/peer_sync.h"
#include "store/memory_federation_state.h"
#include "store/test_util.h"
#include "taxii/testing/fixture.h"
#include "taxii/testing/memory_store.h"

namespace entente::federation {
namespace {

using taxii::testing::Audience;
using taxii::testing::Indicator;
using taxii::testing::kAmber;
using taxii::testing::kClear;
using taxii::testing::kGreen;
using taxii::testing::kRed;
using taxii::testing::NewId;
using taxii::testing::TaxiiFixture;

std::string Marking(const char* m) {
  return std::string("\"object_marking_refs\":[\"") + m + "\"]";
}

std::string Url(TaxiiFixture& fx) {
  return "http://127.0.0.1:" + std::to_string(fx.server().port()) + "/api/";
}

// id -> json of the last version of every object in `collection`.
std::map<std::string, std::string> Objects(store::Store& s, const std::string& collection) {
  std::map<std::string, std::string> out;
  store::ObjectQuery q;
  q.collection_id = collection;
  (void)s.ScanObjects(q, [&](const store::ObjectRow& row) {
    out[std::string(row.id)] = std::string(row.json);
    return store::ScanAction::kContinue;
  });
  return out;
}

class SyncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    a_ = std::make_unique<TaxiiFixture>();
    b_ = std::make_unique<TaxiiFixture>();
    store::NodeSettings sb = *b_->store().GetSettings();
    sb.name = "node-b";
    ASSERT_TRUE(b_->store().PutSettings(sb).ok());
    // The federation state of each node on the in-memory backend: federation/ works
    // with any store::FederationState.
    peers_a_ = std::make_unique<store::MemoryFederationState>();
    peers_b_ = std::make_unique<store::MemoryFederationState>();
    options_.log = [this](const std::string& line) {
      std::lock_guard<std::mutex> lock(log_mu_);
      log_ += line + "\n";
    };
  }
  void TearDown() override {
    a_.reset();
    b_.reset();
    peers_a_.reset();
    peers_b_.reset();
  }

  // Node A's view of node B: A pushes its shared collection to B's, with B's alpha token.
  Peer PeerBOnA() {
    Peer p;
    p.name = "node-b";
    p.api_root_url = Url(*b_);
    p.token = b_->alpha.token;
    p.jurisdiction = "DE";
    p.communities = {"eu-csirts"};
    p.recipients = {b_->alpha.identity};
    p.push = {{b_->shared_id, a_->shared_id}};
    p.local_org = "beta";  // B's pushes to A arrive with A's beta token
    return p;
  }
  // Node B's view of node A: B pulls A's shared collection with A's beta token.
  Peer PeerAOnB() {
    Peer p;
    p.name = "node-a";
    p.api_root_url = Url(*a_);
    p.token = a_->beta.token;
    p.jurisdiction = "FR";
    p.communities = {"eu-csirts"};
    p.recipients = {a_->alpha.identity, a_->beta.identity};
    p.pull = {{a_->shared_id, b_->shared_id}};
    p.local_org = "alpha";  // A's pushes to B arrive with B's alpha token
    return p;
  }

  Status Round(store::Store& s, store::FederationState& peers, const Peer& p, RoundReport* r) {
    EXPECT_TRUE(peers.PutPeer(p).ok());
    return SyncPeerOnce(s, peers, p, options_, r);
  }

  std::unique_ptr<TaxiiFixture> a_, b_;
  std::unique_ptr<store::FederationState> peers_a_, peers_b_;
  FederationOptions options_;
  std::mutex log_mu_;
  std::string log_;
};

TEST_F(SyncTest, PushSendsOnlyWhatTheGateAllows) {
  const std::string by = "\"created_by_ref\":\"" + a_->alpha.identity + "\"";
  std::map<std::string, bool> expect_sent;
  auto add = [&](const std::string& extra, bool sent) {
    std::string id = NewId("indicator");
    expect_sent[id] = sent;
    auto res = a_->PostObjects(a_->shared_id, a_->alpha.token,
                               {Indicator(id, "2026-01-01T00:00:00.000Z", by + "," + extra)});
    ASSERT_EQ(res.status, 202) << res.body;
  };
  add(Marking(kClear), true);
  add(Marking(kGreen) + "," + Audience("communities", {"eu-csirts"}), true);
  add(Marking(kGreen) + "," + Audience("communities", {"other-community"}), false);
  add(Marking(kGreen), false);  // names no community: stays here
  add(Marking(kAmber) + "," + Audience("recipients", {b_->alpha.identity}), true);
  add(Marking(kAmber) + "," + Audience("recipients", {"identity--" + NewUuid4()}), false);
  add(Marking(kRed) + "," + Audience("individuals", {"identity--" + NewUuid4()}), false);

  RoundReport r;
  Status s = Round(a_->store(), *peers_a_, PeerBOnA(), &r);
  ASSERT_TRUE(s.ok()) << s.ToString() << log_;
  EXPECT_EQ(r.pushed, 3);
  EXPECT_EQ(r.withheld, 4);
  auto on_b = Objects(b_->store(), b_->shared_id);
  for (const auto& [id, sent] : expect_sent) {
    EXPECT_EQ(on_b.count(id), sent ? 1u : 0u) << id;
  }
  // Idempotent: a second round sends nothing more.
  RoundReport again;
  ASSERT_TRUE(Round(a_->store(), *peers_a_, PeerBOnA(), &again).ok());
  EXPECT_EQ(again.pushed, 0);
  EXPECT_EQ(again.withheld, 0);
}

// id -> every version held in `collection`, in date_added order.
std::map<std::string, std::vector<std::string>> Versions(store::Store& s,
                                                         const std::string& collection) {
  std::map<std::string, std::vector<std::string>> out;
  store::ObjectQuery q;
  q.collection_id = collection;
  q.match_last = false;
  q.match_all = true;
  (void)s.ScanObjects(q, [&](const store::ObjectRow& row) {
    out[std::string(row.id)].emplace_back(row.version);
    return store::ScanAction::kContinue;
  });
  return out;
}

TEST_F(SyncTest, DeletionsFollowWhatWasPushedAndOnlyThat) {
  Peer p = PeerBOnA();
  p.rules = {{"email-addr", "value", policy::SovereigntyAction::kKeyedHash}};
  p.hash_key = "shared-secret-key-0123";
  const std::string whole = NewId("indicator");           // deleted entirely on A
  const std::string partly = NewId("indicator");          // one of two versions deleted
  const std::string withheld = NewId("indicator");        // never left A
  const std::string back = NewId("indicator");            // deleted, then stored again on A
  const std::string email = "email-addr--" + NewUuid4();  // its id changes on the way
  const std::string v1 = "2026-01-01T00:00:00.000Z", v2 = "2026-01-02T00:00:00.000Z";
  auto res = a_->PostObjects(
      a_->shared_id, a_->alpha.token,
      {Indicator(whole, v1, Marking(kClear)), Indicator(partly, v1, Marking(kClear)),
       Indicator(partly, v2, Marking(kClear)),
       Indicator(withheld, v1,
                 Marking(kAmber) + "," + Audience("recipients", {"identity--" + NewUuid4()})),
       Indicator(back, v1, Marking(kClear)),
       "{\"type\":\"email-addr\",\"spec_version\":\"2.1\",\"id\":\"" + email +
           "\",\"value\":\"jane@example.org\"," + Marking(kClear) + "}"});
  ASSERT_EQ(res.status, 202) << res.body;
  RoundReport first;
  ASSERT_TRUE(Round(a_->store(), *peers_a_, p, &first).ok()) << log_;
  EXPECT_EQ(first.pushed, 5);
  EXPECT_EQ(first.deleted, 0);
  const size_t on_b_before = Objects(b_->store(), b_->shared_id).size();
  ASSERT_EQ(on_b_before, 4u);  // whole, partly, back, the hashed address

  store::Store& a = a_->store();
  ASSERT_EQ(*a.DeleteObject(a_->shared_id, whole, {}, ""), 1);
  ASSERT_EQ(*a.DeleteObject(a_->shared_id, partly, {v1}, ""), 1);
  ASSERT_EQ(*a.DeleteObject(a_->shared_id, withheld, {}, ""), 1);
  ASSERT_EQ(*a.DeleteObject(a_->shared_id, back, {}, ""), 1);
  ASSERT_EQ(*a.DeleteObject(a_->shared_id, email, {}, ""), 1);
  ASSERT_EQ(a_->PostObjects(a_->shared_id, a_->alpha.token, {Indicator(back, v1, Marking(kClear))})
                .status,
            202);

  RoundReport second;
  ASSERT_TRUE(Round(a, *peers_a_, p, &second).ok()) << log_;
  EXPECT_EQ(second.deleted, 3) << log_;  // whole, partly@v1, the address (by its hashed id)
  auto on_b = Versions(b_->store(), b_->shared_id);
  EXPECT_EQ(on_b.count(whole), 0u);
  EXPECT_EQ(on_b[partly], std::vector<std::string>{v2});
  EXPECT_EQ(on_b[back], std::vector<std::string>{v1});  // stored again on A: stays on B
  for (const auto& [id, versions] : on_b) EXPECT_NE(id.rfind("email-addr--", 0), 0u) << id;

  // Not sent again.
  RoundReport third;
  ASSERT_TRUE(Round(a, *peers_a_, p, &third).ok()) << log_;
  EXPECT_EQ(third.deleted, 0);
  EXPECT_EQ(third.pushed, 0);
  auto st = peers_a_->GetStatus("node-b");
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->deleted, 3);
}

TEST_F(SyncTest, DeletionAlreadyGoneOnThePeerIsNotAnError) {
  const std::string id = NewId("indicator");
  ASSERT_EQ(a_->PostObjects(a_->shared_id, a_->alpha.token,
                            {Indicator(id, "2026-01-01T00:00:00.000Z", Marking(kClear))})
                .status,
            202);
  RoundReport r;
  ASSERT_TRUE(Round(a_->store(), *peers_a_, PeerBOnA(), &r).ok()) << log_;
  ASSERT_EQ(*b_->store().DeleteObject(b_->shared_id, id, {}, ""), 1);  // B's analysts removed it
  ASSERT_EQ(*a_->store().DeleteObject(a_->shared_id, id, {}, ""), 1);
  RoundReport again;
  ASSERT_TRUE(Round(a_->store(), *peers_a_, PeerBOnA(), &again).ok()) << log_;
  EXPECT_EQ(again.deleted, 1);
}

TEST_F(SyncTest, NewVersionsAndRevocationsTravelAsVersions) {
  const std::string id = NewId("indicator");
  const std::string v1 = "2026-01-01T00:00:00.000Z", v2 = "2026-01-02T00:00:00.000Z",
                    v3 = "2026-01-03T00:00:00.000Z";
  ASSERT_EQ(
      a_->PostObjects(a_->shared_id, a_->alpha.token, {Indicator(id, v1, Marking(kClear))}).status,
      202);
  RoundReport r1;
  ASSERT_TRUE(Round(a_->store(), *peers_a_, PeerBOnA(), &r1).ok()) << log_;
  ASSERT_EQ(a_->PostObjects(a_->shared_id, a_->alpha.token,
                            {Indicator(id, v2, Marking(kClear) + ",\"description\":\"corrected\"")})
                .status,
            202);
  RoundReport r2;
  ASSERT_TRUE(Round(a_->store(), *peers_a_, PeerBOnA(), &r2).ok()) << log_;
  EXPECT_EQ(r2.pushed, 1);
  ASSERT_EQ(a_->PostObjects(a_->shared_id, a_->alpha.token,
                            {Indicator(id, v3, Marking(kClear) + ",\"revoked\":true")})
                .status,
            202);
  RoundReport r3;
  ASSERT_TRUE(Round(a_->store(), *peers_a_, PeerBOnA(), &r3).ok()) << log_;
  EXPECT_EQ(r3.pushed, 1);
  EXPECT_EQ(Versions(b_->store(), b_->shared_id)[id], (std::vector<std::string>{v1, v2, v3}));
  const std::string last = Objects(b_->store(), b_->shared_id)[id];
  EXPECT_NE(last.find("\"revoked\":true"), std::string::npos) << last;
}

TEST_F(SyncTest, PullFetchesEveryVersionNotOnlyTheLast) {
  const std::string id = NewId("indicator");
  const std::string v1 = "2026-01-01T00:00:00.000Z", v2 = "2026-01-02T00:00:00.000Z";
  ASSERT_EQ(
      a_->PostObjects(a_->shared_id, a_->alpha.token,
                      {Indicator(id, v1, Marking(kClear)), Indicator(id, v2, Marking(kClear))})
          .status,
      202);
  RoundReport r;
  ASSERT_TRUE(Round(b_->store(), *peers_b_, PeerAOnB(), &r).ok()) << log_;
  EXPECT_EQ(r.pulled, 2);
  EXPECT_EQ(Versions(b_->store(), b_->shared_id)[id], (std::vector<std::string>{v1, v2}));
}

TEST_F(SyncTest, EnvelopesTooLargeForThePeerAreSplit) {
  // B's API root accepts 256 KiB per request; five objects of ~100 KB do not fit in one.
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(NewId("indicator"));
    auto res = a_->PostObjects(
        a_->shared_id, a_->alpha.token,
        {Indicator(ids.back(), "2026-01-01T00:00:00.000Z",
                   Marking(kClear) + ",\"description\":\"" + std::string(100 * 1000, 'x') + "\"")});
    ASSERT_EQ(res.status, 202) << res.body;
  }
  RoundReport r;
  Status s = Round(a_->store(), *peers_a_, PeerBOnA(), &r);
  ASSERT_TRUE(s.ok()) << s.ToString() << log_;
  EXPECT_EQ(r.pushed, 5);
  auto on_b = Objects(b_->store(), b_->shared_id);
  for (const auto& id : ids) EXPECT_EQ(on_b.count(id), 1u) << id;
}

TEST_F(SyncTest, PendingEnvelopesAreAwaitedBeforeTheyCount) {
  // B queues every envelope over two objects and answers "pending": the push counts an
  // object only once B's status says it is stored.
  taxii::ServerOptions queued;
  queued.async_threshold = 2;
  b_ = std::make_unique<TaxiiFixture>(queued);
  // Node names are unique in a federation: an envelope whose provenance names the
  // receiving node is a loop, not stored (PushCarriesProvenanceAndTheKeyedCopyKeepsIt).
  store::NodeSettings sb = *b_->store().GetSettings();
  sb.name = "node-b";
  ASSERT_TRUE(b_->store().PutSettings(sb).ok());
  std::vector<std::string> ids;
  std::vector<std::string> objects;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(NewId("indicator"));
    objects.push_back(Indicator(ids.back(), "2026-01-01T00:00:00.000Z", Marking(kClear)));
  }
  ASSERT_EQ(a_->PostObjects(a_->shared_id, a_->alpha.token, objects).status, 202);
  RoundReport r;
  Status s = Round(a_->store(), *peers_a_, PeerBOnA(), &r);
  ASSERT_TRUE(s.ok()) << s.ToString() << log_;
  EXPECT_EQ(r.pushed, 5);
  auto on_b = Objects(b_->store(), b_->shared_id);
  for (const auto& id : ids) EXPECT_EQ(on_b.count(id), 1u) << id;
}

// A peer that queues every envelope and never finishes it.
class ForeverPendingPeer : public taxii::TaxiiClient {
 public:
  Result<boost::json::object> GetDiscovery() override { return boost::json::object(); }
  Result<boost::json::object> GetCollections() override { return boost::json::object(); }
  Result<taxii::ObjectsPage> GetObjects(const std::string&, const taxii::ObjectsQuery&) override {
    return taxii::ObjectsPage();
  }
  Result<taxii::StatusResource> PostEnvelope(const std::string&, const std::string&) override {
    ++posts;
    return Pending();
  }
  Result<taxii::StatusResource> GetStatus(const std::string&) override {
    ++polls;
    if (give_up_after > 0 && polls >= give_up_after) {
      return Status::Internal("the test peer stopped answering after " + std::to_string(polls) +
                              " polls");
    }
    return Pending();
  }
  Status DeleteObject(const std::string&, const std::string&, const std::string&) override {
    return Status::Ok();
  }
  Result<boost::json::object> GetNodeJson(const std::string& target) override {
    return Status::NotFound(target + ": HTTP 404");
  }
  static taxii::StatusResource Pending() {
    taxii::StatusResource st;
    st.id = "2d086da7-4bdc-4f91-900e-d77486753710";
    st.status = "pending";
    st.total_count = st.pending_count = 1;
    return st;
  }
  int posts = 0, polls = 0;
  int give_up_after = 0;  // > 0: GetStatus fails from that poll on
};

TEST_F(SyncTest, AnEnvelopeThatStaysPendingIsNotAcknowledged) {
  const std::string id = NewId("indicator");
  ASSERT_EQ(a_->PostObjects(a_->shared_id, a_->alpha.token,
                            {Indicator(id, "2026-01-01T00:00:00.000Z", Marking(kClear))})
                .status,
            202);
  const Peer peer = PeerBOnA();
  ASSERT_TRUE(peers_a_->PutPeer(peer).ok());
  SyncLimits limits;
  limits.pending_wait_ms = 30;
  auto fake = std::make_unique<ForeverPendingPeer>();
  ForeverPendingPeer* seen = fake.get();
  PeerSyncer syncer(a_->store(), *peers_a_, "node-a", peer, limits, std::move(fake), nullptr);
  RoundReport r;
  Status s = syncer.RunRound(&r);
  EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s.ToString();
  EXPECT_NE(s.message().find("still pending"), std::string::npos) << s.message();
  EXPECT_GE(seen->polls, 1);
  EXPECT_EQ(r.pushed, 0);
  // Nothing was acknowledged: the checkpoint did not move and the next round sends again.
  auto cp = peers_a_->GetCheckpoint(peer.name, Direction::kPush, peer.push[0]);
  ASSERT_TRUE(cp.ok());
  EXPECT_EQ(cp->pushed_until_us, 0);
  ASSERT_FALSE(syncer.RunRound(&r).ok());
  EXPECT_EQ(seen->posts, 2);
}

TEST_F(SyncTest, PendingStatusPollsWaitOnTheClock) {
  // B keeps an envelope pending for a minute of the syncer's clock: the polls back off
  // 5, 10, 20 ... ms up to 500 ms, all measured by the clock, so a fake clock runs the
  // whole minute at once (on the real clock this would take a minute).
  const std::string id = NewId("indicator");
  ASSERT_EQ(a_->PostObjects(a_->shared_id, a_->alpha.token,
                            {Indicator(id, "2026-01-01T00:00:00.000Z", Marking(kClear))})
                .status,
            202);
  const Peer peer = PeerBOnA();
  ASSERT_TRUE(peers_a_->PutPeer(peer).ok());
  SyncLimits limits;
  limits.pending_wait_ms = 60'000;
  auto fake = std::make_unique<ForeverPendingPeer>();
  fake->give_up_after = 200;  // a round that waits on the real clock ends here, in ~97 s
  ForeverPendingPeer* seen = fake.get();
  FakeClock clock;
  PeerSyncer syncer(a_->store(), *peers_a_, "node-a", peer, limits, std::move(fake), nullptr,
                    clock);
  const auto started = std::chrono::steady_clock::now();
  RoundReport r;
  Status s = syncer.RunRound(&r);
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s.ToString();
  EXPECT_NE(s.message().find("still pending after 60000 ms"), std::string::npos) << s.message();
  // 5+10+20+40+80+160+320 ms, then 500 ms at a time until the minute is over.
  EXPECT_EQ(seen->polls, 7 + 119);
  EXPECT_EQ(clock.slept_us(), (635 + 119 * 500) * int64_t{1000});
  EXPECT_LT(took, std::chrono::seconds(10));
  EXPECT_EQ(r.pushed, 0);
}

TEST_F(SyncTest, DeletionIsNotSentWhenTheStoreCannotTellItStillHoldsTheVersion) {
  // A pushed a version to B, deleted it and stored it again: B must keep it. When A's
  // store fails to say whether it holds the version, the round fails and no DELETE
  // leaves; once the store answers, the deletion is skipped as it should be.
  const std::string id = NewId("indicator");
  const std::string v1 = "2026-01-01T00:00:00.000Z";
  ASSERT_EQ(
      a_->PostObjects(a_->shared_id, a_->alpha.token, {Indicator(id, v1, Marking(kClear))}).status,
      202);
  RoundReport first;
  ASSERT_TRUE(Round(a_->store(), *peers_a_, PeerBOnA(), &first).ok()) << log_;
  ASSERT_EQ(first.pushed, 1);
  ASSERT_EQ(*a_->store().DeleteObject(a_->shared_id, id, {}, ""), 1);
  ASSERT_EQ(
      a_->PostObjects(a_->shared_id, a_->alpha.token, {Indicator(id, v1, Marking(kClear))}).status,
      202);
  // The fixture's stores are in memory (federation/test_store.cc). Lookups by id fail.
  auto& a_store = static_cast<taxii::testing::MemoryStore&>(a_->store());
  a_store.FailScansWhen([](const store::ObjectQuery& q) {
    return q.ids.empty() ? Status::Ok() : Status::IoError("disk read failed");
  });
  RoundReport second;
  Status s = Round(a_->store(), *peers_a_, PeerBOnA(), &second);
  EXPECT_EQ(s.code(), StatusCode::kIoError) << s.ToString() << log_;
  EXPECT_NE(s.message().find("disk read failed"), std::string::npos) << s.message();
  EXPECT_EQ(second.deleted, 0);
  EXPECT_EQ(Versions(b_->store(), b_->shared_id)[id], std::vector<std::string>{v1});

  a_store.FailScansWhen({});
  RoundReport third;
  ASSERT_TRUE(Round(a_->store(), *peers_a_, PeerBOnA(), &third).ok()) << log_;
  EXPECT_EQ(third.deleted, 0);
  EXPECT_EQ(Versions(b_->store(), b_->shared_id)[id], std::vector<std::string>{v1});
}

TEST_F(SyncTest, SovereigntyRulesApplyOnTheWayOut) {
  Peer p = PeerBOnA();
  p.rules = {{"email-addr", "value", policy::SovereigntyAction::kKeyedHash},
             {"user-account", "", policy::SovereigntyAction::kWithhold}};
  p.hash_key = "shared-secret-key-0123";
  const std::string email_id = "email-addr--" + NewUuid4();
  const std::string account_id = "user-account--" + NewUuid4();
  auto res =
      a_->PostObjects(a_->shared_id, a_->alpha.token,
                      {"{\"type\":\"email-addr\",\"spec_version\":\"2.1\",\"id\":\"" + email_id +
                           "\",\"value\":\"jane@example.org\"," + Marking(kClear) + "}",
                       "{\"type\":\"user-account\",\"spec_version\":\"2.1\",\"id\":\"" +
                           account_id + "\",\"user_id\":\"jdoe\"," + Marking(kClear) + "}"});
  ASSERT_EQ(res.status, 202) << res.body;
  RoundReport r;
  Status s = Round(a_->store(), *peers_a_, p, &r);
  ASSERT_TRUE(s.ok()) << s.ToString() << log_;
  auto on_b = Objects(b_->store(), b_->shared_id);
  EXPECT_EQ(on_b.count(account_id), 0u);
  EXPECT_EQ(on_b.count(email_id), 0u);  // the id of a hashed SCO changes too
  bool hashed_seen = false;
  for (const auto& [id, json] : on_b) {
    EXPECT_EQ(json.find("jane@example.org"), std::string::npos) << json;
    EXPECT_EQ(json.find("jdoe"), std::string::npos) << json;
    if (json.find(policy::KeyedHash(p.hash_key, "jane@example.org")) != std::string::npos) {
      hashed_seen = true;
    }
  }
  EXPECT_TRUE(hashed_seen) << "the keyed hash of the address should arrive";
}

// Issue 16: "every egress decision (sent or withheld, to which peer, the rule and reason)"
// is recorded, before anything leaves; a record that cannot be written stops the push.
TEST_F(SyncTest, EgressDecisionsAreRecordedBeforeAnythingLeaves) {
  store::testing::TempDir dir;
  audit::LogOptions lo;
  lo.synchronous = "OFF";
  lo.busy_timeout_ms = 20;
  auto record = audit::AuditLog::Open(dir.File("audit.db"), lo);
  ASSERT_TRUE(record.ok()) << record.status().message();
  options_.limits.record = std::move(record).value();
  Peer p = PeerBOnA();
  p.rules = {{"email-addr", "value", policy::SovereigntyAction::kKeyedHash}};
  p.hash_key = "shared-secret-key-0123";
  const std::string by = "\"created_by_ref\":\"" + a_->alpha.identity + "\"";
  const std::string sent = NewId("indicator"), kept = NewId("indicator");
  const std::string email_id = "email-addr--" + NewUuid4();
  auto res =
      a_->PostObjects(a_->shared_id, a_->alpha.token,
                      {Indicator(sent, "2026-01-01T00:00:00.000Z", by + "," + Marking(kClear)),
                       Indicator(kept, "2026-01-01T00:00:00.000Z", by + "," + Marking(kGreen)),
                       "{\"type\":\"email-addr\",\"spec_version\":\"2.1\",\"id\":\"" + email_id +
                           "\",\"value\":\"jane@example.org\"," + Marking(kClear) + "}"});
  ASSERT_EQ(res.status, 202) << res.body;

  // Another writer holds the record: nothing is sent, the round fails.
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(dir.File("audit.db").c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  RoundReport blocked;
  EXPECT_FALSE(Round(a_->store(), *peers_a_, p, &blocked).ok());
  EXPECT_EQ(blocked.pushed, 0);
  EXPECT_TRUE(Objects(b_->store(), b_->shared_id).empty());
  ASSERT_EQ(sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(other);
  EXPECT_EQ(options_.limits.record->Size(), 0u);

  RoundReport r;
  Status s = Round(a_->store(), *peers_a_, p, &r);
  ASSERT_TRUE(s.ok()) << s.ToString() << log_;
  EXPECT_EQ(r.pushed, 2);
  EXPECT_EQ(r.withheld, 1);
  audit::EntryFilter f;
  f.kind = audit::EntryKind::kEgressDecision;
  auto listed = options_.limits.record->List(f);
  ASSERT_TRUE(listed.ok());
  std::map<std::string, audit::EgressDecision> by_id;
  for (const auto& e : *listed) {
    const auto& d = std::get<audit::EgressDecision>(e.entry.body);
    by_id[d.object_id] = d;
  }
  ASSERT_EQ(by_id.size(), 3u);
  EXPECT_EQ(by_id[sent].decision, audit::Decision::kSent);
  EXPECT_EQ(by_id[sent].peer, "node-b");
  EXPECT_EQ(by_id[sent].version, "2026-01-01T00:00:00.000Z");
  // Every decision says its rule and reason: why it was sent too.
  EXPECT_EQ(by_id[sent].rule, "egress-gate");
  EXPECT_EQ(by_id[sent].reason, "TLP:CLEAR: disclosure is not limited");
  EXPECT_EQ(by_id[kept].decision, audit::Decision::kWithheld);
  EXPECT_EQ(by_id[kept].rule, "egress-gate");
  EXPECT_FALSE(by_id[kept].reason.empty());
  EXPECT_EQ(by_id[email_id].decision, audit::Decision::kHashed);
  EXPECT_EQ(by_id[email_id].rule, "sovereignty");
  EXPECT_EQ(by_id[email_id].reason,
            "value: hashed; id: keyed; sent: TLP:CLEAR: disclosure is not limited");
  // The key of the keyed hashes is the peer's secret: never recorded.
  auto raw = options_.limits.record->RawEntries(0, 100);
  ASSERT_TRUE(raw.ok());
  for (const auto& e : *raw) EXPECT_EQ(e.text.find(p.hash_key), std::string::npos) << e.text;
}

// The keyed copy travels with the provenance of its original (in the envelope, TAXII 2.1
// §7.1 custom property): B records the path, so it never sends the copy back to A.
TEST_F(SyncTest, PushCarriesProvenanceAndTheKeyedCopyKeepsIt) {
  Peer p = PeerBOnA();
  p.rules = {{"email-addr", "value", policy::SovereigntyAction::kKeyedHash}};
  p.hash_key = "shared-secret-key-0123";
  const std::string email_id = "email-addr--" + NewUuid4();
  auto res =
      a_->PostObjects(a_->shared_id, a_->alpha.token,
                      {"{\"type\":\"email-addr\",\"spec_version\":\"2.1\",\"id\":\"" + email_id +
                       "\",\"value\":\"jane@example.org\"," + Marking(kClear) + "}"});
  ASSERT_EQ(res.status, 202) << res.body;
  RoundReport r;
  ASSERT_TRUE(Round(a_->store(), *peers_a_, p, &r).ok()) << log_;
  ASSERT_EQ(r.pushed, 1);
  const std::string copy_id = policy::KeyedId(p.hash_key, email_id);
  ASSERT_EQ(Objects(b_->store(), b_->shared_id).count(copy_id), 1u);
  auto prov = b_->store().GetProvenances(b_->shared_id, {{copy_id, ""}});
  ASSERT_TRUE(prov.ok() && prov->front().has_value());
  EXPECT_EQ(prov->front()->origin, "node-a");
  EXPECT_EQ(prov->front()->path, std::vector<std::string>{"node-a"});
}

// A relayed object goes no further than the peer's hop limit: one that reached A after
// two hops (as the envelope that brought it says) is not pushed to a peer whose limit is 2,
// and is pushed, with A added to its path, to one whose limit is 3.
TEST_F(SyncTest, PushStopsAtTheHopLimit) {
  const std::string id = NewId("indicator");
  const std::string envelope = "{\"objects\":[" +
                               Indicator(id, "2026-01-01T00:00:00.000Z", Marking(kClear)) +
                               "],\"x_entente_provenance\":[{\"id\":\"" + id +
                               "\",\"version\":\"2026-01-01T00:00:00.000Z\","
                               "\"path\":[\"node-x\",\"node-y\"]}]}";
  auto res = a_->Send("POST", "/api/collections/" + a_->shared_id + "/objects/", a_->alpha.token,
                      envelope, {{"Content-Type", "application/taxii+json;version=2.1"}});
  ASSERT_EQ(res.status, 202) << res.body;
  Peer p = PeerBOnA();
  p.hop_limit = 2;
  RoundReport r;
  ASSERT_TRUE(Round(a_->store(), *peers_a_, p, &r).ok()) << log_;
  EXPECT_EQ(r.pushed, 0);
  EXPECT_EQ(r.withheld, 1);
  EXPECT_EQ(Objects(b_->store(), b_->shared_id).count(id), 0u);

  p.name = "node-b2";  // a second link to B, with its own checkpoint and a larger limit
  p.hop_limit = 3;
  RoundReport r2;
  ASSERT_TRUE(Round(a_->store(), *peers_a_, p, &r2).ok()) << log_;
  EXPECT_EQ(r2.pushed, 1);
  auto prov = b_->store().GetProvenances(b_->shared_id, {{id, "2026-01-01T00:00:00.000Z"}});
  ASSERT_TRUE(prov.ok() && prov->front().has_value());
  EXPECT_EQ(prov->front()->path, (std::vector<std::string>{"node-x", "node-y", "node-a"}));
}

// A malformed provenance member is refused with 400 naming it; an envelope without one
// (any TAXII client) is stored as before, without provenance.
TEST_F(SyncTest, EnvelopeProvenanceIsCheckedAndOptional) {
  const std::string id = NewId("indicator");
  const std::string object = Indicator(id, "2026-01-01T00:00:00.000Z", Marking(kClear));
  auto bad = a_->Send("POST", "/api/collections/" + a_->shared_id + "/objects/", a_->alpha.token,
                      "{\"objects\":[" + object + "],\"x_entente_provenance\":{}}",
                      {{"Content-Type", "application/taxii+json;version=2.1"}});
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_NE(bad.body.find("x_entente_provenance"), std::string::npos) << bad.body;
  EXPECT_EQ(Objects(a_->store(), a_->shared_id).count(id), 0u);
  // A path that names this node: the object came back to where it started (a sender
  // that knows this node under another name); acknowledged, not stored again.
  auto back = a_->Send("POST", "/api/collections/" + a_->shared_id + "/objects/", a_->alpha.token,
                       "{\"objects\":[" + object + "],\"x_entente_provenance\":[{\"id\":\"" + id +
                           "\",\"version\":\"2026-01-01T00:00:00.000Z\","
                           "\"path\":[\"node-a\",\"node-c\"]}]}",
                       {{"Content-Type", "application/taxii+json;version=2.1"}});
  ASSERT_EQ(back.status, 202) << back.body;
  EXPECT_NE(back.body.find("came from or through this node"), std::string::npos) << back.body;
  EXPECT_NE(back.body.find("\"failure_count\":0"), std::string::npos) << back.body;
  EXPECT_EQ(Objects(a_->store(), a_->shared_id).count(id), 0u);
  auto plain = a_->PostObjects(a_->shared_id, a_->alpha.token, {object});
  ASSERT_EQ(plain.status, 202) << plain.body;
  auto prov = a_->store().GetProvenances(a_->shared_id, {{id, "2026-01-01T00:00:00.000Z"}});
  ASSERT_TRUE(prov.ok());
  EXPECT_FALSE(prov->front().has_value());
  // A claim about a version already held is not recorded: a writer cannot change where a
  // version that is here goes next (here: never to node-b, or nowhere past the hop limit).
  auto claim = a_->Send("POST", "/api/collections/" + a_->shared_id + "/objects/", a_->alpha.token,
                        "{\"objects\":[" + object + "],\"x_entente_provenance\":[{\"id\":\"" + id +
                            "\",\"version\":\"2026-01-01T00:00:00.000Z\","
                            "\"path\":[\"node-b\",\"node-x\"]}]}",
                        {{"Content-Type", "application/taxii+json;version=2.1"}});
  ASSERT_EQ(claim.status, 202) << claim.body;
  prov = a_->store().GetProvenances(a_->shared_id, {{id, "2026-01-01T00:00:00.000Z"}});
  ASSERT_TRUE(prov.ok());
  EXPECT_FALSE(prov->front().has_value());
}

// Pulls carry provenance too (the puller asks with X-Entente-Provenance): B records the
// path A received with the object, A added; an object whose path names B is B's own
// coming back and is not stored again.
TEST_F(SyncTest, PullCarriesProvenance) {
  const std::string relayed = NewId("indicator");
  const std::string own = NewId("indicator");
  const std::string made_on_a = NewId("indicator");
  const std::string v = "2026-01-01T00:00:00.000Z";
  const std::string by = "\"created_by_ref\":\"" + a_->alpha.identity + "\"," + Marking(kClear);
  const std::string envelope = "{\"objects\":[" + Indicator(relayed, v, by) + "," +
                               Indicator(own, v, by) + "],\"x_entente_provenance\":[{\"id\":\"" +
                               relayed + "\",\"version\":\"" + v +
                               "\",\"path\":[\"node-x\"]},{\"id\":\"" + own + "\",\"version\":\"" +
                               v + "\",\"path\":[\"node-b\",\"node-x\"]}]}";
  auto res = a_->Send("POST", "/api/collections/" + a_->shared_id + "/objects/", a_->alpha.token,
                      envelope, {{"Content-Type", "application/taxii+json;version=2.1"}});
  ASSERT_EQ(res.status, 202) << res.body;
  ASSERT_EQ(a_->PostObjects(a_->shared_id, a_->alpha.token, {Indicator(made_on_a, v, by)}).status,
            202);
  // Without the header the page is as any TAXII client gets it.
  auto plain = a_->Get("/api/collections/" + a_->shared_id + "/objects/", a_->beta.token);
  EXPECT_EQ(plain.body.find("x_entente_provenance"), std::string::npos) << plain.body;

  RoundReport r;
  ASSERT_TRUE(Round(b_->store(), *peers_b_, PeerAOnB(), &r).ok()) << log_;
  EXPECT_EQ(r.pulled, 2);
  EXPECT_EQ(r.duplicates, 1);
  auto on_b = Objects(b_->store(), b_->shared_id);
  EXPECT_EQ(on_b.count(own), 0u);
  auto prov = b_->store().GetProvenances(b_->shared_id, {{relayed, v}, {made_on_a, v}});
  ASSERT_TRUE(prov.ok() && (*prov)[0].has_value() && (*prov)[1].has_value());
  EXPECT_EQ((*prov)[0]->origin, "node-x");
  EXPECT_EQ((*prov)[0]->path, (std::vector<std::string>{"node-x", "node-a"}));
  EXPECT_EQ((*prov)[1]->path, std::vector<std::string>{"node-a"});
}

TEST_F(SyncTest, PullStoresWithProvenanceAndRefusesStrangers) {
  const std::string ok_id = NewId("indicator");
  const std::string stranger_id = NewId("indicator");
  auto res = a_->PostObjects(
      a_->shared_id, a_->alpha.token,
      {Indicator(ok_id, "2026-01-01T00:00:00.000Z",
                 "\"created_by_ref\":\"" + a_->alpha.identity + "\"," + Marking(kClear)),
       Indicator(stranger_id, "2026-01-01T00:00:00.000Z",
                 "\"created_by_ref\":\"identity--" + NewUuid4() + "\"," + Marking(kClear))});
  ASSERT_EQ(res.status, 202) << res.body;
  RoundReport r;
  Status s = Round(b_->store(), *peers_b_, PeerAOnB(), &r);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(r.pulled, 1);
  EXPECT_EQ(r.refused, 1);
  EXPECT_NE(log_.find(stranger_id), std::string::npos) << log_;
  auto on_b = Objects(b_->store(), b_->shared_id);
  EXPECT_EQ(on_b.count(ok_id), 1u);
  EXPECT_EQ(on_b.count(stranger_id), 0u);
  auto prov = b_->store().GetProvenances(b_->shared_id, {{ok_id, "2026-01-01T00:00:00.000Z"}});
  ASSERT_TRUE(prov.ok() && prov->front().has_value());
  EXPECT_EQ(prov->front()->origin, "node-a");
  EXPECT_EQ(prov->front()->path, std::vector<std::string>{"node-a"});

  // Nothing new: nothing pulled, the checkpoint holds.
  RoundReport again;
  ASSERT_TRUE(Round(b_->store(), *peers_b_, PeerAOnB(), &again).ok());
  EXPECT_EQ(again.pulled + again.duplicates + again.refused, 0);
}

TEST_F(SyncTest, ForgedOriginIsRefused) {
  // A object claiming to be made by one of B's own organisations, which B never made.
  const std::string id = NewId("indicator");
  Peer p = PeerAOnB();
  p.recipients.push_back(b_->alpha.identity);  // even when listed on the peer
  auto res = a_->PostObjects(
      a_->shared_id, a_->alpha.token,
      {Indicator(id, "2026-01-01T00:00:00.000Z",
                 "\"created_by_ref\":\"" + b_->alpha.identity + "\"," + Marking(kClear))});
  ASSERT_EQ(res.status, 202);
  RoundReport r;
  ASSERT_TRUE(Round(b_->store(), *peers_b_, p, &r).ok());
  EXPECT_EQ(r.refused, 1);
  EXPECT_NE(log_.find("forged provenance"), std::string::npos) << log_;
  EXPECT_EQ(Objects(b_->store(), b_->shared_id).count(id), 0u);
}

TEST_F(SyncTest, PullPagesWithinTheQuotaAndResumes) {
  std::vector<std::string> objects;
  for (int i = 0; i < 25; ++i) {
    objects.push_back(Indicator(NewId("indicator"), "2026-01-01T00:00:00.000Z", Marking(kClear)));
  }
  ASSERT_EQ(a_->PostObjects(a_->shared_id, a_->alpha.token, objects).status, 202);
  options_.limits.page_size = 4;
  Peer p = PeerAOnB();
  p.quota = 10;
  int64_t total = 0;
  for (int round = 0; round < 3; ++round) {
    RoundReport r;
    ASSERT_TRUE(Round(b_->store(), *peers_b_, p, &r).ok());
    EXPECT_LE(r.pulled, 10 + 3);  // a page never overshoots the quota by more than a page
    total += r.pulled;
  }
  EXPECT_EQ(total, 25);
  EXPECT_EQ(Objects(b_->store(), b_->shared_id).size(), 25u);
}

TEST_F(SyncTest, PullSavesBatchesInOrderWhileFetchingOn) {
  // Pages of 3, saved every 5 objects on a helper thread while the next pages arrive:
  // every version ends up stored once, counted once, and the checkpoint ends after the
  // last page, so the next round finds nothing new.
  std::vector<std::string> objects;
  for (int i = 0; i < 40; ++i) {
    objects.push_back(Indicator(NewId("indicator"), "2026-01-01T00:00:00.000Z", Marking(kClear)));
  }
  ASSERT_EQ(a_->PostObjects(a_->shared_id, a_->alpha.token, objects).status, 202);
  options_.limits.page_size = 3;
  options_.limits.commit_every = 5;
  RoundReport r;
  ASSERT_TRUE(Round(b_->store(), *peers_b_, PeerAOnB(), &r).ok()) << log_;
  EXPECT_EQ(r.pulled, 40);
  EXPECT_EQ(r.duplicates, 0);
  EXPECT_EQ(Objects(b_->store(), b_->shared_id).size(), 40u);
  RoundReport again;
  ASSERT_TRUE(Round(b_->store(), *peers_b_, PeerAOnB(), &again).ok());
  EXPECT_EQ(again.pulled + again.duplicates, 0);
}

TEST_F(SyncTest, BidirectionalPairDoesNotLoop) {
  // A pushes to B; B pushes to A (same pair of collections).
  Peer b_on_a = PeerBOnA();
  Peer a_on_b = PeerAOnB();
  a_on_b.pull.clear();
  a_on_b.push = {{a_->shared_id, b_->shared_id}};
  a_on_b.token = a_->beta.token;
  ASSERT_EQ(
      a_->PostObjects(a_->shared_id, a_->alpha.token,
                      {Indicator(NewId("indicator"), "2026-01-01T00:00:00.000Z", Marking(kClear))})
          .status,
      202);
  ASSERT_EQ(
      b_->PostObjects(b_->shared_id, b_->beta.token,
                      {Indicator(NewId("indicator"), "2026-01-01T00:00:00.000Z", Marking(kClear))})
          .status,
      202);
  int64_t pushed_late = 0;
  for (int round = 0; round < 4; ++round) {
    RoundReport ra, rb;
    ASSERT_TRUE(Round(a_->store(), *peers_a_, b_on_a, &ra).ok()) << log_;
    ASSERT_TRUE(Round(b_->store(), *peers_b_, a_on_b, &rb).ok()) << log_;
    if (round >= 1) pushed_late += ra.pushed + rb.pushed;
  }
  EXPECT_EQ(pushed_late, 0) << "objects travelled back: " << log_;
  EXPECT_EQ(Objects(a_->store(), a_->shared_id).size(), 2u);
  EXPECT_EQ(Objects(b_->store(), b_->shared_id).size(), 2u);
  EXPECT_EQ(*a_->store().CountObjects(a_->shared_id), 2);
  EXPECT_EQ(*b_->store().CountObjects(b_->shared_id), 2);
}

TEST_F(SyncTest, FederationLoopDeliversAndSurvivesADeadPeer) {
  // On B: one dead peer and node A; the dead one must not hold A's objects back.
  Peer dead = PeerAOnB();
  dead.name = "dead";
  dead.api_root_url = "http://127.0.0.1:1/api/";
  ASSERT_TRUE(peers_b_->PutPeer(dead).ok());
  ASSERT_TRUE(peers_b_->PutPeer(PeerAOnB()).ok());
  FederationOptions o = options_;
  o.poll_interval_ms = 20;
  o.backoff.initial_us = 50'000;
  auto fed = Federation::Start(b_->store(), *peers_b_, o);
  ASSERT_TRUE(fed.ok()) << fed.status().ToString();
  const std::string id = NewId("indicator");
  ASSERT_EQ(a_->PostObjects(a_->shared_id, a_->alpha.token,
                            {Indicator(id, "2026-01-01T00:00:00.000Z", Marking(kClear))})
                .status,
            202);
  bool arrived = false;
  for (int i = 0; i < 500 && !arrived; ++i) {  // bounded wait, no timing assertion
    arrived = Objects(b_->store(), b_->shared_id).count(id) == 1;
    if (!arrived) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(arrived);
  bool dead_recorded = false;
  for (int i = 0; i < 500 && !dead_recorded; ++i) {
    auto st = peers_b_->GetStatus("dead");
    dead_recorded = st.ok() && st->failures > 0 && !st->last_error.empty();
    if (!dead_recorded) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(dead_recorded);
  (*fed)->Stop();
  auto a_status = peers_b_->GetStatus("node-a");
  ASSERT_TRUE(a_status.ok());
  EXPECT_EQ(a_status->pulled, 1);
  EXPECT_EQ(a_status->last_error, "");
  EXPECT_NE(peers_b_->GetStatus("dead")->last_error.find("unavailable"), std::string::npos);
}

TEST_F(SyncTest, AFailingPeerIsRetriedWhenTheClockSaysSo) {
  // The worker backs off 10 s after a failure, measured by the federation's clock: with
  // a fake clock nothing happens until the test moves it past the 10 s, then the next
  // attempt follows at once (on the real clock it would come 10 s later).
  ASSERT_TRUE(peers_a_->PutPeer(PeerBOnA()).ok());
  FakeClock clock;
  std::atomic<int> attempts{0};
  FederationOptions o = options_;
  o.clock = &clock;
  o.poll_interval_ms = 1'000;  // a failed round waits the longer of this and the backoff
  o.backoff = {.initial_us = 10'000'000, .max_us = 60'000'000, .multiplier = 2.0, .jitter = 0.0};
  o.clients = [&attempts](const Peer&) -> Result<std::unique_ptr<taxii::TaxiiClient>> {
    ++attempts;
    return Status::Unavailable("the peer is down");
  };
  auto fed = Federation::Start(a_->store(), *peers_a_, o);
  ASSERT_TRUE(fed.ok()) << fed.status().ToString();
  auto wait_for_attempts = [&](int n) {
    for (int i = 0; i < 250 && attempts.load() < n; ++i) {  // at most ~5 s of real time
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return attempts.load();
  };
  ASSERT_EQ(wait_for_attempts(1), 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(attempts.load(), 1);  // the clock has not moved
  clock.Advance(9'000'000);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(attempts.load(), 1);  // 9 s of the 10
  clock.Advance(1'000'000);
  EXPECT_EQ(wait_for_attempts(2), 2);
  (*fed)->Stop();
  auto st = peers_a_->GetStatus("node-b");
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->failures, 2);
  EXPECT_NE(st->last_error.find("the peer is down"), std::string::npos) << st->last_error;
}

TEST_F(SyncTest, WakeStartsAPushRoundWithoutWaitingForThePoll) {
  // A polls every 60 s; after its first round, a new local object leaves at once only
  // because of Wake() (the wait below is far shorter than the poll interval).
  ASSERT_TRUE(peers_a_->PutPeer(PeerBOnA()).ok());
  FederationOptions o = options_;
  o.poll_interval_ms = 60'000;
  auto fed = Federation::Start(a_->store(), *peers_a_, o);
  ASSERT_TRUE(fed.ok()) << fed.status().ToString();
  bool first_round = false;
  for (int i = 0; i < 500 && !first_round; ++i) {
    auto st = peers_a_->GetStatus("node-b");
    first_round = st.ok() && st->last_success_us > 0;
    if (!first_round) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(first_round) << log_;
  const std::string id = NewId("indicator");
  ASSERT_EQ(a_->PostObjects(a_->shared_id, a_->alpha.token,
                            {Indicator(id, "2026-01-01T00:00:00.000Z", Marking(kClear))})
                .status,
            202);
  (*fed)->Wake();
  bool arrived = false;
  for (int i = 0; i < 500 && !arrived; ++i) {  // at most ~10 s, well under the 60 s poll
    arrived = Objects(b_->store(), b_->shared_id).count(id) == 1;
    if (!arrived) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(arrived) << log_;
  (*fed)->Stop();
  (*fed)->Wake();  // harmless after Stop()
}

TEST(PrepareEgressTest, CountsHopsAndSendsThePathWithThisNodeLast) {
  policy::PeerProfile profile;
  profile.node_name = "node-z";
  profile.hop_limit = 3;
  policy::Labels labels;
  labels.tlp = policy::Tlp::kClear;
  labels.owner_org = "alpha";
  const std::string json = R"({"type":"ipv4-addr","id":"ipv4-addr--1","value":"192.0.2.1"})";
  // Made here: no hops, the path is this node.
  auto here = PrepareEgress(profile, {}, "node-a", "ipv4-addr--1", json, labels, std::nullopt);
  ASSERT_TRUE(here.ok());
  EXPECT_EQ(here->hops, 0);
  EXPECT_EQ(here->sent_path, std::vector<std::string>{"node-a"});
  // Received over two hops: sent with this node added, then stopped by a limit of 2.
  Provenance two{"node-x", {"node-x", "node-y"}};
  auto relayed = PrepareEgress(profile, {}, "node-a", "ipv4-addr--1", json, labels, two);
  ASSERT_TRUE(relayed.ok());
  EXPECT_EQ(relayed->hops, 2);
  ASSERT_TRUE(relayed->decision.send) << relayed->decision.reason;
  EXPECT_EQ(relayed->sent_path, (std::vector<std::string>{"node-x", "node-y", "node-a"}));
  profile.hop_limit = 2;
  auto stopped = PrepareEgress(profile, {}, "node-a", "ipv4-addr--1", json, labels, two);
  ASSERT_TRUE(stopped.ok());
  EXPECT_FALSE(stopped->decision.send);
  EXPECT_NE(stopped->decision.reason.find("hop limit"), std::string::npos);
  // Owned by a peer's local organisation (pushed here by a node of an earlier release,
  // without provenance): one hop, from that peer.
  Peer pusher;
  pusher.name = "node-p";
  pusher.local_org = "alpha";
  auto pushed =
      PrepareEgress(profile, {pusher}, "node-a", "ipv4-addr--1", json, labels, std::nullopt);
  ASSERT_TRUE(pushed.ok());
  EXPECT_EQ(pushed->hops, 1);
  EXPECT_EQ(pushed->sent_path, (std::vector<std::string>{"node-p", "node-a"}));
}

}  // namespace
}  // namespace entente::federation
