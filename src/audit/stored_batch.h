// The objects one store batch added, as the record holds them: one objects-stored entry
// (entry.h ObjectsStored) per batch, whose `items_root` is the RFC 9162 Merkle tree head
// of the batch's items, each item one object version (its id, version and SHA-256) in
// one canonical JSON text. The record keeps the items' leaf hashes beside the entry
// (log.h), not their texts: an item's text is made again from the stored object it names
// (ItemOfStoredJson), and proven to belong to its entry by an inclusion proof to
// `items_root` computed from the kept leaves, and the entry to the record by the
// record's own proof: two proofs of the same kind, so a batch of 10,000 objects costs the
// record one entry and 320 KB, not 10,000 entries (docs/record.md "Objects stored").
//
// Value types and pure functions, safe for concurrent use.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "audit/merkle.h"
#include "entente/status.h"

namespace entente::audit {

struct StoredItem {
  std::string object_id;
  std::string version;  // its `modified` (or `created`), as stored; may be empty (SCOs)
  std::string sha256;   // of the object's canonical JSON (RFC 8785), 64 lower-case hex
};

// {"id":"…","sha256":"…","version":"…"}: the item's one encoding. invalid-argument when
// the sha256 is not 64 lower-case hex digits or a field carries a token secret.
Result<std::string> EncodeItem(const StoredItem& item);
// Appends EncodeItem's text for these fields to *out, with the same errors (and then
// nothing is appended): for callers that hold the fields as views (admission/record.h).
Status AppendItemText(std::string_view object_id, std::string_view version, std::string_view sha256,
                      std::string* out);
// The inverse; invalid-argument unless `text` is exactly what EncodeItem gives.
Result<StoredItem> ParseItem(std::string_view text);
// The item of a version as the store holds it: its id and version, and the SHA-256 of the
// canonical form (RFC 8785) of its stored JSON (which admission stores canonical
// already). invalid-argument when `stored_json` is not a JSON object.
Result<std::string> ItemOfStoredJson(std::string_view object_id, std::string_view version,
                                     std::string_view stored_json);

// The items of one batch as they are built and kept: their leaf hashes, in order.
class ItemLeaves {
 public:
  // Appends HashLeaf(EncodeItem(item)) (its errors, and then nothing is added).
  Status Add(const StoredItem& item);
  // Appends the leaf of an item made elsewhere (admission/record.h PrepareRecordItem: off
  // the store's writer).
  void AddLeaf(const Hash& leaf) { leaves_.push_back(leaf); }
  void Clear() { leaves_.clear(); }
  void Reserve(size_t items) { leaves_.reserve(items); }
  size_t size() const { return leaves_.size(); }
  bool empty() const { return leaves_.empty(); }
  const std::vector<Hash>& leaves() const { return leaves_; }

 private:
  std::vector<Hash> leaves_;
};

// MTH of the items' texts, or of their leaves (RFC 9162 2.1.1; EmptyRoot() for none).
Hash ItemsRoot(const std::vector<std::string>& item_texts);
Hash ItemsRoot(const std::vector<Hash>& leaves);
// The audit path of item `index` among the items with these leaves to ItemsRoot (RFC 9162
// 2.1.3.1).
Result<std::vector<Hash>> ItemProof(const std::vector<Hash>& leaves, uint64_t index);

// The leaves of a batch as the record keeps them beside the entry: 32 bytes each, one
// after another; and back (corruption when the length is not a multiple of 32).
std::string EncodeLeaves(const std::vector<Hash>& leaves);
Result<std::vector<Hash>> DecodeLeaves(std::string_view blob);

}  // namespace entente::audit
