#include "taxii/filters.h"

#include <algorithm>
#include <charconv>

#include "common/timestamp.h"

namespace entente::taxii {

namespace {

constexpr size_t kMaxListItems = 1000;

Status Bad(std::string_view param, std::string_view rule) {
  return Status::InvalidArgument("bad query parameter " + std::string(param) + ": " +
                                 std::string(rule) + " (" + std::string(param) + ": " +
                                 std::string(rule) + ")");
}

// Appends the comma-separated items of `value` to `out`; empty items are refused.
Status SplitList(std::string_view param, std::string_view value, std::vector<std::string>* out) {
  while (true) {
    size_t comma = value.find(',');
    std::string_view item = value.substr(0, comma);
    if (item.empty()) return Bad(param, "empty list item");
    if (out->size() >= kMaxListItems) return Bad(param, "too many values");
    out->emplace_back(item);
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return Status::Ok();
}

bool ParseUnsigned(std::string_view s, uint64_t* out) {
  if (s.empty() || s.size() > 19) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

bool LooksLikeStixId(std::string_view id) {
  size_t sep = id.find("--");
  if (sep == std::string_view::npos || sep == 0 || sep + 2 >= id.size()) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
  });
}

}  // namespace

std::optional<int64_t> Filters::lower_bound_us() const {
  if (added_after_us && cursor_us) return std::max(*added_after_us, *cursor_us);
  if (cursor_us) return cursor_us;
  return added_after_us;
}

std::string EncodeCursor(int64_t date_added_us) { return "c" + std::to_string(date_added_us); }

Result<int64_t> DecodeCursor(std::string_view text) {
  uint64_t v = 0;
  if (text.size() < 2 || text[0] != 'c' || !ParseUnsigned(text.substr(1), &v) ||
      v > static_cast<uint64_t>(INT64_MAX)) {
    return Bad("next", "not a cursor returned by this server");
  }
  return static_cast<int64_t>(v);
}

Result<Filters> ParseFilters(const std::vector<http::QueryParam>& params,
                             const FilterSupport& support, size_t default_limit, size_t max_limit) {
  Filters f;
  f.limit = std::min(default_limit, max_limit);
  f.query.match_last = !support.default_all_versions;
  f.query.match_all = support.default_all_versions;
  bool version_given = false;
  for (const auto& [key, value] : params) {
    if (key == "added_after") {
      auto ts = ParseTimestamp(value);
      if (!ts.ok()) return Bad(key, "not an RFC 3339 UTC timestamp");
      f.added_after_us = ts->micros;
    } else if (key == "limit") {
      uint64_t n = 0;
      if (!ParseUnsigned(value, &n) || n == 0) return Bad(key, "not a positive integer");
      f.limit = static_cast<size_t>(std::min<uint64_t>(n, max_limit));
    } else if (key == "next") {
      auto c = DecodeCursor(value);
      if (!c.ok()) return c.status();
      f.cursor_us = *c;
    } else if (key == "match[id]" && support.match_id) {
      std::vector<std::string> ids;
      ENTENTE_RETURN_IF_ERROR(SplitList(key, value, &ids));
      for (const auto& id : ids) {
        if (!LooksLikeStixId(id)) return Bad(key, "not a STIX identifier");
      }
      f.query.ids.insert(f.query.ids.end(), ids.begin(), ids.end());
    } else if (key == "match[type]" && support.match_type) {
      ENTENTE_RETURN_IF_ERROR(SplitList(key, value, &f.query.types));
    } else if (key == "match[spec_version]" && support.match_spec_version) {
      ENTENTE_RETURN_IF_ERROR(SplitList(key, value, &f.query.spec_versions));
    } else if (key == "match[version]" && support.match_version) {
      if (!version_given) {
        version_given = true;
        f.query.match_first = f.query.match_last = f.query.match_all = false;
      }
      std::vector<std::string> items;
      ENTENTE_RETURN_IF_ERROR(SplitList(key, value, &items));
      for (const auto& item : items) {
        if (item == "first") {
          f.query.match_first = true;
        } else if (item == "last") {
          f.query.match_last = true;
        } else if (item == "all") {
          f.query.match_all = true;
        } else {
          auto ts = ParseTimestamp(item);
          if (!ts.ok()) return Bad(key, "not first, last, all or a timestamp");
          f.query.version_us.push_back(ts->micros);
        }
      }
    }
  }
  f.query.added_after_us = f.lower_bound_us();
  return f;
}

}  // namespace entente::taxii
