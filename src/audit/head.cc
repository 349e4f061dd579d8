// Signed tree heads: encoding, signature check, text form.
#include "audit/head.h"

#include <sodium.h>

#include <boost/json.hpp>

#include "common/timestamp.h"
#include "stix/deterministic_id.h"

namespace entente::audit {
namespace {

namespace json = boost::json;

void PutBigEndian(std::string* out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>(v >> shift));
}

template <size_t N>
bool HexTo(std::string_view hex, std::array<unsigned char, N>* out) {
  size_t len = 0;
  if (hex.size() != 2 * N) return false;
  for (char c : hex) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;  // lower case only
  }
  return sodium_hex2bin(out->data(), N, hex.data(), hex.size(), nullptr, &len, nullptr) == 0 &&
         len == N;
}

}  // namespace

std::string BytesHex(const unsigned char* data, size_t n) {
  std::string out(2 * n + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), data, n);
  out.resize(2 * n);
  return out;
}

Hash KeyIdOf(const PublicKey& key) {
  Hash out;
  crypto_hash_sha256(out.data(), key.data(), key.size());
  return out;
}

std::string HeadSigningBytes(const TreeHead& head) {
  std::string out = "ENTHEAD1";
  PutBigEndian(&out, head.tree_size);
  PutBigEndian(&out, static_cast<uint64_t>(head.timestamp_us));
  out.append(reinterpret_cast<const char*>(head.root.data()), head.root.size());
  out.append(reinterpret_cast<const char*>(head.key_id.data()), head.key_id.size());
  return out;
}

Status VerifyHeadSignature(const SignedHead& signed_head, const PublicKey& key) {
  if (signed_head.head.key_id != KeyIdOf(key)) {
    return Status::InvalidArgument("signed by key " + HashHex(signed_head.head.key_id) +
                                   ", not by key " + HashHex(KeyIdOf(key)));
  }
  std::string msg = HeadSigningBytes(signed_head.head);
  if (crypto_sign_verify_detached(signed_head.signature.data(),
                                  reinterpret_cast<const unsigned char*>(msg.data()), msg.size(),
                                  key.data()) != 0) {
    return Status::InvalidArgument("signature does not verify");
  }
  return Status::Ok();
}

std::string FormatSignedHead(const SignedHead& h) {
  json::object o{
      {"tree_size", h.head.tree_size},
      {"timestamp", FormatTimestamp(h.head.timestamp_us, 6)},
      {"root_hash", HashHex(h.head.root)},
      {"key_id", HashHex(h.head.key_id)},
      {"signature", BytesHex(h.signature.data(), h.signature.size())},
  };
  return stix::CanonicalJson(o);
}

Result<SignedHead> ParseSignedHead(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return Status::InvalidArgument("signed head is not a JSON object");
  const json::object& o = v.get_object();
  auto str = [&](const char* key) -> const json::string* {
    const json::value* m = o.if_contains(key);
    return m != nullptr && m->is_string() ? &m->get_string() : nullptr;
  };
  SignedHead h;
  const json::value* size = o.if_contains("tree_size");
  if (size == nullptr || !(size->is_uint64() || (size->is_int64() && size->as_int64() >= 0))) {
    return Status::InvalidArgument("signed head: tree_size is not a non-negative integer");
  }
  h.head.tree_size = size->is_uint64() ? size->get_uint64() : size->as_int64();
  const json::string* ts = str("timestamp");
  auto parsed = ts ? ParseTimestamp(*ts) : Result<Timestamp>(Status::InvalidArgument("absent"));
  if (!parsed.ok() || parsed->micros < 0) {
    return Status::InvalidArgument("signed head: timestamp is not an RFC 3339 UTC time");
  }
  h.head.timestamp_us = parsed->micros;
  const json::string* root = str("root_hash");
  if (root == nullptr || !HexTo(*root, &h.head.root))
    return Status::InvalidArgument("signed head: root_hash is not 64 lower-case hex digits");
  const json::string* key = str("key_id");
  if (key == nullptr || !HexTo(*key, &h.head.key_id))
    return Status::InvalidArgument("signed head: key_id is not 64 lower-case hex digits");
  const json::string* sig = str("signature");
  if (sig == nullptr || !HexTo(*sig, &h.signature))
    return Status::InvalidArgument("signed head: signature is not 128 lower-case hex digits");
  if (FormatSignedHead(h) != text) {
    return Status::InvalidArgument("signed head is not in its canonical encoding");
  }
  return h;
}

}  // namespace entente::audit
