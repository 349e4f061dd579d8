#include "common/env.h"

#include <gtest/gtest.h>

#include <set>

namespace entente {
namespace {

// RFC 4122 §4.4: version 4 in the top nibble of byte 6, the variant 10 in the top bits of
// byte 8. The expected strings are what Python's uuid.UUID(bytes=..., version=4) prints
// for the same bytes.
TEST(Uuid4, FromBytesSetsVersionAndVariant) {
  unsigned char counting[16];
  for (int i = 0; i < 16; ++i) counting[i] = static_cast<unsigned char>(i);
  EXPECT_EQ(Uuid4FromBytes(counting), "00010203-0405-4607-8809-0a0b0c0d0e0f");
  unsigned char ones[16];
  for (unsigned char& b : ones) b = 0xff;
  EXPECT_EQ(Uuid4FromBytes(ones), "ffffffff-ffff-4fff-bfff-ffffffffffff");
}

TEST(Uuid4, NewUuid4IsCanonicalAndRandom) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    std::string u = NewUuid4();
    ASSERT_EQ(u.size(), 36u);
    EXPECT_EQ(u[8], '-');
    EXPECT_EQ(u[13], '-');
    EXPECT_EQ(u[14], '4');
    EXPECT_NE(std::string("89ab").find(u[19]), std::string::npos) << u;
    seen.insert(u);
  }
  EXPECT_EQ(seen.size(), 100u);
}

}  // namespace
}  // namespace entente
