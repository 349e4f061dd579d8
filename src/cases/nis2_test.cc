#include "cases/nis2.h"

#include <gtest/gtest.h>

#include "common/timestamp.h"

namespace entente::cases {
namespace {

int64_t T(const char* text) { return ParseTimestamp(text).value().micros; }
std::string S(int64_t us) { return FormatTimestamp(us, 0); }

// Regulation 1182/71 Art. 3(2)(c): a period in months ends with the expiry of the last
// hour of the day of the last month falling on the same date as the day it runs from, or
// of that month's last day when it has no such date.
TEST(Nis2, OneMonthEndsWithTheSameDateOfTheNextMonth) {
  EXPECT_EQ(S(OneMonthAfter(T("2026-03-15T17:30:00Z"))), "2026-04-16T00:00:00Z");
  EXPECT_EQ(S(OneMonthAfter(T("2026-01-31T09:00:00Z"))), "2026-03-01T00:00:00Z");  // Feb 28
  EXPECT_EQ(S(OneMonthAfter(T("2028-01-31T09:00:00Z"))), "2028-03-01T00:00:00Z");  // Feb 29
  EXPECT_EQ(S(OneMonthAfter(T("2026-12-10T00:00:00Z"))), "2027-01-11T00:00:00Z");
  EXPECT_EQ(S(OneMonthAfter(T("2026-05-31T23:59:59Z"))), "2026-07-01T00:00:00Z");  // Jun 30
}

// Art. 23(4)(a) and (b): "within 24 hours" and "within 72 hours of becoming aware".
TEST(Nis2, DueOverdueMetLate) {
  const int64_t aware = T("2026-06-01T10:00:00Z");
  Nis2Submissions none;
  auto c = Nis2Clocks(aware, none, aware + kEarlyWarningWithin - 1);
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0].status, ClockStatus::kDue);
  EXPECT_EQ(S(c[0].due_us), "2026-06-02T10:00:00Z");
  EXPECT_EQ(S(c[1].due_us), "2026-06-04T10:00:00Z");
  EXPECT_EQ(c[2].status, ClockStatus::kWaiting);
  EXPECT_TRUE(c[2].provisional);
  EXPECT_EQ(S(c[2].due_us), "2026-07-05T00:00:00Z");
  // At the deadline itself the early warning is overdue (the 24 hours have passed).
  c = Nis2Clocks(aware, none, aware + kEarlyWarningWithin);
  EXPECT_EQ(c[0].status, ClockStatus::kOverdue);
  EXPECT_EQ(c[1].status, ClockStatus::kDue);

  Nis2Submissions some;
  some.early_warning = aware + kEarlyWarningWithin;          // exactly on time: met
  some.incident_notification = aware + 80 * kMicrosPerHour;  // 8 hours late
  c = Nis2Clocks(aware, some, aware + 100 * kMicrosPerHour);
  EXPECT_EQ(c[0].status, ClockStatus::kMet);
  EXPECT_EQ(c[1].status, ClockStatus::kLate);
  // (d): one month after the notification's submission, 2026-06-04T18:00Z.
  EXPECT_FALSE(c[2].provisional);
  EXPECT_EQ(S(c[2].due_us), "2026-07-05T00:00:00Z");
  EXPECT_EQ(c[2].status, ClockStatus::kDue);
  c = Nis2Clocks(aware, some, T("2026-07-05T00:00:00Z"));
  EXPECT_EQ(c[2].status, ClockStatus::kOverdue);
}

TEST(Nis2, StageNames) {
  Nis2Stage s;
  EXPECT_TRUE(ParseNis2Stage("incident-notification", &s));
  EXPECT_EQ(s, Nis2Stage::kIncidentNotification);
  EXPECT_FALSE(ParseNis2Stage("intermediate", &s));
}

}  // namespace
}  // namespace entente::cases
