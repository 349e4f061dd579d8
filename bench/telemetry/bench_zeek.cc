// Micro-benchmark of the Zeek log readers (telemetry/zeek.h): parse and map only, over the
// WRCCDC sample logs held in memory (src/telemetry/testdata/zeek/), one log per run.
// Reports lines per second (one CPU) and bytes per second. Reading files, matching and
// aggregation are not included.
//
//   ENTENTE_JOBS=1 ENTENTE_TARGETS=bench_zeek ./scripts/build.sh &&
//   build/bench/telemetry/bench_zeek
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "telemetry/zeek.h"

namespace {

using entente::telemetry::LineError;
using entente::telemetry::Record;
using entente::telemetry::ZeekJsonReader;
using entente::telemetry::ZeekLineKind;
using entente::telemetry::ZeekTsvReader;

std::vector<std::string> ReadLines(const std::string& name) {
  std::ifstream in(std::string(ENTENTE_ZEEK_TESTDATA) + "/" + name, std::ios::binary);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

template <typename Reader>
void Run(benchmark::State& state, Reader& reader, const std::vector<std::string>& header,
         const std::vector<std::string>& data) {
  Record record;
  LineError error;
  for (const std::string& line : header) (void)reader.Feed(line, &record, &error);
  size_t lines = 0;
  size_t bytes = 0;
  size_t observables = 0;
  for (auto _ : state) {
    for (const std::string& line : data) {
      if (reader.Feed(line, &record, &error) == ZeekLineKind::kRecord) {
        observables += record.count;
      }
      bytes += line.size() + 1;
    }
    lines += data.size();
  }
  benchmark::DoNotOptimize(observables);
  state.counters["lines_per_second"] =
      benchmark::Counter(static_cast<double>(lines), benchmark::Counter::kIsRate);
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

void BM_ZeekTsv(benchmark::State& state, const char* log) {
  std::vector<std::string> all = ReadLines(std::string("wrccdc_") + log + ".log");
  std::vector<std::string> header;
  std::vector<std::string> data;
  for (const std::string& line : all) (line.rfind('#', 0) == 0 ? header : data).push_back(line);
  ZeekTsvReader reader;
  Run(state, reader, header, data);
}

void BM_ZeekJson(benchmark::State& state, const char* log) {
  std::vector<std::string> data = ReadLines(std::string("wrccdc_") + log + ".json");
  ZeekJsonReader reader;
  Run(state, reader, {}, data);
}

}  // namespace

BENCHMARK_CAPTURE(BM_ZeekTsv, dns, "dns");
BENCHMARK_CAPTURE(BM_ZeekTsv, ssl, "ssl");
BENCHMARK_CAPTURE(BM_ZeekTsv, x509, "x509");
BENCHMARK_CAPTURE(BM_ZeekTsv, smtp, "smtp");
BENCHMARK_CAPTURE(BM_ZeekJson, dns, "dns");
BENCHMARK_CAPTURE(BM_ZeekJson, ssl, "ssl");
BENCHMARK_CAPTURE(BM_ZeekJson, x509, "x509");
BENCHMARK_CAPTURE(BM_ZeekJson, smtp, "smtp");

BENCHMARK_MAIN();
