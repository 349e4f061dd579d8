#include "pattern/index/value_table.h"

#include <algorithm>
#include <cstring>

namespace entente::pattern::index {
namespace {

inline uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

inline uint64_t Mix(uint64_t a, uint64_t b) {
  __uint128_t r = static_cast<__uint128_t>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

constexpr uint64_t kP0 = 0xa0761d6478bd642full;
constexpr uint64_t kP1 = 0xe7037ed1a0b428dbull;
constexpr uint64_t kP2 = 0x8ebc6af09c88c6e3ull;

inline uint32_t SlotOf(uint64_t hash, size_t capacity) {
  return static_cast<uint32_t>((static_cast<uint64_t>(static_cast<uint32_t>(hash)) * capacity) >>
                               32);
}

inline uint32_t TagOf(uint64_t hash) { return static_cast<uint32_t>(hash >> 32); }

template <typename Arena>
void PutU32(Arena& arena, uint32_t v) {
  char b[4];
  std::memcpy(b, &v, 4);
  arena.insert(arena.end(), b, b + 4);
}

uint32_t GetU32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

template <typename Arena>
std::string_view KeyValue(const Arena& arena, uint32_t off, uint32_t* field) {
  *field = GetU32(arena.data() + off);
  uint32_t len = GetU32(arena.data() + off + 4);
  return {arena.data() + off + 8, len};
}

}  // namespace

uint64_t HashKey(uint32_t field, std::string_view value) {
  const char* p = value.data();
  size_t n = value.size();
  uint64_t h = Mix(kP0 ^ field, kP1 ^ n);
  while (n >= 16) {
    h = Mix(Load64(p) ^ kP1, Load64(p + 8) ^ h);
    p += 16;
    n -= 16;
  }
  uint64_t a = 0, b = 0;
  if (n >= 8) {
    a = Load64(p);
    b = Load64(p + n - 8);
  } else if (n > 0) {
    // 1..7 bytes: first, middle and last bytes, then the first/last four when possible.
    a = (static_cast<uint64_t>(static_cast<unsigned char>(p[0])) << 16) |
        (static_cast<uint64_t>(static_cast<unsigned char>(p[n / 2])) << 8) |
        static_cast<unsigned char>(p[n - 1]);
    if (n >= 4) {
      uint32_t x, y;
      std::memcpy(&x, p, 4);
      std::memcpy(&y, p + n - 4, 4);
      b = (static_cast<uint64_t>(x) << 32) | y;
    }
  }
  return Mix(a ^ kP2 ^ h, b ^ kP1) ^ h;
}

bool ValueTable::KeyEquals(uint32_t offset, uint32_t field, std::string_view value) const {
  const char* p = arena_.data() + offset;
  if (GetU32(p) != field || GetU32(p + 4) != value.size()) return false;
  return SameBytes(std::string_view(p + 8, value.size()), value);
}

std::string_view ValueTable::KeyAt(uint32_t offset, uint32_t* field) const {
  return KeyValue(arena_, offset, field);
}

const ValueTable::Slot* ValueTable::Find(uint32_t field, std::string_view value,
                                         uint64_t hash) const {
  size_t cap = slots_.size();
  if (cap == 0) return nullptr;
  return FindFrom(field, value, TagOf(hash), SlotOf(hash, cap));
}

const ValueTable::Slot* ValueTable::FindFrom(uint32_t field, std::string_view value, uint32_t tag,
                                             uint32_t i) const {
  uint8_t want = static_cast<uint8_t>(0x80 | (tag & 0x7f));
  for (i = NextCandidate(i, want); i != kNoSlot; i = NextCandidate(Next(i), want)) {
    const Slot& s = slots_[i];
    if (s.tag == tag && KeyEquals(s.key, field, value)) return &s;
  }
  return nullptr;
}

size_t ValueTable::MemoryBytes() const {
  return slots_.capacity() * sizeof(Slot) + meta_.capacity() + arena_.capacity() +
         multi_.capacity() * 4;
}

void ValueTableBuilder::Add(uint32_t field, std::string_view value, uint32_t indicator) {
  Entry e;
  e.hash = HashKey(field, value);
  e.key = static_cast<uint32_t>(arena_.size());
  e.indicator = indicator;
  PutU32(arena_, field);
  PutU32(arena_, static_cast<uint32_t>(value.size()));
  arena_.insert(arena_.end(), value.begin(), value.end());
  entries_.push_back(e);
}

bool ValueTableBuilder::Build(ValueTable* out) {
  *out = ValueTable();
  if (arena_.size() >= 0xfffffff0u || entries_.size() >= ValueTable::kMultiBit) {
    return false;
  }
  auto key_less = [&](const Entry& x, const Entry& y) {
    if (x.hash != y.hash) return x.hash < y.hash;
    uint32_t fx, fy;
    std::string_view vx = KeyValue(arena_, x.key, &fx), vy = KeyValue(arena_, y.key, &fy);
    if (fx != fy) return fx < fy;
    if (vx != vy) return vx < vy;
    return x.indicator < y.indicator;
  };
  auto key_eq = [&](const Entry& x, const Entry& y) {
    if (x.hash != y.hash) return false;
    uint32_t fx, fy;
    std::string_view vx = KeyValue(arena_, x.key, &fx), vy = KeyValue(arena_, y.key, &fy);
    return fx == fy && vx == vy;
  };
  std::sort(entries_.begin(), entries_.end(), key_less);

  // Count distinct keys to size the table at a load factor of about 0.8.
  size_t keys = 0;
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (i == 0 || !key_eq(entries_[i - 1], entries_[i])) ++keys;
  }
  size_t cap = keys == 0 ? 0 : std::max<size_t>(keys + keys / 4 + 8, ValueTable::kGroup);
  out->slots_.assign(cap, ValueTable::Slot{});
  out->meta_.assign(cap == 0 ? 0 : cap + ValueTable::kGroup - 1, 0);
  out->key_count_ = keys;
  out->arena_.reserve(arena_.size());  // every key once at most

  size_t i = 0;
  while (i < entries_.size()) {
    size_t j = i + 1;
    while (j < entries_.size() && key_eq(entries_[i], entries_[j])) ++j;
    // Copy the key once into the final arena.
    uint32_t field;
    std::string_view value = KeyValue(arena_, entries_[i].key, &field);
    uint32_t off = static_cast<uint32_t>(out->arena_.size());
    PutU32(out->arena_, field);
    PutU32(out->arena_, static_cast<uint32_t>(value.size()));
    out->arena_.insert(out->arena_.end(), value.begin(), value.end());

    // Distinct indicators for this key (entries are sorted by indicator within a key).
    uint32_t posting;
    size_t distinct = 1;
    for (size_t k = i + 1; k < j; ++k) {
      if (entries_[k].indicator != entries_[k - 1].indicator) ++distinct;
    }
    if (distinct == 1) {
      posting = entries_[i].indicator;
    } else {
      posting = ValueTable::kMultiBit | static_cast<uint32_t>(out->multi_.size());
      out->multi_.push_back(static_cast<uint32_t>(distinct));
      for (size_t k = i; k < j; ++k) {
        if (k == i || entries_[k].indicator != entries_[k - 1].indicator) {
          out->multi_.push_back(entries_[k].indicator);
        }
      }
    }
    uint64_t h = entries_[i].hash;
    uint32_t s = SlotOf(h, cap);
    while (out->slots_[s].key != ValueTable::kEmpty) {
      if (++s == cap) s = 0;
    }
    out->slots_[s] = ValueTable::Slot{TagOf(h), off, posting};
    out->meta_[s] = ValueTable::MetaOf(h);
    if (s < ValueTable::kGroup - 1) out->meta_[cap + s] = out->meta_[s];
    i = j;
  }
  out->multi_.shrink_to_fit();
  entries_.clear();
  entries_.shrink_to_fit();
  arena_.clear();
  arena_.shrink_to_fit();
  return true;
}

}  // namespace entente::pattern::index
