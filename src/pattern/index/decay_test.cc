// The decay model: the polynomial of MISP's decay model (score = base * (1 - (t/τ)^(1/δ)))
// per kind of observable, its text form and its refusals.
#include "pattern/index/decay.h"

#include <gtest/gtest.h>

namespace entente::pattern::index {
namespace {

constexpr int64_t kDay = int64_t{86'400} * 1'000'000;

TEST(Decay, DefaultsAndTheCurve) {
  DecayModel m;
  EXPECT_EQ(m.rule(DecayKind::kIpv4).lifetime_us, 30 * kDay);
  // Linear for addresses: half the lifetime, half the score.
  EXPECT_DOUBLE_EQ(m.Score(DecayKind::kIpv4, 100, 15 * kDay), 50.0);
  EXPECT_DOUBLE_EQ(m.Score(DecayKind::kIpv4, 80, 0), 80.0);
  EXPECT_DOUBLE_EQ(m.Score(DecayKind::kIpv4, 100, 30 * kDay), 0.0);
  EXPECT_DOUBLE_EQ(m.Score(DecayKind::kIpv4, 100, 400 * kDay), 0.0);
  // speed 2: 1 - sqrt(1/4) = 0.5 at a quarter of the lifetime.
  EXPECT_DOUBLE_EQ(m.Score(DecayKind::kDomain, 100, 90 * kDay / 4), 50.0);
  // The threshold (30 by default) decides: an address 20 days old scores 33.3, 22 days 26.7.
  EXPECT_TRUE(m.Alive(DecayKind::kIpv4, 100, 20 * kDay));
  EXPECT_FALSE(m.Alive(DecayKind::kIpv4, 100, 22 * kDay));
  // A low confidence dies sooner.
  EXPECT_FALSE(m.Alive(DecayKind::kIpv4, 40, 10 * kDay));
  EXPECT_TRUE(m.Alive(DecayKind::kFile, 100, 180 * kDay));   // 1 - sqrt(180/730): 50.3
  EXPECT_FALSE(m.Alive(DecayKind::kFile, 100, 365 * kDay));  // 1 - sqrt(1/2): 29.3
}

TEST(Decay, KindsOfStixTypes) {
  EXPECT_EQ(DecayKindOfType("ipv4-addr"), DecayKind::kIpv4);
  EXPECT_EQ(DecayKindOfType("ipv6-addr"), DecayKind::kIpv6);
  EXPECT_EQ(DecayKindOfType("domain-name"), DecayKind::kDomain);
  EXPECT_EQ(DecayKindOfType("url"), DecayKind::kUrl);
  EXPECT_EQ(DecayKindOfType("email-addr"), DecayKind::kEmail);
  EXPECT_EQ(DecayKindOfType("file"), DecayKind::kFile);
  EXPECT_EQ(DecayKindOfType("x509-certificate"), DecayKind::kX509);
  EXPECT_EQ(DecayKindOfType("x-custom"), DecayKind::kOther);
}

TEST(Decay, TextFormRoundTripsAndOverridesPerKind) {
  auto m = DecayModel::Parse(
      "# addresses move fast here\n"
      "ipv4 lifetime=7d speed=0.5 threshold=50\n"
      "\n"
      "url lifetime=36h   # one and a half days\n");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->rule(DecayKind::kIpv4).lifetime_us, 7 * kDay);
  EXPECT_DOUBLE_EQ(m->rule(DecayKind::kIpv4).speed, 0.5);
  EXPECT_DOUBLE_EQ(m->rule(DecayKind::kIpv4).threshold, 50);
  EXPECT_EQ(m->rule(DecayKind::kUrl).lifetime_us, 36 * 3600 * int64_t{1'000'000});
  EXPECT_DOUBLE_EQ(m->rule(DecayKind::kUrl).speed, 2.0);  // the default kept
  auto again = DecayModel::Parse(m->Format());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->Format(), m->Format());
}

TEST(Decay, BadLinesAreRefusedWithTheirNumber) {
  struct Case {
    const char* text;
    const char* says;
  } cases[] = {
      {"ipv5 lifetime=1d", "line 1: \"ipv5\" is not a kind"},
      {"\nipv4 lifetime=1w", "line 2: \"lifetime=1w\""},
      {"ipv4 lifetime=-3d", "lifetime=-3d"},
      {"ipv4 speed=0", "speed=0"},
      {"ipv4 threshold=101", "threshold=101"},
      {"ipv4 colour=red", "colour=red"},
      {"ipv4 lifetime=99999999d", "lifetime=99999999d"},
  };
  for (const Case& c : cases) {
    auto m = DecayModel::Parse(c.text);
    ASSERT_FALSE(m.ok()) << c.text;
    EXPECT_NE(m.status().message().find(c.says), std::string::npos) << m.status().ToString();
  }
}

}  // namespace
}  // namespace entente::pattern::index
