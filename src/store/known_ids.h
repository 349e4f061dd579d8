// KnownIds: which id keys (store/id_key.h) a collection may already hold, so that bulk
// ingest can skip the index lookup for an object whose id is certainly new.
//
// A Bloom filter over 64-bit id keys: MayContain is true for every key added and, for a
// key never added, false except with a small probability (under 1 % while count() stays
// within capacity()). A wrong "may contain" only costs the lookup the filter would have
// saved; a wrong "certainly not" cannot happen. The keys are SipHash outputs under a
// per-database secret, so their bits serve as the filter's hashes directly and a hostile
// peer cannot aim ids at one part of the filter.
//
// The filter describes one collection as of one value of its `last_added_us` (every
// insert into a collection raises it): the owner checks `as_of_last_added` against the
// store before trusting the filter, which makes adds by any other writer, and a rolled-
// back transaction, discard it. Not thread-safe; one writer uses it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace entente::store {

class KnownIds {
 public:
  // Room for `capacity` keys at about 10 bits each (at least 64 keys).
  explicit KnownIds(size_t capacity);

  void Add(int64_t id_key);
  bool MayContain(int64_t id_key) const;

  size_t count() const { return count_; }
  size_t capacity() const { return capacity_; }
  size_t bytes() const { return words_.size() * sizeof(uint64_t); }

  // The collection's last_added_us that this filter is complete for.
  int64_t as_of_last_added = 0;

 private:
  static constexpr int kProbes = 7;
  std::vector<uint64_t> words_;
  uint64_t bit_mask_;  // number of bits - 1 (a power of two)
  size_t capacity_;
  size_t count_ = 0;
};

}  // namespace entente::store
