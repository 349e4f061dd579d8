// taxii/log_route.h: the node's record (audit/) served beside TAXII, for peers that
// witness it and for anyone checking a proof (docs/evidence.md, "Over HTTP"):
//
//   GET /x-entente/log/head                       the newest signed head (head.h text
//        form) and the node's public key:  {"head":{…},"key_id":"…","public_key":"…"}
//   GET /x-entente/log/consistency?first=N&second=M
//        RFC 9162 2.1.4 proof that the tree of M entries extends the tree of N:
//        {"first":N,"proof":["<hex>",…],"second":M}
//   GET /x-entente/log/inclusion?index=I&size=N
//        RFC 9162 2.1.3 proof of entry I in the tree of N entries, its leaf hash, and the
//        entry's text when the caller may read it:
//        {"entry":"…"|absent,"entry_withheld":bool,"index":I,"leaf_hash":"…","proof":[…],
//         "size":N}
//
// Who sees what (a hostile partner's view): heads and proofs are hashes only and go to
// any authenticated caller (the TAXII handler authenticates first: 401 otherwise). An
// entry's text says what the node did and with whom, so it goes only to an
// administrator of this node, or, as a receipt, to the organisation that submitted (or
// deleted) the object version the entry records, while it may read that version (the
// `may_read` callback asks the policy gate); every other entry (others' submissions,
// egress decisions, restricted reads, changes, case events) is withheld from
// non-administrators, and a withheld entry is answered exactly like a
// visible one but without its text. Proofs reach up to the newest signed head only (sizes
// beyond are 400, naming that head's size, which every head tells anyway): the live size
// would let a caller time the node's activity entry by entry. Answers are application/json whatever
// Accept says.
//
// Stateless: safe for concurrent use as the AuditLog is.
#pragma once

#include <functional>
#include <span>
#include <string_view>

#include "audit/entry.h"
#include "audit/head.h"
#include "audit/log.h"
#include "http/message.h"

namespace entente::taxii {

// Whether the caller may read `entry`'s text (an administrator's handler says yes).
using EntryReadable = std::function<Result<bool>(const audit::Entry& entry)>;

// `rest` is the path after "/x-entente/log" ("head", "consistency" or "inclusion").
http::Response HandleLogRoute(audit::AuditLog& log, const audit::PublicKey& key,
                              const http::Request& req, std::span<const std::string_view> rest,
                              const EntryReadable& may_read);

}  // namespace entente::taxii
