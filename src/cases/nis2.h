// cases/nis2.h: the reporting clocks of the NIS2 Directive (EU) 2022/2555, Article 23(4),
// computed from stored times. A case reported under NIS2 stores the moment of awareness
// (and the two deadlines that follow from it) on its incident; each report is an object
// of its own, referencing the case, with the time it was submitted. Whether a report is
// due, overdue, met or late is never stored: it is computed here whenever a case is read,
// from those stored times and the reader's clock, so a restart (or a kill -9) changes
// nothing.
//
// Pure functions, safe for concurrent use.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "entente/status.h"

namespace entente::cases {

// The reports of Article 23(4) a case's clocks track. (The intermediate report of point
// (c) is on request and has no clock; a progress report, point (e), restarts the final
// report's month and is not modelled.)
enum class Nis2Stage {
  kEarlyWarning,          // point (a): within 24 hours of becoming aware
  kIncidentNotification,  // point (b): within 72 hours of becoming aware
  kFinalReport,           // point (d): one month after the incident notification
};

// "early-warning", "incident-notification", "final-report".
std::string_view Nis2StageName(Nis2Stage stage);
// The names above; false for anything else.
bool ParseNis2Stage(std::string_view name, Nis2Stage* out);

inline constexpr int64_t kMicrosPerHour = int64_t{3600} * 1000 * 1000;
inline constexpr int64_t kEarlyWarningWithin = 24 * kMicrosPerHour;
inline constexpr int64_t kIncidentNotificationWithin = 72 * kMicrosPerHour;

// The end of "one month after" `from_us` (UTC), as Regulation (EEC, Euratom) No 1182/71
// determines periods in Union acts (Art. 3(1), 3(2)(c)): the day of the event is not
// counted, and the period ends with the expiry of the last hour of the day of the next
// month that falls on the same date as the day of the event, or, when the next month has
// no such date, of that month's last day. So a notification at 2026-01-31T09:00Z has its
// final report due by 2026-02-28T24:00Z (= 2026-03-01T00:00:00Z), one at 2026-03-15T17:30Z
// by 2026-04-15T24:00Z. Simplifications, stated in docs/cases.md: days are counted in UTC
// (not in the local time of the authority), and the extension of a period ending on a
// public holiday, Saturday or Sunday (Art. 3(4)) is not applied, so the deadline shown is
// never later than the legal one.
int64_t OneMonthAfter(int64_t from_us);

enum class ClockStatus {
  kDue,      // not submitted, deadline not passed
  kOverdue,  // not submitted, deadline passed
  kMet,      // submitted on or before the deadline
  kLate,     // submitted after the deadline
  kWaiting,  // final report: the incident notification it runs from is not submitted yet
};

// "due", "overdue", "met", "late", "waiting".
std::string_view ClockStatusName(ClockStatus status);

struct Nis2Clock {
  Nis2Stage stage = Nis2Stage::kEarlyWarning;
  // The deadline; for the final report while the notification is not submitted, the
  // deadline it would have were the notification submitted at its own deadline
  // (`provisional` true).
  int64_t due_us = 0;
  bool provisional = false;
  std::optional<int64_t> submitted_us;  // the earliest submission of this report
  ClockStatus status = ClockStatus::kDue;
};

// The earliest submission time of each report, as stored (nullopt: none yet).
struct Nis2Submissions {
  std::optional<int64_t> early_warning;
  std::optional<int64_t> incident_notification;
  std::optional<int64_t> final_report;
};

// The three clocks of a case aware since `awareness_us`, at `now_us`.
std::vector<Nis2Clock> Nis2Clocks(int64_t awareness_us, const Nis2Submissions& submitted,
                                  int64_t now_us);

}  // namespace entente::cases
