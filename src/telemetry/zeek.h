// telemetry/zeek.h: Zeek logs, in both of Zeek's own formats, read line by line into
// Records (observable.h).
//
// ZeekTsvReader reads the ASCII writer's default tab-separated format: a block of header
// lines (#separator, #set_separator, #empty_field, #unset_field, #path, #open, #fields,
// #types), data lines, and an optional #close; several such blocks may follow each other
// in one stream (a #separator line starts a new block and resets everything). It is
// stateful: the header lines it has seen decide how the following data lines are read.
//
// ZeekJsonReader reads JSON logs, one object per line (LogAscii::use_json=T). In JSON
// streaming logs each object names its log in "_path"; otherwise the log is the one given
// to the constructor. It parses with simdjson's On-Demand API.
//
// Both readers map the fields of the logs conn, dns, http, ssl, x509, files, smtp and
// notice to observables (the table is in docs/telemetry.md, "Zeek"); id.orig_h and
// id.resp_h are mapped in every log. A line that cannot be read yields a LineError naming
// the field (or "" for the line as a whole); the caller counts it and goes on.
//
// Not safe for concurrent use: one reader per stream and thread. A reader keeps its
// buffers from line to line, so the steady state allocates nothing per line. The Record a
// call fills is valid until the next call; its `log` view points into the reader (or at a
// string literal) and is valid until the next call on the same reader.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "telemetry/observable.h"

namespace entente::telemetry {

// A longer line is refused whole (LineError with field ""), before any parsing.
inline constexpr size_t kZeekMaxLineBytes = size_t{1} << 20;  // 1 MiB

// What one line was.
enum class ZeekLineKind {
  kRecord,  // a data line: *out holds its time, log and observables
  kNone,    // a header line, a comment or an empty line: state updated, nothing to match
  kError,   // the line is skipped; *error says which field and why
};

class ZeekTsvReader {
 public:
  explicit ZeekTsvReader(size_t max_line_bytes = kZeekMaxLineBytes);

  // Reads one line, without its '\n' (one trailing '\n' or "\r\n" is tolerated). A header
  // that changes #fields, #types, #path or a separator after data lines of the same block
  // (without a new #separator line) is reported as kError naming the directive, and the
  // new value is used for the lines that follow.
  ZeekLineKind Feed(std::string_view line, Record* out, LineError* error);

  // The log named by the current block's #path, "" before one.
  std::string_view path() const { return path_; }

 private:
  enum class State { kNoHeader, kHeader, kData, kClosed };
  struct Column {
    uint8_t role = 0;        // how its values are mapped (zeek.cc's Role); 0: not at all
    std::string_view field;  // the mapping's literal name of the field
    bool container = false;  // a set or vector, split at the set separator
  };

  void ResetBlock();
  ZeekLineKind FeedHeader(std::string_view line, LineError* error);
  ZeekLineKind FeedData(std::string_view line, Record* out, LineError* error);
  void BindColumns();

  size_t max_line_bytes_;
  State state_ = State::kNoHeader;
  std::string separator_;
  std::string set_separator_;
  std::string empty_field_;
  std::string unset_field_;
  std::string path_;
  std::string_view log_;  // path_ as a literal when it is a known log, else path_
  std::vector<std::string> fields_;
  std::vector<std::string> types_;
  std::vector<Column> columns_;  // one per field: how its value is mapped
  std::string scratch_;          // decoded values that are not kept (http host and uri)
  std::string scratch2_;
  std::vector<uint32_t> field_ends_;  // where each field of the data line being read ends
};

class ZeekJsonReader {
 public:
  // `log` names the log when the objects carry no "_path" ("conn", "dns", ...); "" when
  // they are JSON streaming logs.
  explicit ZeekJsonReader(std::string_view log = "", size_t max_line_bytes = kZeekMaxLineBytes);
  ~ZeekJsonReader();
  ZeekJsonReader(const ZeekJsonReader&) = delete;
  ZeekJsonReader& operator=(const ZeekJsonReader&) = delete;

  // Reads one line holding one JSON object (one trailing '\n' or "\r\n" is tolerated). An
  // empty line is kNone.
  ZeekLineKind Feed(std::string_view line, Record* out, LineError* error);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace entente::telemetry
