// The objects one store batch added, as the record holds them: one objects-stored entry
// (entry.h ObjectsStored) per batch, whose `items_root` is the RFC 9162 Merkle tree head
// of the batch's items, each item one object version (its id, version and SHA-256) in
// one canonical JSON text. The items themselves are kept beside the entry (log.h); an
// item is proven to belong to its entry by an inclusion proof to `items_root`, and the
// entry to the record by the record's own proof: two proofs of the same kind, so a batch
// of 10,000 objects costs the record one entry, not 10,000 (docs/record.md "Objects
// stored").
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
// The inverse; invalid-argument unless `text` is exactly what EncodeItem gives.
Result<StoredItem> ParseItem(std::string_view text);

// The items of one batch as they are built and stored: their texts one after another,
// joined by '\n' (JoinItems' form), with no allocation per item.
class ItemList {
 public:
  // Appends EncodeItem(item) (its errors, and then nothing is added).
  Status Add(const StoredItem& item);
  // Appends an item's text as EncodeItem gave it and its HashLeaf, made elsewhere
  // (admission/record.h PrepareRecordItem: off the store's writer). invalid-argument
  // when the text holds a newline.
  Status AddPrepared(std::string_view text, const Hash& leaf);
  void Clear() {
    joined_.clear();
    ends_.clear();
    leaves_.clear();
  }
  size_t size() const { return ends_.size(); }
  // The leaf hash of each item (HashLeaf of its text).
  const std::vector<Hash>& leaves() const { return leaves_; }
  bool empty() const { return ends_.empty(); }
  std::string_view operator[](size_t i) const {
    const size_t begin = i == 0 ? 0 : ends_[i - 1] + 1;
    return std::string_view(joined_).substr(begin, ends_[i] - begin);
  }
  const std::string& joined() const { return joined_; }
  void Reserve(size_t items) {
    joined_.reserve(items * 150);
    ends_.reserve(items);
    leaves_.reserve(items);
  }

 private:
  std::string joined_;
  std::vector<size_t> ends_;  // where each item's text ends in joined_
  std::vector<Hash> leaves_;
};

// MTH of the items' texts (RFC 9162 2.1.1; EmptyRoot() for none).
Hash ItemsRoot(const std::vector<std::string>& item_texts);
Hash ItemsRoot(const ItemList& items);
// The audit path of item `index` among `item_texts` to ItemsRoot (RFC 9162 2.1.3.1).
Result<std::vector<Hash>> ItemProof(const std::vector<std::string>& item_texts, uint64_t index);

// The items of a batch as the record stores them beside the entry: their texts joined by
// '\n' (no text holds a raw newline: JSON escapes it), and back.
std::string JoinItems(const std::vector<std::string>& item_texts);
std::vector<std::string> SplitItems(std::string_view joined);

}  // namespace entente::audit
