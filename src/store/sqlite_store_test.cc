// Opening the SQLite store and the node's small tables (settings, organisations,
// tokens, API roots, collections, status resources).
#include "store/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <unistd.h>

#include <map>
#include <string>
#include <vector>

#include "store/id_key.h"
#include "store/schema.h"
#include "store/test_util.h"

namespace entente::store {
namespace {

using testing::TempDir;

std::unique_ptr<Store> OpenOrDie(const std::string& path) {
  SqliteOptions o;
  o.create_if_missing = true;
  o.synchronous = "NORMAL";
  auto s = OpenSqliteStore(path, o);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(s).value() : nullptr;
}

TEST(SqliteStoreOpen, MissingFileIsNotFoundUnlessCreating) {
  TempDir dir;
  auto s = OpenSqliteStore(dir.File("db"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kNotFound);
}

TEST(SqliteStoreOpen, RejectsUnknownSynchronous) {
  TempDir dir;
  SqliteOptions o;
  o.create_if_missing = true;
  o.synchronous = "FULL; DROP TABLE x";
  auto s = OpenSqliteStore(dir.File("db"), o);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
}

TEST(SqliteStoreOpen, NotADatabaseIsCorruption) {
  TempDir dir;
  FILE* f = fopen(dir.File("db").c_str(), "w");
  ASSERT_NE(f, nullptr);
  fputs("this is not a database file, just some text that is long enough to matter......", f);
  fclose(f);
  auto s = OpenSqliteStore(dir.File("db"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kCorruption) << s.status().ToString();
}

TEST(SqliteStoreOpen, FilesAreOwnerOnlyAndWal) {
  TempDir dir;
  mode_t old = umask(0);  // the store must not rely on the caller's umask
  auto store = OpenOrDie(dir.File("db"));
  umask(old);
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->PutSettings({"n", "FR", "t", "d", "c", "cti"}).ok());
  for (const char* suffix : {"", "-wal", "-shm"}) {
    struct stat st;
    ASSERT_EQ(stat(dir.File(std::string("db") + suffix).c_str(), &st), 0) << suffix;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << suffix;
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir.File("db").c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), "wal");
  sqlite3_finalize(st);
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(st, 0), kSchemaVersion);
  sqlite3_finalize(st);
  sqlite3_close(db);
}

TEST(SqliteStoreOpen, RefusesNewerSchema) {
  TempDir dir;
  { ASSERT_TRUE(OpenOrDie(dir.File("db"))); }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir.File("db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto s = OpenSqliteStore(dir.File("db"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kCorruption);
}

TEST(SqliteStore, Settings) {
  TempDir dir;
  auto store = OpenOrDie(dir.File("db"));
  EXPECT_EQ(store->GetSettings().status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(store->PutSettings({"cert-fr", "FR", "Title", "Desc", "c@x", "cti"}).ok());
  ASSERT_TRUE(store->PutSettings({"cert-fr", "FR", "Title 2", "Desc", "c@x", "cti"}).ok());
  auto s = store->GetSettings();
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->name, "cert-fr");
  EXPECT_EQ(s->jurisdiction, "FR");
  EXPECT_EQ(s->title, "Title 2");
  EXPECT_EQ(s->contact, "c@x");
  EXPECT_EQ(s->default_api_root, "cti");
}

TEST(SqliteStore, Organisations) {
  TempDir dir;
  auto store = OpenOrDie(dir.File("db"));
  Organisation a{"org-a",       "Org A",       "FR",         "energy",
                 "identity--a", "identity--p", {"c1", "c2"}, true};
  Organisation b{"org-b", "Org B", "DE", "gov", "identity--b", "", {}, false};
  ASSERT_TRUE(store->PutOrganisation(a).ok());
  ASSERT_TRUE(store->PutOrganisation(b).ok());
  auto got = store->GetOrganisation("org-a");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->name, "Org A");
  EXPECT_EQ(got->sector, "energy");
  EXPECT_EQ(got->identity_id, "identity--a");
  EXPECT_EQ(got->client_of, "identity--p");
  EXPECT_EQ(got->communities, (std::vector<std::string>{"c1", "c2"}));
  EXPECT_TRUE(got->admin);
  a.name = "Renamed";
  a.communities = {"c3"};
  ASSERT_TRUE(store->PutOrganisation(a).ok());
  auto list = store->ListOrganisations();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "Renamed");
  EXPECT_EQ((*list)[0].communities, std::vector<std::string>{"c3"});
  EXPECT_FALSE((*list)[1].admin);

  ASSERT_TRUE(store->AddToken({"tok_1", "org-a", "l", "", 5}, std::string(64, 'a')).ok());
  ASSERT_TRUE(store->DeleteOrganisation("org-a").ok());
  EXPECT_EQ(store->GetOrganisation("org-a").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store->FindTokenByHash(std::string(64, 'a')).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store->DeleteOrganisation("org-a").code(), StatusCode::kNotFound);
}

TEST(SqliteStore, Tokens) {
  TempDir dir;
  auto store = OpenOrDie(dir.File("db"));
  std::string h1(64, '1'), h2(64, '2'), h3(64, '3');
  ASSERT_TRUE(store->AddToken({"tok_1", "org-a", "laptop", "identity--p", 10}, h1).ok());
  ASSERT_TRUE(store->AddToken({"tok_2", "org-a", "server", "", 20}, h2).ok());
  ASSERT_TRUE(store->AddToken({"tok_3", "org-b", "", "", 30}, h3).ok());
  // The same secret twice, or the same token id twice, is refused.
  EXPECT_EQ(store->AddToken({"tok_4", "org-b", "", "", 40}, h1).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(store->AddToken({"tok_1", "org-b", "", "", 40}, std::string(64, '9')).code(),
            StatusCode::kAlreadyExists);

  auto t = store->FindTokenByHash(h1);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->token_id, "tok_1");
  EXPECT_EQ(t->org_id, "org-a");
  EXPECT_EQ(t->label, "laptop");
  EXPECT_EQ(t->individual_id, "identity--p");
  EXPECT_EQ(t->created_us, 10);
  EXPECT_EQ(store->FindTokenByHash(std::string(64, '0')).status().code(), StatusCode::kNotFound);

  auto a = store->ListTokens("org-a");
  ASSERT_TRUE(a.ok());
  ASSERT_EQ(a->size(), 2u);
  EXPECT_EQ((*a)[1].token_id, "tok_2");
  auto all = store->ListTokens("");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 3u);

  ASSERT_TRUE(store->RevokeToken("tok_1").ok());
  EXPECT_EQ(store->FindTokenByHash(h1).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store->RevokeToken("tok_1").code(), StatusCode::kNotFound);
}

TEST(SqliteStore, ApiRootsAndCollections) {
  TempDir dir;
  auto store = OpenOrDie(dir.File("db"));
  ASSERT_TRUE(store->PutApiRoot({"cti", "CTI", "main", 1000}).ok());
  ASSERT_TRUE(store->PutApiRoot({"aaa", "A", "", 5}).ok());
  ASSERT_TRUE(store->PutApiRoot({"cti", "CTI 2", "main", 2000}).ok());
  auto roots = store->ListApiRoots();
  ASSERT_TRUE(roots.ok());
  ASSERT_EQ(roots->size(), 2u);
  EXPECT_EQ((*roots)[1].title, "CTI 2");
  EXPECT_EQ((*roots)[1].max_content_length, 2000);

  Collection c1{"c-1", "cti", "One", "first", policy::Tlp::kGreen, {"org-a", "org-b"}, {"org-a"}};
  Collection c2{"c-2", "aaa", "Two", "", policy::Tlp::kRed, {}, {}};
  ASSERT_TRUE(store->PutCollection(c1).ok());
  ASSERT_TRUE(store->PutCollection(c2).ok());
  auto got = store->GetCollection("c-1");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->title, "One");
  EXPECT_EQ(got->default_tlp, policy::Tlp::kGreen);
  EXPECT_EQ(got->readers, (std::vector<std::string>{"org-a", "org-b"}));
  EXPECT_EQ(got->writers, std::vector<std::string>{"org-a"});

  // Replacing keeps the objects and replaces the grants.
  ASSERT_TRUE(store->AddObjects("c-1", {testing::MakeObject("indicator--1", "v", 1)}).ok());
  c1.readers = {"org-c"};
  c1.writers = {};
  c1.title = "One again";
  ASSERT_TRUE(store->PutCollection(c1).ok());
  got = store->GetCollection("c-1");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->title, "One again");
  EXPECT_EQ(got->readers, std::vector<std::string>{"org-c"});
  EXPECT_TRUE(got->writers.empty());
  EXPECT_EQ(*store->CountObjects("c-1"), 1);

  auto cti = store->ListCollections("cti");
  ASSERT_TRUE(cti.ok());
  ASSERT_EQ(cti->size(), 1u);
  EXPECT_EQ((*cti)[0].readers, std::vector<std::string>{"org-c"});
  EXPECT_EQ(store->ListCollections("")->size(), 2u);
  EXPECT_TRUE(store->ListCollections("nope")->empty());

  ASSERT_TRUE(store->DeleteCollection("c-1").ok());
  EXPECT_EQ(store->GetCollection("c-1").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store->CountObjects("c-1").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store->DeleteCollection("c-1").code(), StatusCode::kNotFound);
  // A collection created again under the same id starts empty.
  ASSERT_TRUE(store->PutCollection(c1).ok());
  EXPECT_EQ(*store->CountObjects("c-1"), 0);
}

TEST(SqliteStore, StatusResources) {
  TempDir dir;
  auto store = OpenOrDie(dir.File("db"));
  StatusRecord s;
  s.id = "2d086da7-4bdc-4f91-900e-d77486753710";
  s.api_root = "cti";
  s.owner_org = "org-a";
  s.status = "complete";
  s.request_timestamp_us = 123;
  s.total_count = 3;
  s.successes = {{"indicator--1", "2020-01-01T00:00:00.000Z", ""}};
  s.failures = {{"indicator--2", "", "bad \"pattern\"\n"}};
  s.collection_id = "c-1";
  ASSERT_TRUE(store->PutStatus(s).ok());
  s.pendings = {{"indicator--3", "v", "later"}};
  ASSERT_TRUE(store->PutStatus(s).ok());
  auto got = store->GetStatus(s.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->owner_org, "org-a");
  EXPECT_EQ(got->collection_id, "c-1");
  EXPECT_EQ(got->status, "complete");
  EXPECT_EQ(got->request_timestamp_us, 123);
  EXPECT_EQ(got->total_count, 3);
  ASSERT_EQ(got->successes.size(), 1u);
  EXPECT_EQ(got->successes[0].version, "2020-01-01T00:00:00.000Z");
  ASSERT_EQ(got->failures.size(), 1u);
  EXPECT_EQ(got->failures[0].message, "bad \"pattern\"\n");
  ASSERT_EQ(got->pendings.size(), 1u);
  EXPECT_EQ(got->pendings[0].id, "indicator--3");
  EXPECT_EQ(store->GetStatus("other").status().code(), StatusCode::kNotFound);
}

// A sensor's checkpoint is written with the objects it goes with, or not at all.
TEST(SqliteStore, CheckpointsCommitWithTheirObjects) {
  TempDir dir;
  auto store = OpenOrDie(dir.File("db"));
  ASSERT_TRUE(store->PutApiRoot({"cti", "CTI", "", 10}).ok());
  ASSERT_TRUE(
      store->PutCollection({"c-1", "cti", "T", "", policy::Tlp::kClear, {"org-a"}, {}}).ok());
  EXPECT_EQ(*store->GetCheckpoint("sensor"), "");
  auto added = store->AddObjectsAndCheckpoint("c-1", {testing::MakeObject("sighting--1", "v1", 1)},
                                              "sensor", "{\"at\":1}");
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(added->at(0).outcome, AddOutcome::kAdded);
  EXPECT_EQ(*store->GetCheckpoint("sensor"), "{\"at\":1}");
  ASSERT_TRUE(store->AddObjectsAndCheckpoint("c-1", {}, "sensor", "{\"at\":2}").ok());
  EXPECT_EQ(*store->GetCheckpoint("sensor"), "{\"at\":2}");
  EXPECT_EQ(*store->GetCheckpoint("other"), "");
  // A failed add writes no checkpoint either.
  EXPECT_FALSE(store
                   ->AddObjectsAndCheckpoint("no-such-collection",
                                             {testing::MakeObject("sighting--2", "v1", 1)},
                                             "sensor", "{\"at\":3}")
                   .ok());
  EXPECT_EQ(*store->GetCheckpoint("sensor"), "{\"at\":2}");
}

TEST(SqliteStore, ReopenKeepsEverything) {
  TempDir dir;
  {
    auto store = OpenOrDie(dir.File("db"));
    ASSERT_TRUE(store->PutSettings({"n", "FR", "t", "d", "c", "cti"}).ok());
    ASSERT_TRUE(store->PutOrganisation({"org-a", "A", "FR", "", "identity--a", "", {"x"}}).ok());
    ASSERT_TRUE(store->AddToken({"tok_1", "org-a", "", "", 1}, std::string(64, 'f')).ok());
    ASSERT_TRUE(store->PutApiRoot({"cti", "CTI", "", 10}).ok());
    ASSERT_TRUE(
        store->PutCollection({"c-1", "cti", "T", "", policy::Tlp::kClear, {"org-a"}, {}}).ok());
    ASSERT_TRUE(store
                    ->AddObjects("c-1", {testing::MakeObject("indicator--1", "v1", 1),
                                         testing::MakeObject("indicator--1", "v2", 2)})
                    .ok());
    ASSERT_TRUE(store->PutStatus({"s-1", "cti", "org-a", "complete", 1, 2, {}, {}, {}, ""}).ok());
  }
  SqliteOptions o;  // no create: the file must be there
  auto reopened = OpenSqliteStore(dir.File("db"), o);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  auto& store = *reopened;
  EXPECT_EQ(store->GetSettings()->name, "n");
  EXPECT_EQ(store->GetOrganisation("org-a")->communities, std::vector<std::string>{"x"});
  EXPECT_EQ(store->FindTokenByHash(std::string(64, 'f'))->token_id, "tok_1");
  EXPECT_EQ(store->ListApiRoots()->size(), 1u);
  EXPECT_EQ(store->GetCollection("c-1")->default_tlp, policy::Tlp::kClear);
  EXPECT_EQ(*store->CountObjects("c-1"), 2);
  EXPECT_EQ(store->GetStatus("s-1")->total_count, 2);
}

}  // namespace
}  // namespace entente::store

namespace entente::store {
namespace {

// An extractor for migrations of stores whose objects hold no indexed value.
void NoValues(std::string_view, std::string_view, std::vector<std::string>* out) { out->clear(); }

// A node written by schema version 1 (objects indexed by id text) opens under version 2
// (objects found by a keyed hash of the id): its objects are found by id and a re-sent
// version is still recognised as a duplicate.
TEST(SqliteStoreMigration, Version1ObjectsAreFoundAfterMigration) {
  testing::TempDir dir;
  const std::string path = dir.File("db");
  {
    ASSERT_EQ(::close(::open(path.c_str(), O_CREAT | O_RDWR, 0600)), 0);
    auto conn = Connection::Open(path, SQLITE_OPEN_READWRITE, 1000, "NORMAL");
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    ASSERT_TRUE(RegisterIdKeyFunction(**conn).ok());
    ASSERT_TRUE(Migrate(**conn, 1).ok());
    ASSERT_TRUE(
        (*conn)
            ->ExecScript("INSERT INTO collections (seq, id, api_root, title, description, "
                         "default_tlp) VALUES (1, 'c1', 'api', 't', '', 2);"
                         "INSERT INTO objects (collection, date_added_us, id, version, version_us, "
                         "type, spec_version, tlp, audience, owner_org, is_first, is_last, json) "
                         "VALUES (1, 10, 'indicator--a', '2020-01-01T00:00:00.000Z', 1, "
                         "'indicator', '2.1', 2, '', 'org-a', 1, 1, '{}');",
                         "write a version 1 node")
            .ok());
  }
  SqliteOptions o;
  o.synchronous = "NORMAL";
  o.extract_values = NoValues;  // version 6 indexes the stored objects' values
  auto store = OpenSqliteStore(path, o);
  ASSERT_TRUE(store.ok()) << store.status().ToString();

  ObjectQuery q;
  q.collection_id = "c1";
  q.ids = {"indicator--a"};
  q.match_all = true;
  int seen = 0;
  ASSERT_TRUE((*store)
                  ->ScanObjects(q,
                                [&](const ObjectRow& row) {
                                  EXPECT_EQ(row.id, "indicator--a");
                                  ++seen;
                                  return ScanAction::kContinue;
                                })
                  .ok());
  EXPECT_EQ(seen, 1);

  auto again = (*store)->AddObjects(
      "c1", {testing::MakeObject("indicator--a", "2020-01-01T00:00:00.000Z", 1)});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ((*again)[0].outcome, AddOutcome::kDuplicate);
}

// `text` inside an SQL string literal.
std::string Quoted(std::string text) {
  for (size_t at = text.find('\''); at != std::string::npos; at = text.find('\'', at + 2)) {
    text.insert(at, 1, '\'');
  }
  return text;
}

// A node written by schema version 3 kept no withheld_for beside its versions. Under
// version 4 a stored indicator whose `pattern` is granular TLP:RED (removing it would
// leave the indicator invalid) is withheld from a GREEN reader by its labels alone, while
// an object without granular markings keeps its audience text as it was.
TEST(SqliteStoreMigration, Version3GranularObjectsGetWithheldFor) {
  testing::TempDir dir;
  const std::string path = dir.File("db");
  const std::string red_pattern =
      R"({"type":"indicator","spec_version":"2.1","id":"indicator--b","created":)"
      R"("2020-01-01T00:00:00.000Z","modified":"2020-01-01T00:00:00.000Z","pattern":)"
      R"("[ipv4-addr:value = '198.51.100.1']","pattern_type":"stix","valid_from":)"
      R"("2020-01-01T00:00:00Z","granular_markings":[{"marking_ref":)"
      R"("marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1","selectors":["pattern"]}]})";
  {
    ASSERT_EQ(::close(::open(path.c_str(), O_CREAT | O_RDWR, 0600)), 0);
    auto conn = Connection::Open(path, SQLITE_OPEN_READWRITE, 1000, "NORMAL");
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    ASSERT_TRUE(RegisterIdKeyFunction(**conn).ok());
    ASSERT_TRUE(Migrate(**conn, 3).ok());
    const std::string insert =
        "INSERT INTO collections (seq, id, api_root, title, description, default_tlp) "
        "VALUES (1, 'c1', 'api', 't', '', 2);"
        "INSERT INTO objects (collection, date_added_us, id, version, version_us, type, "
        "spec_version, tlp, audience, owner_org, is_first, is_last, json, id_key) VALUES "
        "(1, 10, 'indicator--a', '2020-01-01T00:00:00.000Z', 1, 'indicator', '2.1', 0, "
        "'{\"communities\":[\"c\"]}', 'org-a', 1, 1, '{}', "
        "entente_id_key((SELECT id_key_secret FROM keys WHERE k = 1), 'indicator--a')),"
        "(1, 11, 'indicator--b', '2020-01-01T00:00:00.000Z', 1, 'indicator', '2.1', 0, "
        "'', 'org-a', 1, 1, '" +
        Quoted(red_pattern) +
        "', "
        "entente_id_key((SELECT id_key_secret FROM keys WHERE k = 1), 'indicator--b'));";
    Status written = (*conn)->ExecScript(insert.c_str(), "write a version 3 node");
    ASSERT_TRUE(written.ok()) << written.ToString();
  }
  SqliteOptions o;
  o.synchronous = "NORMAL";
  o.extract_values = NoValues;  // version 6 indexes the stored objects' values
  auto store = OpenSqliteStore(path, o);
  ASSERT_TRUE(store.ok()) << store.status().ToString();

  ObjectQuery q;
  q.collection_id = "c1";
  q.match_all = true;
  std::map<std::string, policy::Labels> labels;
  ASSERT_TRUE((*store)
                  ->ScanObjects(q,
                                [&](const ObjectRow& row) {
                                  labels[std::string(row.id)] = row.labels;
                                  return ScanAction::kContinue;
                                })
                  .ok());
  ASSERT_EQ(labels.size(), 2u);
  EXPECT_EQ(labels["indicator--a"].withheld_for, 0u);
  EXPECT_FALSE(labels["indicator--a"].granular);
  EXPECT_TRUE(labels["indicator--b"].granular);
  EXPECT_EQ(labels["indicator--a"].audience.communities, std::vector<std::string>{"c"});
  policy::Requester green_reader;
  green_reader.org_id = "org-b";
  EXPECT_NE(labels["indicator--b"].withheld_for, 0u);
  EXPECT_FALSE(policy::MayRead(green_reader, labels["indicator--b"]));
  policy::Requester owner;
  owner.org_id = "org-a";
  EXPECT_TRUE(policy::MayRead(owner, labels["indicator--b"]));
}

}  // namespace
}  // namespace entente::store
