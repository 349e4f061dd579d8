// federation/witness.h with fake heads: the check itself (each verdict), and rounds
// through a fake peer that keep heads, pin the key and raise each alarm once.
#include "federation/witness.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "audit/node_key.h"
#include "audit/testing/memory_source.h"
#include "common/fake_clock.h"
#include "store/memory_federation_state.h"

namespace entente::federation {
namespace {

namespace json = boost::json;
using audit::Hash;
using audit::SignedHead;

// A peer's record in memory: leaves appended, heads signed, proofs served.
class FakeRecord {
 public:
  explicit FakeRecord(uint8_t seed) : seed_(seed) {}
  void Append(int n) {
    for (int i = 0; i < n; ++i) {
      source_.Append(
          audit::HashLeaf("entry " + std::to_string(seed_) + "/" + std::to_string(source_.size())));
    }
  }
  SignedHead Sign(const audit::NodeKey& key, int64_t t) const {
    audit::TreeHead h;
    h.tree_size = source_.size();
    h.timestamp_us = t;
    h.root = audit::RootAt(source_, source_.size()).value();
    return key.Sign(h);
  }
  std::vector<Hash> Proof(uint64_t m, uint64_t n) const {
    return audit::ConsistencyProof(source_, m, n).value();
  }

 private:
  uint8_t seed_;
  audit::testing::MemorySource source_;
};

TEST(CheckPeerHead, EachVerdict) {
  const audit::NodeKey key = audit::NodeKey::Generate();
  FakeRecord record(1);
  record.Append(5);
  SignedHead h5 = record.Sign(key, 1000);
  record.Append(7);
  SignedHead h12 = record.Sign(key, 2000);
  const auto pk = key.public_key();

  EXPECT_EQ(CheckPeerHead("b", std::nullopt, pk, std::nullopt, h5, {}).verdict,
            WitnessVerdict::kFirst);
  EXPECT_EQ(CheckPeerHead("b", pk, pk, h5, h5, {}).verdict, WitnessVerdict::kSame);
  EXPECT_EQ(CheckPeerHead("b", pk, pk, h5, h12, record.Proof(5, 12)).verdict,
            WitnessVerdict::kExtends);

  // RFC 9162 2.1.4.2: the proof must tie the old root to the new one.
  auto wrong_proof = record.Proof(5, 12);
  wrong_proof[0][3] ^= 1;
  WitnessOutcome o = CheckPeerHead("b", pk, pk, h5, h12, wrong_proof);
  EXPECT_EQ(o.verdict, WitnessVerdict::kAlarm);
  EXPECT_EQ(o.message.rfind("peer b: its head of 12 entries does not extend the head of 5 entries "
                            "it presented before",
                            0),
            0u)
      << o.message;

  // Shrinking: an older, smaller head after a larger one.
  o = CheckPeerHead("b", pk, pk, h12, h5, {});
  EXPECT_EQ(o.verdict, WitnessVerdict::kAlarm);
  EXPECT_EQ(o.message.rfind("peer b: its record shrank: it presented a head of 5 entries after one "
                            "of 12",
                            0),
            0u)
      << o.message;

  // A fork: another history of the same size.
  FakeRecord other(2);
  other.Append(12);
  SignedHead fork12 = other.Sign(key, 3000);
  o = CheckPeerHead("b", pk, pk, h12, fork12, {});
  EXPECT_EQ(o.verdict, WitnessVerdict::kAlarm);
  EXPECT_EQ(o.message.rfind("peer b: two heads of 12 entries with different roots", 0), 0u)
      << o.message;
  // A rewritten history that grew: no proof from the kept head can hold.
  other.Append(3);
  SignedHead fork15 = other.Sign(key, 4000);
  o = CheckPeerHead("b", pk, pk, h12, fork15, other.Proof(12, 15));
  EXPECT_EQ(o.verdict, WitnessVerdict::kAlarm);
  EXPECT_NE(o.message.find("does not extend the head of 12 entries"), std::string::npos);

  // A changed key is an alarm, whatever it signs.
  const audit::NodeKey key2 = audit::NodeKey::Generate();
  SignedHead by2 = record.Sign(key2, 5000);
  o = CheckPeerHead("b", pk, key2.public_key(), h12, by2, {});
  EXPECT_EQ(o.verdict, WitnessVerdict::kAlarm);
  EXPECT_EQ(o.message.rfind("peer b: its record's key changed", 0), 0u) << o.message;

  // A bad signature proves nothing: a failed round, not an alarm.
  SignedHead forged = h12;
  forged.signature[0] ^= 1;
  EXPECT_EQ(CheckPeerHead("b", pk, pk, h5, forged, record.Proof(5, 12)).verdict,
            WitnessVerdict::kInvalid);
}

// A peer answering the two log routes from a FakeRecord and a key the test swaps.
class FakePeer : public taxii::TaxiiClient {
 public:
  Result<json::object> GetDiscovery() override { return json::object(); }
  Result<json::object> GetCollections() override { return json::object(); }
  Result<taxii::ObjectsPage> GetObjects(const std::string&, const taxii::ObjectsQuery&) override {
    return taxii::ObjectsPage();
  }
  Result<taxii::StatusResource> PostEnvelope(const std::string&, const std::string&) override {
    return Status::Unavailable("no");
  }
  Result<taxii::StatusResource> GetStatus(const std::string&) override {
    return Status::Unavailable("no");
  }
  Status DeleteObject(const std::string&, const std::string&, const std::string&) override {
    return Status::Ok();
  }
  Result<json::object> GetNodeJson(const std::string& target) override {
    targets.push_back(target);
    if (target == "/x-entente/log/head") {
      const auto& pk = key->public_key();
      return json::object{{"head", json::parse(audit::FormatSignedHead(head))},
                          {"public_key", audit::BytesHex(pk.data(), pk.size())}};
    }
    uint64_t m = 0, n = 0;
    if (std::sscanf(target.c_str(), "/x-entente/log/consistency?first=%lu&second=%lu", &m, &n) ==
        2) {
      json::array proof;
      for (const Hash& h : record->Proof(m, n)) proof.emplace_back(audit::HashHex(h));
      return json::object{{"first", m}, {"second", n}, {"proof", proof}};
    }
    return Status::NotFound(target);
  }
  FakeRecord* record = nullptr;
  const audit::NodeKey* key = nullptr;
  SignedHead head;
  std::vector<std::string> targets;
};

TEST(WitnessPeerOnce, KeepsPinsAndAlarmsOnce) {
  store::MemoryFederationState state;
  FakeClock clock(1'764'720'000'000'000);
  std::vector<std::string> logged;
  LogFn log = [&](const std::string& line) { logged.push_back(line); };
  const audit::NodeKey key = audit::NodeKey::Generate();
  FakeRecord record(1);
  FakePeer peer_client;
  peer_client.record = &record;
  peer_client.key = &key;
  Peer peer;
  peer.name = "cert-de";

  record.Append(4);
  peer_client.head = record.Sign(key, 1);
  WitnessVerdict v;
  ASSERT_TRUE(WitnessPeerOnce(state, peer_client, peer, clock, log, &v).ok());
  EXPECT_EQ(v, WitnessVerdict::kFirst);
  record.Append(6);
  peer_client.head = record.Sign(key, 2);
  ASSERT_TRUE(WitnessPeerOnce(state, peer_client, peer, clock, log, &v).ok());
  EXPECT_EQ(v, WitnessVerdict::kExtends);
  EXPECT_EQ(peer_client.targets.back(), "/x-entente/log/consistency?first=4&second=10");
  ASSERT_TRUE(WitnessPeerOnce(state, peer_client, peer, clock, log, &v).ok());
  EXPECT_EQ(v, WitnessVerdict::kSame);
  auto heads = state.WitnessedHeads("cert-de", false, 0).value();
  ASSERT_EQ(heads.size(), 2u);
  EXPECT_EQ(heads[0].tree_size, 4u);
  EXPECT_EQ(heads[1].tree_size, 10u);
  EXPECT_TRUE(state.WitnessAlarms("cert-de").value().empty());
  EXPECT_TRUE(logged.empty());

  // The peer rewrites its record: a new history of 12 entries.
  FakeRecord rewritten(9);
  rewritten.Append(12);
  peer_client.record = &rewritten;
  peer_client.head = rewritten.Sign(key, 3);
  ASSERT_TRUE(WitnessPeerOnce(state, peer_client, peer, clock, log, &v).ok());
  EXPECT_EQ(v, WitnessVerdict::kAlarm);
  // Asked again: the same alarm is not raised twice.
  ASSERT_TRUE(WitnessPeerOnce(state, peer_client, peer, clock, log, &v).ok());
  auto alarms = state.WitnessAlarms("cert-de").value();
  ASSERT_EQ(alarms.size(), 1u);
  EXPECT_EQ(alarms[0].message.rfind("peer cert-de: its head of 12 entries does not extend the "
                                    "head of 10 entries",
                                    0),
            0u)
      << alarms[0].message;
  json::value evidence = json::parse(alarms[0].evidence);
  EXPECT_EQ(evidence.at("kept_before").at("tree_size").to_number<uint64_t>(), 10u);
  EXPECT_EQ(evidence.at("presented").at("tree_size").to_number<uint64_t>(), 12u);
  ASSERT_EQ(logged.size(), 1u);
  EXPECT_EQ(logged[0], "federation: WITNESS ALARM " + alarms[0].message);
  // The rewritten head is not kept: the next comparison is still against the honest one.
  EXPECT_EQ(state.WitnessedHeads("cert-de", true, 1).value().front().tree_size, 10u);

  // The key pinned at first sight: a new key is an alarm.
  const audit::NodeKey other = audit::NodeKey::Generate();
  peer_client.record = &record;
  peer_client.key = &other;
  peer_client.head = record.Sign(other, 4);
  ASSERT_TRUE(WitnessPeerOnce(state, peer_client, peer, clock, log, &v).ok());
  EXPECT_EQ(v, WitnessVerdict::kAlarm);
  EXPECT_EQ(state.WitnessAlarms("cert-de").value().back().message.rfind(
                "peer cert-de: its record's key changed", 0),
            0u);
  // A configured key overrides the pin (the operator replaced the peer's key knowingly).
  peer.log_key = audit::BytesHex(other.public_key().data(), 32);
  ASSERT_TRUE(WitnessPeerOnce(state, peer_client, peer, clock, log, &v).ok());
  EXPECT_EQ(v, WitnessVerdict::kSame);
}

}  // namespace
}  // namespace entente::federation
