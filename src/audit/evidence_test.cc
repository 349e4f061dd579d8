// evidence.h: a package made from a real record round-trips through VerifyPackage, and
// every kind of tampering docs/evidence.md lists ("What verify checks") is refused with
// the failure naming what was changed.
#include "audit/evidence.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>

#include "audit/node_key.h"
#include "common/env.h"
#include "common/fake_clock.h"

namespace entente::audit {
namespace {

namespace json = boost::json;

constexpr const char* kObjectA =
    R"({"type":"indicator","spec_version":"2.1","id":"indicator--aaaaaaaa-0000-4000-8000-000000000001","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z","pattern":"[ipv4-addr:value = '192.0.2.1']","pattern_type":"stix","valid_from":"2026-01-01T00:00:00Z"})";
constexpr const char* kIdA = "indicator--aaaaaaaa-0000-4000-8000-000000000001";
constexpr const char* kIdB = "malware--bbbbbbbb-0000-4000-8000-000000000002";
constexpr const char* kObjectB =
    R"({"type":"malware","spec_version":"2.1","id":"malware--bbbbbbbb-0000-4000-8000-000000000002","created":"2026-01-02T00:00:00.000Z","modified":"2026-01-02T00:00:00.000Z","name":"x","is_family":false})";

class EvidenceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("audit_evidence_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    LogOptions o;
    o.clock = &clock_;
    o.synchronous = "OFF";
    log_ = AuditLog::Open((dir_ / "audit.db").string(), o).value();
    // Entries about other objects around ours, so that the proofs are not trivial.
    std::vector<Entry> batch;
    for (int i = 0; i < 20; ++i) batch.push_back(Noise(i));
    batch.push_back(Stored(kIdA, "2026-01-01T00:00:00.000Z", ObjectDigest(kObjectA).value()));
    for (int i = 20; i < 31; ++i) batch.push_back(Noise(i));
    batch.push_back(Stored(kIdB, "2026-01-02T00:00:00.000Z", ObjectDigest(kObjectB).value()));
    batch.push_back({EntryKind::kEgressDecision,
                     EgressDecision{kIdA, "2026-01-01T00:00:00.000Z", "cert-de", Decision::kSent,
                                    "tlp", "TLP:GREEN may leave"}});
    for (int i = 31; i < 40; ++i) batch.push_back(Noise(i));
    ASSERT_TRUE(log_->Append(batch).ok());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static Entry Noise(int i) {
    return {EntryKind::kObjectStored,
            ObjectStored{"indicator--" + std::to_string(i), "2026-01-01T00:00:00.000Z", "coll",
                         std::string(64, 'c'), "org-a", Channel::kClient}};
  }
  static Entry Stored(const std::string& id, const std::string& version, const std::string& sha) {
    return {EntryKind::kObjectStored,
            ObjectStored{id, version, "coll", sha, "org-a", Channel::kPeer}};
  }

  EvidencePackage Make() {
    EvidencePackage p;
    p.node = "cert-fr";
    p.created_us = clock_.NowMicros();
    p.public_key = key_.public_key();
    p.head = log_->SignHead(key_).value();
    p.objects = {{kIdA, "2026-01-01T00:00:00.000Z", "coll", kObjectA},
                 {kIdB, "2026-01-02T00:00:00.000Z", "coll", kObjectB}};
    EXPECT_TRUE(AddCustody(*log_, {kIdA, kIdB}, &p).ok());
    p.witnessed_note = "none";
    return p;
  }
  static std::vector<std::string> Failures(const std::string& text,
                                           std::optional<PublicKey> key = std::nullopt) {
    return VerifyPackage(text, key).failures;
  }

  std::filesystem::path dir_;
  FakeClock clock_{1764720000000000};
  NodeKey key_ = NodeKey::Generate();
  std::unique_ptr<AuditLog> log_;
};

TEST_F(EvidenceTest, RoundTripHolds) {
  EvidencePackage p = Make();
  // The chain of custody: both objects' object-stored entries and A's egress decision.
  ASSERT_EQ(p.entries.size(), 3u);
  EXPECT_EQ(p.entries[0].index, 20u);
  EXPECT_EQ(p.entries[1].index, 32u);
  EXPECT_EQ(p.entries[2].index, 33u);
  std::string text = FormatPackage(p);
  EvidenceReport r = VerifyPackage(text, key_.public_key());
  EXPECT_TRUE(r.failures.empty()) << r.failures.front();
  EXPECT_EQ(r.objects, 2u);
  EXPECT_EQ(r.entries, 3u);
  auto back = ParsePackage(text).value();
  EXPECT_EQ(FormatPackage(back), text);
}

TEST_F(EvidenceTest, ChangedObjectIsNamed) {
  EvidencePackage p = Make();
  p.objects[0].json =
      std::string(kObjectA).replace(std::string(kObjectA).find("192.0.2.1"), 9, "192.0.2.9");
  auto f = Failures(FormatPackage(p));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(
      f[0].rfind(
          std::string("object ") + kIdA + " version 2026-01-01T00:00:00.000Z: its SHA-256 is ", 0),
      0u)
      << f[0];
  EXPECT_NE(f[0].find("but entry 20 records " + ObjectDigest(kObjectA).value()), std::string::npos)
      << f[0];
}

TEST_F(EvidenceTest, ReorderedMembersOfAnObjectStillHold) {
  // The recorded digest is of the canonical form: the same object with its members in
  // another order is the same object.
  EvidencePackage p = Make();
  json::object o = json::parse(kObjectB).as_object();
  json::object reversed;
  for (auto it = o.end(); it != o.begin();) {
    --it;
    reversed[it->key()] = it->value();
  }
  p.objects[1].json = json::serialize(reversed);
  ASSERT_NE(p.objects[1].json, kObjectB);
  EXPECT_TRUE(Failures(FormatPackage(p)).empty());
}

TEST_F(EvidenceTest, ChangedEntryIsNamed) {
  EvidencePackage p = Make();
  // The egress decision now says "withheld": still a well-formed entry, no longer the
  // one under the head.
  std::string& t = p.entries[2].text;
  t.replace(t.find("\"sent\""), 6, "\"withheld\"");
  ASSERT_TRUE(ParseEntry(t).ok());
  auto f = Failures(FormatPackage(p));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].rfind("entry 33: the inclusion proof does not lead to the signed head's root", 0),
            0u)
      << f[0];
}

TEST_F(EvidenceTest, ChangedRecordedDigestIsNamedTwice) {
  // Changing what an entry records about an object breaks its proof, and the object is
  // then recorded by no proven entry.
  EvidencePackage p = Make();
  std::string& t = p.entries[0].text;
  std::string digest = ObjectDigest(kObjectA).value();
  t.replace(t.find(digest), 64, Sha256Hex("forged"));
  auto f = Failures(FormatPackage(p));
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].rfind("entry 20: the inclusion proof does not lead", 0), 0u) << f[0];
  EXPECT_EQ(f[1],
            std::string("object ") + kIdA +
                " version 2026-01-01T00:00:00.000Z: no object-stored entry or item in the package "
                "(with a proof that holds) records it in collection coll");
}

TEST_F(EvidenceTest, FlippedProofHashIsNamed) {
  EvidencePackage p = Make();
  ASSERT_FALSE(p.entries[1].proof.empty());
  p.entries[1].proof[2][0] ^= 0x01;
  auto f = Failures(FormatPackage(p));
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].rfind("entry 32: the inclusion proof does not lead", 0), 0u) << f[0];
  EXPECT_EQ(f[1].rfind(std::string("object ") + kIdB, 0), 0u) << f[1];
}

TEST_F(EvidenceTest, MovedEntryIsNamed) {
  EvidencePackage p = Make();
  p.entries[1].index = 31;  // claims another position
  auto f = Failures(FormatPackage(p));
  ASSERT_GE(f.size(), 1u);
  EXPECT_EQ(f[0], "entry 31: its text says index 32");
}

TEST_F(EvidenceTest, FlippedSignatureIsNamed) {
  EvidencePackage p = Make();
  p.head.signature[10] ^= 0x80;
  auto f = Failures(FormatPackage(p));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0], "head: the signature does not verify with the package's key");
}

TEST_F(EvidenceTest, ChangedHeadIsNamed) {
  // A head whose size or root was changed (to make forged proofs hold) loses its
  // signature.
  EvidencePackage p = Make();
  p.head.head.tree_size += 1;
  auto f = Failures(FormatPackage(p));
  ASSERT_GE(f.size(), 1u);
  EXPECT_EQ(f[0], "head: the signature does not verify with the package's key");
}

TEST_F(EvidenceTest, DifferentKeyIsNamed) {
  EvidencePackage p = Make();
  // Everything re-signed by another key: consistent in itself, so only the key a reader
  // obtained independently reveals it.
  NodeKey other = NodeKey::Generate();
  p.public_key = other.public_key();
  auto f = Failures(FormatPackage(p));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0], "head: signed by key id " + HashHex(key_.key_id()) +
                      ", not by the package's key (key id " + HashHex(other.key_id()) + ")");
  p.head = other.Sign(p.head.head);
  EXPECT_TRUE(Failures(FormatPackage(p)).empty());
  f = Failures(FormatPackage(p), key_.public_key());
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0], "public key: the package's key (key id " + HashHex(other.key_id()) +
                      ") is not the expected key (key id " + HashHex(key_.key_id()) + ")");
}

TEST_F(EvidenceTest, WitnessedHeadsAreChecked) {
  EvidencePackage p = Make();
  SignedHead earlier = p.head;
  ASSERT_TRUE(log_->Append(std::vector<Entry>{Noise(77)}).ok());
  SignedHead later = log_->SignHead(key_).value();
  p.witnessed.push_back(
      {"cert-de", later,
       log_->ConsistencyProof(earlier.head.tree_size, later.head.tree_size).value()});
  EXPECT_TRUE(Failures(FormatPackage(p)).empty());
  // A head of a forked history: same key, a root that does not extend the package's.
  TreeHead forked = later.head;
  forked.root[0] ^= 1;
  p.witnessed[0].head = key_.Sign(forked);
  auto f = Failures(FormatPackage(p));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].rfind("witnessed head 0 (peer cert-de): not consistent with the package's head "
                       "(tree sizes 43 and 44",
                       0),
            0u)
      << f[0];
}

TEST_F(EvidenceTest, UnreadablePackageIsOneFailure) {
  EXPECT_EQ(Failures("not json").size(), 1u);
  EvidencePackage p = Make();
  std::string text = FormatPackage(p);
  text.replace(text.find("entente-evidence/1"), 18, "entente-evidence/9");
  auto f = Failures(text);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0], "package: format \"entente-evidence/9\" is not \"entente-evidence/1\"");
}

}  // namespace
}  // namespace entente::audit
