// Evidence packages (docs/evidence.md): objects exactly as a node stored them, the
// entries of its record that name them (their chain of custody), an inclusion proof of
// each entry to one signed head of the record, and the node's public key: one JSON file
// that anyone can check with no node and no network.
//
// Value types and functions safe for concurrent use. Nothing here reads the object store:
// the CLI gathers the objects; AddCustody reads the record (log.h) for the entries and
// their proofs; FormatPackage writes the package and VerifyPackage reads only the text it
// is given. VerifyPackage trusts nothing in the package: every hash is
// recomputed, every proof replayed, the signature checked; each failure is one line
// naming the object or entry it is about, in the order the checks ran.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/entry.h"
#include "audit/head.h"
#include "audit/log.h"
#include "audit/merkle.h"
#include "entente/status.h"

namespace entente::audit {

// The value of the package's "format" member.
inline constexpr std::string_view kEvidenceFormat = "entente-evidence/1";

// One object version exactly as the node stores it.
struct EvidenceObject {
  std::string id;
  std::string version;     // as the record names it (modified, else created)
  std::string collection;  // the collection holding it
  std::string json;        // the stored bytes
  // The store's date_added of the version, by which AddCustody finds the batch entry
  // that stored it (not part of the package: 0 when unknown).
  int64_t added_us = 0;
};

// An item of an objects-stored entry (stored_batch.h) with its inclusion proof to the
// entry's items_root.
struct EvidenceItem {
  uint64_t index = 0;  // among the entry's items
  std::string text;
  std::vector<Hash> proof;
};

// One entry of the record with its inclusion proof to the package's head.
struct EvidenceEntry {
  uint64_t index = 0;
  std::string text;  // the entry's canonical JSON, exactly as the record holds it
  std::vector<Hash> proof;
  // For an objects-stored entry, the items that record the package's objects.
  std::vector<EvidenceItem> items;
};

// A head of this node a peer kept, with the consistency proof between it and the
// package's head (from the smaller tree to the larger).
struct EvidenceWitness {
  std::string peer;
  SignedHead head;
  std::vector<Hash> consistency;
};

struct EvidencePackage {
  std::string node;  // the node's name, for people (not checked)
  int64_t created_us = 0;
  PublicKey public_key{};
  SignedHead head;
  std::vector<EvidenceObject> objects;
  std::vector<EvidenceEntry> entries;  // in index order
  std::vector<EvidenceWitness> witnessed;
  // Why `witnessed` is empty, when it is (said in the package, checked by no one).
  std::string witnessed_note;
};

// The package as JSON text (pretty enough to read: one member per line at the top).
std::string FormatPackage(const EvidencePackage& package);
// Reads a package: invalid-argument naming the member that is missing or malformed.
// Reading checks form only; VerifyPackage checks what the package claims.
Result<EvidencePackage> ParsePackage(std::string_view text);

struct EvidenceReport {
  size_t objects = 0;
  size_t entries = 0;
  size_t witnessed = 0;
  std::vector<std::string> failures;  // empty: every hash, proof and signature holds
};

// Checks a package (docs/evidence.md, "What verify checks"):
//  - the head's key id is the SHA-256 of the package's public key, and the signature
//    over the head's 88 signing bytes verifies with that key;
//  - each entry is a well-formed record entry whose own index is the one given, inside
//    the head's tree, and its inclusion proof leads from its leaf hash to the head's root;
//  - each item of an objects-stored entry is a well-formed item inside the entry's count,
//    and its inclusion proof leads from its leaf hash to the entry's items_root;
//  - each object is JSON whose canonical form (RFC 8785) hashes to the SHA-256 that an
//    object-stored entry, or a proven item of an objects-stored entry, of the package
//    records for that id and version, in that collection (and at least one such exists);
//  - each witnessed head is signed by the same key and consistent with the package's
//    head (RFC 9162 2.1.4.2).
// `expected_key`: when given (the key the reader obtained independently, e.g. from the
// node's published identity), the package's key must be that key.
// A package that cannot be read at all is one failure ("package: …").
EvidenceReport VerifyPackage(std::string_view text,
                             const std::optional<PublicKey>& expected_key = std::nullopt);

// Adds to `package` every entry of `log` whose subject (EntrySubject) is one of
// `subjects`, and the objects-stored entry (with the item and its proof) that stored each
// of package->objects (found by its added_us), that lie inside `package->head` (index <
// its tree size), once each, in index order, with its inclusion proof to that head: the
// chain of custody of those objects. The head must be one of `log`'s (the proofs are
// generated, not checked).
Status AddCustody(AuditLog& log, const std::vector<std::string>& subjects,
                  EvidencePackage* package);

// SHA-256 of the RFC 8785 canonical form of `json` (lower-case hex), the value an
// object-stored entry records; invalid-argument when `json` is not JSON.
Result<std::string> ObjectDigest(std::string_view json);

// 64 lower-case hex digits to a key (invalid-argument otherwise).
Result<PublicKey> PublicKeyFromHex(std::string_view hex);

}  // namespace entente::audit
