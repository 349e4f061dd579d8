// Ingestor against a store whose status writes fail: a status is reported only once
// stored, and a completed one replaces the "pending" one the client was given.
#include "taxii/ingest.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "taxii/testing/fixture.h"
#include "taxii/testing/memory_store.h"

namespace entente::taxii {
namespace {

using testing::Indicator;
using testing::MemoryStore;
using testing::NewId;

store::Collection AddCollection(MemoryStore& store) {
  store::Collection c;
  c.id = "6c0c4d1e-1a2b-4c3d-8e4f-000000000009";
  c.api_root = "api";
  c.title = "ingest";
  c.writers = {"org-a"};
  EXPECT_TRUE(store.PutCollection(c).ok());
  return c;
}

boost::json::array Objects(int n) {
  boost::json::array objects;
  for (int i = 0; i < n; ++i) {
    objects.push_back(
        boost::json::parse(Indicator(NewId("indicator"), "2024-01-02T00:00:00.000Z")));
  }
  return objects;
}

// Fails the first `failures` writes of a completed status.
class CompletedWriteFaults {
 public:
  explicit CompletedWriteFaults(int failures) : left_(failures) {}
  Status operator()(const store::StatusRecord& s) {
    std::lock_guard<std::mutex> lock(mu_);
    if (s.status != "complete" || left_ == 0) return Status::Ok();
    --left_;
    return Status::IoError("disk full");
  }

 private:
  std::mutex mu_;
  int left_;
};

struct Logged {
  std::mutex mu;
  std::vector<std::string> lines;
};

TEST(Ingestor, QueuedEnvelopeCompletesWhenTheFirstStatusWriteFails) {
  MemoryStore store;
  const store::Collection c = AddCollection(store);
  auto faults = std::make_shared<CompletedWriteFaults>(1);
  store.SetPutStatusFault([faults](const store::StatusRecord& s) { return (*faults)(s); });
  IngestOptions options;
  options.async_threshold = 1;
  Ingestor ingestor(store, options);
  auto submitted = ingestor.Submit(c, "org-a", Objects(3));
  ASSERT_TRUE(submitted.ok()) << submitted.status().ToString();
  EXPECT_EQ(submitted->status, "pending");
  ingestor.Stop();  // completes what is queued
  auto stored = store.GetStatus(submitted->id);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(stored->status, "complete");
  EXPECT_EQ(stored->successes.size(), 3u);
  EXPECT_TRUE(stored->pendings.empty());
}

TEST(Ingestor, CompletedStatusThatCannotBeStoredIsLoggedAndWrittenLater) {
  MemoryStore store;
  const store::Collection c = AddCollection(store);
  auto faults = std::make_shared<CompletedWriteFaults>(100);
  store.SetPutStatusFault([faults](const store::StatusRecord& s) { return (*faults)(s); });
  auto logged = std::make_shared<Logged>();
  IngestOptions options;
  options.async_threshold = 1;
  options.log = [logged](const std::string& line) {
    std::lock_guard<std::mutex> lock(logged->mu);
    logged->lines.push_back(line);
  };
  Ingestor ingestor(store, options);
  auto first = ingestor.Submit(c, "org-a", Objects(2));
  ASSERT_TRUE(first.ok());
  // Wait until the worker has given up on the first status for now.
  for (int i = 0; i < 2000; ++i) {
    {
      std::lock_guard<std::mutex> lock(logged->mu);
      if (!logged->lines.empty()) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  {
    std::lock_guard<std::mutex> lock(logged->mu);
    ASSERT_FALSE(logged->lines.empty());
    EXPECT_NE(logged->lines[0].find(first->id), std::string::npos) << logged->lines[0];
    EXPECT_NE(logged->lines[0].find("disk full"), std::string::npos) << logged->lines[0];
  }
  EXPECT_EQ(store.GetStatus(first->id)->status, "pending");  // what the client can know
  store.SetPutStatusFault({});                               // the store recovers
  auto second = ingestor.Submit(c, "org-a", Objects(2));
  ASSERT_TRUE(second.ok());
  ingestor.Stop();
  for (const auto& id : {first->id, second->id}) {
    auto stored = store.GetStatus(id);
    ASSERT_TRUE(stored.ok());
    EXPECT_EQ(stored->status, "complete") << id;
    EXPECT_EQ(stored->successes.size(), 2u) << id;
  }
}

TEST(Ingestor, NoStatusIsReportedThatWasNotStored) {
  MemoryStore store;
  const store::Collection c = AddCollection(store);
  store.SetPutStatusFault([](const store::StatusRecord&) { return Status::IoError("disk full"); });
  Ingestor ingestor(store, IngestOptions{});
  auto complete = ingestor.Submit(c, "org-a", Objects(1));
  EXPECT_FALSE(complete.ok());
  IngestOptions queued;
  queued.async_threshold = 0;
  Ingestor background(store, queued);
  auto pending = background.Submit(c, "org-a", Objects(1));
  EXPECT_FALSE(pending.ok());
}

store::NewObject Row(const std::string& id, const std::string& version, const std::string& owner) {
  store::NewObject n;
  n.id = id;
  n.type = "indicator";
  n.spec_version = "2.1";
  n.version = version;
  n.version_us = 1'704'067'200'000'000;  // 2024-01-01T00:00:00Z
  n.json = Indicator(id, version);
  n.labels.owner_org = owner;
  return n;
}

// A restart finds which objects of an interrupted envelope were committed: those its
// organisation stored in that collection are successes, every other one (not stored,
// or the same version stored by another organisation) a failure asking to resend.
TEST(CompleteInterruptedStatuses, StoredObjectsOfTheOwnerBecomeSuccesses) {
  MemoryStore store;
  const store::Collection c = AddCollection(store);
  const std::string mine = NewId("indicator"), theirs = NewId("indicator"),
                    lost = NewId("indicator"), precise = NewId("indicator");
  ASSERT_TRUE(store
                  .AddObjects(c.id, {Row(mine, "2024-01-01T00:00:00.000Z", "org-a"),
                                     Row(theirs, "2024-01-01T00:00:00.000Z", "org-b"),
                                     Row(precise, "2024-01-01T00:00:00Z", "org-a")})
                  .ok());
  store::StatusRecord left;
  left.id = "5a1e1f0c-0d5b-4c61-9a55-3f7c2b1d0e98";
  left.api_root = c.api_root;
  left.collection_id = c.id;
  left.owner_org = "org-a";
  left.status = "pending";
  left.total_count = 4;
  for (const std::string& id : {mine, theirs, lost}) {
    left.pendings.push_back({id, "2024-01-01T00:00:00.000Z", ""});
  }
  left.pendings.push_back({precise, "2024-01-01T00:00:00.000000Z", ""});
  ASSERT_TRUE(store.PutStatus(left).ok());

  ASSERT_TRUE(CompleteInterruptedStatuses(store).ok());

  auto done = store.GetStatus(left.id);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->status, "complete");
  EXPECT_TRUE(done->pendings.empty());
  ASSERT_EQ(done->successes.size(), 2u);
  EXPECT_EQ(done->successes[0].id, mine);
  EXPECT_EQ(done->successes[1].id, precise);
  EXPECT_EQ(done->successes[0].message, "");
  ASSERT_EQ(done->failures.size(), 2u);
  EXPECT_EQ(done->failures[0].id, theirs);
  EXPECT_EQ(done->failures[1].id, lost);
  EXPECT_NE(done->failures[0].message.find("send it again"), std::string::npos);
}

// A status stored before statuses named their collection is looked up in every
// collection of its API root.
TEST(CompleteInterruptedStatuses, StatusWithoutCollectionLooksInItsApiRoot) {
  MemoryStore store;
  const store::Collection c = AddCollection(store);
  const std::string mine = NewId("indicator");
  ASSERT_TRUE(store.AddObjects(c.id, {Row(mine, "2024-01-01T00:00:00.000Z", "org-a")}).ok());
  store::StatusRecord left;
  left.id = "5a1e1f0c-0d5b-4c61-9a55-3f7c2b1d0e97";
  left.api_root = c.api_root;
  left.owner_org = "org-a";
  left.status = "pending";
  left.total_count = 2;
  left.pendings.push_back({mine, "2024-01-01T00:00:00.000Z", ""});
  left.pendings.push_back({NewId("indicator"), "2024-01-01T00:00:00.000Z", ""});
  ASSERT_TRUE(store.PutStatus(left).ok());
  ASSERT_TRUE(CompleteInterruptedStatuses(store).ok());
  auto done = store.GetStatus(left.id);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->successes.size(), 1u);
  EXPECT_EQ(done->failures.size(), 1u);
}

// A queued envelope's status names its collection (read back at a restart).
TEST(Ingestor, PendingStatusNamesItsCollection) {
  MemoryStore store;
  const store::Collection c = AddCollection(store);
  IngestOptions options;
  options.async_threshold = 1;
  Ingestor ingestor(store, options);
  auto submitted = ingestor.Submit(c, "org-a", Objects(2));
  ASSERT_TRUE(submitted.ok());
  EXPECT_EQ(submitted->collection_id, c.id);
}

// Holds the background worker inside an envelope (from its first stored chunk) until
// released, so that the envelope still counts in the queue.
struct WorkerGate {
  std::mutex mu;
  std::condition_variable cv;
  bool entered = false;
  bool released = false;
  void Enter() {
    std::unique_lock<std::mutex> lock(mu);
    entered = true;
    cv.notify_all();
    cv.wait(lock, [this] { return released; });
  }
  void AwaitEntered() {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [this] { return entered; });
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mu);
    released = true;
    cv.notify_all();
  }
};

// Issue 11: the queue of envelopes accepted for background processing is bounded per
// organisation and in total; an envelope fits when its bound has nothing queued.
TEST(Ingestor, QueueIsBoundedPerOrganisationAndInTotal) {
  MemoryStore store;
  store::Collection c = AddCollection(store);
  c.writers = {"org-a", "org-b", "org-c"};
  ASSERT_TRUE(store.PutCollection(c).ok());
  WorkerGate gate;
  IngestOptions options;
  options.async_threshold = 1;
  options.max_queued_bytes_per_org = 100;
  options.max_queued_bytes = 150;
  std::once_flag once;
  options.on_stored = [&] { std::call_once(once, [&] { gate.Enter(); }); };
  Ingestor ingestor(store, options);
  auto a = ingestor.Submit(c, "org-a", Objects(2), {.envelope_bytes = 80});
  ASSERT_TRUE(a.ok());
  gate.AwaitEntered();  // a is being processed, still counted

  QueueFull full = QueueFull::kNo;
  auto b = ingestor.Submit(c, "org-a", Objects(2), {.envelope_bytes = 30}, &full);
  EXPECT_EQ(b.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(full, QueueFull::kOrganisation);
  auto other = ingestor.Submit(c, "org-b", Objects(2), {.envelope_bytes = 80}, &full);
  EXPECT_EQ(other.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(full, QueueFull::kTotal);
  EXPECT_NE(other.status().message().find("queue"), std::string::npos);
  auto fits = ingestor.Submit(c, "org-b", Objects(2), {.envelope_bytes = 60}, &full);
  ASSERT_TRUE(fits.ok());
  EXPECT_EQ(full, QueueFull::kNo);
  // Nothing is stored for a refused envelope: only a and fits have statuses.
  auto pending = store.ListPendingStatuses();
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(pending->size(), 2u);

  gate.Release();
  for (int i = 0; i < 2000; ++i) {  // until both completed (bounded)
    auto left = store.ListPendingStatuses();
    ASSERT_TRUE(left.ok());
    if (left->empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  // Room again; and an envelope larger than both bounds fits an empty queue.
  EXPECT_TRUE(ingestor.Submit(c, "org-a", Objects(2), {.envelope_bytes = 30}).ok());
  ingestor.Stop();
  Ingestor empty(store, options);
  EXPECT_TRUE(empty.Submit(c, "org-c", Objects(2), {.envelope_bytes = 1000}).ok());
}

// Each envelope's patterns are checked by a checker of its own (a budget per envelope).
TEST(Ingestor, EachEnvelopeGetsItsOwnPatternChecker) {
  MemoryStore store;
  const store::Collection c = AddCollection(store);
  IngestOptions options;
  int made = 0;
  options.envelope_pattern_checker = [&made]() -> stix::PatternChecker {
    ++made;
    auto checked = std::make_shared<int>(0);
    return [checked](std::string_view, std::string_view,
                     std::string_view) -> std::optional<std::string> {
      if (++*checked > 1) return "send fewer per envelope";
      return std::nullopt;
    };
  };
  Ingestor ingestor(store, options);
  auto first = ingestor.Submit(c, "org-a", Objects(3));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->successes.size(), 1u);
  ASSERT_EQ(first->failures.size(), 2u);
  EXPECT_NE(first->failures[0].message.find("send fewer per envelope"), std::string::npos);
  auto second = ingestor.Submit(c, "org-a", Objects(1));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->successes.size(), 1u);
  EXPECT_EQ(made, 2);
}

// TAXII 2.1 §2: "Empty lists are prohibited in TAXII and MUST NOT be used as a substitute
// for omitting optional properties": a status omits the lists it has nothing in.
// Issue 14: an indicator looking for a listed value is stored and flagged; TAXII 2.1
// §4.3.1: a status-details entry "MAY" carry a `message`. The flag goes only on the
// success of the object that carries the value, and the lists are asked for per envelope
// (so that a list added while the server runs applies to the next envelope).
TEST(Ingestor, IndicatorOnAWarninglistIsStoredAndItsSuccessSaysSo) {
  MemoryStore store;
  const store::Collection c = AddCollection(store);
  auto lists = std::make_shared<std::shared_ptr<const pattern::index::WarninglistSet>>();
  int asked = 0;
  IngestOptions options;
  options.warninglists = [&asked, lists] {
    ++asked;
    return *lists;
  };
  Ingestor ingestor(store, options);
  const std::string listed = NewId("indicator");
  const std::string other = NewId("indicator");
  auto envelope = [&] {
    boost::json::array objects;
    objects.push_back(boost::json::parse(Indicator(listed, "2024-01-02T00:00:00.000Z")));
    boost::json::value second = boost::json::parse(Indicator(other, "2024-01-02T00:00:00.000Z"));
    second.as_object()["pattern"] = "[ipv4-addr:value = '203.0.113.7']";
    objects.push_back(std::move(second));
    return objects;
  };
  // No lists yet: nothing said.
  auto first = ingestor.Submit(c, "org-a", envelope());
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->successes.size(), 2u);
  EXPECT_EQ(first->successes[0].message, "");
  EXPECT_EQ(asked, 1);
  // A list holding the first indicator's value (the fixture's 198.51.100.1).
  pattern::index::WarninglistSet set;
  pattern::index::Warninglist doc;
  doc.name = "Documentation ranges";
  doc.type = pattern::index::WarninglistType::kCidr;
  doc.entries = {"198.51.100.0/24"};
  set.Add(std::move(doc));
  set.Build();
  *lists = std::make_shared<const pattern::index::WarninglistSet>(std::move(set));
  auto second = ingestor.Submit(c, "org-a", envelope());
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(asked, 2);
  ASSERT_EQ(second->successes.size(), 2u);
  EXPECT_EQ(second->successes[0].id, listed);
  EXPECT_EQ(second->successes[0].message,
            "already present; on warninglist Documentation ranges (198.51.100.1)");
  EXPECT_EQ(second->successes[1].id, other);
  EXPECT_EQ(second->successes[1].message, "already present");
  // A new version is stored, flagged.
  boost::json::array newer;
  newer.push_back(boost::json::parse(Indicator(listed, "2024-01-03T00:00:00.000Z")));
  auto third = ingestor.Submit(c, "org-a", std::move(newer));
  ASSERT_TRUE(third.ok());
  ASSERT_EQ(third->successes.size(), 1u);
  EXPECT_EQ(third->successes[0].message, "on warninglist Documentation ranges (198.51.100.1)");
  EXPECT_NE(StatusJson(*third).find("\"message\":\"on warninglist Documentation ranges"),
            std::string::npos);
}

TEST(StatusJson, OmitsEmptyLists) {
  store::StatusRecord s;
  s.id = "2d086da7-4bdc-4f91-900e-d77486753710";
  s.status = "complete";
  s.total_count = 1;
  s.successes.push_back(
      {"indicator--6770298f-0fd8-471a-ab8c-1c658a46574e", "2024-01-01T00:00:00Z", ""});
  auto v = boost::json::parse(StatusJson(s)).as_object();
  EXPECT_EQ(v.at("successes").as_array().size(), 1u);
  EXPECT_FALSE(v.contains("failures"));
  EXPECT_FALSE(v.contains("pendings"));
  EXPECT_EQ(v.at("failure_count").as_int64(), 0);
  EXPECT_EQ(v.at("pending_count").as_int64(), 0);
  s.successes.clear();
  v = boost::json::parse(StatusJson(s)).as_object();
  EXPECT_FALSE(v.contains("successes"));
  EXPECT_EQ(v.at("success_count").as_int64(), 0);
}

}  // namespace
}  // namespace entente::taxii
