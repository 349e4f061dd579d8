// Re-checking a whole local record (`entente log verify`): every entry against its leaf,
// the stored tree against itself, and every stored signed head against the node's key
// and the tree rebuilt from the entries.
//
// VerifyRecord only reads; it holds no lock between its reads, so run it on a record no
// one appends to meanwhile (the CLI does) or expect the tail appended meanwhile to be
// named. Each failure is one line naming the entry index or head sequence number.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "audit/head.h"
#include "audit/log.h"
#include "entente/status.h"

namespace entente::audit {

struct VerifyReport {
  uint64_t entries = 0;               // rows read from the entries table
  uint64_t tree_size = 0;             // leaves of the rebuilt tree
  Hash root{};                        // its head
  size_t heads = 0;                   // signed heads checked
  std::vector<std::string> failures;  // empty: everything holds
  size_t failures_not_listed = 0;     // past kMaxListed
  static constexpr size_t kMaxListed = 200;
};

// `node_key`: the public key of the node's key file (nullopt when the node has none or it
// cannot be read; then heads are checked against the key the record names, and the
// missing key is a failure too).
Result<VerifyReport> VerifyRecord(AuditLog& log, const std::optional<PublicKey>& node_key);

}  // namespace entente::audit
