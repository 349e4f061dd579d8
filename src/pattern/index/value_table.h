// ValueTable: a compact, immutable open-addressing map from (field, string value) to
// the indicators whose pattern compares that field for equality with that value.
//
// Built once by ValueTableBuilder, then read-only: a built table is safe for concurrent
// lookups from any number of threads. Keys live in one arena (length-prefixed bytes);
// each slot holds a 32-bit tag from the key's 64-bit hash, the key's arena offset and
// either one indicator number or a reference into a shared posting array. Probes verify
// the full key against the arena, so a lookup never returns an indicator for a
// different key. Spans returned by Lookup point into the table and stay valid as long as
// the table lives.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace entente::pattern::index {

// 64-bit hash of (field, value); stable within one process.
uint64_t HashKey(uint32_t field, std::string_view value);

// a == b for short strings without a call into libc (JSON keys, types, most values):
// whole words, the last one overlapping.
inline bool SameBytes(std::string_view a, std::string_view b) {
  size_t n = a.size();
  if (n != b.size()) return false;
  const char *p = a.data(), *q = b.data();
  auto load8 = [](const char* x) {
    uint64_t v;
    __builtin_memcpy(&v, x, 8);
    return v;
  };
  auto load4 = [](const char* x) {
    uint32_t v;
    __builtin_memcpy(&v, x, 4);
    return v;
  };
  if (n >= 8) {
    for (size_t i = 0; i + 8 <= n; i += 8) {
      if (load8(p + i) != load8(q + i)) return false;
    }
    return load8(p + n - 8) == load8(q + n - 8);
  }
  if (n >= 4) return load4(p) == load4(q) && load4(p + n - 4) == load4(q + n - 4);
  for (size_t i = 0; i < n; ++i) {
    if (p[i] != q[i]) return false;
  }
  return true;
}

class ValueTable {
 public:
  ValueTable() = default;

  // Calls `fn(indicator)` for each indicator registered for (field, value), in
  // ascending order; returns how many.
  template <typename Fn>
  size_t ForEach(uint32_t field, std::string_view value, Fn&& fn) const {
    return ForEachHashed(field, value, HashKey(field, value), fn);
  }

  template <typename Fn>
  size_t ForEachHashed(uint32_t field, std::string_view value, uint64_t hash, Fn&& fn) const {
    const Slot* slot = Find(field, value, hash);
    if (slot == nullptr) return 0;
    return Emit(*slot, fn);
  }

  // Starts loading the control byte a key with this hash starts its probe at, so that a
  // caller probing a batch of keys keeps several cache misses in flight.
  void Prefetch(uint64_t hash) const {
    if (!meta_.empty()) __builtin_prefetch(&meta_[SlotIndex(hash)]);
  }

  // Staged lookup for callers that probe a batch of keys with several misses in flight:
  // Prefetch(hash) first; later FirstMetaMatch(hash) scans the (small, mostly cached)
  // control bytes to the first slot that may hold the key and prefetches that slot;
  // later FirstTagMatch(hash, slot) checks the slot's 32-bit tag (moving on along the
  // probe sequence if needed) and prefetches the key's bytes; last ForEachFrom(field,
  // value, hash, slot, fn) verifies the key and carries on probing if it was another key
  // with the same tag. Together they report exactly what ForEachHashed reports. Each
  // returns kNoSlot when the key is certainly absent.
  static constexpr uint32_t kNoSlot = 0xffffffffu;
  uint32_t FirstMetaMatch(uint64_t hash) const {
    if (meta_.empty()) return kNoSlot;
    uint32_t i = NextCandidate(SlotIndex(hash), MetaOf(hash));
    if (i != kNoSlot) __builtin_prefetch(&slots_[i]);
    return i;
  }
  uint32_t FirstTagMatch(uint64_t hash, uint32_t i) const {
    uint8_t want = MetaOf(hash);
    uint32_t tag = static_cast<uint32_t>(hash >> 32);
    while (i != kNoSlot) {
      if (slots_[i].tag == tag) {
        __builtin_prefetch(arena_.data() + slots_[i].key);
        return i;
      }
      i = NextCandidate(Next(i), want);
    }
    return kNoSlot;
  }
  template <typename Fn>
  size_t ForEachFrom(uint32_t field, std::string_view value, uint64_t hash, uint32_t slot,
                     Fn&& fn) const {
    if (slot == kNoSlot) return 0;
    const Slot* s = FindFrom(field, value, static_cast<uint32_t>(hash >> 32), slot);
    if (s == nullptr) return 0;
    return Emit(*s, fn);
  }
  bool Contains(uint32_t field, std::string_view value) const {
    return Find(field, value, HashKey(field, value)) != nullptr;
  }

  // Calls fn(field, value, indicator) for every entry, in no particular order.
  template <typename Fn>
  void ForEachEntry(Fn&& fn) const {
    for (const Slot& s : slots_) {
      if (s.key == kEmpty) continue;
      uint32_t field;
      std::string_view value = KeyAt(s.key, &field);
      if ((s.posting & kMultiBit) == 0) {
        fn(field, value, s.posting);
        continue;
      }
      const uint32_t* p = &multi_[s.posting & ~kMultiBit];
      for (uint32_t i = 1; i <= p[0]; ++i) fn(field, value, p[i]);
    }
  }

  size_t key_count() const { return key_count_; }
  // Bytes held by the table's own arrays (slots, arena, postings).
  size_t MemoryBytes() const;

 private:
  friend class ValueTableBuilder;
  static constexpr uint32_t kMultiBit = 0x80000000u;
  static constexpr uint32_t kEmpty = 0xffffffffu;
  static constexpr uint32_t kGroup = 16;  // control bytes scanned at once

  struct Slot {
    uint32_t tag = 0;
    uint32_t key = kEmpty;  // arena offset; kEmpty marks a free slot
    uint32_t posting = 0;   // indicator number, or kMultiBit | offset into multi_
  };

  template <typename Fn>
  size_t Emit(const Slot& slot, Fn&& fn) const {
    if ((slot.posting & kMultiBit) == 0) {
      fn(slot.posting);
      return 1;
    }
    const uint32_t* p = &multi_[slot.posting & ~kMultiBit];
    uint32_t n = p[0];
    for (uint32_t i = 1; i <= n; ++i) fn(p[i]);
    return n;
  }
  const Slot* Find(uint32_t field, std::string_view value, uint64_t hash) const;
  // Linear probing from slot `i` (on the key's probe sequence) for the key.
  const Slot* FindFrom(uint32_t field, std::string_view value, uint32_t tag, uint32_t i) const;
  uint32_t SlotIndex(uint64_t hash) const {
    return static_cast<uint32_t>(
        (static_cast<uint64_t>(static_cast<uint32_t>(hash)) * slots_.size()) >> 32);
  }
  // Control byte of an occupied slot: 0x80 | 7 bits of the tag; 0 marks a free slot.
  static uint8_t MetaOf(uint64_t hash) {
    return static_cast<uint8_t>(0x80 | ((hash >> 32) & 0x7f));
  }
  uint32_t Next(uint32_t i) const { return i + 1 == slots_.size() ? 0 : i + 1; }
  // The first slot at or after `i` on the probe sequence whose control byte is `want`,
  // before the run of occupied slots ends; kNoSlot if there is none. Scans 16 control
  // bytes at a time (meta_ repeats its first kGroup - 1 bytes past the end, and a
  // non-empty table has at least kGroup slots, so a group never reads past the array).
  uint32_t NextCandidate(uint32_t i, uint8_t want) const {
    const uint32_t cap = static_cast<uint32_t>(slots_.size());
#if defined(__SSE2__)
    const __m128i w = _mm_set1_epi8(static_cast<char>(want));
    const __m128i zero = _mm_setzero_si128();
    while (true) {
      __m128i g = _mm_loadu_si128(reinterpret_cast<const __m128i*>(meta_.data() + i));
      uint32_t empty = static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(g, zero)));
      uint32_t match = static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(g, w)));
      if (empty != 0) match &= (empty & (0u - empty)) - 1;  // only before the first free slot
      if (match != 0) {
        uint32_t j = i + static_cast<uint32_t>(__builtin_ctz(match));
        return j >= cap ? j - cap : j;
      }
      if (empty != 0) return kNoSlot;
      i += kGroup;
      if (i >= cap) i -= cap;
    }
#else
    while (true) {
      uint8_t m = meta_[i];
      if (m == 0) return kNoSlot;
      if (m == want) return i;
      if (++i == cap) i = 0;
    }
#endif
  }
  bool KeyEquals(uint32_t offset, uint32_t field, std::string_view value) const;
  std::string_view KeyAt(uint32_t offset, uint32_t* field) const;

  std::vector<Slot> slots_;
  // One control byte per slot (about 1.25 bytes per key), then copies of the first
  // kGroup - 1: a lookup that finds nothing - the common case - usually reads only
  // these, 16 at a time, and they stay in cache far better than the 12-byte slots.
  std::vector<uint8_t> meta_;
  std::vector<char> arena_;      // per key: u32 field, u32 length, bytes
  std::vector<uint32_t> multi_;  // count followed by indicator numbers
  size_t key_count_ = 0;
};

// Collects (field, value, indicator) entries and builds a ValueTable. Not thread-safe.
class ValueTableBuilder {
 public:
  void Add(uint32_t field, std::string_view value, uint32_t indicator);
  size_t size() const { return entries_.size(); }
  // Builds the table and clears the builder. Fails only on > 2^31 postings or 4 GiB of
  // keys (returns false).
  bool Build(ValueTable* out);

 private:
  struct Entry {
    uint64_t hash;
    uint32_t key;  // offset into arena_
    uint32_t indicator;
  };
  std::vector<Entry> entries_;
  std::vector<char> arena_;
};

}  // namespace entente::pattern::index
