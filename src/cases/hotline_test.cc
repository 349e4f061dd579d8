#include "cases/hotline.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "cases/testing/hotline_node.h"
#include "stix/stix.h"

namespace entente::cases {
namespace {

using testing::HotlineNode;
using testing::kDe;
using testing::kElsewhere;
using testing::kFr;
using testing::kIt;
using testing::kMinute;
using testing::kT0;

constexpr const char* kMsg = "note--5e1d0000-0000-4000-8000-000000000001";
constexpr const char* kAck = "note--5e1d0000-0000-4000-8000-0000000000a1";
constexpr const char* kForged = "note--5e1d0000-0000-4000-8000-0000000000f1";

class Hotline : public ::testing::Test {
 protected:
  Hotline() {
    first_ = HotlineNode::MakeContact(kDe, "duty", 1);
    second_ = HotlineNode::MakeContact(kDe, "deputy", 2);
    night_ = HotlineNode::MakeContact(kDe, "night", 1, /*always_on=*/true);
  }

  // cert-fr asks cert-de's duty contact, 10 minutes per contact.
  Message SendOne(MessageKind kind = MessageKind::kRequest) {
    SendRequest r;
    r.kind = kind;
    r.to = first_;
    r.chain = kind == MessageKind::kPing ? std::vector<Contact>{first_}
                                         : EscalationChain(first_, {second_, night_});
    r.subject = "Ransomware at a DE subsidiary of a FR operator";
    r.body = "Please confirm you received case note--x and name a handler.";
    r.ack_within_us = 10 * kMinute;
    auto m = Send(node_.store(), node_.collection(), node_.parties(), node_.Org("cert-fr"), r, kMsg,
                  kT0);
    EXPECT_TRUE(m.ok()) << m.status().message();
    return m.ok() ? *m : Message{};
  }

  MessageState State(int64_t now) {
    auto all = LoadMessages(node_.store(), node_.collection().id, node_.parties(), now);
    EXPECT_TRUE(all.ok());
    EXPECT_EQ(all->size(), 1u);
    return all->empty() ? MessageState{} : all->front();
  }

  TickReport RunTick(int64_t now) {
    auto r = Tick(node_.store(), node_.collection(), node_.parties(), now);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? *r : TickReport{};
  }

  HotlineNode node_;
  Contact first_, second_, night_;
};

TEST_F(Hotline, MessageAndRecordsAreValidStixAndParseBack) {
  Message m = SendOne();
  boost::json::object obj = MessageObject(m);
  EXPECT_TRUE(stix::ValidateObject(obj, {}).empty());
  auto back = ParseMessage(obj);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->id, kMsg);
  EXPECT_EQ(back->from, kFr);
  EXPECT_EQ(back->to, kDe);
  EXPECT_EQ(back->chain, (std::vector<std::string>{first_.id, second_.id, night_.id}));
  EXPECT_EQ(back->sent_us, kT0);
  EXPECT_EQ(back->ack_within_us, 10 * kMinute);
  // Recipients: the sender and the addressee, so federation carries it to both only.
  const auto& audience = obj.at("extensions").at(policy::kAudienceExtensionId);
  EXPECT_EQ(audience.at("recipients"), (boost::json::array{kFr, kDe}));
  Record esc{EscalationId(m.id, 1),
             RecordKind::kEscalation,
             m.id,
             kFr,
             m.DeadlineOf(0),
             second_.id,
             1,
             ""};
  boost::json::object rec = RecordObject(m, esc);
  EXPECT_TRUE(stix::ValidateObject(rec, {}).empty());
  auto r = ParseRecord(rec);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->kind, RecordKind::kEscalation);
  EXPECT_EQ(r->step, 1);
  EXPECT_EQ(r->contact, second_.id);
  EXPECT_EQ(r->at_us, kT0 + 10 * kMinute);
}

TEST_F(Hotline, RefusesBadRequests) {
  SendRequest r;
  r.to = first_;
  r.chain = {first_};
  r.subject = "x";
  r.ack_within_us = 0;
  auto send = [&](const SendRequest& req, const char* from = "cert-fr") {
    return Send(node_.store(), node_.collection(), node_.parties(), node_.Org(from), req, kMsg, kT0)
        .status()
        .code();
  };
  EXPECT_EQ(send(r), StatusCode::kInvalidArgument);  // no time to acknowledge
  r.ack_within_us = kMinute;
  r.tlp = policy::Tlp::kGreen;
  EXPECT_EQ(send(r), StatusCode::kInvalidArgument);  // must stay with the two parties
  r.tlp = policy::Tlp::kAmber;
  EXPECT_EQ(send(r, "cert-de"), StatusCode::kInvalidArgument);  // to its own organisation
  r.chain = {HotlineNode::MakeContact(kIt, "x", 1, false, "IT")};
  EXPECT_EQ(send(r), StatusCode::kInvalidArgument);  // chain not starting with the contact
}

TEST_F(Hotline, DeliveryIsRecordedOnceWhenTheAddresseeLivesHere) {
  SendOne();
  TickReport t = RunTick(kT0 + 1000);
  EXPECT_EQ(t.deliveries, 1);
  EXPECT_EQ(t.escalations, 0);
  EXPECT_EQ(RunTick(kT0 + 2000).deliveries, 0);
  MessageState st = State(kT0 + 2000);
  EXPECT_TRUE(st.delivered);
  EXPECT_EQ(st.phase, Phase::kWaiting);
  EXPECT_EQ(node_.Versions(DeliveryId(kMsg)), 1);
}

// serve's loop ticks through a HotlineWatch, which reads only what was stored since its
// last tick and forgets messages nothing will be due for: it stores exactly the records
// Tick stores (the same ids), and a Tick after it finds nothing to do.
TEST_F(Hotline, WatchStoresWhatTickWouldAndForgetsSettledMessages) {
  SendOne();
  HotlineWatch watch(node_.store());
  auto tick = [&](int64_t now) {
    auto r = watch.Tick(node_.collection(), node_.parties(), now);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? *r : TickReport{};
  };
  TickReport t = tick(kT0 + 1000);
  EXPECT_EQ(t.deliveries, 1);
  EXPECT_EQ(t.escalations, 0);
  EXPECT_EQ(watch.HeldMessages(node_.collection().id), 1u);
  EXPECT_EQ(tick(kT0 + 2000).deliveries, 0);  // its own delivery, read back
  EXPECT_EQ(tick(kT0 + 10 * kMinute - 1).escalations, 0);
  EXPECT_EQ(tick(kT0 + 10 * kMinute).escalations, 1);
  EXPECT_EQ(tick(kT0 + 10 * kMinute).escalations, 0);
  // Acknowledged by cert-de (another process, say): no more escalations, and the message
  // is forgotten once the watch has read the acknowledgement.
  ASSERT_TRUE(Acknowledge(node_.store(), node_.collection(), node_.parties(), node_.Org("cert-de"),
                          kMsg, second_.id, "", kAck, kT0 + 11 * kMinute)
                  .ok());
  EXPECT_EQ(tick(kT0 + 30 * kMinute).escalations, 0);
  EXPECT_EQ(watch.HeldMessages(node_.collection().id), 0u);
  EXPECT_EQ(RunTick(kT0 + 30 * kMinute).escalations, 0);  // Tick agrees: nothing due
  EXPECT_EQ(node_.Versions(DeliveryId(kMsg)), 1);
  EXPECT_EQ(node_.Versions(EscalationId(kMsg, 1)), 1);
  EXPECT_EQ(node_.Versions(EscalationId(kMsg, 2)), 0);
  MessageState st = State(kT0 + 30 * kMinute);
  EXPECT_EQ(st.phase, Phase::kAcknowledged);
  EXPECT_EQ(st.current, 1u);

  // A message stored later is read (and only it is held).
  SendRequest r;
  r.to = first_;
  r.chain = {first_};
  r.kind = MessageKind::kPing;
  r.subject = "ping";
  r.ack_within_us = kMinute;
  ASSERT_TRUE(Send(node_.store(), node_.collection(), node_.parties(), node_.Org("cert-fr"), r,
                   "note--5e1d0000-0000-4000-8000-000000000002", kT0 + 31 * kMinute)
                  .ok());
  EXPECT_EQ(tick(kT0 + 31 * kMinute).deliveries, 1);
  EXPECT_EQ(watch.HeldMessages(node_.collection().id), 1u);
  // Delivered and a ping has nothing to escalate: settled once the delivery is read back.
  EXPECT_EQ(tick(kT0 + 32 * kMinute).deliveries, 0);
  EXPECT_EQ(watch.HeldMessages(node_.collection().id), 0u);
}

TEST_F(Hotline, NoAckEscalatesToTheNextContactThenThe247Contact) {
  SendOne();
  EXPECT_EQ(RunTick(kT0 + 10 * kMinute - 1).escalations, 0);  // one microsecond early
  EXPECT_EQ(State(kT0 + 10 * kMinute).phase, Phase::kOverdue);
  EXPECT_EQ(RunTick(kT0 + 10 * kMinute).escalations, 1);
  MessageState st = State(kT0 + 10 * kMinute);
  EXPECT_EQ(st.phase, Phase::kWaiting);
  EXPECT_EQ(st.current, 1u);
  EXPECT_EQ(st.deadline_us, kT0 + 20 * kMinute);
  EXPECT_EQ(RunTick(kT0 + 25 * kMinute).escalations, 1);
  st = State(kT0 + 25 * kMinute);
  EXPECT_EQ(st.current, 2u);
  EXPECT_EQ(st.message.chain[st.current], night_.id);
  EXPECT_EQ(RunTick(kT0 + 60 * kMinute).escalations, 0);  // nobody left after the 24/7 one
  st = State(kT0 + 60 * kMinute);
  EXPECT_EQ(st.phase, Phase::kUnanswered);
  // sent, delivered, escalated x2: each with its time and who did it.
  ASSERT_EQ(st.steps.size(), 4u);
  EXPECT_EQ(st.steps[0].what, Step::What::kSent);
  EXPECT_EQ(st.steps[1].what, Step::What::kDelivered);
  EXPECT_EQ(st.steps[2].what, Step::What::kEscalated);
  EXPECT_EQ(st.steps[2].at_us, kT0 + 10 * kMinute);
  EXPECT_EQ(st.steps[2].by, kFr);
  EXPECT_EQ(st.steps[3].at_us, kT0 + 20 * kMinute);  // when it was due, not when run
  EXPECT_EQ(st.steps[3].contact, night_.id);
}

TEST_F(Hotline, ATickAfterACrashStoresExactlyTheMissingSteps) {
  // The first step was stored, then the process died; the restart comes late, when both
  // steps are due: step 1 is not stored again and step 2 is.
  Message m = SendOne();
  Record r{EscalationId(kMsg, 1),
           RecordKind::kEscalation,
           kMsg,
           kFr,
           m.DeadlineOf(0),
           second_.id,
           1,
           ""};
  ASSERT_TRUE(StoreAs(node_.store(), node_.collection(), node_.parties(), node_.Org("cert-fr"),
                      RecordObject(m, r))
                  .ok());
  TickReport t = RunTick(kT0 + 45 * kMinute);
  EXPECT_EQ(t.escalations, 1);
  EXPECT_EQ(RunTick(kT0 + 45 * kMinute).escalations, 0);
  EXPECT_EQ(node_.Versions(EscalationId(kMsg, 1)), 1);
  EXPECT_EQ(node_.Versions(EscalationId(kMsg, 2)), 1);
}

TEST_F(Hotline, AnAckInTimeStopsEscalation) {
  SendOne();
  auto ack = Acknowledge(node_.store(), node_.collection(), node_.parties(), node_.Org("cert-de"),
                         kMsg, first_.id, "on it", kAck, kT0 + 3 * kMinute);
  ASSERT_TRUE(ack.ok()) << ack.status().message();
  EXPECT_EQ(RunTick(kT0 + 60 * kMinute).escalations, 0);
  MessageState st = State(kT0 + 60 * kMinute);
  EXPECT_EQ(st.phase, Phase::kAcknowledged);
  EXPECT_TRUE(st.ack_in_time);
  EXPECT_EQ(st.ack_us, kT0 + 3 * kMinute);
  EXPECT_EQ(st.ack_contact, first_.id);
}

TEST_F(Hotline, ALateAckCountsButNotInTime) {
  SendOne();
  RunTick(kT0 + 12 * kMinute);
  ASSERT_TRUE(Acknowledge(node_.store(), node_.collection(), node_.parties(), node_.Org("cert-de"),
                          kMsg, second_.id, "", kAck, kT0 + 15 * kMinute)
                  .ok());
  EXPECT_EQ(RunTick(kT0 + 60 * kMinute).escalations, 0);
  MessageState st = State(kT0 + 60 * kMinute);
  EXPECT_EQ(st.phase, Phase::kAcknowledged);
  EXPECT_FALSE(st.ack_in_time);
  EXPECT_EQ(st.current, 1u);
}

TEST_F(Hotline, OnlyTheAddresseeAcknowledges) {
  SendOne();
  auto ack = Acknowledge(node_.store(), node_.collection(), node_.parties(), node_.Org("cert-it"),
                         kMsg, "", "", kAck, kT0 + kMinute);
  // cert-it is no recipient of the message: for it the message does not exist.
  EXPECT_EQ(ack.status().code(), StatusCode::kNotFound);
  ack = Acknowledge(node_.store(), node_.collection(), node_.parties(), node_.Org("cert-fr"), kMsg,
                    "", "", kAck, kT0 + kMinute);
  EXPECT_EQ(ack.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(node_.Versions(kAck), 0);
}

TEST_F(Hotline, AForgedAckStoredAnotherWayIsIgnored) {
  Message m = SendOne();
  // cert-it writes an ack in its own name (as a TAXII client could): stored, ignored.
  Record own{kForged, RecordKind::kAck, kMsg, kIt, kT0 + kMinute, "", 0, ""};
  ASSERT_TRUE(StoreAs(node_.store(), node_.collection(), node_.parties(), node_.Org("cert-it"),
                      RecordObject(m, own))
                  .ok());
  // An ack claiming to be cert-de's, written by cert-fr: admission refuses it outright
  // (forged-creator: cert-de lives on this node).
  Record claim{"note--5e1d0000-0000-4000-8000-0000000000f2",
               RecordKind::kAck,
               kMsg,
               kDe,
               kT0 + kMinute,
               "",
               0,
               ""};
  auto refused = StoreAs(node_.store(), node_.collection(), node_.parties(), node_.Org("cert-fr"),
                         RecordObject(m, claim));
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("forged-creator"), std::string::npos);
  EXPECT_EQ(RunTick(kT0 + 10 * kMinute).escalations, 1);
  MessageState st = State(kT0 + 10 * kMinute);
  EXPECT_FALSE(st.acknowledged);
  bool ignored = false;
  for (const Step& s : st.steps) {
    if (s.what == Step::What::kIgnored && s.by == kIt) ignored = true;
  }
  EXPECT_TRUE(ignored);
}

TEST_F(Hotline, AnAckFromAPeerCountsOnlyWhenTheAddresseeLivesThere) {
  // The addressee lives elsewhere; its ack arrives pushed by the peer "de-node", whose
  // pushing organisation here is cert-it (the peer's local org).
  SendRequest r;
  Contact remote = HotlineNode::MakeContact(kElsewhere, "remote", 1);
  r.to = remote;
  r.chain = {remote};
  r.subject = "hello";
  r.ack_within_us = kMinute;
  auto m =
      Send(node_.store(), node_.collection(), node_.parties(), node_.Org("cert-fr"), r, kMsg, kT0);
  ASSERT_TRUE(m.ok()) << m.status().message();
  Record ack{kAck, RecordKind::kAck, kMsg, kElsewhere, kT0 + 1000, remote.id, 0, ""};
  // cert-it may store an ack naming a creator outside this node (admission allows it) ...
  ASSERT_TRUE(StoreAs(node_.store(), node_.collection(), node_.parties(), node_.Org("cert-it"),
                      RecordObject(*m, ack))
                  .ok());
  EXPECT_FALSE(State(kT0 + 2000).acknowledged);  // ... but it does not speak for it
  store::Peer peer;
  peer.name = "de-node";
  peer.local_org = "cert-it";
  peer.recipients = {kDe};  // declared there: cert-de, not the addressee
  node_.parties().peers.push_back(peer);
  EXPECT_FALSE(State(kT0 + 2000).acknowledged);
  node_.parties().peers.back().recipients.push_back(kElsewhere);
  EXPECT_TRUE(State(kT0 + 2000).acknowledged);
  // No delivery here: the addressee does not live on this node.
  EXPECT_EQ(RunTick(kT0 + 2000).deliveries, 0);
}

TEST_F(Hotline, AMessageFromAnOrganisationThatDoesNotLiveWhereItCameFromIsIgnored) {
  // cert-it stores a message in the name of an organisation living on no known node.
  Message m;
  m.id = kForged;
  m.from = kElsewhere;
  m.to = kDe;
  m.chain = {first_.id};
  m.subject = "pay now";
  m.sent_us = kT0;
  m.ack_within_us = kMinute;
  ASSERT_TRUE(StoreAs(node_.store(), node_.collection(), node_.parties(), node_.Org("cert-it"),
                      MessageObject(m))
                  .ok());
  auto all = LoadMessages(node_.store(), node_.collection().id, node_.parties(), kT0);
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->empty());
  EXPECT_EQ(RunTick(kT0 + kMinute).deliveries, 0);
}

TEST_F(Hotline, StatsCountPingsPerContact) {
  SendOne(MessageKind::kPing);
  ASSERT_TRUE(Acknowledge(node_.store(), node_.collection(), node_.parties(), node_.Org("cert-de"),
                          kMsg, first_.id, "", kAck, kT0 + 4 * kMinute)
                  .ok());
  SendRequest r;
  r.kind = MessageKind::kPing;
  r.to = second_;
  r.chain = {second_};
  r.subject = "ping";
  r.ack_within_us = 10 * kMinute;
  ASSERT_TRUE(Send(node_.store(), node_.collection(), node_.parties(), node_.Org("cert-fr"), r,
                   "note--5e1d0000-0000-4000-8000-000000000002", kT0)
                  .ok());
  EXPECT_EQ(RunTick(kT0 + 30 * kMinute).escalations, 0);  // pings do not escalate
  auto all =
      LoadMessages(node_.store(), node_.collection().id, node_.parties(), kT0 + 30 * kMinute);
  ASSERT_TRUE(all.ok());
  auto stats = ComputeStats(*all);
  ASSERT_EQ(stats.size(), 2u);
  int64_t acked = 0, sent = 0;
  for (const ReachStats& s : stats) {
    EXPECT_EQ(s.kind, MessageKind::kPing);
    EXPECT_EQ(s.sent, 1);
    EXPECT_EQ(s.delivered, 1);
    sent += s.sent;
    acked += s.acknowledged;
    if (s.contact == first_.id) {
      EXPECT_EQ(s.acknowledged, 1);
      EXPECT_EQ(s.in_time, 1);
      EXPECT_EQ(s.median_ack_us, 4 * kMinute);
    } else {
      EXPECT_EQ(s.contact, second_.id);
      EXPECT_EQ(s.acknowledged, 0);
      EXPECT_EQ(s.median_ack_us, -1);
    }
  }
  EXPECT_EQ(sent, 2);
  EXPECT_EQ(acked, 1);
}

TEST(HotlineIds, DeterministicIdsAreStableAndDistinct) {
  EXPECT_EQ(EscalationId(kMsg, 1), EscalationId(kMsg, 1));
  EXPECT_NE(EscalationId(kMsg, 1), EscalationId(kMsg, 2));
  EXPECT_NE(DeliveryId(kMsg), EscalationId(kMsg, 1));
  EXPECT_EQ(DeliveryId(kMsg).rfind("note--", 0), 0u);
  // Version 5 UUID (RFC 4122 §4.3): the version nibble is 5.
  EXPECT_EQ(DeliveryId(kMsg)[6 + 14], '5');
}

}  // namespace
}  // namespace entente::cases
