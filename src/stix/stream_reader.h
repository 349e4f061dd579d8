// StreamReader: reads a JSON document of STIX content — a bundle, an array of objects,
// or a single object — from text fed in chunks, and hands over each item (an element of
// the bundle's "objects" or of the array) as soon as it is complete.
//
// A bundle of any size is thus read with memory bounded by its largest object, not by
// the whole document. Parsing is Boost.JSON's (basic_parser, with its value_stack
// building each item); this file only decides where items begin and end.
//
// A bundle is streamed when its "type": "bundle" member comes before "objects" (as
// every producer we know writes it); otherwise the document is built whole and its
// items (stix::ItemsOf) are handed over at Finish, so the result is the same either way. The
// document's other top-level members (a bundle's "type", "id", ...) are kept as `envelope()`. Not
// thread-safe; the callback runs on the caller's thread, inside Write or Finish.
#pragma once

#include <boost/json/basic_parser.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_stack.hpp>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "entente/status.h"
#include "stix/bundle.h"
#include "stix/stix.h"

namespace entente::stix {

class StreamReader {
 public:
  // Receives each item and its index in the bundle's "objects" (or the array); a copy
  // of the value may be kept. A non-OK status stops the reader and is returned by
  // the Write or Finish that made the call.
  using ItemFn = std::function<Status(const boost::json::value& item, size_t index)>;

  // `limits.max_depth` bounds nesting; `limits.max_bytes` bounds the whole document.
  StreamReader(ItemFn on_item, const ParseLimits& limits = {});
  ~StreamReader();
  StreamReader(const StreamReader&) = delete;
  StreamReader& operator=(const StreamReader&) = delete;

  // Feeds the next chunk of text. Errors: invalid-argument naming the byte offset and
  // what is wrong (a top-level member given twice included), resource-exhausted for a
  // limit, or the callback's status.
  Status Write(std::string_view chunk);
  // Marks the end of the text; hands over items still held (see above).
  Status Finish();

  // Known from the first item on (a bundle whose items come at Finish reads kObject
  // until then), final after Finish. kObject: the document itself was the one item.
  DocumentShape shape() const { return shape_; }
  // kBundle: the bundle without the items handed over (its "objects" member is absent
  // when they were streamed). kObject: the object. kArray: empty.
  const boost::json::object& envelope() const { return envelope_; }
  // Items handed over so far.
  size_t items() const { return items_; }

 private:
  struct Handler;
  friend struct Handler;

  Status Emit(const boost::json::value& item);

  ItemFn on_item_;
  ParseLimits limits_;
  std::unique_ptr<boost::json::basic_parser<Handler>> parser_;
  size_t offset_ = 0;  // bytes consumed so far
  size_t items_ = 0;
  Status callback_error_;
  DocumentShape shape_ = DocumentShape::kUnknown;
  boost::json::object envelope_;
};

// Checks that text fed in chunks is one JSON document within `limits`, building
// nothing: a cheap first pass before a reader whose items have effects. Errors as
// StreamReader's. Not thread-safe.
class JsonSyntaxChecker {
 public:
  explicit JsonSyntaxChecker(const ParseLimits& limits = {});
  ~JsonSyntaxChecker();
  JsonSyntaxChecker(const JsonSyntaxChecker&) = delete;
  JsonSyntaxChecker& operator=(const JsonSyntaxChecker&) = delete;

  Status Write(std::string_view chunk);
  Status Finish();

 private:
  struct Handler;
  ParseLimits limits_;
  std::unique_ptr<boost::json::basic_parser<Handler>> parser_;
  size_t offset_ = 0;
};

}  // namespace entente::stix
