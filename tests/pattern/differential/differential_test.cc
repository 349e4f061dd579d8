// Differential test in process: pattern::Matcher (the evaluator behind `entente pattern
// match`) against index::IndicatorIndex (the compiled index behind `entente match`) on
// tens of thousands of seeded random cases from gen_cases.py (written to a JSON-lines
// file at build time; ENTENTE_DIFFERENTIAL_CASES overrides it).
//
// Issue 12: both must give the same answer on every case (STIX 2.1 section 9: whether a
// pattern matches observed data does not depend on how it is evaluated). The cases go
// in blocks; each block's patterns are indexed together (added in several batches with
// a small delta, so that base, delta, removal of replaced ids and merges all take part)
// and each block's records are matched as one batch, so every pattern meets every record
// of its block, not only its own. For each (pattern, record) pair the index must report
// a hit exactly when the evaluator matches; where the evaluator gives up or refuses the
// record the index must report nothing; a pattern the parser refuses must be refused by
// the index too.
#include <gtest/gtest.h>
#include <algorithm>

#include <boost/json.hpp>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "pattern/index/classify.h"
#include "pattern/index/indicator_index.h"
#include "pattern/matcher.h"
#include "pattern/nfc.h"
#include "pattern/observations.h"
#include "pattern/parser.h"

namespace entente::pattern::index {
namespace {

namespace json = boost::json;

struct Case {
  int64_t number = 0;
  std::string pattern;
  json::value record;
  bool nfc = true;  // pattern and record hold only NFC text
};

std::string CasesPath() {
  if (const char* p = std::getenv("ENTENTE_DIFFERENTIAL_CASES"); p != nullptr && *p != '\0') {
    return p;
  }
  return ENTENTE_DIFFERENTIAL_CASES;
}

std::vector<Case> LoadCases() {
  std::vector<Case> out;
  std::ifstream in(CasesPath());
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    json::value v = json::parse(line);
    Case c;
    c.number = v.at("case").to_number<int64_t>();
    c.pattern = std::string(v.at("pattern").as_string());
    c.record = v.at("record");
    c.nfc = IsNfc(c.pattern) && IsNfc(json::serialize(c.record));
    out.push_back(std::move(c));
  }
  return out;
}

std::string IdOf(int64_t n) { return "indicator--" + std::to_string(n); }

struct Tally {
  size_t pairs = 0, matches = 0, errors = 0, invalid = 0;
  std::map<PatternClass, size_t> classes;
  std::vector<std::string> problems;
};

void Problem(Tally* t, const std::string& what, const Case& p, const Case& r) {
  if (t->problems.size() >= 20) {
    t->problems.emplace_back();  // counted, not printed
    return;
  }
  t->problems.push_back(what + "\n  pattern (case " + std::to_string(p.number) + "): " + p.pattern +
                        "\n  record (case " + std::to_string(r.number) +
                        "): " + json::serialize(r.record).substr(0, 1500));
}

void RunBlock(const std::vector<Case>& cases, size_t begin, size_t end, Tally* t) {
  IndexOptions options;
  options.min_delta = 8;
  IndicatorIndex index(options);
  std::vector<std::optional<Matcher>> matchers(end - begin);
  std::set<std::string> rejected;
  // Three batches: some merges, some parts left in the delta.
  for (size_t from = begin; from < end;) {
    size_t to = std::min(end, from + (end - begin + 2) / 3);
    std::vector<IndicatorSpec> specs;
    for (size_t i = from; i < to; ++i) specs.push_back({IdOf(cases[i].number), cases[i].pattern});
    std::vector<std::pair<std::string, Status>> refused;
    ASSERT_TRUE(index.Add(specs, &refused).ok());
    for (const auto& r : refused) rejected.insert(r.first);
    from = to;
  }
  for (size_t i = begin; i < end; ++i) {
    Result<Pattern> p = ParsePattern(cases[i].pattern);
    bool refused = rejected.count(IdOf(cases[i].number)) > 0;
    if (!p.ok()) {
      ++t->invalid;
      if (!refused) Problem(t, "parser refuses, index accepts", cases[i], cases[i]);
      continue;
    }
    ++t->classes[Classify(*p).kind];
    Result<Matcher> m = Matcher::Compile(*p);
    if (!m.ok()) {
      if (!refused) Problem(t, "evaluator cannot compile, index accepts", cases[i], cases[i]);
      continue;
    }
    if (refused) Problem(t, "index refuses a pattern the evaluator runs", cases[i], cases[i]);
    matchers[i - begin].emplace(std::move(m).value());
  }
  std::vector<const json::value*> records;
  for (size_t j = begin; j < end; ++j) records.push_back(&cases[j].record);
  std::vector<Hit> hits;
  index.snapshot()->MatchBatch(records, &hits);
  std::set<std::pair<size_t, std::string>> got;  // (record in block, indicator id)
  for (const Hit& h : hits) got.emplace(h.record, std::string(h.indicator));
  for (size_t j = begin; j < end; ++j) {
    Result<ObservationSet> set = LoadObservations(cases[j].record, StixVersion::k21);
    for (size_t i = begin; i < end; ++i) {
      if (!matchers[i - begin]) continue;
      ++t->pairs;
      bool hit = got.count({j - begin, IdOf(cases[i].number)}) > 0;
      if (!set.ok()) {
        ++t->errors;
        if (hit) Problem(t, "evaluator refuses the record, index: hit", cases[i], cases[j]);
        continue;
      }
      MatchResult r = matchers[i - begin]->Match(*set);
      if (!r.matched && !r.status.ok()) {
        ++t->errors;
        if (hit) Problem(t, "evaluator gives up, index: hit", cases[i], cases[j]);
        continue;
      }
      if (r.matched) ++t->matches;
      if (r.matched && !hit) Problem(t, "evaluator: match; index: no hit", cases[i], cases[j]);
      if (!r.matched && hit) Problem(t, "evaluator: no match; index: hit", cases[i], cases[j]);
    }
  }
}

// STIX 2.1 section 9 (Patterning): the compiled index and the evaluator answer the same
// question, so they must agree on every (pattern, observation) pair.
TEST(Differential, IndexAgreesWithEvaluatorOnRandomCases) {
  std::vector<Case> cases = LoadCases();
  ASSERT_GE(cases.size(), 1000u) << "no cases read from " << CasesPath();
  constexpr size_t kBlock = 48;
  Tally t;
  for (size_t b = 0; b < cases.size(); b += kBlock) {
    RunBlock(cases, b, std::min(cases.size(), b + kBlock), &t);
  }
  std::ostringstream summary;
  summary << cases.size() << " cases, " << t.pairs << " pairs: " << t.matches << " matches, "
          << t.errors << " evaluator errors, " << t.invalid << " invalid patterns; simple "
          << t.classes[PatternClass::kSimple] << ", prefiltered "
          << t.classes[PatternClass::kPrefiltered] << ", gated " << t.classes[PatternClass::kGated];
  std::cerr << summary.str() << "\n";
  // The generator draws constants from the records: a fair share of pairs must match,
  // and every class of pattern must be exercised.
  EXPECT_GT(t.matches, cases.size() / 5) << summary.str();
  EXPECT_GT(t.classes[PatternClass::kSimple], cases.size() / 10) << summary.str();
  EXPECT_GT(t.classes[PatternClass::kPrefiltered], cases.size() / 50) << summary.str();
  EXPECT_GT(t.classes[PatternClass::kGated], cases.size() / 10) << summary.str();
  // Both sides compare strings after NFC normalisation: text that is not in NFC must be
  // among the cases for that to be checked.
  EXPECT_GT(std::count_if(cases.begin(), cases.end(), [](const Case& c) { return !c.nfc; }), 100)
      << summary.str();
  std::string first;
  for (const std::string& p : t.problems) {
    if (!p.empty()) first += p + "\n";
  }
  EXPECT_TRUE(t.problems.empty()) << t.problems.size() << " disagreements (" << summary.str()
                                  << "); first ones:\n"
                                  << first;
}

}  // namespace
}  // namespace entente::pattern::index
