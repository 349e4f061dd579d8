#include "store/id_key.h"

#include <sodium.h>

#include <cstring>

namespace entente::store {
namespace {

static_assert(crypto_shorthash_KEYBYTES == kIdKeySecretBytes);

int64_t SipHash(const unsigned char* secret, std::string_view id) {
  unsigned char out[crypto_shorthash_BYTES];
  crypto_shorthash(out, reinterpret_cast<const unsigned char*>(id.data()), id.size(), secret);
  uint64_t v;
  std::memcpy(&v, out, sizeof v);
  return static_cast<int64_t>(v);
}

void IdKeySqlFunction(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  if (argc != 2 || sqlite3_value_bytes(argv[0]) != static_cast<int>(kIdKeySecretBytes)) {
    sqlite3_result_error(ctx, "entente_id_key(secret, id): secret must be 16 bytes", -1);
    return;
  }
  const auto* secret = static_cast<const unsigned char*>(sqlite3_value_blob(argv[0]));
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[1]));
  std::string_view id(text == nullptr ? "" : text,
                      static_cast<size_t>(sqlite3_value_bytes(argv[1])));
  sqlite3_result_int64(ctx, SipHash(secret, id));
}

}  // namespace

int64_t IdKeyer::KeyOf(std::string_view id) const { return SipHash(secret_.data(), id); }

Status RegisterIdKeyFunction(Connection& conn) {
  int rc = sqlite3_create_function_v2(conn.db(), "entente_id_key", 2,
                                      SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY,
                                      nullptr, IdKeySqlFunction, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteError(rc, conn.db(), "register entente_id_key");
  return Status::Ok();
}

Result<IdKeyer> LoadIdKeyer(Connection& conn) {
  if (sodium_init() < 0) return Status::Internal("libsodium could not be initialised");
  auto st = conn.Prepare("SELECT id_key_secret FROM keys WHERE k = 1");
  if (!st.ok()) return st.status();
  int rc = st->Step();
  if (rc != SQLITE_ROW) {
    return rc == SQLITE_DONE ? Status::Corruption("the store has no id key secret")
                             : SqliteError(rc, conn.db(), "read id key secret");
  }
  const void* blob = sqlite3_column_blob(st->raw(), 0);
  if (blob == nullptr || sqlite3_column_bytes(st->raw(), 0) != int{kIdKeySecretBytes}) {
    return Status::Corruption("the store's id key secret is not 16 bytes");
  }
  std::array<unsigned char, kIdKeySecretBytes> secret;
  std::memcpy(secret.data(), blob, secret.size());
  st->Reset();
  return IdKeyer(secret);
}

int64_t VersionKey(std::string_view id, std::string_view version) {
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(id.data()), id.size());
  const unsigned char newline = '\n';
  crypto_hash_sha256_update(&state, &newline, 1);
  crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(version.data()),
                            version.size());
  unsigned char md[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&state, md);
  uint64_t key = 0;
  for (int i = 0; i < 8; ++i) key = (key << 8) | md[i];
  return static_cast<int64_t>(key);
}

}  // namespace entente::store
