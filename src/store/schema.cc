#include "store/schema.h"

#include <sqlite3.h>

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <vector>

#include <string>
#include <string_view>

#include "policy/granular.h"
#include "policy/policy.h"
#include "stix/stix.h"

namespace entente::store {
namespace {

// Version 1. Objects are appended by rowid (never keyed on the random STIX id);
// collections are referred to by an integer.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE settings (
  k INTEGER PRIMARY KEY CHECK (k = 1),
  name TEXT NOT NULL, jurisdiction TEXT NOT NULL, title TEXT NOT NULL,
  description TEXT NOT NULL, contact TEXT NOT NULL, default_api_root TEXT NOT NULL);

CREATE TABLE organisations (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, country TEXT NOT NULL, sector TEXT NOT NULL,
  identity_id TEXT NOT NULL, client_of TEXT NOT NULL,
  communities TEXT NOT NULL,  -- JSON array of names
  admin INTEGER NOT NULL);

CREATE TABLE tokens (
  token_id TEXT PRIMARY KEY, org_id TEXT NOT NULL, label TEXT NOT NULL,
  individual_id TEXT NOT NULL, created_us INTEGER NOT NULL,
  hash TEXT NOT NULL);  -- SHA-256 hex of the secret, never the secret
CREATE UNIQUE INDEX tokens_hash ON tokens (hash);
CREATE INDEX tokens_org ON tokens (org_id);

CREATE TABLE api_roots (
  name TEXT PRIMARY KEY, title TEXT NOT NULL, description TEXT NOT NULL,
  max_content_length INTEGER NOT NULL);

CREATE TABLE collections (
  seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, api_root TEXT NOT NULL,
  title TEXT NOT NULL, description TEXT NOT NULL, default_tlp INTEGER NOT NULL,
  last_added_us INTEGER NOT NULL DEFAULT 0);  -- greatest date_added ever assigned

CREATE TABLE grants (
  collection INTEGER NOT NULL REFERENCES collections (seq) ON DELETE CASCADE,
  kind INTEGER NOT NULL,  -- 0 read, 1 write
  pos INTEGER NOT NULL, org_id TEXT NOT NULL,
  PRIMARY KEY (collection, kind, pos)) WITHOUT ROWID;

CREATE TABLE objects (
  seq INTEGER PRIMARY KEY,
  collection INTEGER NOT NULL REFERENCES collections (seq) ON DELETE CASCADE,
  date_added_us INTEGER NOT NULL, id TEXT NOT NULL, version TEXT NOT NULL,
  version_us INTEGER NOT NULL, type TEXT NOT NULL, spec_version TEXT NOT NULL,
  tlp INTEGER NOT NULL, audience TEXT NOT NULL, owner_org TEXT NOT NULL,
  is_first INTEGER NOT NULL, is_last INTEGER NOT NULL, json TEXT NOT NULL);
CREATE UNIQUE INDEX objects_key ON objects (collection, id, version);
CREATE INDEX objects_added ON objects (collection, date_added_us);

CREATE TABLE tombstones (
  collection INTEGER NOT NULL REFERENCES collections (seq) ON DELETE CASCADE,
  id TEXT NOT NULL, version TEXT NOT NULL, deleted_at_us INTEGER NOT NULL);
CREATE INDEX tombstones_key ON tombstones (collection, id);

CREATE TABLE statuses (
  id TEXT PRIMARY KEY, api_root TEXT NOT NULL, owner_org TEXT NOT NULL,
  status TEXT NOT NULL, request_timestamp_us INTEGER NOT NULL, total_count INTEGER NOT NULL,
  successes TEXT NOT NULL, failures TEXT NOT NULL, pendings TEXT NOT NULL);  -- JSON arrays
)sql";

// Version 2. Objects are found by a keyed 64-bit hash of their id (store/id_key.h)
// instead of the id text: the index is about five times narrower, so bulk ingest
// rewrites far fewer pages. (collection, id, version) stays unique — and (collection,
// id, owner_org) for objects without a version, kept one copy per owner (store.h) —
// because AddObjects looks a version up before it inserts, under the single writer. The secret
// comes from SQLite's randomblob (ChaCha20 seeded from the operating system).
constexpr const char* kSchemaV2 = R"sql(
CREATE TABLE keys (
  k INTEGER PRIMARY KEY CHECK (k = 1),
  id_key_secret BLOB NOT NULL CHECK (length(id_key_secret) = 16));
INSERT INTO keys (k, id_key_secret) VALUES (1, randomblob(16));
ALTER TABLE objects ADD COLUMN id_key INTEGER NOT NULL DEFAULT 0;
UPDATE objects SET id_key = entente_id_key((SELECT id_key_secret FROM keys WHERE k = 1), id);
DROP INDEX objects_key;
CREATE INDEX objects_id ON objects (collection, id_key);
)sql";

// Version 3. A status resource remembers the collection its envelope was posted to, so
// that a restart can tell which objects of an interrupted envelope were stored.
constexpr const char* kSchemaV3 = R"sql(
ALTER TABLE statuses ADD COLUMN collection TEXT NOT NULL DEFAULT '';
)sql";

// Version 4. Each version's stored audience text carries `granular` (the object has
// granular markings, so the read path must look at its parts) and withheld_for (which
// readers they withhold it from; policy.h Labels). Rows stored before it say neither, so
// the ones with granular markings get both, computed once under today's rules.
// Admission's serializer never escapes a key, so the substring finds every such row.
constexpr const char* kSchemaV4 = R"sql(
UPDATE objects SET audience = entente_granular_audience(audience, json)
  WHERE instr(json, '"granular_markings"') > 0;
)sql";

// Version 5. Sensor checkpoints (store.h AddObjectsAndCheckpoint): a named text written
// in the same transaction as the sightings it goes with.
constexpr const char* kSchemaV5 = R"sql(
CREATE TABLE IF NOT EXISTS checkpoints (name TEXT PRIMARY KEY, value TEXT NOT NULL);
)sql";

// Version 6 (issue 14, "who else saw it"). The value index: one row per (object version,
// observable value it holds) — an indicator's compared constants, a sighting's
// sighting_of_ref, an SCO's value and hashes (admission/observable_values.h) — found by
// value. Never pairs of objects: correlation is computed when a reader asks
// (store/seen.h). Keyed on the version's seq first, so that a version's rows are
// appended in order and removed with it (ON DELETE CASCADE); the value index is the one
// random-order insert per value. Versions already stored are indexed through
// entente_object_values (the store's ValueExtractor, as a JSON array of strings).
constexpr const char* kSchemaV6 = R"sql(
CREATE TABLE object_values (
  object INTEGER NOT NULL REFERENCES objects (seq) ON DELETE CASCADE,
  value TEXT NOT NULL,
  PRIMARY KEY (object, value)) WITHOUT ROWID;
CREATE INDEX object_values_value ON object_values (value);
INSERT OR IGNORE INTO object_values (object, value)
  SELECT o.seq, v.value FROM objects AS o, json_each(entente_object_values(o.type, o.json)) AS v;
)sql";

// Version 7. The value index also holds each relationship's target_ref
// (admission/observable_values.h), so that the relationships pointing at an object are
// found from it (the dashboard's object page). Relationships already stored are indexed
// here; the rows of other types are unchanged (INSERT OR IGNORE keeps what version 6
// wrote when it already ran with this rule).
constexpr const char* kSchemaV7 = R"sql(
INSERT OR IGNORE INTO object_values (object, value)
  SELECT o.seq, v.value FROM objects AS o, json_each(entente_object_values(o.type, o.json)) AS v
  WHERE o.type = 'relationship';
)sql";

// Version 8 (issue 17, the dashboard's overview on a million objects). Object counts
// kept per collection and label (store/object_counts.h): object_counts holds, per
// (collection, tlp, audience, owner_org), the number of ids whose versions all carry
// those labels; object_mixed lists the ids whose versions differ. Both are computed here
// from the versions already stored in two scans of the table in storage order (each id
// has exactly one is_last version; an id with one version is first and last, so only the
// versions of the others are grouped to find the mixed ones), then kept
// by every add and deletion. And an index by (collection, type, date_added), so that a
// scan of one type (the overview's recent sightings, match[type], browse by type) reads
// the rows of that type only.
constexpr const char* kSchemaV8 = R"sql(
CREATE TABLE object_counts (
  collection INTEGER NOT NULL REFERENCES collections (seq) ON DELETE CASCADE,
  tlp INTEGER NOT NULL, audience TEXT NOT NULL, owner_org TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (collection, tlp, audience, owner_org)) WITHOUT ROWID;
CREATE TABLE object_mixed (
  collection INTEGER NOT NULL REFERENCES collections (seq) ON DELETE CASCADE,
  id_key INTEGER NOT NULL, id TEXT NOT NULL,
  PRIMARY KEY (collection, id_key, id)) WITHOUT ROWID;
INSERT INTO object_mixed (collection, id_key, id)
  SELECT collection, id_key, id FROM objects NOT INDEXED
  WHERE NOT (is_first = 1 AND is_last = 1)
  GROUP BY collection, id_key, id
  HAVING min(tlp) <> max(tlp) OR min(audience) <> max(audience)
      OR min(owner_org) <> max(owner_org);
INSERT INTO object_counts (collection, tlp, audience, owner_org, n)
  SELECT o.collection, o.tlp, o.audience, o.owner_org, count(*) FROM objects AS o NOT INDEXED
  WHERE o.is_last = 1 AND NOT EXISTS (SELECT 1 FROM object_mixed AS m
    WHERE m.collection = o.collection AND m.id_key = o.id_key AND m.id = o.id)
  GROUP BY o.collection, o.tlp, o.audience, o.owner_org;
CREATE INDEX objects_type_added ON objects (collection, type, date_added_us);
)sql";

// kMigrations[i] brings the schema from version i to version i + 1.
constexpr const char* kMigrations[] = {kSchemaV1, kSchemaV2, kSchemaV3, kSchemaV4,
                                       kSchemaV5, kSchemaV6, kSchemaV7, kSchemaV8};
static_assert(sizeof(kMigrations) / sizeof(kMigrations[0]) == kSchemaVersion);

std::string_view TextArg(sqlite3_value* v) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(v));
  return text == nullptr ? std::string_view()
                         : std::string_view(text, static_cast<size_t>(sqlite3_value_bytes(v)));
}

// entente_granular_audience(audience TEXT, json TEXT) -> the audience text with granular
// and withheld_for computed from the object's granular markings.
void GranularAudienceSqlFunction(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  if (argc != 2) {
    sqlite3_result_error(ctx, "entente_granular_audience(audience, json)", -1);
    return;
  }
  const std::string_view audience_text = TextArg(argv[0]);
  uint32_t withheld_for = 0;
  auto parsed = stix::ParseJson(TextArg(argv[1]));
  // A stored text that does not parse cannot be served anyway (policy/granular.h ViewFor).
  if (parsed.ok() && parsed->is_object()) withheld_for = policy::WithheldFor(parsed->get_object());
  const std::string out =
      policy::EncodeAudience(policy::DecodeAudience(audience_text), withheld_for, true);
  sqlite3_result_text(ctx, out.data(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
}

// entente_object_values(type TEXT, json TEXT) -> the values the version holds, as a JSON
// array of strings; user data is the ValueExtractor (an error without one).
void ObjectValuesSqlFunction(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  const auto* extract = static_cast<const ValueExtractor*>(sqlite3_user_data(ctx));
  if (argc != 2 || extract == nullptr || !*extract) {
    sqlite3_result_error(ctx,
                         "indexing the values of stored objects (schema versions 6 and 7) needs "
                         "SqliteOptions::extract_values",
                         -1);
    return;
  }
  std::vector<std::string> values;
  (*extract)(TextArg(argv[0]), TextArg(argv[1]), &values);
  boost::json::array out;
  for (auto& v : values) out.emplace_back(v);
  const std::string text = boost::json::serialize(out);
  sqlite3_result_text(ctx, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

Status MigrateSteps(Connection& conn, int target);

}  // namespace

Status Migrate(Connection& conn, int target, const ValueExtractor& extract) {
  // Registered for the migration only: the function holds a pointer to `extract`.
  int rc = sqlite3_create_function_v2(
      conn.db(), "entente_object_values", 2, SQLITE_UTF8 | SQLITE_DIRECTONLY,
      const_cast<ValueExtractor*>(&extract), ObjectValuesSqlFunction, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteError(rc, conn.db(), "register entente_object_values");
  Status s = MigrateSteps(conn, target);
  rc = sqlite3_create_function_v2(conn.db(), "entente_object_values", 2, SQLITE_UTF8, nullptr,
                                  nullptr, nullptr, nullptr, nullptr);
  if (s.ok() && rc != SQLITE_OK) {
    return SqliteError(rc, conn.db(), "unregister entente_object_values");
  }
  return s;
}

namespace {

Status MigrateSteps(Connection& conn, int target) {
  int rc =
      sqlite3_create_function_v2(conn.db(), "entente_granular_audience", 2,
                                 SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY, nullptr,
                                 GranularAudienceSqlFunction, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteError(rc, conn.db(), "register entente_granular_audience");
  for (;;) {
    ENTENTE_RETURN_IF_ERROR(conn.ExecScript("BEGIN IMMEDIATE", "begin schema migration"));
    auto version = conn.PragmaInt("user_version");
    if (!version.ok()) {
      (void)conn.ExecScript("ROLLBACK", "rollback");
      return version.status();
    }
    const int64_t v = *version;
    if (v >= target && v <= kSchemaVersion) {
      return conn.ExecScript("COMMIT", "commit schema check");
    }
    if (v < 0 || v > kSchemaVersion) {
      (void)conn.ExecScript("ROLLBACK", "rollback");
      return Status::Corruption("database schema version " + std::to_string(v) +
                                " is newer than this entente (" + std::to_string(kSchemaVersion) +
                                ")");
    }
    // user_version cannot be bound; the number comes from this code, not from input.
    std::string step =
        std::string(kMigrations[v]) + "\nPRAGMA user_version = " + std::to_string(v + 1) + ";";
    Status s = conn.ExecScript(step.c_str(), "migrate schema to version " + std::to_string(v + 1));
    if (!s.ok()) {
      (void)conn.ExecScript("ROLLBACK", "rollback");
      return s;
    }
    ENTENTE_RETURN_IF_ERROR(conn.ExecScript("COMMIT", "commit schema migration"));
  }
}

}  // namespace

}  // namespace entente::store
