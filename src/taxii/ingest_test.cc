// Ingestor against a store whose status writes fail: a status is reported only once
// stored, and a completed one replaces the "pending" one the client was given.
#include "taxii/ingest.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <memory>
#include <mutex>
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

}  // namespace
}  // namespace entente::taxii
