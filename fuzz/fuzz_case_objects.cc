// Fuzz target for the case objects entente reads from any way in (cases/case.h): one JSON
// object, read as a case (incident), a participant's state (note), a NIS2 report and an
// external impact. Whatever the bytes, reading never crashes; what is accepted holds the
// rules the readers promise (a known RSIT class whose machine tag is among the labels,
// a determination of the enum, criticality 0-100; a state only its participant's own
// word; a known NIS2 stage), its next version (an invitation, a state change) reads back
// the same, and the clocks computed from its times are consistent. Checked in every build.
#include <boost/json/parse.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cases/case.h"
#include "cases/nis2.h"
#include "require.h"

namespace {

namespace json = boost::json;
namespace cases = entente::cases;

constexpr char kNewcomer[] = "identity--0e000000-0000-4000-8000-0000000000ee";

void CheckClocks(int64_t aware, int64_t submitted) {
  cases::Nis2Submissions s;
  s.early_warning = submitted;
  s.incident_notification = submitted;
  for (const auto& c : cases::Nis2Clocks(aware, s, submitted)) {
    if (c.status == cases::ClockStatus::kMet) Require(*c.submitted_us <= c.due_us);
    if (c.status == cases::ClockStatus::kLate) Require(*c.submitted_us > c.due_us);
  }
  // One month after is at least 28 days and at most 32 days later.
  const int64_t day = 24 * cases::kMicrosPerHour;
  if (submitted > -(int64_t{1} << 60) && submitted < (int64_t{1} << 60)) {
    const int64_t end = cases::OneMonthAfter(submitted);
    Require(end - submitted >= 28 * day && end - submitted <= 32 * day);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  boost::system::error_code ec;
  json::value v = json::parse(std::string_view(reinterpret_cast<const char*>(data), size), ec);
  if (ec || !v.is_object()) return 0;
  const json::object& obj = v.get_object();

  if (auto c = cases::ReadCase(obj); c.ok()) {
    Require(cases::FindRsitClass(c->rsit.class_name) != nullptr);
    Require(cases::IsDetermination(c->determination));
    Require(!c->criticality || (*c->criticality >= 0 && *c->criticality <= 100));
    Require(!c->created_by.empty() && !c->name.empty());
    auto invited = cases::WithRecipients(obj, {kNewcomer}, c->modified_us + 1000);
    if (invited.ok()) {
      auto again = cases::ReadCase(*invited);
      Require(again.ok());
      Require(again->id == c->id && again->rsit.class_name == c->rsit.class_name);
      bool found = false;
      for (const auto& r : again->recipients) found |= r == kNewcomer;
      Require(found);
    }
    if (c->nis2_awareness_us) CheckClocks(*c->nis2_awareness_us, c->modified_us);
  } else {
    Require(!c.status().message().empty());
  }

  if (auto s = cases::ReadState(obj); s.ok()) {
    const json::value* creator = obj.if_contains("created_by_ref");
    Require(creator && creator->is_string() && creator->get_string() == s->participant);
    Require(s->state != cases::ParticipantState::kInvited);
    cases::StateSpec spec;
    spec.case_id = s->case_id;
    spec.participant = s->participant;
    spec.state = cases::ParticipantState::kClosed;
    spec.at_us = s->at_us + 1000;
    auto next = cases::BuildState(spec, &obj);
    if (next.ok()) {
      auto again = cases::ReadState(*next);
      Require(again.ok());
      Require(again->id == s->id && again->participant == s->participant);
      Require(again->state == cases::ParticipantState::kClosed);
    }
  }

  if (auto r = cases::ReadReport(obj); r.ok()) {
    cases::Nis2Stage stage;
    Require(cases::ParseNis2Stage(cases::Nis2StageName(r->stage), &stage) && stage == r->stage);
    CheckClocks(r->submitted_us, r->submitted_us);
  }

  if (auto i = cases::ReadImpact(obj); i.ok()) {
    Require(!i->impact_type.empty());
    Require(!i->criticality || (*i->criticality >= 0 && *i->criticality <= 100));
  }
  return 0;
}
