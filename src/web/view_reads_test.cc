// web/case_reads.h and web/record_reads.h: cases, the hotline inbox, the record and what was
// withheld from a peer, each read through the gate: what an organisation may not read
// answers as if it were absent.
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "audit/log.h"
#include "audit/node_key.h"
#include "cases/case_store.h"
#include "cases/testing/hotline_node.h"
#include "common/timestamp.h"
#include "store/federation_state.h"
#include "web/case_reads.h"
#include "web/record_reads.h"

namespace entente::web {
namespace {

using cases::testing::HotlineNode;
using cases::testing::kDe;
using cases::testing::kFr;
using cases::testing::kMinute;
using cases::testing::kT0;

constexpr const char* kMsg = "note--7e1d0000-0000-4000-8000-000000000001";
constexpr const char* kGreen = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb";
constexpr const char* kClear = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487";

class ViewReads : public ::testing::Test {
 protected:
  policy::Requester As(const std::string& org) {
    return policy::RequesterFor(store::OrgFactsOf(node_.Org(org)), "");
  }

  // cert-fr opens a case (TLP:AMBER, NIS2 aware at kT0) and invites cert-de.
  std::string OpenCase() {
    cases::CaseBook book(node_.store(), node_.collection(), node_.clock());
    auto fr = cases::ActorFor(node_.store(), "cert-fr");
    EXPECT_TRUE(fr.ok());
    cases::CaseSpec spec;
    spec.name = "ransomware at a hospital";
    spec.rsit = cases::ClassifyRsit("malicious-code", "infected-system").value();
    spec.nis2_awareness_us = kT0;
    auto id = book.Open(*fr, spec);
    EXPECT_TRUE(id.ok()) << id.status().message();
    node_.clock().Advance(kMinute);
    EXPECT_TRUE(book.Invite(*fr, *id, {kDe}).ok());
    node_.clock().Advance(kMinute);
    auto de = cases::ActorFor(node_.store(), "cert-de");
    EXPECT_TRUE(book.SetState(*de, *id, cases::ParticipantState::kInvestigating, "on it").ok());
    return id.ok() ? *id : "";
  }

  // cert-fr asks cert-de's duty contact, 10 minutes per contact, then a deputy.
  void SendOne(const std::string& id = kMsg) {
    cases::Contact first = HotlineNode::MakeContact(kDe, "duty", 1);
    cases::Contact second = HotlineNode::MakeContact(kDe, "deputy", 2);
    cases::SendRequest r;
    r.to = first;
    r.chain = cases::EscalationChain(first, {second});
    r.subject = "Please confirm the case";
    r.ack_within_us = 10 * kMinute;
    auto m = cases::Send(node_.store(), node_.collection(), node_.parties(), node_.Org("cert-fr"),
                         r, id, node_.clock().NowMicros());
    ASSERT_TRUE(m.ok()) << m.status().message();
  }

  HotlineNode node_;
};

TEST_F(ViewReads, ACaseIsSeenByItsParticipantsOnlyAndUnseenCasesAreAbsent) {
  const std::string id = OpenCase();
  const int64_t now = kT0 + 5 * 3600'000'000LL;
  // A participant sees it in the list and in full.
  auto de_list = ListCases(node_.store(), As("cert-de"), CaseListQuery{});
  ASSERT_TRUE(de_list.ok());
  ASSERT_EQ(de_list->rows.size(), 1u);
  EXPECT_EQ(de_list->rows[0].view.id, id);
  auto de = ReadCaseDetail(node_.store(), As("cert-de"), node_.collection().id, id, now, 100);
  ASSERT_TRUE(de.ok()) << de.status().message();
  ASSERT_EQ(de->snapshot.participants.size(), 2u);
  EXPECT_EQ(de->snapshot.participants[0].participant, kFr);
  EXPECT_EQ(de->snapshot.participants[0].current(), cases::ParticipantState::kInvited);
  EXPECT_EQ(de->snapshot.participants[1].participant, kDe);
  EXPECT_EQ(de->snapshot.participants[1].current(), cases::ParticipantState::kInvestigating);
  // NIS2 Art. 23(4)(a) and (b): early warning within 24 h, notification within 72 h of
  // awareness; nothing submitted, so both are due, the final report waits.
  ASSERT_EQ(de->clocks.size(), 3u);
  EXPECT_EQ(de->clocks[0].due_us, kT0 + cases::kEarlyWarningWithin);
  EXPECT_EQ(de->clocks[0].status, cases::ClockStatus::kDue);
  EXPECT_EQ(de->clocks[1].due_us, kT0 + cases::kIncidentNotificationWithin);
  EXPECT_EQ(de->clocks[2].status, cases::ClockStatus::kWaiting);
  // cert-it reads the collection but is not invited: no row, and the case answers
  // exactly as an id never used, and as a collection that does not exist.
  auto it_list = ListCases(node_.store(), As("cert-it"), CaseListQuery{});
  ASSERT_TRUE(it_list.ok());
  EXPECT_TRUE(it_list->rows.empty());
  EXPECT_TRUE(it_list->more.empty());
  auto hidden = ReadCaseDetail(node_.store(), As("cert-it"), node_.collection().id, id, now, 100);
  auto never = ReadCaseDetail(node_.store(), As("cert-it"), node_.collection().id,
                              "incident--00000000-0000-4000-8000-000000000000", now, 100);
  auto nowhere = ReadCaseDetail(node_.store(), As("cert-de"), "no-such-collection", id, now, 100);
  for (const auto* r : {&hidden, &never, &nowhere}) {
    ASSERT_FALSE(r->ok());
    EXPECT_EQ(r->status().code(), StatusCode::kNotFound);
    EXPECT_EQ(r->status().message(), "no such case");
  }
}

TEST_F(ViewReads, TheCasePageScanIsCappedAndSaysSo) {
  const std::string id = OpenCase();
  // The collection holds the incident and cert-de's state note (2 rows cert-de may see):
  // the scan counts every row, of any type, and stops at its cap.
  auto two = ReadCaseDetail(node_.store(), As("cert-de"), node_.collection().id, id, kT0, 2);
  ASSERT_TRUE(two.ok());
  EXPECT_FALSE(two->snapshot.capped);
  EXPECT_EQ(two->snapshot.participants.at(1).current(), cases::ParticipantState::kInvestigating);
  auto one = ReadCaseDetail(node_.store(), As("cert-de"), node_.collection().id, id, kT0, 1);
  ASSERT_TRUE(one.ok());
  EXPECT_TRUE(one->snapshot.capped);
  // The state note is past the cap: cert-de shows as invited only.
  EXPECT_EQ(one->snapshot.participants.at(1).current(), cases::ParticipantState::kInvited);
}

TEST_F(ViewReads, CasesPageByCursor) {
  OpenCase();
  OpenCase();
  OpenCase();
  CaseListQuery q;
  q.limit = 2;
  auto first = ListCases(node_.store(), As("cert-fr"), q);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->rows.size(), 2u);
  ASSERT_EQ(first->more.size(), 1u);
  q.collection_id = first->more[0].collection_id;
  q.after_us = first->more[0].after_us;
  auto second = ListCases(node_.store(), As("cert-fr"), q);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->rows.size(), 1u);
  EXPECT_TRUE(second->more.empty());
  EXPECT_NE(second->rows[0].view.id, first->rows[0].view.id);
  EXPECT_NE(second->rows[0].view.id, first->rows[1].view.id);
  // The budget counts rows of every type (3 incidents, 3 state notes here): a budget of
  // two rows finds the first case and stops, saying where to go on.
  CaseListQuery small;
  small.budget = 2;
  auto bounded = ListCases(node_.store(), As("cert-fr"), small);
  ASSERT_TRUE(bounded.ok());
  EXPECT_EQ(bounded->rows.size(), 1u);
  ASSERT_EQ(bounded->more.size(), 1u);
  // A cursor naming a collection the reader may not read gives nothing.
  q.collection_id = "no-such-collection";
  auto none = ListCases(node_.store(), As("cert-fr"), q);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->rows.empty());
}

TEST_F(ViewReads, TheInboxHoldsOnlyWhatIsAddressedToTheReaderOrSentByIt) {
  SendOne();
  const int64_t now = node_.clock().NowMicros();
  auto de = ReadInbox(node_.store(), nullptr, As("cert-de"), now, InboxQuery{});
  ASSERT_TRUE(de.ok());
  ASSERT_EQ(de->messages.size(), 1u);
  EXPECT_EQ(de->messages[0].state.message.id, kMsg);
  EXPECT_TRUE(de->messages[0].to_reader);
  // The sender does not find it among what it received, but among what it sent.
  auto fr = ReadInbox(node_.store(), nullptr, As("cert-fr"), now, InboxQuery{});
  ASSERT_TRUE(fr.ok());
  EXPECT_TRUE(fr->messages.empty());
  InboxQuery sent;
  sent.sent = true;
  auto fr_sent = ReadInbox(node_.store(), nullptr, As("cert-fr"), now, sent);
  ASSERT_TRUE(fr_sent.ok());
  ASSERT_EQ(fr_sent->messages.size(), 1u);
  EXPECT_FALSE(fr_sent->messages[0].to_reader);
  // A third organisation reading the same collection sees neither.
  for (bool s : {false, true}) {
    InboxQuery q;
    q.sent = s;
    auto it = ReadInbox(node_.store(), nullptr, As("cert-it"), now, q);
    ASSERT_TRUE(it.ok());
    EXPECT_TRUE(it->messages.empty());
    EXPECT_EQ(it->total, 0u);
  }
}

TEST_F(ViewReads, OnlyTheAddresseeAcknowledgesAndOthersMeetNotFound) {
  SendOne();
  const std::string coll = node_.collection().id;
  const int64_t now = node_.clock().NowMicros() + kMinute;
  auto ack = [&](const std::string& org, const std::string& collection, const std::string& msg) {
    return AcknowledgeMessage(node_.store(), nullptr, As(org), org, collection, msg, "seen",
                              "note--7e1d0000-0000-4000-8000-0000000000a" + org.substr(5, 1), now,
                              1000);
  };
  // The sender, a bystander, an unknown message and an unknown collection: one answer.
  for (auto r : {ack("cert-fr", coll, kMsg), ack("cert-it", coll, kMsg),
                 ack("cert-de", coll, "note--7e1d0000-0000-4000-8000-00000000ffff"),
                 ack("cert-de", "no-such-collection", kMsg)}) {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
    EXPECT_EQ(r.status().message(), "no such message");
  }
  auto before = ReadInbox(node_.store(), nullptr, As("cert-de"), now, InboxQuery{});
  ASSERT_TRUE(before.ok());
  EXPECT_FALSE(before->messages.at(0).state.acknowledged);
  auto ok = ack("cert-de", coll, kMsg);
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  // As `entente hotline ack` without --contact: the contact the message is with now.
  EXPECT_EQ(ok->contact, before->messages[0].state.message.chain[0]);
  auto after = ReadInbox(node_.store(), nullptr, As("cert-de"), now, InboxQuery{});
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->messages.at(0).state.acknowledged);
  EXPECT_EQ(after->messages[0].state.phase, cases::Phase::kAcknowledged);
}

TEST_F(ViewReads, EscalationsAreCountedAndTheHotlineReadIsCapped) {
  SendOne();
  node_.clock().Advance(kMinute);
  SendOne("note--7e1d0000-0000-4000-8000-000000000002");
  // Past the first contact's deadline, a tick stores the escalation to the deputy.
  const int64_t later = kT0 + 12 * kMinute;
  ASSERT_TRUE(cases::Tick(node_.store(), node_.collection(), node_.parties(), later).ok());
  auto de = ReadInbox(node_.store(), nullptr, As("cert-de"), later, InboxQuery{});
  ASSERT_TRUE(de.ok());
  ASSERT_EQ(de->messages.size(), 2u);
  EXPECT_FALSE(de->capped);
  // Newest sent first: the first message is the older one, escalated once.
  EXPECT_EQ(de->messages[1].state.message.id, kMsg);
  EXPECT_EQ(de->messages[1].escalations, 1);
  EXPECT_EQ(de->messages[1].state.current, 1u);
  // One row read per collection: the inbox says it stopped.
  InboxQuery q;
  q.max_rows = 1;
  auto capped = ReadInbox(node_.store(), nullptr, As("cert-de"), later, q);
  ASSERT_TRUE(capped.ok());
  EXPECT_TRUE(capped->capped);
  EXPECT_LE(capped->messages.size(), 1u);
  // Paging over the result.
  InboxQuery paged;
  paged.limit = 1;
  auto p1 = ReadInbox(node_.store(), nullptr, As("cert-de"), later, paged);
  ASSERT_TRUE(p1.ok());
  EXPECT_EQ(p1->messages.size(), 1u);
  EXPECT_TRUE(p1->more);
  paged.offset = 1;
  auto p2 = ReadInbox(node_.store(), nullptr, As("cert-de"), later, paged);
  ASSERT_TRUE(p2.ok());
  EXPECT_EQ(p2->messages.size(), 1u);
  EXPECT_FALSE(p2->more);
  EXPECT_EQ(p2->messages[0].state.message.id, kMsg);
}

class RecordReads : public ViewReads {
 protected:
  void SetUp() override {
    audit::LogOptions o;
    o.synchronous = "OFF";
    auto log = audit::AuditLog::Open(dir_.File("audit.db"), o);
    ASSERT_TRUE(log.ok()) << log.status().message();
    log_ = std::move(*log);
  }

  // A note (GREEN unless `marking`) stored by `org` in the collection; returns its id.
  std::string StoreNote(const std::string& org, const std::string& id,
                        const char* marking = kGreen) {
    boost::json::object obj{{"type", "note"},
                            {"spec_version", "2.1"},
                            {"id", id},
                            {"created", "2026-05-28T20:00:00.000Z"},
                            {"modified", "2026-05-28T20:00:00.000Z"},
                            {"created_by_ref", node_.Org(org).identity_id},
                            {"content", "seen"},
                            {"object_refs", boost::json::array{kFr}},
                            {"object_marking_refs", boost::json::array{marking}}};
    auto added =
        cases::StoreAs(node_.store(), node_.collection(), node_.parties(), node_.Org(org), obj);
    EXPECT_TRUE(added.ok()) << added.status().message();
    return id;
  }

  audit::Entry Stored(const std::string& org, const std::string& id) {
    audit::ObjectStored s;
    s.object_id = id;
    s.version = "2026-05-28T20:00:00.000Z";
    s.collection = node_.collection().id;
    s.sha256 = std::string(64, 'a');
    s.submitter = org;
    return audit::Entry{audit::EntryKind::kObjectStored, s};
  }

  void Append(const audit::Entry& e) { ASSERT_TRUE(log_->Append({&e, 1}).ok()); }

  store::testing::TempDir dir_;
  std::unique_ptr<audit::AuditLog> log_;
};

TEST_F(RecordReads, ANonAdministratorReadsItsReceiptsUpToTheSignedHeadOnly) {
  const std::string de_note = StoreNote("cert-de", "note--7e1d0000-0000-4000-8000-0000000000d1");
  const std::string fr_note = StoreNote("cert-fr", "note--7e1d0000-0000-4000-8000-0000000000f1");
  Append(Stored("cert-de", de_note));  // 0: de's receipt
  Append(Stored("cert-fr", fr_note));  // 1: fr's
  audit::Change change;
  change.subject = "cert-de";
  change.action = "update";
  change.by = "operator";
  Append(
      audit::Entry{audit::EntryKind::kOrganisationChange, change});  // 2: about de, not a receipt
  // Before any head is signed a non-administrator reads nothing.
  auto none = ReadRecord(*log_, node_.store(), As("cert-de"), "cert-de", false, RecordQuery{});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->rows.empty());
  EXPECT_FALSE(none->more);
  Random& random = SystemRandom();
  audit::NodeKey key = audit::NodeKey::Generate(random);
  ASSERT_TRUE(log_->SignHead(key).ok());
  Append(Stored("cert-de", de_note));  // 3: beyond the signed head
  auto de = ReadRecord(*log_, node_.store(), As("cert-de"), "cert-de", false, RecordQuery{});
  ASSERT_TRUE(de.ok());
  ASSERT_EQ(de->rows.size(), 1u);
  EXPECT_EQ(de->rows[0].entry.index, 0u);
  EXPECT_TRUE(de->receipts_only);
  ASSERT_TRUE(de->head.has_value());
  EXPECT_EQ(de->head->head.tree_size, 3u);
  // Its inclusion proof ties the entry shown to the signed head (RFC 9162 2.1.3.2).
  EXPECT_EQ(de->rows[0].proof_size, 3u);
  EXPECT_TRUE(audit::VerifyInclusion(0, 3, audit::HashLeaf(de->rows[0].text), de->rows[0].proof,
                                     de->head->head.root)
                  .ok());
  // A filter for another organisation finds none of its entries.
  RecordQuery others;
  others.organisation = "cert-fr";
  auto other = ReadRecord(*log_, node_.store(), As("cert-de"), "cert-de", false, others);
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(other->rows.empty());
  // cert-it submitted nothing: an empty record, whatever it asks.
  auto it = ReadRecord(*log_, node_.store(), As("cert-it"), "cert-it", false, RecordQuery{});
  ASSERT_TRUE(it.ok());
  EXPECT_TRUE(it->rows.empty());
  // An administrator reads every entry, up to the live size.
  auto admin = ReadRecord(*log_, node_.store(), As("cert-fr"), "cert-fr", true, RecordQuery{});
  ASSERT_TRUE(admin.ok());
  ASSERT_EQ(admin->rows.size(), 4u);
  EXPECT_FALSE(admin->receipts_only);
  EXPECT_EQ(admin->rows[3].proof_size, 0u);  // appended after the head: no proof yet
}

TEST_F(RecordReads, PagesAreBoundedByLimitAndBudget) {
  for (int i = 0; i < 5; ++i)
    Append(Stored("cert-fr", "note--7e1d0000-0000-4000-8000-00000000000" + std::to_string(i)));
  RecordQuery q;
  q.limit = 2;
  auto p = ReadRecord(*log_, node_.store(), As("cert-fr"), "cert-fr", true, q);
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->rows.size(), 2u);
  EXPECT_TRUE(p->more);
  EXPECT_EQ(p->next_from, 2u);
  // A budget of three entries with a filter that matches none: nothing, and "more" to go on.
  RecordQuery b;
  b.organisation = "cert-de";
  b.budget = 3;
  auto budget = ReadRecord(*log_, node_.store(), As("cert-fr"), "cert-fr", true, b);
  ASSERT_TRUE(budget.ok());
  EXPECT_TRUE(budget->rows.empty());
  EXPECT_TRUE(budget->more);
  EXPECT_EQ(budget->next_from, 3u);
  // Filtering by kind and subject.
  RecordQuery k;
  k.kind = audit::EntryKind::kDeletion;
  auto kinds = ReadRecord(*log_, node_.store(), As("cert-fr"), "cert-fr", true, k);
  ASSERT_TRUE(kinds.ok());
  EXPECT_TRUE(kinds->rows.empty());
  RecordQuery s;
  s.subject = "note--7e1d0000-0000-4000-8000-000000000003";
  auto subject = ReadRecord(*log_, node_.store(), As("cert-fr"), "cert-fr", true, s);
  ASSERT_TRUE(subject.ok());
  ASSERT_EQ(subject->rows.size(), 1u);
  EXPECT_EQ(subject->rows[0].entry.index, 3u);
}

TEST_F(RecordReads, WitnessAndWithheldPerPeer) {
  store::NodeSettings settings;
  settings.name = "cert-fr-node";
  settings.jurisdiction = "FR";
  ASSERT_TRUE(node_.store().PutSettings(settings).ok());
  auto state = store::OpenSqliteFederationState(node_.store());
  ASSERT_TRUE(state.ok()) << state.status().message();
  store::Peer peer;
  peer.name = "cert-x";
  peer.api_root_url = "http://127.0.0.1:9/api/";
  peer.jurisdiction = "NL";
  peer.push = {store::CollectionLink{"remote", node_.collection().id}};
  ASSERT_TRUE((*state)->AddPeer(peer).ok());
  SendOne();  // an AMBER message for cert-fr and cert-de: it may not leave for cert-x
  StoreNote("cert-fr", "note--7e1d0000-0000-4000-8000-0000000000f2", kClear);
  store::WitnessAlarm alarm;
  alarm.time_us = kT0;
  alarm.message = "cert-x: two heads of size 3 with different roots";
  ASSERT_TRUE((*state)->RaiseWitnessAlarm("cert-x", alarm).ok());
  auto w = ReadPeerWitness(**state, 5, 20);
  ASSERT_TRUE(w.ok());
  ASSERT_EQ(w->size(), 1u);
  EXPECT_EQ((*w)[0].summary, "ALARM (1)");  // as `entente peer list` shows it
  auto r = ReadWithheld(node_.store(), **state, log_.get(), As("cert-fr"), "cert-x", kT0 - 1, 100);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->record_available);
  EXPECT_TRUE(r->recorded.empty());  // nothing was pushed in this test
  ASSERT_EQ(r->now.size(), 1u);
  EXPECT_EQ(r->now[0].id, kMsg);
  EXPECT_FALSE(r->now[0].reason.empty());
  // Policy: "TLP:AMBER: no named recipient lives on cert-x" (the gate's own words).
  EXPECT_NE(r->now[0].reason.find("TLP:AMBER"), std::string::npos) << r->now[0].reason;
  EXPECT_EQ(r->examined, 2u);  // the message and the CLEAR note, which may leave
  // An organisation that may not read the message does not learn it was withheld.
  auto it = ReadWithheld(node_.store(), **state, log_.get(), As("cert-it"), "cert-x", kT0 - 1, 100);
  ASSERT_TRUE(it.ok());
  EXPECT_TRUE(it->now.empty());
  auto unknown = ReadWithheld(node_.store(), **state, nullptr, As("cert-fr"), "nobody", 0, 100);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().message(), "no such peer");
}

}  // namespace
}  // namespace entente::web
