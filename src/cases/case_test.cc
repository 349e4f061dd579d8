#include "cases/case.h"

#include <gtest/gtest.h>

#include "common/timestamp.h"
#include "stix/stix.h"

namespace entente::cases {
namespace {

namespace json = boost::json;

constexpr char kCsirt[] = "identity--0a000000-0000-4000-8000-0000000000aa";
constexpr char kPeer[] = "identity--0b000000-0000-4000-8000-0000000000bb";
constexpr char kCaseId[] = "incident--1c000000-0000-4000-8000-000000000001";
const int64_t kT0 = ParseTimestamp("2026-06-01T10:00:00Z").value().micros;

CaseSpec Spec() {
  CaseSpec s;
  s.id = kCaseId;
  s.created_by = kCsirt;
  s.created_us = kT0;
  s.name = "ransomware at a hospital";
  s.rsit = {"malicious-code", "infected-system"};
  s.criticality = 80;
  s.external_impacts = {"national-security", "foreign-relations"};
  s.impact_ids = {"impact--2c000000-0000-4000-8000-000000000001",
                  "impact--2c000000-0000-4000-8000-000000000002"};
  s.recipients = {kPeer};
  s.nis2_awareness_us = kT0;
  return s;
}

TEST(Case, BuildsValidStixAndReadsBack) {
  auto built = BuildCase(Spec());
  ASSERT_TRUE(built.ok()) << built.status().message();
  // Every object meets the STIX 2.1 MUST rules.
  EXPECT_TRUE(stix::ValidateObject(built->incident).empty());
  ASSERT_EQ(built->impacts.size(), 2u);
  for (const auto& i : built->impacts) {
    auto f = stix::ValidateObject(i);
    EXPECT_TRUE(f.empty()) << (f.empty() ? "" : f[0].ToJsonLine());
    auto v = ReadImpact(i);
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(v->criticality, 80);
  }
  EXPECT_EQ(ReadImpact(built->impacts[0])->impact_type, "national-security");
  auto v = ReadCase(built->incident);
  ASSERT_TRUE(v.ok()) << v.status().message();
  EXPECT_EQ(v->rsit.class_name, "malicious-code");
  EXPECT_EQ(v->rsit.type_name, "infected-system");
  EXPECT_EQ(v->determination, "suspected");
  EXPECT_EQ(v->investigation_status, "new");
  EXPECT_EQ(v->criticality, 80);
  EXPECT_EQ(v->impact_refs.size(), 2u);
  EXPECT_EQ(v->recipients, (std::vector<std::string>{kCsirt, kPeer}));
  EXPECT_EQ(v->nis2_awareness_us, kT0);
  // The machine tag and the stored deadlines.
  EXPECT_EQ(built->incident.at("labels").at(0).as_string(),
            "rsit:malicious-code=\"infected-system\"");
  const auto& ext = built->incident.at("extensions").at(kCaseExtensionId).as_object();
  EXPECT_EQ(ext.at("nis2_early_warning_due").as_string(), "2026-06-02T10:00:00.000Z");
  EXPECT_EQ(ext.at("nis2_incident_notification_due").as_string(), "2026-06-04T10:00:00.000Z");
}

TEST(Case, RefusesWhatTheVocabulariesDoNotHold) {
  CaseSpec s = Spec();
  s.rsit = {"malware", ""};
  auto r = BuildCase(s);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("intrusion-attempts"), std::string::npos);
  s = Spec();
  s.determination = "maybe";
  EXPECT_FALSE(BuildCase(s).ok());
  s = Spec();
  s.criticality = 101;
  EXPECT_FALSE(BuildCase(s).ok());
  s = Spec();
  s.external_impacts = {"national-security", "alien-invasion"};
  r = BuildCase(s);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("foreign-relations"), std::string::npos);
}

TEST(Case, ReadRefusesABrokenClassification) {
  json::object inc = BuildCase(Spec())->incident;
  inc["extensions"].as_object()[kCaseExtensionId].as_object()["rsit_class"] = "nonsense";
  EXPECT_EQ(ReadCase(inc).status().code(), StatusCode::kInvalidArgument);
  inc = BuildCase(Spec())->incident;
  inc["labels"] = json::array{"rsit:fraud"};
  EXPECT_EQ(ReadCase(inc).status().code(), StatusCode::kInvalidArgument);
  inc = BuildCase(Spec())->incident;
  inc["extensions"].as_object().erase(kCaseExtensionId);
  EXPECT_EQ(ReadCase(inc).status().code(), StatusCode::kNotFound);
}

TEST(Case, InviteAddsRecipientsAsANewVersion) {
  const json::object inc = BuildCase(Spec())->incident;
  const std::string third = "identity--0c000000-0000-4000-8000-0000000000cc";
  auto next = WithRecipients(inc, {kPeer, third}, kT0 + 1000);
  ASSERT_TRUE(next.ok());
  auto v = ReadCase(*next);
  EXPECT_EQ(v->recipients, (std::vector<std::string>{kCsirt, kPeer, third}));
  EXPECT_EQ(next->at("modified").as_string(), "2026-06-01T10:00:00.001Z");
  EXPECT_TRUE(stix::ValidateObject(*next).empty());
  EXPECT_FALSE(WithRecipients(inc, {third}, kT0).ok());  // not later
}

TEST(Case, StateIsTheParticipantsOwnWord) {
  StateSpec s;
  s.case_id = kCaseId;
  s.participant = kPeer;
  s.state = ParticipantState::kAcknowledged;
  s.at_us = kT0;
  s.recipients = {kCsirt, kPeer};
  s.new_id = "note--3c000000-0000-4000-8000-000000000001";
  auto first = BuildState(s, nullptr);
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(stix::ValidateObject(*first).empty());
  s.state = ParticipantState::kContained;
  s.at_us = kT0 + 5000;
  auto second = BuildState(s, &*first);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->at("id"), first->at("id"));
  auto v = ReadState(*second);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->state, ParticipantState::kContained);
  // A note naming a participant other than its creator is refused when read.
  json::object forged = *second;
  forged["created_by_ref"] = kCsirt;
  auto f = ReadState(forged);
  EXPECT_EQ(f.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(f.status().message().find("created_by_ref"), std::string::npos);
  // "invited" is never written.
  s.state = ParticipantState::kInvited;
  EXPECT_FALSE(BuildState(s, nullptr).ok());
  ParticipantState p;
  EXPECT_FALSE(ParseWritableState("invited", &p));
}

TEST(Case, Nis2ReportLinksToTheCase) {
  ReportSpec r;
  r.id = "report--4c000000-0000-5000-8000-000000000001";
  r.case_id = kCaseId;
  r.created_by = kCsirt;
  r.stage = Nis2Stage::kIncidentNotification;
  r.submitted_us = kT0 + 3600'000'000;
  auto built = BuildReport(r);
  ASSERT_TRUE(built.ok());
  EXPECT_TRUE(stix::ValidateObject(*built).empty());
  auto v = ReadReport(*built);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->stage, Nis2Stage::kIncidentNotification);
  EXPECT_EQ(v->submitted_us, r.submitted_us);
  EXPECT_EQ(v->case_id, kCaseId);
}

TEST(Case, TasksAreTheSuitesTaskObjects) {
  TaskSpec t;
  t.id = "task--8c000000-0000-4000-8000-000000000001";
  t.created_by = kCsirt;
  t.at_us = kT0;
  t.name = "notify the victims";
  t.task_types = {"victim-notification"};
  auto task = BuildTask(t);
  ASSERT_TRUE(task.ok()) << task.status().message();
  auto f = stix::ValidateObject(*task);
  EXPECT_TRUE(f.empty()) << (f.empty() ? "" : f[0].ToJsonLine());
  EXPECT_EQ(ReadTask(*task)->outcome, "pending");
  auto done = WithTaskOutcome(*task, "successful", kT0 + 1000);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(ReadTask(*done)->outcome, "successful");
  EXPECT_TRUE(done->contains("end_time"));
  EXPECT_FALSE(WithTaskOutcome(*task, "finished", kT0 + 1000).ok());
  auto inc = WithTask(BuildCase(Spec())->incident, t.id, kT0 + 1000);
  ASSERT_TRUE(inc.ok());
  f = stix::ValidateObject(*inc);
  EXPECT_TRUE(f.empty()) << (f.empty() ? "" : f[0].ToJsonLine());
  EXPECT_EQ(ReadCase(*inc)->task_refs, (std::vector<std::string>{t.id}));
}

TEST(Case, AttachmentsAreRelationships) {
  auto rel = BuildAttachment("relationship--5c000000-0000-4000-8000-000000000001",
                             "indicator--6c000000-0000-4000-8000-000000000001", kCaseId, kPeer, kT0,
                             policy::Tlp::kAmber, {kCsirt});
  ASSERT_TRUE(rel.ok());
  EXPECT_TRUE(stix::ValidateObject(*rel).empty());
  EXPECT_EQ(rel->at("relationship_type").as_string(), "detected");
  EXPECT_FALSE(BuildAttachment("relationship--5c000000-0000-4000-8000-000000000001",
                               "malware--6c000000-0000-4000-8000-000000000001", kCaseId, kPeer, kT0,
                               policy::Tlp::kAmber, {})
                   .ok());
}

}  // namespace
}  // namespace entente::cases

namespace entente::cases {
namespace {

// Found by fuzz_case_objects: a case modified at 9999-12-31T23:59:59.999Z had a next
// version in year 10000, which no STIX timestamp can hold.
TEST(Case, RegressionNoVersionPastYear9999) {
  CaseSpec s = Spec();
  s.created_us = ParseTimestamp("9999-12-31T23:59:59.999Z").value().micros;
  s.nis2_awareness_us.reset();
  auto built = BuildCase(s);
  ASSERT_TRUE(built.ok()) << built.status().message();
  EXPECT_EQ(WithRecipients(built->incident, {kPeer}, s.created_us + 1000).status().code(),
            StatusCode::kInvalidArgument);
  s.nis2_awareness_us = s.created_us;  // its deadlines would be past 9999
  EXPECT_FALSE(BuildCase(s).ok());
}

}  // namespace
}  // namespace entente::cases
