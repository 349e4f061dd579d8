// The progress line `entente ingest` draws on stderr.
//
// FormatProgress is pure; the caller decides when to draw (e.g. after each batch) and
// writes "\r" + line to a terminal. Safe from any thread.
#pragma once

#include <cstdint>
#include <string>

namespace entente::cli {

struct ProgressState {
  int64_t done = 0;    // objects processed so far
  int64_t total = 0;   // objects expected; 0 when unknown
  double seconds = 0;  // elapsed wall-clock time
  int bar_width = 30;  // characters between the brackets
};

// e.g. "[###############...............]  50000/100000 objects  50.0%  98765 objects/s"
// Without a known total: "50000 objects  98765 objects/s".
std::string FormatProgress(const ProgressState& state);

}  // namespace entente::cli
