// The hotline loop `entente serve` runs, driven by a test clock: it records a delivery at
// once and an escalation only once the clock passes the deadline; and the helpers of the
// hotline commands (durations, time zones).
#include "cli/hotline_loop.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>

#include "cases/testing/hotline_node.h"
#include "common/fake_clock.h"

namespace entente::cli {
namespace {

using cases::testing::HotlineNode;
using cases::testing::kDe;
using cases::testing::kMinute;
using cases::testing::kT0;

// Waits (bounded, in real time) until `done()`.
template <typename F>
bool Eventually(F done) {
  for (int i = 0; i < 20000 && !done(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return done();
}

TEST(HotlineLoop, EscalatesWhenTheTestClockPassesTheDeadline) {
  HotlineNode node;
  cases::Contact first = HotlineNode::MakeContact(kDe, "duty", 1);
  cases::Contact night = HotlineNode::MakeContact(kDe, "night", 1, true);
  cases::SendRequest r;
  r.to = first;
  r.chain = cases::EscalationChain(first, {night});
  r.subject = "x";
  r.ack_within_us = 10 * kMinute;
  const std::string id = "note--5e1d0000-0000-4000-8000-0000000000c1";
  ASSERT_TRUE(
      cases::Send(node.store(), node.collection(), node.parties(), node.Org("cert-fr"), r, id, kT0)
          .ok());
  FakeClock clock(kT0);
  std::atomic<int> changes{0};
  std::mutex log_mu;
  std::string log;
  HotlineLoop loop(
      node.store(), clock, 60, /*data_dir=*/"",
      [&](const std::string& line) {
        std::lock_guard<std::mutex> lock(log_mu);
        log += line + "\n";
      },
      [&] { ++changes; });
  auto state = [&] {
    auto all =
        cases::LoadMessages(node.store(), node.collection().id, node.parties(), clock.NowMicros());
    return all.ok() && all->size() == 1 ? all->front() : cases::MessageState{};
  };
  ASSERT_TRUE(Eventually([&] { return state().delivered; })) << [&] {
    std::lock_guard<std::mutex> lock(log_mu);
    return log;
  }();
  EXPECT_EQ(state().current, 0u);
  EXPECT_GE(changes.load(), 1);
  clock.Advance(10 * kMinute);  // the first deadline: the loop's next tick escalates
  ASSERT_TRUE(Eventually([&] { return state().current == 1; }));
  const cases::MessageState st = state();
  ASSERT_EQ(st.steps.back().what, cases::Step::What::kEscalated);
  EXPECT_EQ(st.steps.back().at_us, kT0 + 10 * kMinute);
  EXPECT_EQ(st.steps.back().contact, night.id);
  loop.Stop();
}

TEST(HotlineCommands, ParsesDurations) {
  EXPECT_EQ(*ParseDuration("90s"), 90'000'000);
  EXPECT_EQ(*ParseDuration("30m"), 30 * 60'000'000LL);
  EXPECT_EQ(*ParseDuration("2h"), 2 * 3'600'000'000LL);
  EXPECT_EQ(*ParseDuration("1d"), 86'400'000'000LL);
  for (const char* bad : {"", "5", "m", "0m", "-1m", "1.5h", "10w", "99999999999d"}) {
    EXPECT_FALSE(ParseDuration(bad).ok()) << bad;
  }
}

TEST(HotlineCommands, ShowsTimesInAViewersZone) {
  // 2026-05-28T20:26:40Z is 22:26:40 in Paris (CEST, UTC+2) and 05:26:40 the next day in
  // Tokyo (JST, UTC+9).
  EXPECT_EQ(ShowTime(kT0, ""), "2026-05-28T20:26:40.000Z");
  if (!CheckTimeZone("Europe/Paris").ok()) GTEST_SKIP() << "no zone database here";
  EXPECT_EQ(ShowTime(kT0, "Europe/Paris"), "2026-05-28T20:26:40.000Z (2026-05-28 22:26:40 CEST)");
  EXPECT_EQ(ShowTime(kT0, "Asia/Tokyo"), "2026-05-28T20:26:40.000Z (2026-05-29 05:26:40 JST)");
  EXPECT_FALSE(CheckTimeZone("Mars/Olympus_Mons").ok());
  EXPECT_FALSE(CheckTimeZone("../../etc/passwd").ok());
}

}  // namespace
}  // namespace entente::cli
