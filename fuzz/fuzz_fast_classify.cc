// Fuzz target for the compiled index's pattern fast path (pattern/index/fast_classify.h):
// the input is pattern text. Whenever FastClassify claims a pattern, the full parser must
// accept the same text under the same options and Classify must give the same class,
// leaves and object types. Any difference aborts; a declined pattern is always fine.
// The first input byte, when present, selects a tight length limit so that the limit
// check on the fast path is exercised as well.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "pattern/index/classify.h"
#include "pattern/index/fast_classify.h"
#include "pattern/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace entente::pattern;         // NOLINT: a fuzz driver, not a header
  using namespace entente::pattern::index;  // NOLINT
  ParseOptions options;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (!text.empty() && text.front() == '\x01') {
    text.remove_prefix(1);
    options.max_length = 24;
  }
  Classified fast;
  if (!FastClassify(text, options, &fast)) return 0;
  auto parsed = ParsePattern(text, options);
  if (!parsed.ok()) std::abort();  // the fast path accepted what the parser refuses
  Classified full = Classify(*parsed);
  if (fast.kind != full.kind || fast.leaves != full.leaves ||
      fast.object_types != full.object_types) {
    std::abort();
  }
  return 0;
}
