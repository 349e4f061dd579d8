// `entente match --indicators FILE --observations FILE|-`: streams observations through
// the compiled indicator index (pattern/index/indicator_index.h).
//
// --indicators: a STIX bundle, a JSON array of objects or one object; the live
// indicators among them are compiled (pattern/index/live_indicators.h: the newest
// version of each id, unless some version revoked it, when its pattern_type is "stix").
// --observations: JSON lines (one observed-data, bundle, array or SCO per line) read and matched
// one line at a time, or, when the first line is not a complete JSON value, one JSON document (a
// bundle) read whole. Output, one JSON line per hit, written as each record is matched:
//   {"indicator":"indicator--…","observation":"observed-data--…" or LINE,"time":"…Z"}
// where LINE is the 1-based line number when the observation has no id, and time is
// when entente found the match (UTC). With --stats a summary goes to stderr.
// Exit: 0 done; 1 done, but some indicators or observation lines were invalid (each is
// named on stderr); 2 usage error or unreadable input.
#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli/command.h"
#include "common/env.h"
#include "common/timestamp.h"
#include "pattern/index/indicator_index.h"
#include "pattern/index/live_indicators.h"
#include "stix/bundle.h"

namespace entente::cli {
namespace {

constexpr size_t kMaxIndicatorFileBytes = 1u << 30;
constexpr size_t kMaxRecordBytes = 64u << 20;

struct MatchArgs {
  std::string indicators;
  std::string observations;
  bool stats = false;
  bool confirm = false;
};

boost::json::parse_options JsonOptions() {
  boost::json::parse_options o;
  o.max_depth = 64;
  return o;
}

// Reads the indicators; returns 2 on unreadable input, 1 when some were invalid, else 0.
int LoadIndicators(const std::string& path, pattern::index::IndicatorIndex& index, size_t* loaded) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    std::cerr << "entente: cannot read " << path << "\n";
    return 2;
  }
  std::ostringstream buf;
  buf << f.rdbuf();
  std::string text = std::move(buf).str();
  if (text.size() > kMaxIndicatorFileBytes) {
    std::cerr << "entente: " << path << ": larger than " << kMaxIndicatorFileBytes << " bytes\n";
    return 2;
  }
  boost::system::error_code ec;
  boost::json::value doc = boost::json::parse(text, ec, {}, JsonOptions());
  if (ec) {
    std::cerr << "entente: " << path << ": not valid JSON: " << ec.message() << "\n";
    return 2;
  }
  const stix::DocumentItems split = stix::ItemsOf(doc);
  if (split.shape == stix::DocumentShape::kUnknown) {
    std::cerr << "entente: " << path << ": expected a bundle, an array or an object\n";
    return 2;
  }
  // A bundle whose "objects" is not a list carries no indicators (nothing to report:
  // it was always read that way).
  pattern::index::LiveIndicators versions;
  int rc = 0;
  for (const boost::json::value& item : split.items) {
    const boost::json::object* o = item.if_object();
    if (o == nullptr) continue;
    Status added = versions.Add(*o);
    if (!added.ok()) {
      std::cerr << "entente: " << added.message() << "\n";
      rc = 1;
    }
  }
  std::vector<pattern::index::IndicatorSpec> specs = versions.Live();
  std::vector<std::pair<std::string, Status>> rejected;
  Status s = index.Add(specs, &rejected);
  if (!s.ok()) {
    std::cerr << "entente: cannot build the index: " << s.ToString() << "\n";
    return 2;
  }
  for (const auto& [id, st] : rejected) {
    std::cerr << "entente: indicator " << id << ": " << st.message() << "\n";
    rc = 1;
  }
  *loaded = specs.size() - rejected.size();
  return rc;
}

class HitWriter {
 public:
  void Write(const pattern::index::Hit& hit, uint64_t line) {
    boost::json::object o;
    o["indicator"] = hit.indicator;
    if (!hit.observation_id.empty()) {
      o["observation"] = hit.observation_id;
    } else {
      o["observation"] = line;
    }
    o["time"] = FormatTimestamp(SystemClock().NowMicros(), 3);
    std::cout << boost::json::serialize(o) << '\n';
  }
};

int Run(const MatchArgs& args) {
  pattern::index::IndexOptions options;
  options.confirm_simple = args.confirm;
  pattern::index::IndicatorIndex index(options);
  size_t loaded = 0;
  auto t0 = std::chrono::steady_clock::now();
  int rc = LoadIndicators(args.indicators, index, &loaded);
  if (rc == 2) return 2;
  auto t1 = std::chrono::steady_clock::now();

  std::istream* in = &std::cin;
  std::ifstream f;
  if (args.observations != "-") {
    f.open(args.observations, std::ios::binary);
    if (!f) {
      std::cerr << "entente: cannot read " << args.observations << "\n";
      return 2;
    }
    in = &f;
  } else {
    // std::cin, synchronised with stdio, never says that more input is buffered (so
    // lines could not be batched); read the same descriptor through a filebuf instead.
    f.open("/dev/stdin", std::ios::binary);
    if (f) in = &f;
  }
  std::shared_ptr<const pattern::index::IndexSnapshot> snap = index.snapshot();
  pattern::index::MatchCounters counters;
  std::vector<pattern::index::Hit> hits;
  HitWriter writer;
  uint64_t hit_count = 0, bad_lines = 0;
  // Lines already buffered are parsed into one reused arena and matched together (up
  // to kBatch), so that their hash-table probes overlap; a line that arrives alone, as
  // on an interactive stream, is matched at once.
  constexpr size_t kBatch = 256;
  boost::json::monotonic_resource arena;
  boost::json::parser parser(boost::json::storage_ptr(), JsonOptions());
  std::vector<boost::json::value> batch;
  std::vector<const boost::json::value*> batch_ptrs;
  std::vector<uint64_t> batch_lines;
  auto flush = [&] {
    if (batch.empty()) return;
    batch_ptrs.clear();
    for (const auto& v : batch) batch_ptrs.push_back(&v);
    hits.clear();
    snap->MatchBatch(batch_ptrs, &hits, &counters);
    // In input order, as when lines were matched one at a time.
    std::stable_sort(hits.begin(), hits.end(),
                     [](const auto& a, const auto& b) { return a.record < b.record; });
    for (const auto& h : hits) writer.Write(h, batch_lines[h.record]);
    hit_count += hits.size();
    if (!hits.empty()) std::cout.flush();
    batch.clear();
    batch_lines.clear();
    arena.release();
  };
  std::string line;
  uint64_t line_no = 0;
  bool first = true;
  while (std::getline(*in, line)) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") != std::string::npos) {
      if (line.size() > kMaxRecordBytes) {
        std::cerr << "entente: line " << line_no << ": longer than " << kMaxRecordBytes
                  << " bytes\n";
        ++bad_lines;
        first = false;
      } else {
        boost::system::error_code ec;
        parser.reset(&arena);
        parser.write(line, ec);
        if (ec && first) {
          // Not JSON lines: the whole input is one document (e.g. a pretty-printed bundle).
          std::ostringstream rest;
          rest << line << '\n' << in->rdbuf();
          std::string text = std::move(rest).str();
          if (text.size() > kMaxIndicatorFileBytes) {
            std::cerr << "entente: observations: larger than " << kMaxIndicatorFileBytes
                      << " bytes\n";
            return 2;
          }
          boost::json::value record = boost::json::parse(text, ec, {}, JsonOptions());
          if (ec) {
            std::cerr << "entente: " << args.observations << ": not valid JSON: " << ec.message()
                      << "\n";
            return 2;
          }
          batch.push_back(std::move(record));
          batch_lines.push_back(line_no);
          break;
        }
        first = false;
        if (ec) {
          std::cerr << "entente: line " << line_no << ": not valid JSON: " << ec.message() << "\n";
          ++bad_lines;
        } else {
          batch.push_back(parser.release());
          batch_lines.push_back(line_no);
        }
      }
    }
    if (batch.size() >= kBatch || in->rdbuf()->in_avail() <= 0) flush();
  }
  flush();
  std::cout.flush();
  if (in->bad()) {
    std::cerr << "entente: error reading " << args.observations << "\n";
    return 2;
  }
  if (bad_lines > 0 || counters.bad_records > 0) rc = 1;
  if (args.stats) {
    auto t2 = std::chrono::steady_clock::now();
    boost::json::object s;
    s["indicators"] = loaded;
    s["index_build_seconds"] = std::chrono::duration<double>(t1 - t0).count();
    s["records"] = counters.records;
    s["observations"] = counters.observations;
    s["hits"] = hit_count;
    s["fast_hits"] = counters.fast_hits;
    s["evaluations"] = counters.evaluations;
    s["evaluated_hits"] = counters.evaluated_hits;
    s["gave_up"] = counters.gave_up;
    s["bad_lines"] = bad_lines;
    s["bad_records"] = counters.bad_records;
    s["match_seconds"] = std::chrono::duration<double>(t2 - t1).count();
    std::cerr << boost::json::serialize(s) << "\n";
  }
  return rc;
}

}  // namespace

void RegisterMatchCommand(CLI::App& app, CommandContext& ctx) {
  auto args = std::make_shared<MatchArgs>();
  CLI::App* cmd = app.add_subcommand(
      "match", "Match observations against many indicators: one JSON line per hit");
  cmd->add_option("--indicators", args->indicators,
                  "bundle, array or object holding STIX indicators")
      ->required();
  cmd->add_option("--observations", args->observations,
                  "JSON lines or one bundle of observed-data/SCOs; - for stdin")
      ->required();
  cmd->add_flag("--stats", args->stats, "print a JSON summary to stderr");
  cmd->add_flag("--confirm", args->confirm,
                "also confirm fast-path hits with the pattern evaluator (cross-check)");
  cmd->callback([args, &ctx] { ctx.exit_code = Run(*args); });
}

}  // namespace entente::cli
