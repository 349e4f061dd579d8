#include "cases/intake_desk.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <optional>
#include <thread>

#include "policy/access.h"
#include "store/test_util.h"

namespace entente::cases {
namespace {

using store::testing::ManualClock;
using store::testing::TempDir;

constexpr int64_t kT0 = 1'780'000'000'000'000;  // 2026-05-28

class IntakeDeskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Open();
    ASSERT_TRUE(store_->PutApiRoot({.name = "api"}).ok());
    Org("cert", true);
    Org("acme", false);
    Org("shop", false);
    OpenDesk();
  }
  void Open() {
    store::SqliteOptions o;
    o.create_if_missing = true;
    o.clock = &clock_;
    auto s = store::OpenSqliteStore(dir_.File("node.db"), o);
    ASSERT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(*s);
  }
  void OpenDesk(IntakeConfig config = {}) {
    desk_.reset();
    IntakeDeskOptions o;
    o.config = config;
    o.clock = &clock_;
    auto d = IntakeDesk::Open(*store_, std::move(o));
    ASSERT_TRUE(d.ok()) << d.status().message();
    desk_ = std::move(*d);
  }
  void Org(const std::string& id, bool admin) {
    store::Organisation o;
    o.id = id;
    o.name = id;
    o.country = "FR";
    o.sector = "energy";
    o.identity_id = "identity--" +
                    std::string(id == "cert"   ? "1"
                                : id == "acme" ? "2"
                                               : "3") +
                    "0000000-0000-4000-8000-000000000000";
    o.admin = admin;
    ASSERT_TRUE(store_->PutOrganisation(o).ok());
  }
  ReporterFacts Reporter(const std::string& id) {
    auto o = store_->GetOrganisation(id);
    return {o->id, o->identity_id, o->sector, o->country};
  }
  policy::Requester Who(const std::string& id) {
    return policy::RequesterFor(store::OrgFactsOf(*store_->GetOrganisation(id)), "");
  }
  Ack Submit(const std::string& org, const std::string& json) {
    auto r = ParseIntakeReport(json);
    EXPECT_TRUE(r.ok()) << r.status().message();
    auto ack = desk_->Submit("api", Reporter(org), *r);
    EXPECT_TRUE(ack.ok()) << ack.status().message();
    return ack.ok() ? *ack : Ack{};
  }

  TempDir dir_;
  ManualClock clock_{kT0};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<IntakeDesk> desk_;
};

// Issue 15: "each gets an immediate machine-readable acknowledgement with a ticket id";
// the brief: acknowledged only after the report is durably stored, as a STIX object
// through admission. The ticket survives a restart (a new store and desk on the file).
TEST_F(IntakeDeskTest, AcknowledgedReportIsAStoredIncident) {
  Ack ack = Submit("acme", R"({"description": "skimmer", "rsit_class": "malware",
      "observables": [{"type": "domain-name", "value": "evil.example"}], "nis2": true})");
  ASSERT_FALSE(ack.ticket.ticket.empty());
  EXPECT_FALSE(ack.replay);
  EXPECT_EQ(ack.ticket.report.rsit.class_name, "malicious-code");
  // Stored: read straight from the store, as an incident owned by the reporter.
  store::ObjectQuery q;
  q.collection_id = IntakeCollectionId("api");
  int found = 0;
  ASSERT_TRUE(store_
                  ->ScanObjects(q,
                                [&](const store::ObjectRow& row) {
                                  EXPECT_EQ(row.id, ack.ticket.object_id());
                                  EXPECT_EQ(row.type, "incident");
                                  EXPECT_EQ(row.labels.owner_org, "acme");
                                  EXPECT_EQ(row.labels.tlp, policy::Tlp::kAmber);
                                  // The reporter and the handlers may read it; shop may not.
                                  EXPECT_TRUE(policy::MayRead(Who("acme"), row.labels));
                                  EXPECT_TRUE(policy::MayRead(Who("cert"), row.labels));
                                  EXPECT_FALSE(policy::MayRead(Who("shop"), row.labels));
                                  ++found;
                                  return store::ScanAction::kContinue;
                                })
                  .ok());
  EXPECT_EQ(found, 1);
  auto coll = store_->GetCollection(IntakeCollectionId("api"));
  ASSERT_TRUE(coll.ok());
  EXPECT_EQ(coll->readers, std::vector<std::string>{"cert"});
  EXPECT_TRUE(coll->writers.empty());
  // Restart: everything is read back from the store.
  desk_.reset();
  store_.reset();
  Open();
  OpenDesk();
  auto again = desk_->Get("api", ack.ticket.ticket, Who("acme"));
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(again->report.description, "skimmer");
  EXPECT_EQ(again->deadline_us, ack.ticket.deadline_us);
  EXPECT_EQ(desk_->Queue("api").size(), 1u);
}

// The brief: "only the reporter's organisation (and the node's handlers) may read a
// ticket - another token gets the same answer as for a ticket that does not exist".
TEST_F(IntakeDeskTest, OnlyReporterAndHandlersSeeATicket) {
  Ack ack = Submit("acme", R"({"description": "x", "rsit_class": "fraud"})");
  EXPECT_TRUE(desk_->Get("api", ack.ticket.ticket, Who("acme")).ok());
  EXPECT_TRUE(desk_->Get("api", ack.ticket.ticket, Who("cert")).ok());
  auto other = desk_->Get("api", ack.ticket.ticket, Who("shop"));
  auto missing = desk_->Get("api", "00000000-0000-4000-8000-000000000000", Who("shop"));
  ASSERT_FALSE(other.ok());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(other.status().code(), missing.status().code());
  EXPECT_EQ(other.status().message(), missing.status().message());
  EXPECT_TRUE(desk_->List("api", Who("shop"), 100).empty());
  EXPECT_EQ(desk_->List("api", Who("cert"), 100).size(), 1u);
}

// Issue 15: "de-duplicated (the same observable or victim within a window attaches to
// the open case instead of opening another)".
TEST_F(IntakeDeskTest, DedupeByObservableAndVictimWithinTheWindow) {
  IntakeConfig config;
  config.dedupe_window_seconds = 3600;
  OpenDesk(config);
  Ack first = Submit("acme", R"({"description": "a", "rsit_class": "ddos",
      "observables": [{"type": "ipv4-addr", "value": "198.51.100.7"}]})");
  Ack same_ip = Submit("shop", R"({"description": "b", "rsit_class": "ddos",
      "observables": [{"type": "ipv4-addr", "value": "198.51.100.7"}]})");
  EXPECT_EQ(same_ip.ticket.duplicate_of, first.ticket.ticket);
  EXPECT_EQ(same_ip.ticket.matched_on, "observable ipv4-addr 198.51.100.7");
  // The reporter of the duplicate is not told another organisation's ticket.
  auto for_shop = desk_->TicketJson(same_ip.ticket, false, "");
  EXPECT_FALSE(for_shop.contains("duplicate_of"));
  EXPECT_TRUE(desk_->TicketJson(same_ip.ticket, true, "").contains("duplicate_of"));
  Ack victim1 = Submit("acme", R"({"description": "c", "rsit_class": "fraud",
      "victim": {"organisation": "Town  Hall", "country": "FR"}})");
  Ack victim2 = Submit("acme", R"({"description": "d", "rsit_class": "phishing",
      "victim": {"organisation": "town hall", "country": "FR"}})");
  EXPECT_EQ(victim2.ticket.duplicate_of, victim1.ticket.ticket);
  // Its own organisation's ticket is named to the reporter.
  EXPECT_TRUE(desk_->TicketJson(victim2.ticket, false, "").contains("duplicate_of"));
  // Beyond the window: a new primary.
  clock_.Advance(3601LL * 1'000'000);
  Ack late = Submit("shop", R"({"description": "e", "rsit_class": "ddos",
      "observables": [{"type": "ipv4-addr", "value": "198.51.100.7"}]})");
  EXPECT_EQ(late.ticket.duplicate_of, "");
  auto queue = desk_->Queue("api");
  ASSERT_EQ(queue.size(), 3u);
  // A closed ticket attracts nothing.
  ASSERT_TRUE(desk_->Close("api", late.ticket.ticket, "cert", "handled").ok());
  Ack after_close = Submit("shop", R"({"description": "f", "rsit_class": "ddos",
      "observables": [{"type": "ipv4-addr", "value": "198.51.100.7"}]})");
  EXPECT_EQ(after_close.ticket.duplicate_of, "");
}

TEST_F(IntakeDeskTest, SameReportIdIsAReplay) {
  Ack a = Submit("acme", R"({"description": "x", "rsit_class": "fraud", "report_id": "k1"})");
  Ack b = Submit("acme", R"({"description": "x", "rsit_class": "fraud", "report_id": "k1"})");
  EXPECT_TRUE(b.replay);
  EXPECT_EQ(a.ticket.ticket, b.ticket.ticket);
  // Another organisation's identical key is another ticket.
  Ack c = Submit("shop", R"({"description": "x", "rsit_class": "fraud", "report_id": "k1"})");
  EXPECT_FALSE(c.replay);
  EXPECT_NE(c.ticket.ticket, a.ticket.ticket);
  EXPECT_EQ(store_->CountObjects(IntakeCollectionId("api")).value(), 2);
}

// Issue 15: "A queue ordered by criticality and deadline shows what to do next."
TEST_F(IntakeDeskTest, QueueByCriticalityThenDeadline) {
  Ack low = Submit("acme", R"({"description": "1", "rsit_class": "spam", "severity": "low"})");
  clock_.Advance(1000);
  Ack high = Submit("acme", R"({"description": "2", "rsit_class": "fraud", "severity": "high"})");
  clock_.Advance(1000);
  // Same criticality as `high`, but under NIS2 with awareness long ago: due earlier.
  Ack nis2 = Submit("acme", R"({"description": "3", "rsit_class": "fraud", "severity": "high",
      "nis2": true, "aware_at": "2026-05-27T00:00:00Z"})");
  Ack critical =
      Submit("shop", R"({"description": "4", "rsit_class": "fraud", "severity": "critical"})");
  auto q = desk_->Queue("api");
  ASSERT_EQ(q.size(), 4u);
  EXPECT_EQ(q[0].primary.ticket, critical.ticket.ticket);
  EXPECT_EQ(q[1].primary.ticket, nis2.ticket.ticket);
  EXPECT_EQ(q[2].primary.ticket, high.ticket.ticket);
  EXPECT_EQ(q[3].primary.ticket, low.ticket.ticket);
  // The case seam: a case opened from a ticket takes it out of the queue, durably.
  const std::string case_id = "incident--aaaaaaaa-0000-4000-8000-000000000000";
  EXPECT_EQ(desk_->LinkCase("api", critical.ticket.ticket, case_id, "acme").code(),
            StatusCode::kPermissionDenied);
  ASSERT_TRUE(desk_->LinkCase("api", critical.ticket.ticket, case_id, "cert").ok());
  EXPECT_EQ(desk_->Queue("api").size(), 3u);
  desk_.reset();
  OpenDesk();
  auto t = desk_->Get("api", critical.ticket.ticket, Who("cert"));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->state, TicketState::kCase);
  EXPECT_EQ(t->case_ref, case_id);
  EXPECT_EQ(desk_->Queue("api").size(), 3u);
}

TEST_F(IntakeDeskTest, FutureAwarenessIsRefused) {
  auto r = ParseIntakeReport(
      R"({"description": "x", "rsit_class": "fraud", "aware_at": "2030-01-01T00:00:00Z"})");
  ASSERT_TRUE(r.ok());
  auto ack = desk_->Submit("api", Reporter("acme"), *r);
  ASSERT_FALSE(ack.ok());
  EXPECT_EQ(ack.status().message(), "aware_at: in the future");
}

// SubmitAsync (what the HTTP route uses, taxii/intake_route.h) calls back exactly once:
// with the stored ticket from the committer thread once committed (the ticket is then
// readable), or at once on the calling thread for a report refused before queueing.
TEST_F(IntakeDeskTest, SubmitAsyncCallsBackOnceWithWhatSubmitWouldReturn) {
  auto r = ParseIntakeReport(R"({"description": "x", "rsit_class": "fraud"})");
  ASSERT_TRUE(r.ok());
  std::promise<Result<Ack>> done;
  auto got = done.get_future();
  std::atomic<int> calls{0};
  const auto caller = std::this_thread::get_id();
  std::thread::id called_on;
  desk_->SubmitAsync("api", Reporter("acme"), *r, [&](Result<Ack> ack) {
    called_on = std::this_thread::get_id();
    ++calls;
    done.set_value(std::move(ack));
  });
  auto ack = got.get();
  ASSERT_TRUE(ack.ok()) << ack.status().message();
  EXPECT_FALSE(ack->replay);
  EXPECT_NE(called_on, caller);
  EXPECT_TRUE(desk_->Get("api", ack->ticket.ticket, Who("acme")).ok());

  auto future = ParseIntakeReport(
      R"({"description": "x", "rsit_class": "fraud", "aware_at": "2030-01-01T00:00:00Z"})");
  ASSERT_TRUE(future.ok());
  std::optional<Result<Ack>> refused;
  desk_->SubmitAsync("api", Reporter("acme"), *future, [&](Result<Ack> a) {
    ++calls;
    refused = std::move(a);
  });
  ASSERT_TRUE(refused.has_value());  // answered before SubmitAsync returned
  EXPECT_EQ(refused->status().message(), "aware_at: in the future");
  desk_.reset();  // stops the committer: no late second call
  EXPECT_EQ(calls.load(), 2);
}

// Group commit: reports submitted at once from many threads are all stored and all get
// distinct tickets; what another process stored is caught up before the next batch.
TEST_F(IntakeDeskTest, ConcurrentSubmissionsAndCatchUp) {
  std::vector<std::thread> threads;
  std::vector<std::string> tickets(64);
  for (int i = 0; i < 64; ++i) {
    threads.emplace_back([&, i] {
      auto r = ParseIntakeReport(R"({"description": "x", "rsit_class": "fraud"})");
      auto ack = desk_->Submit("api", Reporter(i % 2 ? "acme" : "shop"), *r);
      if (ack.ok()) tickets[i] = ack->ticket.ticket;
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> distinct(tickets.begin(), tickets.end());
  EXPECT_EQ(distinct.size(), 64u);
  EXPECT_EQ(distinct.count(""), 0u);
  EXPECT_EQ(store_->CountObjects(IntakeCollectionId("api")).value(), 64);
  // A second desk on the same store (the CLI while the node serves) stores a report; the
  // first desk sees it after Refresh, and dedupes against it.
  {
    IntakeDeskOptions o;
    o.clock = &clock_;
    o.config.dedupe_window_seconds = 3600;
    auto other = IntakeDesk::Open(*store_, std::move(o));
    ASSERT_TRUE(other.ok());
    auto r = ParseIntakeReport(R"({"description": "cli", "rsit_class": "fraud",
        "observables": [{"type": "url", "value": "http://x.example/a"}]})");
    ASSERT_TRUE((*other)->Submit("api", Reporter("acme"), *r).ok());
  }
  IntakeConfig config;
  config.dedupe_window_seconds = 3600;
  OpenDesk(config);
  Ack dup = Submit("shop", R"({"description": "y", "rsit_class": "fraud",
      "observables": [{"type": "url", "value": "http://x.example/a"}]})");
  EXPECT_FALSE(dup.ticket.duplicate_of.empty());
}

// A feed's reports are queued together: each gets its result, in order; reports of the
// same batch dedupe against each other.
TEST_F(IntakeDeskTest, SubmitManyKeepsOrderAndDedupesWithinTheBatch) {
  IntakeConfig config;
  config.dedupe_window_seconds = 3600;
  OpenDesk(config);
  std::vector<IntakeReport> reports;
  for (int i = 0; i < 300; ++i) {
    auto r = ParseIntakeReport(R"({"description": "feed item )" + std::to_string(i) +
                               R"(", "rsit_class": "scan", "observables": [{"type": "ipv4-addr",
                               "value": "192.0.2.)" +
                               std::to_string(i % 150) + R"("}]})");
    ASSERT_TRUE(r.ok());
    reports.push_back(*r);
  }
  reports[7].aware_at_us = kT0 + 3600LL * 1'000'000;  // in the future: refused alone
  auto acks = desk_->SubmitMany("api", Reporter("acme"), reports);
  ASSERT_EQ(acks.size(), 300u);
  EXPECT_FALSE(acks[7].ok());
  EXPECT_EQ(acks[7].status().message(), "aware_at: in the future");
  for (int i = 0; i < 300; ++i) {
    if (i == 7) continue;
    ASSERT_TRUE(acks[i].ok()) << i;
    EXPECT_EQ(acks[i]->ticket.report.description, "feed item " + std::to_string(i));
    // The second report naming an address attaches to the first (150 apart).
    if (i >= 150 && i != 157) {
      EXPECT_EQ(acks[i]->ticket.duplicate_of, acks[i - 150]->ticket.ticket) << i;
    } else {
      EXPECT_EQ(acks[i]->ticket.duplicate_of, "") << i;
    }
  }
  EXPECT_EQ(store_->CountObjects(IntakeCollectionId("api")).value(), 299);
  EXPECT_EQ(desk_->Queue("api").size(), 150u);
}

// An operator removes the intake collection while the node runs: the batch that finds it
// gone fails whole (nothing acknowledged that is not stored), the next one creates it again.
TEST_F(IntakeDeskTest, RemovedCollectionIsCreatedAgain) {
  Submit("acme", R"({"description": "before", "rsit_class": "fraud"})");
  ASSERT_TRUE(store_->DeleteCollection(IntakeCollectionId("api")).ok());
  auto r = ParseIntakeReport(R"({"description": "lost?", "rsit_class": "fraud"})");
  auto failed = desk_->Submit("api", Reporter("acme"), *r);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), StatusCode::kUnavailable);
  Ack after = Submit("acme", R"({"description": "after", "rsit_class": "fraud"})");
  EXPECT_FALSE(after.ticket.ticket.empty());
  EXPECT_EQ(store_->CountObjects(IntakeCollectionId("api")).value(), 1);
  auto tickets = desk_->List("api", Who("cert"), 10);
  ASSERT_EQ(tickets.size(), 1u);
  EXPECT_EQ(tickets[0].report.description, "after");
}

}  // namespace
}  // namespace entente::cases
