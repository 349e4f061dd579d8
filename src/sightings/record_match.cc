#include "sightings/record_match.h"

#include <algorithm>
#include <boost/json/array.hpp>

namespace entente::sightings {

using pattern::index::FlatSco;
using telemetry::ObservableKind;

FlatSco ScoOf(const telemetry::Observable& o) {
  switch (o.kind) {
    case ObservableKind::kIpv4:
      return {"ipv4-addr", "value", "", o.value};
    case ObservableKind::kIpv6:
      return {"ipv6-addr", "value", "", o.value};
    case ObservableKind::kDomain:
      return {"domain-name", "value", "", o.value};
    case ObservableKind::kUrl:
      return {"url", "value", "", o.value};
    case ObservableKind::kEmail:
      return {"email-addr", "value", "", o.value};
    case ObservableKind::kMd5:
      return {"file", "hashes", "MD5", o.value};
    case ObservableKind::kSha1:
      return {"file", "hashes", "SHA-1", o.value};
    case ObservableKind::kSha256:
      return {"file", "hashes", "SHA-256", o.value};
    case ObservableKind::kX509Sha1:
      return {"x509-certificate", "hashes", "SHA-1", o.value};
    case ObservableKind::kX509Sha256:
      return {"x509-certificate", "hashes", "SHA-256", o.value};
  }
  return {"ipv4-addr", "value", "", o.value};  // not reached: the switch is exhaustive
}

boost::json::value RecordJson(const telemetry::Record& record) {
  boost::json::array scos;
  scos.reserve(record.count);
  for (size_t i = 0; i < record.count; ++i) {
    scos.emplace_back(pattern::index::JsonOf(ScoOf(record.observables[i])));
  }
  return scos;
}

void RecordMatcher::Match(const pattern::index::IndexSnapshot& snapshot,
                          const telemetry::Record& record,
                          std::vector<std::string_view>* indicator_ids,
                          pattern::index::MatchCounters* counters) {
  indicator_ids->clear();
  scos_.clear();
  for (size_t i = 0; i < record.count; ++i) scos_.push_back(ScoOf(record.observables[i]));
  hits_.clear();
  snapshot.MatchScos(scos_, &hits_, counters);
  if (hits_.empty()) return;
  for (const pattern::index::Hit& h : hits_) indicator_ids->push_back(h.indicator);
  if (indicator_ids->size() > 1) {
    std::sort(indicator_ids->begin(), indicator_ids->end());
    indicator_ids->erase(std::unique(indicator_ids->begin(), indicator_ids->end()),
                         indicator_ids->end());
  }
}

void RecordMatcher::MatchBatch(const pattern::index::IndexSnapshot& snapshot,
                               std::span<const telemetry::Record* const> records,
                               std::vector<RecordHit>* hits,
                               pattern::index::MatchCounters* counters) {
  hits->clear();
  scos_.clear();
  for (const telemetry::Record* r : records) {
    for (size_t i = 0; i < r->count; ++i) scos_.push_back(ScoOf(r->observables[i]));
  }
  spans_.clear();
  size_t at = 0;
  for (const telemetry::Record* r : records) {
    spans_.emplace_back(scos_.data() + at, r->count);
    at += r->count;
  }
  hits_.clear();
  snapshot.MatchScosBatch(spans_, &hits_, counters);
  for (const pattern::index::Hit& h : hits_) hits->push_back(RecordHit{h.record, h.indicator});
  std::sort(hits->begin(), hits->end(), [](const RecordHit& a, const RecordHit& b) {
    return a.record != b.record ? a.record < b.record : a.indicator < b.indicator;
  });
  hits->erase(std::unique(hits->begin(), hits->end()), hits->end());
}

}  // namespace entente::sightings
