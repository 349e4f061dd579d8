// Reading STIX input files for `entente ingest` and `entente validate`.
//
// An input file holds a bundle, a JSON array of objects or a single object. Files are
// read in chunks and each candidate object is handed over as soon as it is parsed
// (stix::StreamReader), so memory stays bounded by the largest object whatever the
// file's size. Plain functions over caller-owned data; not thread-safe by themselves.
#pragma once

#include <boost/json/value.hpp>
#include <functional>
#include <string>

#include "entente/status.h"
#include "stix/stix.h"
#include "stix/stream_reader.h"

namespace entente::cli {

// Receives each candidate object, its index in the file and the file's shape so far.
using StixItemFn =
    std::function<Status(const boost::json::value& item, size_t index, stix::DocumentShape shape)>;

struct StixFileSummary {
  stix::DocumentShape shape = stix::DocumentShape::kUnknown;
  boost::json::object envelope;  // a bundle's own members (see stix::StreamReader)
};

// Reads `path` ("-" = stdin) and calls `on_item` for each candidate object. Errors:
// io-error when it cannot be read; invalid-argument / resource-exhausted when it is not
// JSON within stix::ParseLimits' depth (the message names the file and the byte offset;
// objects handed over before that point stay handed over); or `on_item`'s error.
Result<StixFileSummary> StreamStixFile(const std::string& path, const StixItemFn& on_item);

// Reads `path` once without building anything: OK when it is one JSON document. Lets
// `entente ingest` refuse a truncated file before storing any of it.
Status CheckJsonFile(const std::string& path);

// The finding for an item that is not a JSON object (`index` in the bundle or array).
stix::Finding NotAnObjectFinding(stix::DocumentShape shape, size_t index);

}  // namespace entente::cli
