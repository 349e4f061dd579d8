#include "taxii/filters.h"

#include <gtest/gtest.h>

#include "common/timestamp.h"

namespace entente::taxii {
namespace {

using Params = std::vector<http::QueryParam>;

TEST(Filters, Defaults) {
  auto f = ParseFilters({}, {}, 100, 1000);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->limit, 100u);
  EXPECT_TRUE(f->query.match_last);
  EXPECT_FALSE(f->query.match_all);
  EXPECT_FALSE(f->query.added_after_us.has_value());
  FilterSupport versions;
  versions.default_all_versions = true;
  auto v = ParseFilters({}, versions, 100, 1000);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->query.match_all);
}

TEST(Filters, ParsesEveryFilter) {
  Params p = {{"added_after", "2020-01-01T00:00:00.000001Z"},
              {"limit", "5"},
              {"match[id]", "indicator--1,malware--2"},
              {"match[id]", "tool--3"},
              {"match[type]", "indicator,malware"},
              {"match[version]", "first,2021-02-03T04:05:06.789Z"},
              {"match[spec_version]", "2.1"},
              {"unknown", "ignored"}};
  auto f = ParseFilters(p, {}, 100, 1000);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->limit, 5u);
  EXPECT_EQ(*f->added_after_us, ParseTimestamp("2020-01-01T00:00:00.000001Z")->micros);
  EXPECT_EQ(f->query.ids, (std::vector<std::string>{"indicator--1", "malware--2", "tool--3"}));
  EXPECT_EQ(f->query.types, (std::vector<std::string>{"indicator", "malware"}));
  EXPECT_TRUE(f->query.match_first);
  EXPECT_FALSE(f->query.match_last);
  ASSERT_EQ(f->query.version_us.size(), 1u);
  EXPECT_EQ(f->query.version_us[0], ParseTimestamp("2021-02-03T04:05:06.789Z")->micros);
  EXPECT_EQ(f->query.spec_versions, (std::vector<std::string>{"2.1"}));
}

TEST(Filters, LimitIsClampedToTheMaximum) {
  auto f = ParseFilters({{"limit", "100000"}}, {}, 100, 1000);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->limit, 1000u);
}

TEST(Filters, BadValuesNameTheParameter) {
  for (const auto& [k, v] : Params{{"limit", "0"},
                                   {"limit", "-1"},
                                   {"limit", "ten"},
                                   {"added_after", "yesterday"},
                                   {"next", "garbage"},
                                   {"match[version]", "newest"},
                                   {"match[type]", "a,,b"},
                                   {"match[id]", "not an id"}}) {
    auto f = ParseFilters({{k, v}}, {}, 100, 1000);
    ASSERT_FALSE(f.ok()) << k << "=" << v;
    EXPECT_EQ(f.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(f.status().message().find(k), std::string::npos) << f.status().message();
  }
}

TEST(Filters, CursorRoundTripsAndRaisesTheLowerBound) {
  auto c = DecodeCursor(EncodeCursor(1234567));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(*c, 1234567);
  auto f = ParseFilters({{"added_after", "1970-01-01T00:00:01Z"}, {"next", EncodeCursor(5000000)}},
                        {}, 100, 1000);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(*f->query.added_after_us, 5000000);
  auto g = ParseFilters({{"added_after", "1970-01-01T00:00:09Z"}, {"next", EncodeCursor(5000000)}},
                        {}, 100, 1000);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(*g->query.added_after_us, 9000000);
}

TEST(Filters, UnsupportedFiltersAreIgnored) {
  FilterSupport s;
  s.match_id = false;
  auto f = ParseFilters({{"match[id]", "not an id"}}, s, 100, 1000);
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(f->query.ids.empty());
}

}  // namespace
}  // namespace entente::taxii
