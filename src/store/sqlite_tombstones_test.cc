// Tombstones in the SQLite store: the shared contract cases, and resuming across a reopen.
#include <gtest/gtest.h>

#include "store/sqlite_store.h"
#include "store/test_util.h"
#include "store/tombstone_cases.h"

namespace entente::store {
namespace {

using testing::ManualClock;
using testing::TempDir;

SqliteOptions Options(Clock* clock) {
  SqliteOptions o;
  o.create_if_missing = true;
  o.synchronous = "NORMAL";
  o.clock = clock;
  return o;
}

TEST(SqliteTombstonesTest, Contract) {
  TempDir dir;
  ManualClock clock;
  auto s = OpenSqliteStore(dir.File("db"), Options(&clock));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  testing::CheckTombstoneContract(**s, clock);
}

TEST(SqliteTombstonesTest, SeqKeepsGrowingAfterReopenAndAnotherCollectionIsDropped) {
  TempDir dir;
  ManualClock clock;
  int64_t last = 0;
  {
    auto s = OpenSqliteStore(dir.File("db"), Options(&clock));
    ASSERT_TRUE(s.ok());
    Store& st = **s;
    ASSERT_TRUE(st.PutCollection({"a", "cti", "A", "", policy::Tlp::kAmber, {}, {}}).ok());
    ASSERT_TRUE(st.PutCollection({"b", "cti", "B", "", policy::Tlp::kAmber, {}, {}}).ok());
    ASSERT_TRUE(st.AddObjects("a", {testing::MakeObject("x--1", "v1", 1)}).ok());
    ASSERT_TRUE(st.AddObjects("b", {testing::MakeObject("x--2", "v1", 1)}).ok());
    ASSERT_EQ(*st.DeleteObject("a", "x--1", {}, ""), 1);
    ASSERT_EQ(*st.DeleteObject("b", "x--2", {}, ""), 1);  // the greatest seq so far
    last = st.ListTombstones("a", 0, 10)->back().seq;
    ASSERT_TRUE(st.DeleteCollection("b").ok());  // its tombstones go with it
  }
  auto s = OpenSqliteStore(dir.File("db"), Options(&clock));
  ASSERT_TRUE(s.ok());
  Store& st = **s;
  ASSERT_TRUE(st.AddObjects("a", {testing::MakeObject("x--3", "v1", 1)}).ok());
  ASSERT_EQ(*st.DeleteObject("a", "x--3", {}, ""), 1);
  auto after = st.ListTombstones("a", last, 10);
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(testing::TombstoneKeys(*after), std::vector<std::string>{"x--3@v1"});
  EXPECT_GT(after->front().seq, last);
}

}  // namespace
}  // namespace entente::store
