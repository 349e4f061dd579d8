// Object versions in the SQLite store: add, duplicates, date_added, first/last, every
// scan filter, delete with tombstones, concurrent readers and writers.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <thread>

#include "store/ownership_cases.h"
#include "store/sqlite_store.h"
#include "store/test_util.h"

namespace entente::store {
namespace {

using testing::MakeObject;
using testing::ManualClock;
using testing::TempDir;

struct Seen {
  int64_t date_added_us;
  std::string id;
  std::string version;
  std::string type;
  std::string spec_version;
  std::string json;
  policy::Labels labels;
};

class ObjectsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SqliteOptions o;
    o.create_if_missing = true;
    o.synchronous = "NORMAL";
    o.clock = &clock_;
    auto s = OpenSqliteStore(dir_.File("db"), o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    ASSERT_TRUE(store_->PutCollection({"c-1", "cti", "T", "", policy::Tlp::kAmber, {}, {}}).ok());
  }

  std::vector<AddResult> Add(std::vector<NewObject> objects, const std::string& coll = "c-1") {
    auto r = store_->AddObjects(coll, objects);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : std::vector<AddResult>{};
  }

  std::vector<Seen> Scan(ObjectQuery q) {
    if (q.collection_id.empty()) q.collection_id = "c-1";
    std::vector<Seen> out;
    Status s = store_->ScanObjects(q, [&](const ObjectRow& r) {
      out.push_back({r.date_added_us, std::string(r.id), std::string(r.version),
                     std::string(r.type), std::string(r.spec_version), std::string(r.json),
                     r.labels});
      return ScanAction::kContinue;
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }

  static std::vector<std::string> Keys(const std::vector<Seen>& rows) {
    std::vector<std::string> k;
    for (const auto& r : rows) k.push_back(r.id + "@" + r.version);
    return k;
  }

  static ObjectQuery All() {
    ObjectQuery q;
    q.match_last = false;
    q.match_all = true;
    return q;
  }

  TempDir dir_;
  ManualClock clock_;
  std::unique_ptr<Store> store_;
};

TEST_F(ObjectsTest, AddAndScanRoundTrip) {
  NewObject o = MakeObject("indicator--1", "2020-01-01T00:00:00.000Z", 1000);
  o.labels.tlp = policy::Tlp::kRed;
  o.labels.owner_org = "org-z";
  o.labels.audience.individuals = {"identity--p"};
  o.labels.audience.communities = {"energy"};
  auto r = Add({o, MakeObject("malware--2", "", 0, "malware")});
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].outcome, AddOutcome::kAdded);
  auto rows = Scan(All());
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].id, "indicator--1");
  EXPECT_EQ(rows[0].version, "2020-01-01T00:00:00.000Z");
  EXPECT_EQ(rows[0].json, o.json);
  EXPECT_EQ(rows[0].type, "indicator");
  EXPECT_EQ(rows[0].spec_version, "2.1");
  EXPECT_EQ(rows[0].date_added_us, r[0].date_added_us);
  EXPECT_EQ(rows[0].labels.tlp, policy::Tlp::kRed);
  EXPECT_EQ(rows[0].labels.owner_org, "org-z");
  EXPECT_EQ(rows[0].labels.audience.individuals, std::vector<std::string>{"identity--p"});
  EXPECT_EQ(rows[0].labels.audience.communities, std::vector<std::string>{"energy"});
  // The second row's labels do not inherit the first row's audience.
  EXPECT_TRUE(rows[1].labels.audience.empty());
  EXPECT_EQ(rows[1].labels.tlp, policy::Tlp::kAmber);
  EXPECT_EQ(rows[1].version, "");
  EXPECT_EQ(*store_->CountObjects("c-1"), 2);
}

TEST_F(ObjectsTest, BulkAddIsInvisibleUntilCommitAndDiscardedWithoutIt) {
  auto count = [&]() -> int64_t {
    auto n = store_->CountObjects("c-1");
    return n.ok() ? *n : -1;
  };
  {
    auto bulk = store_->BeginBulkAdd("c-1");
    ASSERT_TRUE(bulk.ok()) << bulk.status().ToString();
    auto first = (*bulk)->Add({MakeObject("a--1", "v", 1), MakeObject("a--2", "v", 1)});
    ASSERT_TRUE(first.ok()) << first.status().ToString();
    auto second = (*bulk)->Add({MakeObject("a--3", "v", 1), MakeObject("a--1", "v", 1)});
    ASSERT_TRUE(second.ok()) << second.status().ToString();
    EXPECT_EQ((*second)[0].outcome, AddOutcome::kAdded);
    EXPECT_EQ((*second)[1].outcome, AddOutcome::kDuplicate);  // added by the first, uncommitted
    EXPECT_EQ(count(), 0);                                    // readers see nothing yet
    ASSERT_TRUE((*bulk)->Commit().ok());
    EXPECT_EQ(count(), 3);
    ASSERT_TRUE((*bulk)->Add({MakeObject("a--4", "v", 1)}).ok());
  }  // destroyed without committing a--4
  EXPECT_EQ(count(), 3);
  EXPECT_EQ(Keys(Scan(All())), (std::vector<std::string>{"a--1@v", "a--2@v", "a--3@v"}));
  Add({MakeObject("a--5", "v", 1)});  // the writer is free again
  EXPECT_EQ(count(), 4);
}

TEST_F(ObjectsTest, BulkAddErrorDiscardsEverySinceTheLastCommit) {
  auto bulk = store_->BeginBulkAdd("nope");
  ASSERT_TRUE(bulk.ok());
  EXPECT_EQ((*bulk)->Add({MakeObject("a--1", "v", 1)}).status().code(), StatusCode::kNotFound);
  auto good = store_->BeginBulkAdd("c-1");
  ASSERT_TRUE(good.ok());
  ASSERT_TRUE((*good)->Add({MakeObject("a--1", "v", 1)}).ok());
  ASSERT_TRUE((*good)->Commit().ok());
  ASSERT_TRUE((*good)->Add({MakeObject("a--2", "v", 1)}).ok());
  NewObject no_id = MakeObject("", "v", 1);
  EXPECT_EQ((*good)->Add({no_id}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE((*good)->Commit().ok());  // nothing left to commit
  EXPECT_EQ(Keys(Scan(All())), (std::vector<std::string>{"a--1@v"}));
}

// Past its first 20,000 objects a bulk add skips the lookup of ids it knows are new;
// duplicates, new versions and objects added by another writer between its commits must
// still be found.
TEST_F(ObjectsTest, LongBulkAddStillFindsDuplicatesAndOtherWritersObjects) {
  auto bulk = store_->BeginBulkAdd("c-1");
  ASSERT_TRUE(bulk.ok());
  for (int b = 0; b < 4; ++b) {
    std::vector<NewObject> batch;
    for (int i = b * 10000; i < (b + 1) * 10000; ++i) {
      batch.push_back(MakeObject("a--" + std::to_string(i), "v1", 1));
    }
    if (b == 3) batch.push_back(MakeObject("a--5", "v1", 1));  // duplicate in a later batch
    auto r = (*bulk)->Add(batch);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    if (b == 3) EXPECT_EQ(r->back().outcome, AddOutcome::kDuplicate);
  }
  ASSERT_TRUE((*bulk)->Commit().ok());
  Add({MakeObject("a--40000", "v1", 1)});  // another writer, between two commits
  auto r = (*bulk)->Add({MakeObject("a--40000", "v1", 1), MakeObject("a--7", "v1", 1),
                         MakeObject("a--7", "v2", 2), MakeObject("a--40001", "v1", 1)});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 4u);
  EXPECT_EQ((*r)[0].outcome, AddOutcome::kDuplicate);
  EXPECT_EQ((*r)[1].outcome, AddOutcome::kDuplicate);
  EXPECT_EQ((*r)[2].outcome, AddOutcome::kAdded);
  EXPECT_EQ((*r)[3].outcome, AddOutcome::kAdded);
  ASSERT_TRUE((*bulk)->Commit().ok());
  auto n = store_->CountObjects("c-1");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 40003);
  ObjectQuery last;
  last.ids = {"a--7"};
  auto rows = Scan(last);  // the default is the last version
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].version, "v2");
}

TEST_F(ObjectsTest, UnknownCollection) {
  EXPECT_EQ(store_->AddObjects("nope", {MakeObject("x--1", "v", 1)}).status().code(),
            StatusCode::kNotFound);
  ObjectQuery q = All();
  q.collection_id = "nope";
  EXPECT_EQ(store_->ScanObjects(q, [](const ObjectRow&) { return ScanAction::kContinue; }).code(),
            StatusCode::kNotFound);
  EXPECT_EQ(store_->DeleteObject("nope", "x--1", {}, "").status().code(), StatusCode::kNotFound);
}

TEST_F(ObjectsTest, DuplicateVersionKeepsFirstDateAdded) {
  auto first = Add({MakeObject("indicator--1", "v1", 1)});
  clock_.Set(clock_.NowMicros() + 5'000'000);
  NewObject again = MakeObject("indicator--1", "v1", 1);
  again.json = R"({"changed":true})";
  auto second = Add({again, MakeObject("indicator--1", "v2", 2), again});
  ASSERT_EQ(second.size(), 3u);
  EXPECT_EQ(second[0].outcome, AddOutcome::kDuplicate);
  EXPECT_EQ(second[0].date_added_us, first[0].date_added_us);
  EXPECT_EQ(second[1].outcome, AddOutcome::kAdded);
  EXPECT_EQ(second[2].outcome, AddOutcome::kDuplicate);
  auto rows = Scan(All());
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_NE(rows[0].json, again.json);  // not overwritten
}

TEST_F(ObjectsTest, DuplicateWithinOneBatch) {
  auto r = Add({MakeObject("indicator--1", "v1", 1), MakeObject("indicator--1", "v1", 1)});
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[1].outcome, AddOutcome::kDuplicate);
  EXPECT_EQ(r[1].date_added_us, r[0].date_added_us);
  EXPECT_EQ(*store_->CountObjects("c-1"), 1);
}

TEST_F(ObjectsTest, DateAddedStrictlyIncreasesWithFrozenOrBackwardsClock) {
  const int64_t t0 = clock_.NowMicros();
  std::vector<int64_t> dates;
  auto collect = [&](const std::vector<AddResult>& rs) {
    for (const auto& r : rs) dates.push_back(r.date_added_us);
  };
  collect(Add({MakeObject("a--1", "v", 1), MakeObject("a--2", "v", 1)}));
  collect(Add({MakeObject("a--3", "v", 1)}));  // frozen clock
  clock_.Set(t0 - 60'000'000);                 // a minute backwards
  collect(Add({MakeObject("a--4", "v", 1), MakeObject("a--5", "v", 1)}));
  clock_.Set(t0 + 10'000'000);
  collect(Add({MakeObject("a--6", "v", 1)}));
  ASSERT_EQ(dates.size(), 6u);
  EXPECT_EQ(dates[0], t0);
  for (size_t i = 1; i < dates.size(); ++i) EXPECT_GT(dates[i], dates[i - 1]) << i;
  EXPECT_EQ(dates[5], t0 + 10'000'000);

  // Deleting the newest row never lets a later add reuse its date_added.
  clock_.Set(t0);
  ASSERT_EQ(*store_->DeleteObject("c-1", "a--6", {}, ""), 1);
  auto after = Add({MakeObject("a--7", "v", 1)});
  EXPECT_GT(after[0].date_added_us, dates[5]);

  // Another collection has its own sequence starting at the clock.
  ASSERT_TRUE(store_->PutCollection({"c-2", "cti", "T", "", policy::Tlp::kAmber, {}, {}}).ok());
  auto other = Add({MakeObject("a--1", "v", 1)}, "c-2");
  EXPECT_EQ(other[0].date_added_us, t0);
  EXPECT_EQ(other[0].outcome, AddOutcome::kAdded);
}

TEST_F(ObjectsTest, FirstAndLastWithOutOfOrderVersions) {
  // Versions arrive as 3, 1, 5, 2, 4 (version_us), and a tie with the last (5').
  Add({MakeObject("x--1", "v3", 3)});
  Add({MakeObject("x--1", "v1", 1), MakeObject("x--1", "v5", 5)});
  Add({MakeObject("x--1", "v2", 2), MakeObject("x--1", "v4", 4)});
  Add({MakeObject("x--1", "v5-tie", 5), MakeObject("y--1", "only", 7)});

  ObjectQuery last;  // default: match_last
  EXPECT_EQ(Keys(Scan(last)), (std::vector<std::string>{"x--1@v5", "y--1@only"}));
  ObjectQuery first;
  first.match_last = false;
  first.match_first = true;
  EXPECT_EQ(Keys(Scan(first)), (std::vector<std::string>{"x--1@v1", "y--1@only"}));
  ObjectQuery both = first;
  both.match_last = true;
  EXPECT_EQ(Keys(Scan(both)), (std::vector<std::string>{"x--1@v1", "x--1@v5", "y--1@only"}));
  EXPECT_EQ(Scan(All()).size(), 7u);  // six versions of x--1, one of y--1

  // Explicit versions, OR-ed with first.
  ObjectQuery explicit_versions;
  explicit_versions.match_last = false;
  explicit_versions.version_us = {2, 4};
  EXPECT_EQ(Keys(Scan(explicit_versions)), (std::vector<std::string>{"x--1@v2", "x--1@v4"}));
  explicit_versions.match_first = true;
  EXPECT_EQ(Keys(Scan(explicit_versions)),
            (std::vector<std::string>{"x--1@v1", "x--1@v2", "x--1@v4", "y--1@only"}));

  // Nothing asked for: nothing matches.
  ObjectQuery none;
  none.match_last = false;
  EXPECT_TRUE(Scan(none).empty());
}

TEST_F(ObjectsTest, Filters) {
  NewObject a = MakeObject("indicator--1", "v1", 10);
  NewObject b = MakeObject("malware--1", "v1", 10, "malware");
  NewObject c = MakeObject("indicator--2", "v1", 10);
  c.spec_version = "2.0";
  NewObject d = MakeObject("indicator--1", "v2", 20);
  auto r = Add({a, b, c, d});

  ObjectQuery q = All();
  q.ids = {"indicator--1", "malware--1"};
  EXPECT_EQ(Keys(Scan(q)),
            (std::vector<std::string>{"indicator--1@v1", "malware--1@v1", "indicator--1@v2"}));
  q = All();
  q.types = {"malware", "tool"};
  EXPECT_EQ(Keys(Scan(q)), std::vector<std::string>{"malware--1@v1"});
  q = All();
  q.spec_versions = {"2.0"};
  EXPECT_EQ(Keys(Scan(q)), std::vector<std::string>{"indicator--2@v1"});
  q = All();
  q.added_after_us = r[1].date_added_us;  // exclusive
  EXPECT_EQ(Keys(Scan(q)), (std::vector<std::string>{"indicator--2@v1", "indicator--1@v2"}));
  q.added_after_us = r[3].date_added_us;
  EXPECT_TRUE(Scan(q).empty());
  // Combined: type + last + added_after.
  q = ObjectQuery{};
  q.types = {"indicator"};
  q.added_after_us = r[0].date_added_us;
  EXPECT_EQ(Keys(Scan(q)), (std::vector<std::string>{"indicator--2@v1", "indicator--1@v2"}));
  // Values with SQL in them are just values.
  q = All();
  q.ids = {"x' OR '1'='1"};
  EXPECT_TRUE(Scan(q).empty());
}

TEST_F(ObjectsTest, ScanStopsWhenAsked) {
  for (int i = 0; i < 10; ++i) Add({MakeObject("x--" + std::to_string(i), "v", 1)});
  int seen = 0;
  ObjectQuery q = All();
  q.collection_id = "c-1";
  Status s = store_->ScanObjects(
      q, [&](const ObjectRow&) { return ++seen == 3 ? ScanAction::kStop : ScanAction::kContinue; });
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(seen, 3);
}

TEST_F(ObjectsTest, PaginationByDateAddedCursorSeesEveryRowOnce) {
  std::vector<NewObject> batch;
  for (int i = 0; i < 250; ++i) batch.push_back(MakeObject("x--" + std::to_string(i), "v", 1));
  Add(batch);
  std::optional<int64_t> cursor;
  std::vector<std::string> ids;
  for (;;) {
    ObjectQuery q;
    q.collection_id = "c-1";
    q.added_after_us = cursor;
    int n = 0;
    ASSERT_TRUE(store_
                    ->ScanObjects(q,
                                  [&](const ObjectRow& r) {
                                    ids.emplace_back(r.id);
                                    cursor = r.date_added_us;
                                    return ++n == 100 ? ScanAction::kStop : ScanAction::kContinue;
                                  })
                    .ok());
    if (n < 100) break;
  }
  ASSERT_EQ(ids.size(), 250u);
  for (int i = 0; i < 250; ++i) EXPECT_EQ(ids[i], "x--" + std::to_string(i));
}

int64_t CountTombstones(const std::string& path, const std::string& id) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "SELECT count(*) FROM tombstones WHERE id = ?1", -1, &st, nullptr);
  sqlite3_bind_text(st, 1, id.c_str(), -1, SQLITE_TRANSIENT);
  int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
  sqlite3_finalize(st);
  sqlite3_close(db);
  return n;
}

TEST_F(ObjectsTest, DeleteVersionsFixesFlagsAndWritesTombstones) {
  Add({MakeObject("x--1", "v1", 1), MakeObject("x--1", "v2", 2), MakeObject("x--1", "v3", 3),
       MakeObject("y--1", "v1", 1)});
  // Delete the first and last versions: v2 becomes both.
  auto n = store_->DeleteObject("c-1", "x--1", {"v1", "v3", "v9"}, "");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 2);
  EXPECT_EQ(CountTombstones(dir_.File("db"), "x--1"), 2);
  ObjectQuery first;
  first.match_last = false;
  first.match_first = true;
  first.ids = {"x--1"};
  EXPECT_EQ(Keys(Scan(first)), std::vector<std::string>{"x--1@v2"});
  ObjectQuery last;
  last.ids = {"x--1"};
  EXPECT_EQ(Keys(Scan(last)), std::vector<std::string>{"x--1@v2"});
  // A new older version becomes first; v2 stays last.
  Add({MakeObject("x--1", "v0", 0)});
  EXPECT_EQ(Keys(Scan(first)), std::vector<std::string>{"x--1@v0"});
  EXPECT_EQ(Keys(Scan(last)), std::vector<std::string>{"x--1@v2"});

  // Delete everything of x--1; y--1 is untouched.
  EXPECT_EQ(*store_->DeleteObject("c-1", "x--1", {}, ""), 2);
  EXPECT_EQ(*store_->DeleteObject("c-1", "x--1", {}, ""), 0);
  EXPECT_EQ(CountTombstones(dir_.File("db"), "x--1"), 4);
  EXPECT_EQ(Keys(Scan(All())), std::vector<std::string>{"y--1@v1"});
  // A deleted version can be added again.
  auto again = Add({MakeObject("x--1", "v1", 1)});
  EXPECT_EQ(again[0].outcome, AddOutcome::kAdded);
  EXPECT_EQ(Keys(Scan(last)), std::vector<std::string>{"x--1@v1"});
}

TEST_F(ObjectsTest, ConcurrentReadersDuringWrites) {
  constexpr int kWriters = 3, kBatches = 30, kBatch = 20, kReaders = 3;
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      for (int b = 0; b < kBatches; ++b) {
        std::vector<NewObject> batch;
        for (int i = 0; i < kBatch; ++i) {
          batch.push_back(MakeObject(
              "x--" + std::to_string(w) + "-" + std::to_string(b) + "-" + std::to_string(i), "v",
              1));
        }
        if (!store_->AddObjects("c-1", batch).ok()) ++failures;
      }
    });
  }
  for (int r = 0; r < kReaders; ++r) {
    threads.emplace_back([&] {
      while (!done.load()) {
        int64_t prev = 0;
        ObjectQuery q;
        q.collection_id = "c-1";
        Status s = store_->ScanObjects(q, [&](const ObjectRow& row) {
          if (row.date_added_us <= prev) ++failures;  // order and strictness hold
          prev = row.date_added_us;
          return ScanAction::kContinue;
        });
        if (!s.ok()) ++failures;
        if (!store_->GetCollection("c-1").ok()) ++failures;
      }
    });
  }
  for (int w = 0; w < kWriters; ++w) threads[w].join();
  done = true;
  for (size_t i = kWriters; i < threads.size(); ++i) threads[i].join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(*store_->CountObjects("c-1"), kWriters * kBatches * kBatch);
}

TEST_F(ObjectsTest, SecondStoreOnSameFileSeesWritesAndKeepsOrder) {
  SqliteOptions o;
  o.clock = &clock_;
  auto other = OpenSqliteStore(dir_.File("db"), o);
  ASSERT_TRUE(other.ok());
  auto a = Add({MakeObject("x--1", "v", 1)});
  auto b = (*other)->AddObjects("c-1", {MakeObject("x--2", "v", 1)});
  ASSERT_TRUE(b.ok());
  EXPECT_GT((*b)[0].date_added_us, a[0].date_added_us);
  EXPECT_EQ(Keys(Scan(All())), (std::vector<std::string>{"x--1@v", "x--2@v"}));
}

}  // namespace
}  // namespace entente::store

namespace entente::store {
namespace {

TEST_F(ObjectsTest, ManyQueryShapesOutgrowTheStatementCache) {
  Add({MakeObject("x--0", "v", 1), MakeObject("x--1", "v", 1)});
  // Each list length is a different SQL text; past the cache limit statements are
  // prepared for one use and must still work.
  for (size_t n = 1; n <= Connection::kMaxCached + 20; ++n) {
    ObjectQuery q;
    for (size_t i = 0; i < n; ++i) q.ids.push_back("x--" + std::to_string(i));
    ASSERT_EQ(Scan(q).size(), std::min<size_t>(n, 2)) << n;
  }
}

TEST(SqliteError, MapsCodes) {
  EXPECT_EQ(SqliteError(SQLITE_BUSY, nullptr, "op").code(), StatusCode::kUnavailable);
  EXPECT_EQ(SqliteError(SQLITE_CONSTRAINT_UNIQUE, nullptr, "op").code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(SqliteError(SQLITE_CONSTRAINT_FOREIGNKEY, nullptr, "op").code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(SqliteError(SQLITE_IOERR_FSYNC, nullptr, "op").code(), StatusCode::kIoError);
  EXPECT_EQ(SqliteError(SQLITE_FULL, nullptr, "op").code(), StatusCode::kIoError);
  EXPECT_EQ(SqliteError(SQLITE_CORRUPT, nullptr, "op").code(), StatusCode::kCorruption);
  Status s = SqliteError(SQLITE_MISUSE, nullptr, "add objects");
  EXPECT_EQ(s.code(), StatusCode::kInternal);
  EXPECT_EQ(s.message().rfind("add objects: ", 0), 0u) << s.message();
}

TEST_F(ObjectsTest, OwnershipContract) { testing::CheckOwnershipContract(*store_); }

TEST_F(ObjectsTest, BulkAddKeepsOwnershipToo) {
  Add({MakeObject("x--1", "v1", 1)});  // owned by org-a
  auto bulk = store_->BeginBulkAdd("c-1");
  ASSERT_TRUE(bulk.ok());
  NewObject other = MakeObject("x--1", "v2", 2);
  other.labels.owner_org = "org-b";
  auto r = (*bulk)->Add({other, MakeObject("x--1", "v3", 3)});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE((*bulk)->Commit().ok());
  EXPECT_EQ((*r)[0].outcome, AddOutcome::kNotOwner);
  EXPECT_EQ((*r)[1].outcome, AddOutcome::kAdded);
}

// Versions stored before ownership was enforced may have several owners: the owner of
// the first version stays the one who may add more.
TEST_F(ObjectsTest, TheFirstVersionsOwnerDecidesWhenOlderRowsMixOwners) {
  Add({MakeObject("x--1", "v1", 1), MakeObject("x--1", "v2", 2)});  // org-a's
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir_.File("db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE objects SET owner_org = 'org-b' WHERE version = 'v2'", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  NewObject by_b = MakeObject("x--1", "v3", 3);
  by_b.labels.owner_org = "org-b";
  EXPECT_EQ(Add({by_b})[0].outcome, AddOutcome::kNotOwner);
  EXPECT_EQ(Add({MakeObject("x--1", "v4", 4)})[0].outcome, AddOutcome::kAdded);
}

TEST_F(ObjectsTest, AnUnversionedCopyIsVersionedByItsDateAdded) {
  NewObject sco = MakeObject("ipv4-addr--1", "", 0, "ipv4-addr");
  auto added = Add({sco});
  ASSERT_EQ(added.size(), 1u);
  ObjectQuery q;
  q.version_us = {added[0].date_added_us};  // match[version]=<the version shown>
  q.match_last = false;
  auto seen = Scan(q);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].id, "ipv4-addr--1");
}

}  // namespace
}  // namespace entente::store
