// bench_eve_parse: reads EVE files into memory, repeats their lines until there are N
// (default 1,000,000), and parses each with one EveParser into one reused Record,
// measuring lines per CPU-second of this process (parse and map only: no file reading,
// no matching). Refused lines are counted, not skipped.
//
//   bench_eve_parse [--lines N] [--passes P] FILE...
//
// Prints one JSON line per pass.
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "telemetry/eve.h"

namespace {

double CpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

}  // namespace

int main(int argc, char** argv) {
  size_t want = 1000000;
  int passes = 3;
  std::vector<std::string> sample;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--lines") == 0 && i + 1 < argc) {
      want = std::strtoull(argv[++i], nullptr, 10);
    } else if (std::strcmp(argv[i], "--passes") == 0 && i + 1 < argc) {
      passes = std::atoi(argv[++i]);
    } else {
      std::ifstream in(argv[i]);
      if (!in) {
        std::fprintf(stderr, "cannot read %s\n", argv[i]);
        return 2;
      }
      for (std::string line; std::getline(in, line);) {
        if (!line.empty()) sample.push_back(line);
      }
    }
  }
  if (sample.empty() || want == 0) {
    std::fprintf(stderr, "usage: bench_eve_parse [--lines N] [--passes P] FILE...\n");
    return 2;
  }
  // One contiguous buffer of lines, as a reader of a file would hand them over.
  std::string text;
  std::vector<std::pair<size_t, size_t>> spans;
  for (size_t i = 0; i < want; ++i) {
    const std::string& l = sample[i % sample.size()];
    spans.emplace_back(text.size(), l.size());
    text += l;
    text += '\n';
  }
  entente::telemetry::EveParser parser;
  entente::telemetry::Record record;
  for (int pass = 0; pass < passes; ++pass) {
    size_t refused = 0, observables = 0;
    const double start = CpuSeconds();
    for (const auto& [offset, size] : spans) {
      if (parser.Parse(std::string_view(text).substr(offset, size), record)) {
        ++refused;
      } else {
        observables += record.count;
      }
    }
    const double cpu = CpuSeconds() - start;
    std::printf(
        "{\"bench\":\"eve_parse\",\"pass\":%d,\"lines\":%zu,\"bytes\":%zu,\"refused\":%zu,"
        "\"observables\":%zu,\"cpu_seconds\":%.4f,\"lines_per_cpu_second\":%.0f,"
        "\"mb_per_cpu_second\":%.1f}\n",
        pass, spans.size(), text.size(), refused, observables, cpu,
        static_cast<double>(spans.size()) / cpu, static_cast<double>(text.size()) / cpu / 1e6);
  }
  return 0;
}
