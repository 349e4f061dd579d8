#include "cases/case_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "admission/admission.h"
#include "common/fake_clock.h"
#include "common/timestamp.h"
#include "policy/access.h"
#include "store/test_util.h"

namespace entente::cases {
namespace {

namespace json = boost::json;

constexpr char kCsirtId[] = "identity--0a000000-0000-4000-8000-0000000000aa";
constexpr char kPeerId[] = "identity--0b000000-0000-4000-8000-0000000000bb";
constexpr char kOtherId[] = "identity--0c000000-0000-4000-8000-0000000000cc";

class CaseBookTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::SqliteOptions o;
    o.create_if_missing = true;
    o.clock = &clock_;
    auto s = store::OpenSqliteStore(dir_.File("entente.db"), o);
    ASSERT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(*s);
    for (auto [org, id] :
         {std::pair{"csirt", kCsirtId}, std::pair{"peer", kPeerId}, std::pair{"other", kOtherId}}) {
      store::Organisation org_row;
      org_row.id = org;
      org_row.name = org;
      org_row.identity_id = id;
      ASSERT_TRUE(store_->PutOrganisation(org_row).ok());
    }
    ASSERT_TRUE(store_->PutApiRoot({"cti", "cti", "", 10 << 20}).ok());
    collection_.id = "9a000000-0000-4000-8000-000000000001";
    collection_.api_root = "cti";
    collection_.title = "cases";
    collection_.readers = {"csirt", "peer", "other"};
    collection_.writers = {"csirt", "peer", "other"};
    ASSERT_TRUE(store_->PutCollection(collection_).ok());
    book_ = std::make_unique<CaseBook>(*store_, collection_, clock_);
    csirt_ = ActorFor(*store_, "csirt").value();
    peer_ = ActorFor(*store_, "peer").value();
    other_ = ActorFor(*store_, "other").value();
  }

  std::string OpenCase() {
    CaseSpec spec;
    spec.name = "ransomware at a hospital";
    spec.rsit = ClassifyRsit("malicious-code", "infected-system").value();
    spec.external_impacts = {"national-security"};
    spec.nis2_awareness_us = clock_.NowMicros();
    auto id = book_->Open(csirt_, spec);
    EXPECT_TRUE(id.ok()) << id.status().message();
    return id.ok() ? *id : "";
  }

  // Stores `obj` in collection `c` as csirt does through the CLI.
  void StoreAsCsirt(const store::Collection& c, const json::object& obj) {
    admission::Submitter submitter;
    submitter.channel = admission::Channel::kOperator;
    submitter.org_id = "csirt";
    admission::Admission admission(
        c, submitter, admission::Options{admission::NodeValidateOptions(), 0, nullptr});
    std::vector<store::NewObject> row(1);
    ASSERT_FALSE(admission.Admit(obj, &row[0]).has_value());
    ASSERT_TRUE(store_->AddObjects(c.id, row).ok());
  }

  store::testing::TempDir dir_;
  FakeClock clock_{ParseTimestamp("2026-06-01T10:00:00Z").value().micros};
  std::unique_ptr<store::Store> store_;
  store::Collection collection_;
  std::unique_ptr<CaseBook> book_;
  Actor csirt_, peer_, other_;
};

TEST_F(CaseBookTest, InvitedParticipantsSeeEachOthersStates) {
  const std::string id = OpenCase();
  // Before the invitation the peer does not see the case (TLP:AMBER, not a recipient).
  EXPECT_EQ(book_->Load(peer_.reader, id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(book_->SetState(peer_, id, ParticipantState::kAcknowledged, "").status().code(),
            StatusCode::kNotFound);
  clock_.Advance(60'000'000);
  ASSERT_TRUE(book_->Invite(csirt_, id, {kPeerId}).ok());
  auto snap = book_->Load(peer_.reader, id);
  ASSERT_TRUE(snap.ok()) << snap.status().message();
  ASSERT_EQ(snap->participants.size(), 2u);
  EXPECT_EQ(snap->participants[1].participant, kPeerId);
  EXPECT_EQ(snap->participants[1].current(), ParticipantState::kInvited);
  EXPECT_EQ(snap->versions.size(), 1u);  // the version before its invitation is not its to see
  clock_.Advance(60'000'000);
  ASSERT_TRUE(book_->SetState(peer_, id, ParticipantState::kAcknowledged, "on it").ok());
  clock_.Advance(60'000'000);
  auto note = book_->SetState(peer_, id, ParticipantState::kInvestigating, "");
  ASSERT_TRUE(note.ok());
  ASSERT_TRUE(book_->SetState(csirt_, id, ParticipantState::kInvestigating, "").ok());
  // The creator sees the peer's timeline: two versions of one note.
  snap = book_->Load(csirt_.reader, id);
  ASSERT_TRUE(snap.ok());
  const ParticipantTimeline& peer = snap->participants[1];
  ASSERT_EQ(peer.states.size(), 2u);
  EXPECT_EQ(peer.states[0].state, ParticipantState::kAcknowledged);
  EXPECT_EQ(peer.states[0].text, "on it");
  EXPECT_EQ(peer.states[1].id, *note);
  EXPECT_EQ(peer.current(), ParticipantState::kInvestigating);
  EXPECT_EQ(snap->participants[0].current(), ParticipantState::kInvestigating);
  EXPECT_EQ(snap->impacts.size(), 1u);
  // An organisation never invited sees nothing, and may not write a state.
  EXPECT_EQ(book_->Load(other_.reader, id).status().code(), StatusCode::kNotFound);
}

TEST_F(CaseBookTest, OnlyTheOwnerWritesItsState) {
  const std::string id = OpenCase();
  ASSERT_TRUE(book_->Invite(csirt_, id, {kPeerId, kOtherId}).ok());
  clock_.Advance(1000);
  auto note = book_->SetState(peer_, id, ParticipantState::kAcknowledged, "");
  ASSERT_TRUE(note.ok());
  // "other" takes the peer's note and writes a new version of it: store ownership refuses
  // it whatever it claims.
  auto snap = book_->Load(other_.reader, id);
  ASSERT_TRUE(snap.ok());
  StateSpec s;
  s.case_id = id;
  s.participant = kPeerId;
  s.state = ParticipantState::kClosed;
  s.at_us = clock_.NowMicros() + 1000;
  s.new_id = *note;
  boost::json::object forged = BuildState(s, nullptr).value();
  forged["created"] = FormatTimestamp(snap->participants[1].states[0].at_us, 3);
  std::vector<store::NewObject> rows(1);
  admission::Submitter as{admission::Channel::kOperator, "other", {}, {kCsirtId, kPeerId}};
  admission::Admission adm(collection_, as, {});
  // Admission already refuses a created_by_ref naming another organisation of this node.
  auto refusal = adm.Admit(forged, &rows[0]);
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->kind, admission::RefusalKind::kForged);
  // And with its own name as creator, the store refuses a version of another's object.
  forged["created_by_ref"] = kOtherId;
  ASSERT_FALSE(adm.Admit(forged, &rows[0]).has_value());
  auto added = store_->AddObjects(collection_.id, rows);
  ASSERT_TRUE(added.ok());
  EXPECT_EQ((*added)[0].outcome, store::AddOutcome::kNotOwner);
  // A state note "other" creates in the peer's name (a new id, its own creator) is
  // ignored when the case is read: a participant's state is its own word.
  s.new_id = "note--7d000000-0000-4000-8000-000000000001";
  s.recipients = {kCsirtId, kPeerId, kOtherId};
  boost::json::object squat = BuildState(s, nullptr).value();
  squat["created_by_ref"] = kOtherId;
  ASSERT_FALSE(adm.Admit(squat, &rows[0]).has_value());
  ASSERT_EQ(store_->AddObjects(collection_.id, rows).value()[0].outcome, store::AddOutcome::kAdded);
  snap = book_->Load(csirt_.reader, id);
  ASSERT_TRUE(snap.ok());
  EXPECT_EQ(snap->participants[1].current(), ParticipantState::kAcknowledged);
  ASSERT_EQ(snap->ignored.size(), 1u);
  EXPECT_NE(snap->ignored[0].find(s.new_id), std::string::npos);
  // Only the case's creator invites.
  EXPECT_EQ(book_->Invite(peer_, id, {kOtherId}).code(), StatusCode::kPermissionDenied);
}

// A local organisation may create objects in the name of one living elsewhere (a relayed
// report): a state it writes so is stored but not counted.
TEST_F(CaseBookTest, AStateWrittenHereInAnotherOrganisationsNameIsIgnored) {
  const std::string outside = "identity--0f000000-0000-4000-8000-0000000000ff";
  const std::string id = OpenCase();
  ASSERT_TRUE(book_->Invite(csirt_, id, {kPeerId, outside}).ok());
  StateSpec s;
  s.case_id = id;
  s.participant = outside;
  s.state = ParticipantState::kClosed;
  s.at_us = clock_.NowMicros() + 1000;
  s.recipients = {kCsirtId, kPeerId, outside};
  s.new_id = "note--7e000000-0000-4000-8000-000000000001";
  admission::Admission adm(collection_,
                           {admission::Channel::kOperator, "peer", {}, {kCsirtId, kOtherId}}, {});
  std::vector<store::NewObject> rows(1);
  ASSERT_FALSE(adm.Admit(BuildState(s, nullptr).value(), &rows[0]).has_value());
  ASSERT_EQ(store_->AddObjects(collection_.id, rows).value()[0].outcome, store::AddOutcome::kAdded);
  auto snap = book_->Load(csirt_.reader, id);
  ASSERT_TRUE(snap.ok());
  EXPECT_EQ(snap->participants[2].current(), ParticipantState::kInvited);
  ASSERT_EQ(snap->ignored.size(), 1u);
  EXPECT_NE(snap->ignored[0].find("written on this node by organisation peer"), std::string::npos)
      << snap->ignored[0];
}

TEST_F(CaseBookTest, ReportsRunTheClocks) {
  const std::string id = OpenCase();
  clock_.Advance(30 * kMicrosPerHour);
  auto snap = book_->Load(csirt_.reader, id);
  auto clocks = Nis2Clocks(*snap->now.nis2_awareness_us, snap->submissions, clock_.NowMicros());
  EXPECT_EQ(clocks[0].status, ClockStatus::kOverdue);
  EXPECT_EQ(clocks[1].status, ClockStatus::kDue);
  auto r = book_->FileReport(csirt_, id, Nis2Stage::kIncidentNotification, 0, "initial");
  ASSERT_TRUE(r.ok()) << r.status().message();
  // The same stage at the same time again: one object; at another time: refused.
  auto again =
      book_->FileReport(csirt_, id, Nis2Stage::kIncidentNotification, clock_.NowMicros(), "");
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(*again, *r);
  EXPECT_EQ(
      book_->FileReport(csirt_, id, Nis2Stage::kIncidentNotification, clock_.NowMicros() + 5000, "")
          .status()
          .code(),
      StatusCode::kAlreadyExists);
  // Only the case's creator records reports.
  ASSERT_TRUE(book_->Invite(csirt_, id, {kPeerId}).ok());
  EXPECT_EQ(book_->FileReport(peer_, id, Nis2Stage::kEarlyWarning, 0, "").status().code(),
            StatusCode::kPermissionDenied);
  snap = book_->Load(peer_.reader, id);
  ASSERT_TRUE(snap.ok());
  clocks = Nis2Clocks(*snap->now.nis2_awareness_us, snap->submissions, clock_.NowMicros());
  EXPECT_EQ(clocks[1].status, ClockStatus::kMet);
  EXPECT_EQ(clocks[2].status, ClockStatus::kDue);
  EXPECT_FALSE(clocks[2].provisional);
}

TEST_F(CaseBookTest, AttachAndUpdate) {
  const std::string id = OpenCase();
  auto rel = book_->Attach(csirt_, id, "indicator--6c000000-0000-4000-8000-000000000001");
  ASSERT_TRUE(rel.ok()) << rel.status().message();
  ASSERT_TRUE(book_->Update(csirt_, id, "confirmed", "open", 90).ok());
  auto snap = book_->Load(policy::LocalOperator(), id);
  ASSERT_TRUE(snap.ok());
  EXPECT_EQ(snap->attached,
            (std::vector<std::string>{"indicator--6c000000-0000-4000-8000-000000000001"}));
  EXPECT_EQ(snap->now.determination, "confirmed");
  EXPECT_EQ(snap->now.criticality, 90);
  TaskSpec task;
  task.name = "isolate the infected hosts";
  task.task_types = {"containment"};
  task.priority = 90;
  auto task_id = book_->AddTask(csirt_, id, task);
  ASSERT_TRUE(task_id.ok()) << task_id.status().message();
  ASSERT_TRUE(book_->SetTaskOutcome(csirt_, id, *task_id, "successful").ok());
  EXPECT_EQ(book_->SetTaskOutcome(csirt_, id, *task_id, "done").code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(book_->AddTask(peer_, id, task).status().code(), StatusCode::kNotFound);
  snap = book_->Load(policy::LocalOperator(), id);
  ASSERT_EQ(snap->tasks.size(), 1u);
  EXPECT_EQ(snap->tasks[0].outcome, "successful");
  EXPECT_EQ(snap->tasks[0].priority, 90);
  EXPECT_EQ(snap->now.task_refs, (std::vector<std::string>{*task_id}));
  EXPECT_EQ(book_->Update(csirt_, id, "perhaps", "", std::nullopt).code(),
            StatusCode::kInvalidArgument);
  auto list = book_->List(policy::LocalOperator());
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 1u);
}

// An attachment names the attached object: an AMBER+STRICT indicator shared with the
// CSIRT and the peer only is attached by a relationship the third participant does not
// see, and an invitation does not re-share it (found by the three-node scenario, where a
// foreign CERT saw the id of a sample hash it could not read).
TEST_F(CaseBookTest, AnAttachmentIsSharedNoWiderThanTheObject) {
  const std::string id = OpenCase();
  ASSERT_TRUE(book_->Invite(csirt_, id, {kPeerId, kOtherId}).ok());
  const std::string strict = "indicator--6c000000-0000-4000-8000-000000000002";
  json::object ind{
      {"type", "indicator"},
      {"spec_version", "2.1"},
      {"id", strict},
      {"created", "2026-06-01T10:00:00.000Z"},
      {"modified", "2026-06-01T10:00:00.000Z"},
      {"created_by_ref", kCsirtId},
      {"pattern", "[file:hashes.MD5 = '0123456789abcdef0123456789abcdef']"},
      {"pattern_type", "stix"},
      {"valid_from", "2026-06-01T10:00:00Z"},
      {"object_marking_refs", json::array{policy::Tlp2MarkingId(policy::Tlp::kAmberStrict)}},
      {"extensions", json::object{{policy::kAudienceExtensionId,
                                   json::object{{"extension_type", "property-extension"},
                                                {"recipients", json::array{kPeerId}}}}}}};
  StoreAsCsirt(collection_, ind);
  if (HasFatalFailure()) return;
  clock_.Advance(60'000'000);
  ASSERT_TRUE(book_->Attach(csirt_, id, strict).ok());
  auto seen_by = [&](const Actor& a) {
    auto snap = book_->Load(a.reader, id);
    EXPECT_TRUE(snap.ok());
    return snap.ok() ? snap->attached : std::vector<std::string>{};
  };
  EXPECT_EQ(seen_by(peer_), std::vector<std::string>{strict});
  EXPECT_EQ(seen_by(csirt_), std::vector<std::string>{strict});
  EXPECT_TRUE(seen_by(other_).empty());
  // Invited again (a no-op for the recipients, a new version of everything re-shared):
  // the narrowed attachment is not widened.
  clock_.Advance(60'000'000);
  ASSERT_TRUE(book_->Invite(csirt_, id, {kOtherId}).ok());
  EXPECT_TRUE(seen_by(other_).empty());
}

// Issue 16: "every case, intake and hotline event once those exist" is recorded; "if it
// cannot be written, the write that triggered it fails cleanly rather than going
// unrecorded".
TEST_F(CaseBookTest, CaseEventsAreRecordedBeforeTheyAreStored) {
  audit::LogOptions lo;
  lo.synchronous = "OFF";
  lo.busy_timeout_ms = 20;
  auto record = audit::AuditLog::Open(dir_.File("audit.db"), lo);
  ASSERT_TRUE(record.ok()) << record.status().message();
  std::shared_ptr<audit::AuditLog> log = std::move(record).value();
  book_->SetRecord(log);
  const std::string id = OpenCase();
  clock_.Advance(60'000'000);
  ASSERT_TRUE(book_->Invite(csirt_, id, {kPeerId}).ok());
  clock_.Advance(60'000'000);
  ASSERT_TRUE(book_->SetState(peer_, id, ParticipantState::kAcknowledged, "on it").ok());
  audit::EntryFilter f;
  f.subject = id;
  f.kind = audit::EntryKind::kCaseEvent;
  auto events = log->List(f);
  ASSERT_TRUE(events.ok());
  std::vector<std::string> seen;
  for (const auto& e : *events) {
    const auto& b = std::get<audit::ActivityEvent>(e.entry.body);
    seen.push_back(b.event + " by " + b.by);
  }
  EXPECT_EQ(seen,
            (std::vector<std::string>{"opened by csirt", "invited by csirt", "state by peer"}));
  EXPECT_EQ(std::get<audit::ActivityEvent>((*events)[1].entry.body).detail.at("identities"),
            kPeerId);
  EXPECT_EQ(std::get<audit::ActivityEvent>((*events)[2].entry.body).detail.at("state"),
            "acknowledged");

  // The record held by another writer: the state is neither recorded nor stored.
  auto before = book_->Load(csirt_.reader, id);
  ASSERT_TRUE(before.ok());
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(dir_.File("audit.db").c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  clock_.Advance(60'000'000);
  auto refused = book_->SetState(csirt_, id, ParticipantState::kInvestigating, "");
  EXPECT_EQ(refused.status().code(), StatusCode::kUnavailable);
  ASSERT_EQ(sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(other);
  auto after = book_->Load(csirt_.reader, id);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->participants[0].current(), before->participants[0].current());
  EXPECT_EQ(log->List(f)->size(), 3u);
}

// The same rule for an object held in another collection, and for a GREEN object: a
// participant who may not read the object does not learn its id from the case. "other"
// may not read the collection holding the first indicator; the GREEN one's community
// holds "peer" but not "other"; a participant on another node (not an organisation of
// this node) is left out of both, its communities being unknown here.
TEST_F(CaseBookTest, AnAttachmentFromAnotherCollectionOrCommunityIsSharedNoWider) {
  constexpr char kRemoteId[] = "identity--0d000000-0000-4000-8000-0000000000dd";
  auto peer_org = store_->GetOrganisation("peer");
  ASSERT_TRUE(peer_org.ok());
  peer_org->communities = {"health-isac"};
  ASSERT_TRUE(store_->PutOrganisation(*peer_org).ok());
  peer_ = ActorFor(*store_, "peer").value();
  store::Collection intel;
  intel.id = "9a000000-0000-4000-8000-000000000002";
  intel.api_root = "cti";
  intel.title = "intel";
  intel.readers = {"csirt", "peer"};
  intel.writers = {"csirt"};
  ASSERT_TRUE(store_->PutCollection(intel).ok());
  auto indicator = [](const std::string& id, policy::Tlp tlp, json::object extensions) {
    json::object ind{{"type", "indicator"},
                     {"spec_version", "2.1"},
                     {"id", id},
                     {"created", "2026-06-01T10:00:00.000Z"},
                     {"modified", "2026-06-01T10:00:00.000Z"},
                     {"created_by_ref", kCsirtId},
                     {"pattern", "[ipv4-addr:value = '198.51.100.7']"},
                     {"pattern_type", "stix"},
                     {"valid_from", "2026-06-01T10:00:00Z"},
                     {"object_marking_refs", json::array{policy::Tlp2MarkingId(tlp)}}};
    if (!extensions.empty()) ind["extensions"] = std::move(extensions);
    return ind;
  };
  const std::string elsewhere = "indicator--6c000000-0000-4000-8000-000000000003";
  StoreAsCsirt(intel, indicator(elsewhere, policy::Tlp::kClear, {}));
  const std::string green = "indicator--6c000000-0000-4000-8000-000000000004";
  StoreAsCsirt(
      collection_,
      indicator(green, policy::Tlp::kGreen,
                json::object{{policy::kAudienceExtensionId,
                              json::object{{"extension_type", "property-extension"},
                                           {"communities", json::array{"health-isac"}}}}}));
  if (HasFatalFailure()) return;
  const std::string id = OpenCase();
  ASSERT_TRUE(book_->Invite(csirt_, id, {kPeerId, kOtherId, kRemoteId}).ok());
  clock_.Advance(60'000'000);
  ASSERT_TRUE(book_->Attach(csirt_, id, elsewhere).ok());
  clock_.Advance(60'000'000);
  ASSERT_TRUE(book_->Attach(csirt_, id, green).ok());
  auto seen_by = [&](const Actor& a) {
    auto snap = book_->Load(a.reader, id);
    EXPECT_TRUE(snap.ok());
    auto ids = snap.ok() ? snap->attached : std::vector<std::string>{};
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  EXPECT_EQ(seen_by(csirt_), (std::vector<std::string>{elsewhere, green}));
  EXPECT_EQ(seen_by(peer_), (std::vector<std::string>{elsewhere, green}));
  EXPECT_TRUE(seen_by(other_).empty());
  // What would travel: the relationship to the CLEAR object may reach the participant on
  // another node, the one to the GREEN object may not; neither names "other".
  store::ObjectQuery q;
  q.collection_id = collection_.id;
  q.types = {"relationship"};
  q.match_last = false;
  q.match_all = true;
  int relationships = 0;
  auto names = [](const std::vector<std::string>& v, const std::string& id) {
    return std::find(v.begin(), v.end(), id) != v.end();
  };
  ASSERT_TRUE(store_
                  ->ScanObjects(q,
                                [&](const store::ObjectRow& row) {
                                  ++relationships;
                                  const auto& r = row.labels.audience.recipients;
                                  const bool to_green = row.json.find(green) != std::string::npos;
                                  EXPECT_EQ(row.labels.tlp, policy::Tlp::kAmber) << row.json;
                                  EXPECT_EQ(names(r, kRemoteId), !to_green) << row.json;
                                  EXPECT_FALSE(names(r, kOtherId)) << row.json;
                                  EXPECT_TRUE(names(r, kPeerId)) << row.json;
                                  return store::ScanAction::kContinue;
                                })
                  .ok());
  EXPECT_EQ(relationships, 2);
}

}  // namespace
}  // namespace entente::cases
