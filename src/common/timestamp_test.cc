#include "common/timestamp.h"

#include <gtest/gtest.h>

namespace entente {
namespace {

TEST(Timestamp, ParsesMillisecondsAndRoundTrips) {
  auto ts = ParseTimestamp("2016-05-12T08:17:27.000Z");
  ASSERT_TRUE(ts.ok()) << ts.status().ToString();
  EXPECT_EQ(ts->fraction_digits, 3);
  EXPECT_EQ(FormatTimestamp(ts->micros, 3), "2016-05-12T08:17:27.000Z");
  EXPECT_EQ(ts->micros, 1463041047000000);
}

TEST(Timestamp, NoFractionAndLongFraction) {
  auto a = ParseTimestamp("1970-01-01T00:00:00Z");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->micros, 0);
  auto b = ParseTimestamp("2020-02-29T23:59:59.123456789Z");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->fraction_digits, 9);
  EXPECT_EQ(FormatTimestamp(b->micros), "2020-02-29T23:59:59.123456Z");
}

TEST(Timestamp, RejectsWhatRfc3339UtcForbids) {
  EXPECT_FALSE(ParseTimestamp("2016-05-12T08:17:27.000").ok());
  EXPECT_FALSE(ParseTimestamp("2016-05-12T08:17:27+01:00").ok());
  EXPECT_FALSE(ParseTimestamp("2016-05-12t08:17:27Z").ok());
  EXPECT_FALSE(ParseTimestamp("2019-02-29T00:00:00Z").ok());
  EXPECT_FALSE(ParseTimestamp("2016-13-12T08:17:27Z").ok());
  EXPECT_FALSE(ParseTimestamp("2016-05-12T08:17:27.Z").ok());
  EXPECT_FALSE(ParseTimestamp("").ok());
}

TEST(Timestamp, FormatsBeforeEpoch) {
  auto a = ParseTimestamp("1969-12-31T23:59:59.500Z");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(FormatTimestamp(a->micros, 3), "1969-12-31T23:59:59.500Z");
}

}  // namespace
}  // namespace entente
