// KnownIds never forgets a key it was given, and says "may contain" for few others.
#include "store/known_ids.h"

#include <gtest/gtest.h>

#include <random>

#include "store/id_key.h"

namespace entente::store {
namespace {

TEST(KnownIdsTest, EveryAddedKeyIsFoundAndFewOthers) {
  std::array<unsigned char, kIdKeySecretBytes> secret{};
  secret[0] = 7;
  IdKeyer keyer(secret);
  KnownIds known(100000);
  for (int i = 0; i < 100000; ++i) known.Add(keyer.KeyOf("indicator--" + std::to_string(i)));
  for (int i = 0; i < 100000; ++i) {
    ASSERT_TRUE(known.MayContain(keyer.KeyOf("indicator--" + std::to_string(i)))) << i;
  }
  int false_positives = 0;
  for (int i = 100000; i < 200000; ++i) {
    false_positives += known.MayContain(keyer.KeyOf("indicator--" + std::to_string(i))) ? 1 : 0;
  }
  EXPECT_LT(false_positives, 1000);  // under 1 % at capacity
  EXPECT_EQ(known.count(), 100000u);
  EXPECT_LE(known.bytes(), 100000u * 20 / 8);  // at most ~20 bits per key
}

TEST(KnownIdsTest, EmptyFilterContainsNothing) {
  KnownIds known(0);
  std::mt19937_64 rng(1);
  for (int i = 0; i < 1000; ++i) EXPECT_FALSE(known.MayContain(static_cast<int64_t>(rng())));
  EXPECT_EQ(known.capacity(), 64u);
}

TEST(KnownIdsTest, KeysWithEqualHalvesAndExtremesAreKept) {
  KnownIds known(64);
  for (int64_t k : {int64_t{0}, int64_t{-1}, INT64_MIN, INT64_MAX, int64_t{0x100000001}}) {
    known.Add(k);
    EXPECT_TRUE(known.MayContain(k)) << k;
  }
}

}  // namespace
}  // namespace entente::store
