// record_match.h: a telemetry record's observables as STIX 2.1 SCOs (section 6) and the
// indicators they match, answered without JSON as the index answers for the JSON array.
#include "sightings/record_match.h"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
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

}  // namespace
}  // namespace entente::sightings
