// VerifyRecord: one pass over the entries in index order, rebuilding the tree from their
// text while comparing each completed node with the stored one; then the heads.
#include "audit/verify.h"

#include "audit/stored_batch.h"

#include <algorithm>
#include <map>

#include "common/timestamp.h"

namespace entente::audit {
namespace {

class Checker {
 public:
  Checker(AuditLog& log, VerifyReport& report) : log_(log), r_(report) {}

  void Fail(std::string message) {
    if (r_.failures.size() < VerifyReport::kMaxListed) {
      r_.failures.push_back(std::move(message));
    } else {
      ++r_.failures_not_listed;
    }
  }

  // Adds leaf `index` to the rebuilt tree and checks each node it completes against the
  // stored tree: a stored interior node must be the hash of its two stored children.
  Status AddLeaf(const Hash& leaf) {
    made_.clear();
    tree_.Append(leaf, &made_);
    for (const NodeHash& n : made_) {
      auto stored = log_.StoredNode(n.level, n.index);
      if (!stored.ok() && stored.status().code() != StatusCode::kNotFound) return stored.status();
      if (n.level >= last_.size()) last_.resize(n.level + 1);
      std::optional<Hash> got;
      if (stored.ok()) got = *stored;
      if (n.level > 0) {
        const auto& children = last_[n.level - 1];
        if (got && children[0] && children[1] && *got != HashChildren(*children[0], *children[1])) {
          Fail("stored tree node (level " + std::to_string(n.level) + ", index " +
               std::to_string(n.index) + ") is not the hash of its children (node changed?)");
        }
        if (!got) {
          Fail("stored tree node (level " + std::to_string(n.level) + ", index " +
               std::to_string(n.index) + ") is missing");
        }
      }
      last_[n.level][n.index & 1] = got;
    }
    if (auto it = wanted_roots_.find(tree_.size()); it != wanted_roots_.end()) {
      it->second = tree_.Root();
    }
    return Status::Ok();
  }

  Status Entries() {
    uint64_t next = 0;
    for (;;) {
      auto batch = log_.RawEntries(next, 4096);
      if (!batch.ok()) return batch.status();
      if (batch->empty()) break;
      for (const RawEntry& e : *batch) {
        ++r_.entries;
        if (e.index > next) ENTENTE_RETURN_IF_ERROR(Missing(next, e.index));
        ENTENTE_RETURN_IF_ERROR(Entry(e));
        next = e.index + 1;
      }
    }
    auto stored = log_.StoredLeaves();
    if (!stored.ok()) return stored.status();
    if (*stored > next) ENTENTE_RETURN_IF_ERROR(Missing(next, *stored));
    return Status::Ok();
  }

  // Entries [from, to) absent from the table: named once, their stored leaves used so
  // that what follows is checked on its own.
  Status Missing(uint64_t from, uint64_t to) {
    Fail(to - from == 1 ? "entry " + std::to_string(from) + " is missing (deleted?)"
                        : "entries " + std::to_string(from) + " to " + std::to_string(to - 1) +
                              " are missing (deleted or truncated?)");
    for (uint64_t i = from; i < to; ++i) {
      auto leaf = log_.StoredNode(0, i);
      if (!leaf.ok()) return leaf.status();
      ENTENTE_RETURN_IF_ERROR(AddLeaf(*leaf));
    }
    return Status::Ok();
  }

  Status Entry(const RawEntry& e) {
    std::string at = "entry " + std::to_string(e.index) + ": ";
    auto parsed = ParseEntry(e.text);
    if (!parsed.ok()) {
      Fail(at + parsed.status().message() + " (entry changed?)");
    } else {
      if (parsed->index != e.index) {
        Fail(at + "its text says index " + std::to_string(parsed->index) +
             " (entries moved, reordered or inserted?)");
      }
      if (KindName(parsed->entry.kind) != e.kind) {
        Fail(at + "the kind column says '" + e.kind + "', the entry '" +
             std::string(KindName(parsed->entry.kind)) + "' (column changed?)");
      }
      if (EntrySubject(parsed->entry) != e.subject) {
        Fail(at + "the subject column says '" + e.subject + "', the entry '" +
             std::string(EntrySubject(parsed->entry)) + "' (column changed?)");
      }
      if (parsed->time_us != e.time_us) {
        Fail(at + "the time column says " + FormatTimestamp(e.time_us, 6) + ", the entry " +
             FormatTimestamp(parsed->time_us, 6) + " (column changed?)");
      }
      if (const auto* batch = std::get_if<ObjectsStored>(&parsed->entry.body)) {
        ENTENTE_RETURN_IF_ERROR(Items(at, e.index, *batch));
      }
    }
    Hash leaf = HashLeaf(e.text);
    auto stored = log_.StoredNode(0, e.index);
    if (!stored.ok()) {
      if (stored.status().code() != StatusCode::kNotFound) return stored.status();
      Fail(at + "not in the stored tree (inserted?)");
    } else if (*stored != leaf) {
      Fail(at + "its text does not hash to the stored leaf (entry changed?)");
    }
    if (e.index != tree_.size()) return Status::Ok();  // a duplicate cannot be: idx is a key
    return AddLeaf(leaf);
  }

  // The item leaves kept beside an objects-stored entry: as many as it counts, hashing to
  // its items_root. (The items' texts are made again from the stored objects when a proof
  // is asked for, and each checked against its leaf: `evidence export`.)
  Status Items(const std::string& at, uint64_t index, const ObjectsStored& batch) {
    auto leaves = log_.BatchLeaves(index);
    if (!leaves.ok()) {
      if (leaves.status().code() == StatusCode::kCorruption) {
        Fail(at + "its item leaves: " + leaves.status().message());
        return Status::Ok();
      }
      if (leaves.status().code() != StatusCode::kNotFound) return leaves.status();
      Fail(at + "its item leaves are missing (deleted?)");
      return Status::Ok();
    }
    if (leaves->size() != batch.count) {
      Fail(at + "it counts " + std::to_string(batch.count) + " items but " +
           std::to_string(leaves->size()) + " item leaves are kept (leaves added or deleted?)");
    } else if (HashHex(ItemsRoot(*leaves)) != batch.items_root) {
      Fail(at + "its " + std::to_string(leaves->size()) +
           " kept item leaves do not hash to the entry's items_root (leaves changed or "
           "reordered?)");
    }
    return Status::Ok();
  }

  void Heads(const std::vector<std::pair<int64_t, SignedHead>>& heads,
             const std::optional<PublicKey>& key) {
    const SignedHead* prev = nullptr;
    for (const auto& [seq, h] : heads) {
      ++r_.heads;
      std::string at = "head #" + std::to_string(seq) + " (tree size " +
                       std::to_string(h.head.tree_size) + "): ";
      if (!key) {
        Fail(at + "no key to check its signature against");
      } else if (Status s = VerifyHeadSignature(h, *key); !s.ok()) {
        Fail(at + s.message() +
             (h.head.key_id != KeyIdOf(*key) ? " (key swapped?)" : " (head changed?)"));
      }
      if (prev != nullptr && (h.head.timestamp_us <= prev->head.timestamp_us ||
                              h.head.tree_size < prev->head.tree_size)) {
        Fail(at + "not newer than the head before it (an old head replayed?)");
      }
      if (h.head.tree_size > tree_.size()) {
        Fail(at + "covers more entries than the record holds (" + std::to_string(tree_.size()) +
             ": truncated?)");
      } else if (auto it = wanted_roots_.find(h.head.tree_size);
                 it != wanted_roots_.end() && it->second != h.head.root) {
        Fail(at + "its root is not the root of the record's first " +
             std::to_string(h.head.tree_size) + " entries (history rewritten?)");
      }
      prev = &h;
    }
  }

  void WantRoot(uint64_t size) { wanted_roots_[size] = size == 0 ? EmptyRoot() : Hash{}; }
  const TreeAppender& tree() const { return tree_; }

 private:
  AuditLog& log_;
  VerifyReport& r_;
  TreeAppender tree_;
  std::vector<NodeHash> made_;
  // The stored hashes of the last two nodes completed at each level (index parity).
  std::vector<std::array<std::optional<Hash>, 2>> last_;
  std::map<uint64_t, Hash> wanted_roots_;
};

}  // namespace

Result<VerifyReport> VerifyRecord(AuditLog& log, const std::optional<PublicKey>& node_key) {
  VerifyReport report;
  Checker c(log, report);
  auto heads = log.Heads();
  if (!heads.ok()) return heads.status();
  for (const auto& [seq, h] : *heads) c.WantRoot(h.head.tree_size);
  ENTENTE_RETURN_IF_ERROR(c.Entries());
  report.tree_size = c.tree().size();
  report.root = c.tree().Root();

  auto log_key = log.LogKey();
  if (!log_key.ok()) return log_key.status();
  std::optional<PublicKey> key = node_key;
  if (!node_key) {
    c.Fail("no node key to check the heads against (the key file is missing or unreadable)");
    key = *log_key;
  } else if (*log_key && **log_key != *node_key) {
    c.Fail("the node's key file holds public key " + HashHex(*node_key) +
           ", this record's heads were signed with " + HashHex(**log_key) + " (key swapped?)");
  }
  c.Heads(*heads, key);
  return report;
}

}  // namespace entente::audit
