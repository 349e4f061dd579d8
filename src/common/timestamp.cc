#include "common/timestamp.h"

#include <cstdio>

namespace entente {
namespace {

// Days from 1970-01-01 to the given proleptic Gregorian date (civil calendar arithmetic
// on 400-year eras).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2 ? 1 : 0);
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Reads exactly `n` digits at text[pos..]; returns -1 if any is not a digit.
int64_t Digits(std::string_view text, size_t pos, size_t n) {
  if (pos + n > text.size()) return -1;
  int64_t v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = text[pos + i];
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

Status Bad(std::string_view text, const char* what) {
  std::string m = "timestamp \"";
  m.append(text.substr(0, 64));
  m += "\" is not RFC 3339 UTC (YYYY-MM-DDTHH:MM:SS[.s]Z): ";
  m += what;
  return Status::InvalidArgument(std::move(m));
}

}  // namespace

Result<Timestamp> ParseTimestamp(std::string_view text) {
  if (text.size() < 20) return Bad(text, "too short");
  const int64_t year = Digits(text, 0, 4);
  const int64_t month = Digits(text, 5, 2);
  const int64_t day = Digits(text, 8, 2);
  const int64_t hour = Digits(text, 11, 2);
  const int64_t minute = Digits(text, 14, 2);
  const int64_t second = Digits(text, 17, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0 || text[4] != '-' ||
      text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':') {
    return Bad(text, "wrong layout");
  }
  if (year < 1) return Bad(text, "year out of range");
  if (month < 1 || month > 12) return Bad(text, "month out of range");
  if (day < 1 || day > DaysInMonth(year, static_cast<unsigned>(month))) {
    return Bad(text, "day out of range for the month");
  }
  if (hour > 23) return Bad(text, "hour out of range");
  if (minute > 59) return Bad(text, "minute out of range");
  if (second > 60) return Bad(text, "second out of range");

  size_t pos = 19;
  Timestamp ts;
  int64_t frac_micros = 0;
  if (text[pos] == '.') {
    ++pos;
    size_t start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (pos - start < 6) frac_micros = frac_micros * 10 + (text[pos] - '0');
      ++pos;
    }
    ts.fraction_digits = static_cast<int>(pos - start);
    if (ts.fraction_digits == 0) return Bad(text, "'.' must be followed by digits");
    for (int i = ts.fraction_digits; i < 6; ++i) frac_micros *= 10;
  }
  if (pos != text.size() - 1 || text[pos] != 'Z') return Bad(text, "must end in 'Z' (UTC)");

  const int64_t days =
      DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  ts.micros = ((days * 24 + hour) * 60 + minute) * 60 * 1000000 + second * 1000000 + frac_micros;
  return ts;
}

std::string FormatTimestamp(int64_t micros, int fraction_digits) {
  if (fraction_digits < 0) fraction_digits = 0;
  if (fraction_digits > 6) fraction_digits = 6;
  int64_t secs = micros >= 0 ? micros / 1000000 : -((-micros + 999999) / 1000000);
  int64_t frac = micros - secs * 1000000;
  int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
  int64_t rem = secs - days * 86400;
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[48];
  int n = std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld",
                        static_cast<long long>(y), m, d, static_cast<long long>(rem / 3600),
                        static_cast<long long>(rem / 60 % 60), static_cast<long long>(rem % 60));
  std::string out(buf, static_cast<size_t>(n));
  if (fraction_digits > 0) {
    char fb[8];
    std::snprintf(fb, sizeof fb, "%06lld", static_cast<long long>(frac));
    out += '.';
    out.append(fb, static_cast<size_t>(fraction_digits));
  }
  out += 'Z';
  return out;
}

}  // namespace entente
