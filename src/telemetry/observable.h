// telemetry/observable.h: what one record of sensor telemetry (a Suricata EVE line, a Zeek
// log line) shows, as the observable values the indicator index matches.
//
// A parser turns one record into a Record: the event's time and the observables found in
// it, each with the kind of value and the field it came from ("dns.rrname", "query").
// Values are normalised only where the kind says so (see ObservableKind); everything else
// is kept as the sensor wrote it. The mapping from each format's fields to kinds is
// documented per format in docs/telemetry.md.
//
// Plain values; a Record is reused from line to line (Clear keeps its capacity), so a
// parser that fills one allocates nothing per line in the steady state.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace entente::telemetry {

enum class ObservableKind {
  kIpv4,    // dotted quad, as written
  kIpv6,    // as written (the index normalises)
  kDomain,  // a DNS name, without a trailing dot
  kUrl,     // absolute URL ("http://host/path"), built from host and path when needed
  kEmail,   // an addr-spec ("user@example.org"), without display name or angle brackets
  kMd5,     // file hashes: lower-case hex, no separators
  kSha1,
  kSha256,
  kX509Sha1,  // certificate fingerprints: lower-case hex, no colons
  kX509Sha256,
};

// "ipv4", "ipv6", "domain", "url", "email", "md5", "sha1", "sha256", "x509-sha1",
// "x509-sha256".
std::string_view KindName(ObservableKind kind);

struct Observable {
  ObservableKind kind = ObservableKind::kIpv4;
  std::string value;
  std::string_view field;  // a string literal naming the source field, e.g. "dns.rrname"
};

struct Record {
  int64_t time_us = 0;      // the event's own timestamp, microseconds since the epoch; 0 if none
  std::string_view format;  // a string literal: "eve", "zeek", "zeek-json"
  std::string_view log;     // event_type (EVE) or log path (Zeek: "conn", "dns"), "" if unknown
  size_t count = 0;         // observables[0, count) are this record's
  std::vector<Observable> observables;

  void Clear() {
    time_us = 0;
    log = {};
    count = 0;
  }
  // The next slot, reusing the strings of earlier lines.
  Observable& Add(ObservableKind kind, std::string_view field) {
    if (count == observables.size()) observables.emplace_back();
    Observable& o = observables[count++];
    o.kind = kind;
    o.field = field;
    o.value.clear();
    return o;
  }
};

// Why one line could not be read: the field (or "" for the line as a whole) and a
// sentence for an operator. Parsers return it instead of a Record; the caller counts and
// reports it with the file and line number, and goes on with the next line.
struct LineError {
  std::string field;
  std::string message;
};

}  // namespace entente::telemetry
