// Fuzz target for the STIX pattern engine: the input is pattern text. Every input is
// parsed; valid patterns are printed, re-parsed (the printed form must parse and print
// the same) and matched against a fixed small set of observations in both STIX shapes.
// Any crash, assert or sanitizer report is a bug; errors are fine.
#include <boost/json.hpp>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "pattern/matcher.h"
#include "pattern/parser.h"

namespace {

using namespace entente::pattern;  // NOLINT: a fuzz driver, not a header
using entente::Result;

const char kObservations[] = R"([
  {"type":"file","id":"file--1","name":"a.exe","size":10,"hashes":{"MD5":"cead","SHA-256":"aec0"},
   "parent_directory_ref":"directory--1","magic_number_hex":"ffd8",
   "extensions":{"windows-pebinary-ext":{"sections":[{"entropy":7.5},{"entropy":1.0}]}}},
  {"type":"directory","id":"directory--1","path":"C:\\Windows"},
  {"type":"ipv4-addr","id":"ipv4-addr--1","value":"10.0.0.1"},
  {"type":"network-traffic","id":"network-traffic--1","dst_ref":"ipv4-addr--1","dst_port":80,
   "protocols":["tcp"]},
  {"type":"artifact","id":"artifact--1","payload_bin":"1MOyoQ=="},
  {"type":"observed-data","id":"observed-data--1","first_observed":"2020-01-01T00:00:00Z",
   "last_observed":"2020-01-01T00:00:05Z","number_observed":2,
   "object_refs":["file--1","directory--1"]},
  {"type":"observed-data","id":"observed-data--2","first_observed":"2020-01-01T00:01:00Z",
   "last_observed":"2020-01-01T00:01:00Z","number_observed":1,
   "object_refs":["ipv4-addr--1","network-traffic--1","artifact--1"]},
  {"type":"observed-data","id":"observed-data--3","first_observed":"2020-01-01T00:02:00Z",
   "last_observed":"2020-01-01T00:02:00Z","number_observed":3,
   "objects":{"0":{"type":"ipv4-addr","value":"10.0.0.2"},
              "1":{"type":"network-traffic","dst_ref":"0","src_ref":"9","dst_port":53}}}
])";

const ObservationSet& Observations(StixVersion v) {
  static const ObservationSet* sets[2] = {nullptr, nullptr};
  int i = v == StixVersion::k20 ? 0 : 1;
  if (sets[i] == nullptr) {
    Result<ObservationSet> s = LoadObservations(boost::json::parse(kObservations), v);
    if (!s.ok()) std::abort();
    sets[i] = new ObservationSet(std::move(s).value());
  }
  return *sets[i];
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace entente::pattern;  // NOLINT
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Result<Pattern> p = ParsePattern(text);
  if (!p.ok()) {
    (void)FormatParseError(text, p.status());
    return 0;
  }
  std::string printed = p->ToString();
  Result<Pattern> again = ParsePattern(printed);
  if (!again.ok() || again->ToString() != printed) std::abort();
  MatchOptions options;
  options.max_steps = 200'000;
  Result<Matcher> m = Matcher::Compile(*p, options);
  if (!m.ok()) return 0;
  for (StixVersion v : {StixVersion::k20, StixVersion::k21}) {
    const ObservationSet& set = Observations(v);
    MatchResult r = m->Match(set);
    if (r.matched) (void)m->BindingsJson(r, set);
  }
  return 0;
}
