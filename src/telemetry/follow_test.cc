// LogFollower on real files in a temporary directory: growth, partial lines, rotation by
// rename, copytruncate, restarts from a saved position, over-long lines.
#include "telemetry/follow.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace entente::telemetry {
namespace {

class FollowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/entente-follow-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    log_ = dir_ + "/eve.json";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void Append(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::app | std::ios::binary);
    out << text;
  }
  std::vector<std::string> PollAll(LogFollower& f) {
    std::vector<std::string> lines;
    auto n = f.Poll([&](std::string_view line, const Position& after) {
      lines.emplace_back(line);
      last_ = after;
    });
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    if (n.ok()) EXPECT_EQ(*n, lines.size());
    return lines;
  }

  std::string dir_, log_;
  Position last_;
};

using Lines = std::vector<std::string>;

TEST_F(FollowTest, CompleteLinesOnlyAndGrowth) {
  LogFollower f(log_);
  ASSERT_TRUE(f.Open().ok());
  EXPECT_EQ(PollAll(f), Lines{});  // no file yet
  Append(log_, "one\ntwo\nthr");
  EXPECT_EQ(PollAll(f), (Lines{"one", "two"}));
  EXPECT_EQ(f.position().offset, 8u);
  Append(log_, "ee\r\n\nfour\n");
  EXPECT_EQ(PollAll(f), (Lines{"three\r", "", "four"}));
  EXPECT_EQ(PollAll(f), Lines{});
}

// logrotate's default: the file is renamed and a new one created. Lines written to the old
// file after the last poll still come, before the new file's.
TEST_F(FollowTest, RotationByRenameReadsTheOldFileToItsEnd) {
  Append(log_, "a\n");
  LogFollower f(log_);
  ASSERT_TRUE(f.Open().ok());
  EXPECT_EQ(PollAll(f), Lines{"a"});
  Append(log_, "b\n");
  ASSERT_EQ(std::rename(log_.c_str(), (log_ + ".1").c_str()), 0);
  EXPECT_EQ(PollAll(f), Lines{"b"});  // renamed, no new file yet
  Append(log_ + ".1", "c\n");
  Append(log_, "d\ne\n");
  EXPECT_EQ(PollAll(f), (Lines{"c", "d", "e"}));
  EXPECT_EQ(f.rotations(), 1u);
}

// logrotate's copytruncate: the same file, emptied, written again.
TEST_F(FollowTest, TruncationStartsAgain) {
  Append(log_, "first line\nsecond line\n");
  LogFollower f(log_);
  ASSERT_TRUE(f.Open().ok());
  EXPECT_EQ(PollAll(f).size(), 2u);
  ASSERT_EQ(truncate(log_.c_str(), 0), 0);
  Append(log_, "x\n");
  EXPECT_EQ(PollAll(f), Lines{"x"});
}

// A restart resumes after the last line the caller dealt with: nothing twice, nothing
// skipped - also when the log was rotated while the reader was down.
TEST_F(FollowTest, RestartResumesAtTheSavedPosition) {
  Append(log_, "1\n2\n3\n");
  Position saved;
  {
    LogFollower f(log_);
    ASSERT_TRUE(f.Open().ok());
    EXPECT_EQ(PollAll(f).size(), 3u);
    saved = last_;
  }
  Append(log_, "4\n");
  {
    LogFollower f(log_);
    ASSERT_TRUE(f.Open(saved).ok());
    EXPECT_EQ(PollAll(f), Lines{"4"});
    saved = f.position();
  }
  Position text;
  ASSERT_TRUE(ParsePosition(FormatPosition(saved), &text));
  EXPECT_EQ(text, saved);
  Append(log_, "5\n");
  ASSERT_EQ(std::rename(log_.c_str(), (log_ + ".1").c_str()), 0);
  Append(log_, "6\n");
  LogFollower f(log_);
  ASSERT_TRUE(f.Open(text).ok());
  EXPECT_EQ(PollAll(f), (Lines{"5", "6"}));
}

TEST_F(FollowTest, OverLongLinesAreSkippedAndCounted) {
  FollowOptions options;
  options.max_line_bytes = 10;
  LogFollower f(log_, options);
  ASSERT_TRUE(f.Open().ok());
  Append(log_, "short\n" + std::string(25, 'x'));
  EXPECT_EQ(PollAll(f), Lines{"short"});
  Append(log_, std::string(100000, 'y') + "\nafter\n" + std::string(11, 'z') + "\nok\n");
  EXPECT_EQ(PollAll(f), (Lines{"after", "ok"}));
  EXPECT_EQ(f.long_lines(), 2u);
  EXPECT_EQ(f.position().offset, 6u + 25 + 100000 + 1 + 6 + 12 + 3);
}

TEST(Position, TextForm) {
  Position p;
  EXPECT_TRUE(ParsePosition("2049:131:0", &p));
  EXPECT_EQ(p, (Position{2049, 131, 0}));
  for (const char* bad :
       {"", "1:2", "1:2:3:4", "1::3", "a:2:3", "1:2:3 ", "99999999999999999999:1:1"}) {
    EXPECT_FALSE(ParsePosition(bad, &p)) << bad;
  }
}

}  // namespace
}  // namespace entente::telemetry
