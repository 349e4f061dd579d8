// NIS2 Directive (EU) 2022/2555, Article 23(4), as the clocks below read it:
//
//   "Member States shall ensure that, for the purpose of notification under paragraph 1,
//   the entities concerned submit to the CSIRT or, where applicable, the competent
//   authority:
//   (a) without undue delay and in any event within 24 hours of becoming aware of the
//       significant incident, an early warning, which, where applicable, shall indicate
//       whether the significant incident is suspected of being caused by unlawful or
//       malicious acts or could have a cross-border impact;
//   (b) without undue delay and in any event within 72 hours of becoming aware of the
//       significant incident, an incident notification, which, where applicable, shall
//       update the information referred to in point (a) and indicate an initial
//       assessment of the significant incident, including its severity and impact, as
//       well as, where available, the indicators of compromise;
//   (c) upon the request of a CSIRT or, where relevant, the competent authority, an
//       intermediate report on relevant status updates;
//   (d) a final report not later than one month after the submission of the incident
//       notification under point (b) [...]"
#include "cases/nis2.h"

#include <chrono>

namespace entente::cases {
namespace {

namespace chr = std::chrono;

constexpr int64_t kMicrosPerDay = 24 * kMicrosPerHour;

}  // namespace

std::string_view Nis2StageName(Nis2Stage stage) {
  switch (stage) {
    case Nis2Stage::kEarlyWarning:
      return "early-warning";
    case Nis2Stage::kIncidentNotification:
      return "incident-notification";
    case Nis2Stage::kFinalReport:
      return "final-report";
  }
  return "early-warning";
}

bool ParseNis2Stage(std::string_view name, Nis2Stage* out) {
  for (Nis2Stage s :
       {Nis2Stage::kEarlyWarning, Nis2Stage::kIncidentNotification, Nis2Stage::kFinalReport}) {
    if (name == Nis2StageName(s)) {
      *out = s;
      return true;
    }
  }
  return false;
}

std::string_view ClockStatusName(ClockStatus status) {
  switch (status) {
    case ClockStatus::kDue:
      return "due";
    case ClockStatus::kOverdue:
      return "overdue";
    case ClockStatus::kMet:
      return "met";
    case ClockStatus::kLate:
      return "late";
    case ClockStatus::kWaiting:
      return "waiting";
  }
  return "due";
}

int64_t OneMonthAfter(int64_t from_us) {
  // The UTC day of the event (floor division: times before 1970 are negative).
  int64_t day = from_us / kMicrosPerDay;
  if (from_us % kMicrosPerDay < 0) --day;
  const chr::year_month_day ymd{chr::sys_days{chr::days{day}}};
  const chr::year_month next = chr::year_month{ymd.year(), ymd.month()} + chr::months{1};
  const chr::year_month_day_last last{next.year(), chr::month_day_last{next.month()}};
  chr::year_month_day end{next.year(), next.month(), ymd.day()};
  if (!end.ok()) end = chr::year_month_day{last};
  // The period ends with the expiry of the last hour of that day: at the next midnight.
  const int64_t end_day = chr::sys_days{end}.time_since_epoch().count();
  return (end_day + 1) * kMicrosPerDay;
}

namespace {

Nis2Clock Settle(Nis2Stage stage, int64_t due_us, std::optional<int64_t> submitted,
                 int64_t now_us) {
  Nis2Clock c;
  c.stage = stage;
  c.due_us = due_us;
  c.submitted_us = submitted;
  if (submitted) {
    c.status = *submitted <= due_us ? ClockStatus::kMet : ClockStatus::kLate;
  } else {
    c.status = now_us < due_us ? ClockStatus::kDue : ClockStatus::kOverdue;
  }
  return c;
}

}  // namespace

std::vector<Nis2Clock> Nis2Clocks(int64_t awareness_us, const Nis2Submissions& submitted,
                                  int64_t now_us) {
  std::vector<Nis2Clock> clocks;
  clocks.push_back(Settle(Nis2Stage::kEarlyWarning, awareness_us + kEarlyWarningWithin,
                          submitted.early_warning, now_us));
  const int64_t notification_due = awareness_us + kIncidentNotificationWithin;
  clocks.push_back(Settle(Nis2Stage::kIncidentNotification, notification_due,
                          submitted.incident_notification, now_us));
  if (submitted.incident_notification) {
    clocks.push_back(Settle(Nis2Stage::kFinalReport,
                            OneMonthAfter(*submitted.incident_notification), submitted.final_report,
                            now_us));
  } else {
    // Point (d) runs from the notification's submission, which has not happened: the
    // final report is not yet due; its deadline is shown as it would be were the
    // notification submitted at its own deadline. A final report submitted already counts.
    Nis2Clock c = Settle(Nis2Stage::kFinalReport, OneMonthAfter(notification_due),
                         submitted.final_report, now_us);
    c.provisional = true;
    if (!submitted.final_report) c.status = ClockStatus::kWaiting;
    clocks.push_back(c);
  }
  return clocks;
}

}  // namespace entente::cases
