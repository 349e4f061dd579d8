// web/html.h: the one escaping function every page uses, and the small text helpers the
// pages share (JSON pretty-printing, numbers, times, links).
//
// Html() is applied to every piece of text that enters a page, whatever its origin
// (object JSON, names, the user's own query): the five characters that HTML gives a
// meaning to in text and in quoted attribute values are replaced by character references.
// Pure functions, safe from any thread; results own their data.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace entente::web {

// `text` with & < > " ' replaced by &amp; &lt; &gt; &quot; &#39;. Bytes that are not
// valid UTF-8 are replaced by U+FFFD so that a page is always valid UTF-8.
std::string Html(std::string_view text);

// A link target under /ui/: `path` followed by the non-empty parameters, percent-encoded,
// then HTML-escaped for use in an attribute (e.g. Href("/ui/object", {{"id", id}})).
std::string Href(std::string_view path,
                 const std::vector<std::pair<std::string, std::string>>& params);

// JSON text indented by two spaces per level (keys in their stored order).
std::string PrettyJson(const boost::json::value& v);

// 12345 -> "12,345".
std::string Thousands(int64_t n);

// Microseconds since the epoch as "2026-12-03 01:02:03 UTC" ("never" for 0).
std::string WhenText(int64_t micros);

}  // namespace entente::web
