// STIX/TAXII timestamps: RFC 3339 in UTC with a mandatory 'Z', e.g.
// "2016-05-12T08:17:27.000Z". Parsed into microseconds since the Unix epoch; digits
// beyond the sixth fractional digit are kept in the count of fractional digits but
// dropped from the value. Pure functions, safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "entente/status.h"

namespace entente {

struct Timestamp {
  int64_t micros = 0;       // since 1970-01-01T00:00:00Z
  int fraction_digits = 0;  // how many digits followed the '.', 0 when there was none
};

// Parses "YYYY-MM-DDTHH:MM:SS[.fraction]Z" (years 0001-9999). Rejects lower-case 't'/'z',
// offsets other than Z, and impossible dates, with a message saying which part is wrong.
Result<Timestamp> ParseTimestamp(std::string_view text);

// Formats with exactly `fraction_digits` digits (0, 3 or 6 typical; 0..6 allowed).
std::string FormatTimestamp(int64_t micros, int fraction_digits = 6);

}  // namespace entente
