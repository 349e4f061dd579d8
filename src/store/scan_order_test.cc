// ScanObjects newest first on the SQLite store (store/scan_order_cases.h).
#include <gtest/gtest.h>

#include "store/scan_order_cases.h"
#include "store/test_util.h"

namespace entente::store {
namespace {

TEST(SqliteScanOrder, NewestFirstIsTheReverseOfOldestFirst) {
  testing::TempDir dir;
  SqliteOptions o;
  o.create_if_missing = true;
  o.synchronous = "OFF";
  auto s = OpenSqliteStore(dir.File("db"), o);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  testing::CheckScanOrderContract(**s);
}

}  // namespace
}  // namespace entente::store
