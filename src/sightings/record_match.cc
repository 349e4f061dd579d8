#include "sightings/record_match.h"

#include <algorithm>
#include <boost/json/array.hpp>
#include <cstring>
#include <functional>

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

void RecordMatcher::ToIds(std::vector<std::string_view>* indicator_ids) {
  for (const pattern::index::Hit& h : hits_) indicator_ids->push_back(h.indicator);
  if (indicator_ids->size() > 1) {
    std::sort(indicator_ids->begin(), indicator_ids->end());
    indicator_ids->erase(std::unique(indicator_ids->begin(), indicator_ids->end()),
                         indicator_ids->end());
  }
}

void RecordMatcher::MatchUncached(const pattern::index::IndexSnapshot& snapshot,
                                  const telemetry::Record& record,
                                  std::vector<std::string_view>* indicator_ids,
                                  pattern::index::MatchCounters* counters) {
  indicator_ids->clear();
  scos_.clear();
  for (size_t i = 0; i < record.count; ++i) scos_.push_back(ScoOf(record.observables[i]));
  hits_.clear();
  snapshot.MatchScos(scos_, &hits_, counters);
  ToIds(indicator_ids);
}

// A hash for the memory of quiet values: values are short (addresses, names), so eight
// bytes at a time with a multiply-xorshift step each, then a final mix so that the low
// bits (the slot) depend on every byte. Entries hold the whole value, so a collision only
// costs a probe; this need not be better than that, only fast.
uint64_t RecordMatcher::QuietHash(const telemetry::Observable& o) {
  constexpr uint64_t kMul = 0xbf58476d1ce4e5b9ULL;
  const char* p = o.value.data();
  size_t n = o.value.size();
  uint64_t h = ((static_cast<uint64_t>(o.kind) + 1) * 0x9e3779b97f4a7c15ULL) ^ n;
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * kMul;
    h ^= h >> 31;
    p += 8;
    n -= 8;
  }
  if (n != 0) {
    uint64_t w = 0;
    std::memcpy(&w, p, n);
    h = (h ^ w) * kMul;
    h ^= h >> 31;
  }
  h *= 0x94d049bb133111ebULL;
  return h ^ (h >> 29);
}

void RecordMatcher::Follow(const pattern::index::IndexSnapshot& snapshot) {
  if (quiet_.empty()) quiet_.resize(kQuietSlots);
  if (snapshot.serial() != quiet_serial_) {
    std::fill(quiet_.begin(), quiet_.end(), QuietEntry());
    quiet_serial_ = snapshot.serial();
  }
}

bool RecordMatcher::Recall(const telemetry::Record& record) {
  const size_t first = hashes_.size();
  for (size_t i = 0; i < record.count; ++i) {
    hashes_.push_back(QuietHash(record.observables[i]));
    __builtin_prefetch(&quiet_[hashes_.back() & (kQuietSlots - 1)]);
  }
  bool all_quiet = true;
  for (size_t i = 0; i < record.count; ++i) {
    const telemetry::Observable& o = record.observables[i];
    const uint64_t hash = hashes_[first + i];
    const QuietEntry& e = quiet_[hash & (kQuietSlots - 1)];
    bool known = e.hash == hash && e.kind == static_cast<uint8_t>(o.kind) + 1 &&
                 e.size == o.value.size() && std::memcmp(e.value, o.value.data(), e.size) == 0;
    quiet_flags_.push_back(known ? 1 : 0);
    all_quiet = all_quiet && known;
  }
  return all_quiet;
}

void RecordMatcher::Remember(const telemetry::Record& record, size_t first) {
  for (size_t i = 0; i < record.count; ++i) {
    const telemetry::Observable& o = record.observables[i];
    if (quiet_flags_[first + i] == 0 || o.value.size() > kQuietValueMax) continue;
    QuietEntry& e = quiet_[hashes_[first + i] & (kQuietSlots - 1)];
    e.hash = hashes_[first + i];
    e.kind = static_cast<uint8_t>(static_cast<uint8_t>(o.kind) + 1);
    e.size = static_cast<uint8_t>(o.value.size());
    std::memcpy(e.value, o.value.data(), o.value.size());
  }
}

void RecordMatcher::Match(const pattern::index::IndexSnapshot& snapshot,
                          const telemetry::Record& record,
                          std::vector<std::string_view>* indicator_ids,
                          pattern::index::MatchCounters* counters) {
  indicator_ids->clear();
  Follow(snapshot);
  // Observables remembered as quiet are not probed again; a record of such observables
  // alone is answered from memory.
  hashes_.clear();
  quiet_flags_.clear();
  if (Recall(record)) {
    // What MatchScos counts for a record none of whose SCOs the index knows.
    if (counters != nullptr) {
      ++counters->records;
      counters->observations += record.count;
    }
    return;
  }
  scos_.clear();
  for (size_t i = 0; i < record.count; ++i) scos_.push_back(ScoOf(record.observables[i]));
  hits_.clear();
  snapshot.MatchScos(scos_, &hits_, counters, &quiet_flags_);
  Remember(record, 0);
  ToIds(indicator_ids);
}

void RecordMatcher::MatchBatch(const pattern::index::IndexSnapshot& snapshot,
                               std::span<const telemetry::Record* const> records,
                               std::vector<RecordHit>* hits,
                               pattern::index::MatchCounters* counters) {
  hits->clear();
  Follow(snapshot);
  hashes_.clear();
  quiet_flags_.clear();
  scos_.clear();
  for (const telemetry::Record* r : records) {
    (void)Recall(*r);
    for (size_t i = 0; i < r->count; ++i) scos_.push_back(ScoOf(r->observables[i]));
  }
  spans_.clear();
  size_t at = 0;
  for (const telemetry::Record* r : records) {
    spans_.emplace_back(scos_.data() + at, r->count);
    at += r->count;
  }
  hits_.clear();
  snapshot.MatchScosBatch(spans_, &hits_, counters, &quiet_flags_);
  at = 0;
  for (const telemetry::Record* r : records) {
    Remember(*r, at);
    at += r->count;
  }
  for (const pattern::index::Hit& h : hits_) hits->push_back(RecordHit{h.record, h.indicator});
  std::sort(hits->begin(), hits->end(), [](const RecordHit& a, const RecordHit& b) {
    return a.record != b.record ? a.record < b.record : a.indicator < b.indicator;
  });
  hits->erase(std::unique(hits->begin(), hits->end()), hits->end());
}

}  // namespace entente::sightings
