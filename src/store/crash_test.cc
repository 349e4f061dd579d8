// A child process adds objects and is SIGKILLed at a random moment; every object whose
// AddObjects returned OK must be in the file afterwards, the file must pass SQLite's
// integrity check, and date_added must still increase strictly.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <set>
#include <thread>

#include "store/store.h"
#include "store/test_util.h"

namespace entente::store {
namespace {

using testing::MakeObject;
using testing::TempDir;

constexpr int kBatch = 10;

std::string ObjectId(int round, int64_t batch, int i) {
  return "indicator--" + std::to_string(round) + "-" + std::to_string(batch) + "-" +
         std::to_string(i);
}

// Runs in the child: adds batches forever, reporting each committed batch on `fd`.
[[noreturn]] void WriteUntilKilled(const std::string& path, int round, int fd) {
  SqliteOptions o;  // default durability (synchronous=FULL)
  auto store = OpenSqliteStore(path, o);
  if (!store.ok()) _exit(2);
  for (int64_t b = 0;; ++b) {
    std::vector<NewObject> batch;
    for (int i = 0; i < kBatch; ++i) batch.push_back(MakeObject(ObjectId(round, b, i), "v", 1));
    if (!(*store)->AddObjects("c-1", batch).ok()) _exit(3);
    if (write(fd, &b, sizeof b) != sizeof b) _exit(4);
  }
}

std::string IntegrityCheck(const std::string& path) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, nullptr);
  std::string out = sqlite3_step(st) == SQLITE_ROW
                        ? reinterpret_cast<const char*>(sqlite3_column_text(st, 0))
                        : "no answer";
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

TEST(SqliteStoreCrash, KilledWriterLosesNoAcknowledgedObject) {
  TempDir dir;
  const std::string path = dir.File("entente.db");
  {
    SqliteOptions o;
    o.create_if_missing = true;
    auto store = OpenSqliteStore(path, o);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    ASSERT_TRUE((*store)->PutCollection({"c-1", "cti", "T", "", policy::Tlp::kAmber, {}, {}}).ok());
  }
  std::mt19937 rng(std::random_device{}());
  int64_t expected_total = 0;
  for (int round = 0; round < 5; ++round) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(fds[0]);
      WriteUntilKilled(path, round, fds[1]);
    }
    close(fds[1]);
    // Wait for the first acknowledgement, then kill at a random moment after it.
    int64_t b = -1;
    ASSERT_EQ(read(fds[0], &b, sizeof b), static_cast<ssize_t>(sizeof b));
    std::this_thread::sleep_for(
        std::chrono::microseconds(std::uniform_int_distribution<int>(0, 150'000)(rng)));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "child stopped by itself, status " << status;
    // Every acknowledgement written before the kill is still in the pipe.
    int64_t acknowledged = b + 1;
    while (read(fds[0], &b, sizeof b) == static_cast<ssize_t>(sizeof b)) acknowledged = b + 1;
    close(fds[0]);

    EXPECT_EQ(IntegrityCheck(path), "ok");
    auto store = OpenSqliteStore(path);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    std::set<std::string> present;
    int64_t prev = 0, rows = 0;
    ObjectQuery q;
    q.collection_id = "c-1";
    ASSERT_TRUE((*store)
                    ->ScanObjects(q,
                                  [&](const ObjectRow& r) {
                                    EXPECT_GT(r.date_added_us, prev);
                                    prev = r.date_added_us;
                                    ++rows;
                                    present.emplace(r.id);
                                    return ScanAction::kContinue;
                                  })
                    .ok());
    for (int64_t batch = 0; batch < acknowledged; ++batch) {
      for (int i = 0; i < kBatch; ++i) {
        ASSERT_TRUE(present.count(ObjectId(round, batch, i)))
            << "round " << round << ": lost " << ObjectId(round, batch, i) << " of " << acknowledged
            << " acknowledged batches";
      }
    }
    // Whole batches only: at most the one in flight committed without its ack.
    expected_total += acknowledged * kBatch;
    EXPECT_GE(rows, expected_total);
    EXPECT_LE(rows, expected_total + kBatch);
    EXPECT_EQ(rows % kBatch, 0);
    expected_total = rows;
  }
}

}  // namespace
}  // namespace entente::store
