// ParseJson: Boost.JSON's parser under byte and depth limits, with errors that name the
// byte offset.
#include <boost/json/error.hpp>
#include <boost/json/stream_parser.hpp>
#include <string>

#include "stix/stix.h"

namespace entente::stix {

Result<boost::json::value> ParseJson(std::string_view text, const ParseLimits& limits,
                                     boost::json::storage_ptr sp) {
  if (text.size() > limits.max_bytes) {
    return Status::ResourceExhausted("json: the document is " + std::to_string(text.size()) +
                                     " bytes, over the limit of " +
                                     std::to_string(limits.max_bytes));
  }
  boost::json::parse_options opts;
  opts.max_depth = limits.max_depth;
  boost::json::stream_parser parser({}, opts);
  parser.reset(std::move(sp));
  boost::system::error_code ec;
  const size_t consumed = parser.write_some(text.data(), text.size(), ec);
  if (!ec && consumed < text.size()) {
    // write_some stops after a complete value; anything but whitespace after it is an error.
    ec = boost::json::error::extra_data;
  }
  if (!ec) parser.finish(ec);
  if (ec) {
    const std::string where = " at byte offset " + std::to_string(consumed);
    if (ec == boost::json::error::too_deep) {
      return Status::ResourceExhausted("json: nesting deeper than " +
                                       std::to_string(limits.max_depth) + where);
    }
    return Status::InvalidArgument("json: " + ec.message() + where);
  }
  return parser.release();
}

}  // namespace entente::stix
