#include "cases/intake_forward.h"

#include <gtest/gtest.h>

#include "cases/contact.h"
#include "cases/hotline.h"
#include "cases/intake_desk.h"
#include "policy/access.h"
#include "store/test_util.h"

namespace entente::cases {
namespace {

using store::testing::ManualClock;
using store::testing::TempDir;

constexpr int64_t kT0 = 1'780'000'000'000'000;  // 2026-05-28
constexpr int64_t kSecond = 1'000'000;
constexpr const char* kCert = "identity--10000000-0000-4000-8000-000000000000";
constexpr const char* kAcme = "identity--20000000-0000-4000-8000-000000000000";
constexpr const char* kEnergy = "identity--30000000-0000-4000-8000-000000000000";
constexpr const char* kPeerA = "identity--40000000-0000-4000-8000-000000000000";
constexpr const char* kPeerB = "identity--50000000-0000-4000-8000-000000000000";

RouteRule Rule(const std::string& name, const std::string& rsit_class, const std::string& to) {
  RouteRule r;
  r.name = name;
  r.rsit_class = rsit_class;
  r.to = to;
  return r;
}

// The intake desk and the forwarder on one SQLite store: "cert" handles the intake and
// forwards, "acme" reports, "energyc" is the organisation reports are routed to.
class IntakeForwardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::SqliteOptions o;
    o.create_if_missing = true;
    o.clock = &clock_;
    auto s = store::OpenSqliteStore(dir_.File("node.db"), o);
    ASSERT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(*s);
    store::ApiRoot root;
    root.name = "api";
    ASSERT_TRUE(store_->PutApiRoot(root).ok());
    Org("cert", kCert, true);
    Org("acme", kAcme, false);
    Org("energyc", kEnergy, false);
    hotline_.id = "8a7e2c1d-0000-4000-8000-00000000c011";
    hotline_.api_root = "api";
    hotline_.title = "hotline";
    hotline_.default_tlp = policy::Tlp::kAmber;
    hotline_.readers = hotline_.writers = {"cert", "acme", "energyc"};
    ASSERT_TRUE(store_->PutCollection(hotline_).ok());
    auto parties = LoadNodeParties(*store_, nullptr);
    ASSERT_TRUE(parties.ok());
    parties_ = *parties;
    // Two peers, one hosting one organisation, the other two.
    store::Peer bonn, oslo;
    bonn.name = "bonn";
    bonn.recipients = {kPeerA};
    oslo.name = "oslo";
    oslo.recipients = {kPeerA, kPeerB};
    parties_.peers = {bonn, oslo};
    Contact duty;
    duty.org_identity = kEnergy;
    duty.name = "duty";
    duty.rank = 1;
    duty.always_on = true;
    duty.country = "FR";
    duty.emails = {"duty@energy.example"};
    ASSERT_TRUE(CheckContact(&duty).ok());
    ASSERT_TRUE(PublishContact(*store_, hotline_, parties_, *Local("energyc"), duty, kT0,
                               policy::Tlp::kClear, {})
                    .ok());
    config_.routes.push_back(Rule("all", "", "org:energyc"));
    config_.forward.collection = hotline_.id;
    config_.forward.as = "cert";
    config_.forward.within_seconds = 3600;
    IntakeDeskOptions d;
    d.config = config_;
    d.clock = &clock_;
    auto desk = IntakeDesk::Open(*store_, std::move(d));
    ASSERT_TRUE(desk.ok()) << desk.status().message();
    desk_ = std::move(*desk);
  }
  void Org(const std::string& id, const std::string& identity, bool admin) {
    store::Organisation o;
    o.id = id;
    o.name = id;
    o.country = "FR";
    o.sector = "energy";
    o.identity_id = identity;
    o.admin = admin;
    ASSERT_TRUE(store_->PutOrganisation(o).ok());
  }
  const store::Organisation* Local(const std::string& id) {
    for (const auto& o : parties_.orgs) {
      if (o.id == id) return &o;
    }
    return nullptr;
  }
  std::string Submit(const std::string& json) {
    auto r = ParseIntakeReport(json);
    EXPECT_TRUE(r.ok()) << r.status().message();
    auto ack = desk_->Submit("api", {"acme", kAcme, "energy", "FR"}, *r);
    EXPECT_TRUE(ack.ok()) << ack.status().message();
    return ack.ok() ? ack->ticket.ticket : "";
  }
  Ticket Get(const std::string& ticket) {
    policy::Requester op;
    op.local_operator = true;
    auto t = desk_->Get("api", ticket, op);
    EXPECT_TRUE(t.ok());
    return t.ok() ? *t : Ticket{};
  }
  int Versions(const std::string& collection, const std::string& id) {
    return store::testing::CountVersions(*store_, collection, id);
  }
  ForwardReport Run(IntakeForwarder& f, int64_t now) {
    auto r = f.Run(config_, parties_, now);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? *r : ForwardReport{};
  }

  TempDir dir_;
  ManualClock clock_{kT0};
  std::unique_ptr<store::Store> store_;
  store::Collection hotline_;
  NodeParties parties_;
  IntakeConfig config_;
  std::unique_ptr<IntakeDesk> desk_;
};

// A round that died after storing the hotline message and before recording it on the
// ticket (kill -9 between the two) is completed by the next round: the message is not
// sent again and the note carries the first message's time.
TEST_F(IntakeForwardTest, ARoundCutAfterTheMessageIsCompletedWithoutASecondMessage) {
  const std::string ticket = Submit(R"({"description": "x", "rsit_class": "malware"})");
  const std::string id = ForwardMessageId("api", ticket);
  auto contacts = ListContacts(*store_, hotline_.id, parties_, {});
  ASSERT_TRUE(contacts.ok());
  ASSERT_EQ(contacts->size(), 1u);
  SendRequest r;
  r.to = contacts->front();
  r.chain = {r.to};
  r.subject = "the first attempt";
  r.ack_within_us = 3600 * kSecond;
  ASSERT_TRUE(Send(*store_, hotline_, parties_, *Local("cert"), r, id, kT0 + kSecond).ok());

  IntakeForwarder fresh(*store_);  // a new process: nothing in memory
  ForwardReport rep = Run(fresh, kT0 + 60 * kSecond);
  EXPECT_EQ(rep.forwarded, 1);
  EXPECT_EQ(Versions(hotline_.id, id), 1);
  const Ticket t = Get(ticket);
  EXPECT_EQ(t.forward_state, "forwarded");
  EXPECT_EQ(t.forward_message, id);
  EXPECT_EQ(t.forward_to, kEnergy);
  EXPECT_EQ(t.forward_at_us, kT0 + kSecond);

  // Again, in this process and in another one: nothing new.
  EXPECT_EQ(Run(fresh, kT0 + 120 * kSecond).forwarded, 0);
  IntakeForwarder another(*store_);
  EXPECT_EQ(Run(another, kT0 + 180 * kSecond).forwarded, 0);
  EXPECT_EQ(Versions(hotline_.id, id), 1);
  EXPECT_EQ(Versions(IntakeCollectionId("api"), ForwardNoteId("api", ticket)), 1);
}

TEST_F(IntakeForwardTest, RedIsWithheldAmberStrictKeepsItsMarking) {
  const std::string red = Submit(R"({"description": "x", "rsit_class": "fraud", "tlp": "red"})");
  const std::string strict =
      Submit(R"({"description": "y", "rsit_class": "fraud", "tlp": "AMBER+STRICT"})");
  IntakeForwarder f(*store_);
  ForwardReport rep = Run(f, kT0 + kSecond);
  EXPECT_EQ(rep.forwarded, 1);
  EXPECT_EQ(rep.withheld, 1);
  EXPECT_EQ(Get(red).forward_state, "withheld");
  EXPECT_EQ(Versions(hotline_.id, ForwardMessageId("api", red)), 0);
  auto all = LoadMessages(*store_, hotline_.id, parties_, kT0 + kSecond);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ(all->front().message.id, ForwardMessageId("api", strict));
  EXPECT_EQ(all->front().message.tlp, policy::Tlp::kAmberStrict);
  EXPECT_EQ(all->front().message.to, kEnergy);
}

TEST_F(IntakeForwardTest, UnresolvedTargetsWaitAndSayWhy) {
  config_.routes = {Rule("one", "fraud", "peer:oslo"), Rule("two", "", "peer:bonn")};
  const std::string ambiguous = Submit(R"({"description": "x", "rsit_class": "fraud"})");
  const std::string no_contact = Submit(R"({"description": "y", "rsit_class": "malware"})");
  // Two tickets routed to energyc by the first rules, then the desk reopened with rules
  // sending to peers.
  IntakeDeskOptions d;
  d.config = config_;
  d.clock = &clock_;
  desk_.reset();
  auto desk = IntakeDesk::Open(*store_, std::move(d));
  ASSERT_TRUE(desk.ok());
  desk_ = std::move(*desk);
  const std::string a = Submit(R"({"description": "z", "rsit_class": "fraud"})");
  const std::string b = Submit(R"({"description": "w", "rsit_class": "malware"})");
  IntakeForwarder f(*store_);
  ForwardReport rep = Run(f, kT0 + kSecond);
  // The two first went to energyc (forwarded); oslo declares two organisations; bonn's one
  // has no contact in the collection yet.
  EXPECT_EQ(rep.forwarded, 2);
  EXPECT_EQ(rep.waiting, 2);
  std::string problems;
  for (const auto& p : rep.problems) problems += p + "\n";
  EXPECT_NE(problems.find("declares 2 organisations"), std::string::npos) << problems;
  EXPECT_NE(problems.find("has no point of contact"), std::string::npos) << problems;
  EXPECT_EQ(Get(a).forward_state, "");
  EXPECT_EQ(Get(b).forward_state, "");
  EXPECT_EQ(Get(ambiguous).forward_state, "forwarded");
  EXPECT_EQ(Get(no_contact).forward_state, "forwarded");
}

}  // namespace
}  // namespace entente::cases
