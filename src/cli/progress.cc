#include "cli/progress.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace entente::cli {

std::string FormatProgress(const ProgressState& s) {
  int64_t rate = s.seconds > 0 ? static_cast<int64_t>(std::llround(s.done / s.seconds)) : 0;
  char buf[128];
  if (s.total <= 0) {
    std::snprintf(buf, sizeof(buf), "%lld objects  %lld objects/s", static_cast<long long>(s.done),
                  static_cast<long long>(rate));
    return buf;
  }
  int64_t done = std::clamp<int64_t>(s.done, 0, s.total);
  int width = std::max(1, s.bar_width);
  int filled = static_cast<int>(done * width / s.total);
  std::string line = "[";
  line.append(filled, '#');
  line.append(width - filled, '.');
  line += "]  ";
  double percent = 100.0 * static_cast<double>(done) / static_cast<double>(s.total);
  std::snprintf(buf, sizeof(buf), "%lld/%lld objects  %.1f%%  %lld objects/s",
                static_cast<long long>(s.done), static_cast<long long>(s.total), percent,
                static_cast<long long>(rate));
  line += buf;
  return line;
}

}  // namespace entente::cli
