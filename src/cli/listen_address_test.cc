#include "cli/listen_address.h"

#include <gtest/gtest.h>

namespace entente::cli {
namespace {

TEST(ListenAddressTest, HostAndPort) {
  auto a = ParseListenAddress("127.0.0.1:9440");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 9440);
  auto b = ParseListenAddress("localhost:0");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->host, "localhost");
  EXPECT_EQ(b->port, 0);
  auto c = ParseListenAddress("0.0.0.0:65535");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->port, 65535);
}

TEST(ListenAddressTest, BracketedIpv6) {
  auto a = ParseListenAddress("[::1]:8443");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->host, "::1");
  EXPECT_EQ(a->port, 8443);
}

TEST(ListenAddressTest, RejectsBadInput) {
  for (const char* bad :
       {"", "9440", ":9440", "host:", "host:65536", "host:-1", "host:12a", "::1:80", "[::1]",
        "[::1]80", "[]:80", "ho st:80", "host:123456", "[zz]:80"}) {
    auto r = ParseListenAddress(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
      EXPECT_NE(r.status().message().find("--listen"), std::string::npos);
    }
  }
}

TEST(ListenAddressTest, DiscoveryUrl) {
  EXPECT_EQ(DiscoveryUrl("http", "127.0.0.1", 9440), "http://127.0.0.1:9440/taxii2/");
  EXPECT_EQ(DiscoveryUrl("https", "::1", 443), "https://[::1]:443/taxii2/");
}

}  // namespace
}  // namespace entente::cli
