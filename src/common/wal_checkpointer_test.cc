// common/wal_checkpointer.h: the writer's log is copied into the database file by the
// checkpointer's thread, not by SQLite's own checkpoints on the writer.
#include "common/wal_checkpointer.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

namespace entente {
namespace {

int64_t FileSize(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_size) : -1;
}

int64_t PragmaInt(sqlite3* db, const char* sql) {
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql, -1, &st, nullptr), SQLITE_OK);
  int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
  sqlite3_finalize(st);
  return v;
}

TEST(WalCheckpointer, CopiesTheLogOnItsOwnThread) {
  char dir[] = "/tmp/wal_checkpointer_testXXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string path = std::string(dir) + "/db";
  sqlite3* writer = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &writer), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(writer, "PRAGMA journal_mode=WAL; CREATE TABLE t(b BLOB)", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  {
    auto c = WalCheckpointer::Start(path, writer, 5000, "NORMAL");
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    EXPECT_EQ(PragmaInt(writer, "PRAGMA wal_autocheckpoint"), 0) << "SQLite's own are off";
    // 24 MiB in 1 MiB transactions: past kBytes (16 MiB), under kWriterBytes, so only the
    // checkpointer's thread copies the log into the file.
    sqlite3_stmt* ins = nullptr;
    ASSERT_EQ(
        sqlite3_prepare_v2(writer, "INSERT INTO t VALUES(zeroblob(1048576))", -1, &ins, nullptr),
        SQLITE_OK);
    for (int i = 0; i < 24; ++i) {
      ASSERT_EQ(sqlite3_step(ins), SQLITE_DONE);
      sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    const int64_t want = int64_t{16} << 20;
    for (int i = 0; i < 200 && FileSize(path) < want; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_GE(FileSize(path), want) << "the database file holds what the log held";
  }  // stops the thread and removes the hook
  EXPECT_EQ(sqlite3_exec(writer, "INSERT INTO t VALUES(x'00')", nullptr, nullptr, nullptr),
            SQLITE_OK)
      << "the writer goes on without it";
  sqlite3_close(writer);
  std::system(("rm -rf " + std::string(dir)).c_str());
}

}  // namespace
}  // namespace entente
