// A HashSource holding every complete subtree of a tree in memory, filled by appending
// leaf hashes through a TreeAppender: for tests of merkle.h and of the log.
//
// Not safe for concurrent use. Node() returns not-found for a subtree not (yet) complete.
#pragma once

#include <map>
#include <utility>
#include <vector>

#include "audit/merkle.h"

namespace entente::audit::testing {

class MemorySource : public HashSource {
 public:
  void Append(const Hash& leaf_hash) {
    made_.clear();
    appender_.Append(leaf_hash, &made_);
    for (const NodeHash& n : made_) nodes_[{n.level, n.index}] = n.hash;
  }
  Result<Hash> Node(unsigned level, uint64_t index) const override {
    auto it = nodes_.find({level, index});
    if (it == nodes_.end()) return Status::NotFound("no such node");
    return it->second;
  }
  size_t stored() const { return nodes_.size(); }
  uint64_t size() const { return appender_.size(); }

 private:
  TreeAppender appender_;
  std::vector<NodeHash> made_;
  std::map<std::pair<unsigned, uint64_t>, Hash> nodes_;
};

}  // namespace entente::audit::testing
