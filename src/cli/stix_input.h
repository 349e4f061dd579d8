// Reading STIX input files for `entente ingest` and `entente validate`.
//
// An input file holds a bundle, a JSON array of objects or a single object. Views
// returned point into the parsed document and live as long as it does. Not thread-safe
// by itself (plain functions over caller-owned data).
#pragma once

#include <boost/json/value.hpp>
#include <memory>
#include <string>
#include <vector>

#include "entente/status.h"
#include "stix/stix.h"

namespace entente::cli {

struct LoadedFile {
  // On the heap so that `items` stays valid when the LoadedFile is moved.
  std::unique_ptr<boost::json::value> doc;
  bool is_bundle = false;
  // The candidate objects, in file order: bundle.objects[i], array[i], or the document.
  std::vector<const boost::json::value*> items;
};

inline constexpr size_t kMaxInputFileBytes = size_t{2} << 30;  // 2 GiB

// Reads and parses `path` ("-" = stdin) with stix::ParseJson's default limits, except
// that a file may hold up to kMaxInputFileBytes.
// io-error when it cannot be read; invalid-argument / resource-exhausted when it is not
// JSON within the limits (the message names the file). Both mean "unreadable input".
Result<LoadedFile> LoadStixFile(const std::string& path);

// The finding for an item that is not a JSON object (`index` in the bundle or array).
stix::Finding NotAnObjectFinding(const LoadedFile& file, size_t index);

}  // namespace entente::cli
