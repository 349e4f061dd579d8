// The node's Ed25519 signing key (libsodium crypto_sign), kept in one file of the data
// folder readable by its owner only, and the signatures it makes over tree heads.
//
// A NodeKey is immutable once made and safe for concurrent use. The secret never leaves
// it except through SaveNew (to the key file). Key file format, one line:
//   entente-ed25519-seed-v1 <64 lower-case hex digits: the 32-byte seed>
#pragma once

#include <string>

#include "audit/head.h"
#include "common/env.h"
#include "entente/status.h"

namespace entente::audit {

class NodeKey {
 public:
  // A new key from `random`'s 32 bytes of seed.
  static NodeKey Generate(Random& random = SystemRandom());
  // Reads the key file at `path`: not-found when absent; permission-denied when group or
  // others may read or write it (a key others could read signs nothing we trust);
  // corruption when it is not a key file.
  static Result<NodeKey> Load(const std::string& path);
  // Writes this key to `path`, which must not exist (already-exists otherwise), created
  // with mode 0600 and synced.
  Status SaveNew(const std::string& path) const;
  // Load, or Generate and SaveNew when the file is absent; `*created` tells which.
  static Result<NodeKey> LoadOrCreate(const std::string& path, bool* created);

  const PublicKey& public_key() const { return public_key_; }
  Hash key_id() const { return KeyIdOf(public_key_); }
  // The signed head of `head` (its key_id set to this key's).
  SignedHead Sign(TreeHead head) const;

 private:
  NodeKey() = default;
  std::array<unsigned char, 32> seed_{};
  std::array<unsigned char, 64> secret_{};  // libsodium's expanded secret key
  PublicKey public_key_{};
};

}  // namespace entente::audit
