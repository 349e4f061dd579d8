// The aggregator's sightings, checked against STIX 2.1 §5.2 (Sighting) and the entente
// validator, which implements the specification's MUST rules independently of it.
#include "sightings/aggregator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cstdio>
#include <cstring>
#include <set>
#include <string>

#include "common/timestamp.h"
#include "stix/stix.h"

namespace entente::sightings {
namespace {

namespace json = boost::json;

// Bytes 0, 1, 2, ... so that ids are reproducible.
class CountingRandom : public Random {
 public:
  void Fill(void* buf, size_t n) override {
    auto* p = static_cast<unsigned char*>(buf);
    for (size_t i = 0; i < n; ++i) p[i] = static_cast<unsigned char>(next_++);
  }

 private:
  unsigned next_ = 0;
};

constexpr const char* kIndicator = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f";
constexpr const char* kOther = "indicator--0b1d2a6e-52f6-4b6b-9f0e-3c2f4d5e6a7b";
const int64_t kHour = int64_t{3600} * 1'000'000;
const int64_t kT0 = ParseTimestamp("2026-12-02T10:00:00Z")->micros;

SightingOrganisation Org() {
  return {"identity--0a000000-0000-4000-8000-000000000001", "energy", "de"};
}

// The sightings of a Flush, without the location (and identity) objects they refer to.
std::vector<json::object> Sightings(std::vector<json::object> objects) {
  std::erase_if(objects, [](const json::object& o) { return o.at("type") != "sighting"; });
  return objects;
}

void ExpectValid(const std::vector<json::object>& objects) {
  for (const json::object& o : objects) {
    auto findings = stix::ValidateObject(o);
    EXPECT_TRUE(findings.empty()) << json::serialize(o) << ": " << findings.front().rule << " at "
                                  << findings.front().property;
  }
}

// Hits of one indicator within one window make one sighting: count, first_seen and
// last_seen follow the events' own times (§5.2: first_seen/last_seen, count).
TEST(Aggregator, HitsInOneWindowMakeOneSighting) {
  CountingRandom random;
  Aggregator agg(Org(), {}, random);
  agg.Add(kIndicator, kT0 + 5'000'000);
  agg.Add(kIndicator, kT0 + 1'000'000);  // out of order: first_seen moves back
  agg.Add(kIndicator, kT0 + 9'000'000);
  std::vector<json::object> all = agg.Flush(kT0 + 10'000'000);
  ASSERT_EQ(all.size(), 2u);  // the location of the organisation's country, then the sighting
  EXPECT_EQ(all[0].at("type"), "location");
  EXPECT_EQ(all[0].at("country"), "DE");
  ExpectValid(all);
  std::vector<json::object> out = Sightings(all);
  const json::object& s = out.at(0);
  EXPECT_EQ(s.at("type"), "sighting");
  EXPECT_EQ(s.at("sighting_of_ref"), kIndicator);
  EXPECT_EQ(s.at("count").to_number<int64_t>(), 3);
  EXPECT_EQ(s.at("first_seen"), "2026-12-02T10:00:01.000000Z");
  EXPECT_EQ(s.at("last_seen"), "2026-12-02T10:00:09.000000Z");
  EXPECT_EQ(s.at("created"), s.at("modified"));
  EXPECT_EQ(s.at("where_sighted_refs"),
            (json::array{json::string(Org().identity_id), all[0].at("id")}));
  EXPECT_EQ(s.at("created_by_ref").as_string(), Org().identity_id);
  EXPECT_FALSE(s.contains("observed_data_refs"));  // raw telemetry never leaves
  ExpectValid(out);
  EXPECT_TRUE(agg.Flush(kT0 + 11'000'000).empty());  // nothing changed
}

// A sighting is labelled for the way back (docs/sharing-rules.md): TLP:AMBER by default,
// shared with the indicator's creator, which the read and egress gates read like any
// object's labels.
TEST(Aggregator, LabelledForTheIndicatorsCreator) {
  CountingRandom random;
  Aggregator agg(Org(), {}, random);
  const std::string creator = "identity--7f6e5d4c-3b2a-4190-8f7e-6d5c4b3a2918";
  agg.Add(kIndicator, kT0, creator);
  std::vector<json::object> out = Sightings(agg.Flush(kT0 + 1000));
  ASSERT_EQ(out.size(), 1u);
  ExpectValid(out);
  policy::Labels labels = policy::LabelObject(out[0], policy::Tlp::kClear, "sensor-org");
  EXPECT_EQ(labels.tlp, policy::Tlp::kAmber);
  EXPECT_EQ(labels.audience.recipients, std::vector<std::string>{creator});
  agg.Add(kOther, kT0);  // an indicator without a creator: no audience
  out = agg.Flush(kT0 + 2000);
  EXPECT_TRUE(policy::LabelObject(out.at(0), policy::Tlp::kClear, "x").audience.empty());
}

// Later hits give a new version of the same object (§3.6: same id, later modified; created
// unchanged), even when flushed within the same millisecond.
TEST(Aggregator, LaterHitsAreNewVersionsOfTheSameSighting) {
  CountingRandom random;
  Aggregator agg(Org(), {}, random);
  agg.Add(kIndicator, kT0);
  json::object v1 = Sightings(agg.Flush(kT0 + 1000)).at(0);
  agg.Add(kIndicator, kT0 + 2'000'000);
  json::object v2 = agg.Flush(kT0 + 1000).at(0);  // the same instant
  EXPECT_EQ(v1.at("id"), v2.at("id"));
  EXPECT_EQ(v1.at("created"), v2.at("created"));
  EXPECT_LT(ParseTimestamp(v1.at("modified").as_string())->micros,
            ParseTimestamp(v2.at("modified").as_string())->micros);
  EXPECT_EQ(v2.at("count").to_number<int64_t>(), 2);
  ExpectValid({v1, v2});
}

// One sighting per (indicator, window): another indicator or another hour is another
// object, with an id of its own.
TEST(Aggregator, OneSightingPerIndicatorAndWindow) {
  CountingRandom random;
  Aggregator agg(Org(), {}, random);
  agg.Add(kIndicator, kT0);
  agg.Add(kIndicator, kT0 + kHour);
  agg.Add(kOther, kT0);
  std::vector<json::object> out = Sightings(agg.Flush(kT0 + 2 * kHour));
  ASSERT_EQ(out.size(), 3u);
  std::set<std::string> ids;
  for (const auto& s : out) ids.insert(std::string(s.at("id").as_string()));
  EXPECT_EQ(ids.size(), 3u);
  ExpectValid(out);
}

// Flush and SaveState give the windows in one order whatever order the hits came in: by
// indicator id, then window start (the order a sensor's checkpoints and sightings have
// always had; the hash table that finds a hit's window must not change it).
TEST(Aggregator, FlushAndSavedStateInIndicatorThenWindowOrder) {
  std::vector<std::pair<std::string, int64_t>> hits;
  for (int i = 0; i < 40; ++i) {
    char id[64];
    std::snprintf(id, sizeof id, "indicator--%08x-0000-4000-8000-000000000000",
                  static_cast<unsigned>((i * 2654435761u) % 1000003u));
    for (int h = 0; h < 3; ++h) hits.emplace_back(id, kT0 + ((i + h * 7) % 5) * kHour + i);
  }
  std::sort(hits.begin(), hits.end(), [](const auto& a, const auto& b) {
    return (a.second * 31 + a.first[12]) % 97 < (b.second * 31 + b.first[12]) % 97;
  });  // an order unrelated to the keys
  CountingRandom random;
  Aggregator agg(Org(), {}, random);
  for (const auto& [id, t] : hits) agg.Add(id, t);
  std::vector<std::pair<std::string, std::string>> flushed;  // (indicator, first_seen)
  for (const json::object& o : Sightings(agg.Flush(kT0 + 6 * kHour))) {
    flushed.emplace_back(std::string(o.at("sighting_of_ref").as_string()),
                         std::string(o.at("first_seen").as_string()));
  }
  ASSERT_EQ(flushed.size(), agg.open_windows());
  EXPECT_TRUE(std::is_sorted(flushed.begin(), flushed.end()));
  json::object state = agg.SaveState();
  std::vector<std::pair<std::string, int64_t>> saved;
  for (const json::value& w : state.at("windows").as_array()) {
    saved.emplace_back(std::string(w.at("indicator").as_string()), w.at("start").as_int64());
  }
  ASSERT_EQ(saved.size(), flushed.size());
  EXPECT_TRUE(std::is_sorted(saved.begin(), saved.end()));
  // Only what changed since is flushed again, in the same order.
  agg.Add(hits[5].first, hits[5].second);
  agg.Add(hits[0].first, hits[0].second);
  std::vector<json::object> again = Sightings(agg.Flush(kT0 + 7 * kHour));
  ASSERT_EQ(again.size(), 2u);
  EXPECT_LE(std::string(again[0].at("sighting_of_ref").as_string()),
            std::string(again[1].at("sighting_of_ref").as_string()));
}

// Anonymised: the sighting names only a sector and a country, through objects whose ids
// come from sector and country alone, and nothing in what leaves names the organisation.
TEST(Aggregator, SectorAndCountryNameNoOrganisation) {
  CountingRandom random;
  AggregatorOptions options;
  options.where = WhereSighted::kSectorAndCountry;
  Aggregator agg(Org(), options, random);
  agg.Add(kIndicator, kT0);
  agg.Add(kOther, kT0);
  std::vector<json::object> out = agg.Flush(kT0 + 1000);
  ASSERT_EQ(out.size(), 4u);  // identity and location first, once
  EXPECT_EQ(out[0].at("type"), "identity");
  EXPECT_EQ(out[1].at("type"), "location");
  EXPECT_EQ(out[1].at("country"), "DE");
  ExpectValid(out);
  for (const auto& o : out) {
    EXPECT_EQ(json::serialize(o).find(Org().identity_id), std::string::npos) << json::serialize(o);
  }
  EXPECT_FALSE(out[2].contains("created_by_ref"));
  const json::array& refs = out[2].at("where_sighted_refs").as_array();
  EXPECT_EQ(refs.at(0), out[0].at("id"));
  EXPECT_EQ(refs.at(1), out[1].at("id"));
  // Another organisation of the same sector and country names the same objects.
  EXPECT_EQ(SectorIdentity("energy", "DE").at("id"), out[0].at("id"));
  EXPECT_NE(SectorIdentity("finance", "DE").at("id"), out[0].at("id"));
  agg.Add(kIndicator, kT0 + 5);
  EXPECT_EQ(agg.Flush(kT0 + 2000).size(), 1u);  // not sent again
}

TEST(Aggregator, NothingNamesNobody) {
  CountingRandom random;
  AggregatorOptions options;
  options.where = WhereSighted::kNothing;
  Aggregator agg(Org(), options, random);
  agg.Add(kIndicator, kT0);
  std::vector<json::object> out = agg.Flush(kT0 + 1000);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(out[0].contains("where_sighted_refs"));
  EXPECT_FALSE(out[0].contains("created_by_ref"));
  ExpectValid(out);
}

// Memory is bounded: windows that closed more than keep_us ago go, and a hit for one of
// them is counted as late rather than restarting its count.
TEST(Aggregator, ExpiredWindowsAreForgottenAndLateHitsCounted) {
  CountingRandom random;
  AggregatorOptions options;
  options.keep_us = 2 * kHour;
  Aggregator agg(Org(), options, random);
  agg.Add(kIndicator, kT0);
  agg.Add(kIndicator, kT0 + 3 * kHour);
  (void)agg.Flush(kT0 + 3 * kHour);
  agg.Expire(kT0 + 4 * kHour);
  EXPECT_EQ(agg.open_windows(), 1u);
  agg.Add(kIndicator, kT0 + 60'000'000);
  EXPECT_EQ(agg.late_hits(), 1u);
  EXPECT_TRUE(agg.Flush(kT0 + 4 * kHour).empty());
  agg.Add(kIndicator, kT0 + 3 * kHour + 1);  // the open window still counts
  EXPECT_EQ(agg.Flush(kT0 + 4 * kHour).at(0).at("count").to_number<int64_t>(), 2);
}

// After its first version, a busy sighting gets a new one at most every update_every_us;
// Flush(all) gives the changes held back.
TEST(Aggregator, UpdatesAreRateLimited) {
  CountingRandom random;
  AggregatorOptions options;
  options.update_every_us = 10'000'000;
  Aggregator agg(Org(), options, random);
  agg.Add(kIndicator, kT0);
  ASSERT_EQ(Sightings(agg.Flush(kT0 + 1000)).size(), 1u);  // the first version at once
  agg.Add(kIndicator, kT0 + 2'000'000);
  EXPECT_TRUE(agg.Flush(kT0 + 3'000'000).empty());  // held back
  agg.Add(kOther, kT0 + 3'000'000);                 // a new sighting is not
  EXPECT_EQ(Sightings(agg.Flush(kT0 + 4'000'000)).at(0).at("sighting_of_ref"), kOther);
  std::vector<json::object> later = Sightings(agg.Flush(kT0 + 10'001'000));
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(later[0].at("count").to_number<int64_t>(), 2);
  agg.Add(kIndicator, kT0 + 11'000'000);
  EXPECT_EQ(Sightings(agg.Flush(kT0 + 12'000'000, /*all=*/true)).at(0).at("count"), 3);
}

// A sensor that saves its state after some hits and restores it in a new process ends with
// the same sightings (ids, counts, times, versions) as one that never stopped: hits are
// neither lost nor counted twice across a restart.
TEST(Aggregator, SavedStateResumesExactly) {
  std::vector<std::pair<const char*, int64_t>> hits;
  for (int i = 0; i < 40; ++i) {
    hits.emplace_back(i % 3 == 0 ? kOther : kIndicator, kT0 + i * (kHour / 7));
  }
  for (size_t cut = 0; cut <= hits.size(); cut += 5) {
    CountingRandom r1, r2;
    Aggregator straight(Org(), {}, r1);
    Aggregator first(Org(), {}, r2);
    std::vector<json::object> a, b;
    for (size_t i = 0; i < hits.size(); ++i) {
      straight.Add(hits[i].first, hits[i].second);
      if (i % 5 == 4) {
        for (auto& o : straight.Flush(kT0 + int64_t(i) * 1000)) a.push_back(std::move(o));
      }
      if (i < cut) {
        first.Add(hits[i].first, hits[i].second);
        if (i % 5 == 4) {
          for (auto& o : first.Flush(kT0 + int64_t(i) * 1000)) b.push_back(std::move(o));
        }
      }
    }
    // Through text, as the sensor stores it.
    const std::string saved = json::serialize(first.SaveState());
    CountingRandom r3;
    for (int i = 0; i < 1000; ++i) {  // the restarted process draws other random bytes
      char sink;
      r3.Fill(&sink, 1);
    }
    Aggregator second(Org(), {}, r3);
    ASSERT_TRUE(second.RestoreState(json::parse(saved).as_object()).ok());
    for (size_t i = cut; i < hits.size(); ++i) {
      second.Add(hits[i].first, hits[i].second);
      if (i % 5 == 4) {
        for (auto& o : second.Flush(kT0 + int64_t(i) * 1000)) b.push_back(std::move(o));
      }
    }
    for (auto& o : straight.Flush(kT0 + kHour * 10, true)) a.push_back(std::move(o));
    for (auto& o : second.Flush(kT0 + kHour * 10, true)) b.push_back(std::move(o));
    // The sightings may carry other ids when a window opened after the restart; compare
    // everything else.
    auto strip = [](std::vector<json::object> v) {
      v = Sightings(std::move(v));
      for (auto& o : v) o.erase("id");
      return v;
    };
    EXPECT_EQ(strip(a), strip(b)) << "restart after " << cut << " hits";
  }
}

TEST(Aggregator, RestoreStateRefusesMalformedState) {
  Aggregator agg(Org(), {});
  EXPECT_FALSE(agg.RestoreState(json::object{}).ok());
  EXPECT_FALSE(agg.RestoreState(json::parse(R"({"windows":[{"indicator":1}],"forgotten_before":0,
      "late_hits":0,"where_objects_sent":false})")
                                    .as_object())
                   .ok());
  json::object good = agg.SaveState();
  EXPECT_TRUE(agg.RestoreState(good).ok());
}

TEST(Aggregator, WhereSightedNames) {
  for (WhereSighted w :
       {WhereSighted::kOrganisation, WhereSighted::kSectorAndCountry, WhereSighted::kNothing}) {
    WhereSighted back;
    ASSERT_TRUE(ParseWhereSighted(WhereSightedName(w), &back));
    EXPECT_EQ(back, w);
  }
  WhereSighted back;
  EXPECT_FALSE(ParseWhereSighted("country", &back));
}

}  // namespace
}  // namespace entente::sightings
