// telemetry/eve.h: reads Suricata EVE JSON, one JSON object per line, into Records.
//
// EveParser::Parse turns one line into the Record of observable.h: the event's timestamp,
// its event_type as Record::log, and the addresses, domain names, URLs, e-mail addresses,
// file hashes and certificate fingerprints it carries. The field-by-field mapping, and
// what is deliberately left out, is in docs/telemetry.md ("Suricata EVE").
//
// A line that cannot be read (not JSON, truncated, JSON but not an object, longer than
// kMaxLineBytes, a field of the wrong JSON type, an address field that holds no address,
// a hash that is not hex of the right length, a timestamp that is not an EVE time) gives
// a LineError naming the field ("" for the line as a whole) and nothing else: the caller
// counts it and goes on with the next line. Unknown event types are not errors: their
// src_ip and dest_ip are kept and nothing else. The structure of the whole line is checked,
// but values the mapping does not read are skipped without validation (simdjson On-Demand),
// so malformed JSON inside such a value ("age":tru) does not refuse the line.
//
// Each (kind, value) appears once per Record, with the field it was first found in; at
// most kMaxObservables are kept per line (further values are dropped).
//
// Speed: the parser owns simdjson's On-Demand parser and a padded copy of the line, both
// reused, and the Record's strings are reused (observable.h), so parsing allocates nothing
// per line once buffers have grown to the longest line seen. Not safe for concurrent use:
// one EveParser per thread. Record::log and the Record's string_views stay valid until the
// next Parse call on the same parser (they are literals for the event types of the mapping).
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string_view>

#include "telemetry/observable.h"

namespace entente::telemetry {

class EveParser {
 public:
  // Longest line read, in bytes (without the line end). Suricata's own lines are a few
  // KiB; a line with an HTTP body or a large payload field dump can reach hundreds of
  // KiB. Longer lines are refused without being parsed.
  static constexpr size_t kMaxLineBytes = 1 << 20;
  static constexpr size_t kMaxObservables = 256;

  EveParser();
  ~EveParser();
  EveParser(const EveParser&) = delete;
  EveParser& operator=(const EveParser&) = delete;

  // Reads one line (a trailing "\n" or "\r\n" is ignored) into `record`, which is cleared
  // first. Returns the reason the line was refused, or nothing when `record` holds it; on
  // refusal `record` holds no observables.
  std::optional<LineError> Parse(std::string_view line, Record& record);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace entente::telemetry
