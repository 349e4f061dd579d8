#include "sensor/indicator_feed.h"

#include <cmath>
#include <utility>

#include "common/timestamp.h"
#include "policy/granular.h"
#include "policy/policy.h"
#include "stix/stix.h"

namespace entente::sensor {
namespace {

namespace json = boost::json;
using pattern::index::DecayKind;
using pattern::index::IndicatorState;

constexpr size_t kTombstonePage = 10'000;

// The object type the pattern's first comparison names ("[ipv4-addr:value = ...]" ->
// "ipv4-addr"). Patterns were checked when admitted; the decay kind is all this is for,
// and an unusual pattern falls back to the kind "other".
std::string_view FirstObjectType(std::string_view pattern) {
  size_t i = pattern.find('[');
  if (i == std::string_view::npos) return {};
  ++i;
  while (i < pattern.size() && (pattern[i] == ' ' || pattern[i] == '(' || pattern[i] == '\t')) ++i;
  size_t j = i;
  while (j < pattern.size() &&
         ((pattern[j] >= 'a' && pattern[j] <= 'z') || (pattern[j] >= '0' && pattern[j] <= '9') ||
          pattern[j] == '-' || pattern[j] == '_')) {
    ++j;
  }
  return pattern.substr(i, j - i);
}

}  // namespace

IndicatorFeed::IndicatorFeed(store::Store& store, policy::Requester who, FeedOptions options)
    : store_(store),
      who_(std::move(who)),
      options_(std::move(options)),
      index_(std::make_unique<pattern::index::IndicatorIndex>(options_.index)) {}

Status IndicatorFeed::ReadCollections(std::set<std::string>* readable) {
  auto collections = store_.ListCollections("");
  if (!collections.ok()) return collections.status();
  for (const store::Collection& c : *collections) {
    if (policy::AccessToCollection(who_, c.readers, c.writers).can_read) readable->insert(c.id);
  }
  return Status::Ok();
}

Status IndicatorFeed::ReadVersions(const store::ObjectQuery& query, std::set<std::string>* ids,
                                   int64_t* last_added_us) {
  return store_.ScanObjects(query, [&](const store::ObjectRow& row) {
    if (last_added_us != nullptr) *last_added_us = std::max(*last_added_us, row.date_added_us);
    if (!policy::MayRead(who_, row.labels)) return store::ScanAction::kContinue;
    // What the requester receives of it: parts it may not see are not matched on.
    policy::ReaderView view = policy::ViewFor(who_, row.labels, row.json);
    if (view.withheld) return store::ScanAction::kContinue;
    auto parsed = stix::ParseJson(view.rewritten.empty() ? row.json : view.rewritten);
    if (!parsed.ok() || !parsed->is_object()) return store::ScanAction::kContinue;
    // An indicator without id or pattern was never admitted; Add ignores one anyway.
    if (live_.Add(parsed->get_object()).ok()) ids->insert(std::string(row.id));
    return store::ScanAction::kContinue;
  });
}

Status IndicatorFeed::ReadSince(const std::string& c, Mark* mark, std::set<std::string>* ids,
                                std::set<std::string>* deleted) {
  // Tombstones first: a version deleted after they are read is either not read below or
  // met again as a tombstone next time, so no deleted version stays matched.
  for (;;) {
    auto page = store_.ListTombstones(c, mark->tombstone_seq, kTombstonePage);
    if (!page.ok()) return page.status();
    if (page->empty()) break;
    mark->tombstone_seq = page->back().seq;
    for (const store::Tombstone& t : *page) {
      if (t.id.starts_with("indicator--")) deleted->insert(t.id);
    }
  }
  store::ObjectQuery q;
  q.collection_id = c;
  q.types = {"indicator"};
  q.match_all = true;
  q.match_last = false;
  if (mark->added_after_us > 0) q.added_after_us = mark->added_after_us;
  return ReadVersions(q, ids, &mark->added_after_us);
}

Status IndicatorFeed::Load(int64_t now_us) {
  index_ = std::make_unique<pattern::index::IndicatorIndex>(options_.index);
  live_ = pattern::index::LiveIndicators();
  marks_.clear();
  decisions_.clear();
  due_.clear();
  std::set<std::string> readable, ids;
  ENTENTE_RETURN_IF_ERROR(ReadCollections(&readable));
  for (const std::string& c : readable) {
    // Tombstones before now concern versions that are gone already: passed over.
    std::set<std::string> gone;
    ENTENTE_RETURN_IF_ERROR(ReadSince(c, &marks_[c], &ids, &gone));
  }
  FeedChanges ignored;
  return Decide(ids, now_us, &ignored);
}

Result<FeedChanges> IndicatorFeed::Refresh(int64_t now_us) {
  FeedChanges changes;
  std::set<std::string> readable;
  ENTENTE_RETURN_IF_ERROR(ReadCollections(&readable));
  bool same = readable.size() == marks_.size();
  for (auto it = marks_.begin(); same && it != marks_.end(); ++it) same = readable.count(it->first);
  if (!same) {
    ENTENTE_RETURN_IF_ERROR(Load(now_us));
    changes.reloaded = true;
    changes.added = Counts().matched;
    return changes;
  }
  std::set<std::string> ids, deleted;
  for (auto& [c, mark] : marks_) ENTENTE_RETURN_IF_ERROR(ReadSince(c, &mark, &ids, &deleted));
  // A deleted version may have been the current one: read what is left of the id.
  for (const std::string& id : deleted) {
    live_.Forget(id);
    ids.insert(id);
    for (const auto& [c, mark] : marks_) {
      store::ObjectQuery q;
      q.collection_id = c;
      q.ids = {id};
      q.match_all = true;
      q.match_last = false;
      std::set<std::string> found;
      ENTENTE_RETURN_IF_ERROR(ReadVersions(q, &found, nullptr));
    }
  }
  while (!due_.empty() && due_.begin()->first <= now_us) {
    ids.insert(std::move(due_.begin()->second));
    due_.erase(due_.begin());
  }
  ENTENTE_RETURN_IF_ERROR(Decide(ids, now_us, &changes));
  return changes;
}

IndicatorFeed::Decision IndicatorFeed::DecideOne(const IndicatorState& s, int64_t now_us,
                                                 std::optional<int64_t>* next_us) const {
  Decision d;
  auto later = [&](int64_t at) {
    if (at > now_us && (!*next_us || at < **next_us)) *next_us = at;
  };
  if (s.revoked) {
    d.reason = Decision::kRevoked;
    d.why = "revoked";
    return d;
  }
  if (!s.stix) {
    d.reason = Decision::kNotStix;
    d.why = "not STIX patterning";
    return d;
  }
  if (s.valid_until_us && now_us >= *s.valid_until_us) {
    d.reason = Decision::kExpired;
    d.why = "expired at " + FormatTimestamp(*s.valid_until_us, 3);
    return d;
  }
  if (s.valid_until_us) later(*s.valid_until_us);
  if (s.valid_from_us && now_us < *s.valid_from_us) {
    later(*s.valid_from_us);
    d.reason = Decision::kNotYet;
    d.why = "not valid before " + FormatTimestamp(*s.valid_from_us, 3);
    return d;
  }
  if (options_.decay) {
    const pattern::index::DecayModel& model = *options_.decay;
    const DecayKind kind = pattern::index::DecayKindOfType(FirstObjectType(s.spec.pattern));
    const double base = static_cast<double>(s.confidence.value_or(100));
    const int64_t born = s.valid_from_us ? *s.valid_from_us : s.created_us.value_or(now_us);
    const int64_t age = std::max<int64_t>(0, now_us - born);
    if (!model.Alive(kind, base, age)) {
      const pattern::index::DecayRule& rule = model.rule(kind);
      char text[128];
      std::snprintf(text, sizeof text, "decayed (%s score %.1f < threshold %.1f)",
                    std::string(pattern::index::DecayKindName(kind)).c_str(),
                    model.Score(kind, base, age), rule.threshold);
      d.reason = Decision::kDecayed;
      d.why = text;
      return d;
    }
    // The age at which the score reaches the threshold: base * (1 - x^(1/speed)) = threshold
    // for x = age / lifetime (decay.h), so x = (1 - threshold / base)^speed.
    const pattern::index::DecayRule& rule = model.rule(kind);
    if (rule.threshold > 0 && base > 0) {
      const double x = std::pow(std::max(0.0, 1.0 - rule.threshold / base), rule.speed);
      const double death = static_cast<double>(born) + x * static_cast<double>(rule.lifetime_us);
      // One second after, so that rounding cannot leave it alive at the instant; looked at
      // again then anyway.
      if (death < 9.0e18) later(static_cast<int64_t>(death) + 1'000'000);
    }
  }
  if (options_.suppress) {
    std::string why = options_.suppress(s);
    if (!why.empty()) {
      d.reason = Decision::kSuppressed;
      d.why = std::move(why);
      return d;
    }
  }
  return d;
}

Status IndicatorFeed::Decide(const std::set<std::string>& ids, int64_t now_us,
                             FeedChanges* changes) {
  std::vector<pattern::index::IndicatorSpec> add;
  std::vector<std::string> remove;
  for (const std::string& id : ids) {
    const IndicatorState* s = live_.Find(id);
    auto old = decisions_.find(id);
    const bool was_indexed = old != decisions_.end() && !old->second.pattern.empty();
    if (s == nullptr) {  // every version deleted
      if (was_indexed) remove.push_back(id);
      if (old != decisions_.end()) decisions_.erase(old);
      continue;
    }
    std::optional<int64_t> next;
    Decision d = DecideOne(*s, now_us, &next);
    if (next) due_.emplace(*next, id);
    const bool indexed = d.reason != Decision::kRevoked && d.reason != Decision::kNotStix;
    if (indexed) d.pattern = s->spec.pattern;
    if (indexed && (!was_indexed || old->second.pattern != d.pattern)) {
      add.push_back(s->spec);
    } else if (!indexed && was_indexed) {
      remove.push_back(id);
    } else if (indexed && was_indexed && old->second.reason == Decision::kNotCompiled) {
      d = old->second;  // the same pattern, still not compiled
    }
    decisions_[id] = std::move(d);
  }
  if (!remove.empty()) {
    ENTENTE_RETURN_IF_ERROR(index_->Remove(remove));
    changes->removed += remove.size();
  }
  if (!add.empty()) {
    std::vector<std::pair<std::string, Status>> rejected;
    ENTENTE_RETURN_IF_ERROR(index_->Add(add, &rejected));
    changes->added += add.size() - rejected.size();
    for (auto& [id, status] : rejected) {
      Decision& d = decisions_[id];
      d.reason = Decision::kNotCompiled;
      d.why = "pattern not compiled: " + status.message();
      d.pattern.clear();
    }
  }
  return Status::Ok();
}

std::string_view IndicatorFeed::CreatorOf(std::string_view id) const {
  const IndicatorState* s = live_.Find(id);
  return s == nullptr ? std::string_view() : std::string_view(s->created_by);
}

bool IndicatorFeed::Matches(std::string_view id, std::string* why) const {
  auto it = decisions_.find(id);
  if (it == decisions_.end()) return false;  // not in the index: no hit names it
  if (it->second.reason == Decision::kMatched) return true;
  if (why != nullptr) *why = it->second.why;
  return false;
}

std::string IndicatorFeed::Why(std::string_view id) const {
  auto it = decisions_.find(id);
  return it == decisions_.end() ? std::string() : it->second.why;
}

FeedCounts IndicatorFeed::Counts() const {
  FeedCounts c;
  for (const auto& [id, d] : decisions_) {
    switch (d.reason) {
      case Decision::kMatched:
        ++c.matched;
        break;
      case Decision::kRevoked:
        ++c.revoked;
        break;
      case Decision::kNotStix:
        ++c.not_stix;
        break;
      case Decision::kNotYet:
        ++c.not_yet_valid;
        break;
      case Decision::kExpired:
        ++c.expired;
        break;
      case Decision::kDecayed:
        ++c.decayed;
        break;
      case Decision::kSuppressed:
        ++c.suppressed;
        break;
      case Decision::kNotCompiled:
        ++c.not_compiled;
        break;
    }
  }
  return c;
}

}  // namespace entente::sensor
