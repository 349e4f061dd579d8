// Differential test of IndexSnapshot::MatchScos (plain SCO values, no JSON per record)
// against MatchRecord on the JSON it stands for: indicator_index.h promises "the same
// hits as MatchRecord on the JSON array of JsonOf(scos[n])". Records are generated the
// way sensor telemetry looks (one property per SCO: addresses, names, URLs, file and
// certificate hashes), over generated indicators of every class - simple leaves answered
// by the hash table, CIDR sets and regex sets, compound patterns the exact matcher
// decides after a leaf hit (kPrefiltered), and patterns it decides whenever their types
// occur (kGated) - in a base part and a delta part with removed indicators.
#include <gtest/gtest.h>

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "pattern/index/indicator_index.h"

namespace entente::pattern::index {
namespace {

// A hit as both paths must report it: indicator, observation number, observation id.
using HitKey = std::tuple<std::string, size_t, std::string>;

class TelemetryGen {
 public:
  explicit TelemetryGen(uint64_t seed) : rng_(seed) {}
  size_t Pick(size_t n) { return rng_() % n; }
  template <typename T>
  const T& One(const std::vector<T>& v) {
    return v[Pick(v.size())];
  }

  std::string Ip() { return "192.0." + std::to_string(Pick(3)) + "." + std::to_string(Pick(8)); }
  std::string Cidr() {
    switch (Pick(4)) {
      case 0:
        return "192.0.0.0/16";
      case 1:
        return "192.0." + std::to_string(Pick(3)) + ".0/24";
      case 2:
        return Ip() + "/32";
      default:
        return "192.0." + std::to_string(Pick(3)) + ".4/30";
    }
  }
  // The same addresses written in the forms a sensor may use.
  std::string Ip6() { return One(ip6_); }
  std::string Ip6Cidr() { return One(ip6_blocks_); }
  std::string Domain() { return One(domains_); }
  std::string Url() { return "http://" + Domain() + One(paths_); }
  std::string Email() { return One(mailboxes_) + "@" + Domain(); }
  // Hex of a given length from a small alphabet (so that values repeat), in lower or
  // upper case: the index compares hashes as the evaluator does, byte for byte.
  std::string Hex(size_t len) {
    std::string h(len, "0af9"[Pick(2)]);
    h[0] = "0af9"[Pick(4)];
    if (Pick(4) == 0) {
      for (char& c : h) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return h;
  }

  std::string Comparison() {
    switch (Pick(18)) {
      case 0:
        return "ipv4-addr:value = '" + Ip() + "'";
      case 1:
        return "ipv4-addr:value ISSUBSET '" + Cidr() + "'";
      case 2:
        return "ipv6-addr:value = '" + Ip6() + "'";
      case 3:
        return "ipv6-addr:value ISSUBSET '" + Ip6Cidr() + "'";
      case 4:
        return "domain-name:value = '" + Domain() + "'";
      case 5:
        return "domain-name:value IN ('" + Domain() + "', '" + Domain() + "')";
      case 6:
        return "domain-name:value LIKE '" + One(domain_likes_) + "'";
      case 7:
        return "url:value = '" + Url() + "'";
      case 8:
        return "url:value LIKE '" + One(url_likes_) + "'";
      case 9:
        return "url:value MATCHES '" + One(regexes_) + "'";
      case 10:
        return "email-addr:value = '" + Email() + "'";
      case 11:
        return "file:hashes.MD5 = '" + Hex(32) + "'";
      case 12:
        return "file:hashes.'SHA-1' = '" + Hex(40) + "'";
      case 13:
        return "file:hashes.'SHA-256' = '" + Hex(64) + "'";
      case 14:
        return "x509-certificate:hashes.'SHA-1' = '" + Hex(40) + "'";
      case 15:
        return "x509-certificate:hashes.'SHA-256' = '" + Hex(64) + "'";
      case 16:  // the type property is a path like any other
        return "domain-name:type = 'domain-name'";
      default:
        return "file:hashes.'SHA-256' LIKE '" + std::string(1, "0af9"[Pick(4)]) + "%'";
    }
  }
  std::string Gated() {
    switch (Pick(6)) {
      case 0:
        return "domain-name:value != '" + Domain() + "'";
      case 1:
        return "url:value NOT LIKE '" + One(url_likes_) + "'";
      case 2:
        return "ipv4-addr:value ISSUPERSET '" + Ip() + "'";
      case 3:
        return "email-addr:value > 'm'";
      case 4:
        return "file:name = 'never-observed.exe'";  // a property telemetry does not give
      default:
        return "x509-certificate:hashes.'SHA-256' NOT = '" + Hex(64) + "'";
    }
  }
  std::string Bracket(bool allow_gated) {
    std::string s = "[" + (allow_gated && Pick(4) == 0 ? Gated() : Comparison());
    size_t extra = Pick(3);
    for (size_t i = 0; i < extra; ++i) {
      s += Pick(3) == 0 ? " AND " : " OR ";
      s += allow_gated && Pick(4) == 0 ? Gated() : Comparison();
    }
    return s + "]";
  }
  std::string Pattern() {
    switch (Pick(9)) {
      case 0:
        return Bracket(true) + " AND " + Bracket(true);
      case 1:
        return Bracket(false) + " OR " + Bracket(true);
      case 2:
        return Bracket(false) + " FOLLOWEDBY " + Bracket(false);
      case 3:
        return Bracket(false) + " REPEATS 2 TIMES";
      case 4:
        return Bracket(true) + " WITHIN 600 SECONDS";
      case 5:
        return Bracket(true);
      default:
        return Bracket(false);
    }
  }

  // One SCO as telemetry gives it; the strings live in `store` (stable addresses).
  FlatSco Sco(std::vector<std::string>* store) {
    auto keep = [&](std::string s) -> std::string_view {
      store->push_back(std::move(s));
      return store->back();
    };
    switch (Pick(12)) {
      case 0:
      case 1:
        return {"ipv4-addr", "value", "", keep(Pick(10) == 0 ? Cidr() : Ip())};
      case 2:
        return {"ipv6-addr", "value", "", keep(Ip6())};
      case 3:
      case 4:
        return {"domain-name", "value", "", keep(Domain())};
      case 5:
        return {"url", "value", "", keep(Url())};
      case 6:
        return {"email-addr", "value", "", keep(Email())};
      case 7:
        return {"file", "hashes", "MD5", keep(Hex(32))};
      case 8:
        return {"file", "hashes", "SHA-1", keep(Hex(40))};
      case 9:
        return {"file", "hashes", "SHA-256", keep(Hex(64))};
      case 10:
        return {"x509-certificate", "hashes", "SHA-1", keep(Hex(40))};
      default:
        return {"x509-certificate", "hashes", "SHA-256", keep(Hex(64))};
    }
  }

 private:
  std::mt19937_64 rng_;
  std::vector<std::string> ip6_{
      "2001:db8::1", "2001:DB8::1", "2001:0db8:0000:0000:0000:0000:0000:0001",
      "2001:db8::2", "2001:db9::1", "::ffff:192.0.2.1",
      "fe80::1"};
  std::vector<std::string> ip6_blocks_{"2001:db8::/32", "2001:db8::/64", "2001:db8::1/128",
                                       "::ffff:192.0.2.0/120", "2000::/3"};
  // "café" composed (NFC) and decomposed (e + combining acute): the same string to STIX.
  std::vector<std::string> domains_{"evil.example", "EVIL.example",        "bad.example",
                                    "good.example", "caf\xc3\xa9.example", "cafe\xcc\x81.example",
                                    "x.test"};
  std::vector<std::string> paths_{"/", "/gate.php", "/a/b", "/GATE.PHP", "/caf\xc3\xa9"};
  std::vector<std::string> mailboxes_{"alice", "bob", "Alice"};
  std::vector<std::string> domain_likes_{"%.example", "evil.%", "caf_.example", "%\xc3\xa9%",
                                         "_.test"};
  std::vector<std::string> url_likes_{
      "http://evil%",        "%.php", "%/a/_", "http://_.test/", "%", "%gate%", "%caf_%",
      "http://evil.example/"};
  std::vector<std::string> regexes_{"^http://(evil|bad)\\\\.", "gate\\\\.php$", "(?i)GATE", "b$",
                                    "caf\xc3\xa9"};
};

std::multiset<HitKey> Keys(const std::vector<Hit>& hits, size_t record) {
  std::multiset<HitKey> out;
  for (const Hit& h : hits) {
    if (h.record != record) continue;
    out.emplace(std::string(h.indicator), h.observation, std::string(h.observation_id));
  }
  return out;
}

std::string Show(const std::multiset<HitKey>& keys) {
  std::string s;
  for (const auto& [id, n, obs] : keys) s += " " + id + "@" + std::to_string(n) + "'" + obs + "'";
  return s;
}

void CheckFlatAgainstJson(uint64_t seed) {
  TelemetryGen gen(seed);
  IndexOptions opts;
  opts.min_delta = 60;
  IndicatorIndex index(opts);
  std::vector<IndicatorSpec> specs;
  for (int i = 0; i < 500; ++i) specs.push_back({"indicator--" + std::to_string(i), gen.Pattern()});
  // A base from the first 400, a delta from the rest, some of both removed or replaced.
  ASSERT_TRUE(index.Add({specs.begin(), specs.begin() + 400}).ok());
  ASSERT_TRUE(index.Add({specs.begin() + 400, specs.end()}).ok());
  std::vector<std::string> removed;
  for (int i = 3; i < 500; i += 29) removed.push_back(specs[i].id);
  ASSERT_TRUE(index.Remove(removed).ok());
  for (int i = 7; i < 500; i += 43) {
    ASSERT_TRUE(index.Add({{specs[i].id, gen.Pattern()}}).ok());
  }
  auto snap = index.snapshot();
  IndexSnapshot::Stats stats = snap->GetStats();
  ASSERT_GT(stats.base.simple + stats.delta.simple, 0u);
  ASSERT_GT(stats.base.prefiltered + stats.delta.prefiltered, 0u);
  ASSERT_GT(stats.base.gated + stats.delta.gated, 0u);

  std::vector<std::string> store;
  store.reserve(20000);  // the FlatScos point into it: it must not reallocate
  std::vector<std::vector<FlatSco>> records(600);
  for (auto& r : records) {
    size_t n = gen.Pick(7);  // 0 to 6 observables, as a log line gives
    for (size_t i = 0; i < n; ++i) r.push_back(gen.Sco(&store));
  }
  ASSERT_LE(store.size(), 20000u);

  MatchCounters flat_counters;
  size_t hits_seen = 0;
  std::vector<std::multiset<HitKey>> single(records.size());
  for (size_t r = 0; r < records.size(); ++r) {
    boost::json::array scos;
    for (const FlatSco& s : records[r]) scos.emplace_back(JsonOf(s));
    boost::json::value json(std::move(scos));
    std::vector<Hit> want_hits, got_hits;
    snap->MatchRecord(json, &want_hits);
    snap->MatchScos(records[r], &got_hits, &flat_counters);
    std::multiset<HitKey> want = Keys(want_hits, 0), got = Keys(got_hits, 0);
    hits_seen += want.size();
    ASSERT_EQ(got, want) << "record " << r << ": " << boost::json::serialize(json)
                         << "\n  MatchScos:  " << Show(got) << "\n  MatchRecord:" << Show(want);
    single[r] = std::move(got);
  }
  // Batches of 1..50 records answer as one record at a time.
  for (size_t b = 0; b < records.size();) {
    size_t n = std::min(records.size() - b, 1 + gen.Pick(50));
    std::vector<std::span<const FlatSco>> batch(records.begin() + b, records.begin() + b + n);
    std::vector<Hit> hits;
    snap->MatchScosBatch(batch, &hits);
    for (size_t i = 0; i < n; ++i) {
      ASSERT_EQ(Keys(hits, i), single[b + i]) << "batch at " << b << ", record " << i;
    }
    for (const Hit& h : hits) ASSERT_LT(h.record, n);
    b += n;
  }
  // Every way of answering must have been exercised, or agreement proves little.
  EXPECT_GT(hits_seen, 200u);
  EXPECT_GT(flat_counters.fast_hits, 50u);
  EXPECT_GT(flat_counters.evaluations, 50u);
  EXPECT_GT(flat_counters.evaluated_hits, 10u);
}

TEST(FlatMatchTest, SameHitsAsMatchRecordOnTheEquivalentJson) {
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    SCOPED_TRACE(seed);
    CheckFlatAgainstJson(seed);
    if (HasFatalFailure()) return;
  }
}

TEST(FlatMatchTest, JsonOfSpellsTheObject) {
  EXPECT_EQ(boost::json::serialize(JsonOf({"ipv4-addr", "value", "", "192.0.2.1"})),
            R"({"type":"ipv4-addr","value":"192.0.2.1"})");
  EXPECT_EQ(boost::json::serialize(JsonOf({"file", "hashes", "SHA-256", "ab"})),
            R"({"type":"file","hashes":{"SHA-256":"ab"}})");
}

TEST(FlatMatchTest, DecomposedDomainMatchesItsComposedIndicator) {
  // STIX 2.1 section 9.4: strings are compared after NFC normalisation.
  IndicatorIndex index;
  ASSERT_TRUE(index.Add({{"indicator--cafe", "[domain-name:value = 'caf\xc3\xa9.example']"}}).ok());
  FlatSco sco{"domain-name", "value", "", "cafe\xcc\x81.example"};
  std::vector<Hit> hits;
  index.snapshot()->MatchScos(std::span<const FlatSco>(&sco, 1), &hits);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].indicator, "indicator--cafe");
  EXPECT_EQ(hits[0].observation, 0u);
}

TEST(FlatMatchTest, CompoundPatternNeedsBothObservablesOfTheRecord) {
  IndicatorIndex index;
  ASSERT_TRUE(index
                  .Add({{"indicator--both",
                         "[domain-name:value = 'evil.example'] AND "
                         "[ipv4-addr:value ISSUBSET '198.51.100.0/24']"}})
                  .ok());
  auto snap = index.snapshot();
  std::vector<FlatSco> one{{"domain-name", "value", "", "evil.example"}};
  std::vector<FlatSco> both{{"domain-name", "value", "", "evil.example"},
                            {"ipv4-addr", "value", "", "198.51.100.9"}};
  std::vector<Hit> hits;
  MatchCounters c;
  snap->MatchScos(one, &hits, &c);
  EXPECT_TRUE(hits.empty());
  EXPECT_EQ(c.evaluations, 1u);  // a leaf held: the exact matcher decided
  snap->MatchScos(both, &hits, &c);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].indicator, "indicator--both");
}

}  // namespace
}  // namespace entente::pattern::index
