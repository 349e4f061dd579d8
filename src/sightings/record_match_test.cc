// record_match.h: a telemetry record's observables as STIX 2.1 SCOs (section 6) and the
// indicators they match, answered without JSON as the index answers for the JSON array.
#include "sightings/record_match.h"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <random>
#include <set>
#include <string>

namespace entente::sightings {
namespace {

using telemetry::ObservableKind;

telemetry::Record RecordOf(std::vector<std::pair<ObservableKind, std::string>> values) {
  telemetry::Record r;
  for (auto& [kind, value] : values) r.Add(kind, "test").value = value;
  return r;
}

TEST(RecordMatchTest, EachKindIsTheScoItStandsFor) {
  // STIX 2.1 section 6: ipv4-addr, ipv6-addr, domain-name, url, email-addr carry `value`;
  // file and x509-certificate carry `hashes` keyed by hashing-algorithm-ov names.
  telemetry::Record r = RecordOf({{ObservableKind::kIpv4, "192.0.2.1"},
                                  {ObservableKind::kIpv6, "2001:db8::1"},
                                  {ObservableKind::kDomain, "example.org"},
                                  {ObservableKind::kUrl, "http://example.org/"},
                                  {ObservableKind::kEmail, "a@example.org"},
                                  {ObservableKind::kMd5, "m"},
                                  {ObservableKind::kSha1, "s1"},
                                  {ObservableKind::kSha256, "s256"},
                                  {ObservableKind::kX509Sha1, "x1"},
                                  {ObservableKind::kX509Sha256, "x256"}});
  EXPECT_EQ(boost::json::serialize(RecordJson(r)),
            R"([{"type":"ipv4-addr","value":"192.0.2.1"},)"
            R"({"type":"ipv6-addr","value":"2001:db8::1"},)"
            R"({"type":"domain-name","value":"example.org"},)"
            R"({"type":"url","value":"http://example.org/"},)"
            R"({"type":"email-addr","value":"a@example.org"},)"
            R"({"type":"file","hashes":{"MD5":"m"}},)"
            R"({"type":"file","hashes":{"SHA-1":"s1"}},)"
            R"({"type":"file","hashes":{"SHA-256":"s256"}},)"
            R"({"type":"x509-certificate","hashes":{"SHA-1":"x1"}},)"
            R"({"type":"x509-certificate","hashes":{"SHA-256":"x256"}}])");
}

class RecordMatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(index_
                    .Add({{"indicator--b-ip", "[ipv4-addr:value = '198.51.100.7']"},
                          {"indicator--a-net", "[ipv4-addr:value ISSUBSET '198.51.100.0/24']"},
                          {"indicator--c-dom",
                           "[domain-name:value = 'evil.example' OR "
                           "url:value LIKE 'http://evil.example/%']"},
                          {"indicator--d-both",
                           "[domain-name:value = 'evil.example'] AND "
                           "[file:hashes.'SHA-256' = '" +
                               std::string(64, 'a') + "']"},
                          {"indicator--e-cert",
                           "[x509-certificate:hashes.'SHA-1' = '" + std::string(40, 'b') + "']"}})
                    .ok());
  }
  // What MatchRecord reports for the record's JSON: the ids, once each.
  std::set<std::string> Reference(const telemetry::Record& r) {
    std::vector<pattern::index::Hit> hits;
    index_.snapshot()->MatchRecord(RecordJson(r), &hits);
    std::set<std::string> ids;
    for (const auto& h : hits) ids.insert(std::string(h.indicator));
    return ids;
  }
  pattern::index::IndicatorIndex index_;
};

TEST_F(RecordMatcherTest, EachIndicatorOnceSortedAsTheJsonPathSays) {
  telemetry::Record r = RecordOf({{ObservableKind::kIpv4, "198.51.100.7"},
                                  {ObservableKind::kIpv4, "198.51.100.8"},
                                  {ObservableKind::kDomain, "evil.example"},
                                  {ObservableKind::kUrl, "http://evil.example/x"},
                                  {ObservableKind::kSha256, std::string(64, 'a')},
                                  {ObservableKind::kX509Sha1, std::string(40, 'b')}});
  RecordMatcher m;
  std::vector<std::string_view> ids{"stale"};
  m.Match(*index_.snapshot(), r, &ids);
  EXPECT_EQ(
      ids, (std::vector<std::string_view>{"indicator--a-net", "indicator--b-ip", "indicator--c-dom",
                                          "indicator--d-both", "indicator--e-cert"}));
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()), Reference(r));

  // Only observables [0, count) belong to the record (a reused Record keeps old ones).
  r.Clear();
  r.Add(ObservableKind::kIpv4, "test").value = "203.0.113.1";
  m.Match(*index_.snapshot(), r, &ids);
  EXPECT_TRUE(ids.empty());
  EXPECT_TRUE(Reference(r).empty());
}

TEST_F(RecordMatcherTest, BatchAnswersAsOneRecordAtATime) {
  std::vector<telemetry::Record> records;
  records.push_back(RecordOf({{ObservableKind::kDomain, "evil.example"}}));
  records.push_back(RecordOf({}));
  records.push_back(RecordOf({{ObservableKind::kSha256, std::string(64, 'a')},
                              {ObservableKind::kDomain, "evil.example"},
                              {ObservableKind::kIpv4, "198.51.100.7"}}));
  records.push_back(RecordOf({{ObservableKind::kX509Sha1, std::string(40, 'b')}}));
  std::vector<const telemetry::Record*> ptrs;
  for (const auto& r : records) ptrs.push_back(&r);
  RecordMatcher m;
  std::vector<RecordHit> hits;
  m.MatchBatch(*index_.snapshot(), ptrs, &hits);
  std::vector<RecordHit> want;
  for (size_t i = 0; i < records.size(); ++i) {
    std::vector<std::string_view> ids;
    m.Match(*index_.snapshot(), records[i], &ids);
    for (std::string_view id : ids) want.push_back(RecordHit{i, id});
  }
  EXPECT_EQ(hits, want);
  EXPECT_EQ(want.size(), 6u);  // c-dom; d-both, a-net, b-ip, c-dom; e-cert
}

// Match remembers values that gave a snapshot nothing to do; its answers (ids and
// counters) must be those of MatchUncached for every record, including after the
// snapshot changes under it (an indicator added for a value it remembered as quiet, one
// removed) and when it is handed an older snapshot again.
TEST_F(RecordMatcherTest, RememberingQuietValuesChangesNoAnswer) {
  ASSERT_TRUE(index_
                  .Add({{"indicator--f-gated", "[email-addr:value != 'ok@example.org']"},
                        {"indicator--g-re", "[url:value MATCHES '^http://x[0-9]+\\.example/']"},
                        {"indicator--h-v6", "[ipv6-addr:value = '2001:db8::7']"}})
                  .ok());
  const std::vector<std::pair<ObservableKind, std::string>> pool = {
      {ObservableKind::kIpv4, "198.51.100.7"},
      {ObservableKind::kIpv4, "198.51.100.99"},
      {ObservableKind::kIpv4, "203.0.113.1"},
      {ObservableKind::kIpv4, "203.0.113.2"},
      {ObservableKind::kIpv4, "10.0.0.1"},
      {ObservableKind::kIpv6, "2001:db8::7"},
      {ObservableKind::kIpv6, "2001:db8::8"},
      {ObservableKind::kDomain, "evil.example"},
      {ObservableKind::kDomain, "good.example"},
      {ObservableKind::kDomain, "other.example"},
      {ObservableKind::kUrl, "http://evil.example/a"},
      {ObservableKind::kUrl, "http://x12.example/"},
      {ObservableKind::kUrl, "http://good.example/"},
      {ObservableKind::kUrl, "http://good.example/" + std::string(80, 'p')},  // too long to keep
      {ObservableKind::kEmail, "ok@example.org"},
      {ObservableKind::kSha256, std::string(64, 'a')},
      {ObservableKind::kSha256, std::string(64, 'c')},
      {ObservableKind::kSha1, std::string(40, 'b')},  // a file's, not the certificate's
      {ObservableKind::kX509Sha1, std::string(40, 'b')},
      {ObservableKind::kX509Sha256, std::string(64, 'd')}};
  std::mt19937 rng(14);
  auto make = [&] {
    telemetry::Record r;
    size_t n = rng() % 4;  // 0..3 observables
    for (size_t i = 0; i < n; ++i) {
      const auto& [kind, value] = pool[rng() % pool.size()];
      r.Add(kind, "test").value = value;
    }
    return r;
  };
  RecordMatcher cached, reference, batched;
  size_t with_hits = 0, without = 0;
  auto check = [&](const pattern::index::IndexSnapshot& snap, int rounds) {
    // Batches of 1 to 12 records, with the memory, against the uncached answers one by one.
    for (int done = 0; done < rounds;) {
      std::vector<telemetry::Record> batch(1 + rng() % 12);
      for (telemetry::Record& r : batch) r = make();
      std::vector<const telemetry::Record*> ptrs;
      for (const telemetry::Record& r : batch) ptrs.push_back(&r);
      std::vector<RecordHit> got;
      batched.MatchBatch(snap, ptrs, &got);
      std::vector<RecordHit> want;
      for (size_t k = 0; k < batch.size(); ++k) {
        std::vector<std::string_view> ids;
        reference.MatchUncached(snap, batch[k], &ids);
        for (std::string_view id : ids) want.push_back(RecordHit{k, id});
      }
      ASSERT_EQ(got.size(), want.size());
      for (size_t k = 0; k < got.size(); ++k) {
        EXPECT_EQ(got[k].record, want[k].record);
        EXPECT_EQ(got[k].indicator, want[k].indicator);
      }
      done += static_cast<int>(batch.size());
    }
    for (int i = 0; i < rounds; ++i) {
      telemetry::Record r = make();
      std::vector<std::string_view> got, want;
      pattern::index::MatchCounters cg, cw;
      cached.Match(snap, r, &got, &cg);
      reference.MatchUncached(snap, r, &want, &cw);
      ASSERT_EQ(got, want) << boost::json::serialize(RecordJson(r));
      EXPECT_EQ(cg.records, cw.records);
      EXPECT_EQ(cg.observations, cw.observations);
      EXPECT_EQ(cg.fast_hits, cw.fast_hits);
      EXPECT_EQ(cg.evaluations, cw.evaluations);
      EXPECT_EQ(cg.evaluated_hits, cw.evaluated_hits);
      (got.empty() ? without : with_hits) += 1;
    }
  };
  std::shared_ptr<const pattern::index::IndexSnapshot> first = index_.snapshot();
  check(*first, 3000);
  // Values the matcher now remembers as quiet become indicators' values.
  ASSERT_TRUE(index_
                  .Add({{"indicator--i-good", "[domain-name:value = 'good.example']"},
                        {"indicator--j-net", "[ipv4-addr:value ISSUBSET '203.0.113.0/30']"},
                        {"indicator--k-like", "[url:value LIKE 'http://good.example/%']"}})
                  .ok());
  std::shared_ptr<const pattern::index::IndexSnapshot> second = index_.snapshot();
  check(*second, 3000);
  ASSERT_TRUE(index_.Remove({"indicator--b-ip", "indicator--i-good"}).ok());
  std::shared_ptr<const pattern::index::IndexSnapshot> third = index_.snapshot();
  check(*third, 3000);
  check(*first, 1000);  // an older snapshot again
  check(*second, 1000);
  EXPECT_GT(with_hits, 1000u);
  EXPECT_GT(without, 1000u);
}

}  // namespace
}  // namespace entente::sightings
