// What a hash value may look like, per algorithm: the rule `pattern validate` applies to
// constants compared with hashes.<algorithm> (STIX 2.1 hashing-algorithm-ov; the same
// table as the reference validator stix2patterns). Shared by the parser and by the
// index's fast path (pattern/index/fast_classify), which must refuse what the parser does.
//
// Pure functions, safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace entente::pattern {

// nullopt when `value` can be a value of the algorithm `key` names (the name compared
// without case and without '-': 'SHA-256', 'sha256' and SHA256 are one), or when `key`
// names no algorithm of the table; otherwise what such a value looks like, e.g.
// "64 hex digits". Table: MD5 32 hex digits, SHA-1 40, SHA-224 56, SHA-256 64, SHA-384
// 96, SHA-512 128, SHA3-224 56, SHA3-256 64, SHA3-384 96, SHA3-512 128, RIPEMD-160 40,
// WHIRLPOOL 128, SSDEEP 1 to 128 of A-Z a-z 0-9 / + : .
std::optional<std::string> HashValueProblem(std::string_view key, std::string_view value);

}  // namespace entente::pattern
