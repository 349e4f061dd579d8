// id_key: the 64-bit integer under which the store indexes a STIX id.
//
// Indexing objects by a keyed 64-bit hash of their id, instead of the ~45-byte id text,
// makes the lookup index about five times narrower, so that bulk ingest dirties and
// rewrites far fewer index pages. Lookups always compare the id text as well, so a hash
// collision costs a row read, never a wrong answer. The hash is SipHash-2-4 under a
// per-database secret (table `keys`), so ids chosen by a hostile peer cannot be made to
// collide on purpose. Thread-safe: IdKeyer is immutable after construction.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "entente/status.h"
#include "store/sqlite_db.h"

namespace entente::store {

inline constexpr size_t kIdKeySecretBytes = 16;

class IdKeyer {
 public:
  IdKeyer() = default;
  explicit IdKeyer(const std::array<unsigned char, kIdKeySecretBytes>& secret) : secret_(secret) {}

  int64_t KeyOf(std::string_view id) const;

 private:
  std::array<unsigned char, kIdKeySecretBytes> secret_{};
};

// Registers the SQL function entente_id_key(secret BLOB, id TEXT) -> INTEGER on `conn`,
// the same function as IdKeyer::KeyOf, for schema migrations that fill the column.
Status RegisterIdKeyFunction(Connection& conn);

// Reads the database's secret (created by the schema migration).
Result<IdKeyer> LoadIdKeyer(Connection& conn);

// The 64-bit key under which the fed_ tables index an object version (provenance, the
// versions a peer acknowledged): the first 8 bytes of SHA-256 of "id\nversion", big
// endian. Unkeyed, as files written by earlier releases hold it: a collision only
// costs a row read (provenance lookups compare the id and version too) or one needless
// DELETE sent to a peer.
int64_t VersionKey(std::string_view id, std::string_view version);

}  // namespace entente::store
