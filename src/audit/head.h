// Signed tree heads: the node's Ed25519 signature over {tree size, root hash, time, key
// id}, in the byte encoding docs/record.md specifies so that another implementation can
// verify it; and their text form (JSON) for printing, exchange and evidence.
//
// Value types and pure functions, safe for concurrent use. ParseSignedHead accepts only
// the exact text FormatSignedHead gives (one head, one text).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "audit/merkle.h"
#include "entente/status.h"

namespace entente::audit {

using PublicKey = std::array<unsigned char, 32>;  // Ed25519 (RFC 8032)
using Signature = std::array<unsigned char, 64>;

// SHA-256 of the 32 bytes of the public key: how heads name the key that signed them.
Hash KeyIdOf(const PublicKey& key);

struct TreeHead {
  uint64_t tree_size = 0;
  int64_t timestamp_us = 0;  // microseconds since the Unix epoch, UTC, >= 0
  Hash root{};               // MTH of the first tree_size entries (RFC 9162 2.1.1)
  Hash key_id{};             // KeyIdOf the signing key

  bool operator==(const TreeHead&) const = default;
};

struct SignedHead {
  TreeHead head;
  Signature signature{};

  bool operator==(const SignedHead&) const = default;
};

// The 88 bytes signed: "ENTHEAD1" (8 ASCII bytes), tree_size (8 bytes, big-endian),
// timestamp_us (8 bytes, big-endian, two's complement), root (32), key_id (32).
inline constexpr size_t kHeadSigningBytes = 88;
std::string HeadSigningBytes(const TreeHead& head);

// OK when `signed_head.signature` is `key`'s Ed25519 signature over its signing bytes and
// its key id is KeyIdOf(key); else invalid-argument saying which.
Status VerifyHeadSignature(const SignedHead& signed_head, const PublicKey& key);

// {"key_id":"<64 hex>","root_hash":"<64 hex>","signature":"<128 hex>",
//  "timestamp":"YYYY-MM-DDTHH:MM:SS.ffffffZ","tree_size":N} (canonical JSON, one line).
std::string FormatSignedHead(const SignedHead& head);
// The inverse; invalid-argument naming the member unless `text` is exactly such a text.
Result<SignedHead> ParseSignedHead(std::string_view text);

// Lower-case hex of any byte array.
std::string BytesHex(const unsigned char* data, size_t n);

}  // namespace entente::audit
