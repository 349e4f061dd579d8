#include "cli/progress.h"

#include <gtest/gtest.h>

namespace entente::cli {
namespace {

TEST(ProgressTest, HalfWay) {
  ProgressState s;
  s.done = 50;
  s.total = 100;
  s.seconds = 2.0;
  s.bar_width = 10;
  EXPECT_EQ(FormatProgress(s), "[#####.....]  50/100 objects  50.0%  25 objects/s");
}

TEST(ProgressTest, StartAndEnd) {
  ProgressState s;
  s.total = 3;
  s.bar_width = 6;
  EXPECT_EQ(FormatProgress(s), "[......]  0/3 objects  0.0%  0 objects/s");
  s.done = 3;
  s.seconds = 0.5;
  EXPECT_EQ(FormatProgress(s), "[######]  3/3 objects  100.0%  6 objects/s");
}

TEST(ProgressTest, UnknownTotal) {
  ProgressState s;
  s.done = 1234;
  s.seconds = 1.0;
  EXPECT_EQ(FormatProgress(s), "1234 objects  1234 objects/s");
}

TEST(ProgressTest, DoneBeyondTotalIsClamped) {
  ProgressState s;
  s.done = 12;
  s.total = 10;
  s.bar_width = 4;
  EXPECT_EQ(FormatProgress(s), "[####]  12/10 objects  100.0%  0 objects/s");
}

}  // namespace
}  // namespace entente::cli
