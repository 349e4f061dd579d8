// store/token_holder.h: who holds a bearer token - the token and its organisation, looked
// up from the SHA-256 of the token's secret, as every authenticated request does (TAXII,
// the dashboard's sessions and sign-in).
//
// A pure function of the store's state; safe for concurrent use as the store is.
#pragma once

#include <string_view>

#include "entente/status.h"
#include "store/store.h"

namespace entente::store {

struct TokenHolder {
  TokenInfo token;
  Organisation org;
};

// not-found, saying which, for a token that is unknown or revoked ("unknown or revoked
// token") or whose organisation was removed ("the token's organisation no longer
// exists"); other errors as the store gives them.
Result<TokenHolder> FindTokenHolder(Store& store, std::string_view secret_sha256_hex);

}  // namespace entente::store
