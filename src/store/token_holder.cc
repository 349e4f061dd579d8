#include "store/token_holder.h"

namespace entente::store {

Result<TokenHolder> FindTokenHolder(Store& store, std::string_view secret_sha256_hex) {
  auto token = store.FindTokenByHash(secret_sha256_hex);
  if (!token.ok()) {
    if (token.status().code() == StatusCode::kNotFound) {
      return Status::NotFound("unknown or revoked token");
    }
    return token.status();
  }
  auto org = store.GetOrganisation(token->org_id);
  if (!org.ok()) {
    if (org.status().code() == StatusCode::kNotFound) {
      return Status::NotFound("the token's organisation no longer exists");
    }
    return org.status();
  }
  return TokenHolder{std::move(*token), std::move(*org)};
}

}  // namespace entente::store
