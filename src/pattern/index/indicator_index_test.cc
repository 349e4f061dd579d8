#include "pattern/index/indicator_index.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "pattern/like.h"
#include "pattern/matcher.h"
#include "pattern/parser.h"

namespace entente::pattern::index {
namespace {

std::set<std::string> HitIds(const IndexSnapshot& snap, const boost::json::value& record) {
  std::vector<Hit> hits;
  snap.MatchRecord(record, &hits);
  std::set<std::string> ids;
  for (const Hit& h : hits) ids.insert(std::string(h.indicator));
  return ids;
}

boost::json::value Sco(std::string_view type, std::string_view value) {
  return boost::json::value{{"type", type}, {"value", value}};
}

TEST(IndicatorIndexTest, SimpleIndicatorsHitWithTheirObservation) {
  IndicatorIndex index;
  std::vector<std::pair<std::string, Status>> rejected;
  ASSERT_TRUE(index
                  .Add({{"indicator--ip", "[ipv4-addr:value = '198.51.100.7']"},
                        {"indicator--net", "[ipv4-addr:value ISSUBSET '198.51.100.0/24']"},
                        {"indicator--dom", "[domain-name:value = 'evil.example']"},
                        {"indicator--url", "[url:value LIKE 'http://evil.example/%']"},
                        {"indicator--bad", "[ipv4-addr:value = "}},
                       &rejected)
                  .ok());
  ASSERT_EQ(rejected.size(), 1u);
  EXPECT_EQ(rejected[0].first, "indicator--bad");
  auto snap = index.snapshot();
  EXPECT_EQ(snap->size(), 4u);
  auto record = boost::json::parse(R"({"type":"bundle","id":"bundle--1","objects":[
    {"type":"observed-data","id":"observed-data--a","object_refs":["ipv4-addr--1"]},
    {"type":"ipv4-addr","id":"ipv4-addr--1","value":"198.51.100.7"},
    {"type":"observed-data","id":"observed-data--b","object_refs":["url--1"]},
    {"type":"url","id":"url--1","value":"http://evil.example/gate.php"}]})");
  std::vector<Hit> hits;
  snap->MatchRecord(record, &hits);
  std::set<std::pair<std::string, std::string>> got;
  for (const Hit& h : hits) got.insert({std::string(h.indicator), std::string(h.observation_id)});
  EXPECT_EQ(
      got, (std::set<std::pair<std::string, std::string>>{{"indicator--ip", "observed-data--a"},
                                                          {"indicator--net", "observed-data--a"},
                                                          {"indicator--url", "observed-data--b"}}));
  EXPECT_TRUE(HitIds(*snap, Sco("domain-name", "good.example")).empty());
  EXPECT_EQ(HitIds(*snap, Sco("domain-name", "evil.example")),
            std::set<std::string>{"indicator--dom"});
}

// STIX 2.1 section 9.4: string comparisons are made after NFC normalisation of both
// sides. The fast path (hash table, Hyperscan literals and expressions) must find "é"
// written as U+00E9 in a pattern in data holding "e" + U+0301, and the other way round.
TEST(IndicatorIndexTest, FastPathComparesStringsInNfc) {
  IndicatorIndex index;
  ASSERT_TRUE(index
                  .Add({{"i--eq-composed", "[file:name = 'caf\xC3\xA9.exe']"},
                        {"i--eq-decomposed", "[file:name = 'cafe\xCC\x81.exe']"},
                        {"i--in", "[file:name IN ('x', 'cafe\xCC\x81.exe')]"},
                        {"i--like", "[file:name LIKE 'caf\xC3\xA9%']"},
                        {"i--like-one", "[file:name LIKE 'caf_.exe']"},
                        {"i--matches", "[file:name MATCHES '^cafe\xCC\x81\\\\.']"},
                        {"i--other", "[file:name = 'cafe.exe']"}})
                  .ok());
  auto snap = index.snapshot();
  const std::set<std::string> all = {"i--eq-composed", "i--eq-decomposed", "i--in",
                                     "i--like",        "i--like-one",      "i--matches"};
  boost::json::value composed{{"type", "file"}, {"name", "caf\xC3\xA9.exe"}};
  boost::json::value decomposed{{"type", "file"}, {"name", "cafe\xCC\x81.exe"}};
  EXPECT_EQ(HitIds(*snap, composed), all);
  EXPECT_EQ(HitIds(*snap, decomposed), all);
  // Batched scans (several values per Hyperscan call) normalise too.
  std::vector<const boost::json::value*> batch = {&composed, &decomposed, &composed};
  std::vector<Hit> hits;
  snap->MatchBatch(batch, &hits);
  EXPECT_EQ(hits.size(), 3 * all.size());
  // NFC can turn text that is not ASCII into ASCII: U+212A KELVIN SIGN is "K".
  ASSERT_TRUE(index.Add({{"i--k", "[file:name = 'Kilo.exe']"}}).ok());
  EXPECT_EQ(HitIds(*index.snapshot(),
                   boost::json::value{{"type", "file"}, {"name", "\xE2\x84\xAAilo.exe"}}),
            std::set<std::string>{"i--k"});
}

TEST(IndicatorIndexTest, ReplaceAndRemoveAcrossBaseAndDelta) {
  IndexOptions opts;
  opts.min_delta = 2;  // the third addition merges into the base
  IndicatorIndex index(opts);
  ASSERT_TRUE(index
                  .Add({{"i--1", "[domain-name:value = 'a.example']"},
                        {"i--2", "[domain-name:value = 'b.example']"},
                        {"i--3", "[domain-name:value = 'c.example']"}})
                  .ok());
  ASSERT_TRUE(index.Add({{"i--4", "[domain-name:value = 'd.example']"}}).ok());  // delta
  auto before = index.snapshot();
  EXPECT_EQ(before->GetStats().base.indicators, 3u);
  EXPECT_EQ(before->GetStats().delta.indicators, 1u);
  // Replace i--1 (in the base) and i--4 (in the delta); remove i--2.
  ASSERT_TRUE(index
                  .Add({{"i--1", "[domain-name:value = 'z.example']"},
                        {"i--4", "[domain-name:value = 'y.example']"}})
                  .ok());
  ASSERT_TRUE(index.Remove({"i--2", "i--unknown"}).ok());
  auto after = index.snapshot();
  EXPECT_EQ(after->size(), 3u);
  EXPECT_TRUE(HitIds(*after, Sco("domain-name", "a.example")).empty());
  EXPECT_EQ(HitIds(*after, Sco("domain-name", "z.example")), std::set<std::string>{"i--1"});
  EXPECT_TRUE(HitIds(*after, Sco("domain-name", "b.example")).empty());
  EXPECT_TRUE(HitIds(*after, Sco("domain-name", "d.example")).empty());
  EXPECT_EQ(HitIds(*after, Sco("domain-name", "y.example")), std::set<std::string>{"i--4"});
  EXPECT_EQ(HitIds(*after, Sco("domain-name", "c.example")), std::set<std::string>{"i--3"});
  // The old snapshot still answers with what it was taken with.
  EXPECT_EQ(HitIds(*before, Sco("domain-name", "a.example")), std::set<std::string>{"i--1"});
  EXPECT_EQ(HitIds(*before, Sco("domain-name", "b.example")), std::set<std::string>{"i--2"});
}

TEST(IndicatorIndexTest, LastOneWinsInALargeBatch) {
  IndexOptions opts;
  opts.min_delta = 2;  // every batch below is merged straight into the base
  IndicatorIndex index(opts);
  ASSERT_TRUE(index
                  .Add({{"i--1", "[domain-name:value = 'a.example']"},
                        {"i--2", "[domain-name:value = 'b.example']"},
                        {"i--1", "[domain-name:value = 'c.example']"}})
                  .ok());
  auto snap = index.snapshot();
  EXPECT_EQ(snap->size(), 2u);
  EXPECT_TRUE(HitIds(*snap, Sco("domain-name", "a.example")).empty());
  EXPECT_EQ(HitIds(*snap, Sco("domain-name", "c.example")), std::set<std::string>{"i--1"});
  // A second large batch replaces base indicators and repeats an id of its own.
  ASSERT_TRUE(index
                  .Add({{"i--2", "[domain-name:value = 'd.example']"},
                        {"i--3", "[domain-name:value = 'e.example']"},
                        {"i--3", "[domain-name:value = 'f.example']"},
                        {"i--4", "[domain-name:value = 'f.example']"}})
                  .ok());
  snap = index.snapshot();
  EXPECT_EQ(snap->size(), 4u);
  EXPECT_TRUE(HitIds(*snap, Sco("domain-name", "b.example")).empty());
  EXPECT_TRUE(HitIds(*snap, Sco("domain-name", "e.example")).empty());
  EXPECT_EQ(HitIds(*snap, Sco("domain-name", "d.example")), std::set<std::string>{"i--2"});
  EXPECT_EQ(HitIds(*snap, Sco("domain-name", "f.example")),
            (std::set<std::string>{"i--3", "i--4"}));
  EXPECT_EQ(HitIds(*snap, Sco("domain-name", "c.example")), std::set<std::string>{"i--1"});
}

// ---- Equivalence with per-pattern evaluation on random inputs ----

class Gen {
 public:
  explicit Gen(uint64_t seed) : rng_(seed) {}
  size_t Pick(size_t n) { return rng_() % n; }
  template <typename T>
  const T& One(const std::vector<T>& v) {
    return v[Pick(v.size())];
  }

  std::string Ip() { return "10.0." + std::to_string(Pick(3)) + "." + std::to_string(Pick(6)); }
  std::string Cidr() {
    switch (Pick(4)) {
      case 0:
        return "10.0.0.0/8";
      case 1:
        return "10.0." + std::to_string(Pick(3)) + ".0/24";
      case 2:
        return "10.0." + std::to_string(Pick(3)) + "." + std::to_string(Pick(6)) + "/32";
      default:
        return "10.0." + std::to_string(Pick(3)) + ".4/30";
    }
  }
  std::string Domain() { return One(domains_); }
  std::string Url() { return "http://" + Domain() + One(paths_); }
  std::string Name() { return One(names_); }
  std::string Md5() { return std::string(32, "0123456789abcdef"[Pick(4)]); }

  // A leaf comparison as pattern text.
  std::string Comparison() {
    switch (Pick(11)) {
      case 0:
        return "ipv4-addr:value = '" + Ip() + "'";
      case 1:
        return "ipv4-addr:value ISSUBSET '" + Cidr() + "'";
      case 2:
        return "domain-name:value = '" + Domain() + "'";
      case 3:
        return "domain-name:value IN ('" + Domain() + "', '" + Domain() + "')";
      case 4:
        return "url:value = '" + Url() + "'";
      case 5:
        return "url:value LIKE '" + One(likes_) + "'";
      case 6:
        return "url:value MATCHES '" + One(regexes_) + "'";
      case 7:
        return "file:name = '" + Name() + "'";
      case 8:
        return "file:hashes.MD5 = '" + Md5() + "'";
      case 9:
        return "file:name LIKE '" + One(name_likes_) + "'";
      default:
        return "ipv6-addr:value ISSUBSET '2001:db8::/" + std::to_string(32 + Pick(3) * 48) + "'";
    }
  }
  std::string Gated() {
    switch (Pick(6)) {
      case 0:
        return "file:name NOT = '" + Name() + "'";
      case 1:
        return "domain-name:value != '" + Domain() + "'";
      case 2:
        return "file:size > " + std::to_string(Pick(100));
      case 3:
        return "url:value NOT LIKE '" + One(likes_) + "'";
      case 4:
        return "ipv4-addr:value ISSUPERSET '" + Ip() + "'";
      default:
        return "file:size = " + std::to_string(Pick(100));
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
    switch (Pick(8)) {
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

  boost::json::object RandomSco(int k) {
    boost::json::object o;
    switch (Pick(6)) {
      case 0:
        o["type"] = "ipv4-addr";
        o["value"] = Pick(5) == 0 ? Cidr() : Ip();
        break;
      case 1:
        o["type"] = "domain-name";
        o["value"] = Domain();
        break;
      case 2:
        o["type"] = "url";
        o["value"] = Url();
        break;
      case 3:
        o["type"] = "ipv6-addr";
        o["value"] = Pick(2) ? "2001:db8::1" : "2001:db9::1";
        break;
      default:
        o["type"] = "file";
        if (Pick(4) != 0) o["name"] = Name();
        if (Pick(2) == 0) o["hashes"] = boost::json::object{{"MD5", Md5()}};
        if (Pick(2) == 0) o["size"] = Pick(100);
        if (Pick(8) == 0) o["name"] = 7;  // wrong type: never equals a string
    }
    o["id"] = std::string(o["type"].as_string()) + "--" + std::to_string(k);
    return o;
  }

  boost::json::value Record() {
    size_t shape = Pick(6);
    if (shape == 0) return RandomSco(0);  // a bare SCO
    boost::json::array objects;
    size_t n_od = 1 + Pick(3);
    int k = 0;
    for (size_t d = 0; d < n_od; ++d) {
      boost::json::object od{{"type", "observed-data"},
                             {"id", "observed-data--" + std::to_string(d)},
                             {"number_observed", 1}};
      std::string t = "2024-01-01T00:0" + std::to_string(d) + ":00Z";
      od["first_observed"] = t;
      od["last_observed"] = t;
      size_t n_sco = 1 + Pick(3);
      if (shape == 1) {  // STIX 2.0 embedded objects
        boost::json::object embedded;
        for (size_t i = 0; i < n_sco; ++i) embedded[std::to_string(i)] = RandomSco(k++);
        od["objects"] = std::move(embedded);
      } else {
        boost::json::array refs;
        for (size_t i = 0; i < n_sco; ++i) {
          boost::json::object sco = RandomSco(k++);
          refs.push_back(sco["id"]);
          objects.push_back(std::move(sco));
        }
        od["object_refs"] = std::move(refs);
      }
      objects.push_back(std::move(od));
    }
    if (shape == 5) {  // SCOs only: each is its own observation
      boost::json::array scos;
      for (int i = 0; i < 3; ++i) scos.push_back(RandomSco(i));
      return scos;
    }
    return boost::json::object{{"type", "bundle"}, {"id", "bundle--1"}, {"objects", objects}};
  }

 private:
  std::mt19937_64 rng_;
  std::vector<std::string> domains_{"evil.example", "bad.example", "good.example", "x.test"};
  std::vector<std::string> paths_{"/", "/gate.php", "/a/b", "/GATE.PHP"};
  std::vector<std::string> names_{"a.exe", "b.dll", "report.pdf", "caf\xc3\xa9.txt"};
  // Literal LIKE tests (exact, prefix, suffix, contains, any, empty) and expressions.
  std::vector<std::string> likes_{"http://evil%",
                                  "%.php",
                                  "%/a/_",
                                  "http://_.test/",
                                  "%",
                                  "%gate%",
                                  "http://evil.example/gate.php",
                                  "%%",
                                  "",
                                  "%evil%.php"};
  std::vector<std::string> regexes_{"^http://(evil|bad)\\\\.", "gate\\\\.php$", "(?i)GATE", "b$",
                                    "/a/."};
  std::vector<std::string> name_likes_{"%.exe",   "caf_.txt", "_.dll",
                                       "report%", "a.exe",    "%\xc3\xa9%"};
};

struct Reference {
  std::string id;
  Matcher matcher;
};

void CheckEquivalence(uint64_t seed, bool confirm_simple) {
  Gen gen(seed);
  IndexOptions opts;
  opts.min_delta = 50;
  opts.confirm_simple = confirm_simple;
  IndicatorIndex index(opts);
  std::vector<IndicatorSpec> specs;
  for (int i = 0; i < 400; ++i) {
    specs.push_back({"indicator--" + std::to_string(i), gen.Pattern()});
  }
  // Base from the first 300, delta from the rest, then churn: remove and replace some.
  std::vector<IndicatorSpec> first(specs.begin(), specs.begin() + 300);
  std::vector<IndicatorSpec> rest(specs.begin() + 300, specs.end());
  std::vector<std::pair<std::string, Status>> rejected;
  ASSERT_TRUE(index.Add(first, &rejected).ok());
  ASSERT_TRUE(index.Add(rest, &rejected).ok());
  for (const auto& [id, st] : rejected) ADD_FAILURE() << id << ": " << st.ToString();
  std::map<std::string, std::string> live;
  for (const IndicatorSpec& sp : specs) live[sp.id] = sp.pattern;
  std::vector<std::string> removed;
  for (int i = 0; i < 400; i += 37) {
    removed.push_back(specs[i].id);
    live.erase(specs[i].id);
  }
  ASSERT_TRUE(index.Remove(removed).ok());
  for (int i = 5; i < 400; i += 41) {
    specs[i].pattern = gen.Pattern();
    live[specs[i].id] = specs[i].pattern;
    ASSERT_TRUE(index.Add({specs[i]}).ok());
  }
  std::vector<Reference> refs;
  for (const auto& [id, text] : live) {
    auto p = ParsePattern(text);
    ASSERT_TRUE(p.ok()) << text;
    auto m = Matcher::Compile(*p);
    ASSERT_TRUE(m.ok()) << text;
    refs.push_back({id, std::move(m).value()});
  }
  auto snap = index.snapshot();
  ASSERT_EQ(snap->size(), refs.size());
  size_t total_hits = 0;
  std::vector<boost::json::value> records;
  for (int r = 0; r < 400; ++r) records.push_back(gen.Record());
  // MatchBatch over batches of 1..64 records must answer as MatchRecord does.
  std::vector<std::set<std::string>> batched(records.size());
  for (size_t b = 0; b < records.size();) {
    size_t n = std::min(records.size() - b, 1 + gen.Pick(64));
    std::vector<const boost::json::value*> ptrs;
    for (size_t i = b; i < b + n; ++i) ptrs.push_back(&records[i]);
    std::vector<Hit> hits;
    snap->MatchBatch(ptrs, &hits);
    for (const Hit& h : hits) {
      ASSERT_LT(h.record, n);
      batched[b + h.record].insert(std::string(h.indicator));
    }
    b += n;
  }
  for (size_t r = 0; r < records.size(); ++r) {
    const boost::json::value& record = records[r];
    auto set = LoadObservations(record, StixVersion::k21);
    ASSERT_TRUE(set.ok()) << set.status().ToString();
    std::set<std::string> want;
    for (const Reference& ref : refs) {
      if (ref.matcher.Match(*set).matched) want.insert(ref.id);
    }
    std::set<std::string> got = HitIds(*snap, record);
    EXPECT_EQ(batched[r], got) << "batch and single record differ on record " << r;
    total_hits += want.size();
    if (got != want) {
      std::string diff;
      for (const auto& id : want) {
        if (!got.count(id)) diff += " missing " + id;
      }
      for (const auto& id : got) {
        if (!want.count(id)) diff += " extra " + id;
      }
      for (const auto& [id, text] : live) {
        if (want.count(id) != got.count(id)) diff += "\n  " + id + ": " + text;
      }
      FAIL() << "record " << boost::json::serialize(record) << "\n" << diff;
    }
  }
  // The workload must actually exercise hits, or the comparison proves nothing.
  EXPECT_GT(total_hits, 100u);
}

TEST(IndicatorIndexTest, SameAnswerAsPerPatternEvaluationOnRandomInputs) {
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    SCOPED_TRACE(seed);
    CheckEquivalence(seed, false);
    if (HasFatalFailure()) return;
  }
}

TEST(IndicatorIndexTest, ConfirmingSimpleHitsChangesNothing) { CheckEquivalence(99, true); }

// ---- LIKE: the index's literal tests and expressions against the evaluator ----

// A pattern string constant holding `s`.
std::string Quoted(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') q += '\\';
    q += c;
  }
  return q + "'";
}

// Random LIKE operands over the characters that matter (both wildcards, regular
// expression metacharacters, a quote, a newline, two- and four-byte UTF-8), so that
// every shape pattern::AnalyzeLike knows turns up: as one comparison, ORed on one
// object, negated (gated: the evaluator decides) and ANDed across two objects. The index
// (hash of literal tests, Hyperscan, RE2; one record at a time and batched) must answer
// exactly as pattern::Matcher does on random values.
TEST(IndicatorIndexTest, GeneratedLikePatternsAnswerAsTheEvaluator) {
  std::mt19937 rng(17);
  const std::vector<std::string> op_parts = {"a", "b",  "ab", "%",        "%",
                                             "_", ".",  "*",  "(",        "\\",
                                             "'", "\n", "$",  "\xc3\xa9", "\xf0\x9f\x98\x80"};
  const std::vector<std::string> value_parts = {
      "a", "b",  "ab", ".", "*", "(",        "\\",
      "'", "\n", "$",  "%", "_", "\xc3\xa9", "\xf0\x9f\x98\x80"};
  auto random_of = [&](const std::vector<std::string>& parts, size_t max) {
    std::string s;
    for (size_t k = rng() % (max + 1); k > 0; --k) s += parts[rng() % parts.size()];
    return s;
  };
  size_t total_hits = 0;
  std::set<LikeShape::Kind> shapes;
  for (int round = 0; round < 12; ++round) {
    std::vector<IndicatorSpec> specs;
    std::vector<Reference> refs;
    for (int i = 0; i < 80; ++i) {
      std::string like_a = random_of(op_parts, 6), like_b = random_of(op_parts, 4);
      shapes.insert(AnalyzeLike(like_a).kind);
      shapes.insert(AnalyzeLike(like_b).kind);
      std::string a = Quoted(like_a), b = Quoted(like_b);
      std::string text;
      switch (i % 5) {
        case 0:
        case 1:
          text = "[url:value LIKE " + a + "]";
          break;
        case 2:
          text = "[file:name LIKE " + a + " OR file:name LIKE " + b + "]";
          break;
        case 3:
          text = "[url:value NOT LIKE " + a + "]";
          break;
        default:
          text = "[url:value LIKE " + a + " AND file:name LIKE " + b + "]";
      }
      std::string id = "indicator--" + std::to_string(i);
      specs.push_back({id, text});
      auto p = ParsePattern(text);
      ASSERT_TRUE(p.ok()) << text;
      auto m = Matcher::Compile(*p);
      ASSERT_TRUE(m.ok()) << text;
      refs.push_back({id, std::move(m).value()});
    }
    IndicatorIndex index;
    std::vector<std::pair<std::string, Status>> rejected;
    ASSERT_TRUE(index.Add(specs, &rejected).ok());
    for (const auto& [id, st] : rejected) ADD_FAILURE() << id << ": " << st.ToString();
    auto snap = index.snapshot();
    std::vector<boost::json::value> records;
    for (int r = 0; r < 60; ++r) {
      boost::json::object url{
          {"type", "url"}, {"id", "url--1"}, {"value", random_of(value_parts, 8)}};
      if (r % 3 == 0) {
        records.emplace_back(std::move(url));  // a bare SCO
        continue;
      }
      boost::json::object file{
          {"type", "file"}, {"id", "file--1"}, {"name", random_of(value_parts, 8)}};
      boost::json::object od{{"type", "observed-data"},
                             {"id", "observed-data--" + std::to_string(r)},
                             {"object_refs", boost::json::array{"url--1", "file--1"}}};
      records.emplace_back(boost::json::object{
          {"type", "bundle"}, {"id", "bundle--1"}, {"objects", boost::json::array{url, file, od}}});
    }
    std::vector<const boost::json::value*> ptrs;
    for (const auto& rec : records) ptrs.push_back(&rec);
    std::vector<Hit> batch_hits;
    snap->MatchBatch(ptrs, &batch_hits);
    std::vector<std::set<std::string>> batched(records.size());
    for (const Hit& h : batch_hits) batched[h.record].insert(std::string(h.indicator));
    for (size_t r = 0; r < records.size(); ++r) {
      auto set = LoadObservations(records[r], StixVersion::k21);
      ASSERT_TRUE(set.ok());
      std::set<std::string> want;
      for (const Reference& ref : refs) {
        if (ref.matcher.Match(*set).matched) want.insert(ref.id);
      }
      total_hits += want.size();
      std::set<std::string> got = HitIds(*snap, records[r]);
      for (const Reference& ref : refs) {
        ASSERT_EQ(got.count(ref.id), want.count(ref.id))
            << ref.matcher.pattern().ToString() << "\non " << boost::json::serialize(records[r]);
      }
      ASSERT_EQ(batched[r], want) << "batched, record " << boost::json::serialize(records[r]);
    }
  }
  EXPECT_GT(total_hits, 1500u);
  EXPECT_EQ(shapes.size(), 7u);  // every shape of operand, kGeneral included
}

// ---- Concurrent updates while matching ----

TEST(IndicatorIndexTest, AddAndRemoveWhileMatching) {
  IndexOptions opts;
  opts.min_delta = 8;
  IndicatorIndex index(opts);
  ASSERT_TRUE(index
                  .Add({{"indicator--stable", "[domain-name:value = 'evil.example']"},
                        {"indicator--stable-net", "[ipv4-addr:value ISSUBSET '10.0.0.0/8']"}})
                  .ok());
  std::atomic<bool> stop{false};
  std::atomic<int> errors{0};
  std::atomic<uint64_t> matched{0};
  auto record = boost::json::parse(R"([{"type":"domain-name","value":"evil.example"},
                                       {"type":"ipv4-addr","value":"10.1.2.3"}])");
  std::vector<std::thread> readers;
  for (int t = 0; t < 2; ++t) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        auto snap = index.snapshot();
        std::set<std::string> ids = HitIds(*snap, record);
        // The stable indicators always hit; churned ones hit only as whole pairs
        // (added and removed in one batch each).
        if (!ids.count("indicator--stable") || !ids.count("indicator--stable-net")) ++errors;
        size_t churn = ids.size() - 2;
        if (churn % 2 != 0) ++errors;
        ++matched;
      }
    });
  }
  for (int round = 0; round < 300; ++round) {
    std::string a = "indicator--churn-a-" + std::to_string(round);
    std::string b = "indicator--churn-b-" + std::to_string(round);
    ASSERT_TRUE(index
                    .Add({{a, "[domain-name:value = 'evil.example']"},
                          {b, "[ipv4-addr:value = '10.1.2.3'] OR [file:name = 'x']"}})
                    .ok());
    if (round % 3 != 0) ASSERT_TRUE(index.Remove({a, b}).ok());
  }
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_GT(matched.load(), 0u);
  auto final_ids = HitIds(*index.snapshot(), record);
  EXPECT_EQ(final_ids.size(), 2u + 2u * 100u);  // rounds 0, 3, 6, ... keep their pair
}

}  // namespace
}  // namespace entente::pattern::index
