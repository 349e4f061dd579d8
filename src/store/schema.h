// schema: the SQLite store's tables and their migrations.
//
// The schema version lives in PRAGMA user_version. Migrate() brings a database from
// any older version to kSchemaVersion, one step per version, each step in its own
// write transaction; a database newer than this binary is refused. Call it on the
// writer connection, after RegisterIdKeyFunction (store/id_key.h), before any other
// use; it is not safe for concurrent use.
#pragma once

#include "entente/status.h"
#include "store/sqlite_db.h"
#include "store/store.h"

namespace entente::store {

inline constexpr int kSchemaVersion = 8;

// `target` below kSchemaVersion is for tests of the migrations themselves. `extract`
// gives the values of the versions already stored when version 6 adds the value index and
// version 7 adds relationships to it (store.h ValueExtractor; version 8 adds the object
// counts and the index by type); it may be empty when the
// store holds no object.
Status Migrate(Connection& conn, int target = kSchemaVersion,
               const ValueExtractor& extract = nullptr);

}  // namespace entente::store
