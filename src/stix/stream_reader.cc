#include "stix/stream_reader.h"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/system/errc.hpp>
#include <string>
#include <unordered_set>

namespace entente::stix {

namespace json = boost::json;
using boost::system::error_code;

// Routes Boost.JSON's events: values inside an item go to `item` (reset for each item),
// everything else to `rest`. `level` is the number of containers open before an event.
struct StreamReader::Handler {
  static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);

  explicit Handler(StreamReader* r) : reader(r) {}

  StreamReader* reader;
  json::value_stack rest;
  json::value_stack item;
  size_t level = 0;
  size_t item_level = 0;  // level at which items occur (1 root array, 2 bundle objects); 0 none
  bool root_is_object = false;
  std::string root_key;                       // the key of the root member being read
  bool root_key_pending = false;              // read but not yet pushed to `rest`
  std::string root_type;                      // characters of the root "type" string read so far
  bool bundle_typed = false;                  // "type": "bundle" seen at the root
  size_t streamed_members = 0;                // root members not pushed to `rest` (0 or 1)
  std::unordered_set<std::string> root_keys;  // a repeated top-level member is an error

  bool InItem() const { return item_level != 0 && level > item_level; }
  bool AtItem() const { return item_level != 0 && level == item_level; }

  // Each item gets its own arena: it is built once and dropped at once, and a copy
  // made by the callback keeps the arena alive safely.
  void StartItem() { item.reset(json::make_shared_resource<json::monotonic_resource>()); }
  bool EndItem(error_code& ec) {
    json::value v = item.release();
    Status s = reader->Emit(v);
    if (s.ok()) return true;
    reader->callback_error_ = std::move(s);
    ec = boost::system::errc::make_error_code(boost::system::errc::operation_canceled);
    return false;
  }
  // Before a value at the root object's level: push its key, unless the value is the
  // bundle's "objects" array that is about to be streamed.
  void FlushRootKey() {
    if (root_key_pending) {
      rest.push_key(root_key);
      root_key_pending = false;
    }
  }

  // A scalar value: `push` adds it to whichever stack it belongs to.
  template <typename Push>
  bool Scalar(Push push, error_code& ec) {
    if (AtItem()) {
      StartItem();
      push(item);
      return EndItem(ec);
    }
    if (InItem()) {
      push(item);
      return true;
    }
    if (level == 1 && root_is_object) FlushRootKey();
    push(rest);
    return true;
  }

  bool on_document_begin(error_code&) {
    rest.reset();
    return true;
  }
  bool on_document_end(error_code&) { return true; }

  bool on_array_begin(error_code&) {
    if (AtItem()) {
      StartItem();
    } else if (!InItem()) {
      if (level == 0) {
        reader->shape_ = DocumentShape::kArray;
        item_level = 1;
      } else if (level == 1 && root_is_object && bundle_typed && root_key == "objects" &&
                 root_key_pending) {
        reader->shape_ = DocumentShape::kBundle;
        root_key_pending = false;  // the key is dropped with its streamed array
        ++streamed_members;
        item_level = 2;
      } else if (level == 1 && root_is_object) {
        FlushRootKey();
      }
    }
    ++level;
    return true;
  }
  bool on_array_end(std::size_t n, error_code& ec) {
    --level;
    if (InItem()) {
      item.push_array(n);
      return true;
    }
    if (AtItem()) {
      item.push_array(n);
      return EndItem(ec);
    }
    if (item_level != 0 && level + 1 == item_level) {  // the streamed array closes
      item_level = 0;
      return true;
    }
    rest.push_array(n);
    return true;
  }

  bool on_object_begin(error_code&) {
    if (AtItem()) {
      StartItem();
    } else if (!InItem()) {
      if (level == 0) {
        reader->shape_ = DocumentShape::kObject;
        root_is_object = true;
      } else if (level == 1 && root_is_object) {
        FlushRootKey();
      }
    }
    ++level;
    return true;
  }
  bool on_object_end(std::size_t n, error_code& ec) {
    --level;
    if (InItem()) {
      item.push_object(n);
      return true;
    }
    if (AtItem()) {
      item.push_object(n);
      return EndItem(ec);
    }
    rest.push_object(level == 0 ? n - streamed_members : n);
    return true;
  }

  bool on_key_part(json::string_view s, std::size_t, error_code&) {
    if (InItem()) {
      item.push_chars(s);
    } else if (level == 1 && root_is_object) {
      if (!root_key_pending) root_key.clear();
      root_key_pending = true;
      root_key.append(s.data(), s.size());
    } else {
      rest.push_chars(s);
    }
    return true;
  }
  bool on_key(json::string_view s, std::size_t n, error_code& ec) {
    if (InItem()) {
      item.push_key(s);
    } else if (level == 1 && root_is_object) {
      on_key_part(s, n, ec);
      root_type.clear();
      if (!root_keys.insert(root_key).second) {
        // Which of two "type" or "objects" members counts is not something to guess.
        reader->callback_error_ = Status::InvalidArgument(
            "json: the top-level object has the member \"" + root_key + "\" twice");
        ec = boost::system::errc::make_error_code(boost::system::errc::operation_canceled);
        return false;
      }
    } else {
      rest.push_key(s);
    }
    return true;
  }

  bool on_string_part(json::string_view s, std::size_t, error_code&) {
    if (level == 1 && root_is_object && root_key == "type") root_type.append(s.data(), s.size());
    if (InItem()) {
      item.push_chars(s);
    } else if (!AtItem()) {
      if (level == 1 && root_is_object) FlushRootKey();
      rest.push_chars(s);
    } else {
      // A string item in parts: its characters wait on the item stack.
      if (item_chars_pending == false) StartItem();
      item_chars_pending = true;
      item.push_chars(s);
    }
    return true;
  }
  bool on_string(json::string_view s, std::size_t, error_code& ec) {
    if (level == 1 && root_is_object && root_key == "type") {
      root_type.append(s.data(), s.size());
      bundle_typed = root_type == "bundle";
    }
    if (AtItem()) {
      if (!item_chars_pending) StartItem();
      item_chars_pending = false;
      item.push_string(s);
      return EndItem(ec);
    }
    return Scalar([&](json::value_stack& st) { st.push_string(s); }, ec);
  }
  bool item_chars_pending = false;

  bool on_number_part(json::string_view, error_code&) { return true; }
  bool on_int64(std::int64_t i, json::string_view, error_code& ec) {
    return Scalar([&](json::value_stack& st) { st.push_int64(i); }, ec);
  }
  bool on_uint64(std::uint64_t u, json::string_view, error_code& ec) {
    return Scalar([&](json::value_stack& st) { st.push_uint64(u); }, ec);
  }
  bool on_double(double d, json::string_view, error_code& ec) {
    return Scalar([&](json::value_stack& st) { st.push_double(d); }, ec);
  }
  bool on_bool(bool b, error_code& ec) {
    return Scalar([&](json::value_stack& st) { st.push_bool(b); }, ec);
  }
  bool on_null(error_code& ec) {
    return Scalar([&](json::value_stack& st) { st.push_null(); }, ec);
  }
  bool on_comment_part(json::string_view, error_code&) { return true; }
  bool on_comment(json::string_view, error_code&) { return true; }
};

namespace {

json::parse_options Options(const ParseLimits& limits) {
  json::parse_options o;
  o.max_depth = limits.max_depth;
  return o;
}

}  // namespace

StreamReader::StreamReader(ItemFn on_item, const ParseLimits& limits)
    : on_item_(std::move(on_item)),
      limits_(limits),
      parser_(std::make_unique<json::basic_parser<Handler>>(Options(limits), this)) {}

StreamReader::~StreamReader() = default;

Status StreamReader::Emit(const json::value& item) {
  Status s = on_item_(item, items_);
  ++items_;
  return s;
}

namespace {

// Feeds `chunk` to `parser`; only whitespace may follow a complete document. `offset`
// counts the bytes consumed before this chunk and is advanced.
template <typename Parser>
Status FeedParser(Parser& parser, std::string_view chunk, const ParseLimits& limits, size_t* offset,
                  const Status& callback_error) {
  if (chunk.size() > limits.max_bytes - std::min(*offset, limits.max_bytes)) {
    return Status::ResourceExhausted("json: the document is over the limit of " +
                                     std::to_string(limits.max_bytes) + " bytes");
  }
  error_code ec;
  size_t done = 0;
  while (done < chunk.size()) {
    if (parser.done()) {
      for (; done < chunk.size(); ++done) {
        char c = chunk[done];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
          return Status::InvalidArgument("json: extra data after the document at byte offset " +
                                         std::to_string(*offset + done));
        }
      }
      break;
    }
    done += parser.write_some(true, chunk.data() + done, chunk.size() - done, ec);
    if (ec) {
      if (!callback_error.ok()) return callback_error;
      const std::string where = " at byte offset " + std::to_string(*offset + done);
      if (ec == json::error::too_deep) {
        return Status::ResourceExhausted("json: nesting deeper than " +
                                         std::to_string(limits.max_depth) + where);
      }
      return Status::InvalidArgument("json: " + ec.message() + where);
    }
  }
  *offset += chunk.size();
  return Status::Ok();
}

// Ends the document: a number at the very end is only complete now.
template <typename Parser>
Status FinishParser(Parser& parser, size_t offset, const Status& callback_error) {
  if (parser.done()) return Status::Ok();
  error_code ec;
  parser.write_some(false, nullptr, 0, ec);
  if (!callback_error.ok()) return callback_error;
  if (ec || !parser.done()) {
    return Status::InvalidArgument(
        "json: " + (ec ? ec.message() : std::string("incomplete document")) + " at byte offset " +
        std::to_string(offset));
  }
  return Status::Ok();
}

}  // namespace

Status StreamReader::Write(std::string_view chunk) {
  if (!callback_error_.ok()) return callback_error_;
  return FeedParser(*parser_, chunk, limits_, &offset_, callback_error_);
}

Status StreamReader::Finish() {
  if (!callback_error_.ok()) return callback_error_;
  ENTENTE_RETURN_IF_ERROR(FinishParser(*parser_, offset_, callback_error_));
  Handler& h = parser_->handler();
  if (shape_ == DocumentShape::kArray) return Status::Ok();
  json::value doc = h.rest.release();
  if (shape_ == DocumentShape::kUnknown) {  // a scalar document: the one (non-object) item
    shape_ = DocumentShape::kObject;
    return Emit(doc);
  }
  // What was not streamed is split as every whole document is. Items were streamed only
  // from a bundle, whose "objects" are then gone from `doc` (so it yields none here).
  const DocumentItems split = ItemsOf(doc);
  shape_ = split.shape;
  Status s;
  for (const json::value& v : split.items) {
    s = Emit(v);
    if (!s.ok()) break;
  }
  envelope_ = std::move(doc.get_object());
  if (shape_ == DocumentShape::kBundle && !split.objects_not_a_list) envelope_.erase("objects");
  return s;
}

// Accepts every event: the parser alone decides whether the text is JSON.
struct JsonSyntaxChecker::Handler {
  static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);
  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_array_begin(error_code&) { return true; }
  bool on_array_end(std::size_t, error_code&) { return true; }
  bool on_object_begin(error_code&) { return true; }
  bool on_object_end(std::size_t, error_code&) { return true; }
  bool on_string_part(json::string_view, std::size_t, error_code&) { return true; }
  bool on_string(json::string_view, std::size_t, error_code&) { return true; }
  bool on_key_part(json::string_view, std::size_t, error_code&) { return true; }
  bool on_key(json::string_view, std::size_t, error_code&) { return true; }
  bool on_number_part(json::string_view, error_code&) { return true; }
  bool on_int64(std::int64_t, json::string_view, error_code&) { return true; }
  bool on_uint64(std::uint64_t, json::string_view, error_code&) { return true; }
  bool on_double(double, json::string_view, error_code&) { return true; }
  bool on_bool(bool, error_code&) { return true; }
  bool on_null(error_code&) { return true; }
  bool on_comment_part(json::string_view, error_code&) { return true; }
  bool on_comment(json::string_view, error_code&) { return true; }
};

JsonSyntaxChecker::JsonSyntaxChecker(const ParseLimits& limits)
    : limits_(limits), parser_(std::make_unique<json::basic_parser<Handler>>(Options(limits))) {}

JsonSyntaxChecker::~JsonSyntaxChecker() = default;

Status JsonSyntaxChecker::Write(std::string_view chunk) {
  return FeedParser(*parser_, chunk, limits_, &offset_, Status::Ok());
}

Status JsonSyntaxChecker::Finish() { return FinishParser(*parser_, offset_, Status::Ok()); }

}  // namespace entente::stix
