// web/session.h: sessions expire by the clock interface, ids come from the randomness one.
#include "web/session.h"

#include <gtest/gtest.h>

#include <set>

#include "common/fake_clock.h"

namespace entente::web {
namespace {

TEST(SessionTable, OpensFindsAndCloses) {
  FakeClock clock;
  SessionTable table(clock, SystemRandom(), 3600);
  Session s = table.Open("hash-a");
  EXPECT_EQ(s.id.size(), 43u);  // 32 bytes, URL-safe base64 without padding
  EXPECT_EQ(s.csrf.size(), 43u);
  EXPECT_NE(s.id, s.csrf);
  auto found = table.Find(s.id);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->token_hash, "hash-a");
  EXPECT_EQ(found->csrf, s.csrf);
  EXPECT_FALSE(table.Find("not-a-session").has_value());
  EXPECT_FALSE(table.Find("").has_value());
  table.Close(s.id);
  EXPECT_FALSE(table.Find(s.id).has_value());
}

TEST(SessionTable, ExpiresAtItsDeadline) {
  FakeClock clock;
  SessionTable table(clock, SystemRandom(), 60);
  Session s = table.Open("h");
  EXPECT_EQ(s.expires_us, clock.NowMicros() + 60'000'000);
  clock.Advance(59'999'999);
  EXPECT_TRUE(table.Find(s.id).has_value());
  clock.Advance(1);
  EXPECT_FALSE(table.Find(s.id).has_value());
  EXPECT_EQ(table.Size(), 0u);
}

TEST(SessionTable, BoundedDropsTheOneExpiringSoonest) {
  FakeClock clock;
  SessionTable table(clock, SystemRandom(), 60, 2);
  Session first = table.Open("1");
  clock.Advance(1'000'000);
  Session second = table.Open("2");
  Session third = table.Open("3");
  EXPECT_FALSE(table.Find(first.id).has_value());
  EXPECT_TRUE(table.Find(second.id).has_value());
  EXPECT_TRUE(table.Find(third.id).has_value());
}

TEST(SessionTable, IdsAreDistinct) {
  FakeClock clock;
  SessionTable table(clock, SystemRandom(), 60);
  std::set<std::string> ids;
  for (int i = 0; i < 200; ++i) ids.insert(table.Open("h").id);
  EXPECT_EQ(ids.size(), 200u);
}

TEST(SecretEquals, ComparesWholeSecrets) {
  EXPECT_TRUE(SecretEquals("abc", "abc"));
  EXPECT_FALSE(SecretEquals("abc", "abd"));
  EXPECT_FALSE(SecretEquals("abc", "ab"));
  EXPECT_FALSE(SecretEquals("", "a"));
}

}  // namespace
}  // namespace entente::web
