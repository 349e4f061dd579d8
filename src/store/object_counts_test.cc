// The counts SqliteStore keeps per collection and label (store/object_counts.h, schema
// version 8), checked against a full recount: after random adds (new ids, new versions
// with other labels, duplicates, refused versions of ids owned by others, copies of
// unversioned objects), bulk adds and deletions, the stored tables equal a recount from
// the objects table, and every reader's counts equal the scan the interface defines them
// by (Store::CountVisibleObjects: ScanObjects with the reader's gate, match[version]=last).
#include "store/object_counts.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <map>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "store/id_key.h"
#include "store/schema.h"
#include "store/test_util.h"

namespace entente::store {
namespace {

using testing::TempDir;

constexpr const char* kIdB = "identity--00000000-0000-4000-8000-00000000000b";
constexpr const char* kIdC = "identity--00000000-0000-4000-8000-00000000000c";
constexpr const char* kPerson = "identity--00000000-0000-4000-8000-0000000000ff";

// The labels versions are given: every rule of the gate (policy.h) appears once.
std::vector<policy::Labels> LabelChoices() {
  std::vector<policy::Labels> out(8);
  out[0].tlp = policy::Tlp::kClear;
  out[1].tlp = policy::Tlp::kGreen;  // no community named: the collection's readers
  out[2].tlp = policy::Tlp::kGreen;
  out[2].audience.communities = {"c1"};
  out[3].tlp = policy::Tlp::kAmber;  // org-b and its declared client org-c
  out[3].audience.recipients = {kIdB};
  out[4].tlp = policy::Tlp::kAmberStrict;
  out[4].audience.recipients = {kIdC};
  out[5].tlp = policy::Tlp::kRed;
  out[5].audience.individuals = {kPerson};
  out[6].tlp = policy::Tlp::kClear;  // granular markings withholding it from some readers
  out[6].granular = true;
  out[6].withheld_for = (1u << 3) | (1u << 7);
  out[7].tlp = policy::Tlp::kAmber;  // no recipient: its owner only
  return out;
}

// Readers who see differently: the local operator, each owner, a recipient, its declared
// client (also in community c1), a person named for RED, a reader named nowhere.
std::vector<policy::Requester> Readers() {
  std::vector<policy::Requester> out(7);
  out[0].local_operator = true;
  out[1].org_id = "org-a";
  out[2].org_id = "org-b";
  out[2].identity_id = kIdB;
  out[3].org_id = "org-c";
  out[3].identity_id = kIdC;
  out[3].client_of = kIdB;
  out[3].communities = {"c1"};
  out[4].org_id = "org-d";
  out[4].individual_id = kPerson;
  out[5].org_id = "org-e";
  out[6].org_id = "org-b";  // org-b's person, who may also see RED
  out[6].identity_id = kIdB;
  out[6].individual_id = kPerson;
  return out;
}

class ObjectCountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SqliteOptions o;
    o.create_if_missing = true;
    o.synchronous = "OFF";
    auto s = OpenSqliteStore(dir_.File("db"), o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    for (const char* id : {"c-1", "c-2"}) {
      Collection c;
      c.id = id;
      c.api_root = "api";
      c.title = id;
      ASSERT_TRUE(store_->PutCollection(c).ok());
    }
  }

  // What object_counts and object_mixed hold for `collection`, and what a recount of its
  // versions in the objects table says they should hold.
  struct Tables {
    std::map<std::tuple<int64_t, std::string, std::string>, int64_t> counts;
    std::set<std::string> mixed;
    bool operator==(const Tables&) const = default;
  };
  void ReadTables(const std::string& collection, Tables* stored, Tables* recount) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2(dir_.File("db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
              SQLITE_OK);
    auto each = [&](const std::string& sql, auto&& row) {
      sqlite3_stmt* st = nullptr;
      ASSERT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sql;
      sqlite3_bind_text(st, 1, collection.c_str(), -1, SQLITE_TRANSIENT);
      while (sqlite3_step(st) == SQLITE_ROW) row(st);
      sqlite3_finalize(st);
    };
    auto text = [](sqlite3_stmt* st, int col) {
      const auto* p = sqlite3_column_text(st, col);
      return p == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(p));
    };
    const std::string seq = "(SELECT seq FROM collections WHERE id = ?1)";
    each("SELECT tlp, audience, owner_org, n FROM object_counts WHERE collection = " + seq,
         [&](sqlite3_stmt* st) {
           stored->counts[{sqlite3_column_int64(st, 0), text(st, 1), text(st, 2)}] =
               sqlite3_column_int64(st, 3);
         });
    each("SELECT id FROM object_mixed WHERE collection = " + seq,
         [&](sqlite3_stmt* st) { stored->mixed.insert(text(st, 0)); });
    // The recount: every version's labels, grouped by id.
    std::map<std::string, std::vector<LabelColumns>> versions;
    each("SELECT id, tlp, audience, owner_org FROM objects WHERE collection = " + seq,
         [&](sqlite3_stmt* st) {
           versions[text(st, 0)].push_back({sqlite3_column_int64(st, 1), text(st, 2), text(st, 3)});
         });
    for (const auto& [id, labels] : versions) {
      std::set<LabelColumns> distinct(labels.begin(), labels.end());
      if (distinct.size() > 1) {
        recount->mixed.insert(id);
      } else {
        const LabelColumns& l = *distinct.begin();
        ++recount->counts[{l.tlp, l.audience, l.owner_org}];
      }
    }
    sqlite3_close(db);
  }

  // Both checks, for both collections; `step` names the moment in failure messages.
  void ExpectCountsExact(const std::string& step) {
    for (const std::string c : {"c-1", "c-2"}) {
      Tables stored, recount;
      ReadTables(c, &stored, &recount);
      EXPECT_EQ(stored.counts, recount.counts) << step << " " << c;
      EXPECT_EQ(stored.mixed, recount.mixed) << step << " " << c;
      for (const policy::Requester& who : Readers()) {
        auto gate = [&who](const policy::Labels& l) { return policy::MayRead(who, l); };
        auto kept = store_->CountVisibleObjects(c, gate, 1'000'000);
        auto scanned = store_->Store::CountVisibleObjects(c, gate, 1'000'000);
        ASSERT_TRUE(kept.ok()) << kept.status().ToString();
        ASSERT_TRUE(scanned.ok()) << scanned.status().ToString();
        EXPECT_EQ(kept->by_tlp, scanned->by_tlp)
            << step << " " << c << " reader " << who.org_id << "/" << who.individual_id;
        EXPECT_FALSE(kept->capped);
      }
    }
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

// One random version: an id of a small pool (so that ids get several versions), a
// version of a small set (so that duplicates happen), random labels and owner.
NewObject RandomVersion(std::mt19937& rng, const std::vector<policy::Labels>& choices) {
  const int n = static_cast<int>(rng() % 24);
  const bool unversioned = n >= 20;  // SCOs: one copy per owner
  const std::string id = unversioned ? "ipv4-addr--0000000" + std::to_string(n)
                                     : "indicator--0000000" + std::to_string(n);
  const int v = static_cast<int>(rng() % 4);
  NewObject o = testing::MakeObject(
      id, unversioned ? "" : "2020-01-0" + std::to_string(v + 1) + "T00:00:00.000Z",
      unversioned ? 0 : v + 1, unversioned ? "ipv4-addr" : "indicator");
  o.labels = choices[rng() % choices.size()];
  o.labels.owner_org = rng() % 3 == 0 ? "org-b" : "org-a";
  o.override_owner = rng() % 8 == 0;
  return o;
}

// A store's counts after a random history of writes equal a full recount, at every step.
TEST_F(ObjectCountsTest, KeptCountsEqualARecountAfterRandomWrites) {
  const std::vector<policy::Labels> choices = LabelChoices();
  for (uint32_t seed : {1u, 2u, 3u}) {
    std::mt19937 rng(seed);
    for (int step = 0; step < 150; ++step) {
      const std::string collection = rng() % 4 == 0 ? "c-2" : "c-1";
      const int op = static_cast<int>(rng() % 10);
      if (op < 5) {  // a batch through AddObjects
        std::vector<NewObject> batch;
        for (int i = 1 + static_cast<int>(rng() % 4); i > 0; --i) {
          batch.push_back(RandomVersion(rng, choices));
        }
        ASSERT_TRUE(store_->AddObjects(collection, batch).ok());
      } else if (op < 7) {  // several batches in one bulk transaction
        auto bulk = store_->BeginBulkAdd(collection);
        ASSERT_TRUE(bulk.ok());
        for (int b = 0; b < 3; ++b) {
          ASSERT_TRUE(
              (*bulk)->Add({RandomVersion(rng, choices), RandomVersion(rng, choices)}).ok());
        }
        if (rng() % 4 != 0) ASSERT_TRUE((*bulk)->Commit().ok());  // else rolled back
      } else {  // a deletion: some versions, all of them, or one owner's
        NewObject o = RandomVersion(rng, choices);
        std::vector<std::string> versions;
        if (rng() % 2 == 0) versions.push_back(o.version);
        const std::string owner = rng() % 3 == 0 ? "org-b" : "";
        ASSERT_TRUE(store_->DeleteObject(collection, o.id, versions, owner).ok());
      }
      if (step % 10 == 9) {
        ExpectCountsExact("seed " + std::to_string(seed) + " step " + std::to_string(step));
        if (HasFailure()) return;
      }
    }
  }
}

// The budget bounds the rows read: past it the counts are a lower bound, marked capped.
TEST_F(ObjectCountsTest, BudgetCapsTheCount) {
  std::vector<NewObject> batch;
  for (int i = 0; i < 6; ++i) {
    NewObject o =
        testing::MakeObject("indicator--" + std::to_string(i), "2020-01-01T00:00:00.000Z", 1);
    o.labels = LabelChoices()[static_cast<size_t>(i)];
    batch.push_back(o);
  }
  ASSERT_TRUE(store_->AddObjects("c-1", batch).ok());
  policy::Requester op;
  op.local_operator = true;
  auto gate = [&op](const policy::Labels& l) { return policy::MayRead(op, l); };
  auto all = store_->CountVisibleObjects("c-1", gate, 6);
  ASSERT_TRUE(all.ok());
  EXPECT_FALSE(all->capped);
  EXPECT_EQ(all->by_tlp, (std::array<int64_t, 5>{1, 2, 1, 1, 1}));
  auto some = store_->CountVisibleObjects("c-1", gate, 3);
  ASSERT_TRUE(some.ok());
  EXPECT_TRUE(some->capped);
  int64_t total = 0;
  for (int64_t n : some->by_tlp) total += n;
  EXPECT_EQ(total, 3);
  EXPECT_EQ(store_->CountVisibleObjects("no-such", gate, 6).status().code(), StatusCode::kNotFound);
}

// Deleting a collection takes its counts with it.
TEST_F(ObjectCountsTest, DeletedCollectionLeavesNoCounts) {
  NewObject a = testing::MakeObject("indicator--a", "2020-01-01T00:00:00.000Z", 1);
  NewObject a2 = testing::MakeObject("indicator--a", "2020-01-02T00:00:00.000Z", 2);
  a2.labels.tlp = policy::Tlp::kRed;
  ASSERT_TRUE(store_->AddObjects("c-2", {a, a2}).ok());
  ASSERT_TRUE(store_->DeleteCollection("c-2").ok());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir_.File("db").c_str(), &db), SQLITE_OK);
  for (const char* sql :
       {"SELECT count(*) FROM object_counts", "SELECT count(*) FROM object_mixed"}) {
    sqlite3_stmt* st = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, sql, -1, &st, nullptr), SQLITE_OK);
    ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
    EXPECT_EQ(sqlite3_column_int64(st, 0), 0) << sql;
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
}

// A node written by schema version 6 (no counts) opens under version 8 with counts equal
// to a recount of the versions it holds, and keeps them exact through later writes.
TEST(ObjectCountsMigration, Version6StoreGetsItsCounts) {
  TempDir dir;
  const std::string path = dir.File("db");
  {
    ASSERT_EQ(::close(::open(path.c_str(), O_CREAT | O_RDWR, 0600)), 0);
    auto conn = Connection::Open(path, SQLITE_OPEN_READWRITE, 1000, "NORMAL");
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    ASSERT_TRUE(RegisterIdKeyFunction(**conn).ok());
    ASSERT_TRUE(Migrate(**conn, 6).ok());
    // c1: a (one CLEAR version), b (CLEAR then RED: mixed), c (two AMBER versions naming
    // org-b: uniform), d (RED, owned by org-b); c2: e (CLEAR).
    std::string insert =
        "INSERT INTO collections (seq, id, api_root, title, description, default_tlp) VALUES "
        "(1, 'c1', 'api', 't', '', 2), (2, 'c2', 'api', 't', '', 2);"
        "INSERT INTO objects (collection, date_added_us, id, version, version_us, type, "
        "spec_version, tlp, audience, owner_org, is_first, is_last, json, id_key) VALUES ";
    const std::string amber = policy::EncodeAudience({{}, {kIdB}, {}});
    struct Row {
      int coll;
      const char* id;
      int version;
      int tlp;
      std::string audience;
      const char* owner;
      int first, last;
    };
    const std::vector<Row> rows = {{1, "indicator--a", 1, 0, "", "org-a", 1, 1},
                                   {1, "indicator--b", 1, 0, "", "org-a", 1, 0},
                                   {1, "indicator--b", 2, 4, "", "org-a", 0, 1},
                                   {1, "indicator--c", 1, 2, amber, "org-a", 1, 0},
                                   {1, "indicator--c", 2, 2, amber, "org-a", 0, 1},
                                   {1, "indicator--d", 1, 4, "", "org-b", 1, 1},
                                   {2, "indicator--e", 1, 0, "", "org-a", 1, 1}};
    int added = 10;
    for (size_t i = 0; i < rows.size(); ++i) {
      const Row& r = rows[i];
      const std::string version = "2020-01-0" + std::to_string(r.version) + "T00:00:00.000Z";
      insert += std::string(i > 0 ? "," : "") + "(" + std::to_string(r.coll) + ", " +
                std::to_string(added++) + ", '" + r.id + "', '" + version + "', " +
                std::to_string(r.version) + ", 'indicator', '2.1', " + std::to_string(r.tlp) +
                ", '" + r.audience + "', '" + r.owner + "', " + std::to_string(r.first) + ", " +
                std::to_string(r.last) +
                ", '{}', entente_id_key((SELECT id_key_secret FROM keys WHERE k = 1), '" + r.id +
                "'))";
    }
    insert += ";";
    Status written = (*conn)->ExecScript(insert.c_str(), "write a version 6 node");
    ASSERT_TRUE(written.ok()) << written.ToString();
  }
  SqliteOptions o;
  o.synchronous = "NORMAL";
  o.extract_values = [](std::string_view, std::string_view, std::vector<std::string>* out) {
    out->clear();
  };
  auto store = OpenSqliteStore(path, o);
  ASSERT_TRUE(store.ok()) << store.status().ToString();

  auto check = [&](const char* when) {
    for (const char* c : {"c1", "c2"}) {
      for (const policy::Requester& who : Readers()) {
        auto gate = [&who](const policy::Labels& l) { return policy::MayRead(who, l); };
        auto kept = (*store)->CountVisibleObjects(c, gate, 1000);
        auto scanned = (*store)->Store::CountVisibleObjects(c, gate, 1000);
        ASSERT_TRUE(kept.ok()) << kept.status().ToString();
        ASSERT_TRUE(scanned.ok());
        EXPECT_EQ(kept->by_tlp, scanned->by_tlp) << when << " " << c << " " << who.org_id;
      }
    }
  };
  check("after migration");
  // What the readers see, spelled out: org-e sees a and b (its CLEAR version), org-b
  // also c (AMBER, named) and d (its own, RED); the operator sees b as RED.
  auto counts = [&](const policy::Requester& who) {
    auto r = (*store)->CountVisibleObjects(
        "c1", [&who](const policy::Labels& l) { return policy::MayRead(who, l); }, 1000);
    EXPECT_TRUE(r.ok());
    return r.ok() ? r->by_tlp : std::array<int64_t, 5>{};
  };
  EXPECT_EQ(counts(Readers()[5]), (std::array<int64_t, 5>{2, 0, 0, 0, 0}));
  EXPECT_EQ(counts(Readers()[2]), (std::array<int64_t, 5>{2, 0, 1, 0, 1}));
  EXPECT_EQ(counts(Readers()[0]), (std::array<int64_t, 5>{1, 0, 1, 0, 2}));

  // Later writes keep them: c gets a CLEAR version (now mixed), b loses its RED one
  // (uniform again), d is deleted.
  NewObject c3 = testing::MakeObject("indicator--c", "2020-01-03T00:00:00.000Z", 3);
  c3.labels.tlp = policy::Tlp::kClear;
  ASSERT_TRUE((*store)->AddObjects("c1", {c3}).ok());
  ASSERT_TRUE((*store)->DeleteObject("c1", "indicator--b", {"2020-01-02T00:00:00.000Z"}, "").ok());
  ASSERT_TRUE((*store)->DeleteObject("c1", "indicator--d", {}, "").ok());
  check("after writes");
  EXPECT_EQ(counts(Readers()[5]), (std::array<int64_t, 5>{3, 0, 0, 0, 0}));
  EXPECT_EQ(counts(Readers()[0]), (std::array<int64_t, 5>{3, 0, 0, 0, 0}));
}

}  // namespace
}  // namespace entente::store
